using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Waitlist;

/// <summary>
/// The waiting list of one of the agent's own sites: the active entries that accept it, in request order, with the
/// offers made. Another organisation's site is not found, whatever organisation an entry carries.
/// </summary>
public sealed class AgentListModel(GuichetDb db, CurrentAgent current, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "site")] public string? SiteId { get; set; }

    public IReadOnlyList<Site> Sites { get; private set; } = [];
    public Site? Site { get; private set; }
    public IReadOnlyList<(WaitlistEntry Entry, int Offers, WaitlistOffer? Open)> Rows { get; private set; } = [];
    public Dictionary<string, string> ReasonNames { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        Sites = await db.Sites.AsNoTracking().Where(s => s.OrganisationId == agent.OrganisationId && s.Active).OrderBy(s => s.Name).ToListAsync(ct);
        Site = SiteId is null ? Sites.FirstOrDefault() : Sites.FirstOrDefault(s => s.Id == SiteId);
        if (SiteId is not null && Site is null) return NotFound();
        Response.Headers.CacheControl = "no-store";
        if (Site is null) return Page();

        var now = clock.GetUtcNow().UtcDateTime;
        var site = Site;
        var entries = (await db.Set<WaitlistEntry>().AsNoTracking().Where(e => e.Status == WaitlistStatus.Active)
            .OrderBy(e => e.CreatedUtc).ThenBy(e => e.Id).ToListAsync(ct)).Where(e => e.Accepts(site)).ToList();
        var ids = entries.Select(e => e.Id).ToList();
        var offers = await db.Set<WaitlistOffer>().AsNoTracking().Where(o => ids.Contains(o.EntryId)).ToListAsync(ct);
        Rows = entries.Select(e => (e, offers.Count(o => o.EntryId == e.Id),
            offers.Where(o => o.EntryId == e.Id && o.Status == OfferStatus.Open && o.ExpiresUtc > now).MinBy(o => o.StartUtc))).ToList();
        ReasonNames = (await db.Reasons.AsNoTracking().Where(r => r.OrganisationId == agent.OrganisationId).ToListAsync(ct))
            .ToDictionary(r => r.Code, r => r.Name);
        return Page();
    }
}
