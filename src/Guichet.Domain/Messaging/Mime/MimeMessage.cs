using System.Text;

namespace Guichet.Domain.Messaging.Mime;

/// <summary>
/// An Internet message (RFC 5322 + MIME) parsed from its raw bytes, written in-repo because no MIME library is
/// available. What it supports:
/// <list type="bullet">
/// <item>Headers: unfolding, duplicates kept in order, case-insensitive look-up, raw 8-bit values read as UTF-8 or
/// else windows-1252 (RFC 6532), RFC 2047 encoded words (B and Q, any charset .NET knows, adjacent words joined,
/// malformed ones left as text), RFC 2231 parameters (continuations and charsets), address lists with groups,
/// comments and encoded display names, Message-ID / In-Reply-To / References, dates with the obsolete forms
/// (a bad date is null).</item>
/// <item>Bodies: multipart/* at any depth up to <see cref="MimeLimits.MaxDepth"/>, boundaries per RFC 2046
/// (preamble and epilogue ignored, a missing final boundary tolerated, a missing boundary read as plain text),
/// base64, quoted-printable, 7bit/8bit/binary, charsets (see <see cref="Charsets"/>), message/rfc822 parsed as an
/// embedded <see cref="MimeMessage"/>, text/plain preferred over text/html and HTML turned into text when it is
/// all there is, attachments with name, type and decoded bytes.</item>
/// <item>Hostile input: NUL bytes, invalid UTF-8, huge headers, endless nesting and missing boundaries never throw;
/// time and memory stay linear in the input (bounded by <see cref="MimeLimits"/>) and what was cut is listed in
/// <see cref="Problems"/>. The one exception is <see cref="MimeFormatException"/> for input that cannot be a message
/// at all: empty, or whose first line is not a header field.</item>
/// </list>
/// Not supported: S/MIME and PGP (kept as attachments), uuencode and BinHex, TNEF winmail.dat (an attachment),
/// charset sniffing from HTML meta tags.
/// </summary>
public sealed class MimeMessage
{
    private MimeMessage(MimeEntity body, IReadOnlyList<string> problems)
    {
        Body = body;
        Problems = problems;
        var (plain, html) = BodyText(body);
        HtmlBody = html;
        // Some mailers send an empty text/plain beside the real HTML: the HTML wins then.
        TextBody = !string.IsNullOrWhiteSpace(plain) || html is null ? plain : HtmlText.ToText(html);
        Attachments = CollectAttachments(body);
    }

    /// <summary>The top entity: its headers are the message's headers.</summary>
    public MimeEntity Body { get; }
    public HeaderList Headers => Body.Headers;

    /// <summary>What the parser had to cut or guess, in English, for logs (never message content).</summary>
    public IReadOnlyList<string> Problems { get; }

    public string? Subject => Headers.Text("Subject");
    public IReadOnlyList<MailboxAddress> From => AddressList.Parse(Headers["From"]);
    public MailboxAddress? Sender => AddressList.Parse(Headers["Sender"]).FirstOrDefault();
    public IReadOnlyList<MailboxAddress> ReplyTo => AddressList.Parse(Headers["Reply-To"]);
    public IReadOnlyList<MailboxAddress> To => AddressList.Parse(string.Join(", ", Headers.All("To")));
    public IReadOnlyList<MailboxAddress> Cc => AddressList.Parse(string.Join(", ", Headers.All("Cc")));
    public IReadOnlyList<MailboxAddress> Bcc => AddressList.Parse(string.Join(", ", Headers.All("Bcc")));

    /// <summary>Every Delivered-To, X-Original-To and Envelope-To address (set by the receiving MTA), in order.</summary>
    public IReadOnlyList<string> DeliveredTo =>
        Headers.Where(h => h.Name.Equals("Delivered-To", StringComparison.OrdinalIgnoreCase)
                           || h.Name.Equals("X-Original-To", StringComparison.OrdinalIgnoreCase)
                           || h.Name.Equals("Envelope-To", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => AddressList.Parse(h.Value)).Select(a => a.Address).ToList();

    /// <summary>The Return-Path address without brackets; "" for the null path "&lt;&gt;"; null when absent.</summary>
    public string? ReturnPath
    {
        get
        {
            var v = Headers["Return-Path"];
            if (v is null) return null;
            var t = v.Trim();
            if (t is "<>" or "" || t.Replace(" ", "") == "<>") return "";
            return AddressList.Parse(t).FirstOrDefault()?.Address ?? "";
        }
    }

    /// <summary>The Message-ID without angle brackets, or null.</summary>
    public string? MessageId => MessageIds.Parse(Headers["Message-ID"]).FirstOrDefault();
    public IReadOnlyList<string> InReplyTo => MessageIds.Parse(Headers["In-Reply-To"]);
    public IReadOnlyList<string> References => MessageIds.Parse(Headers["References"]);
    public DateTimeOffset? Date => MailDate.Parse(Headers["Date"]);

    /// <summary>The text a person wrote: text/plain parts, else the HTML turned into text; null when neither exists.</summary>
    public string? TextBody { get; }

    /// <summary>The HTML body as sent, or null.</summary>
    public string? HtmlBody { get; }

    /// <summary>Attachments of this message (not those inside an embedded message, which is itself one attachment).</summary>
    public IReadOnlyList<MimeAttachment> Attachments { get; }

    public static MimeMessage Parse(byte[] raw, MimeLimits? limits = null) => Parse(raw.AsSpan(), limits);

    /// <exception cref="MimeFormatException">The input is empty or does not start with a header field.</exception>
    public static MimeMessage Parse(ReadOnlySpan<byte> raw, MimeLimits? limits = null)
    {
        var buffer = raw.ToArray();
        var context = new ParseContext(limits ?? MimeLimits.Default);
        var start = 0;
        while (start < buffer.Length && (buffer[start] == '\r' || buffer[start] == '\n')) start++;
        if (start == buffer.Length) throw new MimeFormatException("The message is empty.");
        var body = context.ParseEntity(buffer, start, buffer.Length, 0, "text/plain", top: true)
                   ?? throw new MimeFormatException("The input does not start with a header field: it is not an e-mail.");
        return new MimeMessage(body, context.Problems);
    }

    internal static MimeMessage Embedded(MimeEntity body, IReadOnlyList<string> problems) => new(body, problems);

    private static (string? Plain, string? Html) BodyText(MimeEntity e)
    {
        if (e.IsMultipart)
        {
            var sub = e.MediaType["multipart/".Length..];
            switch (sub)
            {
                case "alternative":
                {
                    string? plain = null, html = null;
                    foreach (var child in e.Parts)
                    {
                        var (p, h) = BodyText(child);
                        plain ??= p;
                        html = h ?? html;   // the last alternative is the richest one (RFC 2046 §5.1.4)
                    }
                    return (plain, html);
                }
                case "related":
                {
                    var startId = e.ContentTypeHeader["start"] is { } s ? MessageIds.Normalize(s) : null;
                    var root = e.Parts.FirstOrDefault(p => startId is not null && p.ContentId == startId) ?? e.Parts[0];
                    return BodyText(root);
                }
                case "report":
                    return BodyText(e.Parts[0]);   // the human-readable part; the rest is for machines
                default:
                {
                    List<string> plains = [], htmls = [];
                    foreach (var child in e.Parts)
                    {
                        var (p, h) = BodyText(child);
                        if (p is not null) plains.Add(p);
                        if (h is not null) htmls.Add(h);
                    }
                    return (plains.Count > 0 ? string.Join("\n", plains) : null, htmls.Count > 0 ? string.Join("\n", htmls) : null);
                }
            }
        }
        if (e.IsAttachment) return (null, null);
        return e.MediaType == "text/html" ? (null, e.GetText()) : (e.GetText(), null);
    }

    private static IReadOnlyList<MimeAttachment> CollectAttachments(MimeEntity body)
    {
        var list = new List<MimeAttachment>();
        foreach (var e in body.Descendants())
        {
            if (e.IsMultipart || !e.IsAttachment) continue;
            if (ReferenceEquals(e, body) && e.IsText && e.FileName is null) continue;
            var name = e.FileName ?? $"piece-jointe-{list.Count + 1}{Extension(e.MediaType)}";
            var inline = e.Disposition == "inline" || (e.Disposition is null && e.ContentId is not null);
            list.Add(new MimeAttachment(name, e.MediaType, e.Content, inline, e.ContentId));
        }
        return list;
    }

    private static string Extension(string mediaType) => mediaType switch
    {
        "application/pdf" => ".pdf",
        "image/jpeg" or "image/jpg" or "image/pjpeg" => ".jpg",
        "image/png" => ".png",
        "image/gif" => ".gif",
        "image/heic" => ".heic",
        "text/plain" => ".txt",
        "text/html" => ".html",
        "text/calendar" => ".ics",
        "text/csv" => ".csv",
        "message/rfc822" or "message/global" => ".eml",
        "message/delivery-status" or "text/rfc822-headers" => ".txt",
        _ => ".bin",
    };

    private sealed class ParseContext(MimeLimits limits)
    {
        public List<string> Problems { get; } = [];
        private int parts;

        private void Problem(string text)
        {
            if (Problems.Count < 50 && !Problems.Contains(text)) Problems.Add(text);
        }

        /// <summary>Null only for the top entity when its first line is not a header (the caller throws).</summary>
        public MimeEntity? ParseEntity(byte[] buf, int start, int end, int depth, string defaultType, bool top)
        {
            var (headers, bodyStart, sawHeader) = ReadHeaders(buf, start, end);
            if (top && !sawHeader) return null;
            var contentType = HeaderParameters.Parse(headers["Content-Type"]);
            var mediaType = ValidMediaType(contentType.Value) ?? defaultType;
            var disposition = headers["Content-Disposition"] is { } d ? HeaderParameters.Parse(d) : null;
            var cte = (headers["Content-Transfer-Encoding"] ?? "7bit").Trim().ToLowerInvariant();
            var body = buf.AsSpan(bodyStart, end - bodyStart);

            if (mediaType.StartsWith("multipart/", StringComparison.Ordinal))
            {
                if (depth >= limits.MaxDepth)
                {
                    Problem("multipart nesting deeper than the limit: kept as one opaque part");
                    return new MimeEntity(headers, mediaType, contentType, disposition, cte, [], body.ToArray(), null, depth);
                }
                var boundary = contentType["boundary"];
                var ranges = string.IsNullOrEmpty(boundary) ? [] : Split(buf, bodyStart, end, boundary);
                if (ranges.Count == 0)
                {
                    // No boundary or none found: the text is still worth reading, so keep the body as plain text.
                    Problem("multipart without a usable boundary: read as text");
                    return new MimeEntity(headers, "text/plain", contentType, disposition, cte, [], TransferEncodings.Decode(body, cte), null, depth);
                }
                var childType = mediaType == "multipart/digest" ? "message/rfc822" : "text/plain";
                var children = new List<MimeEntity>();
                foreach (var (s, e) in ranges)
                {
                    if (++parts > limits.MaxParts) { Problem("more parts than the limit: the rest dropped"); break; }
                    children.Add(ParseEntity(buf, s, e, depth + 1, childType, top: false)!);
                }
                if (children.Count == 0)
                    return new MimeEntity(headers, "text/plain", contentType, disposition, cte, [], [], null, depth);
                return new MimeEntity(headers, mediaType, contentType, disposition, cte, children, [], null, depth);
            }

            var content = TransferEncodings.Decode(body, cte);
            MimeMessage? embedded = null;
            if (mediaType is "message/rfc822" or "message/global" or "text/rfc822-headers")
            {
                if (depth >= limits.MaxDepth) Problem("embedded messages nested deeper than the limit: kept as bytes");
                else
                {
                    var skip = 0;
                    while (skip < content.Length && (content[skip] == '\r' || content[skip] == '\n')) skip++;
                    var inner = skip < content.Length ? ParseEntity(content, skip, content.Length, depth + 1, "text/plain", top: true) : null;
                    if (inner is not null) embedded = Embedded(inner, []);
                }
            }
            return new MimeEntity(headers, mediaType, contentType, disposition, cte, [], content, embedded, depth);
        }

        private static string? ValidMediaType(string value)
        {
            var slash = value.IndexOf('/');
            if (slash <= 0 || slash == value.Length - 1 || value.Length > 127) return null;
            foreach (var c in value) if (c <= ' ' || c >= 127 || c is '(' or ')' or '<' or '>' or '@' or ',' or ';' or ':' or '"' or '[' or ']' or '?' or '=') return null;
            return value.IndexOf('/', slash + 1) < 0 ? value : null;
        }

        private static int LineEnd(byte[] buf, int pos, int end, out int next)
        {
            var idx = buf.AsSpan(pos, end - pos).IndexOf((byte)'\n');
            int le;
            if (idx < 0) { next = end; le = end; }
            else { le = pos + idx; next = le + 1; }
            if (le > pos && buf[le - 1] == '\r') le--;
            return le;
        }

        private (HeaderList Headers, int BodyStart, bool SawHeader) ReadHeaders(byte[] buf, int start, int end)
        {
            var fields = new List<MimeHeader>();
            var value = new List<byte>();
            string? name = null;
            bool truncated = false, sawHeader = false, first = true, skipping = false;
            int pos = start, bodyStart = end;

            void Flush()
            {
                if (name is not null && fields.Count < limits.MaxHeaders)
                    fields.Add(new MimeHeader(name, HeaderText(value)));
                else if (name is not null) Problem("more header fields than the limit: the rest skipped");
                name = null;
                value.Clear();
                truncated = false;
            }

            void Append(int from, int to)
            {
                var room = limits.MaxHeaderLength - value.Count;
                if (to - from > room) { to = from + Math.Max(room, 0); if (!truncated) Problem("header field longer than the limit: cut"); truncated = true; }
                for (int k = from; k < to; k++) value.Add(buf[k]);
            }

            while (pos < end)
            {
                var le = LineEnd(buf, pos, end, out var next);
                if (le == pos) { bodyStart = next; break; }
                var c0 = buf[pos];
                if (c0 == ' ' || c0 == '\t')
                {
                    if (name is not null) Append(pos, le);
                    else if (!sawHeader && !skipping) { bodyStart = pos; break; }
                    pos = next;
                    first = false;
                    continue;
                }
                var colon = HeaderNameEnd(buf, pos, le);
                if (colon < 0)
                {
                    if (first && le - pos >= 5 && buf.AsSpan(pos, 5).SequenceEqual("From "u8)) { pos = next; first = false; skipping = true; continue; }
                    // Not a header line: the headers ended without a blank line; what follows is body.
                    bodyStart = pos;
                    break;
                }
                Flush();
                skipping = false;
                sawHeader = true;
                name = Encoding.ASCII.GetString(buf, pos, colon - pos).TrimEnd();
                Append(colon + 1, le);
                pos = next;
                first = false;
            }
            Flush();
            return (new HeaderList(fields), Math.Min(bodyStart, end), sawHeader);
        }

        /// <summary>Index of the ':' that ends a valid field name on the line, or -1.</summary>
        private static int HeaderNameEnd(byte[] buf, int pos, int le)
        {
            int i = pos;
            while (i < le && buf[i] > 32 && buf[i] < 127 && buf[i] != ':') i++;
            if (i == pos) return -1;
            var nameEnd = i;
            while (i < le && (buf[i] == ' ' || buf[i] == '\t')) i++;   // obsolete "Subject :"
            if (i < le && buf[i] == ':' && nameEnd > pos) return i;
            return -1;
        }

        private static string HeaderText(List<byte> bytes)
        {
            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
            var text = Charsets.Guess(span);
            if (text.Contains('\0')) text = text.Replace("\0", "");
            if (text.Contains('\r') || text.Contains('\n')) text = text.Replace("\r", "").Replace("\n", "");
            return text.Trim();
        }

        /// <summary>Part ranges between "--boundary" lines (RFC 2046 §5.1.1); the line break before a delimiter belongs to it.</summary>
        private static List<(int Start, int End)> Split(byte[] buf, int start, int end, string boundary)
        {
            var ranges = new List<(int, int)>();
            var delimiter = Encoding.UTF8.GetBytes("--" + boundary);
            int search = start, partStart = -1;
            while (search < end)
            {
                var idx = buf.AsSpan(search, end - search).IndexOf(delimiter);
                if (idx < 0) break;
                var at = search + idx;
                search = at + 1;
                if (at != start && buf[at - 1] != '\n') continue;
                var le = LineEnd(buf, at, end, out var next);
                var rest = buf.AsSpan(at + delimiter.Length, le - at - delimiter.Length);
                var close = rest.StartsWith("--"u8);
                if (close) rest = rest[2..];
                if (!IsBlank(rest)) continue;   // "--boundaryX": another (longer) boundary, not ours
                if (partStart >= 0)
                {
                    var partEnd = at;
                    if (partEnd > partStart && buf[partEnd - 1] == '\n') partEnd--;
                    if (partEnd > partStart && buf[partEnd - 1] == '\r') partEnd--;
                    ranges.Add((partStart, Math.Max(partEnd, partStart)));
                }
                if (close) return ranges;   // the epilogue is ignored
                partStart = next;
                search = next;
            }
            if (partStart >= 0 && partStart <= end) ranges.Add((partStart, end));   // no closing delimiter: tolerated
            return ranges;
        }

        private static bool IsBlank(ReadOnlySpan<byte> s)
        {
            foreach (var b in s) if (b != ' ' && b != '\t') return false;
            return true;
        }
    }
}
