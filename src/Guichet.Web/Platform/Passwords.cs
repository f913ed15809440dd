using System.Security.Cryptography;
using System.Text;

namespace Guichet.Web.Platform;

/// <summary>PBKDF2-SHA256 with a per-password salt; the format carries its cost so it can be raised later.</summary>
public static class Passwords
{
    private const int Iterations = 210_000;
    public const int MinLength = 12;

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2-sha256" || !int.TryParse(parts[1], out var iterations)) return false;
        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>
    /// The passwords people pick first, reduced to their letters (lower case, no accents): "Azerty-2026!" and
    /// "P@ssword1234" are these words dressed up, and guessing tools try them first.
    /// </summary>
    public static readonly IReadOnlySet<string> Common = new HashSet<string>(StringComparer.Ordinal)
    {
        "password", "passw", "pass", "motdepasse", "mdp", "azerty", "azertyuiop", "qwerty", "qwertyuiop", "abc", "abcdef",
        "abcdefgh", "abcdefghijkl", "admin", "administrateur", "administrator", "root", "user", "utilisateur", "bonjour",
        "soleil", "doudou", "loulou", "chouchou", "marseille", "paris", "france", "liberte", "iloveyou", "jetaime", "welcome",
        "bienvenue", "monkey", "dragon", "letmein", "football", "sunshine", "princess", "master", "secret", "changeme",
        "test", "guichet", "mairie", "mairiedelorval", "lorval", "hello", "salut", "aaaaaaaaaaaa", "azertyazerty",
        "qsdfghjklm", "wxcvbn", "", "p", "pw", "pwd", "a", "aze", "azer", "azert", "qwer", "qwert", "x", "xx", "xxx",
    };

    /// <summary>Null when acceptable; else why not, in French. <paramref name="email"/> is the account's address, when known.</summary>
    public static string? CheckPolicy(string? password, string? email = null)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinLength)
            return $"Le mot de passe doit compter au moins {MinLength} caractères.";
        if (password.Length > 200) return "Le mot de passe est trop long (200 caractères au plus).";
        var lower = password.ToLowerInvariant();
        if (Common.Contains(Letters(password)) || Common.Contains(Unleet(password)) || Common.Contains(lower))
            return "Ce mot de passe est trop courant : il figure parmi les premiers essayés par les pirates. Choisissez-en un autre.";
        if (password.Distinct().Count() < 5)
            return "Le mot de passe répète trop les mêmes caractères. Choisissez-en un autre.";
        if (!string.IsNullOrWhiteSpace(email))
        {
            var address = email.Trim().ToLowerInvariant();
            var local = address.Split('@')[0];
            if (lower.Contains(address, StringComparison.Ordinal) || (local.Length >= 4 && Letters(password).Contains(Letters(local), StringComparison.Ordinal)))
                return "Le mot de passe ne doit pas reprendre l'adresse e-mail du compte.";
        }
        var kinds = (password.Any(char.IsLower) ? 1 : 0) + (password.Any(char.IsUpper) ? 1 : 0)
                  + (password.Any(char.IsDigit) ? 1 : 0) + (password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
        return kinds < 3 ? "Le mot de passe doit mêler au moins trois sortes de caractères : minuscules, majuscules, chiffres, symboles." : null;
    }

    /// <summary>Letters only, lower case, without accents: "Azerty-2026!" → "azerty".</summary>
    private static string Letters(string text) => Fold(text, leet: false);

    /// <summary>The same after look-alike symbols inside the word are read as letters: "P@ssw0rd1234" → "password".</summary>
    private static string Unleet(string text) => Fold(text.Trim().TrimEnd("0123456789!?.*-_#$%&+= ".ToCharArray()), leet: true);

    private static string Fold(string text, bool leet)
    {
        var folded = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            var d = !leet ? c : c switch { '@' => 'a', '0' => 'o', '1' => 'i', '3' => 'e', '$' => 's', '5' => 's', '!' => 'i', '€' => 'e', _ => c };
            if (d is >= 'a' and <= 'z') sb.Append(d);
        }
        return sb.ToString();
    }
}
