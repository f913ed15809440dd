using System.Globalization;
using System.Text;

namespace Guichet.Domain.Voice;

/// <summary>
/// Turns what a caller said (a provider's speech transcript) into the keys they would have typed. Keys always
/// work alone; speech is a convenience, so anything unsure gives "" (not understood).
/// </summary>
public static class FrenchIntent
{
    // In order of priority: "annuler un rendez-vous" is about cancelling, "autres créneaux" is not "autre".
    private static readonly (string Word, char Key)[] Words =
    [
        ("annuler", '2'), ("annulation", '2'), ("autres creneaux", '9'), ("suivants", '9'),
        ("rendez-vous", '1'), ("rendez vous", '1'), ("reserver", '1'), ("prendre", '1'),
        ("pieces", '3'), ("documents", '3'), ("papiers", '3'),
        ("horaires", '4'), ("adresse", '4'), ("heures d'ouverture", '4'),
        ("conseiller", '0'), ("quelqu'un", '0'), ("agent", '0'), ("operateur", '0'), ("message", '0'),
        ("repeter", '*'), ("repete", '*'), ("recommencer", '*'),
        ("oui", '1'), ("confirmer", '1'), ("d'accord", '1'), ("non", '2'), ("autre", '2'),
        ("zero", '0'), ("un", '1'), ("une", '1'), ("premier", '1'), ("deux", '2'), ("deuxieme", '2'), ("trois", '3'),
        ("troisieme", '3'), ("quatre", '4'), ("cinq", '5'), ("six", '6'), ("sept", '7'), ("huit", '8'), ("neuf", '9'),
    ];

    public static string ToKeys(string? text, int maxDigits)
    {
        var t = Normalise(text);
        if (t.Length == 0) return "";
        var digits = new string(t.Where(char.IsAsciiDigit).ToArray());
        if (maxDigits > 1) return digits.Length > 0 ? digits : "";
        if (digits.Length == 1) return digits;
        // Whole words only.
        var padded = " " + t + " ";
        foreach (var (word, key) in Words)
            if (padded.Contains(" " + word + " ", StringComparison.Ordinal)) return key.ToString();
        return "";
    }

    private static string Normalise(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var decomposed = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder();
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            sb.Append(char.IsLetterOrDigit(c) || c is '\'' or '-' ? c : ' ');
        }
        return string.Join(' ', sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
