using System.Globalization;
using Guichet.Domain.Satisfaction;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Satisfaction;

/// <summary>The administrator switches the survey on or off for their own organisation and sets its delay.</summary>
[Authorize(Policy = "administrator")]
public sealed class SettingsModel(GuichetDb db, CurrentAgent current, SatisfactionOptions options, TimeProvider clock, ILogger<SettingsModel> log) : PageModel
{
    [BindProperty(Name = "enabled")] public string? EnabledText { get; set; }
    [BindProperty(Name = "delayHours")] public string? DelayText { get; set; }

    public string OrganisationName { get; private set; } = "";
    public bool Enabled { get; private set; }
    public string DelayHours { get; private set; } = "";
    public int ValidityDays => options.ValidityDays;
    public List<FieldError> Errors { get; } = [];
    public string? Message { get; private set; }
    public string? Invalid(string field) => Errors.Any(e => e.Field == field) ? "true" : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        await LoadAsync(admin, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        bool? enabled = EnabledText switch { "true" => true, "false" => false, _ => null };
        if (enabled is null) Errors.Add(new("enabled-yes", "Choisissez « Activé » ou « Désactivé »."));
        if (!int.TryParse(DelayText?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            || hours is < SurveyTiming.MinDelayHours or > SurveyTiming.MaxDelayHours)
            Errors.Add(new("delayHours", $"Indiquez un nombre d'heures entier, de {SurveyTiming.MinDelayHours} à {SurveyTiming.MaxDelayHours}."));
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadAsync(admin, ct);
            (Enabled, DelayHours) = (enabled ?? Enabled, DelayText ?? "");
            return Page();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        // The organisation is the administrator's, never a form field.
        var settings = await db.Set<SatisfactionSettings>().FirstOrDefaultAsync(s => s.OrganisationId == admin.OrganisationId, ct);
        if (settings is null)
        {
            settings = new SatisfactionSettings { OrganisationId = admin.OrganisationId };
            db.Add(settings);
        }
        // Switching on starts the clock: what was honoured or answered before gets no survey.
        if (enabled!.Value && !settings.Enabled) settings.EnabledSinceUtc = now;
        (settings.Enabled, settings.DelayHours, settings.UpdatedUtc, settings.UpdatedByAgentId) = (enabled.Value, hours, now, admin.Id);
        await db.SaveChangesAsync(ct);
        log.LogInformation("Satisfaction survey of organisation {OrganisationId} {State}, delay {Hours} h, by {AgentId}",
            admin.OrganisationId, enabled.Value ? "on" : "off", hours, admin.Id);
        Message = enabled.Value
            ? $"Enregistré : le questionnaire partira {hours} heure{(hours > 1 ? "s" : "")} après chaque rendez-vous honoré ou réponse à une demande."
            : "Enregistré : aucun questionnaire ne sera plus envoyé. Les liens déjà envoyés restent valables.";
        await LoadAsync(admin, ct);
        return Page();
    }

    private async Task LoadAsync(Agent admin, CancellationToken ct)
    {
        OrganisationName = await db.Organisations.Where(o => o.Id == admin.OrganisationId).Select(o => o.Name).FirstAsync(ct);
        var settings = await db.Set<SatisfactionSettings>().AsNoTracking().FirstOrDefaultAsync(s => s.OrganisationId == admin.OrganisationId, ct);
        Enabled = settings?.Enabled ?? false;
        DelayHours = (settings?.DelayHours ?? SurveyTiming.DefaultDelayHours).ToString(CultureInfo.InvariantCulture);
    }
}
