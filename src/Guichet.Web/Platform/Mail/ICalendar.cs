using System.Globalization;
using System.Text;

namespace Guichet.Web.Platform.Mail;

/// <summary>One appointment as an iCalendar event (RFC 5545), for mail attachments (RFC 5546 iTIP).</summary>
public sealed record CalendarEvent(
    string Uid, DateTime StampUtc, DateTime StartUtc, DateTime EndUtc, string Summary, string Location,
    string Description, string? Url, int Sequence, string OrganizerName, string OrganizerEmail, string? AttendeeEmail);

/// <summary>
/// A small RFC 5545 writer: no iCalendar library is available here. Times in UTC (no VTIMEZONE needed), CRLF line
/// ends, TEXT escaping, and folding at 75 octets without cutting a UTF-8 character in two.
/// </summary>
public static class ICalendar
{
    public const string Request = "REQUEST";
    public const string Cancel = "CANCEL";

    public static string Write(CalendarEvent e, string method)
    {
        var lines = new List<string>
        {
            "BEGIN:VCALENDAR",
            "PRODID:-//Guichet//Rendez-vous//FR",
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            "METHOD:" + method,
        };
        AddEvent(lines, e, method == Cancel ? "CANCELLED" : "CONFIRMED");
        lines.Add("END:VCALENDAR");
        return Join(lines);
    }

    /// <summary>
    /// A subscribed calendar (agents' feeds): many events, METHOD:PUBLISH, a display name and a refresh hint. The
    /// whole feed is replaced at each refresh, so an event that left it is gone from the subscriber's calendar.
    /// </summary>
    public static string Feed(string name, IEnumerable<CalendarEvent> events)
    {
        var lines = new List<string>
        {
            "BEGIN:VCALENDAR",
            "PRODID:-//Guichet//Agenda//FR",
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "NAME:" + Text(name),
            "X-WR-CALNAME:" + Text(name),
            "REFRESH-INTERVAL;VALUE=DURATION:PT15M",
            "X-PUBLISHED-TTL:PT15M",
        };
        foreach (var e in events) AddEvent(lines, e, "CONFIRMED");
        lines.Add("END:VCALENDAR");
        return Join(lines);
    }

    private static void AddEvent(List<string> lines, CalendarEvent e, string status)
    {
        lines.Add("BEGIN:VEVENT");
        lines.Add("UID:" + Text(e.Uid));
        lines.Add("DTSTAMP:" + Utc(e.StampUtc));
        lines.Add("DTSTART:" + Utc(e.StartUtc));
        lines.Add("DTEND:" + Utc(e.EndUtc));
        // Calendars replace an event by a higher SEQUENCE: a cancellation must outrank the invitation.
        lines.Add("SEQUENCE:" + e.Sequence.ToString(CultureInfo.InvariantCulture));
        lines.Add("STATUS:" + status);
        lines.Add("SUMMARY:" + Text(e.Summary));
        lines.Add("LOCATION:" + Text(e.Location));
        lines.Add("DESCRIPTION:" + Text(e.Description));
        if (e.Url is not null) lines.Add("URL:" + e.Url);
        lines.Add($"ORGANIZER;CN={Parameter(e.OrganizerName)}:mailto:{e.OrganizerEmail}");
        if (e.AttendeeEmail is not null) lines.Add($"ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:{e.AttendeeEmail}");
        lines.Add("TRANSP:OPAQUE");
        lines.Add("END:VEVENT");
    }

    private static string Join(List<string> lines)
    {
        var ics = new StringBuilder();
        foreach (var line in lines) Fold(line, ics);
        return ics.ToString();
    }

    /// <summary>The METHOD of a calendar written here (REQUEST when absent).</summary>
    public static string MethodOf(string ics)
    {
        foreach (var line in ics.Split("\r\n"))
            if (line.StartsWith("METHOD:", StringComparison.Ordinal)) return line[7..];
        return Request;
    }

    private static string Utc(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>TEXT value escaping (RFC 5545 §3.3.11).</summary>
    public static string Text(string value) => value
        .Replace("\\", "\\\\").Replace(";", "\\;").Replace(",", "\\,")
        .Replace("\r\n", "\\n").Replace("\n", "\\n").Replace("\r", "\\n");

    /// <summary>A parameter value: quoted, since names hold commas or colons; DQUOTE itself is not allowed inside.</summary>
    private static string Parameter(string value) => "\"" + value.Replace("\"", "'").Replace("\r", " ").Replace("\n", " ") + "\"";

    /// <summary>Lines longer than 75 octets continue on the next line after one space (RFC 5545 §3.1).</summary>
    private static void Fold(string line, StringBuilder output)
    {
        var octets = 0;
        var limit = 75;
        var i = 0;
        while (i < line.Length)
        {
            var length = char.IsSurrogatePair(line, i) ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(line.AsSpan(i, length));
            if (octets + size > limit)
            {
                output.Append("\r\n ");
                octets = 1;
            }
            output.Append(line, i, length);
            octets += size;
            i += length;
        }
        output.Append("\r\n");
    }
}
