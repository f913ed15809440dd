namespace Guichet.Domain.Requests;

/// <summary>
/// How long a closed request keeps its citizen's personal data (RGPD art. 5-1-e, storage limitation): a number of months
/// per category, counted from the day the request was closed. After that the request is anonymised, not deleted, so
/// it still counts in the statistics.
/// </summary>
public static class Retention
{
    public const int DefaultMonths = 36;
    public const int MinMonths = 1;
    public const int MaxMonths = 120;

    /// <summary>True once <paramref name="months"/> calendar months have passed since the closure (same date to same date).</summary>
    public static bool IsDue(DateTime closedUtc, int months, DateTime nowUtc) =>
        months is >= MinMonths and <= MaxMonths && nowUtc >= closedUtc.AddMonths(months);

    /// <summary>The latest closure instant that is due at <paramref name="nowUtc"/>: closures on or before it are past retention.</summary>
    public static DateTime ClosedBefore(int months, DateTime nowUtc) => nowUtc.AddMonths(-months);
}
