using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Agenda;

public enum CalendarFeedKind { Station, Agent }

/// <summary>
/// A secret calendar address (RFC 5545 feed) of one station or one agent. Only the SHA-256 of the 256-bit token is
/// kept: the address is shown once, when it is made. Renewing replaces the hash, so the old address stops at once.
/// </summary>
public sealed class CalendarFeed
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public CalendarFeedKind Kind { get; set; }
    /// <summary>The station's id or the agent's id.</summary>
    public required string OwnerId { get; set; }
    public required string TokenHash { get; set; }
    public DateTime CreatedUtc { get; set; }
    /// <summary>The agent who made (or last renewed) the address.</summary>
    public required string CreatedBy { get; set; }

    internal static void Map(ModelBuilder b) => b.Entity<CalendarFeed>(e =>
    {
        e.ToTable("calendar_feeds");
        e.Property(x => x.Id).HasMaxLength(64);
        e.Property(x => x.OrganisationId).HasMaxLength(64);
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.OwnerId).HasMaxLength(64);
        e.Property(x => x.TokenHash).HasMaxLength(64);
        e.Property(x => x.CreatedBy).HasMaxLength(64);
        e.HasIndex(x => new { x.Kind, x.OwnerId }).IsUnique();
        e.HasIndex(x => x.TokenHash).IsUnique();
        e.HasIndex(x => x.OrganisationId);
        e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
    });
}
