using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Quality;

/// <summary>
/// The public transparency page of one organisation (no sign-in), as the quality labels ask: today's delay to the first
/// free slot per site and reason, and over the last 90 days the share of requests answered within deadline and the
/// calls answered rate. Only counts, no personal data.
/// </summary>
public sealed class TransparencyModel(GuichetDb db, QualityIndicators indicators, TimeProvider clock) : PageModel
{
    public const int PeriodDays = 90;

    public QualityReport? Report { get; private set; }
    public IReadOnlyList<Organisation> Organisations { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string? organisation, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(organisation))
        {
            // The list of organisations that receive the public (those with a site).
            var withSites = db.Sites.Select(s => s.OrganisationId);
            Organisations = await db.Organisations.AsNoTracking().Where(o => withSites.Contains(o.Id)).OrderBy(o => o.Name).ToListAsync(ct);
            return Page();
        }
        if (!await db.Organisations.AnyAsync(o => o.Id == organisation, ct)) return NotFound();
        var (zone, _) = RequestStamps.CalendarOf(db, organisation);
        var today = Deadline.ReceivedOn(clock.GetUtcNow().UtcDateTime, zone);
        Report = await indicators.ComputeAsync(new IndicatorFilter(organisation, today.AddDays(-(PeriodDays - 1)), today), ct);
        return Report is null ? NotFound() : Page();
    }
}
