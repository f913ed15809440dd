using System.Text;

namespace Guichet.Domain.Messaging.Mime;

/// <summary>
/// One mailbox of an address list. <see cref="Address"/> is the addr-spec as written (local part case kept; compare
/// domains without case); <see cref="DisplayName"/> is decoded (quotes removed, encoded words decoded) or null;
/// <see cref="Group"/> names the RFC 5322 group it was listed in, if any.
/// </summary>
public sealed record MailboxAddress(string? DisplayName, string Address, string? Group = null)
{
    public string LocalPart => Address.LastIndexOf('@') is var at and > 0 ? Address[..at] : Address;
    public string Domain => Address.LastIndexOf('@') is var at and >= 0 ? Address[(at + 1)..] : "";
    public override string ToString() => DisplayName is null ? Address : $"\"{DisplayName}\" <{Address}>";
}

/// <summary>
/// RFC 5322 address lists, read tolerantly: display names as atoms, quoted strings or encoded words; angle addresses
/// (with an obsolete route, dropped); bare addr-specs with a trailing comment as the name ("jean@x.fr (Jean)");
/// groups ("Équipe: a@x, b@x;") flattened with their name; stray or unbalanced characters never throw.
/// </summary>
public static class AddressList
{
    public static IReadOnlyList<MailboxAddress> Parse(string? value)
    {
        var result = new List<MailboxAddress>();
        if (string.IsNullOrWhiteSpace(value)) return result;
        var s = value;
        int i = 0;
        string? group = null;
        var phrase = new List<string>();      // words before '<', or the pieces of a bare addr-spec
        var bare = new StringBuilder();       // the same text kept without spaces, for a bare addr-spec
        string? angle = null;
        string? comment = null;
        bool quotedSeen = false;

        void Finish()
        {
            string? name = null;
            string address;
            if (angle is not null)
            {
                address = angle;
                name = phrase.Count > 0 ? string.Join(' ', phrase) : comment;
            }
            else
            {
                address = bare.ToString();
                name = comment;
                // "Jean Dupont" with no address at all, or a quoted local part only: nothing to deliver to.
                if ((quotedSeen || phrase.Count > 1) && !address.Contains('@')) address = "";
                if (address.Any(char.IsWhiteSpace)) address = "";   // an unclosed quote swallowed the rest
            }
            address = address.Trim();
            if (address.Length > 0)
            {
                name = name is null ? null : Clean(EncodedWords.Decode(name));
                result.Add(new MailboxAddress(string.IsNullOrEmpty(name) ? null : name, address, group));
            }
            phrase.Clear(); bare.Clear(); angle = null; comment = null; quotedSeen = false;
        }

        while (i < s.Length)
        {
            var c = s[i];
            switch (c)
            {
                case '"':
                {
                    var sb = new StringBuilder();
                    i++;
                    while (i < s.Length && s[i] != '"')
                    {
                        if (s[i] == '\\' && i + 1 < s.Length) i++;
                        sb.Append(s[i]);
                        i++;
                    }
                    i++;
                    phrase.Add(sb.ToString());
                    bare.Append(sb);
                    quotedSeen = true;
                    break;
                }
                case '(':
                {
                    int depth = 0;
                    var sb = new StringBuilder();
                    while (i < s.Length)
                    {
                        if (s[i] == '\\' && i + 1 < s.Length) { sb.Append(s[i + 1]); i += 2; continue; }
                        if (s[i] == '(') { if (depth++ > 0) sb.Append('('); }
                        else if (s[i] == ')') { if (--depth == 0) { i++; break; } sb.Append(')'); }
                        else sb.Append(s[i]);
                        i++;
                    }
                    comment ??= sb.ToString().Trim();
                    break;
                }
                case '<':
                {
                    var close = s.IndexOf('>', i + 1);
                    var inner = close < 0 ? s[(i + 1)..] : s[(i + 1)..close];
                    i = close < 0 ? s.Length : close + 1;
                    var colon = inner.IndexOf(':');
                    if (inner.StartsWith('@') && colon > 0) inner = inner[(colon + 1)..];   // obsolete route
                    angle = new string(inner.Where(ch => !char.IsWhiteSpace(ch)).ToArray());
                    if (angle.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)) angle = angle[7..];
                    break;
                }
                case ',':
                    Finish();
                    i++;
                    break;
                case ';':
                    Finish();
                    group = null;
                    i++;
                    break;
                case ':' when angle is null && group is null && !bare.ToString().Contains('@'):
                    group = Clean(EncodedWords.Decode(string.Join(' ', phrase)));
                    phrase.Clear(); bare.Clear(); comment = null; quotedSeen = false;
                    i++;
                    break;
                case ' ' or '\t' or '\r' or '\n':
                    i++;
                    break;
                default:
                {
                    int start = i;
                    while (i < s.Length && !"\"(<,;: \t\r\n".Contains(s[i])) i++;
                    if (i == start) { i++; break; }   // a ':' inside a group, or after an '@': keep going
                    var word = s[start..i];
                    phrase.Add(word);
                    bare.Append(word);
                    break;
                }
            }
        }
        Finish();
        return result;
    }

    private static string Clean(string name)
    {
        var t = name.Trim().Trim('\'').Trim();
        var sb = new StringBuilder(t.Length);
        foreach (var ch in t) if (!char.IsControl(ch)) sb.Append(ch);
        return sb.ToString();
    }
}

/// <summary>Message-IDs (<c>&lt;id@host&gt;</c>) as they appear in Message-ID, In-Reply-To and References.</summary>
public static class MessageIds
{
    /// <summary>
    /// Every id in the value, without angle brackets, in order, duplicates removed. Phrases and comments that old
    /// mailers put in In-Reply-To are skipped; ids written without brackets are accepted when they hold an '@'.
    /// </summary>
    public static IReadOnlyList<string> Parse(string? value)
    {
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(value)) return ids;
        var s = value;
        int i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '<')
            {
                var close = s.IndexOf('>', i + 1);
                if (close < 0) { Add(ids, seen, s[(i + 1)..]); break; }
                Add(ids, seen, s[(i + 1)..close]);
                i = close + 1;
            }
            else if (c == '(')
            {
                int depth = 0;
                while (i < s.Length) { if (s[i] == '(') depth++; else if (s[i] == ')' && --depth == 0) break; i++; }
                i++;
            }
            else if (c == '"')
            {
                var close = s.IndexOf('"', i + 1);
                i = close < 0 ? s.Length : close + 1;
            }
            else if (char.IsWhiteSpace(c) || c == ',') i++;
            else
            {
                int start = i;
                while (i < s.Length && !char.IsWhiteSpace(s[i]) && s[i] != '<' && s[i] != ',' && s[i] != '(') i++;
                var word = s[start..i];
                if (word.Contains('@')) Add(ids, seen, word);
            }
        }
        return ids;
    }

    /// <summary>"&lt;x@y&gt;" or "x@y" → "x@y", the form <see cref="Parse"/> returns and the one to store.</summary>
    public static string Normalize(string id) => id.Trim().TrimStart('<').TrimEnd('>').Trim();

    private static void Add(List<string> ids, HashSet<string> seen, string id)
    {
        var clean = new string(id.Where(ch => !char.IsWhiteSpace(ch)).ToArray());
        if (clean.Length == 0 || clean.Length > 998) return;
        if (seen.Add(clean)) ids.Add(clean);
    }
}
