using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Agenda;

/// <summary>
/// Secret calendar addresses: every agent makes or renews their own; administrators also those of their stations,
/// and may stop an agent's. A new address is shown once (only its hash is kept).
/// </summary>
public sealed class FeedsModel(GuichetDb db, CurrentAgent current, CalendarFeeds feeds) : PageModel
{
    public Agent? Agent { get; private set; }
    public CalendarFeed? Mine { get; private set; }
    public IReadOnlyList<(Station Station, string SiteName, CalendarFeed? Feed)> Stations { get; private set; } = [];
    public IReadOnlyList<(Agent Agent, CalendarFeed Feed)> AgentFeeds { get; private set; } = [];
    /// <summary>The address just made, shown once.</summary>
    public string? NewUrl { get; private set; }
    public string? NewUrlFor { get; private set; }
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        return await LoadAsync(agent, ct);
    }

    public async Task<IActionResult> OnPostRenewAsync(string? kind, string? owner, CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        if (!Enum.TryParse<CalendarFeedKind>(kind, out var k) || string.IsNullOrEmpty(owner)) return NotFound();
        var token = await feeds.RenewAsync(agent, k, owner, ct);
        if (token is null) return NotFound();
        NewUrl = feeds.Url(token);
        NewUrlFor = k == CalendarFeedKind.Agent && owner == agent.Id ? "votre agenda" : k == CalendarFeedKind.Station ? "ce poste" : "cet agent";
        Message = "Nouvelle adresse créée : l'ancienne, s'il y en avait une, ne fonctionne plus.";
        return await LoadAsync(agent, ct);
    }

    public async Task<IActionResult> OnPostRevokeAsync(string? kind, string? owner, CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        if (!Enum.TryParse<CalendarFeedKind>(kind, out var k) || string.IsNullOrEmpty(owner)) return NotFound();
        if (!await feeds.RevokeAsync(agent, k, owner, ct)) return NotFound();
        Message = "L'adresse est supprimée : les agendas abonnés ne reçoivent plus les rendez-vous.";
        return await LoadAsync(agent, ct);
    }

    private async Task<IActionResult> LoadAsync(Agent agent, CancellationToken ct)
    {
        Agent = agent;
        var all = await db.Set<CalendarFeed>().AsNoTracking().Where(f => f.OrganisationId == agent.OrganisationId).ToListAsync(ct);
        Mine = all.FirstOrDefault(f => f.Kind == CalendarFeedKind.Agent && f.OwnerId == agent.Id);
        if (agent.Role == AgentRole.Administrator)
        {
            var sites = await db.Sites.AsNoTracking().Where(s => s.OrganisationId == agent.OrganisationId).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
            var stations = await db.Stations.AsNoTracking().Where(s => s.OrganisationId == agent.OrganisationId).ToListAsync(ct);
            Stations = stations.Select(s => (s, sites.GetValueOrDefault(s.SiteId) ?? "", all.FirstOrDefault(f => f.Kind == CalendarFeedKind.Station && f.OwnerId == s.Id)))
                .OrderBy(x => x.Item2).ThenBy(x => x.s.Name).ToList();
            var ownerIds = all.Where(f => f.Kind == CalendarFeedKind.Agent && f.OwnerId != agent.Id).Select(f => f.OwnerId).ToList();
            var agents = await db.Agents.AsNoTracking().Where(a => ownerIds.Contains(a.Id) && a.OrganisationId == agent.OrganisationId).ToListAsync(ct);
            AgentFeeds = agents.Select(a => (a, all.First(f => f.Kind == CalendarFeedKind.Agent && f.OwnerId == a.Id))).OrderBy(x => x.a.DisplayName).ToList();
        }
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
