using Guichet.Domain.Calendar;
using static Guichet.Domain.Tests.Calendar.Dates;

namespace Guichet.Domain.Tests.Calendar;

public class EasterTests
{
    // Published Easter Sunday dates (Western churches), typed from the tables, not computed here.
    // Cross-checked once outside the repository against python-dateutil's easter(), a different algorithm.
    public static TheoryData<int, string> PublishedEasterSundays => new()
    {
        { 2000, "2000-04-23" }, { 2001, "2001-04-15" }, { 2002, "2002-03-31" }, { 2003, "2003-04-20" },
        { 2004, "2004-04-11" }, { 2005, "2005-03-27" }, { 2006, "2006-04-16" }, { 2007, "2007-04-08" },
        { 2008, "2008-03-23" }, { 2009, "2009-04-12" }, { 2010, "2010-04-04" }, { 2011, "2011-04-24" },
        { 2012, "2012-04-08" }, { 2013, "2013-03-31" }, { 2014, "2014-04-20" }, { 2015, "2015-04-05" },
        { 2016, "2016-03-27" }, { 2017, "2017-04-16" }, { 2018, "2018-04-01" }, { 2019, "2019-04-21" },
        { 2020, "2020-04-12" }, { 2021, "2021-04-04" }, { 2022, "2022-04-17" }, { 2023, "2023-04-09" },
        { 2024, "2024-03-31" }, { 2025, "2025-04-20" }, { 2026, "2026-04-05" }, { 2027, "2027-03-28" },
        { 2028, "2028-04-16" }, { 2029, "2029-04-01" }, { 2030, "2030-04-21" }, { 2031, "2031-04-13" },
        { 2032, "2032-03-28" }, { 2033, "2033-04-17" }, { 2034, "2034-04-09" }, { 2035, "2035-03-25" },
        { 2036, "2036-04-13" }, { 2037, "2037-04-05" }, { 2038, "2038-04-25" }, { 2039, "2039-04-10" },
        { 2040, "2040-04-01" },
    };

    [Theory]
    [MemberData(nameof(PublishedEasterSundays))]
    public void Easter_sunday_matches_the_published_tables(int year, string expected)
    {
        Assert.Equal(D(expected), Easter.Sunday(year));
    }

    [Fact]
    public void The_published_table_covers_every_year_from_2000_to_2040_and_only_sundays()
    {
        // Guards the table itself against a typo: one row per year, each a Sunday between 22 March and 25 April.
        var rows = PublishedEasterSundays.Select(row => ((int)row[0], D((string)row[1]))).ToList();

        Assert.Equal(Enumerable.Range(2000, 41), rows.Select(r => r.Item1));
        Assert.All(rows, r =>
        {
            Assert.Equal(r.Item1, r.Item2.Year);
            Assert.Equal(DayOfWeek.Sunday, r.Item2.DayOfWeek);
            Assert.InRange(r.Item2, new DateOnly(r.Item1, 3, 22), new DateOnly(r.Item1, 4, 25));
        });
    }

    [Theory]
    [InlineData(1583, "1583-04-10")] // first full Gregorian year
    [InlineData(1693, "1693-03-22")] // earliest possible date
    [InlineData(1818, "1818-03-22")]
    [InlineData(2285, "2285-03-22")]
    [InlineData(1734, "1734-04-25")] // latest possible date
    [InlineData(1886, "1886-04-25")]
    [InlineData(1943, "1943-04-25")]
    public void Easter_sunday_is_right_in_far_years_including_the_earliest_and_latest_dates(int year, string expected)
    {
        Assert.Equal(D(expected), Easter.Sunday(year));
    }

    [Fact]
    public void Easter_sunday_of_the_last_supported_year_is_a_sunday_in_spring()
    {
        var easter = Easter.Sunday(9999);

        Assert.Equal(DayOfWeek.Sunday, easter.DayOfWeek);
        Assert.InRange(easter, new DateOnly(9999, 3, 22), new DateOnly(9999, 4, 25));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1582)]
    [InlineData(10000)]
    [InlineData(-2026)]
    public void Easter_sunday_outside_the_gregorian_range_is_refused(int year)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Easter.Sunday(year));
    }
}
