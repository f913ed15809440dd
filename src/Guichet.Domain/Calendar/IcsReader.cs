using System.Globalization;
using System.Text;

namespace Guichet.Domain.Calendar;

/// <summary>
/// A date or date-time of an iCalendar file: a whole day (VALUE=DATE), an instant in UTC ("…Z"), or a wall-clock
/// time, either in a named zone (TZID) or floating (read in the site's own zone).
/// </summary>
public readonly record struct IcsTime(DateTime Value, bool IsDate, bool IsUtc, string? TimeZoneId)
{
    /// <param name="siteZone">the zone of whole days and floating times.</param>
    /// <param name="findZone">resolves a TZID; null when unknown (the site's zone is used then).</param>
    public DateTime ToUtc(TimeZoneInfo siteZone, Func<string, TimeZoneInfo?> findZone)
    {
        if (IsUtc) return DateTime.SpecifyKind(Value, DateTimeKind.Utc);
        var zone = TimeZoneId is null ? siteZone : findZone(TimeZoneId) ?? siteZone;
        var local = DateTime.SpecifyKind(Value, DateTimeKind.Unspecified);
        // A wall-clock time in a spring-forward gap does not exist: take the first instant after the gap.
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }
}

/// <summary>One VEVENT: its end is always known (DTEND, DTSTART + DURATION, or the day after a whole-day start).</summary>
public sealed record IcsEvent(string? Uid, string? Summary, IcsTime Start, IcsTime End, int Line);

/// <summary>Why an event of the file was left out, with the line it starts on, in French.</summary>
public sealed record IcsProblem(int Line, string Message);

public sealed record IcsReadResult(IReadOnlyList<IcsEvent> Events, IReadOnlyList<IcsProblem> Problems);

/// <summary>
/// Reads the events of an iCalendar (RFC 5545) file, as exported by the calendars town halls use for their closures
/// (school holidays, bridges, staff absences): unfolds lines, reads parameters (quoted or not), unescapes text, and
/// takes DTSTART with DTEND or DURATION. Recurring events are reported, not expanded: a closure is a dated fact.
/// </summary>
public static class IcsReader
{
    public const int MaxEvents = 2000;

    public static IcsReadResult Read(string text)
    {
        var events = new List<IcsEvent>();
        var problems = new List<IcsProblem>();
        var lines = Unfold(text);
        if (!lines.Any(l => l.Text.Equals("BEGIN:VCALENDAR", StringComparison.OrdinalIgnoreCase)))
            return new([], [new IcsProblem(1, "Ce fichier n'est pas un calendrier iCalendar (.ics) : la ligne BEGIN:VCALENDAR manque.")]);

        Dictionary<string, ContentLine>? current = null;
        var depth = 0;          // components nested inside the VEVENT (VALARM): their properties are not the event's
        var eventLine = 0;
        foreach (var (number, raw) in lines)
        {
            if (raw.Length == 0) continue;
            if (!TryParse(raw, out var line))
            {
                if (current is not null) problems.Add(new(number, $"Ligne {number} illisible : « {Shorten(raw)} »."));
                continue;
            }
            if (line.Name == "BEGIN" && line.Value.Equals("VEVENT", StringComparison.OrdinalIgnoreCase) && current is null)
            {
                current = new Dictionary<string, ContentLine>(StringComparer.Ordinal);
                eventLine = number;
                depth = 0;
            }
            else if (current is null) continue;
            else if (line.Name == "BEGIN") depth++;
            else if (line.Name == "END" && depth > 0) depth--;
            else if (line.Name == "END" && line.Value.Equals("VEVENT", StringComparison.OrdinalIgnoreCase))
            {
                if (events.Count >= MaxEvents)
                {
                    problems.Add(new(eventLine, $"Plus de {MaxEvents} événements : les suivants ne sont pas lus."));
                    current = null;
                    break;
                }
                if (ToEvent(current, eventLine, out var problem) is { } e) events.Add(e);
                else if (problem is not null) problems.Add(problem);
                current = null;
            }
            else if (depth == 0) current.TryAdd(line.Name, line);
        }
        if (current is not null) problems.Add(new(eventLine, $"L'événement de la ligne {eventLine} n'est pas terminé (END:VEVENT manque)."));
        return new(events, problems);
    }

    private static IcsEvent? ToEvent(Dictionary<string, ContentLine> p, int line, out IcsProblem? problem)
    {
        problem = null;
        var summary = p.TryGetValue("SUMMARY", out var s) ? Unescape(s.Value).Trim() : null;
        var label = string.IsNullOrEmpty(summary) ? $"L'événement de la ligne {line}" : $"L'événement « {Shorten(summary)} » (ligne {line})";
        if (p.TryGetValue("STATUS", out var status) && status.Value.Equals("CANCELLED", StringComparison.OrdinalIgnoreCase))
            return null;    // an event its calendar cancelled is no closure, and no problem either
        if (p.ContainsKey("RRULE") || p.ContainsKey("RDATE"))
        {
            problem = new(line, $"{label} se répète (RRULE) : ajoutez chaque fermeture comme un événement daté.");
            return null;
        }
        if (!p.TryGetValue("DTSTART", out var startLine) || ParseTime(startLine) is not { } start)
        {
            problem = new(line, $"{label} n'a pas de date de début lisible (DTSTART).");
            return null;
        }
        IcsTime end;
        if (p.TryGetValue("DTEND", out var endLine))
        {
            if (ParseTime(endLine) is not { } e)
            {
                problem = new(line, $"{label} a une date de fin illisible (DTEND).");
                return null;
            }
            end = e;
        }
        else if (p.TryGetValue("DURATION", out var durationLine))
        {
            if (ParseDuration(durationLine.Value) is not { } d || d <= TimeSpan.Zero)
            {
                problem = new(line, $"{label} a une durée illisible (DURATION).");
                return null;
            }
            end = start with { Value = start.Value + d, IsDate = start.IsDate && d.Ticks % TimeSpan.TicksPerDay == 0 };
        }
        else if (start.IsDate) end = start with { Value = start.Value.AddDays(1) };
        else
        {
            problem = new(line, $"{label} n'a ni fin (DTEND) ni durée (DURATION).");
            return null;
        }
        if (end.Value <= start.Value && end.IsUtc == start.IsUtc && end.TimeZoneId == start.TimeZoneId)
        {
            problem = new(line, $"{label} finit avant d'avoir commencé.");
            return null;
        }
        var uid = p.TryGetValue("UID", out var u) ? Unescape(u.Value).Trim() : null;
        return new IcsEvent(string.IsNullOrEmpty(uid) ? null : uid, string.IsNullOrEmpty(summary) ? null : summary, start, end, line);
    }

    private static IcsTime? ParseTime(ContentLine line)
    {
        var value = line.Value.Trim();
        var tzid = line.Parameters.GetValueOrDefault("TZID");
        var isDate = line.Parameters.TryGetValue("VALUE", out var kind) && kind.Equals("DATE", StringComparison.OrdinalIgnoreCase)
                     || value.Length == 8;
        if (isDate)
            return DateTime.TryParseExact(value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                ? new IcsTime(day, IsDate: true, IsUtc: false, TimeZoneId: null)
                : null;
        var utc = value.EndsWith('Z');
        if (utc) value = value[..^1];
        if (!DateTime.TryParseExact(value, ["yyyyMMdd'T'HHmmss", "yyyyMMdd'T'HHmm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            return null;
        return new IcsTime(time, IsDate: false, IsUtc: utc, TimeZoneId: utc || string.IsNullOrWhiteSpace(tzid) ? null : tzid.Trim());
    }

    /// <summary>RFC 5545 durations: P2W, P1D, PT1H30M, P1DT12H… (no months nor years in the format).</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        var s = text.Trim();
        var negative = s.StartsWith('-');
        if (s.StartsWith('+') || negative) s = s[1..];
        if (s.Length < 2 || s[0] != 'P') return null;
        var total = TimeSpan.Zero;
        var inTime = false;
        var number = 0L;
        var digits = 0;
        var parts = 0;
        var timeParts = 0;
        for (var i = 1; i < s.Length; i++)
        {
            var c = s[i];
            if (c is >= '0' and <= '9')
            {
                if (++digits > 6) return null;
                number = number * 10 + (c - '0');
                continue;
            }
            if (c == 'T' && !inTime && digits == 0) { inTime = true; continue; }
            if (digits == 0) return null;
            TimeSpan part = (c, inTime) switch
            {
                ('W', false) => TimeSpan.FromDays(7 * number),
                ('D', false) => TimeSpan.FromDays(number),
                ('H', true) => TimeSpan.FromHours(number),
                ('M', true) => TimeSpan.FromMinutes(number),
                ('S', true) => TimeSpan.FromSeconds(number),
                _ => TimeSpan.MinValue,
            };
            if (part == TimeSpan.MinValue) return null;
            total += part;
            parts++;
            if (inTime) timeParts++;
            number = 0;
            digits = 0;
        }
        if (digits != 0 || parts == 0 || (inTime && timeParts == 0)) return null;
        return negative ? -total : total;
    }

    public static string Unescape(string value)
    {
        if (!value.Contains('\\')) return value;
        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                var next = value[++i];
                sb.Append(next is 'n' or 'N' ? '\n' : next);
            }
            else sb.Append(value[i]);
        }
        return sb.ToString();
    }

    private readonly record struct ContentLine(string Name, IReadOnlyDictionary<string, string> Parameters, string Value);

    /// <summary>NAME *(;PARAM=VALUE) : VALUE, where a parameter value may be quoted and hold ':' or ';'.</summary>
    private static bool TryParse(string raw, out ContentLine line)
    {
        line = default;
        var i = 0;
        while (i < raw.Length && raw[i] != ';' && raw[i] != ':') i++;
        if (i == 0 || i == raw.Length) return false;
        var name = raw[..i].Trim().ToUpperInvariant();
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (i < raw.Length && raw[i] == ';')
        {
            var nameStart = ++i;
            while (i < raw.Length && raw[i] != '=' && raw[i] != ':' && raw[i] != ';') i++;
            if (i == raw.Length || raw[i] != '=') return false;
            var key = raw[nameStart..i].Trim();
            i++;
            string value;
            if (i < raw.Length && raw[i] == '"')
            {
                var close = raw.IndexOf('"', i + 1);
                if (close < 0) return false;
                value = raw[(i + 1)..close];
                i = close + 1;
                // Several values (a,b) keep only the first: enough for TZID and VALUE.
                while (i < raw.Length && raw[i] != ';' && raw[i] != ':') i++;
            }
            else
            {
                var valueStart = i;
                while (i < raw.Length && raw[i] != ';' && raw[i] != ':') i++;
                value = raw[valueStart..i];
            }
            parameters.TryAdd(key, value);
        }
        if (i == raw.Length || raw[i] != ':') return false;
        line = new ContentLine(name, parameters, raw[(i + 1)..]);
        return true;
    }

    /// <summary>Lines with their first physical line number; a line starting with a space or a tab continues the previous one.</summary>
    private static List<(int Number, string Text)> Unfold(string text)
    {
        var result = new List<(int, string)>();
        var physical = text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        StringBuilder? current = null;
        var start = 0;
        for (var n = 0; n < physical.Length; n++)
        {
            var p = physical[n];
            if (p.Length > 0 && (p[0] == ' ' || p[0] == '\t') && current is not null)
            {
                current.Append(p, 1, p.Length - 1);
                continue;
            }
            if (current is not null) result.Add((start, current.ToString()));
            current = new StringBuilder(p);
            start = n + 1;
        }
        if (current is not null) result.Add((start, current.ToString()));
        return result;
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "…";
}
