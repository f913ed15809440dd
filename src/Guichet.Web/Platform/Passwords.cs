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

    /// <summary>Null when acceptable; else why not, in French.</summary>
    public static string? CheckPolicy(string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinLength)
            return $"Le mot de passe doit compter au moins {MinLength} caractères.";
        if (password.Length > 200) return "Le mot de passe est trop long (200 caractères au plus).";
        var kinds = (password.Any(char.IsLower) ? 1 : 0) + (password.Any(char.IsUpper) ? 1 : 0)
                  + (password.Any(char.IsDigit) ? 1 : 0) + (password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
        return kinds < 3 ? "Le mot de passe doit mêler au moins trois sortes de caractères : minuscules, majuscules, chiffres, symboles." : null;
    }
}
