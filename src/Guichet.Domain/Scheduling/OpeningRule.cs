namespace Guichet.Domain.Scheduling;

/// <summary>How an opening window repeats between its validity dates.</summary>
public enum RuleRecurrence
{
    /// <summary>Every week on its day.</summary>
    Weekly,
    /// <summary>Every other week on its day, counted from the week of <see cref="OpeningRule.ValidFrom"/>.</summary>
    EveryOtherWeek,
    /// <summary>The nth such day of each month (1 to 4), or the last one (−1): "the first Saturday of the month".</summary>
    MonthlyNth,
    /// <summary>One date only, <see cref="OpeningRule.ValidFrom"/> (an exceptional opening, a late evening).</summary>
    Once,
}

/// <summary>
/// An opening window of one station, in the site's local time, valid between two dates (inclusive), repeating
/// weekly, every other week, on the nth weekday of the month or on a single date, and accepting some reasons.
/// </summary>
public sealed record OpeningRule(
    DayOfWeek Day,
    TimeOnly Start,
    TimeOnly End,
    DateOnly ValidFrom,
    DateOnly? ValidUntil,
    IReadOnlySet<string> Reasons,
    RuleRecurrence Recurrence = RuleRecurrence.Weekly,
    int WeekOfMonth = 0)
{
    public bool AppliesOn(DateOnly date)
    {
        if (date < ValidFrom || (ValidUntil is not null && date > ValidUntil.Value)) return false;
        if (Recurrence == RuleRecurrence.Once) return date == ValidFrom;
        if (date.DayOfWeek != Day) return false;
        return Recurrence switch
        {
            RuleRecurrence.Weekly => true,
            RuleRecurrence.EveryOtherWeek => (MondayOf(date).DayNumber - MondayOf(ValidFrom).DayNumber) / 7 % 2 == 0,
            RuleRecurrence.MonthlyNth => WeekOfMonth == -1
                ? date.AddDays(7).Month != date.Month
                : (date.Day - 1) / 7 + 1 == WeekOfMonth,
            _ => false,
        };
    }

    public bool Accepts(string reasonCode) => Reasons.Contains(reasonCode);

    /// <summary>Whether an appointment at these local times, for this reason, lies inside one window of this rule.</summary>
    public bool Covers(DateTime localStart, DateTime localEnd, string reasonCode) =>
        Accepts(reasonCode) && AppliesOn(DateOnly.FromDateTime(localStart)) && localEnd.Date == localStart.Date
        && TimeOnly.FromDateTime(localStart) >= Start && TimeOnly.FromDateTime(localEnd) <= End;

    /// <summary>What is wrong with a rule as an administrator typed it, in French; null when it is sound.</summary>
    public static string? Check(TimeOnly start, TimeOnly end, DateOnly validFrom, DateOnly? validUntil, RuleRecurrence recurrence, int weekOfMonth)
    {
        if (end <= start) return "L'heure de fin doit venir après l'heure de début.";
        if (end - start < TimeSpan.FromMinutes(10)) return "Une plage d'ouverture dure 10 minutes au moins.";
        if (validUntil is { } until && until < validFrom) return "La fin de validité doit venir après son début.";
        if (recurrence == RuleRecurrence.MonthlyNth && weekOfMonth is not (1 or 2 or 3 or 4 or -1))
            return "Choisissez la semaine du mois : 1re, 2e, 3e, 4e ou dernière.";
        return null;
    }

    private static DateOnly MondayOf(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));
}
