using Guichet.Domain.Calendar;
using Guichet.Domain.Quality;
using Guichet.Domain.Requests;

namespace Guichet.Domain.Tests.Quality;

public class QualityMathTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static DateOnly D(string iso) => DateOnly.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);
    private static DateTime Utc(string iso) => DateTime.SpecifyKind(DateTime.Parse(iso, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    [Theory]
    [InlineData(0, 0, null)]
    [InlineData(0, 4, 0.0)]
    [InlineData(1, 3, 33.3)]
    [InlineData(2, 3, 66.7)]
    [InlineData(1, 8, 12.5)]
    [InlineData(9, 9, 100.0)]
    public void Percent_has_one_decimal_and_is_empty_without_a_total(long part, long total, double? expected) =>
        Assert.Equal(expected, QualityMath.Percent(part, total));

    public static TheoryData<(int, long)[], int, int?> Percentiles => new()
    {
        { [], 90, null },
        { [(3, 1)], 90, 3 },
        // 10 answers: 1,1,1,2,2,3,3,4,5,9 → the 9th is 5 (nearest rank ceil(0.9 × 10) = 9)
        { [(1, 3), (2, 2), (3, 2), (4, 1), (5, 1), (9, 1)], 90, 5 },
        { [(1, 3), (2, 2), (3, 2), (4, 1), (5, 1), (9, 1)], 50, 2 },
        { [(9, 1), (1, 3), (5, 1), (2, 2), (4, 1), (3, 2)], 100, 9 },  // order of the groups does not matter
        { [(0, 0), (7, 2)], 90, 7 },                                      // empty groups are ignored
        // 11 items: ceil(9.9) = 10th → still within the 2s
        { [(1, 1), (2, 10)], 90, 2 },
    };

    [Theory]
    [MemberData(nameof(Percentiles))]
    public void The_percentile_is_the_nearest_rank_of_the_histogram((int, long)[] histogram, int percent, int? expected) =>
        Assert.Equal(expected, QualityMath.Percentile(histogram.Select(h => (h.Item1, h.Item2)), percent));

    [Fact]
    public void The_mean_of_a_histogram_weights_each_value_by_its_count()
    {
        Assert.Equal(3.1, QualityMath.Mean([(1, 3), (2, 2), (3, 2), (4, 1), (5, 1), (9, 1)]));
        Assert.Null(QualityMath.Mean([]));
        Assert.Null(QualityMath.Mean([(4, 0)]));
    }

    // Period: November 2026; today is Mon 30 Nov 2026.
    [Theory]
    [InlineData("2026-11-10", "2026-11-10", AnswerCount.InTime)]            // answered on the due day itself
    [InlineData("2026-11-10", "2026-11-11", AnswerCount.Late)]              // one day late
    [InlineData("2026-11-02", "2026-11-03", AnswerCount.Late)]              // due before the period edge, answered in it
    [InlineData("2026-12-05", "2026-11-01", AnswerCount.InTime)]            // due after the period, answered on its first day
    [InlineData("2026-11-10", "2026-10-31", AnswerCount.NotInPeriod)]       // answered the day before the period
    [InlineData("2026-11-10", "2026-12-01", AnswerCount.NotInPeriod)]       // answered the day after the period
    [InlineData("2026-11-20", null, AnswerCount.OverdueUnanswered)]         // still open, due date passed in the period
    [InlineData("2026-11-30", null, AnswerCount.NotInPeriod)]               // due today: not late yet
    [InlineData("2026-10-30", null, AnswerCount.NotInPeriod)]               // overdue, but counted in October
    public void A_request_counts_in_the_period_of_its_answer_or_else_of_its_due_date(string due, string? answered, AnswerCount expected) =>
        Assert.Equal(expected, QualityMath.Classify(D(due), answered is null ? null : D(answered), D("2026-11-01"), D("2026-11-30"), D("2026-11-30")));

    [Fact]
    public void A_request_received_before_the_period_and_answered_in_it_counts_in_the_period()
    {
        // Received Fri 30 Oct 2026 at 16:00 Paris; 5 working days run Mon 2 to Fri 6 Nov (1 November is a Sunday): due Fri 6 Nov.
        var due = Deadline.Due(Utc("2026-10-30T15:00:00"), Paris, 5, HolidayCalendar.Metropolitan);
        Assert.Equal(D("2026-11-06"), due);
        Assert.Equal(AnswerCount.InTime, QualityMath.Classify(due, D("2026-11-06"), D("2026-11-01"), D("2026-11-30"), D("2026-11-30")));
        Assert.Equal(AnswerCount.NotInPeriod, QualityMath.Classify(due, D("2026-11-06"), D("2026-10-01"), D("2026-10-31"), D("2026-11-30")));
    }

    [Fact]
    public void A_deadline_across_the_May_holidays_is_still_met_on_its_last_working_day()
    {
        // Received Wed 29 Apr 2026: Fri 1 May and Fri 8 May are holidays, so 5 working days end Thu 7 May.
        var due = Deadline.Due(Utc("2026-04-29T08:00:00"), Paris, 5, HolidayCalendar.Metropolitan);
        Assert.Equal(D("2026-05-07"), due);
        Assert.Equal(AnswerCount.InTime, QualityMath.Classify(due, D("2026-05-07"), D("2026-05-01"), D("2026-05-31"), D("2026-06-30")));
        Assert.Equal(AnswerCount.Late, QualityMath.Classify(due, D("2026-05-11"), D("2026-05-01"), D("2026-05-31"), D("2026-06-30")));
        // From Wed 29 Apr to Mon 11 May: 30 Apr, 4, 5, 6, 7, 11 May = 6 working days (1 and 8 May are holidays).
        Assert.Equal(6, QualityMath.WorkingDaysBetween(D("2026-04-29"), D("2026-05-11"), HolidayCalendar.Metropolitan));
    }

    [Theory]
    [InlineData("2026-11-30", "2026-11-30", 0)]
    [InlineData("2026-11-30", "2026-12-14", 14)]
    [InlineData("2026-11-30", "2026-11-29", 0)]
    public void The_delay_to_the_first_free_slot_is_in_calendar_days(string today, string first, int expected) =>
        Assert.Equal(expected, QualityMath.DelayDays(D(today), D(first)));

    [Theory]
    [InlineData("2026-11-01", "2026-11-30", null)]
    [InlineData("2026-11-30", "2026-11-30", null)]
    [InlineData("2026-11-30", "2026-11-01", "La date de fin est avant la date de début.")]
    [InlineData("2026-01-01", "2026-12-31", null)]
    [InlineData("2026-01-01", "2027-01-02", "La période ne peut pas dépasser 366 jours.")]
    public void A_period_must_run_forward_and_stay_within_a_year(string from, string to, string? error) =>
        Assert.Equal(error, QualityMath.CheckPeriod(D(from), D(to)));
}
