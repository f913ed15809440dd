using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Agenda;

/// <summary>An agent moves an appointment for the citizen (a call, a closure): same site and reason, one transaction.</summary>
public sealed class AgentMoveModel(GuichetDb db, CurrentAgent current, MoveAppointment move, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "from")] public string? FromText { get; set; }
    [BindProperty(SupportsGet = true, Name = "start")] public string? StartText { get; set; }

    public Appointment? Appointment { get; private set; }
    public Site? Site { get; private set; }
    public MoveChoice? Choice { get; private set; }
    public DateTimeOffset? Start { get; private set; }
    public List<FieldError> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        if (await current.GetAsync(ct) is not { } agent) return Challenge();
        if (!await LoadAsync(id, agent, ct)) return NotFound();
        if (move.Unmovable(Appointment!) is { } why)
        {
            Errors.Add(new("start", why));
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }
        Start = MoveChoice.ParseStart(StartText);
        if (StartText is not null && Start is null) Errors.Add(new("start", "Ce créneau n'est pas valide : choisissez-en un dans la liste."));
        if (Start is null) await ChoicesAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken ct)
    {
        if (await current.GetAsync(ct) is not { } agent) return Challenge();
        switch (await move.ByAgentAsync(id, agent, MoveChoice.ParseStart(StartText), ct))
        {
            case MoveResult.Moved:
                return Redirect($"/agent/rendez-vous/{Uri.EscapeDataString(id)}?deplace=1");
            case MoveResult.SlotTaken:
                Errors.Add(new("start", "Ce créneau vient d'être pris. Le rendez-vous reste à son heure : choisissez un autre créneau."));
                Response.StatusCode = StatusCodes.Status409Conflict;
                break;
            case MoveResult.Refused r:
                Errors.Add(new(r.Field, r.Message));
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                break;
            default:
                return NotFound();
        }
        if (!await LoadAsync(id, agent, ct)) return NotFound();
        if (move.Unmovable(Appointment!) is null) await ChoicesAsync(ct);
        return Page();
    }

    private async Task<bool> LoadAsync(string id, Agent agent, CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        Appointment = await MoveAppointment.FindForAgentAsync(db, id, agent, ct);
        if (Appointment is null) return false;
        Site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == Appointment.SiteId, ct);
        return true;
    }

    private async Task ChoicesAsync(CancellationToken ct)
    {
        Start = null;
        Choice = await MoveChoice.LoadAsync(move, Appointment!, Site!, FromText, clock,
            q => $"/agent/rendez-vous/{Uri.EscapeDataString(Appointment!.Id)}/deplacer?{q}", ct);
    }
}
