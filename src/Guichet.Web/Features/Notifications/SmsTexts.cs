using Guichet.Domain.Messaging;
using Guichet.Web.Data;
using Guichet.Web.Platform;

namespace Guichet.Web.Features.Notifications;

/// <summary>
/// The SMS a citizen reads: short, transactional (no STOP mention), with date, time, place, code and the link, and
/// never the documents or the reason (an SMS shows on a locked screen). Rewritten GSM-safe, so no ’ or ô turns the
/// whole message into UCS-2 and triples its cost.
/// </summary>
public static class SmsTexts
{
    public static string Confirmation(Appointment a, Site site, string manageUrl, bool repliesAccepted) =>
        SmsEncoding.ToGsmSafe(
            $"RDV confirmé le {When(a, site)}, {site.Name}. Code {a.Code}. "
            + $"Voir ou annuler : {manageUrl}"
            + (repliesAccepted ? $" ou répondez ANNULER {a.Code}" : ""));

    public static string Reminder(Appointment a, Site site, string manageUrl, bool repliesAccepted) =>
        SmsEncoding.ToGsmSafe(
            $"Rappel : RDV le {When(a, site)}, {site.Name}. Code {a.Code}. "
            + $"Empêché ? Annulez : {manageUrl}"
            + (repliesAccepted ? $" ou répondez ANNULER {a.Code}" : ""));

    public static string Cancellation(Appointment a, Site site, bool byCitizen, string bookUrl) =>
        SmsEncoding.ToGsmSafe(
            $"RDV du {When(a, site)} ({site.Name}, code {a.Code}) annulé"
            + (byCitizen ? " comme demandé." : " par la mairie.")
            + $" Nouveau RDV : {bookUrl}");

    /// <summary>Answers to a reply (ANNULER, STOP) that changed nothing, for providers that answer in the same call.</summary>
    public const string UnknownCode = "Aucun rendez-vous à venir ne correspond à ce code pour ce numéro. Écrivez ANNULER suivi du code à 8 chiffres.";
    public const string TooLate = "Ce rendez-vous a déjà commencé ou est passé : il ne peut plus être annulé.";
    public const string Stopped = "Vous ne recevrez plus de SMS de notre part. Les confirmations restent envoyées par e-mail si vous en avez donné un.";
    public const string Help = "Pour annuler un rendez-vous, écrivez ANNULER suivi de son code. Pour ne plus recevoir de SMS, écrivez STOP.";

    /// <summary>"mardi 15 décembre à 9h30": the year is never in doubt, appointments open a year ahead at most.</summary>
    private static string When(Appointment a, Site site)
    {
        var local = FrenchDates.ToLocal(a.StartUtc, site.TimeZone);
        return $"{local.ToString("dddd d MMMM", FrenchDates.Culture)} à {local.Hour}h{(local.Minute == 0 ? "" : local.Minute.ToString("00", FrenchDates.Culture))}";
    }
}
