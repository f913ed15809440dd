using System.Globalization;
using Guichet.Domain.Messaging;

namespace Guichet.Domain.Tests.Messaging;

public sealed class ReminderScheduleTests
{
    private static DateTime Utc(string text) =>
        DateTime.ParseExact(text, "yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    /// <summary>Start and booking in UTC, lead in hours; the expected send time in UTC, or the reason for none.</summary>
    [Theory]
    // Paris in winter (UTC+1). Thursday 3 December 10:00 → Tuesday 10:00, inside the window.
    [InlineData("Europe/Paris", "2026-12-03T09:00Z", "2026-11-30T06:00Z", 48, "2026-12-01T09:00Z")]
    // 08:30 → 48 h before is 08:30, before the window opens → the evening before at 19:00 (18:00 UTC), earlier, not later.
    [InlineData("Europe/Paris", "2026-12-03T07:30Z", "2026-11-30T06:00Z", 48, "2026-11-30T18:00Z")]
    // The window's edges are inside it.
    [InlineData("Europe/Paris", "2026-12-03T08:00Z", "2026-11-30T06:00Z", 48, "2026-12-01T08:00Z")]
    [InlineData("Europe/Paris", "2026-12-03T18:00Z", "2026-11-30T06:00Z", 48, "2026-12-01T18:00Z")]
    // 19:30 → the same day at 19:00.
    [InlineData("Europe/Paris", "2026-12-03T18:30Z", "2026-11-30T06:00Z", 48, "2026-12-01T18:00Z")]
    // Booked 33 hours ahead, less than 48: the confirmation is enough.
    [InlineData("Europe/Paris", "2026-12-01T09:00Z", "2026-11-30T00:00Z", 48, ReminderSchedule.BookedLate)]
    // Booked exactly 48 hours ahead: the reminder goes at once.
    [InlineData("Europe/Paris", "2026-12-03T09:00Z", "2026-12-01T09:00Z", 48, "2026-12-01T09:00Z")]
    // Booked at 19:30 on Monday for Thursday 08:30: the earlier evening is already gone → Tuesday 09:00.
    [InlineData("Europe/Paris", "2026-12-03T07:30Z", "2026-11-30T18:30Z", 48, "2026-12-01T08:00Z")]
    // One hour ahead of an 08:30 appointment, booked the evening before: no daytime left before it.
    [InlineData("Europe/Paris", "2026-12-02T07:30Z", "2026-12-01T19:00Z", 1, ReminderSchedule.NoRoom)]
    // The organisation's own delay: 24 hours.
    [InlineData("Europe/Paris", "2026-12-03T09:00Z", "2026-11-30T06:00Z", 24, "2026-12-02T09:00Z")]
    [InlineData("Europe/Paris", "2026-12-03T09:00Z", "2026-11-30T06:00Z", 0, ReminderSchedule.Off)]
    // Spring forward (Sunday 28 March 2027, 02:00 → 03:00): Tuesday 30 March 08:30 CEST (06:30 UTC); 48 real hours
    // before is Sunday 08:30 CEST, before the window → Saturday 19:00, still winter time (18:00 UTC).
    [InlineData("Europe/Paris", "2027-03-30T06:30Z", "2027-03-20T10:00Z", 48, "2027-03-27T18:00Z")]
    // Monday 29 March 10:00 CEST (08:00 UTC): 48 hours before is Saturday 09:00 CET, the window's opening.
    [InlineData("Europe/Paris", "2027-03-29T08:00Z", "2027-03-20T10:00Z", 48, "2027-03-27T08:00Z")]
    // Fall back (Sunday 25 October 2026, 03:00 → 02:00): Tuesday 27 October 08:45 CET; Sunday 07:45 UTC is 08:45 CET,
    // before the window → Saturday 19:00 CEST (17:00 UTC).
    [InlineData("Europe/Paris", "2026-10-27T07:45Z", "2026-10-01T10:00Z", 48, "2026-10-24T17:00Z")]
    // Overseas, Guyane (UTC−3, no DST): Thursday 08:30 local (11:30 UTC) → Monday 19:00 local (22:00 UTC).
    [InlineData("America/Cayenne", "2026-12-03T11:30Z", "2026-11-30T06:00Z", 48, "2026-11-30T22:00Z")]
    // La Réunion (UTC+4): Thursday 09:00 local (05:00 UTC) → Tuesday 09:00 local, the window's opening.
    [InlineData("Indian/Reunion", "2026-12-03T05:00Z", "2026-11-30T06:00Z", 48, "2026-12-01T05:00Z")]
    // La Réunion, Thursday 08:00 local (04:00 UTC) → Monday 19:00 local (15:00 UTC): a Paris window would be wrong here.
    [InlineData("Indian/Reunion", "2026-12-03T04:00Z", "2026-11-30T06:00Z", 48, "2026-11-30T15:00Z")]
    public void Reminders_go_out_lead_hours_before_inside_the_daytime_window_moved_earlier_at_night(
        string zone, string start, string booked, int leadHours, string expected)
    {
        var plan = ReminderSchedule.Plan(Utc(start), Utc(booked), TimeSpan.FromHours(leadHours),
            TimeZoneInfo.FindSystemTimeZoneById(zone), SendWindow.Default);
        var actual = plan switch
        {
            ReminderPlan.At at => at.Utc.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture),
            ReminderPlan.None none => none.Why,
            _ => "?",
        };
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_reminder_is_never_sent_at_night_nor_after_its_lead_nor_after_the_booking_whatever_the_times()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var window = SendWindow.Default;
        var random = new Random(5);
        for (var i = 0; i < 5000; i++)
        {
            var booked = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(random.Next(0, 525_600));
            var start = booked.AddMinutes(random.Next(30, 20_000) / 5 * 5);
            if (ReminderSchedule.Plan(start, booked, TimeSpan.FromHours(48), zone, window) is not ReminderPlan.At at) continue;
            var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(at.Utc, zone));
            Assert.True(window.Contains(local), $"{at.Utc:O} is {local} in Paris");
            Assert.True(at.Utc >= booked && at.Utc < start, $"booked {booked:O}, start {start:O}, sent {at.Utc:O}");
        }
    }

    [Theory]
    [InlineData("2026-10-25T02:30", "2026-10-25T00:30Z")]   // met twice (CEST then CET): the first, earlier one
    [InlineData("2027-03-28T02:30", "2027-03-28T00:30Z")]   // skipped: read with the summer offset, earlier
    [InlineData("2026-12-01T19:00", "2026-12-01T18:00Z")]
    [InlineData("2026-07-01T19:00", "2026-07-01T17:00Z")]
    public void Local_times_that_a_dst_change_repeats_or_skips_are_read_the_earlier_way(string local, string expected) =>
        Assert.Equal(Utc(expected), ReminderSchedule.ToUtc(
            DateTime.ParseExact(local, "yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture), TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")));
}
