using System.Globalization;
using System.Text;

namespace Guichet.Domain.Voice;

/// <summary>
/// Numbers, dates, times, codes and phone numbers written out in French words, ready for a speech engine.
/// espeak-ng reads "9h30" as "neuf ache trente" and "1 heure" as "un heure": we never hand it digits.
/// </summary>
public static class FrenchSpeech
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");

    private static readonly string[] Units =
    [
        "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
        "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
    ];

    private static readonly string[] Tens = ["", "dix", "vingt", "trente", "quarante", "cinquante", "soixante"];

    /// <summary>A whole number in words (traditional spelling: hyphens below one hundred, "et" for 21…71).</summary>
    /// <param name="feminine">"une" for heures, minutes, personnes: "vingt et une heures".</param>
    public static string Number(long n, bool feminine = false)
    {
        if (n < 0) return "moins " + Number(-n, feminine);
        var words = Words(n, final: true);
        // Only a final "un" agrees: "vingt et une heures" but "un million".
        if (feminine && (words == "un" || words.EndsWith(" un") || words.EndsWith("-un"))) words = words[..^2] + "une";
        return words;
    }

    private static string Words(long n, bool final)
    {
        if (n < 20) return Units[n];
        if (n < 100) return BelowHundred((int)n, final);
        if (n < 1000)
        {
            var hundreds = (int)(n / 100);
            var rest = (int)(n % 100);
            var head = hundreds == 1 ? "cent" : Units[hundreds] + " cent";
            // "deux cents" takes an s only when nothing follows it.
            if (rest == 0) return hundreds > 1 && final ? head + "s" : head;
            return head + " " + Words(rest, final);
        }
        if (n < 1_000_000)
        {
            var thousands = n / 1000;
            var rest = n % 1000;
            var head = thousands == 1 ? "mille" : Words(thousands, final: false) + " mille";
            return rest == 0 ? head : head + " " + Words(rest, final);
        }
        if (n < 1_000_000_000)
        {
            var millions = n / 1_000_000;
            var rest = n % 1_000_000;
            var head = Words(millions, final: false) + (millions == 1 ? " million" : " millions");
            return rest == 0 ? head : head + " " + Words(rest, final);
        }
        var billions = n / 1_000_000_000;
        var tail = n % 1_000_000_000;
        var top = Words(billions, final: false) + (billions == 1 ? " milliard" : " milliards");
        return tail == 0 ? top : top + " " + Words(tail, final);
    }

    private static string BelowHundred(int n, bool final)
    {
        if (n < 20) return Units[n];
        int ten = n / 10, unit = n % 10;
        if (ten is 7 or 9)
        {
            // soixante-dix…soixante-dix-neuf, quatre-vingt-dix…: the unit counts from ten.
            var head = ten == 7 ? "soixante" : "quatre-vingt";
            var low = 10 + unit;
            return ten == 7 && unit == 1 ? "soixante et onze" : head + "-" + Units[low];
        }
        if (ten == 8) return unit == 0 ? (final ? "quatre-vingts" : "quatre-vingt") : "quatre-vingt-" + Units[unit];
        if (unit == 0) return Tens[ten];
        if (unit == 1) return Tens[ten] + " et un";
        return Tens[ten] + "-" + Units[unit];
    }

    /// <summary>"mardi trois décembre", "vendredi premier janvier deux mille vingt-sept" (year only when not this year's).</summary>
    public static string Date(DateOnly date, DateOnly today)
    {
        var weekday = French.DateTimeFormat.GetDayName(date.DayOfWeek);
        var month = French.DateTimeFormat.GetMonthName(date.Month);
        var day = date.Day == 1 ? "premier" : Number(date.Day);
        var text = $"{weekday} {day} {month}";
        return date.Year == today.Year ? text : text + " " + Number(date.Year);
    }

    /// <summary>24-hour administrative style: "neuf heures trente", "une heure", "vingt et une heures cinq", "zéro heure".</summary>
    public static string Time(TimeOnly time)
    {
        var hours = Number(time.Hour, feminine: true) + (time.Hour <= 1 ? " heure" : " heures");
        return time.Minute == 0 ? hours : hours + " " + Number(time.Minute, feminine: true);
    }

    /// <summary>"mardi trois décembre à neuf heures trente".</summary>
    public static string DateAndTime(DateTime local, DateOnly today) =>
        Date(DateOnly.FromDateTime(local), today) + " à " + Time(TimeOnly.FromDateTime(local));

    /// <summary>A code digit by digit, with pauses: "quatre, huit, deux, sept". Other characters are spelt as they are.</summary>
    public static string Digits(string code)
    {
        var parts = new List<string>();
        foreach (var c in code)
        {
            if (char.IsAsciiDigit(c)) parts.Add(Units[c - '0']);
            else if (c == '*') parts.Add("étoile");
            else if (c == '#') parts.Add("dièse");
            else if (char.IsAsciiLetter(c)) parts.Add(char.ToUpperInvariant(c).ToString());
        }
        return string.Join(", ", parts);
    }

    /// <summary>
    /// A French number by pairs, the way it is said in France: "zéro six, douze, trente-quatre, cinquante-six,
    /// soixante-dix-huit". Pairs starting with 0 are said digit by digit ("zéro six"); "+33 6…" is read as "06…".
    /// </summary>
    public static string PhoneNumber(string national)
    {
        var digits = new StringBuilder();
        foreach (var c in national) if (char.IsAsciiDigit(c)) digits.Append(c);
        var d = digits.ToString();
        if (national.TrimStart().StartsWith('+') && d.StartsWith("33")) d = "0" + d[2..];
        if (d.Length % 2 != 0) return Digits(d);
        var pairs = new List<string>();
        for (var i = 0; i < d.Length; i += 2)
        {
            var pair = d.Substring(i, 2);
            pairs.Add(pair[0] == '0' ? Units[0] + " " + Units[pair[1] - '0'] : Number(int.Parse(pair, CultureInfo.InvariantCulture)));
        }
        return string.Join(", ", pairs);
    }
}
