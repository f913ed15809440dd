using Guichet.Domain.Scheduling;

namespace Guichet.Domain.Tests.Scheduling;

public sealed class OpeningRuleTests
{
    private static readonly HashSet<string> Cni = ["CNI"];

    private static OpeningRule Rule(DayOfWeek day, RuleRecurrence recurrence, string validFrom = "2026-01-05", string? validUntil = null, int weekOfMonth = 0) =>
        new(day, new TimeOnly(9, 0), new TimeOnly(12, 0), DateOnly.Parse(validFrom), validUntil is null ? null : DateOnly.Parse(validUntil), Cni, recurrence, weekOfMonth);

    private static List<string> Days(OpeningRule rule, string from, string to)
    {
        var days = new List<string>();
        for (var d = DateOnly.Parse(from); d <= DateOnly.Parse(to); d = d.AddDays(1))
            if (rule.AppliesOn(d)) days.Add(d.ToString("yyyy-MM-dd"));
        return days;
    }

    [Fact]
    public void A_weekly_rule_applies_on_its_day_inside_its_validity_only()
    {
        var rule = Rule(DayOfWeek.Tuesday, RuleRecurrence.Weekly, "2026-12-02", "2026-12-22");
        Assert.Equal(["2026-12-08", "2026-12-15", "2026-12-22"], Days(rule, "2026-11-24", "2026-12-31"));
    }

    [Theory]
    // Valid from a Wednesday: the week of that Wednesday counts as the first, whatever its day.
    [InlineData("2026-12-02", new[] { "2026-12-05", "2026-12-19", "2027-01-02", "2027-01-16" })]
    // Valid from the Monday of the next week: the other Saturdays.
    [InlineData("2026-12-07", new[] { "2026-12-12", "2026-12-26", "2027-01-09" })]
    public void Every_other_week_counts_weeks_from_the_start_of_validity(string validFrom, string[] expected)
    {
        var rule = Rule(DayOfWeek.Saturday, RuleRecurrence.EveryOtherWeek, validFrom);
        Assert.Equal(expected, Days(rule, "2026-11-01", "2027-01-20"));
    }

    [Fact]
    public void Every_other_week_keeps_its_rhythm_across_a_year_end_and_a_daylight_saving_change()
    {
        var rule = Rule(DayOfWeek.Monday, RuleRecurrence.EveryOtherWeek, "2026-03-02");
        var days = Days(rule, "2026-03-01", "2027-04-30").Select(DateOnly.Parse).ToList();
        Assert.All(days.Zip(days.Skip(1)), pair => Assert.Equal(14, pair.Second.DayNumber - pair.First.DayNumber));
        Assert.Contains(DateOnly.Parse("2026-03-30"), days);   // the Monday after the spring change
        Assert.Equal(31, days.Count);   // 2 March 2026 + 30 × 14 days = 26 April 2027
    }

    [Theory]
    [InlineData(1, new[] { "2026-12-05", "2027-01-02", "2027-02-06", "2027-03-06" })]
    [InlineData(2, new[] { "2026-12-12", "2027-01-09", "2027-02-13", "2027-03-13" })]
    [InlineData(4, new[] { "2026-12-26", "2027-01-23", "2027-02-27", "2027-03-27" })]
    // The last Saturday: the 5th when there is one, the 4th otherwise (February 2027 has four).
    [InlineData(-1, new[] { "2026-12-26", "2027-01-30", "2027-02-27", "2027-03-27" })]
    public void The_nth_weekday_of_the_month(int week, string[] expected)
    {
        var rule = Rule(DayOfWeek.Saturday, RuleRecurrence.MonthlyNth, "2026-12-01", weekOfMonth: week);
        Assert.Equal(expected, Days(rule, "2026-12-01", "2027-03-31"));
    }

    [Fact]
    public void A_single_date_opens_that_day_only_even_if_its_weekday_differs()
    {
        var rule = Rule(DayOfWeek.Monday, RuleRecurrence.Once, "2026-12-19", "2026-12-19");
        Assert.Equal(["2026-12-19"], Days(rule, "2026-12-01", "2027-01-31"));
    }

    [Theory]
    [InlineData("12:00", "09:00", "2026-01-01", null, RuleRecurrence.Weekly, 0, "L'heure de fin doit venir après l'heure de début.")]
    [InlineData("09:00", "09:00", "2026-01-01", null, RuleRecurrence.Weekly, 0, "L'heure de fin doit venir après l'heure de début.")]
    [InlineData("09:00", "09:05", "2026-01-01", null, RuleRecurrence.Weekly, 0, "Une plage d'ouverture dure 10 minutes au moins.")]
    [InlineData("09:00", "12:00", "2026-02-01", "2026-01-01", RuleRecurrence.Weekly, 0, "La fin de validité doit venir après son début.")]
    [InlineData("09:00", "12:00", "2026-01-01", null, RuleRecurrence.MonthlyNth, 0, "Choisissez la semaine du mois : 1re, 2e, 3e, 4e ou dernière.")]
    [InlineData("09:00", "12:00", "2026-01-01", null, RuleRecurrence.MonthlyNth, 5, "Choisissez la semaine du mois : 1re, 2e, 3e, 4e ou dernière.")]
    [InlineData("09:00", "12:00", "2026-01-01", null, RuleRecurrence.MonthlyNth, -1, null)]
    [InlineData("08:30", "12:00", "2026-01-01", "2026-01-01", RuleRecurrence.Once, 0, null)]
    public void Rules_are_checked_before_they_are_saved(string start, string end, string from, string? until, RuleRecurrence recurrence, int week, string? expected) =>
        Assert.Equal(expected, OpeningRule.Check(TimeOnly.Parse(start), TimeOnly.Parse(end), DateOnly.Parse(from),
            until is null ? null : DateOnly.Parse(until), recurrence, week));

    [Theory]
    [InlineData("2026-12-08 09:00", "2026-12-08 09:15", "CNI", true)]
    [InlineData("2026-12-08 11:45", "2026-12-08 12:00", "CNI", true)]     // ends exactly at closing time
    [InlineData("2026-12-08 11:50", "2026-12-08 12:05", "CNI", false)]    // runs past it
    [InlineData("2026-12-08 08:45", "2026-12-08 09:00", "CNI", false)]
    [InlineData("2026-12-08 09:00", "2026-12-08 09:15", "PASSPORT", false)]
    [InlineData("2026-12-09 09:00", "2026-12-09 09:15", "CNI", false)]    // a Wednesday
    public void A_rule_covers_an_appointment_only_inside_one_of_its_windows(string start, string end, string reason, bool expected) =>
        Assert.Equal(expected, Rule(DayOfWeek.Tuesday, RuleRecurrence.Weekly).Covers(DateTime.Parse(start), DateTime.Parse(end), reason));
}
