namespace Guichet.Domain.Calendar;

/// <summary>Finds the holiday territory of a site from its département or postal code.</summary>
public static class Territories
{
    /// <summary>
    /// Maps an INSEE département (or overseas collectivity) code to its territory. Any other code,
    /// Corsica's 2A/2B included, follows the metropolitan calendar.
    /// </summary>
    public static Territory FromDepartment(string departmentCode)
    {
        ArgumentNullException.ThrowIfNull(departmentCode);

        return departmentCode.Trim() switch
        {
            "57" or "67" or "68" => Territory.AlsaceMoselle,
            "971" => Territory.Guadeloupe,
            "972" => Territory.Martinique,
            "973" => Territory.Guyane,
            "974" => Territory.Reunion,
            "976" => Territory.Mayotte,
            "977" => Territory.SaintBarthelemy,
            "978" => Territory.SaintMartin,
            _ => Territory.Metropolitan,
        };
    }

    /// <summary>
    /// Maps a five-digit French postal code to its territory: the first two digits name the
    /// département, three for overseas codes (97x).
    /// </summary>
    /// <exception cref="ArgumentException">The value is not five digits.</exception>
    public static Territory FromPostalCode(string postalCode)
    {
        ArgumentNullException.ThrowIfNull(postalCode);

        var code = postalCode.Trim();
        if (code.Length != 5 || !code.All(char.IsAsciiDigit))
        {
            throw new ArgumentException(
                $"A French postal code is exactly five digits; got \"{postalCode}\".", nameof(postalCode));
        }

        // Saint-Barthélemy and Saint-Martin left Guadeloupe in 2007 but La Poste still gives them
        // 971xx codes, so the three-digit prefix alone would put them in Guadeloupe.
        return code switch
        {
            "97133" => Territory.SaintBarthelemy,
            "97150" => Territory.SaintMartin,
            _ => FromDepartment(code.StartsWith("97", StringComparison.Ordinal) ? code[..3] : code[..2]),
        };
    }

    /// <summary>Parses a territory name, ignoring case. Numbers are refused, unlike <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/>.</summary>
    public static bool TryParse(string? value, out Territory territory)
    {
        foreach (var candidate in Enum.GetValues<Territory>())
        {
            if (string.Equals(value, candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                territory = candidate;
                return true;
            }
        }

        territory = default;
        return false;
    }
}
