using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Appointments;

/// <summary>The citizen moves the appointment from the manage link: choose a time, confirm; the old one is kept until then.</summary>
[EnableRateLimiting("manage")]
public sealed class MoveModel(GuichetDb db, MoveAppointment move, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Code { get; set; }
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    [BindProperty(SupportsGet = true, Name = "from")] public string? FromText { get; set; }
    [BindProperty(SupportsGet = true, Name = "start")] public string? StartText { get; set; }

    public Appointment? Appointment { get; private set; }
    public Site? Site { get; private set; }
    public MoveChoice? Choice { get; private set; }
    /// <summary>The chosen new start, shown for confirmation.</summary>
    public DateTimeOffset? Start { get; private set; }
    public List<FieldError> Errors { get; } = [];

    public string ManageUrl => $"/rendez-vous/{Code}?token={Uri.EscapeDataString(Token ?? "")}";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return Page();
        Start = MoveChoice.ParseStart(StartText);
        if (StartText is not null && Start is null) Errors.Add(new("start", "Ce créneau n'est pas valide : choisissez-en un dans la liste."));
        if (Start is null) await ChoicesAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return Page();
        switch (await move.ByCitizenAsync(Code, Token, MoveChoice.ParseStart(StartText), ct))
        {
            case MoveResult.Moved:
                return Redirect(ManageUrl + "&deplace=1");
            case MoveResult.SlotTaken:
                Errors.Add(new("start", "Ce créneau vient d'être pris. Votre rendez-vous reste à son heure : choisissez un autre créneau."));
                Response.StatusCode = StatusCodes.Status409Conflict;
                break;
            case MoveResult.Refused r:
                Errors.Add(new(r.Field, r.Message));
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                break;
            default:
                Appointment = null;
                Response.StatusCode = StatusCodes.Status404NotFound;
                return Page();
        }
        await ChoicesAsync(ct);
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        Appointment = await CancelAppointment.FindByTokenAsync(db, Code, Token, ct);
        if (Appointment is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return false;
        }
        Site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == Appointment.SiteId, ct);
        if (move.Unmovable(Appointment) is { } why)
        {
            Errors.Add(new("start", why));
            Response.StatusCode = StatusCodes.Status409Conflict;
            return false;
        }
        return true;
    }

    private async Task ChoicesAsync(CancellationToken ct)
    {
        Start = null;
        Choice = await MoveChoice.LoadAsync(move, Appointment!, Site!, FromText, clock,
            q => $"/rendez-vous/{Code}/deplacer?token={Uri.EscapeDataString(Token ?? "")}&{q}", ct);
    }
}
