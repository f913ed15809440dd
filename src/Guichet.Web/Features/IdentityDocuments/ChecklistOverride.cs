using Guichet.Domain.IdentityDocuments;
using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.IdentityDocuments;

/// <summary>
/// An organisation's change to the national checklist: a national row turned off or given another stamp
/// amount, or a line of its own (then <see cref="Text"/> is set and <see cref="RuleId"/> is its own id).
/// </summary>
public sealed class ChecklistOverride
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string RuleId { get; set; }
    public bool Disabled { get; set; }
    /// <summary>Cents, not a decimal: SQLite has no decimal type, and integers compare the same on both providers.</summary>
    public int? AmountCents { get; set; }
    /// <summary>An extra line only: its French text.</summary>
    public string? Text { get; set; }
    /// <summary>An extra line only: the facts it requires (<see cref="Fact"/> names separated by spaces), empty for always.</summary>
    public string? Facts { get; set; }
    public DateTime UpdatedUtc { get; set; }
    public string? UpdatedByAgentId { get; set; }

    public bool IsExtra => Text is not null;

    public RuleOverride ToOverride() => new(RuleId, Disabled, AmountCents / 100m);

    public ChecklistRule ToExtraRule() => new(RuleId, RuleKind.Document, Text!,
        Condition.If([.. (Facts ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<Fact>)]),
        Disabled: Disabled, Extra: true);

    internal static void Map(ModelBuilder b) => b.Entity<ChecklistOverride>(e =>
    {
        e.ToTable("checklist_overrides");
        e.Property(x => x.Id).HasMaxLength(64);
        e.Property(x => x.RuleId).HasMaxLength(64);
        e.Property(x => x.Text).HasMaxLength(ChecklistRule.MaxTextLength);
        e.Property(x => x.Facts).HasMaxLength(200);
        e.Ignore(x => x.IsExtra);
        e.HasIndex(x => new { x.OrganisationId, x.RuleId }).IsUnique();
        e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
    });
}
