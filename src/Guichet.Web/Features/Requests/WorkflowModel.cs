using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>Where a reply written under the approval circuit stands: waiting for the visa, then the signature; signed
/// replies left through the outbox, rejected ones went back to their author with a comment.</summary>
public enum DraftStage { AwaitingVisa, AwaitingSignature, Signed, Rejected }

/// <summary>A reply that must be approved (visa, then signature) before it leaves. Steps are also events of the history.</summary>
public sealed class ReplyDraft
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string RequestId { get; set; }
    public required string AuthorAgentId { get; set; }
    public required string Text { get; set; }
    public DraftStage Stage { get; set; }
    public string? VisaAgentId { get; set; }
    public string? SignedAgentId { get; set; }
    public string? RejectedAgentId { get; set; }
    public string? RejectionComment { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime UpdatedUtc { get; set; }
}

/// <summary>A category's workflow settings (kept beside the category so the configuration pages stay untouched).</summary>
public sealed class CategoryWorkflow
{
    public required string CategoryId { get; set; }
    public required string OrganisationId { get; set; }
    /// <summary>"Les réponses passent par un visa puis une signature."</summary>
    public bool ApprovalRequired { get; set; }
}

/// <summary>An organisation's workflow settings; absent means the defaults.</summary>
public sealed class WorkflowSettings
{
    public const int DefaultAlertDaysBefore = 2;
    public const int MaxAlertDaysBefore = 30;

    public required string OrganisationId { get; set; }
    /// <summary>Working days before the due date when the unit and its supervisors are warned; 0 turns the warning off (overdue alerts stay).</summary>
    public int AlertDaysBefore { get; set; } = DefaultAlertDaysBefore;
}

/// <summary>A prepared answer (réponse type) an agent inserts into a reply, with placeholders replaced.</summary>
public sealed class CannedAnswer
{
    public const int MaxTitleLength = 100;

    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    /// <summary>Null: offered for every category.</summary>
    public string? CategoryId { get; set; }
    public required string Title { get; set; }
    public required string Text { get; set; }
    public DateTime CreatedUtc { get; set; }
}

public enum RequestLinkKind { MergedInto, SplitFrom }

/// <summary>A link between two requests of one organisation: a duplicate merged into its target, a request split out of another.</summary>
public sealed class RequestLink
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    /// <summary>The merged request (MergedInto) or the new request split out (SplitFrom).</summary>
    public required string FromRequestId { get; set; }
    /// <summary>The target of the merge, or the request the new one was split from.</summary>
    public required string ToRequestId { get; set; }
    public RequestLinkKind Kind { get; set; }
    public string? AgentId { get; set; }
    public DateTime CreatedUtc { get; set; }
}

public static class WorkflowMapping
{
    internal static void Map(ModelBuilder b)
    {
        b.Entity<ReplyDraft>(e =>
        {
            e.ToTable("request_reply_drafts");
            e.Property(x => x.Text).HasColumnType("text");
            e.Property(x => x.Stage).HasConversion<string>().HasMaxLength(32);
            e.Property(x => x.RejectionComment).HasMaxLength(RequestEvent.MaxTextLength);
            e.HasIndex(x => x.RequestId);
            // The approval baskets: an organisation's drafts by stage.
            e.HasIndex(x => new { x.OrganisationId, x.Stage });
            e.HasOne<CitizenRequest>().WithMany().HasForeignKey(x => x.RequestId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<CategoryWorkflow>(e =>
        {
            e.ToTable("request_category_workflows");
            e.HasKey(x => x.CategoryId);
            e.HasOne<Category>().WithMany().HasForeignKey(x => x.CategoryId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<WorkflowSettings>(e =>
        {
            e.ToTable("request_workflow_settings");
            e.HasKey(x => x.OrganisationId);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<CannedAnswer>(e =>
        {
            e.ToTable("request_canned_answers");
            e.Property(x => x.Title).HasMaxLength(CannedAnswer.MaxTitleLength);
            e.Property(x => x.Text).HasColumnType("text");
            e.HasIndex(x => x.OrganisationId);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Category>().WithMany().HasForeignKey(x => x.CategoryId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<RequestLink>(e =>
        {
            e.ToTable("request_links");
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(x => x.FromRequestId);
            e.HasIndex(x => x.ToRequestId);
            e.HasOne<CitizenRequest>().WithMany().HasForeignKey(x => x.FromRequestId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<CitizenRequest>().WithMany().HasForeignKey(x => x.ToRequestId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
