using Guichet.Domain.Requests;

namespace Guichet.Domain.Tests.Requests;

public class RequestFormTests
{
    private const string Voirie = """
        choix ; Type de problème ; obligatoire ; Nid-de-poule | Éclairage | Autre
        texte ; Depuis quand ? ; facultatif
        date ; Date constatée
        lieu ; Où est-ce ? ; obligatoire
        pièce jointe ; Photo ; facultatif
        """;

    [Fact]
    public void Fields_are_read_one_per_line_and_written_back_the_same()
    {
        var parsed = RequestForm.Parse(Voirie);
        Assert.Empty(parsed.Problems);
        Assert.Equal([FieldKind.Choice, FieldKind.Text, FieldKind.Date, FieldKind.Location, FieldKind.Attachment], parsed.Fields.Select(f => f.Kind));
        Assert.Equal(["Nid-de-poule", "Éclairage", "Autre"], parsed.Fields[0].Choices);
        Assert.True(parsed.Fields[0].Required);
        Assert.False(parsed.Fields[2].Required);
        Assert.Equal(parsed.Fields, RequestForm.Parse(RequestForm.Format(parsed.Fields)).Fields, new FieldComparer());
    }

    [Theory]
    [InlineData("menu ; Couleur", "Ligne 1 : le type « menu » n'existe pas (texte, choix, date, lieu ou pièce jointe).")]
    [InlineData("texte", "Ligne 1 : il manque le libellé de la question.")]
    [InlineData("texte ; Nom ; peut-être", "Ligne 1 : écrivez « obligatoire » ou « facultatif » en troisième position.")]
    [InlineData("choix ; Type ; obligatoire ; Seul", "Ligne 1 : un choix propose au moins deux réponses, séparées par « | ».")]
    [InlineData("texte ; Nom ; facultatif ; a | b", "Ligne 1 : seul un champ « choix » a des réponses proposées.")]
    [InlineData("lieu ; Où ?\nlieu ; Et où encore ?", "Ligne 2 : un formulaire a au plus un champ « lieu ».")]
    public void Bad_lines_are_reported_with_their_number_in_french(string text, string problem) =>
        Assert.Equal(problem, Assert.Single(RequestForm.Parse(text).Problems));

    [Fact]
    public void Answers_are_checked_against_the_fields_and_kept_with_their_label()
    {
        var fields = RequestForm.Parse(Voirie).Fields;
        var (values, errors) = RequestForm.Check(fields, new Dictionary<string, string?> { ["champ1"] = "Éclairage", ["champ3"] = "2026-11-28" });
        Assert.Empty(errors);
        Assert.Equal([new FieldValue("Type de problème", "Éclairage"), new FieldValue("Date constatée", "2026-11-28")], values);
    }

    [Fact]
    public void A_missing_required_answer_a_foreign_choice_and_an_unreadable_date_are_each_refused()
    {
        var fields = RequestForm.Parse(Voirie).Fields;
        var (_, missing) = RequestForm.Check(fields, new Dictionary<string, string?>());
        Assert.Equal(new[] { ("champ1", "Répondez à la question « Type de problème ».") }, missing.Select(e => (e.Field, e.Message)));
        var (_, bad) = RequestForm.Check(fields, new Dictionary<string, string?> { ["champ1"] = "Inondation", ["champ3"] = "28/11/2026" });
        Assert.Equal(["champ1", "champ3"], bad.Select(e => e.Field));
    }

    private sealed class FieldComparer : IEqualityComparer<FormField>
    {
        public bool Equals(FormField? x, FormField? y) => x is not null && y is not null && x.Kind == y.Kind && x.Label == y.Label && x.Required == y.Required && x.Choices.SequenceEqual(y.Choices);
        public int GetHashCode(FormField obj) => obj.Label.GetHashCode(StringComparison.Ordinal);
    }
}
