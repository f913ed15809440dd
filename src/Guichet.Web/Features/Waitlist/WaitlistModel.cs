using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Waitlist;

/// <summary>Active until an offer is taken (Satisfied), the citizen leaves (Cancelled) or its "not after" date passes (Expired).</summary>
public enum WaitlistStatus { Active, Satisfied, Cancelled, Expired }

/// <summary>Open until taken, lost to another offeree or to anyone else who booked the slot, withdrawn (the entry closed) or expired.</summary>
public enum OfferStatus { Open, Taken, Lost, Withdrawn, Expired }

/// <summary>
/// A citizen's wish for an earlier slot: the sites they accept (or any site within a radius of their commune), the
/// reason, the persons, the dates, how to reach them. One row per request, in request order (<see cref="CreatedUtc"/>).
/// <see cref="OrganisationId"/> is the organisation of the first site asked for (or of the appointment held): the
/// agents who see the entry are those whose site it matches, whatever organisation it carries.
/// </summary>
public sealed class WaitlistEntry
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    /// <summary>Sites asked for, separated by spaces (ids never contain one); may be empty when a radius is given.</summary>
    public string SiteIds { get; set; } = "";
    public double? NearLatitude { get; set; }
    public double? NearLongitude { get; set; }
    public int? RadiusKm { get; set; }
    /// <summary>Commune or postcode as the citizen typed it, for agents and the entry page.</summary>
    public string? NearLabel { get; set; }
    public required string ReasonCode { get; set; }
    public int Persons { get; set; }
    public DateOnly? NotBefore { get; set; }
    public DateOnly NotAfter { get; set; }
    public required string FirstName { get; set; }
    public required string LastName { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    /// <summary>The appointment the citizen holds: an offer taken moves it instead of booking a second one.</summary>
    public string? AppointmentId { get; set; }
    /// <summary>Hash of the secret of the entry's own link (see or leave the list).</summary>
    public required string TokenHash { get; set; }
    public WaitlistStatus Status { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime? ClosedUtc { get; set; }

    public IReadOnlyList<string> Sites => SiteIds.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public bool Accepts(Site site) =>
        Sites.Contains(site.Id)
        || (NearLatitude is { } lat && NearLongitude is { } lon && RadiusKm is { } km
            && new Domain.Geography.GeoPoint(lat, lon).DistanceKm(new Domain.Geography.GeoPoint(site.Latitude, site.Longitude)) <= km);
}

/// <summary>One freed slot offered to one entry, behind a secret link. The booking itself decides who gets the slot.</summary>
public sealed class WaitlistOffer
{
    public required string Id { get; set; }
    /// <summary>The organisation of the offered site.</summary>
    public required string OrganisationId { get; set; }
    public required string EntryId { get; set; }
    public required string SiteId { get; set; }
    public required string ReasonCode { get; set; }
    public DateTime StartUtc { get; set; }
    public required string TokenHash { get; set; }
    public OfferStatus Status { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime ExpiresUtc { get; set; }
    public DateTime? AnsweredUtc { get; set; }
    /// <summary>The appointment booked or moved through this offer.</summary>
    public string? AppointmentId { get; set; }
}

/// <summary>
/// "These minutes of this station are free again": written in the same transaction as the cancellation or move that
/// frees them, so no freed slot is forgotten; the waiting-list job turns it into offers once, under a claim.
/// </summary>
public sealed class WaitlistJob
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string SiteId { get; set; }
    public required string StationId { get; set; }
    public DateTime FromUtc { get; set; }
    public DateTime ToUtc { get; set; }
    public DateTime CreatedUtc { get; set; }
    public string? ClaimToken { get; set; }
    public DateTime? LeaseUntilUtc { get; set; }
    public DateTime? ProcessedUtc { get; set; }

    /// <summary>The job for the minutes an appointment held until now (it was cancelled or moved away).</summary>
    public static WaitlistJob Released(Appointment a, DateTime fromUtc, DateTime toUtc, string stationId, DateTime nowUtc) =>
        Freed(a.OrganisationId, a.SiteId, stationId, fromUtc, toUtc, nowUtc);

    /// <summary>The job for minutes of a station freed otherwise (a closure lifted).</summary>
    public static WaitlistJob Freed(string organisationId, string siteId, string stationId, DateTime fromUtc, DateTime toUtc, DateTime nowUtc) => new()
    {
        Id = Platform.Secrets.NewId(), OrganisationId = organisationId, SiteId = siteId, StationId = stationId,
        FromUtc = fromUtc, ToUtc = toUtc, CreatedUtc = nowUtc,
    };

    internal static void Map(ModelBuilder b)
    {
        b.Entity<WaitlistEntry>(e =>
        {
            e.ToTable("waitlist_entries");
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.SiteIds).HasMaxLength(1000);
            e.Property(x => x.NearLabel).HasMaxLength(100);
            e.Property(x => x.ReasonCode).HasMaxLength(32);
            e.Property(x => x.FirstName).HasMaxLength(100);
            e.Property(x => x.LastName).HasMaxLength(100);
            e.Property(x => x.Email).HasMaxLength(254);
            e.Property(x => x.Phone).HasMaxLength(20);
            e.Property(x => x.TokenHash).HasMaxLength(64);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.Ignore(x => x.Sites);
            // The job reads the active entries in request order.
            e.HasIndex(x => new { x.Status, x.CreatedUtc });
            e.HasIndex(x => x.AppointmentId);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Appointment>().WithMany().HasForeignKey(x => x.AppointmentId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<WaitlistOffer>(e =>
        {
            e.ToTable("waitlist_offers");
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.ReasonCode).HasMaxLength(32);
            e.Property(x => x.TokenHash).HasMaxLength(64);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            // One slot is never offered twice to the same entry, whichever node runs the job.
            e.HasIndex(x => new { x.EntryId, x.SiteId, x.StartUtc }).IsUnique();
            e.HasIndex(x => new { x.SiteId, x.StartUtc });
            e.HasIndex(x => new { x.Status, x.ExpiresUtc });
            e.HasOne<WaitlistEntry>().WithMany().HasForeignKey(x => x.EntryId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<WaitlistJob>(e =>
        {
            e.ToTable("waitlist_jobs");
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.ClaimToken).HasMaxLength(64);
            e.HasIndex(x => new { x.ProcessedUtc, x.CreatedUtc });
            e.HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}
