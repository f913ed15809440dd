using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Ants;

/// <summary>
/// The administrator chooses what happens when ANTS knows another appointment for a number, for their own
/// organisation only: the organisation is always the administrator's, never a form field.
/// </summary>
[Authorize(Policy = "administrator")]
public sealed class PolicyModel(GuichetDb db, CurrentAgent current, TimeProvider clock, ILogger<PolicyModel> log) : PageModel
{
    public static readonly IReadOnlyList<(ElsewherePolicy Value, string Label, string Hint)> Choices =
    [
        (ElsewherePolicy.Warn, "Prévenir et réserver",
            "Le rendez-vous est pris ; l'usager et les agents voient où et quand se trouve l'autre rendez-vous. Conseillé."),
        (ElsewherePolicy.Refuse, "Refuser",
            "L'usager ne peut pas réserver tant que l'autre rendez-vous existe. Un agent peut réserver quand même en écrivant une justification."),
    ];

    public string OrganisationName { get; private set; } = "";
    [BindProperty] public ElsewherePolicy? Elsewhere { get; set; }
    public ElsewherePolicy Current { get; private set; }
    /// <summary>Exchanges an agent should look at: refused by ANTS, or still waiting after an hour.</summary>
    public sealed record Stuck(string AppointmentId, string Code, string SiteName, DateTime LocalStart, string Exchange, string? Error);

    public IReadOnlyList<Stuck> ToLookAt { get; private set; } = [];
    public int Waiting { get; private set; }
    public int Failed { get; private set; }
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
        if (Elsewhere is not { } chosen || !Enum.IsDefined(chosen))
        {
            Errors.Add(new("elsewhere-Warn", "Choisissez ce qui se passe quand un numéro a déjà un rendez-vous ailleurs."));
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadAsync(admin, ct);
            return Page();
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var policy = await db.Set<AntsPolicy>().FirstOrDefaultAsync(p => p.OrganisationId == admin.OrganisationId, ct);
        if (policy is null) db.Set<AntsPolicy>().Add(policy = new AntsPolicy { OrganisationId = admin.OrganisationId });
        policy.Elsewhere = chosen;
        policy.UpdatedUtc = now;
        policy.UpdatedByAgentId = admin.Id;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Two administrators saving the first policy at once: the other one's choice stands; show it.
            db.ChangeTracker.Clear();
            Errors.Add(new("elsewhere-Warn", "Un autre administrateur vient d'enregistrer ce réglage. Vérifiez-le et enregistrez à nouveau si besoin."));
            Response.StatusCode = StatusCodes.Status409Conflict;
            await LoadAsync(admin, ct);
            return Page();
        }
        log.LogInformation("ANTS elsewhere policy of organisation {OrganisationId} set to {Policy} by agent {AgentId}", admin.OrganisationId, chosen, admin.Id);
        Message = $"Réglage enregistré : « {Choices.First(c => c.Value == chosen).Label} ».";
        await LoadAsync(admin, ct);
        return Page();
    }

    private async Task LoadAsync(Agent admin, CancellationToken ct)
    {
        OrganisationName = await db.Organisations.AsNoTracking().Where(o => o.Id == admin.OrganisationId).Select(o => o.Name).FirstAsync(ct);
        Current = await CheckApplications.PolicyAsync(db, admin.OrganisationId, ct);
        Elsewhere ??= Current;
        var jobs = db.Set<AntsSyncJob>().AsNoTracking().Where(j => j.OrganisationId == admin.OrganisationId);
        Waiting = await jobs.CountAsync(j => j.Status == AntsJobStatus.Pending || j.Status == AntsJobStatus.Claimed, ct);
        Failed = await jobs.CountAsync(j => j.Status == AntsJobStatus.Failed, ct);
        var anHourAgo = clock.GetUtcNow().UtcDateTime.AddHours(-1);
        var stuck = await jobs
            .Where(j => j.Status == AntsJobStatus.Failed || ((j.Status == AntsJobStatus.Pending || j.Status == AntsJobStatus.Claimed) && j.CreatedUtc < anHourAgo))
            .Join(db.Appointments.AsNoTracking(), j => j.AppointmentId, a => a.Id, (j, a) => new { Job = j, a.Code, a.StartUtc, a.SiteId })
            .Join(db.Sites.AsNoTracking(), x => x.SiteId, s => s.Id, (x, s) => new { x.Job, x.Code, x.StartUtc, s.Name, s.TimeZone })
            .OrderByDescending(x => x.Job.CreatedUtc).Take(50).ToListAsync(ct);
        ToLookAt = stuck.Select(x => new Stuck(x.Job.AppointmentId, x.Code, x.Name, FrenchDates.ToLocal(x.StartUtc, x.TimeZone),
            AntsNotes.JobText(x.Job), x.Job.LastError)).ToList();
    }
}
