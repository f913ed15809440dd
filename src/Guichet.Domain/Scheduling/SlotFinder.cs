namespace Guichet.Domain.Scheduling;

/// <summary>What a slot search needs to know about one station.</summary>
public sealed record StationPlanning(
    string StationId,
    IReadOnlyList<OpeningRule> Rules,
    IReadOnlySet<long> TakenUnits,
    IReadOnlyList<ClosedPeriod>? Closed = null)
{
    /// <summary>Closures of the station and of its whole site, in any order.</summary>
    public IReadOnlyList<ClosedPeriod> ClosedPeriods => Closed ?? [];
}

public readonly record struct StationSlot(string StationId, Slot Slot);

/// <summary>
/// Free slots = opening rules − closed days − closures − what is booked. No clock, no database: everything comes in.
/// </summary>
public static class SlotFinder
{
    /// <param name="isClosed">true for a day with no appointment (public holiday, closure).</param>
    /// <param name="step">distance between two candidate starts inside an opening window.</param>
    /// <param name="length">length of the appointment (minutes per person × persons).</param>
    /// <param name="notBeforeUtc">the earliest instant a slot may start (now, or now + a delay).</param>
    /// <param name="withheld">the urgent reserve kept from this booker (the public), with <paramref name="nowUtc"/> for its release; null offers every start.</param>
    public static IEnumerable<StationSlot> FreeSlots(
        StationPlanning station, string reasonCode, Func<DateOnly, bool> isClosed, TimeZoneInfo zone,
        DateOnly from, DateOnly to, TimeSpan step, TimeSpan length, DateTime notBeforeUtc,
        UrgentReserve? withheld = null, DateTime nowUtc = default)
    {
        if (step <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(step));
        if (length <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(length));

        var closed = station.ClosedPeriods;
        var windows = new List<OpeningRule>(4);
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            if (isClosed(day)) continue;
            // Several windows may apply on one day (morning and afternoon); sorted so slots come in order.
            windows.Clear();
            foreach (var r in station.Rules)
                if (r.AppliesOn(day) && r.Accepts(reasonCode)) windows.Add(r);
            if (windows.Count == 0) continue;
            if (windows.Count > 1) windows.Sort(static (a, b) => a.Start.CompareTo(b.Start));
            // Every candidate start of the day is numbered, taken or not, so the reserve holds the same ones whatever is booked.
            var index = -1;
            foreach (var rule in windows)
            {
                var windowStart = day.ToDateTime(rule.Start);
                var windowEnd = day.ToDateTime(rule.End);
                // One offset for the whole window unless a clock change falls inside it: the usual case costs one
                // time-zone look-up per window instead of two per candidate.
                var offset = zone.GetUtcOffset(windowStart);
                var steady = offset == zone.GetUtcOffset(windowEnd) && !zone.IsInvalidTime(windowStart) && !zone.IsAmbiguousTime(windowStart)
                    && !zone.IsInvalidTime(windowEnd) && !zone.IsAmbiguousTime(windowEnd);
                for (var local = windowStart; local + length <= windowEnd; local += step)
                {
                    index++;
                    DateTime startUtc;
                    if (steady) startUtc = DateTime.SpecifyKind(local - offset, DateTimeKind.Utc);
                    else
                    {
                        // A local time that does not exist (spring DST gap) has no slot.
                        if (zone.IsInvalidTime(local)) continue;
                        startUtc = TimeZoneInfo.ConvertTimeToUtc(local, zone);
                    }
                    if (startUtc < notBeforeUtc) continue;
                    if (withheld is not null && withheld.Withholds(index, startUtc, nowUtc)) continue;
                    var endUtc = startUtc + length;
                    if (closed.Count > 0 && ClosedPeriod.AnyOverlaps(closed, startUtc, endUtc)) continue;
                    if (IsFree(station.TakenUnits, startUtc, endUtc))
                        yield return new StationSlot(station.StationId, new Slot(startUtc, endUtc));
                }
            }
        }
    }

    /// <summary>
    /// Free slots of a site: a start is offered when at least one station can take it. Sorted by start.
    /// </summary>
    public static IReadOnlyList<StationSlot> FreeSlots(
        IEnumerable<StationPlanning> stations, string reasonCode, Func<DateOnly, bool> isClosed, TimeZoneInfo zone,
        DateOnly from, DateOnly to, TimeSpan step, TimeSpan length, DateTime notBeforeUtc,
        UrgentReserve? withheld = null, DateTime nowUtc = default)
    {
        // Each station's slots come sorted: merge them, one per start, the first station (in the given order) winning a tie.
        var lists = new List<List<StationSlot>>();
        foreach (var station in stations)
        {
            List<StationSlot> mine = [.. FreeSlots(station, reasonCode, isClosed, zone, from, to, step, length, notBeforeUtc, withheld, nowUtc)];
            // Overlapping windows on one station (an administrator's slip) yield starts out of order: sort those (stable).
            for (var i = 1; i < mine.Count; i++)
                if (mine[i].Slot.StartUtc < mine[i - 1].Slot.StartUtc) { mine = [.. mine.OrderBy(s => s.Slot.StartUtc)]; break; }
            lists.Add(mine);
        }
        if (lists.Count == 1) return lists[0];
        var result = new List<StationSlot>(lists.Count == 0 ? 0 : lists.Max(l => l.Count));
        var next = new int[lists.Count];
        while (true)
        {
            var best = -1;
            for (var i = 0; i < lists.Count; i++)
                if (next[i] < lists[i].Count && (best < 0 || lists[i][next[i]].Slot.StartUtc < lists[best][next[best]].Slot.StartUtc)) best = i;
            if (best < 0) return result;
            var slot = lists[best][next[best]++];
            if (result.Count == 0 || result[^1].Slot.StartUtc != slot.Slot.StartUtc) result.Add(slot);
        }
    }

    public static bool IsFree(IReadOnlySet<long> takenUnits, DateTime startUtc, DateTime endUtc)
    {
        if (takenUnits.Count == 0) return true;
        var last = TimeUnits.Of(endUtc - TimeSpan.FromTicks(1));
        for (var unit = TimeUnits.Of(startUtc); unit <= last; unit++)
            if (takenUnits.Contains(unit)) return false;
        return true;
    }
}
