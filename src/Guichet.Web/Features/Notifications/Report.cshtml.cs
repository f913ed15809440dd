using System.Globalization;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Notifications;

public sealed record MessageCount(MessageChannel Channel, MessageKind Kind, int Sent, int Failed, int Pending, int Dropped)
{
    public int Total => Sent + Failed + Pending + Dropped;
}

/// <summary>Supervisors and administrators see their own organisation's messages over a period: counts only, no citizen data.</summary>
[Authorize(Roles = $"{Roles.Supervisor},{Roles.Administrator}")]
public sealed class MessageReportModel(GuichetDb db, CurrentAgent current, TimeProvider clock) : PageModel
{
    private const int MaxDays = 366;

    [BindProperty(SupportsGet = true, Name = "from")] public string? FromText { get; set; }
    [BindProperty(SupportsGet = true, Name = "to")] public string? ToText { get; set; }

    public string OrganisationName { get; private set; } = "";
    public DateOnly From { get; private set; }
    public DateOnly To { get; private set; }
    public IReadOnlyList<MessageCount> Rows { get; private set; } = [];
    public List<FieldError> Errors { get; } = [];
    public string? Invalid(string field) => Errors.Any(e => e.Field == field) ? "true" : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        OrganisationName = await db.Organisations.Where(o => o.Id == agent.OrganisationId).Select(o => o.Name).FirstAsync(ct);
        // Days are the organisation's: the time zone of its first site (Paris when it has none).
        var zoneId = await db.Sites.Where(s => s.OrganisationId == agent.OrganisationId).OrderBy(s => s.Id).Select(s => s.TimeZone).FirstOrDefaultAsync(ct) ?? "Europe/Paris";
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, zone));
        From = Parse(FromText, "from", today.AddDays(-30));
        To = Parse(ToText, "to", today.AddDays(7));
        if (Errors.Count == 0 && To < From) Errors.Add(new("to", "La date de fin doit suivre la date de début."));
        if (Errors.Count == 0 && To.DayNumber - From.DayNumber > MaxDays) Errors.Add(new("to", "Choisissez une période d'un an au plus."));
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            From = today.AddDays(-30);
            To = today.AddDays(7);
        }
        var fromUtc = TimeZoneInfo.ConvertTimeToUtc(From.ToDateTime(TimeOnly.MinValue), zone);
        var toUtc = TimeZoneInfo.ConvertTimeToUtc(To.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);
        var counts = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.OrganisationId == agent.OrganisationId && m.ScheduledUtc >= fromUtc && m.ScheduledUtc < toUtc)
            .GroupBy(m => new { m.Channel, m.Kind, m.Status })
            .Select(g => new { g.Key.Channel, g.Key.Kind, g.Key.Status, Count = g.Count() })
            .ToListAsync(ct);
        Rows = counts.GroupBy(c => (c.Channel, c.Kind))
            .Select(g => new MessageCount(g.Key.Channel, g.Key.Kind,
                Sent: g.Where(c => c.Status == MessageStatus.Sent).Sum(c => c.Count),
                Failed: g.Where(c => c.Status == MessageStatus.Failed).Sum(c => c.Count),
                Pending: g.Where(c => c.Status is MessageStatus.Pending or MessageStatus.Claimed or MessageStatus.Sending).Sum(c => c.Count),
                Dropped: g.Where(c => c.Status == MessageStatus.Dropped).Sum(c => c.Count)))
            .OrderBy(r => r.Channel).ThenBy(r => r.Kind)
            .ToList();
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    private DateOnly Parse(string? text, string field, DateOnly fallback)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            && d.Year is >= 2000 and <= 2100) return d;
        Errors.Add(new(field, field == "from" ? "La date de début n'est pas valide (AAAA-MM-JJ)." : "La date de fin n'est pas valide (AAAA-MM-JJ)."));
        return fallback;
    }

    public static string ChannelName(MessageChannel channel) => channel switch
    {
        MessageChannel.Email => "E-mail",
        MessageChannel.Sms => "SMS",
        _ => channel.ToString(),
    };

    public static string KindName(MessageKind kind) => kind.French();
}
