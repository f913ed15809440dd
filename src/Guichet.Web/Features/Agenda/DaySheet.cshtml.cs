using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Agenda;

/// <summary>The list an agent prints and keeps at the counter: one site's day, station by station.</summary>
public sealed class DaySheetModel(GuichetDb db, CurrentAgent current, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "site")] public string? SiteId { get; set; }
    [BindProperty(SupportsGet = true, Name = "date")] public string? DateText { get; set; }

    public Site? Site { get; private set; }
    public DateOnly Day { get; private set; }
    public IReadOnlyList<Station> Stations { get; private set; } = [];
    public Dictionary<string, List<Appointment>> ByStation { get; private set; } = [];
    public Dictionary<string, string> ReasonNames { get; private set; } = [];
    public int Count { get; private set; }
    public DateTime PrintedLocal { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        var sites = await AgendaScope.SitesAsync(db, agent, ct);
        Site = SiteId is null ? sites.FirstOrDefault() : sites.FirstOrDefault(s => s.Id == SiteId);
        if (Site is null) return NotFound();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Site.TimeZone);
        var now = clock.GetUtcNow().UtcDateTime;
        PrintedLocal = TimeZoneInfo.ConvertTimeFromUtc(now, zone);
        var today = DateOnly.FromDateTime(PrintedLocal);
        Day = string.IsNullOrEmpty(DateText) ? today : AgendaScope.ParseDay(DateText, today) ?? today;
        var (fromUtc, toUtc) = AgendaScope.UtcBounds(Day, Day.AddDays(1), zone);
        Stations = await db.Stations.AsNoTracking().Where(s => s.SiteId == Site.Id).OrderBy(s => s.Name).ToListAsync(ct);
        var site = Site;
        var rows = await AgendaScope.Appointments(db, agent)
            .Where(a => a.SiteId == site.Id && a.StartUtc >= fromUtc && a.StartUtc < toUtc)
            .OrderBy(a => a.StartUtc).ToListAsync(ct);
        ByStation = rows.GroupBy(a => a.StationId).ToDictionary(g => g.Key, g => g.ToList());
        ReasonNames = await db.Reasons.AsNoTracking().Where(r => r.OrganisationId == site.OrganisationId).ToDictionaryAsync(r => r.Code, r => r.Name, ct);
        Count = rows.Count(a => a.Status != AppointmentStatus.Cancelled);
        // Names and phone numbers on paper and on screen: no cache on the way keeps them.
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
