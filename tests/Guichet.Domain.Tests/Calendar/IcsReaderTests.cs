using Guichet.Domain.Calendar;

namespace Guichet.Domain.Tests.Calendar;

public sealed class IcsReaderTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly TimeZoneInfo Cayenne = TimeZoneInfo.FindSystemTimeZoneById("America/Cayenne");

    private static TimeZoneInfo? Find(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out var z) ? z : null;

    private static string Calendar(params string[] eventLines) =>
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mairie//Fermetures//FR\r\n"
        + string.Concat(eventLines.Select(l => l + "\r\n")) + "END:VCALENDAR\r\n";

    private static DateTime Utc(string text) => DateTime.SpecifyKind(DateTime.Parse(text), DateTimeKind.Utc);

    [Theory]
    // A whole day: from the site's midnight to the next midnight (DTEND of a date is exclusive).
    [InlineData("DTSTART;VALUE=DATE:20261224", "DTEND;VALUE=DATE:20261225", "2026-12-23 23:00", "2026-12-24 23:00")]
    // A date without DTEND lasts one day; a bare 8-digit value is a date even without VALUE=DATE.
    [InlineData("DTSTART:20261224", null, "2026-12-23 23:00", "2026-12-24 23:00")]
    // UTC instants stay as they are.
    [InlineData("DTSTART:20261224T130000Z", "DTEND:20261224T170000Z", "2026-12-24 13:00", "2026-12-24 17:00")]
    // A named zone, quoted or not.
    [InlineData("DTSTART;TZID=Europe/Paris:20260715T140000", "DTEND;TZID=\"Europe/Paris\":20260715T180000", "2026-07-15 12:00", "2026-07-15 16:00")]
    [InlineData("DTSTART;TZID=America/Cayenne:20261224T080000", "DTEND;TZID=America/Cayenne:20261224T120000", "2026-12-24 11:00", "2026-12-24 15:00")]
    // A floating time is read in the site's zone; an unknown TZID too.
    [InlineData("DTSTART:20261224T080000", "DTEND:20261224T120000", "2026-12-24 07:00", "2026-12-24 11:00")]
    [InlineData("DTSTART;TZID=Mairie/Inconnue:20261224T080000", "DTEND;TZID=Mairie/Inconnue:20261224T120000", "2026-12-24 07:00", "2026-12-24 11:00")]
    // DURATION instead of DTEND, on a date and on a time.
    [InlineData("DTSTART;VALUE=DATE:20261224", "DURATION:P2D", "2026-12-23 23:00", "2026-12-25 23:00")]
    [InlineData("DTSTART:20261224T080000Z", "DURATION:PT3H30M", "2026-12-24 08:00", "2026-12-24 11:30")]
    // Minutes only, without seconds.
    [InlineData("DTSTART:20261224T0800", "DTEND:20261224T0930", "2026-12-24 07:00", "2026-12-24 08:30")]
    public void Start_and_end_are_read_in_every_form_town_hall_calendars_use(string start, string? end, string startUtc, string endUtc)
    {
        var lines = new List<string> { "BEGIN:VEVENT", "UID:a@mairie", "SUMMARY:Fermeture", start };
        if (end is not null) lines.Add(end);
        lines.Add("END:VEVENT");
        var result = IcsReader.Read(Calendar([.. lines]));
        Assert.Empty(result.Problems);
        var e = Assert.Single(result.Events);
        Assert.Equal(Utc(startUtc), e.Start.ToUtc(Paris, Find));
        Assert.Equal(Utc(endUtc), e.End.ToUtc(Paris, Find));
    }

    [Fact]
    public void Folded_lines_and_escaped_text_are_put_back_together()
    {
        var text = Calendar("BEGIN:VEVENT", "UID:pont-ascension-2026@lorval.f", " r", "SUMMARY:Pont de l'Ascension\\, mairie ferm", " ée\\; accueil\\nsur rendez-vous",
            "DTSTART;VALUE=DATE:20260515", "END:VEVENT");
        var e = Assert.Single(IcsReader.Read(text).Events);
        Assert.Equal("pont-ascension-2026@lorval.fr", e.Uid);
        Assert.Equal("Pont de l'Ascension, mairie fermée; accueil\nsur rendez-vous", e.Summary);
    }

    [Fact]
    public void Bare_line_feeds_and_a_tab_continuation_are_accepted()
    {
        var text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Inventaire\n\tannuel\nDTSTART;VALUE=DATE:20270104\nEND:VEVENT\nEND:VCALENDAR\n";
        var e = Assert.Single(IcsReader.Read(text).Events);
        Assert.Equal("Inventaireannuel", e.Summary);
        Assert.Null(e.Uid);
    }

    [Fact]
    public void An_alarm_inside_an_event_does_not_lend_it_its_properties()
    {
        var text = Calendar("BEGIN:VEVENT", "SUMMARY:Formation", "DTSTART:20270104T080000Z", "DTEND:20270104T120000Z",
            "BEGIN:VALARM", "TRIGGER:-PT15M", "DESCRIPTION:Rappel", "SUMMARY:Alarme", "END:VALARM", "END:VEVENT");
        var e = Assert.Single(IcsReader.Read(text).Events);
        Assert.Equal("Formation", e.Summary);
    }

    [Theory]
    [InlineData("DTEND:20270104T120000Z", "n'a pas de date de début lisible")]
    [InlineData("DTSTART:2027-01-04", "n'a pas de date de début lisible")]
    [InlineData("DTSTART:20271304T080000Z\r\nDTEND:20271304T120000Z", "n'a pas de date de début lisible")]
    [InlineData("DTSTART:20270104T080000Z", "n'a ni fin (DTEND) ni durée (DURATION)")]
    [InlineData("DTSTART:20270104T080000Z\r\nDTEND:demain", "date de fin illisible")]
    [InlineData("DTSTART:20270104T080000Z\r\nDURATION:P1Y", "durée illisible")]
    [InlineData("DTSTART:20270104T080000Z\r\nDURATION:-PT1H", "durée illisible")]
    [InlineData("DTSTART:20270104T120000Z\r\nDTEND:20270104T080000Z", "finit avant d'avoir commencé")]
    [InlineData("DTSTART;VALUE=DATE:20270104\r\nRRULE:FREQ=WEEKLY;BYDAY=MO", "se répète (RRULE)")]
    public void A_bad_event_is_left_out_with_a_french_reason_and_its_line(string properties, string expected)
    {
        var text = Calendar("BEGIN:VEVENT", "SUMMARY:Fermeture", properties, "END:VEVENT",
            "BEGIN:VEVENT", "SUMMARY:Bonne", "DTSTART;VALUE=DATE:20270105", "END:VEVENT");
        var result = IcsReader.Read(text);
        Assert.Equal("Bonne", Assert.Single(result.Events).Summary);
        var problem = Assert.Single(result.Problems);
        Assert.Contains(expected, problem.Message);
        Assert.Contains("« Fermeture »", problem.Message);
        Assert.Equal(4, problem.Line);
    }

    [Fact]
    public void A_cancelled_event_is_no_closure_and_no_problem()
    {
        var result = IcsReader.Read(Calendar("BEGIN:VEVENT", "STATUS:CANCELLED", "DTSTART;VALUE=DATE:20270104", "END:VEVENT"));
        Assert.Empty(result.Events);
        Assert.Empty(result.Problems);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bonjour")]
    [InlineData("BEGIN:VEVENT\r\nDTSTART:20270104\r\nEND:VEVENT")]
    [InlineData("\0\0\0\u00ff\u00fe")]
    public void Text_that_is_no_calendar_says_so(string text)
    {
        var result = IcsReader.Read(text);
        Assert.Empty(result.Events);
        Assert.Contains("n'est pas un calendrier iCalendar", Assert.Single(result.Problems).Message);
    }

    [Fact]
    public void An_unfinished_event_and_unreadable_lines_are_reported()
    {
        var result = IcsReader.Read("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270104\r\nn'importe quoi\r\n");
        Assert.Empty(result.Events);
        Assert.Contains(result.Problems, p => p.Message.Contains("illisible") && p.Line == 4);
        Assert.Contains(result.Problems, p => p.Message.Contains("n'est pas terminé"));
    }

    [Fact]
    public void A_calendar_of_too_many_events_stops_at_the_limit()
    {
        var events = Enumerable.Range(0, IcsReader.MaxEvents + 5)
            .SelectMany(i => new[] { "BEGIN:VEVENT", $"UID:{i}", "DTSTART;VALUE=DATE:20270104", "END:VEVENT" }).ToArray();
        var result = IcsReader.Read(Calendar(events));
        Assert.Equal(IcsReader.MaxEvents, result.Events.Count);
        Assert.Contains("Plus de 2000 événements", Assert.Single(result.Problems).Message);
    }

    [Theory]
    [InlineData("P1W", 7 * 24 * 60)]
    [InlineData("P1D", 24 * 60)]
    [InlineData("PT90M", 90)]
    [InlineData("P1DT2H", 26 * 60)]
    [InlineData("+PT1H", 60)]
    [InlineData("PT0S", 0)]
    public void Durations_follow_rfc_5545(string text, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), IcsReader.ParseDuration(text));

    [Theory]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("1D")]
    [InlineData("P1H")]
    [InlineData("PT1D")]
    [InlineData("P1M")]
    [InlineData("P9999999D")]
    [InlineData("P1DT")]
    public void Malformed_durations_are_refused(string text) => Assert.Null(IcsReader.ParseDuration(text));

    [Fact]
    public void A_time_in_the_spring_forward_gap_moves_to_the_first_instant_after_it()
    {
        // 29 March 2026, 02:30 does not exist in Paris.
        var time = new IcsTime(new DateTime(2026, 3, 29, 2, 30, 0), IsDate: false, IsUtc: false, TimeZoneId: null);
        Assert.Equal(Utc("2026-03-29 01:00"), time.ToUtc(Paris, Find));
        Assert.Equal(Utc("2026-03-29 05:30"), time.ToUtc(Cayenne, Find));
    }
}
