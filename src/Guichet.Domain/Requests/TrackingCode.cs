namespace Guichet.Domain.Requests;

/// <summary>
/// The code a citizen quotes to follow a request: 8 letters from 19 consonants. No vowels, so no word can be spelt;
/// no digits, so no 0/O, 1/I, 5/S or 8/B confusion; no L, which reads as I or 1 in many fonts.
/// 19^8 ≈ 1.7 × 10^10 codes: guessing one is hopeless under the tracking page's rate limit and second proof.
/// </summary>
public static class TrackingCode
{
    public const string Alphabet = "BCDFGHJKMNPQRSTVWXZ";
    public const int Length = 8;

    /// <summary>A new code; <paramref name="next"/> returns a uniform integer in [0, n) (a cryptographic one in production).</summary>
    public static string Generate(Func<int, int> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return string.Create(Length, next, static (span, random) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var k = random(Alphabet.Length);
                if ((uint)k >= (uint)Alphabet.Length) throw new ArgumentOutOfRangeException(nameof(next), k, "The random source left its range.");
                span[i] = Alphabet[k];
            }
        });
    }

    /// <summary>
    /// The code as stored, from what a citizen typed ("bcdf ghjk", "BCDF-GHJK"): case, spaces, hyphens and dots are
    /// ignored. Null when it cannot be a code.
    /// </summary>
    public static string? Normalise(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed) || typed.Length > 40) return null;
        Span<char> code = stackalloc char[Length];
        var n = 0;
        foreach (var c in typed)
        {
            if (c is ' ' or '-' or '.' or '\t' or '\u00A0') continue;
            var upper = char.ToUpperInvariant(c);
            if (Alphabet.IndexOf(upper) < 0 || n == Length) return null;
            code[n++] = upper;
        }
        return n == Length ? new string(code) : null;
    }

    public static bool IsValid(string? typed) => Normalise(typed) is not null;

    /// <summary>Grouped by four for reading aloud or copying: "BCDF GHJK".</summary>
    public static string Display(string code) => code.Length == Length ? $"{code[..4]} {code[4..]}" : code;
}
