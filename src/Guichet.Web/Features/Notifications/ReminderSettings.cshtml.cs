using System.Globalization;
using Guichet.Domain.Messaging;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Notifications;

/// <summary>The administrator sets the reminder's delay of their own organisation; it applies to bookings made from then on.</summary>
[Authorize(Policy = "administrator")]
public sealed class ReminderSettingsModel(GuichetDb db, CurrentAgent current, ReminderOptions options, TimeProvider clock, ILogger<ReminderSettingsModel> log) : PageModel
{
    [BindProperty(Name = "reminderHours")] public string? ReminderHoursText { get; set; }

    public string OrganisationName { get; private set; } = "";
    public int ReminderHours { get; private set; }
    public SendWindow Window => options.Window;
    public List<FieldError> Errors { get; } = [];
    public string? Message { get; private set; }

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
        if (!int.TryParse(ReminderHoursText?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var hours) || hours > NotificationSettings.MaxReminderHours)
        {
            Errors.Add(new("reminderHours", $"Indiquez un nombre d'heures entier, de 0 à {NotificationSettings.MaxReminderHours}."));
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadAsync(admin, ct);
            return Page();
        }
        // The organisation is the administrator's, never a form field.
        var settings = await db.Set<NotificationSettings>().FirstOrDefaultAsync(s => s.OrganisationId == admin.OrganisationId, ct);
        if (settings is null)
        {
            settings = new NotificationSettings { OrganisationId = admin.OrganisationId };
            db.Add(settings);
        }
        settings.ReminderHours = hours;
        settings.UpdatedUtc = clock.GetUtcNow().UtcDateTime;
        settings.UpdatedByAgentId = admin.Id;
        await db.SaveChangesAsync(ct);
        log.LogInformation("Reminder delay of organisation {OrganisationId} set to {Hours} h by {AgentId}", admin.OrganisationId, hours, admin.Id);
        Message = hours == 0
            ? "Enregistré : les prochains rendez-vous n'auront pas de rappel."
            : $"Enregistré : le rappel partira {hours} heures avant les rendez-vous pris à partir de maintenant.";
        await LoadAsync(admin, ct);
        return Page();
    }

    private async Task LoadAsync(Agent admin, CancellationToken ct)
    {
        OrganisationName = await db.Organisations.Where(o => o.Id == admin.OrganisationId).Select(o => o.Name).FirstAsync(ct);
        ReminderHours = await NotificationSettings.ReminderHoursAsync(db, admin.OrganisationId, ct);
    }
}
