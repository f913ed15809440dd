namespace Guichet.Domain.Messaging.Mime;

/// <summary>
/// One MIME entity: the whole message body, a part of a multipart, or a leaf. Leaves carry their decoded bytes
/// (<see cref="Content"/>); multiparts their <see cref="Parts"/>; a message/rfc822 part also its parsed
/// <see cref="Message"/>.
/// </summary>
public sealed class MimeEntity
{
    internal MimeEntity(HeaderList headers, string mediaType, HeaderParameters contentType, HeaderParameters? disposition,
        string transferEncoding, IReadOnlyList<MimeEntity> parts, byte[] content, MimeMessage? message, int depth)
    {
        Headers = headers;
        ContentTypeHeader = contentType;
        DispositionHeader = disposition;
        TransferEncoding = transferEncoding;
        Parts = parts;
        Content = content;
        Message = message;
        Depth = depth;
        MediaType = mediaType;
    }

    public HeaderList Headers { get; }

    /// <summary>Content-Type with its parameters ("boundary", "charset", "name").</summary>
    public HeaderParameters ContentTypeHeader { get; }

    /// <summary>Content-Disposition with its parameters ("filename"), or null when absent.</summary>
    public HeaderParameters? DispositionHeader { get; }

    /// <summary>"type/subtype", lower-case; "text/plain" when missing or malformed (RFC 2045 §5.2).</summary>
    public string MediaType { get; }

    public string TransferEncoding { get; }
    public IReadOnlyList<MimeEntity> Parts { get; }

    /// <summary>The decoded bytes of a leaf (transfer encoding undone); empty for a multipart.</summary>
    public byte[] Content { get; }

    /// <summary>For message/rfc822 (and text/rfc822-headers): the embedded message, or null.</summary>
    public MimeMessage? Message { get; }

    /// <summary>0 for the message body, +1 per multipart or embedded message around it.</summary>
    public int Depth { get; }

    public bool IsMultipart => MediaType.StartsWith("multipart/", StringComparison.Ordinal) && Parts.Count > 0;
    public string? Charset => ContentTypeHeader["charset"];
    public string? ContentId => Headers["Content-ID"] is { } id ? MessageIds.Normalize(id) : null;

    /// <summary>"attachment", "inline" or null.</summary>
    public string? Disposition => DispositionHeader?.Value is { Length: > 0 } d ? d : null;

    /// <summary>
    /// The file name from Content-Disposition "filename" or else Content-Type "name", decoded (RFC 2231 or RFC 2047),
    /// with any directory part, control characters and characters Windows refuses (: * ? " &lt; &gt; |) removed so it is
    /// safe to show and store. Null when none.
    /// </summary>
    public string? FileName
    {
        get
        {
            var name = DispositionHeader?["filename"] ?? ContentTypeHeader["name"];
            if (string.IsNullOrWhiteSpace(name)) return null;
            var cut = Math.Max(name.LastIndexOf('/'), name.LastIndexOf('\\'));
            if (cut >= 0) name = name[(cut + 1)..];
            name = new string(name.Where(c => !char.IsControl(c) && c is not (':' or '*' or '?' or '"' or '<' or '>' or '|')).ToArray()).Trim();
            return name.Length == 0 || name is "." or ".." ? null : name.Length > 255 ? name[..255] : name;
        }
    }

    public bool IsText => MediaType.StartsWith("text/", StringComparison.Ordinal);

    /// <summary>
    /// A leaf that is an attachment rather than body text: Content-Disposition attachment, anything with a file
    /// name, or any leaf that is not text/plain or text/html (images, PDF, calendar, delivery-status…).
    /// </summary>
    public bool IsAttachment =>
        !IsMultipart && (Disposition == "attachment" || FileName is not null || MediaType is not ("text/plain" or "text/html"));

    /// <summary>
    /// The content as text in its declared charset (see <see cref="Charsets"/>), line breaks as "\n", NULs removed,
    /// and format=flowed (RFC 3676, Thunderbird and Apple Mail) lines put back together.
    /// </summary>
    public string GetText()
    {
        var text = Normalize(Charsets.Decode(Content, Charset));
        if (MediaType == "text/plain" && string.Equals(ContentTypeHeader["format"], "flowed", StringComparison.OrdinalIgnoreCase))
            text = Unflow(text, string.Equals(ContentTypeHeader["delsp"], "yes", StringComparison.OrdinalIgnoreCase));
        return text;
    }

    /// <summary>RFC 3676 §4: a line ending in a space continues on the next line of the same quote depth.</summary>
    public static string Unflow(string text, bool delSp)
    {
        var lines = text.Split('\n');
        if (text.EndsWith('\n')) lines = lines[..^1];   // the empty piece after the last line break
        var sb = new System.Text.StringBuilder(text.Length);
        int? openDepth = null;   // quote depth of the paragraph being joined, or null
        foreach (var raw in lines)
        {
            int depth = 0;
            while (depth < raw.Length && raw[depth] == '>') depth++;
            var line = raw[depth..];
            if (line.StartsWith(' ')) line = line[1..];   // space-stuffing
            // A change of quote depth or the signature separator ends the paragraph.
            if (openDepth is { } d && (d != depth || line == "-- ")) { sb.Append('\n'); openDepth = null; }
            if (openDepth is null && depth > 0) sb.Append('>', depth).Append(' ');
            var flowed = line.EndsWith(' ') && line != "-- ";
            if (flowed)
            {
                sb.Append(delSp ? line[..^1] : line);
                openDepth = depth;
            }
            else
            {
                sb.Append(line).Append('\n');
                openDepth = null;
            }
        }
        if (sb.Length > 0 && sb[^1] == '\n' && !text.EndsWith('\n')) sb.Length--;
        return sb.ToString();
    }

    internal static string Normalize(string text)
    {
        if (text.Contains('\r')) text = text.Replace("\r\n", "\n").Replace('\r', '\n');
        if (text.Contains('\0')) text = text.Replace("\0", "");
        return text;
    }

    /// <summary>This entity and every entity below it (not inside embedded messages), depth first.</summary>
    public IEnumerable<MimeEntity> Descendants()
    {
        var stack = new Stack<MimeEntity>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            yield return e;
            for (int i = e.Parts.Count - 1; i >= 0; i--) stack.Push(e.Parts[i]);
        }
    }
}

/// <summary>An attachment as the request pipeline wants it.</summary>
/// <param name="FileName">Safe file name (see <see cref="MimeEntity.FileName"/>), or a made-up one ("piece-jointe-2.pdf") when the part has none.</param>
/// <param name="MediaType">"type/subtype" lower-case, as declared (not sniffed: check it before trusting it).</param>
public sealed record MimeAttachment(string FileName, string MediaType, byte[] Content, bool IsInline, string? ContentId)
{
    public long Size => Content.LongLength;
}
