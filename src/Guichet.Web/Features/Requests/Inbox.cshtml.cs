using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>The agents' inbox: their organisation's requests, open ones by default, filtered by status, category, channel, lateness, assignee.</summary>
[Authorize(Policy = "agenda")]
public sealed class InboxModel(GuichetDb db, CurrentAgent current, TimeProvider clock) : PageModel
{
    // A page stays well under 100 KB; filters narrow the rest.
    public const int MaxRows = 100;

    public sealed record Row(CitizenRequest Request, string CategoryName, string? AssigneeName, bool Overdue, int WorkingDaysLate = 0);

    [BindProperty(SupportsGet = true)] public string? Statut { get; set; }
    [BindProperty(SupportsGet = true)] public string? Categorie { get; set; }
    [BindProperty(SupportsGet = true)] public string? Canal { get; set; }
    [BindProperty(SupportsGet = true)] public bool Retard { get; set; }
    [BindProperty(SupportsGet = true)] public bool Miennes { get; set; }

    public string OrganisationName { get; private set; } = "";
    public string TimeZone { get; private set; } = "Europe/Paris";
    public IReadOnlyList<Category> Categories { get; private set; } = [];
    public IReadOnlyList<Row> Rows { get; private set; } = [];
    /// <summary>Open requests past their due date, whatever the filters: the overdue view's count.</summary>
    public int OverdueCount { get; private set; }
    public int ToVisaCount { get; private set; }
    public int ToSignCount { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == agent.OrganisationId, ct);
        OrganisationName = organisation.Name;
        var (zone, calendar) = await OrganisationCalendar.ForAsync(db, organisation, ct);
        TimeZone = zone.Id;
        var today = Deadline.ReceivedOn(clock.GetUtcNow().UtcDateTime, zone);
        Categories = await db.Set<Category>().AsNoTracking().Where(c => c.OrganisationId == agent.OrganisationId).OrderBy(c => c.SortOrder).ToListAsync(ct);

        var query = db.CitizenRequests.AsNoTracking().Where(r => r.OrganisationId == agent.OrganisationId);
        // Inlined as constants (EF.Constant), so the query's IN (…) is the partial index's own filter (InboxIndexes).
        var open = InboxIndexes.Open;
        if (Enum.TryParse<RequestStatus>(Statut, out var status) && Enum.IsDefined(status)) query = query.Where(r => r.Status == status);
        else if (Statut != "toutes") query = query.Where(r => EF.Constant(open).Contains(r.Status));
        if (!string.IsNullOrEmpty(Categorie)) query = query.Where(r => r.CategoryId == Categorie);
        if (Enum.TryParse<RequestChannel>(Canal, out var channel) && Enum.IsDefined(channel)) query = query.Where(r => r.Channel == channel);
        if (Retard) query = query.Where(r => EF.Constant(open).Contains(r.Status) && r.DueDate < today);
        if (Miennes) query = query.Where(r => r.AssigneeAgentId == agent.Id);
        // Earliest due date first: in the overdue view, the latest request comes first.
        var requests = await query.OrderBy(r => r.DueDate).ThenBy(r => r.ReceivedUtc).Take(MaxRows).ToListAsync(ct);
        OverdueCount = await db.CitizenRequests.CountAsync(r => r.OrganisationId == agent.OrganisationId && open.Contains(r.Status) && r.DueDate < today, ct);
        var pending = await db.Set<ReplyDraft>().Where(d => d.OrganisationId == agent.OrganisationId && (d.Stage == DraftStage.AwaitingVisa || d.Stage == DraftStage.AwaitingSignature))
            .GroupBy(d => d.Stage).Select(g => new { Stage = g.Key, Count = g.Count() }).ToListAsync(ct);
        ToVisaCount = pending.Where(p => p.Stage == DraftStage.AwaitingVisa).Sum(p => p.Count);
        ToSignCount = pending.Where(p => p.Stage == DraftStage.AwaitingSignature).Sum(p => p.Count);

        var names = Categories.ToDictionary(c => c.Id, c => c.Name);
        var agentIds = requests.Select(r => r.AssigneeAgentId).OfType<string>().Distinct().ToList();
        var agents = await db.Agents.AsNoTracking().Where(a => agentIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
        Rows = requests.Select(r => new Row(r, names.GetValueOrDefault(r.CategoryId, ""), r.AssigneeAgentId is null ? null : agents.GetValueOrDefault(r.AssigneeAgentId),
            Deadline.IsOverdue(r.DueDate, today, r.Status),
            Deadline.IsOverdue(r.DueDate, today, r.Status) ? Domain.Calendar.WorkingDays.Count(r.DueDate, today, calendar) : 0)).ToList();
        return Page();
    }
}
