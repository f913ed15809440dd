using System.Text.RegularExpressions;
using Guichet.Domain.Contacts;

namespace Guichet.Domain.Scheduling;

/// <summary>A refused input: which field, and a French sentence the citizen understands.</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>The citizen-facing rules every door checks the same way (web, API, counter, voice).</summary>
public static partial class BookingRules
{
    public const int MaxSearchDays = 93;
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 254;

    [GeneratedRegex("^[A-Z0-9]{10}$")]
    private static partial Regex PreRequestPattern();

    // Letters of any script, spaces, apostrophes, hyphens, dots: enough for "N'Diaye", "Le Goff-Hervé".
    [GeneratedRegex(@"^[\p{L}\p{M}][\p{L}\p{M} '’\-.]*$")]
    private static partial Regex NamePattern();

    // No control or invisible format characters anywhere: a NUL or a line break has no place in an address.
    [GeneratedRegex(@"^[^@\s\p{C}<>(),;:""\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")]
    private static partial Regex EmailPattern();

    public static FieldError? CheckPersons(int persons, int maxPersons) =>
        persons < 1 ? new("persons", "Indiquez au moins une personne.")
        : persons > maxPersons ? new("persons", $"Un rendez-vous accueille au plus {maxPersons} personnes. Prenez plusieurs rendez-vous pour un groupe plus grand.")
        : null;

    public static FieldError? CheckRange(DateOnly from, DateOnly to, DateOnly today)
    {
        if (to < from) return new("to", "La date de fin doit suivre la date de début.");
        if (to.DayNumber - from.DayNumber > MaxSearchDays) return new("to", $"Cherchez sur {MaxSearchDays} jours au plus.");
        if (from < today.AddDays(-1)) return new("from", "Cette période est passée.");
        if (from > today.AddYears(1)) return new("from", "Les rendez-vous s'ouvrent au plus un an à l'avance.");
        return null;
    }

    public static FieldError? CheckName(string field, string? value, string label)
    {
        var v = value?.Trim();
        if (string.IsNullOrEmpty(v)) return new(field, $"Indiquez votre {label}.");
        if (v.Length > MaxNameLength) return new(field, $"Le {label} est trop long ({MaxNameLength} caractères au plus).");
        if (!NamePattern().IsMatch(v)) return new(field, $"Le {label} ne peut contenir que des lettres, des espaces, des tirets et des apostrophes.");
        return null;
    }

    public static FieldError? CheckEmail(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var v = value.Trim();
        if (v.Length > MaxEmailLength || !EmailPattern().IsMatch(v))
            return new("email", "Cette adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.fr).");
        return null;
    }

    /// <summary>Said to a citizen who gives a landline: SMS cannot reach it, and what to do instead.</summary>
    public const string LandlineRefused =
        "Ce numéro n'est pas un portable : il ne peut pas recevoir de SMS. Indiquez un numéro de portable ou une adresse e-mail "
        + "pour recevoir la confirmation, ou appelez la mairie : un agent prendra le rendez-vous avec vous.";

    /// <summary>Confirmations go by e-mail or SMS, so the citizen leaves at least one way to reach them.</summary>
    public static IEnumerable<FieldError> CheckContact(string? firstName, string? lastName, string? email, string? phone, bool phoneMustBeMobile)
    {
        if (CheckName("firstName", firstName, "prénom") is { } f) yield return f;
        if (CheckName("lastName", lastName, "nom") is { } l) yield return l;
        if (CheckEmail(email) is { } e) yield return e;
        if (!string.IsNullOrWhiteSpace(phone))
        {
            var parsed = FrenchPhone.Parse(phone);
            if (parsed is null) yield return new("phone", "Ce numéro de téléphone n'est pas valide (exemple : 06 12 34 56 78).");
            else if (phoneMustBeMobile && !parsed.Value.IsMobile)
                yield return new("phone", LandlineRefused);
        }
        if (string.IsNullOrWhiteSpace(email) && string.IsNullOrWhiteSpace(phone))
            yield return new("email", "Indiquez une adresse e-mail ou un numéro de portable pour recevoir la confirmation.");
    }

    /// <summary>ANTS pre-request numbers: 10 characters A–Z 0–9, one per person at most, no repeats.</summary>
    public static FieldError? CheckPreRequests(IReadOnlyList<string> numbers, int persons)
    {
        if (numbers.Count > persons) return new("preRequestNumbers", "Indiquez au plus un numéro de pré-demande par personne.");
        foreach (var n in numbers)
            if (!PreRequestPattern().IsMatch(n))
                return new("preRequestNumbers", "Un numéro de pré-demande compte 10 caractères, lettres majuscules et chiffres (exemple : AB12CD34EF).");
        if (numbers.Distinct().Count() != numbers.Count)
            return new("preRequestNumbers", "Le même numéro de pré-demande est indiqué deux fois.");
        return null;
    }

    /// <summary>Splits what a person typed ("ab12cd34ef, GH56…") into normalised numbers.</summary>
    public static IReadOnlyList<string> ParsePreRequests(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? []
            : text.Split([' ', ',', ';', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)
                  .Select(s => s.Trim().ToUpperInvariant()).ToList();
}
