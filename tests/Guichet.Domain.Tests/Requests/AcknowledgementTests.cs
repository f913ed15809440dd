using Guichet.Domain.Requests;
using static Guichet.Domain.Tests.Calendar.Dates;

namespace Guichet.Domain.Tests.Requests;

public class AcknowledgementTests
{
    private static readonly HandlingUnit Voirie = new("Service voirie", "2 place de la République", "53120", "Lorval", "02 43 98 12 10", "voirie@lorval.demo");

    private static Acknowledgement Ack(HandlingUnit? unit = null, string code = "BCDFGHJK") => new(
        "Mairie de Lorval", "Voirie : nid-de-poule", RequestChannel.Web, D("2026-11-30"), D("2026-12-07"),
        unit ?? Voirie, code, "https://guichet.lorval.test/suivi", "https://www.france-services.gouv.fr/");

    [Fact]
    public void The_text_holds_every_item_the_law_requires()
    {
        var text = Ack().Text("Camille Martin");
        Assert.StartsWith("Bonjour Camille Martin,", text);
        Assert.Contains("Reçue le : lundi 30 novembre 2026", text);
        Assert.Contains("Service chargé de votre demande : Service voirie", text);
        Assert.Contains("Adresse postale du service : 2 place de la République, 53120 Lorval", text);
        Assert.Contains("Téléphone du service : 02 43 98 12 10", text);
        Assert.Contains("Adresse électronique du service : voirie@lorval.demo", text);
        Assert.Contains("Réponse au plus tard le : lundi 7 décembre 2026", text);
        Assert.Contains("Code de suivi : BCDF GHJK", text);
        Assert.Contains("Suivre votre demande : https://guichet.lorval.test/suivi", text);
        Assert.Contains("France Services", text);
        Assert.Contains("https://www.france-services.gouv.fr/", text);
        Assert.Empty(Ack().Missing());
    }

    [Fact]
    public void An_acknowledgement_without_the_units_phone_or_address_is_incomplete()
    {
        var missing = Ack(Voirie with { Phone = " ", Address = "" }).Missing();
        Assert.Equal(["l'adresse du service", "le téléphone du service"], missing);
        Assert.Equal(["le code de suivi"], Ack(code: "ABC").Missing());
    }

    [Fact]
    public void The_sms_keeps_the_dates_the_code_the_unit_and_the_links()
    {
        var sms = Ack().Sms();
        Assert.Contains("30/11/2026", sms);
        Assert.Contains("07/12/2026", sms);
        Assert.Contains("BCDFGHJK", sms);
        Assert.Contains("2 place de la République, 53120 Lorval, 02 43 98 12 10", sms);
        Assert.Contains("https://guichet.lorval.test/suivi", sms);
    }
}
