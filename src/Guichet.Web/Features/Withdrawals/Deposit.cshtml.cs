using System.Globalization;
using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Withdrawals;

/// <summary>The deposit of an appointment's application: record it, book the withdrawal on the spot, mark the title ready.</summary>
public sealed class DepositModel(GuichetDb db, CurrentAgent current, RecordDeposit deposits) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Id { get; set; } = "";
    [BindProperty] public string? Start { get; set; }

    public Appointment? Appointment { get; private set; }
    public Site? Site { get; private set; }
    public ApplicationDeposit? Deposit { get; private set; }
    public Appointment? Withdrawal { get; private set; }
    public IReadOnlyList<SiteSlot> Slots { get; private set; } = [];
    public DateOnly FirstDay { get; private set; }
    public string? Message { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        return await LoadAsync(agent, ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        switch (await deposits.RecordAsync(Id, agent, ct))
        {
            case DepositResult.NotFound: return NotFound();
            case DepositResult.Refused r: Error = r.Message; Response.StatusCode = StatusCodes.Status422UnprocessableEntity; break;
            default: Message = "Dépôt enregistré. Voici les créneaux de retrait possibles."; break;
        }
        return await LoadAsync(agent, ct);
    }

    public async Task<IActionResult> OnPostBookAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        var appointment = await deposits.AppointmentAsync(Id, agent, ct);
        var deposit = appointment is null ? null : await deposits.OfAsync(Id, ct);
        if (appointment is null || deposit is null) return NotFound();
        var start = DateTimeOffset.TryParseExact(Start, "yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var s) ? s : (DateTimeOffset?)null;
        var request = new BookingRequest(null, null, start, appointment.Persons, appointment.FirstName, appointment.LastName, appointment.Email, appointment.Phone, []);
        switch (await deposits.BookAsync(deposit, request, new Booker(Channel.Counter, agent), ct))
        {
            case BookingResult.Booked b:
                return LocalRedirect($"/agent/rendez-vous/{b.Appointment.Id}");
            case BookingResult.SlotTaken:
                Error = "Ce créneau vient d'être pris. Choisissez-en un autre.";
                Response.StatusCode = StatusCodes.Status409Conflict;
                break;
            case BookingResult.Refused r:
                Error = string.Join(" ", r.Errors.Select(e => e.Message));
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                break;
            case BookingResult.Duplicate d:
                Error = d.Message;
                Response.StatusCode = StatusCodes.Status409Conflict;
                break;
        }
        return await LoadAsync(agent, ct);
    }

    public async Task<IActionResult> OnPostReadyAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        switch (await deposits.MarkReadyAsync(Id, agent, ct))
        {
            case DepositResult.NotFound: return NotFound();
            case DepositResult.Refused r: Error = r.Message; Response.StatusCode = StatusCodes.Status409Conflict; break;
            default: Message = "Titre disponible : l'usager est invité à choisir son créneau de retrait."; break;
        }
        return await LoadAsync(agent, ct);
    }

    private async Task<IActionResult> LoadAsync(Agent agent, CancellationToken ct)
    {
        Appointment = await deposits.AppointmentAsync(Id, agent, ct);
        if (Appointment is null) return NotFound();
        Site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == Appointment.SiteId, ct);
        Deposit = await deposits.OfAsync(Id, ct);
        if (Deposit is not null)
        {
            FirstDay = deposits.FirstDay(Deposit, Site);
            if (Deposit.WithdrawalAppointmentId is { } w) Withdrawal = await db.Appointments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == w, ct);
            if (Withdrawal is not { Status: AppointmentStatus.Booked }) Slots = await deposits.SlotsAsync(Deposit, Site, Appointment.Persons, ct);
        }
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    public static string Value(SiteSlot slot) => FrenchDates.ToOffset(slot.StartUtc, slot.Site.TimeZone).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
}
