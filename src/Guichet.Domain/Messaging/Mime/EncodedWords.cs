using System.Text;

namespace Guichet.Domain.Messaging.Mime;

/// <summary>
/// RFC 2047 encoded words (<c>=?charset?B|Q?text?=</c>) in unstructured header text and in display names. Decoding is
/// lenient the way mail clients are: words are also found inside quoted strings and glued to other text; whitespace
/// between two adjacent encoded words is dropped (the RFC says so); consecutive words in the same charset are joined
/// as bytes before decoding, so a UTF-8 character split across two words survives; a malformed word is left as text.
/// </summary>
public static class EncodedWords
{
    public static string Decode(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        if (!text.Contains("=?", StringComparison.Ordinal)) return text;
        var sb = new StringBuilder(text.Length);
        int pos = 0;
        string? pendingCharset = null;
        var pending = new List<byte>();
        int afterLastWord = -1;   // index just past the last encoded word, to drop whitespace between two words

        void Flush()
        {
            if (pending.Count == 0) return;
            sb.Append(Charsets.Decode(pending.ToArray(), pendingCharset));
            pending.Clear();
            pendingCharset = null;
        }

        while (pos < text.Length)
        {
            var start = text.IndexOf("=?", pos, StringComparison.Ordinal);
            if (start < 0) break;
            if (!TryReadWord(text, start, out var charset, out var bytes, out var end))
            {
                if (end < 0) break;   // no "?=" anywhere further: no later word can close either (keeps it linear)
                // Not a word: copy up to and including "=?" and look further.
                Flush();
                sb.Append(text, pos, start + 2 - pos);
                pos = start + 2;
                afterLastWord = -1;
                continue;
            }
            var between = text.AsSpan(pos, start - pos);
            var adjacent = afterLastWord == pos && between.IsWhiteSpace();
            if (!adjacent || !string.Equals(pendingCharset, charset, StringComparison.OrdinalIgnoreCase)) Flush();
            if (!adjacent) sb.Append(between);
            pendingCharset = charset;
            pending.AddRange(bytes);
            pos = end;
            afterLastWord = end;
        }
        Flush();
        if (pos < text.Length) sb.Append(text, pos, text.Length - pos);
        return sb.ToString();
    }

    /// <summary>Reads <c>=?charset?enc?text?=</c> at <paramref name="start"/>; the text holds no whitespace and no "?=".</summary>
    private static bool TryReadWord(string s, int start, out string charset, out byte[] bytes, out int end)
    {
        charset = ""; bytes = []; end = start;
        var q1 = s.IndexOf('?', start + 2);
        if (q1 < 0 || q1 == start + 2 || q1 + 2 >= s.Length || s[q1 + 2] != '?') return false;
        charset = s.Substring(start + 2, q1 - start - 2);
        if (charset.Length > 40 || charset.Any(c => c <= ' ' || c == '(' || c == ')' || c == '"' || c == '<' || c == '>')) return false;
        var enc = char.ToUpperInvariant(s[q1 + 1]);
        if (enc != 'B' && enc != 'Q') return false;
        var textStart = q1 + 3;
        var close = s.IndexOf("?=", textStart, StringComparison.Ordinal);
        if (close < 0) { end = -1; return false; }
        var payload = s.AsSpan(textStart, close - textStart);
        foreach (var c in payload) if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c > '~') return false;
        var raw = Encoding.ASCII.GetBytes(payload.ToString());
        bytes = enc == 'B' ? TransferEncodings.Base64(raw) : TransferEncodings.QuotedPrintable(raw, underscoreIsSpace: true);
        end = close + 2;
        return true;
    }
}
