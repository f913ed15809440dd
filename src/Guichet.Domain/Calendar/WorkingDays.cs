namespace Guichet.Domain.Calendar;

/// <summary>
/// Deadline arithmetic on a holiday calendar. Dates are local dates of the handling site: convert
/// the instant of receipt to the site's time zone before calling.
/// </summary>
public static class WorkingDays
{
    /// <summary>Whether the date counts in the given unit. With <see cref="DayCount.Calendar"/> every day counts.</summary>
    public static bool IsWorkingDay(DateOnly date, HolidayCalendar calendar, DayCount count = DayCount.Business)
    {
        ArgumentNullException.ThrowIfNull(calendar);

        return count switch
        {
            DayCount.Calendar => true,
            DayCount.Business => date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !calendar.IsClosed(date),
            DayCount.BusinessWithSaturday => date.DayOfWeek is not DayOfWeek.Sunday && !calendar.IsClosed(date),
            _ => throw UnknownCount(count),
        };
    }

    /// <summary>The date itself if it counts, otherwise the next date that does.</summary>
    public static DateOnly NextWorkingDay(DateOnly date, HolidayCalendar calendar, DayCount count = DayCount.Business)
    {
        while (!IsWorkingDay(date, calendar, count))
        {
            date = date.AddDays(1);
        }

        return date;
    }

    /// <summary>
    /// The deadline <paramref name="days"/> days after <paramref name="start"/>, the day of receipt
    /// (day 0; counting starts the next day). The result is always a day the office works: a
    /// calendar-day deadline landing on a weekend or a closed day moves to the next business day,
    /// as procedural delays do (Code de procédure civile, art. 642).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="days"/> is negative.</exception>
    public static DateOnly Add(DateOnly start, int days, HolidayCalendar calendar, DayCount count = DayCount.Business)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        ArgumentNullException.ThrowIfNull(calendar);
        ThrowIfUnknown(count);

        if (count == DayCount.Calendar)
        {
            return NextWorkingDay(start.AddDays(days), calendar, DayCount.Business);
        }

        if (days == 0)
        {
            return NextWorkingDay(start, calendar, count);
        }

        var date = start;
        for (var remaining = days; remaining > 0;)
        {
            date = date.AddDays(1);
            if (IsWorkingDay(date, calendar, count))
            {
                remaining--;
            }
        }

        return date;
    }

    /// <summary>
    /// The number of days that count after <paramref name="fromExclusive"/> up to and including
    /// <paramref name="toInclusive"/>; 0 when the range is empty.
    /// </summary>
    public static int Count(DateOnly fromExclusive, DateOnly toInclusive, HolidayCalendar calendar, DayCount count = DayCount.Business)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ThrowIfUnknown(count);

        if (toInclusive <= fromExclusive)
        {
            return 0;
        }

        if (count == DayCount.Calendar)
        {
            return toInclusive.DayNumber - fromExclusive.DayNumber;
        }

        var total = 0;
        for (var date = fromExclusive.AddDays(1); date <= toInclusive; date = date.AddDays(1))
        {
            if (IsWorkingDay(date, calendar, count))
            {
                total++;
            }
        }

        return total;
    }

    // Checked up front so a bad unit fails even when the range is empty or the unit needs no loop.
    private static void ThrowIfUnknown(DayCount count)
    {
        if (!Enum.IsDefined(count))
        {
            throw UnknownCount(count);
        }
    }

    private static ArgumentOutOfRangeException UnknownCount(DayCount count) =>
        new(nameof(count), count, "Unknown day count.");
}
