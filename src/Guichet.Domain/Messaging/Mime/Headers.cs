using System.Collections;
using System.Text;

namespace Guichet.Domain.Messaging.Mime;

/// <summary>One header field: its name as written and its unfolded value (line breaks of folding removed, encoded
/// words still encoded: structured fields need the raw text). <see cref="Text"/> is the value with encoded words decoded.</summary>
public sealed record MimeHeader(string Name, string Value)
{
    public string Text => EncodedWords.Decode(Value).Trim();
}

/// <summary>Header fields in the order they came, duplicates kept; look-ups ignore case and return the first.</summary>
public sealed class HeaderList(IReadOnlyList<MimeHeader> fields) : IReadOnlyList<MimeHeader>
{
    public static HeaderList Empty { get; } = new([]);

    public MimeHeader this[int index] => fields[index];
    public int Count => fields.Count;
    public IEnumerator<MimeHeader> GetEnumerator() => fields.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The raw (unfolded) value of the first field with this name, or null.</summary>
    public string? this[string name] => fields.FirstOrDefault(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value;

    /// <summary>Every value of this name, in order (Received, Delivered-To…).</summary>
    public IEnumerable<string> All(string name) =>
        fields.Where(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(f => f.Value);

    public bool Contains(string name) => this[name] is not null;

    /// <summary>The first value with encoded words decoded and trimmed, or null.</summary>
    public string? Text(string name) => this[name] is { } v ? EncodedWords.Decode(v).Trim() : null;
}

/// <summary>A header value of the form <c>token; name=value; …</c> (Content-Type, Content-Disposition).</summary>
public sealed class HeaderParameters
{
    private readonly Dictionary<string, string> values;

    private HeaderParameters(string value, Dictionary<string, string> values) { Value = value; this.values = values; }

    /// <summary>The part before the first ';', lower-cased and trimmed ("text/plain", "attachment").</summary>
    public string Value { get; }

    /// <summary>Parameter names, lower-cased, RFC 2231 sections already put together.</summary>
    public IReadOnlyDictionary<string, string> Parameters => values;

    public string? this[string name] => values.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;

    /// <summary>
    /// Reads parameters with quoted strings, RFC 2231 continuations (<c>name*0=</c>, <c>name*1=</c>) and charsets
    /// (<c>name*=utf-8''%E2%82%AC</c>, <c>name*0*=</c>), then decodes RFC 2047 words that Outlook and others put in
    /// quoted values although the RFC forbids it. An extended <c>name*</c> wins over a plain <c>name</c>.
    /// </summary>
    public static HeaderParameters Parse(string? header)
    {
        var text = header ?? "";
        var raw = new List<(string Name, string Value, bool Quoted)>();
        int i = 0;
        var first = ReadUntilSemicolon(text, ref i).Trim();
        while (i < text.Length)
        {
            i++; // ';'
            var eq = -1;
            int start = i;
            while (i < text.Length && text[i] != ';' && text[i] != '=' && text[i] != '"') i++;
            if (i < text.Length && text[i] == '=') eq = i;
            if (eq < 0) { ReadUntilSemicolon(text, ref i); continue; }   // a bare word: not a parameter, skip it
            var name = text[start..eq].Trim().ToLowerInvariant();
            i = eq + 1;
            while (i < text.Length && (text[i] == ' ' || text[i] == '\t')) i++;
            string value; bool quoted = false;
            if (i < text.Length && text[i] == '"')
            {
                quoted = true;
                var sb = new StringBuilder();
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    // A backslash escapes the next character, except before a closing quote at the very end, which
                    // is a Windows path ("C:\dir\") more often than an escape.
                    // Only \" and \\ are escapes in practice: a Windows path ("C:\dir\scan.pdf") keeps its backslashes
                    // so that the directory can be cut off later; a backslash before the closing quote is a path's too.
                    if (text[i] == '\\' && i + 1 < text.Length && (text[i + 1] == '\\' || (text[i + 1] == '"' && !IsLastQuote(text, i + 1)))) i++;
                    sb.Append(text[i]);
                    i++;
                }
                if (i < text.Length) i++;
                value = sb.ToString();
                ReadUntilSemicolon(text, ref i);
            }
            else
            {
                value = ReadUntilSemicolon(text, ref i).Trim();
                var comment = value.IndexOf('(');   // "charset=utf-8 (comment)"
                if (comment > 0) value = value[..comment].TrimEnd();
            }
            if (name.Length > 0) raw.Add((name, value, quoted));
        }
        return new HeaderParameters(first.ToLowerInvariant(), Combine(raw));
    }

    private static bool IsLastQuote(string text, int quote)
    {
        for (int k = quote + 1; k < text.Length; k++)
        {
            if (text[k] == ';') return true;
            if (!char.IsWhiteSpace(text[k])) return false;
        }
        return true;
    }

    private static string ReadUntilSemicolon(string text, ref int i)
    {
        int start = i;
        bool inQuote = false;
        while (i < text.Length)
        {
            if (text[i] == '"') inQuote = !inQuote;
            else if (text[i] == '\\' && inQuote) i++;
            else if (text[i] == ';' && !inQuote) break;
            i++;
        }
        if (i > text.Length) i = text.Length;
        return text[start..i];
    }

    private static Dictionary<string, string> Combine(List<(string Name, string Value, bool Quoted)> raw)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var extended = new HashSet<string>();
        var sections = new Dictionary<string, SortedDictionary<int, (string Value, bool Encoded)>>();
        foreach (var (name, value, quoted) in raw)
        {
            var encoded = name.EndsWith('*');
            var bare = encoded ? name[..^1] : name;
            var star = bare.IndexOf('*');
            if (star > 0 && int.TryParse(bare.AsSpan(star + 1), System.Globalization.NumberStyles.None, null, out var n) && n < 1000)
            {
                var key = bare[..star];
                if (!sections.TryGetValue(key, out var list)) sections[key] = list = [];
                list.TryAdd(n, (value, encoded));   // some clients quote extended values: decode them all the same
                continue;
            }
            if (encoded)
            {
                result[bare] = DecodeExtended([(value, true)]);
                extended.Add(bare);
            }
            else if (!extended.Contains(bare) && !result.ContainsKey(bare))
                result[bare] = EncodedWords.Decode(value);
        }
        foreach (var (key, list) in sections)
        {
            // Sections must run 0, 1, 2…; a gap ends the value (RFC 2231 §3).
            var ordered = new List<(string, bool)>();
            for (int k = 0; list.TryGetValue(k, out var s); k++) ordered.Add(s);
            if (ordered.Count == 0) continue;
            result[key] = DecodeExtended(ordered);
        }
        return result;
    }

    /// <summary>charset'language'percent-encoded, over sections; only the first encoded section carries the charset.</summary>
    private static string DecodeExtended(List<(string Value, bool Encoded)> parts)
    {
        string? charset = null;
        var bytes = new List<byte>();
        bool firstSeen = false;
        foreach (var (value, encoded) in parts)
        {
            var v = value;
            if (encoded && !firstSeen)
            {
                var q1 = v.IndexOf('\'');
                var q2 = q1 >= 0 ? v.IndexOf('\'', q1 + 1) : -1;
                if (q2 > q1)
                {
                    charset = v[..q1];
                    v = v[(q2 + 1)..];
                }
            }
            firstSeen = true;
            for (int i = 0; i < v.Length; i++)
            {
                if (encoded && v[i] == '%' && i + 2 < v.Length
                    && Uri.IsHexDigit(v[i + 1]) && Uri.IsHexDigit(v[i + 2]))
                {
                    bytes.Add((byte)Convert.ToInt32(v.Substring(i + 1, 2), 16));
                    i += 2;
                }
                else if (v[i] < 0x80) bytes.Add((byte)v[i]);
                else bytes.AddRange(Encoding.UTF8.GetBytes(v[i].ToString()));
            }
        }
        var text = Charsets.Decode(bytes.ToArray(), charset);
        // Some senders still wrap RFC 2047 words inside RFC 2231 sections.
        return EncodedWords.Decode(text);
    }
}
