using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Appointments;

public sealed record MoveHistoryRow(DateTime MovedLocal, DateTime FromLocal, DateTime ToLocal, string By);

/// <summary>
/// "Déplacements" on the agent's appointment page, with the link to move it. The page has already checked that the
/// agent may see the appointment; the organisation is matched again here.
/// </summary>
public sealed class MoveHistoryViewComponent(GuichetDb db, MoveAppointment move) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(Appointment appointment, Site site)
    {
        var ct = HttpContext.RequestAborted;
        var moves = await db.Set<AppointmentMove>().AsNoTracking()
            .Where(m => m.AppointmentId == appointment.Id && m.OrganisationId == appointment.OrganisationId)
            .OrderBy(m => m.MovedUtc).ToListAsync(ct);
        var agentIds = moves.Select(m => m.MovedBy).Where(b => b != "citizen").Distinct().ToList();
        var names = await db.Agents.AsNoTracking().Where(a => agentIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
        var rows = moves.Select(m => new MoveHistoryRow(
            FrenchDates.ToLocal(m.MovedUtc, site.TimeZone), FrenchDates.ToLocal(m.FromStartUtc, site.TimeZone), FrenchDates.ToLocal(m.ToStartUtc, site.TimeZone),
            m.MovedBy == "citizen" ? "l'usager (lien de gestion)" : names.GetValueOrDefault(m.MovedBy, "un agent"))).ToList();
        return View("/Features/Appointments/_MoveHistory.cshtml", (appointment, rows, Movable: move.Unmovable(appointment) is null));
    }
}
