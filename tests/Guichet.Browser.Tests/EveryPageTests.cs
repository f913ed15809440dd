using System.Text.Json;
using Guichet.Browser.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Guichet.Browser.Tests;

/// <summary>
/// Properties every page must have, checked on all the pages of <see cref="SiteTour"/>: the citizen's booking
/// steps, confirmation and cancellation, the validation errors, the 404 page, sign-in, agenda, booking on
/// behalf and administration, the documents checklist and its settings, closures and opening hours.
/// </summary>
public sealed class EveryPageTests(AuditedSite site, ITestOutputHelper output) : IClassFixture<AuditedSite>
{
    private const int PagesInTheTour = 95;
    private const long WeightBudget = 100 * 1024;

    [Fact]
    public async Task No_page_a_citizen_or_an_agent_visits_breaks_a_WCAG_2_1_A_or_AA_rule_checked_by_axe()
    {
        var report = await ReportAsync();
        foreach (var line in report.Log) output.WriteLine(line);
        var failing = report.Pages.Where(p => p.Violations.Count > 0).ToList();
        Assert.True(failing.Count == 0,
            $"axe-core found violations on {failing.Count} of {report.Pages.Count} pages:{Environment.NewLine}"
            + string.Join(Environment.NewLine, failing.Select(p => Axe.Describe(p.Name, p.Url, p.Violations))));
    }

    [Fact]
    public async Task Every_page_with_its_stylesheets_scripts_and_images_weighs_well_under_100_KB()
    {
        var report = await ReportAsync();
        var weights = string.Join(Environment.NewLine, report.Pages.Select(p => $"  {p.Name}: {p.Weight}"));
        output.WriteLine(weights);
        Assert.All(report.Pages, p => Assert.True(p.Weight.Parts.Count > 0, $"{p.Name}: no request recorded"));
        var heavy = report.Pages.Where(p => p.Weight.Bytes >= WeightBudget).ToList();
        Assert.True(heavy.Count == 0, $"{heavy.Count} page(s) at or over {WeightBudget} bytes:{Environment.NewLine}{weights}");
    }

    [Fact]
    public async Task No_page_requests_anything_from_another_host_than_127_0_0_1()
    {
        var report = await ReportAsync();
        Assert.NotEmpty(report.RequestedUrls);
        // data: and blob: URLs are made in the page itself and never reach the network.
        var outside = report.RequestedUrls.Select(u => new Uri(u))
            .Where(u => u.Scheme is not ("data" or "blob") && u.Host != "127.0.0.1")
            .Select(u => u.ToString()).Distinct().ToList();
        Assert.True(outside.Count == 0, $"Requests that left 127.0.0.1:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", outside)}");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/rendez-vous")]
    [InlineData("/rendez-vous/creneaux?reason=CNI&persons=1&pre=0")]
    [InlineData("/connexion")]
    public async Task The_skip_link_is_the_first_element_the_keyboard_reaches_and_takes_focus_to_the_content(string path)
    {
        await using var session = await site.OpenAsync();
        var page = session.Page;
        await page.GotoAsync(path);

        await page.Keyboard.PressAsync("Tab");
        var skip = page.GetByRole(AriaRole.Link, new() { Name = "Aller au contenu", Exact = true });
        await Expect(skip).ToBeFocusedAsync();
        await Expect(skip).ToBeInViewportAsync();   // off-screen until focused, then shown
        await Expect(skip).ToHaveAttributeAsync("href", "#contenu");

        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("main#contenu")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        // The next stop is inside the content, past the header's menu.
        Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('main').contains(document.activeElement)"),
            "After following the skip link, Tab should move on inside the main content.");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/rendez-vous")]
    [InlineData("/connexion")]
    public async Task The_first_control_of_the_content_reached_with_the_keyboard_shows_a_focus_ring_of_at_least_3_to_1_contrast(string path)
    {
        await using var session = await site.OpenAsync();
        var page = session.Page;
        await page.GotoAsync(path);
        for (var presses = 0; !await page.EvaluateAsync<bool>("() => document.querySelector('main').contains(document.activeElement)"); presses++)
        {
            Assert.True(presses < 30, "Tab never reached the main content.");
            await page.Keyboard.PressAsync("Tab");
        }

        // WCAG 1.4.11: the focus indicator must contrast 3:1 with what surrounds it (here, the page's background).
        var focus = await page.EvaluateAsync<JsonElement>(FocusRingContrast);
        var contrast = focus.GetProperty("contrast").GetDouble();
        Assert.True(contrast >= 3,
            $"Focus ring of {focus.GetProperty("element")} on {path}: best contrast {contrast:0.00}:1 ({focus.GetProperty("style")}).");
    }

    private const string FocusRingContrast = """
        () => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          const rgb = text => {
            const m = /rgba?\(([^)]+)\)/.exec(text || '');
            if (!m) return null;
            const [r, g, b, a = 1] = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
            return a === 0 ? null : [r, g, b];
          };
          const luminance = c => c.map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4))
            .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
          const contrast = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
          let background = [255, 255, 255];
          for (let n = el.parentElement; n; n = n.parentElement) {
            const c = rgb(getComputedStyle(n).backgroundColor);
            if (c) { background = c; break; }
          }
          const rings = [];
          if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) rings.push(rgb(style.outlineColor));
          for (const m of style.boxShadow.matchAll(/rgba?\([^)]+\)/g)) rings.push(rgb(m[0]));
          const best = Math.max(0, ...rings.filter(Boolean).map(c => contrast(c, background)));
          return {
            element: el.tagName.toLowerCase() + (el.id ? '#' + el.id : ''),
            contrast: best,
            style: `outline ${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}; box-shadow ${style.boxShadow}; background rgb(${background})`,
          };
        }
        """;

    private async Task<TourReport> ReportAsync()
    {
        var report = await site.ReportAsync();
        Assert.True(report.Pages.Count == PagesInTheTour,
            $"{report.Pages.Count} pages audited instead of {PagesInTheTour}: {string.Join(", ", report.Pages.Select(p => p.Name))}");
        return report;
    }
}
