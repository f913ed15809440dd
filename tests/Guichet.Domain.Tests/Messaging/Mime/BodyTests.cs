using System.Text;
using Guichet.Domain.Messaging.Mime;

namespace Guichet.Domain.Tests.Messaging.Mime;

public sealed class BodyTests
{
    [Theory]
    [InlineData("Q2Fmw6k=", "Café")]
    [InlineData("Q2Fm\r\nw6k=", "Café")]                 // line break inside a quantum
    [InlineData("  Q2 Fm\tw6k=  \r\n", "Café")]          // stray whitespace
    [InlineData("Q2Fmw6k", "Café")]                      // missing padding
    [InlineData("Q2Fmw6k=\r\n\r\n", "Café")]
    [InlineData("Q2Fm*w6k=!", "Café")]                    // characters outside the alphabet skipped
    [InlineData("", "")]
    [InlineData("QQ==QkI=", "ABB")]                      // two blobs pasted together
    [InlineData("_-8=", "ÿï")]                                           // URL-safe alphabet
    public void Base64_is_decoded_tolerantly(string encoded, string expected) =>
        Assert.Equal(expected, Charsets.Guess(TransferEncodings.Base64(Encoding.ASCII.GetBytes(encoded))));

    [Fact]
    public void Base64_with_76_character_lines_round_trips_every_byte()
    {
        var bytes = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        var text = Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks);
        Assert.Equal(bytes, TransferEncodings.Base64(Encoding.ASCII.GetBytes(text)));
        // Bad line lengths (Outlook for Mac wraps at 73, some scripts never wrap) do not matter.
        var odd = string.Join("\n", Convert.ToBase64String(bytes).Chunk(73).Select(c => new string(c)));
        Assert.Equal(bytes, TransferEncodings.Base64(Encoding.ASCII.GetBytes(odd)));
    }

    [Theory]
    [InlineData("caf=C3=A9", "café")]
    [InlineData("caf=c3=a9", "café")]                                 // lower-case hex
    [InlineData("une longue li=\r\ngne", "une longue ligne")]         // soft line break
    [InlineData("une longue li=\ngne", "une longue ligne")]           // soft line break with a bare LF
    [InlineData("fin=  \r\nsuite", "finsuite")]                       // soft break followed by padding spaces
    [InlineData("a = b", "a = b")]                                    // invalid: kept literally
    [InlineData("100=%", "100=%")]
    [InlineData("=G1", "=G1")]
    [InlineData("fin=", "fin")]                                       // soft break at the very end
    [InlineData("ligne   \r\nsuivante", "ligne\r\nsuivante")]          // trailing spaces are transport padding
    [InlineData("garde=20\r\nsuite", "garde \r\nsuite")]              // …but an encoded space is kept
    [InlineData("2+2=3D4", "2+2=4")]
    [InlineData("a_b", "a_b")]                                        // '_' is only a space in headers
    public void Quoted_printable_is_decoded_tolerantly(string encoded, string expected) =>
        Assert.Equal(expected, Encoding.UTF8.GetString(TransferEncodings.QuotedPrintable(Encoding.ASCII.GetBytes(encoded))));

    [Theory]
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xC3, 0xA9 }, "utf-8", "café")]
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xE9 }, "iso-8859-1", "café")]
    [InlineData(new byte[] { 0x80, 0x92 }, "iso-8859-1", "€’")]                 // latin-1 label, windows-1252 bytes
    [InlineData(new byte[] { 0xA4, 0xBD }, "iso-8859-15", "€œ")]
    [InlineData(new byte[] { 0x80, 0x9C }, "windows-1252", "€œ")]
    [InlineData(new byte[] { 0x80 }, "cp1252", "€")]
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xC3, 0xA9 }, "us-ascii", "café")]  // mislabelled: UTF-8 when valid
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xE9 }, "us-ascii", "café")]        // …windows-1252 when not
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xE9 }, null, "café")]
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xC3, 0xA9 }, "x-mac-inexistant", "café")]
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xE9 }, "\"ISO-8859-1\"", "café")]
    [InlineData(new byte[] { 0x63, 0x00, 0x61, 0x00 }, "utf-16le", "ca")]
    [InlineData(new byte[] { 0x61, 0xFF, 0xFE, 0x62 }, "utf-8", "a\uFFFD\uFFFDb")]  // invalid UTF-8: replacement, no exception
    public void Charsets_decode_without_ever_throwing(byte[] bytes, string? charset, string expected) =>
        Assert.Equal(expected, Charsets.Decode(bytes, charset));

    [Fact]
    public void Text_and_html_alternatives_prefer_the_text()
    {
        var m = Samples.Parse("""
            From: a@b.fr
            Content-Type: multipart/alternative; boundary=b1

            --b1
            Content-Type: text/html; charset=utf-8

            <p>version <b>riche</b></p>
            --b1
            Content-Type: text/plain; charset=utf-8

            version texte
            --b1--
            """);
        Assert.Equal("version texte", m.TextBody);
        Assert.Equal("<p>version <b>riche</b></p>", m.HtmlBody);
    }

    [Fact]
    public void The_preamble_and_epilogue_are_ignored_and_the_delimiter_line_break_belongs_to_the_delimiter()
    {
        var m = Samples.Parse("From: a@b.fr\nContent-Type: multipart/mixed; boundary=\"=_x\"\n\npréambule\n--=_x\n\npartie un\n\n--=_x\nContent-Type: text/plain\n\npartie deux\n--=_x--\népilogue\n");
        Assert.Equal(2, m.Body.Parts.Count);
        Assert.Equal("partie un\n\npartie deux", m.TextBody);   // the blank line of part one is its own
        Assert.DoesNotContain("préambule", m.TextBody);
        Assert.DoesNotContain("épilogue", m.TextBody);
    }

    [Fact]
    public void A_missing_final_boundary_is_tolerated()
    {
        var m = Samples.Parse("From: a@b.fr\nContent-Type: multipart/mixed; boundary=zz\n\n--zz\nContent-Type: text/plain\n\nbonjour\n--zz\nContent-Type: application/pdf; name=a.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0x\n");
        Assert.Equal("bonjour", m.TextBody);
        var a = Assert.Single(m.Attachments);
        Assert.Equal("a.pdf", a.FileName);
        Assert.Equal("%PDF-1"u8.ToArray(), a.Content);
    }

    [Fact]
    public void A_multipart_whose_boundary_never_appears_is_read_as_text()
    {
        var m = Samples.Parse("From: a@b.fr\nContent-Type: multipart/mixed; boundary=jamais\n\nle texte est quand même là\n");
        Assert.Equal("le texte est quand même là\n", m.TextBody);
        Assert.Contains("multipart without a usable boundary: read as text", m.Problems);
        var noBoundary = Samples.Parse("From: a@b.fr\nContent-Type: multipart/mixed\n\ntexte\n");
        Assert.Equal("texte\n", noBoundary.TextBody);
    }

    [Fact]
    public void A_longer_boundary_that_starts_with_ours_is_not_ours()
    {
        var m = Samples.Parse("From: a@b.fr\nContent-Type: multipart/mixed; boundary=abc\n\n--abc\nContent-Type: multipart/alternative; boundary=abcdef\n\n--abcdef\nContent-Type: text/plain\n\nintérieur\n--abcdef--\n--abc\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw==\n--abc--\n");
        Assert.Equal(["multipart/alternative", "image/png"], m.Body.Parts.Select(p => p.MediaType));
        Assert.Equal("intérieur", m.TextBody);
        Assert.Equal("piece-jointe-1.png", m.Attachments[0].FileName);
    }

    [Fact]
    public void A_part_without_headers_is_text_plain_in_us_ascii_by_default()
    {
        var m = Samples.Parse("From: a@b.fr\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nsans en-têtes\n--b--\n");
        Assert.Equal("text/plain", m.Body.Parts[0].MediaType);
        Assert.Equal("sans en-têtes", m.TextBody);
    }

    [Fact]
    public void Several_inline_text_parts_of_a_mixed_are_joined_in_order()
    {
        // Apple Mail splits the text around an inline picture.
        var m = Samples.Parse("From: a@b.fr\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\navant la photo\n--b\nContent-Type: image/jpeg; name=photo.jpg\nContent-Disposition: inline; filename=photo.jpg\nContent-Transfer-Encoding: base64\n\n/9j/4A==\n--b\nContent-Type: text/plain\n\naprès la photo\n--b--\n");
        Assert.Equal("avant la photo\naprès la photo", m.TextBody);
        var photo = Assert.Single(m.Attachments);
        Assert.True(photo.IsInline);
        Assert.Equal("image/jpeg", photo.MediaType);
        Assert.Equal(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, photo.Content);
    }

    [Fact]
    public void A_related_html_with_embedded_images_gives_the_html_as_text_and_the_images_as_inline_attachments()
    {
        var m = Samples.Parse("From: a@b.fr\nContent-Type: multipart/related; boundary=r\n\n--r\nContent-Type: text/html; charset=utf-8\n\n<p>Voir le plan&nbsp;:</p><img src=\"cid:plan@x\">\n--r\nContent-Type: image/gif\nContent-ID: <plan@x>\nContent-Transfer-Encoding: base64\n\nR0lGODlh\n--r--\n");
        Assert.Equal("Voir le plan :", m.TextBody);
        var gif = Assert.Single(m.Attachments);
        Assert.True(gif.IsInline);
        Assert.Equal("plan@x", gif.ContentId);
        Assert.Equal("GIF89a"u8.ToArray(), gif.Content);
    }

    public static TheoryData<string, bool> AttachmentCases() => new()
    {
        { "Content-Type: text/plain", false },
        { "Content-Type: text/html", false },
        { "Content-Type: text/plain\nContent-Disposition: inline", false },
        { "Content-Type: text/plain\nContent-Disposition: attachment", true },
        { "Content-Type: text/plain; name=notes.txt", true },
        { "Content-Type: text/plain\nContent-Disposition: inline; filename=notes.txt", true },
        { "Content-Type: text/csv", true },
        { "Content-Type: text/calendar; method=REQUEST", true },
        { "Content-Type: application/octet-stream", true },
        { "Content-Type: image/png", true },
        { "Content-Type: message/rfc822", true },
    };

    [Theory]
    [MemberData(nameof(AttachmentCases))]
    public void A_leaf_is_an_attachment_when_its_disposition_its_name_or_its_type_says_so(string headers, bool attachment)
    {
        var m = Samples.Parse($"From: a@b.fr\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\ncorps\n--b\n{headers}\n\ncontenu\n--b--\n");
        Assert.Equal(attachment, m.Body.Parts[1].IsAttachment);
        Assert.Equal(attachment ? 1 : 0, m.Attachments.Count);
    }

    [Fact]
    public void Attachment_names_are_stripped_of_directories_and_control_characters()
    {
        var m = Samples.Parse("From: a@b.fr\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=\"../../etc/passwd\"\n\nx\n--b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename*=utf-8''a%0Ab%00.pdf\n\nx\n--b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=\"..\"\n\nx\n--b--\n");
        Assert.Equal(["passwd", "ab.pdf", "piece-jointe-3.pdf"], m.Attachments.Select(a => a.FileName));
        var windows = Samples.Parse("From: a@b.fr\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=\"C:\\Users\\jean\\scan<1>?.pdf\"\n\nx\n");
        Assert.Equal("scan1.pdf", windows.Attachments[0].FileName);
    }

    [Fact]
    public void A_digest_defaults_its_parts_to_embedded_messages()
    {
        var m = Samples.Parse("From: a@b.fr\nContent-Type: multipart/digest; boundary=d\n\n--d\n\nFrom: x@y.fr\nSubject: un\n\ncorps un\n--d--\n");
        Assert.Equal("message/rfc822", m.Body.Parts[0].MediaType);
        Assert.Equal("un", m.Body.Parts[0].Message?.Subject);
    }

    [Fact]
    public void An_embedded_message_in_base64_is_decoded_before_it_is_parsed()
    {
        var inner = Convert.ToBase64String(Encoding.UTF8.GetBytes("From: x@y.fr\r\nSubject: caché\r\n\r\ncontenu\r\n"));
        var m = Samples.Parse($"From: a@b.fr\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n{inner}\n--b--\n");
        Assert.Equal("caché", m.Attachments[0] is { } a && m.Body.Parts[0].Message is { } e ? e.Subject : null);
        Assert.Equal("contenu\n", m.Body.Parts[0].Message!.TextBody);
        Assert.Equal("piece-jointe-1.eml", m.Attachments[0].FileName);
    }

    [Fact]
    public void A_single_part_message_in_quoted_printable_latin1_is_decoded()
    {
        var m = Samples.Parse("From: a@b.fr\nContent-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: Quoted-Printable\n\nJ'habite =E0 c=F4t=E9 de la mairie.=\n Merci.\n");
        Assert.Equal("J'habite à côté de la mairie. Merci.\n", m.TextBody);
    }

    [Fact]
    public void A_message_without_content_type_is_text()
    {
        var m = Samples.Parse("From: a@b.fr\nSubject: simple\n\nBonjour\n");
        Assert.Equal("text/plain", m.Body.MediaType);
        Assert.Equal("Bonjour\n", m.TextBody);
        Assert.Empty(m.Attachments);
    }

    [Fact]
    public void A_message_with_only_an_attachment_has_no_text_body()
    {
        var m = Samples.Parse("From: a@b.fr\nContent-Type: application/pdf; name=scan.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0x\n");
        Assert.Null(m.TextBody);
        Assert.Equal("scan.pdf", Assert.Single(m.Attachments).FileName);
    }

    [Theory]
    [InlineData("<p>un</p><p>deux</p>", "un\n\ndeux")]
    [InlineData("un<br>deux<BR/>trois", "un\ndeux\ntrois")]
    [InlineData("<div>un</div><div>deux</div>", "un\ndeux")]
    [InlineData("a &amp; b &lt;c&gt; &eacute;t&eacute; &#233;&#xE9; &euro;", "a & b <c> été éé €")]
    [InlineData("<style>p { color: red }</style><script>alert(1)</script>visible", "visible")]
    [InlineData("<head><title>titre</title></head><body>corps</body>", "corps")]
    [InlineData("un    deux\n\n  trois", "un deux trois")]
    [InlineData("<pre>  garde\n    l'espace</pre>", "  garde\n    l'espace")]
    [InlineData("<ul><li>un</li><li>deux</li></ul>", "- un\n- deux")]
    [InlineData("<table><tr><td>Nom</td><td>Dupont</td></tr><tr><td>Ville</td><td>Lorval</td></tr></table>", "Nom\tDupont\nVille\tLorval")]
    [InlineData("2 < 3 et 5 > 4", "2 < 3 et 5 > 4")]
    [InlineData("<p>non fermé", "non fermé")]
    [InlineData("texte <b", "texte <b")]
    [InlineData("<!-- commentaire -->après", "après")]
    [InlineData("<p>a</p>\n\n\n<p></p><p></p><p>b</p>", "a\n\nb")]
    [InlineData("<a href=\"https://x.fr\">lien</a>", "lien")]
    [InlineData("Oui.<blockquote>Venez jeudi.<br>Cordialement</blockquote>Merci", "Oui.\n\n> Venez jeudi.\n> Cordialement\n\nMerci")]
    [InlineData("a<blockquote>b<blockquote>c</blockquote>d</blockquote>e", "a\n\n> b\n\n>> c\n\n> d\n\ne")]
    public void Html_becomes_text_with_its_line_breaks(string html, string expected) =>
        Assert.Equal(expected, HtmlText.ToText(html));
}

public sealed class BodyChoiceTests
{
    [Fact]
    public void An_empty_text_alternative_gives_way_to_the_html()
    {
        var m = Samples.Parse("From: a@b.fr\nContent-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\n\n--b\nContent-Type: text/html\n\n<p>Le vrai texte</p>\n--b--\n");
        Assert.Equal("Le vrai texte", m.TextBody);
    }

    [Fact]
    public void A_quoted_rfc_2231_section_is_decoded_too() =>
        Assert.Equal("été.pdf", HeaderParameters.Parse("attachment; filename*0*=\"utf-8''%C3%A9t\"; filename*1*=\"%C3%A9.pdf\"")["filename"]);

    [Fact]
    public void An_html_only_gmail_reply_keeps_only_the_new_text_once_converted()
    {
        var m = Samples.Parse("From: a@b.fr\nContent-Type: text/html; charset=utf-8\n\n<div dir=\"ltr\">Oui, jeudi.</div><br><div class=\"gmail_quote\"><div class=\"gmail_attr\">Le lun. 30 nov. 2026 à 08:15, Mairie &lt;<a href=\"mailto:x@m.fr\">x@m.fr</a>&gt; a écrit :<br></div><blockquote>Pouvez-vous venir ?</blockquote></div>\n");
        Assert.Equal("Oui, jeudi.", ReplyText.Extract(m.TextBody));
    }

    [Fact]
    public void An_html_only_reply_quoted_in_a_blockquote_without_attribution_keeps_only_the_new_text()
    {
        var m = Samples.Parse("From: a@b.fr\nContent-Type: text/html; charset=utf-8\n\n<div>D'accord pour jeudi.</div><blockquote type=\"cite\"><div>Pouvez-vous venir jeudi ?</div><div>La mairie</div></blockquote>\n");
        Assert.Equal("D'accord pour jeudi.", ReplyText.Extract(m.TextBody));
    }
}

public sealed class FlowedTextTests
{
    [Theory]
    [InlineData("Une phrase coupée \nen deux.\n", false, "Une phrase coupée en deux.\n")]
    [InlineData("Une phrase coup\u00e9e\u0020\nen deux.\n", true, "Une phrase coupéeen deux.\n")]       // DelSp: the space was added
    [InlineData("> cité \n> suite\nnouveau\n", false, "> cité suite\nnouveau\n")]
    [InlineData(" From here\n", false, "From here\n")]                                                   // space-stuffed
    [InlineData("Merci \n-- \nJean\n", false, "Merci \n-- \nJean\n")]                                   // the signature stays apart
    [InlineData("fin ouverte ", false, "fin ouverte ")]
    public void Flowed_lines_are_joined(string text, bool delSp, string expected) =>
        Assert.Equal(expected, MimeEntity.Unflow(text, delSp));

    [Fact]
    public void A_flowed_text_part_reads_as_paragraphs()
    {
        var m = Samples.Parse("From: a@b.fr\nContent-Type: text/plain; charset=utf-8; format=flowed\n\nJe souhaite prendre rendez-vous pour \nune carte d'identité.\n\n-- \nJean\n");
        Assert.Equal("Je souhaite prendre rendez-vous pour une carte d'identité.\n\n-- \nJean\n", m.TextBody);
    }
}
