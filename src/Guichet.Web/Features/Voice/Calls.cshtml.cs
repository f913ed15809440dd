using System.Globalization;
using Guichet.Domain.Scheduling;
using Guichet.Domain.Voice;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Voice;

/// <summary>Supervisors see their own organisation's calls to the voice server over a period: counts and rates, no numbers.</summary>
[Authorize(Roles = $"{Roles.Supervisor},{Roles.Administrator}")]
public sealed class VoiceCallsModel(GuichetDb db, CurrentAgent current, TimeProvider clock) : PageModel
{
    private const int MaxDays = 366;

    [BindProperty(SupportsGet = true, Name = "from")] public string? FromText { get; set; }
    [BindProperty(SupportsGet = true, Name = "to")] public string? ToText { get; set; }

    public string OrganisationName { get; private set; } = "";
    public DateOnly From { get; private set; }
    public DateOnly To { get; private set; }
    public IReadOnlyList<(VoiceOutcome Outcome, int Count)> Rows { get; private set; } = [];
    public CallRates Rates { get; private set; } = new(0, 0, 0, 0);
    public int? AverageSeconds { get; private set; }
    public int MessagesWaiting { get; private set; }
    /// <summary>Rates per unit the calls counted for, by unit name; calls of no unit last.</summary>
    public IReadOnlyList<(string Unit, CallRates Rates)> ByUnit { get; private set; } = [];
    public List<FieldError> Errors { get; } = [];
    public string? Invalid(string field) => Errors.Any(e => e.Field == field) ? "true" : null;

    public static readonly VoiceOutcome[] Outcomes =
        [VoiceOutcome.Booked, VoiceOutcome.Cancelled, VoiceOutcome.Information, VoiceOutcome.Transferred, VoiceOutcome.Message, VoiceOutcome.Abandoned, VoiceOutcome.None];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        OrganisationName = await db.Organisations.Where(o => o.Id == agent.OrganisationId).Select(o => o.Name).FirstAsync(ct);
        var zoneId = await db.Sites.Where(s => s.OrganisationId == agent.OrganisationId).OrderBy(s => s.Id).Select(s => s.TimeZone).FirstOrDefaultAsync(ct) ?? "Europe/Paris";
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, zone));
        From = Parse(FromText, "from", today.AddDays(-30));
        To = Parse(ToText, "to", today);
        if (Errors.Count == 0 && To < From) Errors.Add(new("to", "La date de fin doit suivre la date de début."));
        if (Errors.Count == 0 && To.DayNumber - From.DayNumber > MaxDays) Errors.Add(new("to", "Choisissez une période d'un an au plus."));
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            From = today.AddDays(-30);
            To = today;
        }
        var fromUtc = TimeZoneInfo.ConvertTimeToUtc(From.ToDateTime(TimeOnly.MinValue), zone);
        var toUtc = TimeZoneInfo.ConvertTimeToUtc(To.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);
        var calls = db.Set<VoiceCall>().AsNoTracking().Where(c => c.OrganisationId == agent.OrganisationId && c.StartedUtc >= fromUtc && c.StartedUtc < toUtc);
        var counts = await calls.GroupBy(c => c.Outcome).Select(g => new { Outcome = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Outcome, g => g.Count, ct);
        Rows = Outcomes.Select(o => (o, counts.GetValueOrDefault(o))).ToList();
        Rates = CallRates.From(counts);
        var byUnit = await calls.GroupBy(c => new { c.UnitId, c.Outcome }).Select(g => new { g.Key.UnitId, g.Key.Outcome, Count = g.Count() }).ToListAsync(ct);
        var unitNames = await db.Set<Requests.Unit>().Where(u => u.OrganisationId == agent.OrganisationId).ToDictionaryAsync(u => u.Id, u => u.Name, ct);
        ByUnit = byUnit.GroupBy(r => r.UnitId)
            .Select(g => (Unit: g.Key is { } id ? unitNames.GetValueOrDefault(id, "Service supprimé") : "Sans service",
                Rates: CallRates.From(g.ToDictionary(r => r.Outcome, r => r.Count)), NoUnit: g.Key is null))
            .OrderBy(r => r.NoUnit).ThenBy(r => r.Unit, StringComparer.Create(CultureInfo.GetCultureInfo("fr-FR"), true))
            .Select(r => (r.Unit, r.Rates)).ToList();
        var average = await calls.Where(c => c.DurationSeconds != null).Select(c => (double?)c.DurationSeconds).AverageAsync(ct);
        AverageSeconds = average is null ? null : (int)Math.Round(average.Value);
        MessagesWaiting = await db.Set<VoiceMessage>().CountAsync(m => m.OrganisationId == agent.OrganisationId && m.CitizenRequestId == null, ct);
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

    public static string OutcomeName(VoiceOutcome outcome) => outcome switch
    {
        VoiceOutcome.Booked => "Rendez-vous pris",
        VoiceOutcome.Cancelled => "Rendez-vous annulé",
        VoiceOutcome.Information => "Information (horaires, adresse, pièces)",
        VoiceOutcome.Transferred => "Mis en relation avec un agent",
        VoiceOutcome.Message => "Message laissé",
        VoiceOutcome.Abandoned => "Raccroché avant la fin",
        _ => "En cours ou fin non reçue",
    };

    public static string Percent(int? p) => p is null ? "—" : p.Value.ToString(CultureInfo.InvariantCulture) + " %";
}
