using System.Globalization;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Withdrawals;

/// <summary>
/// "Votre titre est disponible": the citizen's link opens the withdrawal slots from the day the title can be
/// collected, then books one with the details of the deposit appointment prefilled.
/// </summary>
[EnableRateLimiting(Guichet.Web.Platform.PlatformExtensions.TokenLinkPolicy)]
public sealed class ChooseModel(GuichetDb db, RecordDeposit deposits) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Id { get; set; }
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    [BindProperty(SupportsGet = true)] public string? Start { get; set; }
    [BindProperty] public string? FirstName { get; set; }
    [BindProperty] public string? LastName { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Phone { get; set; }

    public ApplicationDeposit? Deposit { get; private set; }
    public Appointment? Source { get; private set; }
    public Site? Site { get; private set; }
    public Appointment? Withdrawal { get; private set; }
    public IReadOnlyList<SiteSlot> Slots { get; private set; } = [];
    public DateOnly FirstDay { get; private set; }
    public DateTimeOffset? Chosen { get; private set; }
    public bool Taken { get; private set; }
    public List<FieldError> Errors { get; } = [];
    public string? Invalid(string field) => Errors.Any(e => e.Field == field) ? "true" : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) && Source is { } a) (FirstName, LastName, Email, Phone) = (a.FirstName, a.LastName, a.Email, a.Phone);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return Page();
        if (Withdrawal is { Status: AppointmentStatus.Booked }) return Page();
        var request = new BookingRequest(null, null, Chosen, Source!.Persons, FirstName, LastName, Email, Phone, []);
        switch (await deposits.BookAsync(Deposit!, request, Booker.Citizen, ct))
        {
            case BookingResult.Booked b:
                return Redirect($"/rendez-vous/{b.Appointment.Code}?token={Uri.EscapeDataString(b.ManageToken)}&confirme=1");
            case BookingResult.SlotTaken:
                Taken = true;
                Chosen = null;
                Response.StatusCode = StatusCodes.Status409Conflict;
                break;
            case BookingResult.Refused r:
                Errors.AddRange(r.Errors);
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                break;
            case BookingResult.Duplicate d:
                Errors.Add(new("start", d.Message));
                Response.StatusCode = StatusCodes.Status409Conflict;
                break;
        }
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        Deposit = await RecordDeposit.FindByTokenAsync(db, Id, Token, ct);
        if (Deposit is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return false;
        }
        Source = await db.Appointments.AsNoTracking().FirstAsync(a => a.Id == Deposit.AppointmentId, ct);
        Site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == Deposit.SiteId, ct);
        FirstDay = deposits.FirstDay(Deposit, Site);
        if (Deposit.WithdrawalAppointmentId is { } w) Withdrawal = await db.Appointments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == w, ct);
        Chosen = DateTimeOffset.TryParseExact(Start, "yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var s) ? s : null;
        if (Chosen is null && Withdrawal is not { Status: AppointmentStatus.Booked }) Slots = await deposits.SlotsAsync(Deposit, Site, Source.Persons, ct);
        return true;
    }

    public string ChooseUrl(SiteSlot slot) =>
        $"/retrait/{Deposit!.Id}?token={Uri.EscapeDataString(Token ?? "")}&start={Uri.EscapeDataString(DepositModel.Value(slot))}";
}
