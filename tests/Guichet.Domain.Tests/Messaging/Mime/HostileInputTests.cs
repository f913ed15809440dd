using System.Text;
using Guichet.Domain.Messaging.Mime;

namespace Guichet.Domain.Tests.Messaging.Mime;

/// <summary>Input written to hurt: it must parse (or be refused with <see cref="MimeFormatException"/>) in bounded work.</summary>
public sealed class HostileInputTests
{
    [Theory]
    [InlineData("")]
    [InlineData("\r\n\r\n\n")]
    [InlineData("Bonjour, ceci n'est pas un e-mail")]
    [InlineData("<html><body>une page</body></html>")]
    [InlineData("\r\nBody after a blank line and no header")]
    [InlineData(" leading continuation: no field")]
    [InlineData(": no name")]
    public void Input_that_cannot_be_a_message_is_refused_with_a_format_exception(string text) =>
        Assert.Throws<MimeFormatException>(() => MimeMessage.Parse(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Random_bytes_are_refused_or_parsed_never_anything_else()
    {
        var random = new Random(20261130);
        for (int i = 0; i < 300; i++)
        {
            var bytes = new byte[random.Next(64, 3000)];
            random.NextBytes(bytes);
            if (i % 3 == 0) "From: a@b\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"u8.CopyTo(bytes);
            try { var m = MimeMessage.Parse(bytes); _ = (m.TextBody, m.Attachments, m.From, m.Date, m.Subject, InboundClassifier.Classify(m)); }
            catch (MimeFormatException) { }
        }
    }

    [Fact]
    public void Nul_bytes_and_invalid_utf8_are_read_without_exception()
    {
        byte[] bytes = [.. Encoding.ASCII.GetBytes("From: a@b.fr\r\nSubject: a\0b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nd\0"), 0xFF, 0xC3, .. "but\r\n"u8];
        var m = MimeMessage.Parse(bytes);
        Assert.Equal("ab", m.Subject);
        Assert.Equal("d\uFFFD\uFFFDbut\n", m.TextBody);
    }

    [Fact]
    public void A_huge_header_is_cut_at_the_limit_and_the_message_still_reads()
    {
        var huge = "X-Junk: " + string.Concat(Enumerable.Repeat("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n ", 150_000));   // ≈ 11 MB folded
        var m = MimeMessage.Parse(Encoding.UTF8.GetBytes($"From: a@b.fr\r\n{huge}\r\nSubject: après\r\n\r\ncorps\r\n"));
        Assert.Equal("après", m.Subject);
        Assert.InRange(m.Headers["X-Junk"]!.Length, MimeLimits.Default.MaxHeaderLength - 1, MimeLimits.Default.MaxHeaderLength);   // less the leading space
        Assert.Contains("header field longer than the limit: cut", m.Problems);
        Assert.Equal("corps\n", m.TextBody);
    }

    [Fact]
    public void Too_many_header_fields_are_skipped_past_the_limit()
    {
        var sb = new StringBuilder("From: a@b.fr\r\n");
        for (int i = 0; i < 50_000; i++) sb.Append("X-H").Append(i).Append(": v\r\n");
        sb.Append("\r\ncorps");
        var m = MimeMessage.Parse(Encoding.ASCII.GetBytes(sb.ToString()));
        Assert.Equal(MimeLimits.Default.MaxHeaders, m.Headers.Count);
        Assert.Equal("corps", m.TextBody);
    }

    [Fact]
    public void Endless_nesting_stops_at_the_depth_limit()
    {
        // 10 000 multiparts inside each other, each with its own boundary, and a text at the bottom.
        const int depth = 10_000;
        var sb = new StringBuilder("From: a@b.fr\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n");
        for (int i = 1; i < depth; i++) sb.Append("--b").Append(i - 1).Append("\r\nContent-Type: multipart/mixed; boundary=b").Append(i).Append("\r\n\r\n");
        sb.Append("--b").Append(depth - 1).Append("\r\n\r\ntout au fond\r\n");
        var m = MimeMessage.Parse(Encoding.ASCII.GetBytes(sb.ToString()));
        Assert.Contains("multipart nesting deeper than the limit: kept as one opaque part", m.Problems);
        Assert.True(m.Body.Descendants().Max(e => e.Depth) <= MimeLimits.Default.MaxDepth);
    }

    [Fact]
    public void The_same_boundary_nested_endlessly_is_bounded_too()
    {
        var sb = new StringBuilder("From: a@b.fr\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n");
        for (int i = 0; i < 20_000; i++) sb.Append("--b\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n");
        var m = MimeMessage.Parse(Encoding.ASCII.GetBytes(sb.ToString()));
        Assert.True(m.Body.Descendants().Count() <= MimeLimits.Default.MaxParts + 1);
        Assert.Contains("more parts than the limit: the rest dropped", m.Problems);
    }

    [Fact]
    public void Embedded_messages_nested_endlessly_stop_at_the_depth_limit()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 5_000; i++) sb.Append("From: a@b.fr\r\nContent-Type: message/rfc822\r\n\r\n");
        sb.Append("From: a@b.fr\r\n\r\nfin\r\n");
        var m = MimeMessage.Parse(Encoding.ASCII.GetBytes(sb.ToString()));
        Assert.Contains("embedded messages nested deeper than the limit: kept as bytes", m.Problems);
    }

    [Fact]
    public void A_multipart_with_a_hundred_thousand_empty_parts_keeps_only_the_allowed_number()
    {
        var sb = new StringBuilder("From: a@b.fr\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n");
        for (int i = 0; i < 100_000; i++) sb.Append("--p\r\n\r\n");
        var m = MimeMessage.Parse(Encoding.ASCII.GetBytes(sb.ToString()));
        Assert.Equal(MimeLimits.Default.MaxParts, m.Body.Parts.Count);
    }

    [Fact]
    public void A_twenty_megabyte_attachment_decodes_to_its_exact_bytes()
    {
        var data = new byte[20 * 1024 * 1024];
        new Random(42).NextBytes(data);
        var b64 = Convert.ToBase64String(data, Base64FormattingOptions.InsertLineBreaks);
        var m = MimeMessage.Parse(Encoding.ASCII.GetBytes(
            $"From: a@b.fr\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\nci-joint\r\n--z\r\nContent-Type: application/pdf; name=gros.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64}\r\n--z--\r\n"));
        var a = Assert.Single(m.Attachments);
        Assert.Equal(data.Length, a.Size);
        Assert.True(data.AsSpan().SequenceEqual(a.Content));   // not Assert.Equal: it compares 20 MB item by item
        Assert.Equal("ci-joint", m.TextBody);
    }

    [Fact]
    public void A_long_body_of_many_lines_is_read_in_one_pass()
    {
        var sb = new StringBuilder("From: a@b.fr\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
        for (int i = 0; i < 200_000; i++) sb.Append("ligne =C3=A9 num=C3=A9ro ").Append(i).Append("=\r\n suite\r\n");
        var m = MimeMessage.Parse(Encoding.ASCII.GetBytes(sb.ToString()));
        Assert.StartsWith("ligne é numéro 0 suite\nligne é numéro 1 suite\n", m.TextBody);
        Assert.Equal(200_000, m.TextBody!.Count(c => c == '\n'));
    }

    [Fact]
    public void Pathological_encoded_words_and_addresses_are_linear()
    {
        var words = string.Concat(Enumerable.Repeat("=?a?q?x", 9_000));
        Assert.Equal(words, EncodedWords.Decode(words));
        var many = string.Join(", ", Enumerable.Range(0, 5_000).Select(i => $"\"N{i}\" <a{i}@x.fr>"));
        Assert.Equal(5_000, AddressList.Parse(many).Count);
        var parens = new string('(', 50_000);
        Assert.Empty(AddressList.Parse(parens));
        Assert.Null(MailDate.Parse(parens));
        Assert.True(MessageIds.Parse(new string('<', 50_000)).Count <= 1);
    }

    [Fact]
    public void Html_with_unclosed_tags_and_a_huge_script_does_not_throw()
    {
        var html = "<p>a" + new string('<', 10_000) + "<script>" + new string('x', 1_000_000) + "<p>b";
        var text = HtmlText.ToText(html);
        Assert.StartsWith("a", text);
        Assert.Equal("", HtmlText.ToText("<script>"));
    }

    [Fact]
    public void Reply_extraction_of_long_odd_lines_does_not_throw()
    {
        var text = "Le " + new string(' ', 100_000) + " a écrit :\n" + string.Concat(Enumerable.Repeat("De : x\n", 10_000));
        _ = ReplyText.Extract(text);
        _ = ReplyText.Extract(string.Concat(Enumerable.Repeat("Le a a écrit a écrit ", 40)) + "\n> x");
    }
}
