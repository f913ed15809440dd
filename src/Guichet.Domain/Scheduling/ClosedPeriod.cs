namespace Guichet.Domain.Scheduling;

/// <summary>
/// A period when a station takes no appointment: the site is closed, the station is out of order, or the agent who
/// runs it is away. Half-open, in UTC: a closure until 12:00 leaves a slot starting at 12:00 free.
/// </summary>
public readonly record struct ClosedPeriod(DateTime StartUtc, DateTime EndUtc)
{
    public bool Overlaps(DateTime startUtc, DateTime endUtc) => startUtc < EndUtc && StartUtc < endUtc;

    /// <summary>True when any of <paramref name="periods"/> overlaps [start, end).</summary>
    public static bool AnyOverlaps(IReadOnlyList<ClosedPeriod> periods, DateTime startUtc, DateTime endUtc)
    {
        for (var i = 0; i < periods.Count; i++)
            if (periods[i].Overlaps(startUtc, endUtc)) return true;
        return false;
    }
}
