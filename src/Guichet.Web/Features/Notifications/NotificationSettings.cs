using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Notifications;

/// <summary>
/// An organisation's choices about its messages, set by its administrator. No row: the defaults. A separate table
/// rather than columns of organisations, so this feature owns its schema.
/// </summary>
public sealed class NotificationSettings
{
    public const int DefaultReminderHours = 48;
    public const int MaxReminderHours = 168;

    public required string OrganisationId { get; set; }
    /// <summary>How long before the appointment the reminder goes out; 0: no reminder.</summary>
    public int ReminderHours { get; set; } = DefaultReminderHours;
    public DateTime UpdatedUtc { get; set; }
    public string? UpdatedByAgentId { get; set; }

    internal static void Map(ModelBuilder b) => b.Entity<NotificationSettings>(e =>
    {
        e.ToTable("notification_settings");
        e.HasKey(x => x.OrganisationId);
        e.HasOne<Organisation>().WithOne().HasForeignKey<NotificationSettings>(x => x.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    });

    public static async Task<int> ReminderHoursAsync(GuichetDb db, string organisationId, CancellationToken ct) =>
        await db.Set<NotificationSettings>().AsNoTracking().Where(s => s.OrganisationId == organisationId)
            .Select(s => (int?)s.ReminderHours).FirstOrDefaultAsync(ct) ?? DefaultReminderHours;
}
