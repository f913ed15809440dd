using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace Guichet.Browser.Tests.Support;

public sealed record AxeViolation(string Id, string Impact, string Help, IReadOnlyList<string> Targets);

/// <summary>axe-core, injected from the copy npm installed (never a CDN), run against WCAG 2.0/2.1 A and AA.</summary>
public static class Axe
{
    private const string Run = """
        async () => {
          const result = await axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
            resultTypes: ['violations'],
          });
          return result.violations.map(v => ({
            id: v.id,
            impact: v.impact || 'unknown',
            help: v.help,
            targets: v.nodes.map(n => n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(' ')),
          }));
        }
        """;

    /// <summary>The page's violations. The page's context must be opened with <c>forAxe</c> (CSP bypass).</summary>
    public static async Task<IReadOnlyList<AxeViolation>> CheckAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
            await page.AddScriptTagAsync(new() { Path = TestEnvironment.AxePath });
        var json = await page.EvaluateAsync<JsonElement>(Run);
        return json.EnumerateArray().Select(v => new AxeViolation(
            v.GetProperty("id").GetString()!,
            v.GetProperty("impact").GetString()!,
            v.GetProperty("help").GetString()!,
            v.GetProperty("targets").EnumerateArray().Select(t => t.GetString()!).ToList())).ToList();
    }

    public static string Describe(string pageName, string url, IReadOnlyList<AxeViolation> violations)
    {
        var text = new StringBuilder($"{pageName} ({url}): {violations.Count} violation(s)");
        foreach (var v in violations)
            text.AppendLine().Append($"  - {v.Id} [{v.Impact}] {v.Help}: {string.Join(" | ", v.Targets)}");
        return text.ToString();
    }
}
