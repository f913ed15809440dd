using Guichet.Domain.Satisfaction;

namespace Guichet.Domain.Tests.Satisfaction;

public class SurveyQuestionsTests
{
    [Theory]
    [InlineData("5", null, null, null, 5, null, null, null)]
    [InlineData("1", "3", "4", "  Très bien  ", 1, 3, 4, "Très bien")]
    [InlineData(" 4 ", "", " ", "", 4, null, null, null)]
    [InlineData("2", "5", null, "ligne 1\r\nligne 2", 2, 5, null, "ligne 1\nligne 2")]
    public void A_valid_answer_keeps_the_scores_and_the_trimmed_comment(string overall, string? delay, string? clarity, string? comment,
        int o, int? d, int? c, string? text)
    {
        var valid = Assert.IsType<SurveyAnswerCheck.Valid>(SurveyQuestions.Check(overall, delay, clarity, comment));
        Assert.Equal(new SurveyAnswer(o, d, c, text), valid.Answer);
    }

    [Theory]
    [InlineData(null, null, null, "overall")]
    [InlineData("", "3", "3", "overall")]
    [InlineData("0", null, null, "overall")]
    [InlineData("6", null, null, "overall")]
    [InlineData("55", null, null, "overall")]
    [InlineData("-1", null, null, "overall")]
    [InlineData("3", "x", null, "delay")]
    [InlineData("3", null, "٣", "clarity")]   // an Arabic-Indic three is not a score
    public void A_missing_or_out_of_range_score_is_refused_on_its_field(string? overall, string? delay, string? clarity, string field)
    {
        var invalid = Assert.IsType<SurveyAnswerCheck.Invalid>(SurveyQuestions.Check(overall, delay, clarity, null));
        Assert.Contains(invalid.Errors, e => e.Field == field);
    }

    [Theory]
    [InlineData(1000, true)]
    [InlineData(1001, false)]
    public void The_comment_is_limited_to_a_thousand_characters(int length, bool accepted)
    {
        var check = SurveyQuestions.Check("4", null, null, new string('é', length));
        Assert.Equal(accepted, check is SurveyAnswerCheck.Valid);
    }

    [Fact]
    public void A_comment_of_a_thousand_characters_with_line_breaks_typed_in_a_browser_is_accepted()
    {
        var text = string.Concat(Enumerable.Repeat("abcdefghi\r\n", 100));   // 1,100 chars sent, 1,000 seen
        Assert.IsType<SurveyAnswerCheck.Valid>(SurveyQuestions.Check("4", null, null, text));
    }

    [Fact]
    public void The_survey_has_three_scored_questions_and_a_comment_with_french_wording_for_both_subjects()
    {
        Assert.Equal(["overall", "delay", "clarity", "comment"], SurveyQuestions.All.Select(q => q.Key));
        Assert.Equal(3, SurveyQuestions.Scored.Count());
        Assert.All(SurveyQuestions.All, q => Assert.EndsWith("?", q.Wording(SurveySubject.Appointment)));
        Assert.Contains("réponse", SurveyQuestions.All[1].Wording(SurveySubject.Request));
    }

    [Fact]
    public void A_summary_gives_the_mean_and_every_score_even_the_unused_ones()
    {
        var s = ScoreSummary.From(new Dictionary<int, int> { [5] = 3, [4] = 1, [1] = 1 });
        Assert.Equal(5, s.Answers);
        Assert.Equal(4.0, s.Mean);   // (15 + 4 + 1) / 5
        Assert.Equal([1, 0, 0, 1, 3], s.Distribution.OrderBy(p => p.Key).Select(p => p.Value));
    }

    [Theory]
    [InlineData(new[] { 5, 4 }, 4.5)]
    [InlineData(new[] { 1, 1, 2 }, 1.33)]
    [InlineData(new[] { 5, 5, 4 }, 4.67)]
    public void The_mean_is_rounded_to_two_decimals(int[] scores, double mean)
    {
        var counts = scores.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(mean, ScoreSummary.From(counts).Mean);
    }

    [Fact]
    public void No_answer_means_no_mean_and_no_survey_means_no_rate()
    {
        Assert.Null(ScoreSummary.From(new Dictionary<int, int>()).Mean);
        Assert.Null(ScoreSummary.Rate(0, 0));
        Assert.Equal(33.3, ScoreSummary.Rate(1, 3));
        Assert.Equal(100.0, ScoreSummary.Rate(4, 4));
    }

    private static readonly DateTime Enabled = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Lateness = TimeSpan.FromDays(3);

    [Theory]
    [InlineData("2026-11-30T09:00:00Z", "2026-11-30T11:59:59Z", false)]   // 3 hours not yet passed
    [InlineData("2026-11-30T09:00:00Z", "2026-11-30T12:00:00Z", true)]
    [InlineData("2026-11-30T09:00:00Z", "2026-12-03T12:00:00Z", true)]    // three days late: still sent
    [InlineData("2026-11-30T09:00:00Z", "2026-12-03T12:00:01Z", false)]   // later: too stale
    [InlineData("2026-10-31T23:00:00Z", "2026-11-01T02:00:00Z", false)]   // before surveys were switched on
    public void A_survey_is_due_some_hours_after_its_cause_and_not_for_ever(string cause, string now, bool due)
    {
        var c = DateTime.Parse(cause, null, System.Globalization.DateTimeStyles.AdjustToUniversal);
        var n = DateTime.Parse(now, null, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.Equal(due, SurveyTiming.IsDue(c, Enabled, 3, Lateness, n));
        var (from, to) = SurveyTiming.CauseWindow(Enabled, 3, Lateness, n);
        Assert.Equal(due, c >= from && c <= to);
    }

    [Fact]
    public void A_link_is_open_until_it_expires_or_is_answered()
    {
        var expires = new DateTime(2026, 12, 30, 0, 0, 0, DateTimeKind.Utc);
        Assert.True(SurveyTiming.IsOpen(expires, null, expires.AddTicks(-1)));
        Assert.False(SurveyTiming.IsOpen(expires, null, expires));
        Assert.False(SurveyTiming.IsOpen(expires, expires.AddDays(-2), expires.AddDays(-1)));
    }
}
