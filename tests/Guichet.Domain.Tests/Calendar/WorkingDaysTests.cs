using Guichet.Domain.Calendar;
using static Guichet.Domain.Tests.Calendar.Dates;

namespace Guichet.Domain.Tests.Calendar;

public class WorkingDaysTests
{
    private static readonly HolidayCalendar Metropolitan = HolidayCalendar.Metropolitan;

    [Theory]
    // Easter weekend 2026: Friday 3 April, Easter Monday 6 April.
    [InlineData(Territory.Metropolitan, "2026-04-02", 1, "2026-04-03")]
    [InlineData(Territory.Metropolitan, "2026-04-02", 2, "2026-04-07")]
    [InlineData(Territory.AlsaceMoselle, "2026-04-02", 1, "2026-04-07")] // Good Friday closed too
    [InlineData(Territory.AlsaceMoselle, "2026-04-02", 2, "2026-04-08")]
    // Ascension Thursday 14 May 2026; the Friday bridge is worked.
    [InlineData(Territory.Metropolitan, "2026-05-13", 1, "2026-05-15")]
    [InlineData(Territory.Metropolitan, "2026-05-13", 2, "2026-05-18")]
    [InlineData(Territory.Metropolitan, "2026-05-13", 5, "2026-05-21")]
    [InlineData(Territory.Metropolitan, "2026-05-13", 6, "2026-05-22")]
    [InlineData(Territory.Metropolitan, "2026-05-13", 7, "2026-05-26")] // skips Whit Monday
    // Christmas and New Year, across the year boundary.
    [InlineData(Territory.Metropolitan, "2026-12-24", 1, "2026-12-28")]
    [InlineData(Territory.Metropolitan, "2026-12-31", 1, "2027-01-04")]
    [InlineData(Territory.Metropolitan, "2026-12-24", 5, "2027-01-04")]
    [InlineData(Territory.Metropolitan, "2025-12-24", 1, "2025-12-26")]
    [InlineData(Territory.Metropolitan, "2025-12-31", 1, "2026-01-02")]
    // Alsace-Moselle also closes on 26 December.
    [InlineData(Territory.AlsaceMoselle, "2025-12-24", 1, "2025-12-29")]
    [InlineData(Territory.AlsaceMoselle, "2025-12-24", 3, "2025-12-31")]
    [InlineData(Territory.AlsaceMoselle, "2025-12-24", 4, "2026-01-02")]
    // Mayotte closes on 27 April (a Monday in 2026).
    [InlineData(Territory.Metropolitan, "2026-04-24", 1, "2026-04-27")]
    [InlineData(Territory.Mayotte, "2026-04-24", 1, "2026-04-28")]
    // Receipt on a weekend: counting still starts the next day.
    [InlineData(Territory.Metropolitan, "2026-03-07", 1, "2026-03-09")]
    [InlineData(Territory.Metropolitan, "2026-03-08", 1, "2026-03-09")]
    public void Adding_business_days_skips_weekends_and_the_territory_holidays(Territory territory, string start, int days, string expected)
    {
        Assert.Equal(D(expected), WorkingDays.Add(D(start), days, HolidayCalendar.For(territory)));
    }

    [Theory]
    [InlineData("2026-03-06", 1, DayCount.Business, "2026-03-09")]
    [InlineData("2026-03-06", 1, DayCount.BusinessWithSaturday, "2026-03-07")]
    [InlineData("2026-03-06", 2, DayCount.BusinessWithSaturday, "2026-03-09")]
    [InlineData("2026-03-06", 6, DayCount.Business, "2026-03-16")]
    [InlineData("2026-03-06", 6, DayCount.BusinessWithSaturday, "2026-03-13")]
    [InlineData("2026-08-13", 1, DayCount.BusinessWithSaturday, "2026-08-14")]
    [InlineData("2026-08-14", 1, DayCount.BusinessWithSaturday, "2026-08-17")] // Saturday 15 August is Assomption
    public void Jours_ouvrables_count_saturdays_and_jours_ouvres_do_not(string start, int days, DayCount count, string expected)
    {
        Assert.Equal(D(expected), WorkingDays.Add(D(start), days, Metropolitan, count));
    }

    [Theory]
    [InlineData("2026-03-06", 1, "2026-03-09")]  // Saturday, moved to Monday
    [InlineData("2026-03-06", 2, "2026-03-09")]  // Sunday, moved to Monday
    [InlineData("2026-03-06", 3, "2026-03-09")]
    [InlineData("2026-03-06", 4, "2026-03-10")]
    [InlineData("2026-03-06", 30, "2026-04-07")] // Sunday 5 April, then Easter Monday
    [InlineData("2026-05-04", 10, "2026-05-15")] // Ascension, moved to Friday
    [InlineData("2026-12-01", 30, "2026-12-31")]
    [InlineData("2026-12-02", 30, "2027-01-04")] // New Year's Day, then the weekend
    public void A_calendar_day_deadline_landing_on_a_closed_day_moves_to_the_next_business_day(string start, int days, string expected)
    {
        Assert.Equal(D(expected), WorkingDays.Add(D(start), days, Metropolitan, DayCount.Calendar));
    }

    [Theory]
    [InlineData("2026-03-09", DayCount.Business, "2026-03-09")]
    [InlineData("2026-03-07", DayCount.Business, "2026-03-09")]
    [InlineData("2026-03-07", DayCount.BusinessWithSaturday, "2026-03-07")]
    [InlineData("2026-03-07", DayCount.Calendar, "2026-03-09")] // the result is always a business day
    [InlineData("2026-12-25", DayCount.Business, "2026-12-28")]
    [InlineData("2026-05-14", DayCount.Business, "2026-05-15")]
    public void Adding_zero_days_gives_the_first_day_the_office_works(string start, DayCount count, string expected)
    {
        Assert.Equal(D(expected), WorkingDays.Add(D(start), 0, Metropolitan, count));
    }

    [Theory]
    [InlineData("2026-03-09", DayCount.Business, "2026-03-09")]
    [InlineData("2026-03-07", DayCount.Business, "2026-03-09")]
    [InlineData("2026-03-07", DayCount.BusinessWithSaturday, "2026-03-07")]
    [InlineData("2026-03-08", DayCount.BusinessWithSaturday, "2026-03-09")]
    [InlineData("2026-03-08", DayCount.Calendar, "2026-03-08")]
    [InlineData("2026-12-26", DayCount.Business, "2026-12-28")]
    [InlineData("2026-04-03", DayCount.Business, "2026-04-03")]
    [InlineData("2026-04-04", DayCount.Business, "2026-04-07")]
    public void The_next_working_day_is_the_date_itself_when_it_counts(string date, DayCount count, string expected)
    {
        Assert.Equal(D(expected), WorkingDays.NextWorkingDay(D(date), Metropolitan, count));
    }

    [Theory]
    [InlineData("2026-03-08", DayCount.Calendar, true)]     // Sunday
    [InlineData("2026-05-14", DayCount.Calendar, true)]     // Ascension
    [InlineData("2026-03-07", DayCount.Business, false)]    // Saturday
    [InlineData("2026-03-07", DayCount.BusinessWithSaturday, true)]
    [InlineData("2026-03-08", DayCount.BusinessWithSaturday, false)]
    [InlineData("2026-08-15", DayCount.BusinessWithSaturday, false)] // Assomption on a Saturday
    [InlineData("2026-05-15", DayCount.Business, true)]     // bridge day
    [InlineData("2026-05-14", DayCount.Business, false)]
    public void Whether_a_day_counts_depends_on_the_unit(string date, DayCount count, bool expected)
    {
        Assert.Equal(expected, WorkingDays.IsWorkingDay(D(date), Metropolitan, count));
    }

    [Theory]
    [InlineData(Territory.Metropolitan, "2026-04-02", "2026-04-07", DayCount.Business, 2)]
    [InlineData(Territory.AlsaceMoselle, "2026-04-02", "2026-04-07", DayCount.Business, 1)]
    [InlineData(Territory.Metropolitan, "2026-03-06", "2026-03-09", DayCount.BusinessWithSaturday, 2)]
    [InlineData(Territory.Metropolitan, "2026-03-06", "2026-03-09", DayCount.Calendar, 3)]
    [InlineData(Territory.Metropolitan, "2025-12-31", "2026-12-31", DayCount.Business, 252)]
    [InlineData(Territory.Metropolitan, "2025-12-31", "2026-12-31", DayCount.BusinessWithSaturday, 303)]
    [InlineData(Territory.Metropolitan, "2025-12-31", "2026-12-31", DayCount.Calendar, 365)]
    [InlineData(Territory.AlsaceMoselle, "2025-12-31", "2026-12-31", DayCount.Business, 251)] // - Good Friday; 26 Dec is a Saturday
    [InlineData(Territory.Metropolitan, "2026-03-09", "2026-03-09", DayCount.Business, 0)]
    [InlineData(Territory.Metropolitan, "2026-03-10", "2026-03-09", DayCount.Business, 0)]
    [InlineData(Territory.Metropolitan, "2026-03-10", "2026-03-09", DayCount.Calendar, 0)]
    public void Counting_working_days_excludes_the_first_date_and_includes_the_last(
        Territory territory, string fromExclusive, string toInclusive, DayCount count, int expected)
    {
        Assert.Equal(expected, WorkingDays.Count(D(fromExclusive), D(toInclusive), HolidayCalendar.For(territory), count));
    }

    public static TheoryData<Territory, DayCount> SweepCases => new()
    {
        { Territory.Metropolitan, DayCount.Business },
        { Territory.AlsaceMoselle, DayCount.Business },
        { Territory.Mayotte, DayCount.Business },
        { Territory.Metropolitan, DayCount.BusinessWithSaturday },
        { Territory.AlsaceMoselle, DayCount.BusinessWithSaturday },
    };

    [Theory]
    [MemberData(nameof(SweepCases))]
    public void Counting_the_days_up_to_a_deadline_gives_back_the_delay(Territory territory, DayCount count)
    {
        var calendar = HolidayCalendar.For(territory);

        for (var start = D("2026-01-01"); start <= D("2027-12-31"); start = start.AddDays(1))
        {
            var previous = start;
            for (var days = 1; days <= 25; days++)
            {
                var deadline = WorkingDays.Add(start, days, calendar, count);

                // Messages are built only on failure: the loop runs tens of thousands of times.
                if (!WorkingDays.IsWorkingDay(deadline, calendar, count) || deadline <= previous)
                {
                    Assert.Fail($"{start} + {days} gave {deadline}, after {previous}, on a non-working day or out of order.");
                }

                var counted = WorkingDays.Count(start, deadline, calendar, count);
                var countedTheDayBefore = WorkingDays.Count(start, deadline.AddDays(-1), calendar, count);
                if (counted != days || countedTheDayBefore != days - 1)
                {
                    Assert.Fail($"{start} + {days} gave {deadline}, but {counted} days count up to it and {countedTheDayBefore} up to the day before.");
                }

                previous = deadline;
            }

            if (WorkingDays.IsWorkingDay(start, calendar, count))
            {
                Assert.Equal(start, WorkingDays.Add(start, 0, calendar, count));
            }
        }
    }

    [Fact]
    public void A_site_closure_pushes_deadlines_like_a_holiday()
    {
        var site = Metropolitan.With([D("2026-03-09")]);

        Assert.Equal(D("2026-03-10"), WorkingDays.Add(D("2026-03-06"), 1, site));
        Assert.Equal(D("2026-03-10"), WorkingDays.Add(D("2026-03-06"), 3, site, DayCount.Calendar));
        Assert.Equal(D("2026-03-10"), WorkingDays.NextWorkingDay(D("2026-03-07"), site));
        Assert.False(WorkingDays.IsWorkingDay(D("2026-03-09"), site));
        Assert.Equal(0, WorkingDays.Count(D("2026-03-06"), D("2026-03-09"), site));
        Assert.Equal(D("2026-03-09"), WorkingDays.Add(D("2026-03-06"), 1, Metropolitan));
    }

    [Fact]
    public void A_negative_delay_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => WorkingDays.Add(D("2026-03-09"), -1, Metropolitan));
        Assert.Equal("days", error.ParamName);
    }

    [Fact]
    public void A_missing_calendar_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => WorkingDays.Add(D("2026-03-09"), 1, null!));
        Assert.Throws<ArgumentNullException>(() => WorkingDays.Count(D("2026-03-09"), D("2026-03-10"), null!));
        Assert.Throws<ArgumentNullException>(() => WorkingDays.IsWorkingDay(D("2026-03-09"), null!));
        Assert.Throws<ArgumentNullException>(() => WorkingDays.NextWorkingDay(D("2026-03-09"), null!));
        Assert.Throws<ArgumentNullException>(() => Metropolitan.With(null!));
    }

    [Fact]
    public void An_unknown_day_count_is_refused()
    {
        const DayCount unknown = (DayCount)42;

        Assert.Throws<ArgumentOutOfRangeException>(() => WorkingDays.IsWorkingDay(D("2026-03-09"), Metropolitan, unknown));
        Assert.Throws<ArgumentOutOfRangeException>(() => WorkingDays.NextWorkingDay(D("2026-03-09"), Metropolitan, unknown));
        Assert.Throws<ArgumentOutOfRangeException>(() => WorkingDays.Add(D("2026-03-09"), 0, Metropolitan, unknown));
        Assert.Throws<ArgumentOutOfRangeException>(() => WorkingDays.Count(D("2026-03-10"), D("2026-03-09"), Metropolitan, unknown));
    }
}
