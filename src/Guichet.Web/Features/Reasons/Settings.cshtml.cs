using System.Globalization;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Reasons;

/// <summary>
/// The administrator sets, per reason of their own organisation, the length, the family size, the booking delays and
/// the urgent reserve. Changes apply to searches and bookings from then on; booked appointments stay as they are.
/// </summary>
[Authorize(Policy = "administrator")]
public sealed class ReasonSettingsModel(GuichetDb db, CurrentAgent current, ILogger<ReasonSettingsModel> log) : PageModel
{
    public const int MaxMinutes = 120;
    public const int MaxPersonsLimit = 20;

    [BindProperty(SupportsGet = true, Name = "motif")] public string? Code { get; set; }
    [BindProperty] public string? MinutesPerPerson { get; set; }
    [BindProperty] public string? MinutesWithPreRequest { get; set; }
    [BindProperty] public string? MaxPersons { get; set; }
    [BindProperty] public string? Earliest { get; set; }
    [BindProperty] public string? Latest { get; set; }
    [BindProperty] public string? UrgentPercent { get; set; }
    [BindProperty] public string? UrgentReleaseHours { get; set; }
    [BindProperty] public string? InstructionDays { get; set; }
    [BindProperty] public string? ManufacturingDays { get; set; }
    /// <summary>Working days, each: a title takes weeks, not years.</summary>
    public const int MaxWithdrawalDays = 120;

    public string OrganisationName { get; private set; } = "";
    public IReadOnlyList<Reason> Reasons { get; private set; } = [];
    public Reason? Chosen { get; private set; }
    public List<FieldError> Errors { get; } = [];
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        if (!await LoadAsync(admin, ct)) return NotFound();
        Fill(Chosen!);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        // The reason is looked up in the administrator's organisation only: another's code is simply not found.
        if (!await LoadAsync(admin, ct)) return NotFound();
        var reason = await db.Reasons.FirstAsync(r => r.Id == Chosen!.Id, ct);

        var perPerson = Number(MinutesPerPerson, "minutesPerPerson", 5, MaxMinutes, "La durée par personne va de 5 à {1} minutes.");
        var withPre = Number(MinutesWithPreRequest, "minutesWithPreRequest", 5, MaxMinutes, "La durée avec pré-demande va de 5 à {1} minutes.");
        if (perPerson % TimeUnits.Minutes != 0) Errors.Add(new("minutesPerPerson", "La durée par personne se compte par tranches de 5 minutes."));
        if (withPre % TimeUnits.Minutes != 0) Errors.Add(new("minutesWithPreRequest", "La durée avec pré-demande se compte par tranches de 5 minutes."));
        if (Errors.Count == 0 && withPre > perPerson) Errors.Add(new("minutesWithPreRequest", "Avec une pré-demande, le rendez-vous n'est pas plus long que sans."));
        var persons = Number(MaxPersons, "maxPersons", 1, MaxPersonsLimit, "Un rendez-vous accueille de 1 à {1} personnes.");
        var earliest = Number(Earliest, "earliest", 0, BookingDelays.MaxEarliestWorkingDays, "Le délai minimal va de 0 à {1} jours ouvrés.");
        var latest = Number(Latest, "latest", 1, BookingDelays.MaxLatestDays, "Le délai maximal va de 1 à {1} jours.");
        if (!Errors.Any(e => e.Field is "earliest" or "latest")) Errors.AddRange(BookingDelays.Check(earliest, latest));
        var percent = Number(UrgentPercent, "urgentPercent", 0, UrgentReserve.MaxPercent, "La réserve d'urgence va de 0 à {1} % des créneaux.");
        var hours = Number(UrgentReleaseHours, "urgentReleaseHours", 0, UrgentReserve.MaxReleaseHours, "La remise au public va de 0 à {1} heures avant le créneau.");
        var instruction = Number(InstructionDays, "instructionDays", 0, MaxWithdrawalDays, "Le délai d'instruction va de 0 à {1} jours ouvrés.");
        var manufacturing = Number(ManufacturingDays, "manufacturingDays", 0, MaxWithdrawalDays, "Le délai de fabrication va de 0 à {1} jours ouvrés.");
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        reason.MinutesPerPerson = perPerson;
        reason.MinutesWithPreRequest = withPre;
        reason.MaxPersons = persons;
        reason.EarliestWorkingDays = earliest;
        reason.LatestDays = latest;
        reason.UrgentPercent = percent;
        reason.UrgentReleaseHours = hours;
        reason.InstructionWorkingDays = instruction;
        reason.ManufacturingWorkingDays = manufacturing;
        await db.SaveChangesAsync(ct);
        log.LogInformation("Booking rules of reason {ReasonId} changed by {AgentId}", reason.Id, admin.Id);
        Message = $"Enregistré : les règles du motif « {reason.Name} » s'appliquent aux prochaines réservations.";
        await LoadAsync(admin, ct);
        Fill(Chosen!);
        return Page();
    }

    private async Task<bool> LoadAsync(Agent admin, CancellationToken ct)
    {
        OrganisationName = await db.Organisations.Where(o => o.Id == admin.OrganisationId).Select(o => o.Name).FirstAsync(ct);
        Reasons = await db.Reasons.AsNoTracking().Where(r => r.OrganisationId == admin.OrganisationId).OrderBy(r => r.SortOrder).ToListAsync(ct);
        Chosen = string.IsNullOrEmpty(Code) ? Reasons.FirstOrDefault() : Reasons.FirstOrDefault(r => r.Code == Code);
        Code = Chosen?.Code;
        return Chosen is not null;
    }

    private void Fill(Reason r)
    {
        MinutesPerPerson = r.MinutesPerPerson.ToString(CultureInfo.InvariantCulture);
        MinutesWithPreRequest = r.MinutesWithPreRequest.ToString(CultureInfo.InvariantCulture);
        MaxPersons = r.MaxPersons.ToString(CultureInfo.InvariantCulture);
        Earliest = r.EarliestWorkingDays.ToString(CultureInfo.InvariantCulture);
        Latest = r.LatestDays.ToString(CultureInfo.InvariantCulture);
        UrgentPercent = r.UrgentPercent.ToString(CultureInfo.InvariantCulture);
        UrgentReleaseHours = r.UrgentReleaseHours.ToString(CultureInfo.InvariantCulture);
        InstructionDays = r.InstructionWorkingDays.ToString(CultureInfo.InvariantCulture);
        ManufacturingDays = r.ManufacturingWorkingDays.ToString(CultureInfo.InvariantCulture);
    }

    private int Number(string? text, string field, int min, int max, string message)
    {
        if (int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
        Errors.Add(new(field, string.Format(CultureInfo.InvariantCulture, message, min, max)));
        return min;
    }

    public bool Invalid(string field) => Errors.Any(e => e.Field == field);

    public static string Delays(Reason r) =>
        (r.EarliestWorkingDays == 0 ? "dès aujourd'hui" : $"au moins {r.EarliestWorkingDays} jour{(r.EarliestWorkingDays > 1 ? "s" : "")} ouvré{(r.EarliestWorkingDays > 1 ? "s" : "")} avant")
        + $", au plus {r.LatestDays} jours avant";

    public static string Withdrawal(Reason r) =>
        r.Code == Withdrawals.WithdrawalsFeature.ReasonCode ? "—"
        : r.InstructionWorkingDays + r.ManufacturingWorkingDays == 0 ? "dès le dépôt"
        : $"{r.InstructionWorkingDays} + {r.ManufacturingWorkingDays} jours ouvrés après le dépôt";

    public static string Reserve(Reason r) =>
        r.UrgentPercent == 0 ? "aucune" : $"{r.UrgentPercent} %, remis au public {r.UrgentReleaseHours} h avant";
}
