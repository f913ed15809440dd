using Guichet.Domain.Calendar;
using Guichet.Domain.Requests;
using static Guichet.Domain.Tests.Calendar.Dates;

namespace Guichet.Domain.Tests.Requests;

public class DeadlineTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly TimeZoneInfo Reunion = TimeZoneInfo.FindSystemTimeZoneById("Indian/Reunion");

    private static DateTime Utc(string iso) => DateTime.SpecifyKind(DateTime.Parse(iso, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    [Theory]
    [InlineData(RequestChannel.Web, 5)]
    [InlineData(RequestChannel.Email, 5)]
    [InlineData(RequestChannel.Open311, 5)]
    [InlineData(RequestChannel.Counter, 5)]
    [InlineData(RequestChannel.Phone, 5)]
    [InlineData(RequestChannel.Post, 15)]
    [InlineData(RequestChannel.Fax, 15)]
    public void Letters_get_fifteen_working_days_and_every_other_channel_five(RequestChannel channel, int days) =>
        Assert.Equal(days, Deadline.DefaultFor(channel));

    [Theory]
    // Thursday 24 December 2026, 10:00 in Paris: 25 Dec and 1 Jan are holidays, weekends skipped.
    [InlineData(Territory.Metropolitan, "2026-12-24T09:00:00", 5, "2027-01-04")]
    [InlineData(Territory.Metropolitan, "2026-12-24T09:00:00", 15, "2027-01-18")]
    // Alsace-Moselle also closes on Saturday 26 December (no change) — and Good Friday.
    [InlineData(Territory.AlsaceMoselle, "2026-12-24T09:00:00", 5, "2027-01-04")]
    [InlineData(Territory.AlsaceMoselle, "2027-03-24T09:00:00", 5, "2027-04-02")]   // Good Friday 26 Mar, Easter Monday 29 Mar
    [InlineData(Territory.Metropolitan, "2027-03-24T09:00:00", 5, "2027-04-01")]
    // Ascension Thursday 14 May and Whit Monday 25 May 2026.
    [InlineData(Territory.Metropolitan, "2026-05-12T08:00:00", 5, "2026-05-20")]
    [InlineData(Territory.Metropolitan, "2026-05-18T08:00:00", 5, "2026-05-26")]
    // Received on a Saturday: counting starts on Monday.
    [InlineData(Territory.Metropolitan, "2026-12-05T10:00:00", 5, "2026-12-11")]
    // 23:30 UTC on Monday 30 November is already Tuesday in Paris: the day of receipt is the local one.
    [InlineData(Territory.Metropolitan, "2026-11-30T23:30:00", 5, "2026-12-08")]
    [InlineData(Territory.Metropolitan, "2026-11-30T22:30:00", 5, "2026-12-07")]
    public void The_due_date_counts_working_days_after_the_local_day_of_receipt(Territory territory, string receivedUtc, int days, string due) =>
        Assert.Equal(D(due), Deadline.Due(Utc(receivedUtc), Paris, days, HolidayCalendar.For(territory)));

    [Fact]
    public void La_Reunion_counts_in_its_own_zone_and_skips_its_abolition_day()
    {
        // Friday 18 December 2026 at 21:00 UTC is Saturday 19 at 01:00 in Réunion; Sunday 20 December is the
        // abolition day (a Sunday in 2026), Christmas Friday 25.
        Assert.Equal(D("2026-12-28"), Deadline.Due(Utc("2026-12-18T21:00:00"), Reunion, 5, HolidayCalendar.For(Territory.Reunion)));
    }

    [Theory]
    [InlineData("2026-12-07", "2026-12-07", RequestStatus.Received, false)]   // the due day itself still counts
    [InlineData("2026-12-07", "2026-12-08", RequestStatus.Received, true)]
    [InlineData("2026-12-07", "2026-12-08", RequestStatus.InProgress, true)]
    [InlineData("2026-12-07", "2026-12-08", RequestStatus.Answered, false)]
    [InlineData("2026-12-07", "2026-12-20", RequestStatus.Closed, false)]
    public void A_request_is_overdue_only_after_its_due_day_and_while_open(string due, string today, RequestStatus status, bool overdue) =>
        Assert.Equal(overdue, Deadline.IsOverdue(D(due), D(today), status));

    [Fact]
    public void A_negative_or_absurd_delay_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Deadline.Due(Utc("2026-12-01T09:00:00"), Paris, -1, HolidayCalendar.Metropolitan));
        Assert.Throws<ArgumentOutOfRangeException>(() => Deadline.Due(Utc("2026-12-01T09:00:00"), Paris, 366, HolidayCalendar.Metropolitan));
    }
}
