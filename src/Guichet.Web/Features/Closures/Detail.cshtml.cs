using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Closures;

/// <summary>
/// One closure and the booked appointments it touches, each to move (from its agenda page) or cancel here: the
/// cancellation tells the citizen, as every cancellation by the town hall does.
/// </summary>
[Authorize(Policy = "administrator")]
public sealed class ClosureDetailModel(GuichetDb db, CurrentAgent current, RecordClosures record, CancelAppointment cancel) : PageModel
{
    public Closure? Closure { get; private set; }
    public Site? Site { get; private set; }
    public string? StationName { get; private set; }
    public string? AgentName { get; private set; }
    public IReadOnlyList<Appointment> Affected { get; private set; } = [];
    public IReadOnlyDictionary<string, string> StationNames { get; private set; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> ReasonNames { get; private set; } = new Dictionary<string, string>();
    [TempData] public string? Message { get; set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        return await LoadAsync(id, admin, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostCancelAsync(string id, string? appointmentId, CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        if (!await LoadAsync(id, admin, ct)) return NotFound();
        // Only an appointment this closure touches: the form cannot be turned into a cancel-anything door.
        var target = Affected.FirstOrDefault(a => a.Id == appointmentId);
        if (target is null)
        {
            Error = "Ce rendez-vous n'est plus touché par la fermeture (déjà annulé ou déplacé). La liste est à jour.";
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }
        var outcome = await cancel.ByAgentAsync(target.Id, admin, ct);
        Message = outcome is CancelResult.Cancelled
            ? $"Le rendez-vous {target.Code} est annulé ; l'usager est prévenu s'il a laissé une adresse e-mail ou un mobile."
            : $"Le rendez-vous {target.Code} n'a pas pu être annulé : il a peut-être déjà commencé.";
        return Redirect($"/admin/fermetures/{id}");
    }

    public async Task<IActionResult> OnPostCancelAllAsync(string id, CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        if (!await LoadAsync(id, admin, ct)) return NotFound();
        var done = 0;
        foreach (var a in Affected)
            if (await cancel.ByAgentAsync(a.Id, admin, ct) is CancelResult.Cancelled) done++;
        Message = done == Affected.Count
            ? $"{done} rendez-vous annulé(s) ; les usagers sont prévenus s'ils ont laissé une adresse e-mail ou un mobile."
            : $"{done} rendez-vous annulé(s) sur {Affected.Count} ; les autres ont déjà commencé.";
        return Redirect($"/admin/fermetures/{id}");
    }

    public async Task<IActionResult> OnPostDeleteAsync(string id, CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        if (!await record.DeleteAsync(id, admin, ct)) return NotFound();
        Message = "La fermeture est supprimée : ses créneaux sont de nouveau proposés.";
        return Redirect("/admin/fermetures");
    }

    private async Task<bool> LoadAsync(string id, Agent admin, CancellationToken ct)
    {
        Closure = await db.Set<Closure>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.OrganisationId == admin.OrganisationId, ct);
        if (Closure is null) return false;
        Site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == Closure.SiteId, ct);
        StationNames = await db.Stations.AsNoTracking().Where(s => s.SiteId == Closure.SiteId).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        StationName = Closure.StationId is null ? null : StationNames.GetValueOrDefault(Closure.StationId);
        AgentName = Closure.AgentId is null ? null : await db.Agents.Where(a => a.Id == Closure.AgentId).Select(a => a.DisplayName).FirstOrDefaultAsync(ct);
        ReasonNames = await db.Reasons.AsNoTracking().Where(r => r.OrganisationId == Closure.OrganisationId).ToDictionaryAsync(r => r.Code, r => r.Name, ct);
        Affected = await record.AffectedAsync(Closure, ct);
        return true;
    }

    public string Local(DateTime utc) => FrenchDates.DayAndTime(FrenchDates.ToLocal(utc, Site!.TimeZone));
}
