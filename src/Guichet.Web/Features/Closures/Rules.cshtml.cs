using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using OpeningRule = Guichet.Web.Data.OpeningRule;

namespace Guichet.Web.Features.Closures;

/// <summary>
/// Opening hours of one station of the administrator's organisation: its rules, a form to add one with a preview of
/// the four weeks it changes, and removal that first shows the booked appointments it would leave outside the hours.
/// </summary>
[Authorize(Policy = "administrator")]
public sealed class OpeningRulesModel(GuichetDb db, CurrentAgent current, ManageOpeningRules manage) : PageModel
{
    public sealed record Place(Site Site, IReadOnlyList<Station> Stations);

    [BindProperty(SupportsGet = true)] public string? StationId { get; set; }
    [BindProperty] public string? Recurrence { get; set; }
    [BindProperty] public string? Day { get; set; }
    [BindProperty] public string? WeekOfMonth { get; set; }
    [BindProperty] public string? Start { get; set; }
    [BindProperty] public string? End { get; set; }
    [BindProperty] public string? ValidFrom { get; set; }
    [BindProperty] public string? ValidUntil { get; set; }
    [BindProperty] public List<string> Reasons { get; set; } = [];

    public Station? Station { get; private set; }
    public Site? Site { get; private set; }
    public IReadOnlyList<Place> Places { get; private set; } = [];
    public IReadOnlyList<OpeningRule> Rules { get; private set; } = [];
    public IReadOnlyList<Reason> OrganisationReasons { get; private set; } = [];
    public IReadOnlyList<PreviewDay> Preview { get; private set; } = [];
    public bool PreviewIsCandidate { get; private set; }
    public List<FieldError> Errors { get; } = [];
    /// <summary>Set when removing a rule would leave these appointments outside the opening hours.</summary>
    public OpeningRule? RuleToRemove { get; private set; }
    public IReadOnlyList<Appointment> Stranded { get; private set; } = [];
    [TempData] public string? Message { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        if (!await LoadAsync(admin, ct)) return NotFound();
        Preview = Station is null ? [] : await manage.PreviewAsync(Station, Site!, null, ct);
        return Page();
    }

    public Task<IActionResult> OnPostPreviewAsync(CancellationToken ct) => CheckAndAsync(save: false, ct);

    public Task<IActionResult> OnPostAsync(CancellationToken ct) => CheckAndAsync(save: true, ct);

    private async Task<IActionResult> CheckAndAsync(bool save, CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        if (!await LoadAsync(admin, ct)) return NotFound();
        var result = await manage.CheckAsync(new RuleInput(StationId, Recurrence, Day, WeekOfMonth, Start, End, ValidFrom, ValidUntil, Reasons), admin, ct);
        if (result is RuleResult.Refused refused)
        {
            Errors.AddRange(refused.Errors);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            Preview = Station is null ? [] : await manage.PreviewAsync(Station, Site!, null, ct);
            return Page();
        }
        var rule = ((RuleResult.Valid)result).Rule;
        if (!save)
        {
            Preview = await manage.PreviewAsync(Station!, Site!, rule, ct);
            PreviewIsCandidate = true;
            return Page();
        }
        await manage.AddAsync(rule, admin, ct);
        Message = $"La plage « {ManageOpeningRules.Describe(rule)}, {FrenchDates.Time(DateTime.Today.Add(rule.StartTime.ToTimeSpan()))} – {FrenchDates.Time(DateTime.Today.Add(rule.EndTime.ToTimeSpan()))} » est ajoutée : ses créneaux sont proposés dès maintenant.";
        return Redirect($"/admin/horaires?stationId={Uri.EscapeDataString(rule.StationId)}");
    }

    public async Task<IActionResult> OnPostDeleteAsync(string? ruleId, bool confirm, CancellationToken ct)
    {
        var admin = await current.GetAsync(ct);
        if (admin is null) return Challenge();
        var rule = await db.OpeningRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == ruleId && r.OrganisationId == admin.OrganisationId, ct);
        if (rule is null) return NotFound();
        StationId = rule.StationId;
        if (!await LoadAsync(admin, ct)) return NotFound();
        var stranded = await manage.StrandedWithoutAsync(rule.Id, Station!, Site!, ct);
        if (stranded.Count > 0 && !confirm)
        {
            // Never silently: the administrator sees who would be left outside the hours before deciding.
            RuleToRemove = rule;
            Stranded = stranded;
            Response.StatusCode = StatusCodes.Status409Conflict;
            Preview = Station is null ? [] : await manage.PreviewAsync(Station, Site!, null, ct);
            return Page();
        }
        await manage.DeleteAsync(rule.Id, admin, ct);
        Message = stranded.Count == 0
            ? "La plage est supprimée. Aucun rendez-vous réservé n'en dépendait."
            : $"La plage est supprimée. {stranded.Count} rendez-vous réservé(s) restent en dehors des horaires : {string.Join(", ", stranded.Select(a => a.Code))}. Ouvrez-les depuis l'agenda pour les déplacer ou les annuler.";
        return Redirect($"/admin/horaires?stationId={Uri.EscapeDataString(rule.StationId)}");
    }

    private async Task<bool> LoadAsync(Agent admin, CancellationToken ct)
    {
        var sites = await db.Sites.AsNoTracking().Where(s => s.OrganisationId == admin.OrganisationId).OrderBy(s => s.Name).ToListAsync(ct);
        var siteIds = sites.Select(s => s.Id).ToList();
        var stations = await db.Stations.AsNoTracking().Where(s => siteIds.Contains(s.SiteId)).OrderBy(s => s.Name).ToListAsync(ct);
        Places = sites.Select(s => new Place(s, stations.Where(st => st.SiteId == s.Id).ToList())).Where(p => p.Stations.Count > 0).ToList();
        OrganisationReasons = await db.Reasons.AsNoTracking().Where(r => r.OrganisationId == admin.OrganisationId).OrderBy(r => r.SortOrder).ToListAsync(ct);
        if (string.IsNullOrEmpty(StationId)) StationId = stations.FirstOrDefault()?.Id;
        if (StationId is null) return true;   // an organisation without a station: the page says so
        var place = await manage.FindStationAsync(StationId, admin, ct);
        if (place is null) return false;
        (Station, Site) = place.Value;
        Rules = (await db.OpeningRules.AsNoTracking().Where(r => r.StationId == Station.Id).ToListAsync(ct))
            .OrderBy(r => r.Recurrence).ThenBy(r => ((int)r.DayOfWeek + 6) % 7).ThenBy(r => r.ValidFrom).ThenBy(r => r.StartTime).ToList();
        return true;
    }

    public static string RecurrenceName(RuleRecurrence r) => r switch
    {
        RuleRecurrence.Weekly => "Chaque semaine",
        RuleRecurrence.EveryOtherWeek => "Une semaine sur deux",
        RuleRecurrence.MonthlyNth => "Un jour précis du mois (1er, 2e… ou dernier)",
        RuleRecurrence.Once => "Une seule date (ouverture exceptionnelle)",
        _ => r.ToString(),
    };
}
