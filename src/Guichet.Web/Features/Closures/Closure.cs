using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Closures;

public enum ClosureKind { Closure, OutOfOrder, Absence }

public enum ClosureSource { Manual, Import }

/// <summary>
/// A period without appointments at a whole site (no <see cref="StationId"/>) or at one of its stations: the town
/// hall closed, a station out of order, the agent who runs it away. Public holidays need none: they come from the
/// site's territory.
/// </summary>
public sealed class Closure
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string SiteId { get; set; }
    /// <summary>Null: every station of the site.</summary>
    public string? StationId { get; set; }
    public ClosureKind Kind { get; set; }
    public DateTime StartUtc { get; set; }
    /// <summary>Exclusive: a closure until noon leaves the noon slot open.</summary>
    public DateTime EndUtc { get; set; }
    /// <summary>Why, as agents read it ("Pont de l'Ascension", "Formation"). Never shown to citizens.</summary>
    public required string Reason { get; set; }
    /// <summary>For an absence: the agent who is away.</summary>
    public string? AgentId { get; set; }
    public ClosureSource Source { get; set; }
    /// <summary>The UID of the imported event: importing the same file again updates instead of adding.</summary>
    public string? ImportUid { get; set; }
    public DateTime CreatedUtc { get; set; }
    public string? CreatedByAgentId { get; set; }

    public const int MaxReasonLength = 200;

    internal static void Map(ModelBuilder b) => b.Entity<Closure>(e =>
    {
        e.ToTable("closures");
        e.Property(x => x.Id).HasMaxLength(64);
        e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.Source).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.Reason).HasMaxLength(MaxReasonLength);
        e.Property(x => x.ImportUid).HasMaxLength(300);
        // The slot search reads the closures of some sites around a window.
        e.HasIndex(x => new { x.SiteId, x.StartUtc });
        e.HasIndex(x => new { x.SiteId, x.ImportUid }).IsUnique();
        e.HasIndex(x => x.OrganisationId);
        e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Station>().WithMany().HasForeignKey(x => x.StationId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Agent>().WithMany().HasForeignKey(x => x.AgentId).OnDelete(DeleteBehavior.SetNull);
    });

    public static string KindName(ClosureKind kind) => kind switch
    {
        ClosureKind.Closure => "Fermeture",
        ClosureKind.OutOfOrder => "Poste indisponible (panne, maintenance)",
        ClosureKind.Absence => "Absence d'un agent",
        _ => kind.ToString(),
    };
}
