using System.Globalization;
using System.Text;

namespace Guichet.Domain.Requests;

/// <summary>The service that handles the request, as the acknowledgement must name it (CRPA R112-5, 2°).</summary>
public sealed record HandlingUnit(string Name, string Address, string PostalCode, string City, string Phone, string Email)
{
    /// <summary>The postal address written out, as a citizen copies it on an envelope.</summary>
    public string PostalAddress => $"{Address}, {PostalCode} {City}";
}

/// <summary>
/// What an acknowledgement of receipt (accusé de réception, CRPA L112-3 and R112-5) says: the date of receipt, the
/// unit in charge with its postal address, e-mail and phone, the date by which an answer is due, the tracking code and
/// link, and where to get help (France Services). An acknowledgement with a mandatory item missing makes appeal
/// delays unenforceable (L112-6), so it is refused rather than sent incomplete.
/// </summary>
public sealed record Acknowledgement(
    string OrganisationName, string CategoryName, RequestChannel Channel, DateOnly ReceivedOn, DateOnly DueOn,
    HandlingUnit Unit, string TrackingCode, string TrackingUrl, string FranceServicesUrl, ImplicitDecision? Decision = null,
    MissingDocuments? Documents = null)
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    /// <summary>The mandatory items that are empty, in French; empty when the acknowledgement can be sent.</summary>
    public IReadOnlyList<string> Missing()
    {
        var missing = new List<string>();
        void Need(string? value, string what) { if (string.IsNullOrWhiteSpace(value)) missing.Add(what); }
        Need(Unit.Name, "le nom du service");
        Need(Unit.Address, "l'adresse du service");
        Need(Unit.PostalCode, "le code postal du service");
        Need(Unit.City, "la commune du service");
        Need(Unit.Phone, "le téléphone du service");
        Need(Unit.Email, "l'adresse électronique du service");
        Need(Requests.TrackingCode.Normalise(TrackingCode), "le code de suivi");
        Need(TrackingUrl, "le lien de suivi");
        Need(FranceServicesUrl, "le lien France Services");
        if (Decision is { } d && (d.Months < 1 || d.DecisionOn <= ReceivedOn)) missing.Add("la date de la décision implicite");
        if (Documents is { } m && (m.Items.Count == 0 || m.SupplyBy <= ReceivedOn)) missing.Add("les pièces manquantes et leur date limite");
        return missing;
    }

    public static string Date(DateOnly date) => date.ToString("dddd d MMMM yyyy", French);

    public string Subject => $"Accusé de réception de votre demande {Requests.TrackingCode.Display(TrackingCode)}";

    /// <summary>The lines of the acknowledgement, for the e-mail, the confirmation page and a printed letter.</summary>
    public IReadOnlyList<(string Label, string Value)> Items =>
    [
        ("Demande", CategoryName),
        ("Reçue le", Date(ReceivedOn)),
        ("Canal", RequestChannels.Label(Channel)),
        ("Service chargé de votre demande", Unit.Name),
        ("Adresse postale du service", Unit.PostalAddress),
        ("Téléphone du service", Unit.Phone),
        ("Adresse électronique du service", Unit.Email),
        .. Documents is { } m
            ? [("Pièces ou informations à fournir", m.Joined), ("À fournir au plus tard le", m.SupplyByText)]
            : Array.Empty<(string, string)>(),
        ("Réponse au plus tard le", Date(DueOn)),
        ("Code de suivi", Requests.TrackingCode.Display(TrackingCode)),
        ("Suivre votre demande", TrackingUrl),
        .. Decision is { } d
            ? [(d.Rule == SilenceRule.Acceptance ? "Réputée acceptée le" : "Réputée rejetée le", d.DateText)]
            : Array.Empty<(string, string)>(),
    ];

    /// <summary>
    /// The legal paragraphs: the missing documents and that the delays wait for them (R112-5, 3°), when the request is
    /// incomplete; then the implicit decision (1° and 4°): when silence decides, and what the citizen can then do; a
    /// plain statement that no implicit decision arises otherwise.
    /// </summary>
    public IReadOnlyList<string> DecisionParagraphs(string organisationName) =>
    [
        .. Documents is { } m ? [m.Statement(Decision)] : Array.Empty<string>(),
        .. Decision is { } d
            ? (IReadOnlyList<string>)[d.Statement, .. d.Consequences(organisationName)]
            : ["Cette demande n'appelle pas de décision administrative : aucune décision implicite ne naîtra du silence de l'administration."],
    ];

    public string HelpLine =>
        $"Besoin d'aide pour vos démarches ? Un conseiller France Services peut vous accompagner près de chez vous : {FranceServicesUrl}";

    public string Text(string? greetingName)
    {
        var b = new StringBuilder()
            .Append("Bonjour").Append(string.IsNullOrWhiteSpace(greetingName) ? "" : " " + greetingName.Trim()).Append(",\n\n")
            .Append(OrganisationName).Append(" a bien reçu votre demande. Voici son accusé de réception.\n\n");
        foreach (var (label, value) in Items) b.Append(label).Append(" : ").Append(value).Append('\n');
        b.Append('\n');
        foreach (var p in DecisionParagraphs(OrganisationName)) b.Append(p).Append('\n');
        b.Append("\nGardez le code de suivi : avec votre nom de famille, il permet de suivre la demande sur le lien ci-dessus.\n")
            .Append(HelpLine).Append("\n\n")
            .Append(OrganisationName).Append('\n')
            .Append("Ce message est envoyé automatiquement : merci de ne pas y répondre.\n");
        return b.ToString();
    }

    /// <summary>The SMS version: the same items, shortened, when the citizen gave only a mobile number.</summary>
    public string Sms() =>
        $"{OrganisationName} : demande reçue le {ReceivedOn.ToString("dd/MM/yyyy", French)}, code {TrackingCode}. "
        + $"Réponse au plus tard le {DueOn.ToString("dd/MM/yyyy", French)}. {Unit.Name}, {Unit.PostalAddress}, {Unit.Phone}. "
        + (Documents is { } m ? $"Pièces à fournir avant le {m.SupplyBy.ToString("dd/MM/yyyy", French)} : {m.Joined} (délais à compter de leur réception). " : "")
        + (Decision is { } d ? d.SmsText + " " : "")
        + $"Suivi : {TrackingUrl} Aide : {FranceServicesUrl}";
}
