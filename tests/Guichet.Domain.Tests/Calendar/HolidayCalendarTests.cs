using Guichet.Domain.Calendar;
using static Guichet.Domain.Tests.Calendar.Dates;

namespace Guichet.Domain.Tests.Calendar;

public class HolidayCalendarTests
{
    private static readonly Territory[] Overseas =
    [
        Territory.Guadeloupe, Territory.Martinique, Territory.Guyane, Territory.Reunion,
        Territory.Mayotte, Territory.SaintBarthelemy, Territory.SaintMartin,
    ];

    public static TheoryData<Territory> AllTerritories => new(Enum.GetValues<Territory>());

    [Theory]
    [InlineData(2024, "2024-05-09", "2024-05-20")]
    [InlineData(2025, "2025-05-29", "2025-06-09")]
    [InlineData(2026, "2026-05-14", "2026-05-25")] // check values of the reference
    [InlineData(2027, "2027-05-06", "2027-05-17")]
    [InlineData(2028, "2028-05-25", "2028-06-05")]
    public void Ascension_and_whit_monday_are_holidays_everywhere(int year, string ascension, string whitMonday)
    {
        foreach (var territory in Enum.GetValues<Territory>())
        {
            var calendar = HolidayCalendar.For(territory);
            Assert.Equal("Ascension", calendar.NameOf(D(ascension)));
            Assert.Equal("Lundi de Pentecôte", calendar.NameOf(D(whitMonday)));
        }

        Assert.Equal(DayOfWeek.Thursday, D(ascension).DayOfWeek);
        Assert.Equal(DayOfWeek.Monday, D(whitMonday).DayOfWeek);
        Assert.Equal(year, D(ascension).Year);
    }

    [Theory]
    [InlineData("2026-01-01", "Jour de l'an")]
    [InlineData("2026-04-06", "Lundi de Pâques")]
    [InlineData("2026-05-01", "Fête du Travail")]
    [InlineData("2026-05-08", "Victoire 1945")]
    [InlineData("2026-05-14", "Ascension")]
    [InlineData("2026-05-25", "Lundi de Pentecôte")]
    [InlineData("2026-07-14", "Fête nationale")]
    [InlineData("2026-08-15", "Assomption")]
    [InlineData("2026-11-01", "Toussaint")]
    [InlineData("2026-11-11", "Armistice 1918")]
    [InlineData("2026-12-25", "Noël")]
    public void The_eleven_national_holidays_have_their_french_names(string date, string name)
    {
        Assert.True(HolidayCalendar.Metropolitan.IsHoliday(D(date)));
        Assert.Equal(name, HolidayCalendar.Metropolitan.NameOf(D(date)));
    }

    [Theory]
    [InlineData("2026-03-10")]
    [InlineData("2026-04-05")] // Easter Sunday itself is a Sunday, not a holiday
    [InlineData("2026-05-15")] // the Ascension bridge is not a holiday
    [InlineData("2026-12-24")]
    [InlineData("2026-12-31")]
    public void An_ordinary_day_is_not_a_holiday_and_has_no_name(string date)
    {
        Assert.False(HolidayCalendar.Metropolitan.IsHoliday(D(date)));
        Assert.Null(HolidayCalendar.Metropolitan.NameOf(D(date)));
    }

    [Theory]
    [InlineData("2025-04-18", "Vendredi saint")]
    [InlineData("2026-04-03", "Vendredi saint")]
    [InlineData("2027-03-26", "Vendredi saint")]
    [InlineData("2025-12-26", "Saint-Étienne")]
    [InlineData("2026-12-26", "Saint-Étienne")]
    public void Good_friday_and_26_december_are_holidays_only_in_alsace_moselle(string date, string name)
    {
        Assert.Equal(name, HolidayCalendar.For(Territory.AlsaceMoselle).NameOf(D(date)));

        foreach (var territory in Enum.GetValues<Territory>().Where(t => t != Territory.AlsaceMoselle))
        {
            Assert.False(HolidayCalendar.For(territory).IsHoliday(D(date)), $"{territory} on {date}");
        }
    }

    [Theory]
    [InlineData(Territory.Guadeloupe, "2026-05-27")]
    [InlineData(Territory.Martinique, "2026-05-22")]
    [InlineData(Territory.Guyane, "2026-06-10")]
    [InlineData(Territory.Reunion, "2026-12-20")]
    [InlineData(Territory.Mayotte, "2026-04-27")]
    [InlineData(Territory.SaintBarthelemy, "2026-10-09")]
    [InlineData(Territory.SaintMartin, "2026-05-28")]
    public void Each_overseas_territory_has_its_own_abolition_of_slavery_day(Territory territory, string date)
    {
        Assert.Equal("Abolition de l'esclavage", HolidayCalendar.For(territory).NameOf(D(date)));

        foreach (var other in Enum.GetValues<Territory>().Where(t => t != territory))
        {
            Assert.False(HolidayCalendar.For(other).IsHoliday(D(date)), $"{other} on {date}");
        }
    }

    [Theory]
    [InlineData(2016, "2016-05-27", "2016-05-28")] // not 2012: Whit Monday fell on 28 May
    [InlineData(2017, "2017-05-27", "2017-05-28")]
    [InlineData(2018, "2018-05-28", "2018-05-27")]
    [InlineData(2026, "2026-05-28", "2026-05-27")]
    public void Saint_martin_moved_its_abolition_day_from_27_to_28_may_in_2018(int year, string holiday, string notHoliday)
    {
        var saintMartin = HolidayCalendar.For(Territory.SaintMartin);

        Assert.True(saintMartin.IsHoliday(D(holiday)));
        Assert.False(saintMartin.IsHoliday(D(notHoliday)));
        Assert.Single(saintMartin.HolidaysIn(year), h => h.Name == "Abolition de l'esclavage");
    }

    [Fact]
    public void Guadeloupe_keeps_27_may_after_saint_martin_moved()
    {
        Assert.True(HolidayCalendar.For(Territory.Guadeloupe).IsHoliday(D("2018-05-27")));
        Assert.False(HolidayCalendar.For(Territory.Guadeloupe).IsHoliday(D("2018-05-28")));
    }

    [Fact]
    public void Abolition_days_start_in_1984_after_the_1983_law()
    {
        foreach (var territory in Overseas)
        {
            var calendar = HolidayCalendar.For(territory);
            Assert.Equal(11, calendar.HolidaysIn(1983).Count);
            Assert.Contains(calendar.HolidaysIn(1984), h => h.Name == "Abolition de l'esclavage");
        }

        Assert.False(HolidayCalendar.For(Territory.Guadeloupe).IsHoliday(D("1983-05-27")));
        Assert.True(HolidayCalendar.For(Territory.Guadeloupe).IsHoliday(D("1984-05-27")));
    }

    [Theory]
    [InlineData(Territory.Metropolitan, "2026-08-15")] // Saturday
    [InlineData(Territory.Metropolitan, "2026-11-01")] // Sunday
    [InlineData(Territory.AlsaceMoselle, "2026-12-26")] // Saturday
    [InlineData(Territory.Guadeloupe, "2017-05-27")] // Saturday
    public void A_holiday_on_a_weekend_is_still_a_holiday(Territory territory, string date)
    {
        Assert.True(D(date).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        Assert.True(HolidayCalendar.For(territory).IsHoliday(D(date)));
        Assert.Contains(HolidayCalendar.For(territory).HolidaysIn(D(date).Year), h => h.Date == D(date));
    }

    [Theory]
    [InlineData(Territory.Metropolitan, 11)]
    [InlineData(Territory.AlsaceMoselle, 13)]
    [InlineData(Territory.Guadeloupe, 12)]
    [InlineData(Territory.Martinique, 12)]
    [InlineData(Territory.Guyane, 12)]
    [InlineData(Territory.Reunion, 12)]
    [InlineData(Territory.Mayotte, 12)]
    [InlineData(Territory.SaintBarthelemy, 12)]
    [InlineData(Territory.SaintMartin, 12)]
    public void Each_territory_has_its_number_of_holidays_in_2026(Territory territory, int expected)
    {
        Assert.Equal(expected, HolidayCalendar.For(territory).HolidaysIn(2026).Count);
    }

    [Theory]
    [MemberData(nameof(AllTerritories))]
    public void Holidays_of_a_year_are_sorted_distinct_and_agree_with_is_holiday(Territory territory)
    {
        var calendar = HolidayCalendar.For(territory);

        for (var year = 1990; year <= 2060; year++)
        {
            var holidays = calendar.HolidaysIn(year);

            Assert.Equal(holidays.OrderBy(h => h.Date), holidays);
            Assert.Equal(holidays.Count, holidays.Select(h => h.Date).Distinct().Count());
            Assert.All(holidays, h => Assert.Equal(year, h.Date.Year));

            var expected = holidays.Select(h => h.Date).ToHashSet();
            for (var day = new DateOnly(year, 1, 1); day.Year == year; day = day.AddDays(1))
            {
                Assert.Equal(expected.Contains(day), calendar.IsHoliday(day));
            }
        }
    }

    [Fact]
    public void Two_holidays_on_the_same_date_make_one_day_with_both_names()
    {
        // Easter 2008 was 23 March, so Ascension fell on 1 May.
        Assert.Equal("Fête du Travail et Ascension", HolidayCalendar.Metropolitan.NameOf(D("2008-05-01")));
        Assert.Equal(10, HolidayCalendar.Metropolitan.HolidaysIn(2008).Count);

        // Easter 2031 is 13 April, so Ascension falls on Martinique's 22 May.
        var martinique = HolidayCalendar.For(Territory.Martinique);
        Assert.Equal("Ascension et Abolition de l'esclavage", martinique.NameOf(D("2031-05-22")));
        Assert.Equal(11, martinique.HolidaysIn(2031).Count);
    }

    [Fact]
    public void The_list_of_holidays_cannot_be_changed_by_a_caller()
    {
        var holidays = HolidayCalendar.Metropolitan.HolidaysIn(2026);

        Assert.True(((ICollection<Holiday>)holidays).IsReadOnly);
        Assert.Throws<NotSupportedException>(() => ((IList<Holiday>)holidays)[0] = new Holiday(D("2026-03-10"), "Fête inventée"));
    }

    [Theory]
    [MemberData(nameof(AllTerritories))]
    public void Calendars_are_shared_per_territory(Territory territory)
    {
        var calendar = HolidayCalendar.For(territory);

        Assert.Same(calendar, HolidayCalendar.For(territory));
        Assert.Equal(territory, calendar.Territory);
        Assert.Empty(calendar.ExtraClosedDays);
    }

    [Fact]
    public void The_metropolitan_shortcut_is_the_metropolitan_calendar()
    {
        Assert.Same(HolidayCalendar.For(Territory.Metropolitan), HolidayCalendar.Metropolitan);
    }

    [Fact]
    public void An_unknown_territory_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HolidayCalendar.For((Territory)99));
    }

    [Fact]
    public void A_year_outside_the_gregorian_range_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HolidayCalendar.Metropolitan.HolidaysIn(1582));
        Assert.Throws<ArgumentOutOfRangeException>(() => HolidayCalendar.Metropolitan.IsHoliday(new DateOnly(1500, 1, 1)));
    }

    [Fact]
    public void Site_closures_close_the_office_without_becoming_holidays()
    {
        var alsace = HolidayCalendar.For(Territory.AlsaceMoselle);
        var site = alsace.With([D("2026-03-09"), D("2026-03-10")]).With([D("2026-03-10"), D("2026-08-14")]);

        Assert.Equal(Territory.AlsaceMoselle, site.Territory);
        Assert.Equal([D("2026-03-09"), D("2026-03-10"), D("2026-08-14")], site.ExtraClosedDays.Order());
        Assert.True(site.IsClosed(D("2026-03-09")));
        Assert.False(site.IsHoliday(D("2026-03-09")));
        Assert.Null(site.NameOf(D("2026-03-09")));
        Assert.True(site.IsClosed(D("2026-12-26")));
        Assert.Equal("Saint-Étienne", site.NameOf(D("2026-12-26")));
        Assert.Equal(13, site.HolidaysIn(2026).Count);

        // The shared territory calendar is untouched.
        Assert.False(alsace.IsClosed(D("2026-03-09")));
        Assert.Empty(alsace.ExtraClosedDays);
    }

    [Fact]
    public void A_calendar_answers_the_same_from_many_threads()
    {
        var calendar = HolidayCalendar.For(Territory.Reunion);
        var lists = new IReadOnlyList<Holiday>[400];

        Parallel.For(0, lists.Length, i =>
        {
            var year = 2100 + (i % 50); // years nobody else asks for, so the cache fills concurrently
            lists[i] = calendar.HolidaysIn(year);
            Assert.True(calendar.IsHoliday(new DateOnly(year, 12, 20)));
        });

        // Every thread got the one cached list of its year.
        for (var i = 0; i < lists.Length; i++)
        {
            Assert.Same(calendar.HolidaysIn(2100 + (i % 50)), lists[i]);
        }
    }
}
