using System.Globalization;
using System.Text;

namespace Guichet.Domain.Contacts;

/// <summary>What two bookings are compared on to tell whether they are the same person's.</summary>
public sealed record PersonFacts(string NameKey, string? EmailKey, string? PhoneE164, IReadOnlyCollection<string> ApplicationIds);

public enum DuplicateKind { None, SameApplication, SamePerson }

/// <summary>
/// The local duplicate rule: one person, or one pre-request number, holds at most one active future appointment
/// across the platform. A person is the same when the normalised name matches and so does the e-mail or the phone:
/// a name alone is not enough (two "Marie Martin" are common), a shared family e-mail alone is not either.
/// </summary>
public static class PersonIdentity
{
    /// <summary>
    /// "Le Goff-Hervé, Jean-Loïc" and "LE GOFF HERVE, jean loic" give the same key: case, accents, ligatures,
    /// spaces, hyphens, apostrophes and dots are ignored. Last name first, then first name, separated by '|'.
    /// </summary>
    public static string NameKey(string? firstName, string? lastName) => $"{Fold(lastName)}|{Fold(firstName)}";

    /// <summary>E-mail addresses compared without case and surrounding spaces; null when there is none.</summary>
    public static string? EmailKey(string? email) =>
        string.IsNullOrWhiteSpace(email) ? null : email.Trim().ToLowerInvariant();

    public static DuplicateKind Compare(PersonFacts wanted, PersonFacts existing)
    {
        if (wanted.ApplicationIds.Any(id => existing.ApplicationIds.Contains(id, StringComparer.Ordinal))) return DuplicateKind.SameApplication;
        if (wanted.NameKey != existing.NameKey || wanted.NameKey == "|") return DuplicateKind.None;
        var sameEmail = wanted.EmailKey is not null && wanted.EmailKey == existing.EmailKey;
        var samePhone = wanted.PhoneE164 is not null && wanted.PhoneE164 == existing.PhoneE164;
        return sameEmail || samePhone ? DuplicateKind.SamePerson : DuplicateKind.None;
    }

    private static string Fold(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var decomposed = text.Trim().ToLowerInvariant()
            .Replace("œ", "oe", StringComparison.Ordinal).Replace("æ", "ae", StringComparison.Ordinal).Replace("ß", "ss", StringComparison.Ordinal)
            .Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark) continue;
            if (char.IsWhiteSpace(c) || c is '-' or '\'' or '’' or '.' or '‐' or '–') continue;
            folded.Append(c);
        }
        return folded.ToString().Normalize(NormalizationForm.FormC);
    }
}
