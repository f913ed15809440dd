using System.Net;
using System.Text;

namespace Guichet.Domain.Messaging.Mime;

/// <summary>
/// HTML to readable text for messages that only carry HTML: tags stripped, script/style/head dropped, entities decoded
/// (<see cref="WebUtility.HtmlDecode"/>), line breaks kept for br, p, div, li, tr, headings and blockquote, spaces
/// collapsed as a browser would, &lt;pre&gt; kept as is, &lt;blockquote&gt; written as "&gt; " lines (so that
/// <see cref="ReplyText"/> can drop it). A single linear pass; unbalanced markup never throws.
/// </summary>
public static class HtmlText
{
    private static readonly HashSet<string> BlockTags =
        ["p", "div", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "article",
         "header", "footer", "dl", "dt", "dd", "hr", "address", "form", "fieldset", "center", "title"];

    private static readonly HashSet<string> Dropped = ["script", "style", "head", "template", "noscript", "xml"];

    private const char PreMark = '\u0001';
    private const char QuoteOpen = '\u0002';    // <blockquote>: the lines inside become "> " lines, as a mail client quotes
    private const char QuoteClose = '\u0003';

    public static string ToText(string html)
    {
        if (html.AsSpan().IndexOfAny(PreMark, QuoteOpen, QuoteClose) >= 0)
            html = html.Replace(PreMark.ToString(), "").Replace(QuoteOpen.ToString(), "").Replace(QuoteClose.ToString(), "");
        var sb = new StringBuilder(html.Length);
        var text = new StringBuilder();
        int i = 0, pre = 0;

        void FlushText()
        {
            if (text.Length == 0) return;
            var decoded = WebUtility.HtmlDecode(text.ToString());
            text.Clear();
            // Lines inside <pre> are marked so the final trim keeps their indentation.
            if (pre > 0) { sb.Append(decoded.Replace("\r\n", "\n").Replace("\n", "\n" + PreMark)); return; }
            foreach (var ch in decoded)
            {
                var c = ch == '\u00A0' ? ' ' : ch;
                if (char.IsWhiteSpace(ch) && ch != '\u00A0')
                {
                    if (sb.Length > 0 && sb[^1] != ' ' && sb[^1] != '\n') sb.Append(' ');
                }
                else sb.Append(c);
            }
        }

        void Break(int count)
        {
            while (sb.Length > 0 && sb[^1] == ' ') sb.Length--;
            int have = 0;
            for (int k = sb.Length - 1; k >= 0 && sb[k] == '\n'; k--) have++;
            if (sb.Length == 0) return;
            for (; have < count; have++) sb.Append('\n');
        }

        while (i < html.Length)
        {
            var c = html[i];
            if (c != '<') { text.Append(c); i++; continue; }
            if (html.AsSpan(i).StartsWith("<!--"))
            {
                var endComment = html.IndexOf("-->", i + 4, StringComparison.Ordinal);
                i = endComment < 0 ? html.Length : endComment + 3;
                continue;
            }
            var close = html.IndexOf('>', i + 1);
            if (close < 0) { text.Append(html, i, html.Length - i); break; }
            var tag = html.AsSpan(i + 1, close - i - 1);
            var closing = tag.StartsWith("/");
            if (closing) tag = tag[1..];
            int n = 0;
            while (n < tag.Length && (char.IsAsciiLetterOrDigit(tag[n]) || tag[n] == '!')) n++;
            if (n == 0 && !closing) { text.Append(c); i++; continue; }   // "a < b": not a tag
            var name = tag[..n].ToString().ToLowerInvariant();
            FlushText();
            i = close + 1;
            if (!closing && Dropped.Contains(name))
            {
                var endTag = html.IndexOf("</" + name, i, StringComparison.OrdinalIgnoreCase);
                i = endTag < 0 ? html.Length : Math.Max(html.IndexOf('>', endTag) + 1, endTag + 1);
                if (i == 0) i = html.Length;
                continue;
            }
            if (name == "br") { while (sb.Length > 0 && sb[^1] == ' ') sb.Length--; sb.Append('\n'); continue; }
            if (name == "pre") { Break(1); pre = Math.Max(0, pre + (closing ? -1 : 1)); if (pre > 0) sb.Append(PreMark); continue; }
            if (name is "td" or "th" && !closing && sb.Length > 0 && sb[^1] != '\n') { sb.Append('\t'); continue; }
            if (name == "li" && !closing) { Break(1); sb.Append("- "); continue; }
            if (BlockTags.Contains(name)) Break(name is "p" or "h1" or "h2" or "h3" or "blockquote" or "table" ? 2 : 1);
            if (name == "blockquote") sb.Append(closing ? QuoteClose : QuoteOpen);
        }
        FlushText();

        // Trim every line and keep at most one empty line in a row.
        var lines = sb.ToString().Split('\n');
        var result = new StringBuilder(sb.Length);
        int blank = 0, quote = 0;
        foreach (var piece in lines)
        {
            var raw = piece;
            if (raw.AsSpan().IndexOfAny(QuoteOpen, QuoteClose) >= 0)
            {
                // Markers before the text set this line's depth; those after it apply to the next lines.
                int k = 0;
                while (k < raw.Length && (raw[k] is QuoteOpen or QuoteClose || raw[k] == ' ')) { if (raw[k] == QuoteOpen) quote++; else if (raw[k] == QuoteClose) quote = Math.Max(0, quote - 1); k++; }
                var lineDepth = quote;
                foreach (var ch in raw.AsSpan(k)) { if (ch == QuoteOpen) quote++; else if (ch == QuoteClose) quote = Math.Max(0, quote - 1); }
                raw = raw.Replace(QuoteOpen.ToString(), "").Replace(QuoteClose.ToString(), "");
                var t = raw.Trim(' ', '\t');
                if (t.Length > 0 && lineDepth > 0) raw = new string('>', lineDepth) + " " + t;
            }
            else if (quote > 0 && raw.Trim(' ', '\t').Length > 0) raw = new string('>', quote) + " " + raw.Trim(' ', '\t');
            var line = raw.StartsWith(PreMark) ? raw.TrimStart(PreMark).TrimEnd() : raw.Trim(' ', '\t').Replace(PreMark.ToString(), "");
            if (line.Length == 0) { if (result.Length > 0 && ++blank == 1) result.Append('\n'); continue; }
            blank = 0;
            result.Append(line).Append('\n');
        }
        return result.ToString().Trim('\n');
    }
}
