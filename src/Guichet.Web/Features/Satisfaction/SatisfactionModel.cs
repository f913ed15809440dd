using Guichet.Domain.Satisfaction;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Satisfaction;

/// <summary>
/// One survey sent to one citizen about one honoured appointment or one answered request, and its answer (one per
/// link, on the same row). The unique indexes on the appointment and on the request are what makes "never two
/// surveys for one cause" hold with several nodes; the link's token is stored hashed only.
/// </summary>
public sealed class SatisfactionSurvey
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public SurveySubject Subject { get; set; }
    public string? AppointmentId { get; set; }
    public string? RequestId { get; set; }
    /// <summary>The appointment's site (results per site); null for a request.</summary>
    public string? SiteId { get; set; }
    /// <summary>The request's unit; null for an appointment.</summary>
    public string? UnitId { get; set; }
    public MessageChannel Channel { get; set; }
    public required string TokenHash { get; set; }
    /// <summary>When the survey went into the outbox: the day it counts for in the results.</summary>
    public DateTime SentUtc { get; set; }
    public DateTime ExpiresUtc { get; set; }
    public DateTime? AnsweredUtc { get; set; }
    public int? Overall { get; set; }
    public int? Delay { get; set; }
    public int? Clarity { get; set; }
    /// <summary>The citizen's free words: may name people, so agents only, and removed after the retention period.</summary>
    public string? Comment { get; set; }
    public DateTime? CommentRemovedUtc { get; set; }

    internal static void Map(ModelBuilder b)
    {
        b.Entity<SatisfactionSurvey>(e =>
        {
            e.ToTable("satisfaction_surveys");
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.Subject).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Channel).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.TokenHash).HasMaxLength(64);
            e.Property(x => x.Comment).HasMaxLength(SurveyQuestions.MaxCommentLength);
            e.HasIndex(x => x.TokenHash).IsUnique();
            // NULLs are distinct on both providers: one survey per appointment, one per request.
            e.HasIndex(x => x.AppointmentId).IsUnique();
            e.HasIndex(x => x.RequestId).IsUnique();
            e.HasIndex(x => new { x.OrganisationId, x.SentUtc });
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });
        // The pass looks for answers of the last few hours among every event of every request: by organisation,
        // kind and time, it reads only those (named for this feature, so it never collides with another's index).
        b.Entity<Requests.RequestEvent>().HasIndex(x => new { x.OrganisationId, x.Kind, x.AtUtc }, "IX_request_events_satisfaction");
        b.Entity<SatisfactionSettings>(e =>
        {
            e.ToTable("satisfaction_settings");
            e.HasKey(x => x.OrganisationId);
            e.HasOne<Organisation>().WithOne().HasForeignKey<SatisfactionSettings>(x => x.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

/// <summary>An organisation's survey choices. No row: surveys are off (an organisation decides to ask its citizens).</summary>
public sealed class SatisfactionSettings
{
    public required string OrganisationId { get; set; }
    public bool Enabled { get; set; }
    public int DelayHours { get; set; } = SurveyTiming.DefaultDelayHours;
    /// <summary>Causes before this instant get no survey: switching surveys on never writes to last month's visitors.</summary>
    public DateTime EnabledSinceUtc { get; set; }
    public DateTime UpdatedUtc { get; set; }
    public string? UpdatedByAgentId { get; set; }
}
