using Guichet.Domain.Requests;
using static Guichet.Domain.Tests.Calendar.Dates;

namespace Guichet.Domain.Tests.Requests;

public class MissingDocumentsTests
{
    private static readonly HandlingUnit Urbanisme = new("Service urbanisme", "2 place de la République", "53120", "Lorval", "02 43 98 12 30", "urbanisme@lorval.demo");

    private static Acknowledgement Ack(MissingDocuments? documents, ImplicitDecision? decision = null) => new(
        "Mairie de Lorval", "Occupation du domaine public", RequestChannel.Web, D("2026-11-30"), D("2026-12-22"),
        Urbanisme, "BCDFGHJK", "https://guichet.lorval.test/suivi", "https://www.france-services.gouv.fr/", decision, documents);

    [Fact]
    public void A_list_typed_one_per_line_drops_bullets_and_blank_lines()
    {
        Assert.Equal(["Plan de situation", "Photo de la façade", "Attestation d'assurance"],
            MissingDocuments.Lines("- Plan de situation\r\n\r\n• Photo de la façade \n  * Attestation d'assurance\n-\n"));
        Assert.Empty(MissingDocuments.Lines(null));
    }

    [Theory]
    [InlineData("", "2026-12-15", "Indiquez les pièces")]
    [InlineData("Plan", null, "Indiquez la date limite")]
    [InlineData("Plan", "2026-11-30", "postérieure à aujourd'hui")]
    [InlineData("Plan", "2027-06-02", "ne peut pas dépasser 183 jours")]
    public void A_list_without_items_or_with_a_supply_by_day_not_ahead_is_refused(string lines, string? by, string message)
    {
        var why = MissingDocuments.Check(MissingDocuments.Lines(lines), by is null ? null : D(by), D("2026-11-30"));
        Assert.NotNull(why);
        Assert.Contains(message, why);
    }

    [Fact]
    public void Too_many_or_too_long_items_are_refused_and_a_sound_list_passes()
    {
        var today = D("2026-11-30");
        Assert.Contains("Pas plus de 20", MissingDocuments.Check(Enumerable.Range(1, 21).Select(i => $"Pièce {i}").ToList(), D("2026-12-15"), today));
        Assert.Contains("dépasse 300 caractères", MissingDocuments.Check([new string('x', 301)], D("2026-12-15"), today));
        Assert.Null(MissingDocuments.Check(["Plan de situation"], D("2026-12-01"), today));
        Assert.Null(MissingDocuments.Check(["Plan de situation"], today.AddDays(MissingDocuments.MaxDaysAhead), today));
    }

    [Fact]
    public void The_acknowledgement_of_an_incomplete_request_lists_the_documents_their_day_and_that_the_delays_wait_for_them()
    {
        var documents = new MissingDocuments(["Plan de situation", "Photo de la façade"], D("2026-12-15"));
        var ack = Ack(documents, ImplicitDecision.For(SilenceRule.Acceptance, 2, D("2026-12-15")));
        Assert.Empty(ack.Missing());
        Assert.Contains(("Pièces ou informations à fournir", "Plan de situation ; Photo de la façade"), ack.Items);
        Assert.Contains(("À fournir au plus tard le", "mardi 15 décembre 2026"), ack.Items);
        var first = ack.DecisionParagraphs("Mairie de Lorval")[0];
        Assert.Contains("L114-5", first);
        Assert.Contains("celui au terme duquel votre demande sera réputée acceptée ne courent qu'à compter de leur réception", first);
        Assert.Contains("Pièces à fournir avant le 15/12/2026 : Plan de situation ; Photo de la façade", ack.Sms());

        // A complete request says nothing of documents; an empty list or a day not after receipt is not sent.
        Assert.DoesNotContain(Ack(null).Items, i => i.Label.StartsWith("Pièces", StringComparison.Ordinal));
        Assert.DoesNotContain("L114-5", string.Join(" ", Ack(null).DecisionParagraphs("Mairie de Lorval")));
        Assert.Contains("les pièces manquantes et leur date limite", Ack(new MissingDocuments([], D("2026-12-15"))).Missing());
        Assert.Contains("les pièces manquantes et leur date limite", Ack(new MissingDocuments(["Plan"], D("2026-11-30"))).Missing());
    }
}
