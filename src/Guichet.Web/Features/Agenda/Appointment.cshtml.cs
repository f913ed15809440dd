using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Agenda;

public sealed class AgentAppointmentModel(GuichetDb db, CurrentAgent current) : PageModel
{
    public Appointment? Appointment { get; private set; }
    public Site? Site { get; private set; }
    public Ants.AntsCheck? Ants { get; private set; }
    public IReadOnlyList<Ants.AntsSyncJob> AntsJobs { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        // The host's agents and the partner that booked it may see it; nobody else.
        Appointment = await db.Appointments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id
            && (a.OrganisationId == agent.OrganisationId || a.PartnerOrganisationId == agent.OrganisationId), ct);
        if (Appointment is null) return NotFound();
        Site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == Appointment.SiteId, ct);
        Ants = await db.Set<Ants.AntsCheck>().AsNoTracking().FirstOrDefaultAsync(c => c.AppointmentId == id, ct);
        AntsJobs = await db.Set<Ants.AntsSyncJob>().AsNoTracking().Where(j => j.AppointmentId == id).OrderBy(j => j.Seq).ToListAsync(ct);
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
