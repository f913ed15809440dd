using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Guichet.Domain.Requests;

/// <summary>A sector of a category's routing: a postal code (5 digits) or a commune's name, and the unit in charge there.</summary>
public sealed record SectorRoute(string Sector, string UnitId);

/// <summary>
/// Routing of a category by sector: the same kind of request goes to the technical service of the north or of the
/// south, or to the commune's own town hall in an intercommunality. The sector is read from where the request is
/// about (the place given), else from the citizen's postal address; no sector found, the category's own unit.
/// </summary>
public static partial class SectorRouting
{
    public const int MaxRoutes = 200;

    /// <summary>One line per sector, « 53120 : Service technique Nord » or « Vernay : Mairie de Vernay »; blank lines and « # » comments ignored.</summary>
    public static (IReadOnlyList<(string Sector, string UnitName)> Lines, IReadOnlyList<string> Problems) Parse(string? text)
    {
        var lines = new List<(string, string)>();
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in (text ?? "").Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var colon = line.IndexOf(':');
            if (colon <= 0 || colon == line.Length - 1)
            {
                problems.Add($"Ligne {number} : écrivez le secteur, deux-points, puis le service (exemple : « 53120 : Service technique Nord »).");
                continue;
            }
            var sector = line[..colon].Trim();
            var unit = line[(colon + 1)..].Trim();
            if (sector.Length > 100 || unit.Length == 0)
            {
                problems.Add($"Ligne {number} : le secteur est un code postal ou un nom de commune (100 caractères au plus), suivi du service.");
                continue;
            }
            if (sector.All(char.IsAsciiDigit) && sector.Length != 5)
            {
                problems.Add($"Ligne {number} : un code postal compte 5 chiffres.");
                continue;
            }
            if (!seen.Add(Key(sector)))
            {
                problems.Add($"Ligne {number} : le secteur « {sector} » est déjà routé plus haut.");
                continue;
            }
            lines.Add((sector, unit));
        }
        if (lines.Count > MaxRoutes) problems.Add($"{MaxRoutes} secteurs au plus par catégorie.");
        return (lines, problems);
    }

    /// <summary>The unit for the first address that names a routed sector (postal code first, then commune), or null.</summary>
    public static string? UnitFor(IReadOnlyList<SectorRoute> routes, params string?[] addresses)
    {
        if (routes.Count == 0) return null;
        foreach (var address in addresses)
        {
            if (string.IsNullOrWhiteSpace(address)) continue;
            foreach (Match code in PostalCode().Matches(address))
                if (routes.FirstOrDefault(r => r.Sector == code.Value) is { } byCode) return byCode.UnitId;
            var words = " " + Fold(address) + " ";
            foreach (var r in routes)
                if (!r.Sector.All(char.IsAsciiDigit) && words.Contains(" " + Fold(r.Sector) + " ", StringComparison.Ordinal)) return r.UnitId;
        }
        return null;
    }

    /// <summary>How two spellings of a sector compare: « Saint-Aubin-sur-Lorne » is « saint aubin sur lorne ».</summary>
    public static string Key(string sector) => sector.All(char.IsAsciiDigit) ? sector : Fold(sector);

    private static string Fold(string text)
    {
        var b = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsLetterOrDigit(c)) b.Append(char.ToLowerInvariant(c));
            else if (b.Length > 0 && b[^1] != ' ') b.Append(' ');
        }
        return b.ToString().Trim();
    }

    [GeneratedRegex(@"(?<!\d)\d{5}(?!\d)")]
    private static partial Regex PostalCode();
}
