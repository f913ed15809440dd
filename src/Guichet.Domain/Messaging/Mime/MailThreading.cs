using System.Text.RegularExpressions;

namespace Guichet.Domain.Messaging.Mime;

/// <summary>
/// A plus address that carries a reply token, such as <c>demandes+8F3K2Q@mairie.example</c>, written by the caller as
/// a pattern with <c>{token}</c>: <c>"demandes+{token}@mairie.example"</c>. The local part and domain compare without
/// case, because some MTAs lower-case addresses on the way: tokens should therefore be compared without case too.
/// </summary>
public sealed class ReplyAddressPattern
{
    private readonly Regex regex;

    /// <param name="tokenCharacters">A regex character class for the token, "[A-Za-z0-9]" by default.</param>
    public ReplyAddressPattern(string pattern, string tokenCharacters = "[A-Za-z0-9]", int minLength = 4, int maxLength = 64)
    {
        var at = pattern.IndexOf("{token}", StringComparison.Ordinal);
        if (at < 0) throw new ArgumentException("The pattern must contain {token}.", nameof(pattern));
        Pattern = pattern;
        var before = Regex.Escape(pattern[..at]);
        var after = Regex.Escape(pattern[(at + 7)..]);
        regex = new Regex($"^{before}(?<t>{tokenCharacters}{{{minLength},{maxLength}}}){after}$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    }

    public string Pattern { get; }

    /// <summary>The token of an address that fits the pattern, or null.</summary>
    public string? TokenOf(string? address)
    {
        if (string.IsNullOrWhiteSpace(address) || address.Length > 320) return null;
        var m = regex.Match(address.Trim().Trim('<', '>'));
        return m.Success ? m.Groups["t"].Value : null;
    }

    /// <summary>The address for a token (for Reply-To when sending).</summary>
    public string AddressFor(string token) => Pattern.Replace("{token}", token, StringComparison.Ordinal);
}

/// <summary>What an inbound message offers to find the request it answers (reference/sms-email.md §5, steps 1 and 2).</summary>
/// <param name="ReferencedIds">Message-IDs to look up among the ones we sent: In-Reply-To first, then References newest first.</param>
/// <param name="ReplyToken">The token of the first recipient address fitting the pattern, or null.</param>
public sealed record ThreadingKeys(IReadOnlyList<string> ReferencedIds, string? ReplyToken);

/// <summary>Pure helpers to thread a reply onto the request it answers.</summary>
public static class MailThreading
{
    /// <summary>In-Reply-To ids first, then References from the newest (last) to the oldest, without duplicates.</summary>
    public static IReadOnlyList<string> ReferencedIds(IReadOnlyList<string> inReplyTo, IReadOnlyList<string> references)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ids = new List<string>();
        foreach (var id in inReplyTo) if (seen.Add(id)) ids.Add(id);
        for (int i = references.Count - 1; i >= 0; i--) if (seen.Add(references[i])) ids.Add(references[i]);
        return ids;
    }

    /// <summary>The first token among the addresses (To, Cc, Delivered-To…), or null.</summary>
    public static string? FindReplyToken(IEnumerable<string> recipientAddresses, ReplyAddressPattern pattern)
    {
        foreach (var a in recipientAddresses)
            if (pattern.TokenOf(a) is { } token) return token;
        return null;
    }

    /// <summary>Addresses the message was delivered to: Delivered-To / X-Original-To / Envelope-To first (the MTA's own
    /// record, which survives a Bcc), then To and Cc.</summary>
    public static IReadOnlyList<string> RecipientAddresses(MimeMessage message) =>
        message.DeliveredTo.Concat(message.To.Select(a => a.Address)).Concat(message.Cc.Select(a => a.Address))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>
    /// Step 3 of the matching order: a reference written in the subject, such as "[Demande n° 2026-0042]". The caller
    /// gives the pattern; its group named "ref" (or else the whole match) is returned, or null.
    /// </summary>
    public static string? FindSubjectReference(string? subject, Regex pattern)
    {
        if (string.IsNullOrEmpty(subject) || subject.Length > 2000) return null;
        try
        {
            var m = pattern.Match(subject);
            if (!m.Success) return null;
            return m.Groups["ref"] is { Success: true } g ? g.Value : m.Value;
        }
        catch (RegexMatchTimeoutException) { return null; }
    }

    public static ThreadingKeys Extract(MimeMessage message, ReplyAddressPattern? pattern) =>
        new(ReferencedIds(message.InReplyTo, message.References),
            pattern is null ? null : FindReplyToken(RecipientAddresses(message), pattern));
}
