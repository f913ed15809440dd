using System.Globalization;

namespace Guichet.Domain.Requests;

/// <summary>
/// An incomplete request (CRPA L114-5): the documents or information still missing and the day by which the citizen
/// is to supply them. The delays to answer and, where silence decides, the implicit decision's, run only from their
/// receipt; until then they are counted from the supply-by day (the latest the delay can start), and brought forward
/// when the documents come earlier. The acknowledgement says so where relevant (R112-5, 3°).
/// </summary>
public sealed record MissingDocuments(IReadOnlyList<string> Items, DateOnly SupplyBy)
{
    public const int MaxItems = 20;
    public const int MaxItemLength = 300;
    /// <summary>The furthest supply-by day an agent may set, in days from today.</summary>
    public const int MaxDaysAhead = 183;

    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    /// <summary>The items of a list typed one per line; bullets and blank lines dropped.</summary>
    public static IReadOnlyList<string> Lines(string? text) =>
        (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n')
            .Select(l => l.Trim().TrimStart('-', '•', '*', '–').Trim())
            .Where(l => l.Length > 0)
            .ToList();

    /// <summary>Why such a list cannot be sent (in French, for the agent), or null when it can.</summary>
    public static string? Check(IReadOnlyList<string> items, DateOnly? supplyBy, DateOnly today)
    {
        if (items.Count == 0) return "Indiquez les pièces ou informations manquantes, une par ligne.";
        if (items.Count > MaxItems) return $"Pas plus de {MaxItems} pièces à la fois.";
        if (items.FirstOrDefault(i => i.Length > MaxItemLength) is { } tooLong)
            return $"« {tooLong[..40]}… » dépasse {MaxItemLength} caractères.";
        if (supplyBy is not { } by) return "Indiquez la date limite pour fournir les pièces.";
        if (by <= today) return "La date limite doit être postérieure à aujourd'hui.";
        if (by > today.AddDays(MaxDaysAhead)) return $"La date limite ne peut pas dépasser {MaxDaysAhead} jours.";
        return null;
    }

    /// <summary>The items on one line, for an acknowledgement item or an SMS.</summary>
    public string Joined => string.Join(" ; ", Items);

    public string SupplyByText => Acknowledgement.Date(SupplyBy);

    /// <summary>The legal paragraph: what to send, by when, and that the delays wait for it (L114-5).</summary>
    public string Statement(ImplicitDecision? decision) =>
        $"Votre demande est incomplète. Merci de fournir les pièces ou informations indiquées au plus tard le {SupplyByText} ; "
        + "à défaut, elle ne pourra pas être instruite. Conformément à l'article L114-5 du code des relations entre le public et l'administration, "
        + (decision is null
            ? "le délai de réponse ne court qu'à compter de leur réception"
            : $"le délai de réponse et celui au terme duquel votre demande sera réputée {(decision.Rule == SilenceRule.Acceptance ? "acceptée" : "rejetée")} ne courent qu'à compter de leur réception")
        + $" : les dates indiquées supposent qu'elles arrivent le {SupplyByText}, et seront avancées si elles arrivent plus tôt.";

    /// <summary>The few words of an SMS.</summary>
    public string Sms(string organisationName, string trackingCode, DateOnly dueOn, string trackingUrl) =>
        $"{organisationName}, demande {trackingCode} incomplète : merci de fournir {Joined} avant le {SupplyBy.ToString("dd/MM/yyyy", French)}. "
        + $"Les délais courent à réception (réponse au plus tard le {dueOn.ToString("dd/MM/yyyy", French)} si reçues à cette date). Suivi : {trackingUrl}";
}
