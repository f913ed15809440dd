using Guichet.Domain.Requests;
using static Guichet.Domain.Tests.Calendar.Dates;

namespace Guichet.Domain.Tests.Requests;

public class ImplicitDecisionTests
{
    private static readonly HandlingUnit Urbanisme = new("Service urbanisme", "2 place de la République", "53120", "Lorval", "02 43 98 12 30", "urbanisme@lorval.demo");

    private static Acknowledgement Ack(ImplicitDecision? decision) => new(
        "Mairie de Lorval", "Occupation du domaine public", RequestChannel.Post, D("2026-11-30"), D("2026-12-21"),
        Urbanisme, "BCDFGHJK", "https://guichet.lorval.test/suivi", "https://www.france-services.gouv.fr/", decision);

    [Theory]
    [InlineData(SilenceRule.Acceptance, 2, "2026-11-30", "2027-01-30")]   // date to same date
    [InlineData(SilenceRule.Rejection, 2, "2026-12-31", "2027-02-28")]    // no 31 February: the last day of the month
    [InlineData(SilenceRule.Rejection, 2, "2027-12-31", "2028-02-29")]    // leap year
    [InlineData(SilenceRule.Acceptance, 1, "2027-01-31", "2027-02-28")]
    [InlineData(SilenceRule.Acceptance, 4, "2026-10-15", "2027-02-15")]   // across the year boundary
    [InlineData(SilenceRule.Rejection, 6, "2026-08-31", "2027-02-28")]
    public void Silence_becomes_a_decision_after_whole_calendar_months(SilenceRule rule, int months, string received, string decided)
    {
        var d = ImplicitDecision.For(rule, months, D(received));
        Assert.NotNull(d);
        Assert.Equal((rule, months, D(decided)), (d.Rule, d.Months, d.DecisionOn));
    }

    [Fact]
    public void A_category_without_a_silence_rule_has_no_implicit_decision_and_a_delay_out_of_range_is_refused()
    {
        Assert.Null(ImplicitDecision.For(SilenceRule.None, 2, D("2026-11-30")));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImplicitDecision.For(SilenceRule.Acceptance, 0, D("2026-11-30")));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImplicitDecision.For(SilenceRule.Rejection, ImplicitDecision.MaxMonths + 1, D("2026-11-30")));
    }

    [Theory]
    [InlineData(SilenceRule.Acceptance, "Réputée acceptée le", "réputée acceptée", "attestation", "L232-3")]
    [InlineData(SilenceRule.Rejection, "Réputée rejetée le", "réputée rejetée", "recours gracieux", "tribunal administratif")]
    public void The_acknowledgement_names_the_decision_date_and_what_follows(SilenceRule rule, string label, string statement, string route, string more)
    {
        var ack = Ack(ImplicitDecision.For(rule, 2, D("2026-11-30")));
        Assert.Contains((label, "samedi 30 janvier 2027"), ack.Items);
        var text = ack.Text("Camille Martin");
        Assert.Contains(statement, text);
        Assert.Contains("samedi 30 janvier 2027", text);
        Assert.Contains(route, text);
        Assert.Contains(more, text);
        Assert.Empty(ack.Missing());
    }

    [Fact]
    public void A_rejection_gives_both_appeal_routes_and_their_two_month_delay()
    {
        var paragraphs = string.Join("\n", Ack(ImplicitDecision.For(SilenceRule.Rejection, 2, D("2026-11-30"))).DecisionParagraphs("Mairie de Lorval"));
        Assert.Contains("dans un délai de deux mois à compter du samedi 30 janvier 2027", paragraphs);
        Assert.Contains("recours gracieux auprès de Mairie de Lorval", paragraphs);
        Assert.Contains("recours hiérarchique", paragraphs);
        Assert.Contains("recours contentieux devant le tribunal administratif", paragraphs);
        Assert.Contains("Télérecours", paragraphs);
    }

    [Fact]
    public void Without_a_silence_rule_the_acknowledgement_says_no_implicit_decision_arises()
    {
        var ack = Ack(null);
        Assert.DoesNotContain(ack.Items, i => i.Label.StartsWith("Réputée", StringComparison.Ordinal));
        Assert.Contains("aucune décision implicite", ack.Text(null));
    }

    [Theory]
    [InlineData(SilenceRule.Acceptance, "Sans réponse au 30/01/2027 : demande acceptée.")]
    [InlineData(SilenceRule.Rejection, "Sans réponse au 30/01/2027 : demande rejetée")]
    public void The_sms_keeps_the_code_the_due_date_the_decision_date_and_the_link(SilenceRule rule, string decision)
    {
        var sms = Ack(ImplicitDecision.For(rule, 2, D("2026-11-30"))).Sms();
        Assert.Contains("BCDFGHJK", sms);
        Assert.Contains("21/12/2026", sms);
        Assert.Contains(decision, sms);
        Assert.Contains("https://guichet.lorval.test/suivi", sms);
    }

    [Fact]
    public void A_decision_date_not_after_the_day_of_receipt_makes_the_acknowledgement_incomplete() =>
        Assert.Equal(["la date de la décision implicite"], Ack(new ImplicitDecision(SilenceRule.Acceptance, 2, D("2026-11-30"))).Missing());
}

public class RetentionTests
{
    [Theory]
    [InlineData("2023-11-30T10:00:00Z", 36, "2026-11-30T09:59:59Z", false)]
    [InlineData("2023-11-30T10:00:00Z", 36, "2026-11-30T10:00:00Z", true)]
    [InlineData("2026-09-30T10:00:00Z", 2, "2026-11-30T10:00:00Z", true)]
    [InlineData("2026-10-01T10:00:00Z", 2, "2026-11-30T10:00:00Z", false)]
    [InlineData("2026-01-31T00:00:00Z", 1, "2026-02-28T00:00:00Z", true)]    // the end of a shorter month
    [InlineData("2026-11-01T00:00:00Z", 0, "2036-11-01T00:00:00Z", false)]   // an invalid setting never anonymises
    public void A_closed_request_is_due_for_anonymisation_once_its_months_have_passed(string closed, int months, string now, bool due) =>
        Assert.Equal(due, Retention.IsDue(DateTime.Parse(closed).ToUniversalTime(), months, DateTime.Parse(now).ToUniversalTime()));
}
