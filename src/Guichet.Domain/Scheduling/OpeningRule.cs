namespace Guichet.Domain.Scheduling;

/// <summary>
/// A weekly opening window of one station, in the site's local time, valid between two dates
/// (inclusive) and accepting some reasons.
/// </summary>
public sealed record OpeningRule(
    DayOfWeek Day,
    TimeOnly Start,
    TimeOnly End,
    DateOnly ValidFrom,
    DateOnly? ValidUntil,
    IReadOnlySet<string> Reasons)
{
    public bool AppliesOn(DateOnly date) =>
        date.DayOfWeek == Day && date >= ValidFrom && (ValidUntil is null || date <= ValidUntil.Value);

    public bool Accepts(string reasonCode) => Reasons.Contains(reasonCode);
}
