using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>
/// A secret link to a citizen's personal space (/mon-espace/{token}): only the SHA-256 of the token is kept, with the
/// address it was sent to and its expiry. Not tenant-owned on purpose: the space lists the requests sent with that
/// address to every organisation of the platform, since the citizen proved they read that mailbox.
/// </summary>
public sealed class CitizenSpaceLink
{
    public required string Id { get; set; }
    public required string TokenHash { get; set; }
    /// <summary>Lower-cased; kept only until the link expires (RetentionJob deletes expired links).</summary>
    public required string Email { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime ExpiresUtc { get; set; }
}

public enum DataActionKind { Export, Erase, MapExport, Anonymise }

/// <summary>
/// Who exported or erased what, and why: one row per action, never changed. It holds no personal data itself (no
/// address, no name), only the count of requests and, for an erasure, the reason the agent gave.
/// </summary>
public sealed class RequestDataAction
{
    public const int MaxReasonLength = 1000;

    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public string? AgentId { get; set; }
    public DataActionKind Kind { get; set; }
    public int RequestCount { get; set; }
    public string? Format { get; set; }
    public string? Reason { get; set; }
    public DateTime AtUtc { get; set; }
}

public static class CitizenDataMapping
{
    internal static void Map(ModelBuilder b)
    {
        b.Entity<CitizenSpaceLink>(e =>
        {
            e.ToTable("citizen_space_links");
            e.Property(x => x.TokenHash).HasMaxLength(64);
            e.Property(x => x.Email).HasMaxLength(254);
            e.HasIndex(x => x.TokenHash).IsUnique();
            // Rate limit per address and purge of expired links.
            e.HasIndex(x => new { x.Email, x.CreatedUtc });
            e.HasIndex(x => x.ExpiresUtc);
        });
        b.Entity<RequestDataAction>(e =>
        {
            e.ToTable("request_data_actions");
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Format).HasMaxLength(16);
            e.Property(x => x.Reason).HasMaxLength(RequestDataAction.MaxReasonLength);
            e.HasIndex(x => new { x.OrganisationId, x.AtUtc });
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}
