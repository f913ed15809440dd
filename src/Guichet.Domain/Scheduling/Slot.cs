namespace Guichet.Domain.Scheduling;

/// <summary>A free interval of one station, in UTC. Slots are computed, never stored.</summary>
public readonly record struct Slot(DateTime StartUtc, DateTime EndUtc)
{
    public TimeSpan Length => EndUtc - StartUtc;
}

/// <summary>
/// The planning is cut into units of five minutes. A booking claims every unit it covers, and the
/// database keeps one row per (station, unit) under a unique key: that is what makes double booking
/// impossible, whatever the number of web nodes.
/// </summary>
public static class TimeUnits
{
    public const int Minutes = 5;
    private static readonly long TicksPerUnit = TimeSpan.FromMinutes(Minutes).Ticks;

    public static long Of(DateTime utc)
    {
        if (utc.Kind == DateTimeKind.Local) throw new ArgumentException("Les instants sont en UTC.", nameof(utc));
        return utc.Ticks / TicksPerUnit;
    }

    public static bool IsAligned(DateTime utc) => utc.Ticks % TicksPerUnit == 0;

    public static DateTime StartOf(long unit) => new(unit * TicksPerUnit, DateTimeKind.Utc);

    /// <summary>Every unit covered by [start, end).</summary>
    public static IEnumerable<long> Covering(DateTime startUtc, DateTime endUtc)
    {
        for (var u = Of(startUtc); StartOf(u) < endUtc; u++) yield return u;
    }
}
