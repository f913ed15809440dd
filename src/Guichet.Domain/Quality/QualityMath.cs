using Guichet.Domain.Calendar;
using Guichet.Domain.Requests;

namespace Guichet.Domain.Quality;

/// <summary>The national targets the quality labels (Marianne, Qual-e-pref, Services Publics+) measure against.</summary>
public static class QualityTargets
{
    /// <summary>Lost (abandoned) calls below 10 %: the answered rate of a unit is compared with 90 %.</summary>
    public const int AnsweredCallsMinPercent = 90;
    public const int EmailWorkingDays = 5;
    public const int LetterWorkingDays = 15;
}

/// <summary>How one request counts in a period's "answered within deadline" figure.</summary>
public enum AnswerCount { NotInPeriod, InTime, Late, OverdueUnanswered }

/// <summary>
/// Pure computations of the indicators: shares, means and percentiles from histograms (the database groups, this
/// reads the groups), and the rule that says in which period a request counts.
/// </summary>
public static class QualityMath
{
    public const int MaxPeriodDays = 366;

    /// <summary>A share in percent with one decimal; null when there is nothing to divide.</summary>
    public static double? Percent(long part, long total) =>
        total <= 0 ? null : Math.Round(100.0 * part / total, 1, MidpointRounding.AwayFromZero);

    /// <summary>The mean of a histogram (value, count), one decimal; null when empty.</summary>
    public static double? Mean(IEnumerable<(int Value, long Count)> histogram)
    {
        long n = 0;
        double sum = 0;
        foreach (var (value, count) in histogram)
        {
            if (count <= 0) continue;
            n += count;
            sum += (double)value * count;
        }
        return n == 0 ? null : Math.Round(sum / n, 1, MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// The nearest-rank percentile of a histogram: the smallest value such that at least <paramref name="percent"/> %
    /// of the counted items are at or below it. Null when empty.
    /// </summary>
    public static int? Percentile(IEnumerable<(int Value, long Count)> histogram, int percent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        var sorted = histogram.Where(h => h.Count > 0).OrderBy(h => h.Value).ToList();
        var n = sorted.Sum(h => h.Count);
        if (n == 0) return null;
        var rank = (long)Math.Ceiling(percent / 100.0 * n);
        long seen = 0;
        foreach (var (value, count) in sorted)
        {
            seen += count;
            if (seen >= rank) return value;
        }
        return sorted[^1].Value;
    }

    /// <summary>
    /// The period rule. A request answered (first answer: answered, rejected or closed) counts in the period of its
    /// answer, in time when answered on or before its due date, wherever it was received. A request not answered
    /// counts, as late, in the period of its due date once that date is past (the whole due day still counts, as
    /// for <see cref="Deadline.IsOverdue"/>); it moves to the period of its answer when it is answered at last.
    /// </summary>
    public static AnswerCount Classify(DateOnly dueDate, DateOnly? answeredOn, DateOnly from, DateOnly to, DateOnly today)
    {
        if (answeredOn is { } a)
            return a < from || a > to ? AnswerCount.NotInPeriod : a <= dueDate ? AnswerCount.InTime : AnswerCount.Late;
        return dueDate >= from && dueDate <= to && dueDate < today ? AnswerCount.OverdueUnanswered : AnswerCount.NotInPeriod;
    }

    /// <summary>Working days from receipt to answer (day 0 is the day of receipt, as for deadlines).</summary>
    public static int WorkingDaysBetween(DateOnly receivedOn, DateOnly answeredOn, HolidayCalendar calendar) =>
        WorkingDays.Count(receivedOn, answeredOn, calendar);

    /// <summary>Calendar days a citizen waits today for the first free slot: 0 when one is free today.</summary>
    public static int DelayDays(DateOnly today, DateOnly firstFree) => Math.Max(0, firstFree.DayNumber - today.DayNumber);

    /// <summary>Checks a period asked for by a person: null when fine, else the French message.</summary>
    public static string? CheckPeriod(DateOnly from, DateOnly to)
    {
        if (to < from) return "La date de fin est avant la date de début.";
        if (to.DayNumber - from.DayNumber + 1 > MaxPeriodDays) return $"La période ne peut pas dépasser {MaxPeriodDays} jours.";
        return null;
    }
}
