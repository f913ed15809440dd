using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Agenda;

/// <summary>One site's week, Monday to Sunday, each day station by station.</summary>
public sealed class WeekModel(GuichetDb db, CurrentAgent current, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "site")] public string? SiteId { get; set; }
    [BindProperty(SupportsGet = true, Name = "week")] public string? WeekText { get; set; }

    public IReadOnlyList<Site> Sites { get; private set; } = [];
    public Site? Site { get; private set; }
    public DateOnly Monday { get; private set; }
    public IReadOnlyList<Station> Stations { get; private set; } = [];
    /// <summary>Appointments by local day, then by station.</summary>
    public Dictionary<DateOnly, Dictionary<string, List<Appointment>>> Days { get; private set; } = [];
    public int Count { get; private set; }
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        Sites = await AgendaScope.SitesAsync(db, agent, ct);
        if (SiteId is not null)
        {
            Site = Sites.FirstOrDefault(s => s.Id == SiteId);
            if (Site is null) return NotFound();
        }
        Site ??= Sites.FirstOrDefault();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Site?.TimeZone ?? "Europe/Paris");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, zone));
        var day = today;
        if (!string.IsNullOrEmpty(WeekText))
        {
            if (AgendaScope.ParseDay(WeekText, today) is { } d) day = d;
            else Message = "Cette date n'est pas valide : voici la semaine en cours.";
        }
        Monday = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
        if (Site is null)
        {
            Message = "Aucun lieu d'accueil à afficher.";
            return Page();
        }
        var (fromUtc, toUtc) = AgendaScope.UtcBounds(Monday, Monday.AddDays(7), zone);
        Stations = await db.Stations.AsNoTracking().Where(s => s.SiteId == Site.Id).OrderBy(s => s.Name).ToListAsync(ct);
        var site = Site;
        var rows = await AgendaScope.Appointments(db, agent)
            .Where(a => a.SiteId == site.Id && a.StartUtc >= fromUtc && a.StartUtc < toUtc)
            .OrderBy(a => a.StartUtc).ToListAsync(ct);
        Days = rows.GroupBy(a => DateOnly.FromDateTime(FrenchDates.ToLocal(a.StartUtc, site.TimeZone)))
            .ToDictionary(g => g.Key, g => g.GroupBy(a => a.StationId).ToDictionary(s => s.Key, s => s.ToList()));
        Count = rows.Count(a => a.Status != AppointmentStatus.Cancelled);
        return Page();
    }
}
