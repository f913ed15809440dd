using System.Text.RegularExpressions;

namespace Guichet.Domain.Messaging.Mime;

/// <summary>
/// Keeps what a citizen wrote in a reply and drops the previous message their mail client quoted:
/// lines starting with "&gt;", the attribution line before them ("Le lun. 30 nov. 2026 à 08:15, … a écrit :",
/// "On … wrote:", also when the client wrapped it over two lines), and everything from a separator of a client that
/// does not quote: "-----Original Message-----", "-----Message d'origine-----", "-------- Message original --------",
/// Outlook's "De : … / Envoyé : … / À : … / Objet : …" block (French or English, after a "_____" line or not).
/// Forwarded messages ("Message transféré", "Forwarded message") are kept: they are what the citizen is sending.
/// The signature is kept (it often carries the citizen's contact details).
/// </summary>
public static class ReplyText
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(200);

    // Starts with "Le"/"On"/"Am" (Gmail, Apple Mail, Thunderbird) or names an address in brackets, so a citizen's own
    // "mon voisin a écrit :" is not mistaken for one.
    private static readonly Regex Attribution = new(
        @"^\s*((le|on)\s.{0,250}\s(a\s+[ée]crit|wrote)|am\s.{0,250}\sschrieb.{0,80}|.{0,150}<[^<>\s]+@[^<>\s]+>\s*(a\s+[ée]crit|wrote))\s*:\s*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, Timeout);

    private static readonly Regex Separator = new(
        @"^\s*(-{2,}\s*(original message|message d['’]origine|message original|mensaje original|urspr[üu]ngliche nachricht)\s*-{2,}|_{10,})\s*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, Timeout);

    private static readonly Regex Forward = new(
        @"^\s*(-{2,}\s*(forwarded message|message transf[ée]r[ée]|mensaje reenviado|weitergeleitete nachricht)\b.*|(d[ée]but du message r[ée]exp[ée]di[ée]|begin forwarded message)\s*:)\s*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, Timeout);

    private static readonly Regex HeaderFrom = new(@"^\s*\*?(de|from|exp[ée]diteur)\s*\*?\s*:\s*\S", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, Timeout);
    private static readonly Regex HeaderOther = new(
        @"^\s*\*?(envoy[ée]|sent|date|[àa]|to|objet|subject|cc)\s*\*?\s*:", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, Timeout);

    private static bool Matches(Regex regex, string line)
    {
        try { return regex.IsMatch(line); }
        catch (RegexMatchTimeoutException) { return false; }   // a pathological line is simply not a marker
    }

    /// <summary>The new text of a reply, trimmed; "" when the message held nothing but quotation.</summary>
    public static string Extract(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var lines = text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        var cut = lines.Length;
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length > 1000) continue;
            if (Matches(Forward, line)) break;   // what follows is forwarded content: keep it whole
            if (Matches(Separator, line)) { cut = i; break; }
            if (Matches(HeaderFrom, line) && IsHeaderBlock(lines, i)) { cut = i; break; }
            // An attribution not followed by quoted lines: a client that appends the old message unquoted.
            if (IsAttribution(lines, i, out var span) && !FollowedByQuote(lines, i + span)) { cut = i; break; }
        }

        var kept = new List<string>();
        for (int i = 0; i < cut; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith('>')) continue;
            if (line.Length <= 1000 && IsAttribution(lines, i, out var span) && FollowedByQuote(lines, i + span))
            {
                i += span - 1;
                continue;
            }
            kept.Add(line.TrimEnd());
        }

        // Collapse runs of blank lines and trim the ends.
        var result = new List<string>();
        foreach (var line in kept)
        {
            if (line.Length == 0 && (result.Count == 0 || result[^1].Length == 0)) continue;
            result.Add(line);
        }
        while (result.Count > 0 && result[^1].Length == 0) result.RemoveAt(result.Count - 1);
        return string.Join("\n", result);
    }

    /// <summary>The attribution on one line, or wrapped over two; <paramref name="span"/> is its number of lines.</summary>
    private static bool IsAttribution(string[] lines, int i, out int span)
    {
        span = 1;
        var line = lines[i];
        if (line.TrimStart().StartsWith('>')) return false;
        if (Matches(Attribution, line)) return true;
        if (i + 1 < lines.Length && line.Length < 200 && lines[i + 1].Length < 200
            && (line.TrimStart().StartsWith("Le ", StringComparison.OrdinalIgnoreCase) || line.TrimStart().StartsWith("On ", StringComparison.OrdinalIgnoreCase))
            && Matches(Attribution, line.TrimEnd() + " " + lines[i + 1].Trim()))
        {
            span = 2;
            return true;
        }
        return false;
    }

    private static bool FollowedByQuote(string[] lines, int from)
    {
        for (int k = from; k < lines.Length; k++)
        {
            if (lines[k].Trim().Length == 0) continue;
            return lines[k].TrimStart().StartsWith('>');
        }
        return false;
    }

    /// <summary>"De :" followed, within the next four lines, by at least two of Envoyé / À / Objet (or English).</summary>
    private static bool IsHeaderBlock(string[] lines, int i)
    {
        int found = 0;
        for (int k = i + 1; k < lines.Length && k <= i + 5; k++)
            if (lines[k].Length < 1000 && Matches(HeaderOther, lines[k])) found++;
        return found >= 2;
    }
}
