using System.Globalization;

namespace Guichet.Domain.Messaging.Mime;

/// <summary>
/// RFC 5322 §3.3 date-time with the obsolete forms of §4.3: optional day name, two- and three-digit years, missing
/// seconds, zone names (UT, GMT, EST…PDT), military letters and a missing zone (read as UTC), comments such as
/// "(CET)", any case and extra spaces. Also ISO 8601, which some scripts write. Anything else gives null.
/// </summary>
public static class MailDate
{
    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    public static DateTimeOffset? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 200) return null;
        var text = StripComments(value).Replace(',', ' ').Trim();
        if (text.Length >= 10 && char.IsDigit(text[0]) && text[4] == '-'
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var iso))
            return iso;
        var tokens = text.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries).ToList();
        // A day name goes; "mar." is mardi before a day number and a month, not March.
        if (tokens.Count > 0 && char.IsLetter(tokens[0][0])
            && (MonthOf(tokens[0]) < 0 || (tokens.Count > 2 && tokens[1].All(char.IsAsciiDigit) && MonthOf(tokens[2]) >= 0)))
            tokens.RemoveAt(0);
        // "30 Nov 2026 08:15:00" or the asctime-like "Nov 30 08:15:00 2026"
        if (tokens.Count < 4) return null;
        int day, month, year;
        string time;
        int next, yearDigits;
        if (int.TryParse(tokens[0], NumberStyles.None, CultureInfo.InvariantCulture, out day) && (month = MonthOf(tokens[1])) >= 0
            && int.TryParse(tokens[2], NumberStyles.None, CultureInfo.InvariantCulture, out year))
        {
            time = tokens[3]; next = 4; yearDigits = tokens[2].Length;
        }
        else if ((month = MonthOf(tokens[0])) >= 0 && int.TryParse(tokens[1], NumberStyles.None, CultureInfo.InvariantCulture, out day)
                 && tokens[2].Contains(':') && int.TryParse(tokens[3], NumberStyles.None, CultureInfo.InvariantCulture, out year))
        {
            time = tokens[2]; next = 4; yearDigits = tokens[3].Length;
        }
        else return null;
        if (yearDigits <= 2 && year < 50) year += 2000;
        else if (year < 1000) year += 1900;

        var hms = time.Split(':');
        if (hms.Length is < 2 or > 3) return null;
        if (!int.TryParse(hms[0], NumberStyles.None, CultureInfo.InvariantCulture, out var hour)
            || !int.TryParse(hms[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minute)) return null;
        var second = 0;
        if (hms.Length == 3 && !int.TryParse(hms[2], NumberStyles.None, CultureInfo.InvariantCulture, out second)) return null;
        if (second == 60) second = 59;   // a leap second: keep the date rather than lose it

        var offset = TimeSpan.Zero;
        if (tokens.Count > next && !TryZone(tokens[next], out offset)) return null;

        if (year is < 1900 or > 9998 || month < 0 || day is < 1 or > 31 || hour > 23 || minute > 59 || second > 59) return null;
        if (day > DateTime.DaysInMonth(year, month + 1)) return null;
        if (offset.Duration() > TimeSpan.FromHours(14)) return null;
        return new DateTimeOffset(year, month + 1, day, hour, minute, second, offset);
    }

    // Some French webmails and scripts write French month abbreviations ("30 déc. 2026"); "juin" and "juil" need four letters.
    private static readonly (string Prefix, int Month)[] FrenchMonths =
        [("janv", 0), ("févr", 1), ("fevr", 1), ("avr", 3), ("mai", 4), ("juin", 5), ("juil", 6), ("août", 7), ("aout", 7), ("déc", 11)];

    private static int MonthOf(string token)
    {
        if (token.Length < 3) return -1;
        var lower = token.ToLowerInvariant();
        foreach (var (prefix, month) in FrenchMonths)
            if (lower.StartsWith(prefix, StringComparison.Ordinal)) return month;
        var t = token[..3].ToLowerInvariant();
        return Array.IndexOf(Months, t);
    }

    private static bool TryZone(string zone, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (zone.Length == 5 && (zone[0] == '+' || zone[0] == '-') && zone.Skip(1).All(char.IsAsciiDigit))
        {
            var h = (zone[1] - '0') * 10 + (zone[2] - '0');
            var m = (zone[3] - '0') * 10 + (zone[4] - '0');
            if (m > 59) return false;
            offset = new TimeSpan(h, m, 0);
            if (zone[0] == '-') offset = -offset;
            return true;
        }
        switch (zone.ToUpperInvariant())
        {
            case "UT": case "UTC": case "GMT": case "Z": return true;
            case "EST": offset = TimeSpan.FromHours(-5); return true;
            case "EDT": offset = TimeSpan.FromHours(-4); return true;
            case "CST": offset = TimeSpan.FromHours(-6); return true;
            case "CDT": offset = TimeSpan.FromHours(-5); return true;
            case "MST": offset = TimeSpan.FromHours(-7); return true;
            case "MDT": offset = TimeSpan.FromHours(-6); return true;
            case "PST": offset = TimeSpan.FromHours(-8); return true;
            case "PDT": offset = TimeSpan.FromHours(-7); return true;
            case "CET": offset = TimeSpan.FromHours(1); return true;    // not RFC, but French servers write it
            case "CEST": offset = TimeSpan.FromHours(2); return true;
        }
        // Military letters mean nothing reliable (RFC 5322 §4.3): treat as UTC. Unknown words likewise.
        return zone.All(char.IsAsciiLetter);
    }

    private static string StripComments(string s)
    {
        if (!s.Contains('(')) return s;
        var sb = new System.Text.StringBuilder(s.Length);
        int depth = 0;
        foreach (var c in s)
        {
            if (c == '(') depth++;
            else if (c == ')' && depth > 0) depth--;
            else if (depth == 0) sb.Append(c);
        }
        return sb.ToString();
    }
}
