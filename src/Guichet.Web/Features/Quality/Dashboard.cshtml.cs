using Guichet.Domain.Requests;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Quality;

/// <summary>The supervisors' dashboard of their own organisation: filters as a GET form, every indicator as a table, charts in SVG, CSV per table.</summary>
[Authorize(Roles = Roles.Supervisor + "," + Roles.Administrator)]
public sealed class DashboardModel(GuichetDb db, CurrentAgent current, QualityIndicators indicators, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Du { get; set; }
    [BindProperty(SupportsGet = true)] public string? Au { get; set; }
    [BindProperty(SupportsGet = true)] public string? Site { get; set; }
    [BindProperty(SupportsGet = true)] public string? Service { get; set; }
    [BindProperty(SupportsGet = true)] public string? Tableau { get; set; }

    public QualityReport? Report { get; private set; }
    public IReadOnlyList<QualityTable> Tables { get; private set; } = [];
    public IReadOnlyList<Site> Sites { get; private set; } = [];
    public IReadOnlyList<Requests.Unit> Units { get; private set; } = [];
    public List<FieldError> Errors { get; private set; } = [];
    public DateOnly From { get; private set; }
    public DateOnly To { get; private set; }
    /// <summary>Server time to compute the figures, in milliseconds (the bench reads it from the Server-Timing header).</summary>
    public double ComputeMs { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var ok = await LoadAsync(ct);
        return ok ?? Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } failed) return failed;
        if (Errors.Count > 0) return BadRequest(string.Join(" ", Errors.Select(e => e.Message)));
        var table = Tables.FirstOrDefault(t => t.Key == Tableau);
        if (table is null) return NotFound();
        return File(QualityTables.Csv(table), "text/csv; charset=utf-8", $"{table.Key}-{From:yyyy-MM-dd}-{To:yyyy-MM-dd}.csv");
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        var agent = await current.GetAsync(ct);
        if (agent is null) return Challenge();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Sites = await db.Sites.AsNoTracking().Where(s => s.OrganisationId == agent.OrganisationId).OrderBy(s => s.Name).ToListAsync(ct);
        Units = await db.Set<Requests.Unit>().AsNoTracking().Where(u => u.OrganisationId == agent.OrganisationId).OrderBy(u => u.Name).ToListAsync(ct);
        var (zone, _) = RequestStamps.CalendarOf(db, agent.OrganisationId);
        var today = Deadline.ReceivedOn(clock.GetUtcNow().UtcDateTime, zone);
        var (from, to, errors) = QualityFeature.ParsePeriod(Du, Au, today, "du", "au");
        Errors = errors;
        // A site or unit of another organisation is refused like an unknown one: the tenant comes from the agent.
        var site = string.IsNullOrWhiteSpace(Site) ? null : Sites.FirstOrDefault(s => s.Id == Site)?.Id;
        if (!string.IsNullOrWhiteSpace(Site) && site is null) Errors.Add(new FieldError("site", "Choisissez un lieu de la liste."));
        var unit = string.IsNullOrWhiteSpace(Service) ? null : Units.FirstOrDefault(u => u.Id == Service)?.Id;
        if (!string.IsNullOrWhiteSpace(Service) && unit is null) Errors.Add(new FieldError("service", "Choisissez un service de la liste."));
        if (Errors.Count > 0)
        {
            // Shown again with the default period, and the message saying what was wrong.
            (from, to, _) = QualityFeature.ParsePeriod(null, null, today);
            site = null;
            unit = null;
        }
        (From, To) = (from, to);
        Report = await indicators.ComputeAsync(new IndicatorFilter(agent.OrganisationId, from, to, site, unit), ct);
        Tables = Report is null ? [] : QualityTables.Build(Report);
        ComputeMs = watch.Elapsed.TotalMilliseconds;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        Response.Headers["Server-Timing"] = $"quality;dur={ComputeMs.ToString("0.0", inv)}, slots;dur={indicators.SlotDelayMs.ToString("0.0", inv)}"
            + string.Concat(indicators.Timings.Select(t => $", {t.Key};dur={t.Value.ToString("0.0", inv)}"));
        return null;
    }

    public string CsvLink(string key) =>
        $"/agent/qualite?handler=csv&tableau={Uri.EscapeDataString(key)}&du={From:yyyy-MM-dd}&au={To:yyyy-MM-dd}"
        + (string.IsNullOrWhiteSpace(Site) ? "" : "&site=" + Uri.EscapeDataString(Site))
        + (string.IsNullOrWhiteSpace(Service) ? "" : "&service=" + Uri.EscapeDataString(Service));
}
