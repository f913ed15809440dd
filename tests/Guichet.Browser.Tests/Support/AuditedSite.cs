using System.Diagnostics;

namespace Guichet.Browser.Tests.Support;

/// <summary>What the tour saw on one page: axe-core's violations and the bytes the page load brought in.</summary>
public sealed record PageAudit(string Name, string Url, IReadOnlyList<AxeViolation> Violations, PageWeight Weight);

public sealed record TourReport(IReadOnlyList<PageAudit> Pages, IReadOnlyList<string> RequestedUrls, IReadOnlyList<string> Log);

/// <summary>
/// Class fixture that walks the <see cref="SiteTour"/> once, auditing each page on the way (axe-core, weight,
/// requests), so that each test asserts one property over every page without walking the site again.
/// </summary>
public sealed class AuditedSite : GuichetBrowser
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private TourReport? report;

    public async Task<TourReport> ReportAsync()
    {
        await gate.WaitAsync();
        try
        {
            return report ??= await TourAsync();
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<TourReport> TourAsync()
    {
        // Cache off: each page load fetches all it needs, as on a first visit. CSP bypassed: axe is injected.
        await using var session = await OpenAsync(forAxe: true, noCache: true);
        var pages = new List<PageAudit>();
        var log = new List<string>();
        await SiteTour.VisitEveryPageAsync(session, async visited =>
        {
            // Weigh first: axe is injected from a file and must not count, nor would it (no request).
            var weight = await session.Network.WeighSinceAsync(visited.NetworkMark);
            var clock = Stopwatch.StartNew();
            var violations = await Axe.CheckAsync(visited.Page);
            log.Add($"{visited.Name}: axe in {clock.ElapsedMilliseconds} ms, {weight}");
            pages.Add(new PageAudit(visited.Name, visited.Page.Url, violations, weight));
        }, log.Add);
        return new TourReport(pages, session.Network.Urls, log);
    }
}
