using System.Globalization;
using System.Text;

namespace Guichet.Domain.Messaging;

public enum SmsAlphabet { Gsm7, Ucs2 }

/// <summary>
/// What a text costs as an SMS. Units are septets for GSM 03.38 (an extension character counts 2) and UTF-16 code
/// units for UCS-2 (a character outside the BMP, an emoji, counts 2). <see cref="NotGsm"/> lists the characters that
/// force UCS-2 for the whole message; <see cref="Extended"/> those that cost two septets.
/// </summary>
public sealed record SmsAnalysis(SmsAlphabet Alphabet, int Units, int Segments, IReadOnlyList<string> NotGsm, IReadOnlyList<char> Extended)
{
    /// <summary>Units one SMS can hold on its own, and per part once concatenated.</summary>
    public int SingleLimit => Alphabet == SmsAlphabet.Gsm7 ? SmsEncoding.GsmSingle : SmsEncoding.Ucs2Single;
    public int PartLimit => Alphabet == SmsAlphabet.Gsm7 ? SmsEncoding.GsmPart : SmsEncoding.Ucs2Part;
}

/// <summary>GSM 03.38 (3GPP TS 23.038) default alphabet versus UCS-2, segment counting and the GSM-safe rewrite.</summary>
public static class SmsEncoding
{
    public const int GsmSingle = 160;
    public const int GsmPart = 153;     // 7 septets go to the concatenation header
    public const int Ucs2Single = 70;
    public const int Ucs2Part = 67;

    /// <summary>The basic table: one septet each. ESC (0x1B) is left out: it only introduces the extension table.</summary>
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
        + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    /// <summary>The extension table: ESC + one septet, so two each.</summary>
    private const string Extension = "\f^{}\\[~]|€";

    private static readonly HashSet<char> BasicSet = [.. Basic];
    private static readonly HashSet<char> ExtensionSet = [.. Extension];

    public static bool IsGsm(char c) => BasicSet.Contains(c) || ExtensionSet.Contains(c);

    public static SmsAnalysis Analyze(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var notGsm = new List<string>();
        var extended = new List<char>();
        foreach (var rune in text.EnumerateRunes())
        {
            var s = rune.ToString();
            if (s.Length == 1 && BasicSet.Contains(s[0])) continue;
            if (s.Length == 1 && ExtensionSet.Contains(s[0])) { if (!extended.Contains(s[0])) extended.Add(s[0]); continue; }
            if (!notGsm.Contains(s)) notGsm.Add(s);
        }
        if (notGsm.Count == 0)
        {
            // Each character's cost, so a two-septet character is never cut between two parts.
            var costs = text.Select(c => ExtensionSet.Contains(c) ? 2 : 1).ToList();
            return new SmsAnalysis(SmsAlphabet.Gsm7, costs.Sum(), Count(costs, GsmSingle, GsmPart), notGsm, extended);
        }
        // UCS-2 parts hold UTF-16 units; a surrogate pair stays whole, like an extension character.
        var units = text.EnumerateRunes().Select(r => r.Utf16SequenceLength).ToList();
        return new SmsAnalysis(SmsAlphabet.Ucs2, units.Sum(), Count(units, Ucs2Single, Ucs2Part), notGsm, []);
    }

    private static int Count(List<int> costs, int single, int part)
    {
        var total = costs.Sum();
        if (total == 0) return 0;
        if (total <= single) return 1;
        var segments = 1;
        var used = 0;
        foreach (var cost in costs)
        {
            if (used + cost > part)
            {
                segments++;
                used = 0;
            }
            used += cost;
        }
        return segments;
    }

    /// <summary>
    /// Rewrites the usual French typography into the GSM alphabet (sms-email.md §2): ’ → ', « » → ", … → ...,
    /// – — → -, no-break spaces → space, œ → oe, ê â î ô û ë ï ÿ → base letter, ç → c (Ç is in the table, but "garÇon"
    /// reads badly), and any other accented letter outside the table → its base letter. é è à ù É stay: they are GSM.
    /// What has no GSM form (an emoji) is left as it is, so <see cref="Analyze"/> still shows it.
    /// </summary>
    public static string ToGsmSafe(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var s = rune.ToString();
            if (s.Length == 1 && IsGsm(s[0])) { output.Append(s); continue; }
            var replacement = rune.Value switch
            {
                '\u2019' or '\u2018' or '\u201B' or '\u2032' or '`' or '\u00B4' => "'",
                '\u00AB' or '\u00BB' or '\u201C' or '\u201D' or '\u201E' or '\u2033' => "\"",
                '\u2026' => "...",
                '\u2013' or '\u2014' or '\u2011' or '\u2010' or '\u2212' => "-",
                '\u00A0' or '\u202F' or '\u2007' or '\u2009' or '\u200A' or '\t' => " ",
                '\u0153' => "oe",
                '\u0152' => "OE",
                '\u00E7' => "c",
                '\u00B0' => "o",     // "n°" → "no"
                '\u200B' or '\u2060' or '\uFEFF' or '\u00AD' => "",
                _ => null,
            };
            output.Append(replacement ?? BaseLetter(s) ?? s);
        }
        return output.ToString();
    }

    /// <summary>The letter without its accents when that is in the GSM table (â → a, Ô → O); null otherwise.</summary>
    private static string? BaseLetter(string s)
    {
        var decomposed = s.Normalize(NormalizationForm.FormD);
        var bare = new StringBuilder();
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) bare.Append(c);
        var result = bare.ToString();
        return result.Length > 0 && result != s && result.All(IsGsm) ? result : null;
    }
}
