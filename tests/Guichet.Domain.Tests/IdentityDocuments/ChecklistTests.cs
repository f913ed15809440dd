using Guichet.Domain.IdentityDocuments;

namespace Guichet.Domain.Tests.IdentityDocuments;

public sealed class ChecklistTests
{
    /// <summary>"titre=cni situation=perte" → the answers, read as the pages read a query string.</summary>
    private static ChecklistAnswers Answers(string query) =>
        Questionnaire.Read(query.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]));

    private static Checklist National(string query)
    {
        var answers = Answers(query);
        Assert.True(answers.IsValid, string.Join(" ", answers.Errors.Select(e => e.Message)));
        return NationalRules.Default.Evaluate(answers);
    }

    private const string AdultRenewal = "age=majeur titre-recent=oui situation=renouvellement";

    [Theory]
    // Identity cards are free, except when the old one cannot be handed back (loss, theft).
    [InlineData("titre=cni " + AdultRenewal, 0)]
    [InlineData("titre=cni situation=premiere age=majeur titre-recent=non naissance=en-ligne nationalite=oui", 0)]
    [InlineData("titre=cni situation=deterioration age=majeur titre-recent=oui", 0)]
    [InlineData("titre=cni situation=perte age=majeur titre-recent=non naissance=en-ligne nationalite=oui", 25)]
    [InlineData("titre=cni situation=vol age=15-17 titre-recent=oui", 25)]
    [InlineData("titre=cni situation=renouvellement age=moins-15 titre-recent=oui", 0)]
    // Passports are paid by age band, whatever the situation.
    [InlineData("titre=passeport " + AdultRenewal, 86)]
    [InlineData("titre=passeport situation=premiere age=15-17 titre-recent=oui", 42)]
    [InlineData("titre=passeport situation=premiere age=moins-15 titre-recent=oui", 17)]
    [InlineData("titre=passeport situation=perte age=majeur titre-recent=oui", 86)]
    // Both at once: the two stamps add up.
    [InlineData("titre=les-deux " + AdultRenewal, 86)]
    [InlineData("titre=les-deux situation=vol age=majeur titre-recent=oui", 111)]
    [InlineData("titre=les-deux situation=perte age=moins-15 titre-recent=oui", 42)]
    public void The_fiscal_stamp_follows_the_title_the_situation_and_the_age(string query, int euros) =>
        Assert.Equal(euros, National(query).StampTotal);

    [Theory]
    [InlineData("titre=cni " + AdultRenewal,
        "pre-request-adult photo address current-id-card")]
    [InlineData("titre=passeport situation=renouvellement age=majeur titre-recent=oui demenagement=oui",
        "pre-request-adult photo address-moved current-passport stamp")]
    [InlineData("titre=les-deux " + AdultRenewal,
        "pre-request-adult photo address current-id-card current-passport stamp")]
    [InlineData("titre=cni situation=perte age=majeur titre-recent=oui",
        "pre-request-adult photo address loss-declaration stamp")]
    [InlineData("titre=cni situation=vol age=majeur titre-recent=non naissance=papier nationalite=oui",
        "pre-request-adult photo address theft-declaration other-id birth-certificate stamp")]
    [InlineData("titre=cni situation=premiere age=majeur titre-recent=non naissance=en-ligne nationalite=non",
        "pre-request-adult photo address nationality-proof")]
    [InlineData("titre=cni situation=premiere age=majeur titre-recent=non naissance=inconnu nationalite=oui",
        "pre-request-adult photo address birth-certificate-check")]
    [InlineData("titre=passeport situation=premiere age=moins-15 titre-recent=non naissance=en-ligne nationalite=oui",
        "pre-request-minor photo address-minor guardian-id stamp")]
    [InlineData("titre=cni situation=renouvellement age=15-17 titre-recent=oui parents-separes=oui",
        "pre-request-minor photo address-minor guardian-id custody-judgment current-id-card")]
    [InlineData("titre=cni situation=deterioration age=majeur titre-recent=oui nom-usage=oui changement-nom=oui",
        "pre-request-adult photo address current-id-card usage-name name-change")]
    public void Each_combination_of_answers_gives_exactly_its_documents(string query, string expected) =>
        Assert.Equal(expected.Split(' '), National(query).Documents.Select(d => d.RuleId));

    [Theory]
    [InlineData("titre=cni " + AdultRenewal, "refusal-photo refusal-address refusal-copies refusal-pre-request refusal-current-title")]
    [InlineData("titre=passeport situation=premiere age=moins-15 titre-recent=non naissance=papier nationalite=oui",
        "refusal-photo refusal-address refusal-copies refusal-pre-request refusal-stamp refusal-birth-certificate refusal-minor")]
    public void The_refusal_reasons_are_those_that_concern_the_file(string query, string expected)
    {
        var refusals = National(query).Refusals;
        var ids = NationalRules.Default.Rules.Where(r => r.Kind == RuleKind.Refusal && refusals.Contains(r.Text)).Select(r => r.Id);
        Assert.Equal(expected.Split(' '), ids);
    }

    [Theory]
    [InlineData("", "titre-cni situation-premiere age-majeur titre-recent-oui")]
    [InlineData("titre=permis situation=renouvellement age=majeur titre-recent=oui", "titre-cni")]
    [InlineData("titre=cni situation=renouvellement age=42 titre-recent=oui", "age-majeur")]
    // The birth and nationality questions apply only without a recent title; separation only to a minor.
    [InlineData("titre=cni situation=premiere age=majeur titre-recent=non", "naissance-en-ligne nationalite-oui")]
    [InlineData("titre=cni situation=premiere age=moins-15 titre-recent=oui parents-separes=peut-etre", "parents-separes-oui")]
    [InlineData("titre=cni situation=premiere age=majeur titre-recent=oui parents-separes=peut-etre", "")]
    [InlineData("titre=cni situation=premiere age=majeur titre-recent=oui naissance=nimporte", "")]
    public void Missing_or_unknown_answers_are_refused_with_the_question_to_fix(string query, string fields)
    {
        var answers = Answers(query);
        Assert.Equal(fields.Split(' ', StringSplitOptions.RemoveEmptyEntries), answers.Errors.Select(e => e.Field));
        Assert.All(answers.Errors, e => Assert.Matches("^(Choisissez|Indiquez) ", e.Message));
    }

    [Fact]
    public void Answers_are_read_whatever_their_case_and_surrounding_spaces()
    {
        var answers = Questionnaire.Read(new Dictionary<string, string>
        {
            ["titre"] = " PASSEPORT ", ["situation"] = "Vol", ["age"] = "majeur", ["titre-recent"] = "oui",
        });
        Assert.True(answers.IsValid);
        Assert.Equal("passeport", answers.Values["titre"]);
        Assert.Contains(Fact.Theft, answers.Facts);
    }

    [Fact]
    public void A_thousand_character_answer_is_refused_not_matched() =>
        Assert.Contains(Answers("titre=" + new string('x', 1000) + " situation=vol age=majeur titre-recent=oui").Errors, e => e.Field == "titre-cni");

    [Fact]
    public void An_organisation_changes_an_amount_turns_a_row_off_and_adds_its_own_line()
    {
        var local = NationalRules.Default.With(
            [new RuleOverride("stamp-passport-adult", false, 90m), new RuleOverride("address", true, null), new RuleOverride("retired-row", true, null)],
            [new ChecklistRule("extra-1", RuleKind.Document, "Une enveloppe timbrée à votre adresse", Condition.If(Fact.Passport))]);

        var passport = local.Evaluate(Answers("titre=passeport " + AdultRenewal));
        Assert.Equal(90m, passport.StampTotal);
        Assert.DoesNotContain(passport.Documents, d => d.RuleId == "address");
        Assert.Equal("extra-1", passport.Documents[^1].RuleId);
        Assert.Equal("Une enveloppe timbrée à votre adresse", passport.Documents[^1].Short);
        Assert.True(local.Find("extra-1")!.Extra);

        var card = local.Evaluate(Answers("titre=cni " + AdultRenewal));
        Assert.DoesNotContain(card.Documents, d => d.RuleId == "extra-1");
        // The national set itself is a value: untouched.
        Assert.Equal(86m, NationalRules.Default.Evaluate(Answers("titre=passeport " + AdultRenewal)).StampTotal);
    }

    [Fact]
    public void A_stamp_turned_off_or_set_to_zero_is_not_due_and_takes_its_document_and_refusal_with_it()
    {
        var free = NationalRules.Default.With([new RuleOverride("stamp-passport-adult", false, 0m)], []);
        var list = free.Evaluate(Answers("titre=passeport " + AdultRenewal));
        Assert.Equal(0m, list.StampTotal);
        Assert.Empty(list.Stamps);
        Assert.DoesNotContain(list.Documents, d => d.RuleId == "stamp");
        Assert.Equal("Aucun timbre fiscal n'est demandé.", list.Short[^1]);
    }

    [Fact]
    public void The_short_form_is_one_plain_sentence_per_document_then_the_stamp()
    {
        var list = National("titre=les-deux situation=vol age=majeur titre-recent=oui");
        Assert.Equal(list.Documents.Count + 1, list.Short.Count);
        Assert.Equal("Un timbre fiscal de 111 euros au total.", list.Short[^1]);
        Assert.All(list.Short, s => Assert.EndsWith(".", s));
        Assert.All(list.Short, s => Assert.DoesNotContain("Cerfa", s));
    }

    [Fact]
    public void National_rows_have_unique_ids_texts_and_a_faq()
    {
        var rows = NationalRules.Default.Rules;
        Assert.Equal(rows.Count, rows.Select(r => r.Id).Distinct().Count());
        Assert.All(rows, r => Assert.InRange(r.Text.Length, 10, ChecklistRule.MaxTextLength));
        Assert.All(rows.Where(r => r.Kind == RuleKind.Stamp), r => Assert.True(r.Amount > 0));
        Assert.True(NationalRules.Default.Faq.Count >= 5);
        Assert.All(NationalRules.Default.Faq, f => Assert.False(string.IsNullOrWhiteSpace(f.Detail)));
    }

    [Theory]
    [InlineData(86, "86")]
    [InlineData(42.5, "42,50")]
    public void Euros_are_written_the_french_way(decimal amount, string text) => Assert.Equal(text, Checklist.Euros(amount));
}
