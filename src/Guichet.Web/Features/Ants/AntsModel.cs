using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Ants;

/// <summary>What to do when ANTS says a validated number already has an appointment at another meeting point.</summary>
public enum ElsewherePolicy
{
    /// <summary>Book, and tell the citizen (and the agents) where the other appointment is. RDV Service Public's choice.</summary>
    Warn,
    /// <summary>Refuse; an agent may still book with a written justification.</summary>
    Refuse,
}

/// <summary>An organisation's ANTS settings, edited by its administrator. No row: the defaults below.</summary>
public sealed class AntsPolicy
{
    public required string OrganisationId { get; set; }
    public ElsewherePolicy Elsewhere { get; set; } = ElsewherePolicy.Warn;
    public DateTime UpdatedUtc { get; set; }
    public string? UpdatedByAgentId { get; set; }
}

/// <summary>Where an appointment's pre-request numbers stand with ANTS, as agents see it.</summary>
public enum AntsCheckState
{
    /// <summary>ANTS confirmed every number.</summary>
    Verified,
    /// <summary>A number already has an appointment elsewhere; booked under the Warn policy or an agent's justification.</summary>
    Elsewhere,
    /// <summary>ANTS did not answer (or gave an unlisted status): booked anyway, checked again by the sync job.</summary>
    Pending,
    /// <summary>A later check found a number ANTS refuses (consumed, expired, unknown…): an agent should call the citizen.</summary>
    Problem,
}

/// <summary>One row per appointment whose numbers were (or are to be) checked with ANTS.</summary>
public sealed class AntsCheck
{
    public required string AppointmentId { get; set; }
    public required string OrganisationId { get; set; }
    public AntsCheckState State { get; set; }
    /// <summary>French, for agents and the citizen: what ANTS said, number by number. Never logged.</summary>
    public string? Note { get; set; }
    public DateTime? CheckedUtc { get; set; }
    public DateTime CreatedUtc { get; set; }
}

public enum AntsJobKind { Check, Declare, Delete }

/// <summary>Pending → Claimed (one runner, under a token and a lease) → Done; back to Pending on ANTS being down; Failed when ANTS refuses.</summary>
public enum AntsJobStatus { Pending, Claimed, Done, Failed }

/// <summary>
/// One call to the coordination API, queued in the same transaction as the booking or cancellation that causes it.
/// Jobs of one appointment run one at a time in <see cref="Seq"/> order: a delete never overtakes its declare.
/// The declaration's values (meeting point, wall-clock time, URL) are copied in, so a later delete sends exactly
/// what was declared even after the appointment moved.
/// </summary>
public sealed class AntsSyncJob
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string AppointmentId { get; set; }
    public int Seq { get; set; }
    public AntsJobKind Kind { get; set; }
    /// <summary>One number for a declare or delete; the appointment's numbers separated by spaces for a check.</summary>
    public required string ApplicationIds { get; set; }
    public required string MeetingPointId { get; set; }
    public required string MeetingPoint { get; set; }
    /// <summary>Site wall-clock time as ANTS wants it, "2026-03-19 09:00:00" (text: it is no instant, so no UTC conversion).</summary>
    public required string LocalStart { get; set; }
    public string? ManagementUrl { get; set; }
    public bool Deposit { get; set; }
    public AntsJobStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptUtc { get; set; }
    public string? ClaimToken { get; set; }
    public DateTime? LeaseUntilUtc { get; set; }
    /// <summary>French, without citizen data: ANTS's detail or why it could not be reached.</summary>
    public string? LastError { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime? DoneUtc { get; set; }

    public AntsDeclaration Declaration(string applicationId) => new(applicationId, MeetingPointId, MeetingPoint,
        DateTime.ParseExact(LocalStart, "yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), ManagementUrl ?? "");
}

public static class AntsModel
{
    internal static void Map(ModelBuilder b)
    {
        b.Entity<AntsPolicy>(e =>
        {
            e.ToTable("ants_policies");
            e.HasKey(x => x.OrganisationId);
            e.Property(x => x.Elsewhere).HasConversion<string>().HasMaxLength(16);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<AntsCheck>(e =>
        {
            e.ToTable("ants_checks");
            e.HasKey(x => x.AppointmentId);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Note).HasMaxLength(1000);
            e.HasIndex(x => x.OrganisationId);
            e.HasOne<Appointment>().WithOne().HasForeignKey<AntsCheck>(x => x.AppointmentId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<AntsSyncJob>(e =>
        {
            e.ToTable("ants_sync_jobs");
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.ApplicationIds).HasMaxLength(250);
            e.Property(x => x.ManagementUrl).HasMaxLength(500);
            e.Property(x => x.LocalStart).HasMaxLength(19);
            e.Property(x => x.ClaimToken).HasMaxLength(64);
            e.Property(x => x.LastError).HasMaxLength(500);
            // A declare and its delete can never share a place in the line.
            e.HasIndex(x => new { x.AppointmentId, x.Seq }).IsUnique();
            // The runner's claim: due pending jobs, oldest first.
            e.HasIndex(x => new { x.Status, x.NextAttemptUtc });
            e.HasOne<Appointment>().WithMany().HasForeignKey(x => x.AppointmentId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}
