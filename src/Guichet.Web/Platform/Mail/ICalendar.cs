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
            "BEGIN:VEVENT",
            "UID:" + Text(e.Uid),
            "DTSTAMP:" + Utc(e.StampUtc),
            "DTSTART:" + Utc(e.StartUtc),
            "DTEND:" + Utc(e.EndUtc),
            // Calendars replace an event by a higher SEQUENCE: a cancellation must outrank the invitation.
            "SEQUENCE:" + e.Sequence.ToString(CultureInfo.InvariantCulture),
            "STATUS:" + (method == Cancel ? "CANCELLED" : "CONFIRMED"),
            "SUMMARY:" + Text(e.Summary),
            "LOCATION:" + Text(e.Location),
            "DESCRIPTION:" + Text(e.Description),
        };
        if (e.Url is not null) lines.Add("URL:" + e.Url);
        lines.Add($"ORGANIZER;CN={Parameter(e.OrganizerName)}:mailto:{e.OrganizerEmail}");
        if (e.AttendeeEmail is not null) lines.Add($"ATTENDEE;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:{e.AttendeeEmail}");
        lines.Add("TRANSP:OPAQUE");
        lines.Add("END:VEVENT");
        lines.Add("END:VCALENDAR");
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
