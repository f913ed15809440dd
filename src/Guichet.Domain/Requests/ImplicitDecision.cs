using System.Globalization;

namespace Guichet.Domain.Requests;

/// <summary>
/// What the administration's silence means for a kind of request (CRPA L231-1 and following): nothing (no implicit
/// decision, e.g. a report of a pothole), acceptance (silence vaut acceptation, SVA, the general rule) or rejection
/// (silence vaut rejet, SVR, the cases listed by decree).
/// </summary>
public enum SilenceRule { None, Acceptance, Rejection }

/// <summary>
/// The implicit decision an acknowledgement must announce (CRPA R112-5, 1° and 4°): the date on which silence becomes a
/// decision, and what follows from it — the right to an attestation after an acceptance (L232-3), the appeal routes and
/// their delays after a rejection.
/// </summary>
public sealed record ImplicitDecision(SilenceRule Rule, int Months, DateOnly DecisionOn)
{
    public const int DefaultMonths = 2;
    public const int MaxMonths = 24;
    /// <summary>The delay to appeal against a decision, implicit or express (CJA R421-1; CRPA L411-2 for the administrative appeal).</summary>
    public const int AppealMonths = 2;

    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    /// <summary>
    /// The decision for a request received on <paramref name="receivedOn"/>, or null when silence decides nothing.
    /// Month delays are counted date to same date (received 15 January, decided 15 March); when that day does not exist
    /// in the target month the delay ends on its last day (received 31 December, decided 28 or 29 February).
    /// </summary>
    public static ImplicitDecision? For(SilenceRule rule, int months, DateOnly receivedOn)
    {
        if (rule == SilenceRule.None || !Enum.IsDefined(rule)) return null;
        ArgumentOutOfRangeException.ThrowIfLessThan(months, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(months, MaxMonths);
        return new ImplicitDecision(rule, months, receivedOn.AddMonths(months));
    }

    public static string RuleLabel(SilenceRule rule) => rule switch
    {
        SilenceRule.None => "aucune décision implicite",
        SilenceRule.Acceptance => "le silence vaut acceptation",
        SilenceRule.Rejection => "le silence vaut rejet",
        _ => rule.ToString(),
    };

    private static string MonthsText(int months) => months switch
    {
        1 => "un mois",
        2 => "deux mois",
        3 => "trois mois",
        4 => "quatre mois",
        6 => "six mois",
        _ => $"{months} mois",
    };

    public string DateText => Acknowledgement.Date(DecisionOn);
    public string ShortDate => DecisionOn.ToString("dd/MM/yyyy", French);

    /// <summary>The line "without an answer by …, your request is deemed accepted/rejected".</summary>
    public string Statement => Rule == SilenceRule.Acceptance
        ? $"Sans réponse de notre part au {DateText} (délai de {MonthsText(Months)}), votre demande sera réputée acceptée : une décision implicite d'acceptation naîtra ce jour-là."
        : $"Sans réponse de notre part au {DateText} (délai de {MonthsText(Months)}), votre demande sera réputée rejetée : une décision implicite de rejet naîtra ce jour-là.";

    /// <summary>What the citizen can do after the implicit decision: ask for an attestation, or appeal and within which delays.</summary>
    public IReadOnlyList<string> Consequences(string organisationName) => Rule == SilenceRule.Acceptance
        ?
        [
            $"Vous pourrez alors demander à {organisationName} une attestation de cette décision implicite d'acceptation (article L232-3 du code des relations entre le public et l'administration).",
        ]
        :
        [
            $"Vous pourrez contester ce rejet dans un délai de {MonthsText(AppealMonths)} à compter du {DateText} :",
            $"• par un recours gracieux auprès de {organisationName}, ou un recours hiérarchique auprès de l'autorité supérieure ; sans réponse dans les deux mois, ce recours est lui-même rejeté ;",
            $"• par un recours contentieux devant le tribunal administratif territorialement compétent, dans les {MonthsText(AppealMonths)} qui suivent le rejet (ou le rejet de votre recours gracieux ou hiérarchique), y compris en ligne par l'application Télérecours citoyens (www.telerecours.fr).",
        ];

    /// <summary>The few words an SMS has room for.</summary>
    public string SmsText => Rule == SilenceRule.Acceptance
        ? $"Sans réponse au {ShortDate} : demande acceptée."
        : $"Sans réponse au {ShortDate} : demande rejetée (recours possibles, voir le suivi).";
}
