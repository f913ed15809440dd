using System.Collections.Concurrent;

namespace Guichet.Web.Features.Voice;

/// <summary>
/// The slots this node is reading out to callers right now. Callers phoning together would otherwise all hear the
/// same three earliest slots, all press 1 for the first, and all but one lose it and start over: with 100 callers,
/// six times the turns of a call alone. A slot read to one caller is offered to the others only when nothing else
/// is free. This is a courtesy, not a guarantee: it is per node and forgotten on restart; the holds and the slot
/// claims' key still decide who gets a slot, whichever node the calls are on.
/// </summary>
public sealed class VoiceOffers(TimeProvider clock)
{
    /// <summary>Long enough to hear three slots and choose one; a silent caller's offers lapse by themselves.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(90);
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, (string CallId, DateTime ExpiresUtc)> bySlot = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string[]> byCall = new(StringComparer.Ordinal);

    /// <summary>
    /// The <paramref name="count"/> slots to read to this call: the first candidates (in their order) no other call is
    /// hearing, one per time (<paramref name="time"/>: two stations free at 9:30 are one slot for the caller), topped up
    /// in order with slots others hear when too few are left. They replace what the call was offered before.
    /// <paramref name="slot"/> gives what a slot occupies (its station's time units): a 9:05 slot overlapping one read
    /// out at 9:00 on the same station counts as offered too.
    /// </summary>
    public IReadOnlyList<T> Choose<T>(string callId, IReadOnlyList<T> candidates, Func<T, IEnumerable<string>> slot, Func<T, object> time, int count)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        Forget(callId);
        var free = new List<T>();
        var taken = new HashSet<string>(StringComparer.Ordinal);   // this call's own picks must not overlap either
        var times = new HashSet<object>();
        foreach (var c in candidates)
        {
            if (free.Count == count) break;
            var keys = slot(c).ToList();
            if (times.Contains(time(c)) || keys.Any(k => taken.Contains(k) || IsOfferedToAnother(k, callId, now))) continue;
            free.Add(c);
            times.Add(time(c));
            taken.UnionWith(keys);
        }
        if (free.Count < count)
        {
            var others = candidates.Where(c => !free.Contains(c) && !times.Contains(time(c))).DistinctBy(time).Take(count - free.Count);
            free = [.. free.Concat(others).OrderBy(c => IndexOf(candidates, c))];
        }
        var expires = now + Lifetime;
        var offered = free.SelectMany(slot).Distinct().ToArray();
        foreach (var k in offered) bySlot[k] = (callId, expires);
        byCall[callId] = offered;
        if (bySlot.Count > SweepAbove) Sweep(now);
        return free;
    }

    /// <summary>The call ended, or its offers no longer matter.</summary>
    public void Forget(string callId)
    {
        if (!byCall.TryRemove(callId, out var keys)) return;
        // Only this call's own entries: another call may have been offered the slot since.
        foreach (var k in keys)
            if (bySlot.TryGetValue(k, out var offer) && offer.CallId == callId) bySlot.TryRemove(new KeyValuePair<string, (string, DateTime)>(k, offer));
    }

    /// <summary>Calls listening to offers on this node (lapsed ones included until swept).</summary>
    public int Listening => byCall.Count;

    /// <summary>Station time units offered to some call, lapsed ones included until swept.</summary>
    public int Count => bySlot.Count;

    private bool IsOfferedToAnother(string slot, string callId, DateTime now) =>
        bySlot.TryGetValue(slot, out var offer) && offer.CallId != callId && offer.ExpiresUtc > now;

    private static int IndexOf<T>(IReadOnlyList<T> list, T item)
    {
        for (var i = 0; i < list.Count; i++) if (EqualityComparer<T>.Default.Equals(list[i], item)) return i;
        return -1;
    }

    private void Sweep(DateTime now)
    {
        foreach (var (k, v) in bySlot)
            if (v.ExpiresUtc <= now) bySlot.TryRemove(new KeyValuePair<string, (string, DateTime)>(k, v));
        foreach (var (callId, keys) in byCall)
            if (keys.All(k => !bySlot.TryGetValue(k, out var v) || v.CallId != callId)) byCall.TryRemove(callId, out _);
    }
}
