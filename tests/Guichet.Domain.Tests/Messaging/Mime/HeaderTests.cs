using Guichet.Domain.Messaging.Mime;

namespace Guichet.Domain.Tests.Messaging.Mime;

public sealed class HeaderTests
{
    [Theory]
    [InlineData("=?utf-8?Q?Caf=C3=A9?=", "Café")]
    [InlineData("=?UTF-8?B?Q2Fmw6k=?=", "Café")]
    [InlineData("=?iso-8859-1?q?caf=E9?=", "café")]                                   // lower-case q and hex
    [InlineData("=?utf-8?Q?a?= =?utf-8?Q?b?=", "ab")]                                  // whitespace between words dropped
    [InlineData("=?utf-8?Q?a?=\t  =?utf-8?Q?b?=", "ab")]
    [InlineData("=?utf-8?Q?a_b?=", "a b")]                                             // '_' is a space in Q
    [InlineData("Re: =?utf-8?Q?r=C3=A9ponse?= urgente", "Re: réponse urgente")]        // spaces around text kept
    [InlineData("=?utf-8?B?w6k=?==?utf-8?B?w6g=?=", "éè")]                             // glued words
    [InlineData("=?utf-8?B?4oI=?= =?utf-8?B?rA==?=", "€")]                              // a UTF-8 character split over two words
    [InlineData("=?iso-8859-1?Q?=E9?= =?utf-8?Q?=C3=A8?=", "éè")]                      // different charsets, still adjacent
    [InlineData("=?utf-8*fr?Q?=C3=A9t=C3=A9?=", "été")]                                // RFC 2231 language in the charset
    [InlineData("=?koi8-r?B?8NLJ18XU?=", "Привет")]                                    // any charset .NET knows
    [InlineData("=?windows-1252?Q?=80_et_=93guillemets=94?=", "€ et “guillemets”")]
    [InlineData("=?utf-8?X?abc?=", "=?utf-8?X?abc?=")]                                  // unknown encoding: left as text
    [InlineData("=?utf-8?Q?pas fini", "=?utf-8?Q?pas fini")]                           // never closed
    [InlineData("=?utf-8?Q?avec espace?=", "=?utf-8?Q?avec espace?=")]                 // spaces are not allowed inside
    [InlineData("2 + 2 =? 4", "2 + 2 =? 4")]
    [InlineData("=?x-inconnu?Q?caf=C3=A9?=", "café")]                                  // unknown charset: valid UTF-8 is UTF-8
    [InlineData("=?x-inconnu?Q?caf=E9?=", "café")]                                     // …otherwise windows-1252
    [InlineData("=?utf-8?B?Q2Fm w6k=?=", "=?utf-8?B?Q2Fm w6k=?=")]
    [InlineData("=?utf-8?B?Q2Fmw6k?=", "Café")]                                        // missing padding tolerated
    public void Encoded_words_decode_as_mail_clients_decode_them(string raw, string expected) =>
        Assert.Equal(expected, EncodedWords.Decode(raw));

    [Fact]
    public void Folded_headers_are_unfolded_and_duplicates_kept_in_order_with_case_insensitive_look_up()
    {
        var m = Samples.Parse("Received: from a\n\tby b\nreceived: from c\nSUBJECT: une demande\n  sur deux lignes\nFrom: x@y.fr\n\ncorps\n");
        Assert.Equal(["from a\tby b", "from c"], m.Headers.All("Received"));
        Assert.Equal("une demande  sur deux lignes", m.Subject);
        Assert.Equal("from a\tby b", m.Headers["RECEIVED"]);
        Assert.Equal(4, m.Headers.Count);
        Assert.Equal("SUBJECT", m.Headers[2].Name);
        Assert.Equal("corps\n", m.TextBody);
    }

    [Fact]
    public void Obsolete_space_before_the_colon_and_a_mbox_from_line_are_accepted()
    {
        var m = Samples.Parse("From jean@x.fr Mon Nov 30 08:00:00 2026\nSubject : bonjour\nFrom: jean@x.fr\n\ntexte");
        Assert.Equal("bonjour", m.Subject);
        Assert.Equal("jean@x.fr", m.From[0].Address);
    }

    [Fact]
    public void Raw_utf8_and_raw_latin1_header_values_are_both_read()
    {
        Assert.Equal("Réservation", Samples.Parse("Subject: Réservation\nFrom: a@b.fr\n\nx").Subject);
        Assert.Equal("Réservation", Samples.ParseLatin1("Subject: R\u00e9servation\nFrom: a@b.fr\n\nx").Subject);
    }

    [Fact]
    public void Headers_that_end_without_a_blank_line_leave_the_rest_as_body()
    {
        var m = Samples.Parse("From: a@b.fr\nSubject: sans ligne vide\nBonjour, ceci est le corps.\n");
        Assert.Equal("sans ligne vide", m.Subject);
        Assert.Equal("Bonjour, ceci est le corps.\n", m.TextBody);
    }

    public static TheoryData<string, string[]> AddressCases() => new()
    {
        { "jean@x.fr", ["|jean@x.fr|"] },
        { "Jean Dupont <jean@x.fr>", ["Jean Dupont|jean@x.fr|"] },
        { "\"Dupont, Jean\" <jean@x.fr>, marie@y.fr", ["Dupont, Jean|jean@x.fr|", "|marie@y.fr|"] },
        { "\"Jean \\\"JD\\\" Dupont\" <jean@x.fr>", ["Jean \"JD\" Dupont|jean@x.fr|"] },
        { "=?utf-8?Q?Fran=C3=A7ois?= =?utf-8?Q?_Dupr=C3=A9?= <f@x.fr>", ["François Dupré|f@x.fr|"] },
        { "\"=?iso-8859-1?Q?H=E9l=E8ne?=\" <h@x.fr>", ["Hélène|h@x.fr|"] },            // encoded word inside quotes (Outlook)
        { "jean@x.fr (Jean Dupont)", ["Jean Dupont|jean@x.fr|"] },
        { "Jean (mairie) <jean@x.fr>", ["Jean|jean@x.fr|"] },
        { "<jean@x.fr>", ["|jean@x.fr|"] },
        { "Équipe accueil: a@x.fr, B <b@x.fr>;, c@x.fr", ["|a@x.fr|Équipe accueil", "B|b@x.fr|Équipe accueil", "|c@x.fr|"] },
        { "undisclosed-recipients:;", [] },
        { "<@relais.fr:jean@x.fr>", ["|jean@x.fr|"] },                                 // obsolete route dropped
        { "Jean Dupont", [] },                                                        // a name alone is no address... 
        { "jean@x.fr,,, ,marie@y.fr", ["|jean@x.fr|", "|marie@y.fr|"] },
        { "\"pas fermé <a@x.fr>", [] },
        { "Jean <jean@x.fr", ["Jean|jean@x.fr|"] },                                   // unclosed angle
        { "MAILER-DAEMON", ["|MAILER-DAEMON|"] },
        { "'Jean Dupont' <jean@x.fr>", ["Jean Dupont|jean@x.fr|"] },                  // Outlook's single quotes
        { "<mailto:jean@x.fr>", ["|jean@x.fr|"] },
        { "jean . dupont @ x.fr", ["|jean.dupont@x.fr|"] },
        { "", [] },
    };

    [Theory]
    [MemberData(nameof(AddressCases))]
    public void Address_lists_give_mailboxes_with_display_names_and_groups(string raw, string[] expected) =>
        Assert.Equal(expected, AddressList.Parse(raw).Select(a => $"{a.DisplayName}|{a.Address}|{a.Group}"));

    [Fact]
    public void A_mailbox_splits_into_local_part_and_domain()
    {
        var a = AddressList.Parse("demandes+8F3K2Q@Mairie.Example")[0];
        Assert.Equal("demandes+8F3K2Q", a.LocalPart);
        Assert.Equal("Mairie.Example", a.Domain);
    }

    [Theory]
    [InlineData("<a@b>", new[] { "a@b" })]
    [InlineData("  <a@b>  <c@d>\t<a@b>", new[] { "a@b", "c@d" })]
    [InlineData("<a@b>,<c@d>", new[] { "a@b", "c@d" })]
    [InlineData("<a@b> (commentaire <x@y>)", new[] { "a@b" })]
    [InlineData("Your message of Mon, 30 Nov 2026 <a@b>", new[] { "a@b" })]        // obsolete phrase in In-Reply-To
    [InlineData("a@b", new[] { "a@b" })]                                           // brackets forgotten
    [InlineData("<a @b>", new[] { "a@b" })]
    [InlineData("<a@b", new[] { "a@b" })]
    [InlineData("", new string[0])]
    [InlineData("pas un identifiant", new string[0])]
    public void Message_ids_are_listed_without_brackets(string raw, string[] expected) =>
        Assert.Equal(expected, MessageIds.Parse(raw));

    [Theory]
    [InlineData("Mon, 30 Nov 2026 08:15:00 +0100", "2026-11-30T08:15:00+01:00")]
    [InlineData("30 Nov 2026 08:15:00 +0100", "2026-11-30T08:15:00+01:00")]           // no day name
    [InlineData("Mon, 30 Nov 2026 08:15 +0100", "2026-11-30T08:15:00+01:00")]         // no seconds
    [InlineData("Mon,30 Nov 2026 08:15:00 -0500", "2026-11-30T08:15:00-05:00")]
    [InlineData("Monday, 30 NOV 2026 08:15:00 GMT", "2026-11-30T08:15:00+00:00")]
    [InlineData("Mon, 30 Nov 26 08:15:00 EST", "2026-11-30T08:15:00-05:00")]           // two-digit year, zone name
    [InlineData("Mon, 30 Nov 99 08:15:00 PDT", "1999-11-30T08:15:00-07:00")]
    [InlineData("Mon, 30 Nov 126 08:15:00 +0000", "2026-11-30T08:15:00+00:00")]        // three-digit year: + 1900
    [InlineData("Mon, 30 Nov 2026 08:15:00", "2026-11-30T08:15:00+00:00")]             // no zone: UTC
    [InlineData("Mon, 30 Nov 2026 08:15:00 Z", "2026-11-30T08:15:00+00:00")]
    [InlineData("Mon, 30 Nov 2026 08:15:00 A", "2026-11-30T08:15:00+00:00")]           // military letter: UTC
    [InlineData("Mon, 30 Nov 2026 08:15:00 +0100 (CET)", "2026-11-30T08:15:00+01:00")]
    [InlineData("Mon, 30 Nov 2026 08:15:00 CET", "2026-11-30T08:15:00+01:00")]
    [InlineData("Mon,  30   Nov   2026   08:15:00   +0100", "2026-11-30T08:15:00+01:00")]
    [InlineData("Wed, 31 Dec 2026 23:59:60 +0000", "2026-12-31T23:59:59+00:00")]       // leap second kept as :59
    [InlineData("Mon Nov 30 08:15:00 2026", "2026-11-30T08:15:00+00:00")]              // asctime
    [InlineData("2026-11-30T08:15:00+01:00", "2026-11-30T08:15:00+01:00")]             // ISO 8601 from scripts
    [InlineData("Tue, 1 Dec 2026 18:42:11 +0100", "2026-12-01T18:42:11+01:00")]
    [InlineData("mer., 30 déc. 2026 10:00:00 +0100", "2026-12-30T10:00:00+01:00")]   // French abbreviations
    [InlineData("3 juin 2026 10:00 +0200", "2026-06-03T10:00:00+02:00")]
    [InlineData("mar., 1 déc. 2026 10:00:00 +0100", "2026-12-01T10:00:00+01:00")]    // mardi, not March
    [InlineData("3 juil. 2026 10:00 +0200", "2026-07-03T10:00:00+02:00")]
    [InlineData("3 févr. 2026 10:00 +0100", "2026-02-03T10:00:00+01:00")]
    public void Dates_in_current_and_obsolete_forms_are_read(string raw, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), MailDate.Parse(raw));

    [Theory]
    [InlineData("")]
    [InlineData("demain")]
    [InlineData("Mon, 31 Nov 2026 08:15:00 +0100")]     // no 31 November
    [InlineData("Mon, 30 Foo 2026 08:15:00 +0100")]
    [InlineData("Mon, 30 Nov 2026 25:15:00 +0100")]
    [InlineData("Mon, 30 Nov 2026 08:61:00 +0100")]
    [InlineData("Mon, 30 Nov 2026 08:15:00 +9999")]
    [InlineData("Mon, 30 Nov 2026 08:15:00 +01")]
    [InlineData("Mon, 30 Nov 99999 08:15:00 +0100")]
    [InlineData("Mon, 30 Nov 2026 08-15-00 +0100")]
    [InlineData("30 Nov 2026")]
    [InlineData("Mon, 29 Feb 2027 08:15:00 +0100")]
    public void A_bad_date_is_null_never_an_exception(string raw) => Assert.Null(MailDate.Parse(raw));

    [Fact]
    public void A_message_with_a_bad_date_still_parses()
    {
        var m = Samples.Parse("From: a@b.fr\nDate: le 30 novembre\n\nx");
        Assert.Null(m.Date);
    }

    public static TheoryData<string, string, string?> ParameterCases() => new()
    {
        { "text/plain; charset=utf-8", "charset", "utf-8" },
        { "text/plain; charset=\"UTF-8\"", "charset", "UTF-8" },
        { "Text/Plain ; CHARSET = iso-8859-1 ", "charset", "iso-8859-1" },
        { "attachment; filename=\"Facture; mars.pdf\"", "filename", "Facture; mars.pdf" },
        { "attachment; filename*=utf-8''%C3%A9tat%20civil.pdf", "filename", "état civil.pdf" },
        { "attachment; filename*=iso-8859-1'fr'%E9t%E9.pdf", "filename", "été.pdf" },
        { "attachment; filename*0=\"tr\"; filename*1=\"es long\"; filename*2=\".pdf\"", "filename", "tres long.pdf" },
        { "attachment; filename*0*=utf-8''%C3%A9; filename*1*=%C3%A8; filename*2=\".txt\"", "filename", "éè.txt" },
        { "attachment; filename*1=\"b.pdf\"; filename*0=\"a\"", "filename", "ab.pdf" },   // sections out of order
        { "attachment; filename*0=\"a\"; filename*2=\"c\"", "filename", "a" },             // a gap ends the value
        { "attachment; filename=\"old.pdf\"; filename*=utf-8''new.pdf", "filename", "new.pdf" },
        { "attachment; filename*=utf-8''new.pdf; filename=\"old.pdf\"", "filename", "new.pdf" },
        { "attachment; filename=\"=?iso-8859-1?Q?re=E7u.pdf?=\"", "filename", "reçu.pdf" },     // RFC 2047 in quotes (Outlook)
        { "attachment; filename=\"C:\\Users\\jean\\scan.pdf\"", "filename", "C:\\Users\\jean\\scan.pdf" },   // a path keeps its backslashes
        { "attachment; filename=\"C:\\dossier\\\"", "filename", "C:\\dossier\\" },
        { "text/plain; charset=utf-8 (commentaire)", "charset", "utf-8" },
        { "attachment; filename=\"a\\\"b.pdf\"", "filename", "a\"b.pdf" },
        { "multipart/mixed; boundary=\"----=_Part_1_2.3\"", "boundary", "----=_Part_1_2.3" },
        { "multipart/mixed; boundary=simple; charset", "boundary", "simple" },
        { "text/plain; charset=\"pas fermé", "charset", "pas fermé" },
        { "text/plain", "charset", null },
        { "attachment; filename*=utf-8''%ZZ.pdf", "filename", "%ZZ.pdf" },
    };

    [Theory]
    [MemberData(nameof(ParameterCases))]
    public void Parameters_read_quotes_rfc_2231_sections_and_charsets(string header, string name, string? expected) =>
        Assert.Equal(expected, HeaderParameters.Parse(header)[name]);

    [Fact]
    public void The_header_value_is_the_lower_cased_token_before_the_parameters() =>
        Assert.Equal("text/plain", HeaderParameters.Parse("Text/Plain ; CHARSET = iso-8859-1 ").Value);
}
