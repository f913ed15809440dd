namespace Guichet.Domain.Contacts;

public enum PhoneKind { Mobile, Landline, Other }

/// <summary>A French telephone number in E.164 form (+33…, or an overseas country code).</summary>
public readonly record struct FrenchPhone(string E164, PhoneKind Kind)
{
    // Overseas departments have their own country codes; their mobiles start with these national prefixes.
    private static readonly (string National, string Country, bool Mobile)[] Overseas =
    [
        ("0690", "+590", true), ("0691", "+590", true), ("0590", "+590", false),   // Guadeloupe, St-Barth, St-Martin
        ("0696", "+596", true), ("0697", "+596", true), ("0596", "+596", false),   // Martinique
        ("0694", "+594", true), ("0594", "+594", false),                           // Guyane
        ("0692", "+262", true), ("0693", "+262", true), ("0262", "+262", false),   // La Réunion
        ("0639", "+262", true), ("0269", "+262", false),                           // Mayotte
    ];

    public bool IsMobile => Kind == PhoneKind.Mobile;

    /// <summary>Reads "06 12 34 56 78", "+33 6 12…", "0033612…", "06.12.34.56.78"; null when it is not a French number.</summary>
    public static FrenchPhone? Parse(string? input)
    {
        if (string.IsNullOrWhiteSpace(input) || input.Length > 30) return null;
        Span<char> digits = stackalloc char[30];
        var n = 0;
        var plus = false;
        foreach (var c in input)
        {
            if (char.IsAsciiDigit(c)) digits[n++] = c;
            else if (c == '+' && n == 0 && !plus) plus = true;
            else if (c is ' ' or '.' or '-' or '(' or ')' or '\u00A0') continue;
            else return null;
        }
        var d = new string(digits[..n]);
        if (!plus && d.StartsWith("00")) { d = d[2..]; plus = true; }
        string national;
        if (plus)
        {
            string[] codes = ["33", "590", "596", "594", "262"];
            var code = codes.FirstOrDefault(d.StartsWith);
            if (code is null) return null;
            var rest = d[code.Length..];
            if (rest.StartsWith('0')) rest = rest[1..];   // "+33 (0)6…"
            national = "0" + rest;
        }
        else national = d;

        if (national.Length != 10 || national[0] != '0' || national[1] == '0') return null;

        foreach (var (prefix, country, mobile) in Overseas)
            if (national.StartsWith(prefix))
                return new FrenchPhone(country + national[1..], mobile ? PhoneKind.Mobile : PhoneKind.Landline);

        var kind = national[1] switch
        {
            '6' or '7' => PhoneKind.Mobile,
            '1' or '2' or '3' or '4' or '5' or '9' => PhoneKind.Landline,
            _ => PhoneKind.Other,   // 08 special rates
        };
        return new FrenchPhone("+33" + national[1..], kind);
    }

    /// <summary>"06 12 34 56 78" for a person to read.</summary>
    public string National
    {
        get
        {
            var code = E164.StartsWith("+33") ? "+33" : E164[..4];
            var rest = "0" + E164[code.Length..];
            return string.Join(' ', Enumerable.Range(0, 5).Select(i => rest.Substring(i * 2, 2)));
        }
    }
}
