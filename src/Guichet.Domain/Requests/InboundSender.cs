namespace Guichet.Domain.Requests;

/// <summary>Who wrote an inbound e-mail, and which door it came to: plain rules of the e-mail intake.</summary>
public static class InboundSender
{
    /// <summary>
    /// First and last names from a From display name: "Camille Martin" → (Camille, Martin), "MARTIN, Camille" →
    /// (Camille, MARTIN), "Jean-Pierre de La Tour" → (Jean-Pierre de La, Tour): the last word is the surname, a comma
    /// says it came first. No name, or an address as the name: the address's local part stands for the surname.
    /// </summary>
    public static (string? First, string Last) Names(string? displayName, string localPart)
    {
        var name = displayName?.Trim().Trim('"', '\'').Trim();
        if (string.IsNullOrEmpty(name) || name.Contains('@')) return (null, localPart);
        var comma = name.IndexOf(',');
        if (comma > 0) return (name[(comma + 1)..].Trim() is { Length: > 0 } f ? f : null, name[..comma].Trim());
        var parts = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 1 ? (null, parts[0]) : (string.Join(' ', parts[..^1]), parts[^1]);
    }

    /// <summary>
    /// The address an organisation is known by: lower case, angle brackets and a "+token" removed
    /// (demandes+K3V@Lorval.demo → demandes@lorval.demo). Null when it is not an address.
    /// </summary>
    public static string? PlainAddress(string? address)
    {
        var a = address?.Trim().Trim('<', '>').ToLowerInvariant();
        if (string.IsNullOrEmpty(a) || a.Length > 254) return null;
        var at = a.LastIndexOf('@');
        if (at <= 0 || at == a.Length - 1) return null;
        var local = a[..at];
        var plus = local.IndexOf('+');
        return (plus > 0 ? local[..plus] : local) + a[at..];
    }
}
