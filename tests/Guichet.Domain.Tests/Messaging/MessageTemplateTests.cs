using Guichet.Domain.Messaging;

namespace Guichet.Domain.Tests.Messaging;

public sealed class MessageTemplateTests
{
    private static readonly TemplateField[] Fields =
    [
        new("prenom", "prénom"), new("nom", "nom"), new("code", "code"), new("lien", "lien"), new("pieces", "pièces"),
    ];

    private static readonly Dictionary<string, string> Values = new()
    {
        ["prenom"] = "Camille", ["nom"] = "Martin", ["code"] = "12345678", ["lien"] = "https://rdv.test/r?token=a&b", ["pieces"] = "",
    };

    /// <summary>Template; what it renders to with <see cref="Values"/> ("\n" for line breaks).</summary>
    [Theory]
    [InlineData("Bonjour {prenom} {nom},", "Bonjour Camille Martin,")]
    [InlineData("Code {code}.", "Code 12345678.")]
    [InlineData("sans champ", "sans champ")]
    [InlineData("{{accolades}} et }}", "{accolades} et }")]
    [InlineData("{code}{code}", "1234567812345678")]
    // A line whose fields are all empty is left out whole, with its line break.
    [InlineData("A\nPièces : {pieces}\nB", "A\nB")]
    // Not when another field on the line has a value, nor when the line names no field.
    [InlineData("A\nPièces : {pieces} {code}\n\nB", "A\nPièces :  12345678\n\nB")]
    [InlineData("fin\n", "fin\n")]
    public void A_valid_template_renders_its_fields(string template, string expected)
    {
        var parse = MessageTemplate.Parse(template, Fields);
        Assert.True(parse.IsValid, string.Join(" ", parse.Errors));
        Assert.Equal(expected, parse.Template!.Render(Values));
    }

    /// <summary>Template; a piece of the single French error expected.</summary>
    [Theory]
    [InlineData("Bonjour {prénom}", "« {prénom} » n'est pas un nom de champ (caractère 9)")]
    [InlineData("Bonjour {Prenom}", "« {Prenom} » n'est pas un nom de champ")]
    [InlineData("Bonjour {age}", "Le champ « {age} » n'existe pas pour ce message (caractère 9). Champs possibles : {prenom}, {nom}, {code}, {lien}, {pieces}.")]
    [InlineData("Bonjour {prenom", "Le champ « {prenom » n'est pas fermé (caractère 9)")]
    [InlineData("Bonjour {prenom\n{nom}", "Le champ « {prenom » n'est pas fermé")]
    [InlineData("Bonjour {pre{nom}", "Le champ « {pre » n'est pas fermé")]
    [InlineData("Bonjour {}", "Accolades vides « {} » (caractère 9)")]
    [InlineData("Bonjour }", "Accolade fermante « } » sans accolade ouvrante (caractère 9) : pour écrire une accolade, doublez-la « }} ».")]
    [InlineData("   ", "Le texte est vide")]
    [InlineData("", "Le texte est vide")]
    public void A_malformed_or_unknown_field_is_refused_with_a_french_message(string template, string expected)
    {
        var parse = MessageTemplate.Parse(template, Fields);
        Assert.False(parse.IsValid);
        Assert.Contains(expected, Assert.Single(parse.Errors));
    }

    [Fact]
    public void Every_mistake_is_reported_not_only_the_first()
    {
        var parse = MessageTemplate.Parse("{age} {prenom} {ville} }", Fields);
        Assert.Equal(3, parse.Errors.Count);
    }

    [Fact]
    public void A_subject_holds_on_one_line_and_a_text_has_a_maximum_length()
    {
        Assert.Contains("une seule ligne", Assert.Single(MessageTemplate.Parse("Objet\nsuite", Fields, singleLine: true).Errors));
        Assert.Contains("trop long", Assert.Single(MessageTemplate.Parse(new string('a', MessageTemplate.MaxLength + 1), Fields).Errors));
    }

    [Fact]
    public void Windows_line_breaks_read_as_plain_ones()
    {
        Assert.Equal("A\nB", MessageTemplate.Parse("A\r\nB", Fields).Template!.Render(Values));
    }

    [Fact]
    public void The_fields_named_are_listed_once_in_order()
    {
        Assert.Equal(["code", "prenom"], MessageTemplate.Parse("{code} {prenom} {code}", Fields).Template!.Fields);
    }

    /// <summary>Template; values override; the HTML expected.</summary>
    [Theory]
    [InlineData("Bonjour {prenom},\n\nCode {code}.\nMerci", "", "<p>Bonjour Camille,</p>\n<p>Code 12345678.<br>\nMerci</p>\n")]
    // Values and literal text are encoded: a name written as markup stays text.
    [InlineData("Bonjour {prenom} & <b>{nom}</b>", "<script>alert(1)</script>",
        "<p>Bonjour &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;Martin&lt;/b&gt;</p>\n")]
    // A web address becomes a link, its & encoded in the attribute and in the text.
    [InlineData("Lien : {lien}", "", "<p>Lien : <a href=\"https://rdv.test/r?token=a&amp;b\">https://rdv.test/r?token=a&amp;b</a></p>\n")]
    // The empty-line rule holds in HTML too, and several blank lines make one paragraph break.
    [InlineData("A\nPièces : {pieces}\n\n\nB", "", "<p>A</p>\n<p>B</p>\n")]
    public void The_html_body_encodes_everything_and_links_addresses(string template, string firstName, string expected)
    {
        var values = new Dictionary<string, string>(Values);
        if (firstName.Length > 0) values["prenom"] = firstName;
        Assert.Equal(expected, MessageTemplate.Parse(template, Fields).Template!.RenderHtml(values));
    }

    [Fact]
    public void A_value_that_is_not_only_an_address_is_not_a_link()
    {
        var values = new Dictionary<string, string>(Values) { ["prenom"] = "https://x.test/ et autre" };
        Assert.DoesNotContain("<a ", MessageTemplate.Parse("{prenom}", Fields).Template!.RenderHtml(values));
    }
}
