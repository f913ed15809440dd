using System.Collections.Concurrent;
using System.Text;
using System.Text.Unicode;

namespace Guichet.Domain.Messaging.Mime;

/// <summary>
/// Turns bytes in a named charset into text without ever throwing. Labels are read the way mail clients and browsers
/// read them: ISO-8859-1 and US-ASCII are decoded as windows-1252 (its superset for printable characters, which is what
/// Outlook actually sends under those labels); an unknown or missing label means UTF-8 when the bytes are valid UTF-8
/// and windows-1252 otherwise. The code pages come from the in-box <see cref="CodePagesEncodingProvider"/>, used
/// directly rather than registered, so the domain changes no process-wide state.
/// </summary>
public static class Charsets
{
    private static readonly Encoding Utf8Lenient = new UTF8Encoding(false, false);
    private static readonly ConcurrentDictionary<string, Encoding> Resolved = new(StringComparer.OrdinalIgnoreCase);
    private const int MaxCached = 64;   // hostile input names any charset it likes: do not let it grow the cache

    /// <summary>windows-1252, the fallback for 8-bit text that is not UTF-8.</summary>
    public static Encoding Windows1252 { get; } = CodePagesEncodingProvider.Instance.GetEncoding(1252) ?? Encoding.Latin1;

    public static string Decode(ReadOnlySpan<byte> bytes, string? charset)
    {
        if (bytes.IsEmpty) return "";
        if (System.Text.Ascii.IsValid(bytes) && !IsWide(charset)) return Encoding.ASCII.GetString(bytes);
        var encoding = Resolve(charset);
        if (encoding is null) return Guess(bytes);
        return encoding.GetString(bytes);
    }

    /// <summary>UTF-8 if the bytes are valid UTF-8, windows-1252 otherwise.</summary>
    public static string Guess(ReadOnlySpan<byte> bytes) =>
        Utf8.IsValid(bytes) ? Utf8Lenient.GetString(bytes) : Windows1252.GetString(bytes);

    /// <summary>The encoding for a label, or null when the label says nothing reliable (missing, ASCII, unknown).</summary>
    public static Encoding? Resolve(string? charset)
    {
        var name = Normalize(charset);
        switch (name)
        {
            case "": case "us-ascii": case "ascii": case "ansi_x3.4-1968": case "us": case "unknown-8bit":
            case "x-unknown": case "default": case "x-user-defined": case "utf-7": case "unicode-1-1-utf-7":
                return null;
            case "utf-8": case "utf8": case "x-utf-8": case "unicode-1-1-utf-8":
                return Utf8Lenient;
            case "iso-8859-1": case "iso8859-1": case "iso_8859-1": case "latin1": case "latin-1": case "l1":
            case "cp819": case "ibm819": case "iso-ir-100": case "iso_8859-1:1987": case "cp1252": case "windows-1252":
                return Windows1252;
        }
        if (Resolved.TryGetValue(name, out var cached)) return cached;
        Encoding? found = null;
        try
        {
            found = CodePagesEncodingProvider.Instance.GetEncoding(name);
            if (found is null) found = Encoding.GetEncoding(name);
        }
        catch (ArgumentException) { }
        catch (NotSupportedException) { }
        if (found is not null && Resolved.Count < MaxCached) Resolved.TryAdd(name, found);
        return found;
    }

    private static bool IsWide(string? charset)
    {
        var n = Normalize(charset);
        return n.StartsWith("utf-16", StringComparison.Ordinal) || n.StartsWith("utf-32", StringComparison.Ordinal)
            || n is "ucs-2" or "unicode";
    }

    private static string Normalize(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset)) return "";
        var n = charset.Trim().Trim('"', '\'').Trim().ToLowerInvariant();
        var star = n.IndexOf('*');             // RFC 2231 language suffix: utf-8*fr
        if (star >= 0) n = n[..star];
        return n.Length > 40 ? "" : n;
    }
}
