using Guichet.Domain.Messaging.Mime;

namespace Guichet.Domain.Tests.Messaging.Mime;

public sealed class MailThreadingTests
{
    private static readonly ReplyAddressPattern Pattern = new("demandes+{token}@mairie.example");

    [Theory]
    [InlineData("demandes+AB12CD34@mairie.example", "AB12CD34")]
    [InlineData("<demandes+AB12CD34@mairie.example>", "AB12CD34")]
    [InlineData("Demandes+ab12cd34@MAIRIE.example", "ab12cd34")]      // an MTA lower-cased it: compare tokens without case
    [InlineData("demandes@mairie.example", null)]
    [InlineData("demandes+@mairie.example", null)]
    [InlineData("demandes+AB1@mairie.example", null)]                  // shorter than the minimum
    [InlineData("demandes+AB12CD34@mairie.example.evil.fr", null)]
    [InlineData("xdemandes+AB12CD34@mairie.example", null)]
    [InlineData("demandes+AB12-CD34@mairie.example", null)]
    [InlineData("demandesXAB12CD34@mairie.example", null)]             // the '+' is literal, not a regex
    [InlineData("", null)]
    [InlineData(null, null)]
    public void A_plus_address_gives_its_token(string? address, string? token) => Assert.Equal(token, Pattern.TokenOf(address));

    [Fact]
    public void The_pattern_is_the_callers_delimiter_token_alphabet_and_all()
    {
        var p = new ReplyAddressPattern("reponse-{token}@lorval.fr", tokenCharacters: "[0-9A-HJ-NP-Z]", minLength: 6, maxLength: 6);
        Assert.Equal("8F3K2Q", p.TokenOf("reponse-8F3K2Q@lorval.fr"));
        Assert.Null(p.TokenOf("reponse-8F3K2QX@lorval.fr"));
        Assert.Equal("reponse-8F3K2Q@lorval.fr", p.AddressFor("8F3K2Q"));
        Assert.Throws<ArgumentException>(() => new ReplyAddressPattern("demandes@mairie.example"));
    }

    [Fact]
    public void Referenced_ids_put_in_reply_to_first_then_references_from_the_newest()
    {
        var ids = MailThreading.ReferencedIds(["c@x"], ["a@x", "b@x", "c@x"]);
        Assert.Equal(["c@x", "b@x", "a@x"], ids);
        Assert.Empty(MailThreading.ReferencedIds([], []));
    }

    [Fact]
    public void The_token_is_found_in_cc_or_delivered_to_when_to_does_not_carry_it()
    {
        var viaCc = Samples.Parse("From: a@b.fr\nTo: accueil@mairie.example\nCc: Mairie <demandes+ZZ99YY88@mairie.example>\n\nx");
        Assert.Equal("ZZ99YY88", MailThreading.Extract(viaCc, Pattern).ReplyToken);
        var viaBcc = Samples.Parse("Delivered-To: demandes+QQ11WW22@mairie.example\nFrom: a@b.fr\nTo: undisclosed-recipients:;\n\nx");
        Assert.Equal("QQ11WW22", MailThreading.Extract(viaBcc, Pattern).ReplyToken);
        Assert.Equal(["demandes+QQ11WW22@mairie.example"], MailThreading.RecipientAddresses(viaBcc));
    }

    [Fact]
    public void A_message_with_neither_references_nor_token_gives_empty_keys()
    {
        var keys = MailThreading.Extract(Samples.Parse("From: a@b.fr\nTo: demandes@mairie.example\n\nx"), Pattern);
        Assert.Empty(keys.ReferencedIds);
        Assert.Null(keys.ReplyToken);
    }
}

public sealed class SubjectReferenceTests
{
    private static readonly System.Text.RegularExpressions.Regex Tag =
        new(@"\[Demande n°\s*(?<ref>\d{4}-\d{4})\]", System.Text.RegularExpressions.RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(100));

    [Theory]
    [InlineData("Re: [Demande n° 2026-0042] Votre demande", "2026-0042")]
    [InlineData("TR: RE: [demande N°2026-0042]", "2026-0042")]
    [InlineData("Re: Votre demande", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void A_reference_in_the_subject_is_found_with_the_callers_pattern(string? subject, string? reference) =>
        Assert.Equal(reference, MailThreading.FindSubjectReference(subject, Tag));
}
