using System.Globalization;
using System.Text;

namespace Guichet.Domain.Geography;

/// <summary>How a citizen's "commune ou code postal" is read.</summary>
public static class PlaceNames
{
    /// <summary>A French postcode: five digits (2A/2B are département codes, never postcodes).</summary>
    public static bool IsPostcode(string text) => text.Length == 5 && text.All(char.IsAsciiDigit);

    /// <summary>
    /// The key a commune's name is compared by: no accents, no case, hyphens, apostrophes and spaces alike,
    /// "St" for "Saint" — so "saint aubin sur lorne", "St-Aubin-sur-Lorne" and "Saint-Aubin-sur-Lorne" meet.
    /// </summary>
    public static string Key(string name)
    {
        var decomposed = name.Trim().Normalize(NormalizationForm.FormD);
        var b = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsLetterOrDigit(c))
            {
                if (space && b.Length > 0) b.Append(' ');
                b.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else space = true;
        }
        var words = b.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w switch { "st" => "saint", "ste" => "sainte", _ => w });
        return string.Join(' ', words);
    }
}
