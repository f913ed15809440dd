using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Platform;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Guichet.Web.Features.Ants;

/// <summary>
/// Free slots for the hub, from the same <see cref="FindSlots"/> the booking pages use, one list per site:
/// sorted, one entry per start (several stations free at the same minute are one slot for a citizen).
/// Answers are kept a few seconds per (site, reason, persons, range): the hub turns every citizen's search
/// into a call and widens ranges to whole months, so bursts repeat the same questions. A kept answer can
/// only be stale in one direction — a slot taken meanwhile — and the booking page checks again.
/// </summary>
public sealed class HubAvailability(FindSlots finder, TimeProvider clock, IMemoryCache cache, IOptions<AntsOptions> options)
{
    /// <summary>Under FindSlots' own limit of BookingRules.MaxSearchDays per search.</summary>
    private const int ChunkDays = 90;
    private const int MaxPersons = 20;

    /// <summary>Time spent searching on this request (zero when every site came from the cache).</summary>
    public TimeSpan SearchTime { get; private set; }

    /// <summary>
    /// Each site's slot list as the JSON array the hub reads, with its callback URLs. The bytes themselves are what
    /// is kept: a burst of the same question then costs a copy, not a search and a serialisation of thousands of slots.
    /// </summary>
    public async Task<Dictionary<string, byte[]>> SlotsJsonAsync(
        IReadOnlyList<string> siteIds, string reason, int persons, DateOnly from, DateOnly to, string baseUrl, CancellationToken ct)
    {
        var answer = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        // The hub may ask from the 1st of the current month, or further ahead than anything is open: keep what can hold slots.
        if (from < today) from = today;
        if (to > today.AddYears(1)) to = today.AddYears(1);
        if (from > to || persons > MaxPersons)
        {
            foreach (var id in siteIds) answer[id] = "[]"u8.ToArray();
            return answer;
        }

        var ttl = options.Value.HubCacheDuration;
        var missing = new List<string>();
        foreach (var id in siteIds)
        {
            if (ttl > TimeSpan.Zero && cache.TryGetValue(Key(id, reason, persons, from, to, baseUrl), out byte[]? kept) && kept is not null)
                answer[id] = kept;
            else missing.Add(id);
        }
        if (missing.Count == 0) return answer;

        var search = System.Diagnostics.Stopwatch.StartNew();
        var found = await FindAsync(missing, reason, persons, from, to, ct);
        SearchTime = search.Elapsed;
        foreach (var id in missing)
        {
            var json = Serialise(found[id], $"{baseUrl}/rendez-vous/coordonnees?site={Uri.EscapeDataString(id)}&reason={Uri.EscapeDataString(reason)}&persons={persons}&pre=0&start=");
            answer[id] = json;
            if (ttl > TimeSpan.Zero)
                cache.Set(Key(id, reason, persons, from, to, baseUrl), json, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = ttl, Size = json.Length / 1024 + 1 });
        }
        return answer;
    }

    /// <summary>Free starts of each site in its local time, sorted, one per minute (several stations free at once are one slot for a citizen).</summary>
    private async Task<Dictionary<string, List<DateTimeOffset>>> FindAsync(
        IReadOnlyList<string> siteIds, string reason, int persons, DateOnly from, DateOnly to, CancellationToken ct)
    {
        // One search over all the sites: FindSlots loads their plannings together, window by window.
        var found = siteIds.ToDictionary(id => id, _ => new List<DateTimeOffset>(), StringComparer.Ordinal);
        var zones = new Dictionary<string, TimeZoneInfo>(StringComparer.Ordinal);
        for (var chunk = from; chunk <= to; chunk = chunk.AddDays(ChunkDays))
        {
            var end = chunk.AddDays(ChunkDays - 1) < to ? chunk.AddDays(ChunkDays - 1) : to;
            var result = await finder.RunAsync(new SlotQuery(siteIds, reason, persons, 0, chunk, end, int.MaxValue), ct);
            // A refusal here means no site of the list offers the motif or that many persons: no slots, not an error.
            if (result is not SlotSearchResult.Found f) break;
            foreach (var s in f.Slots)
            {
                if (!zones.TryGetValue(s.Site.TimeZone, out var zone)) zones[s.Site.TimeZone] = zone = TimeZoneInfo.FindSystemTimeZoneById(s.Site.TimeZone);
                var list = found[s.Site.Id];
                var local = new DateTimeOffset(s.StartUtc).ToOffset(zone.GetUtcOffset(s.StartUtc));
                // FindSlots answers earliest first and chunks follow each other: a start at or before the last is a repeat.
                if (list.Count == 0 || list[^1].UtcDateTime < s.StartUtc) list.Add(local);
            }
        }
        return found;
    }

    /// <summary>
    /// The array the hub reads, written straight as UTF-8: each entry is ASCII made of digits and the callback prefix,
    /// JSON-escaped once, so a site with thousands of slots costs no string per slot.
    /// </summary>
    private static byte[] Serialise(List<DateTimeOffset> starts, string callbackPrefix)
    {
        // The answer goes to the hub as application/json, never into a page: '&' and '+' in URLs need no \u escapes.
        var prefix = Encoding.UTF8.GetBytes(JsonEncodedText.Encode(callbackPrefix, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value);
        var buffer = new ArrayBufferWriter<byte>(2 + starts.Count * (prefix.Length + 80));
        buffer.Write("["u8);
        Span<byte> date = stackalloc byte[32];
        Span<byte> url = stackalloc byte[96];
        for (var i = 0; i < starts.Count; i++)
        {
            var local = starts[i];
            if (i > 0) buffer.Write(","u8);
            buffer.Write("{\"datetime\":\""u8);
            // The hub's quirk: the wall-clock time with a Z (HubApi.WallClockZ), then the start for our booking page as
            // yyyy-MM-ddTHH:mm:ss+hh:mm, URL-escaped (':' is %3A, '+' is %2B). Digits written by hand: formatting
            // thousands of dates with a pattern was a fifth of the answer's cost.
            var t = local.DateTime;
            var n = WriteWallClock(date, t);
            date[n++] = (byte)'Z';
            buffer.Write(date[..n]);
            buffer.Write("\",\"callback_url\":\""u8);
            buffer.Write(prefix);
            var escaped = WriteWallClock(url, t, escaped: true);
            escaped += Ascii(url[escaped..], "%3A");
            escaped += Two(url[escaped..], t.Second);
            var offset = local.Offset;
            escaped += Ascii(url[escaped..], offset < TimeSpan.Zero ? "-" : "%2B");
            if (offset < TimeSpan.Zero) offset = -offset;
            escaped += Two(url[escaped..], offset.Hours);
            escaped += Ascii(url[escaped..], "%3A");
            escaped += Two(url[escaped..], offset.Minutes);
            buffer.Write(url[..escaped]);
            buffer.Write("\"}"u8);
        }
        buffer.Write("]"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>yyyy-MM-ddTHH%3Amm into <paramref name="to"/> when escaped, else yyyy-MM-ddTHH:mm; returns the length.</summary>
    private static int WriteWallClock(Span<byte> to, DateTime t, bool escaped = false)
    {
        var n = Two(to, t.Year / 100) + Two(to[2..], t.Year % 100);
        to[n++] = (byte)'-'; n += Two(to[n..], t.Month);
        to[n++] = (byte)'-'; n += Two(to[n..], t.Day);
        to[n++] = (byte)'T'; n += Two(to[n..], t.Hour);
        n += Ascii(to[n..], escaped ? "%3A" : ":");
        return n + Two(to[n..], t.Minute);
    }

    private static int Two(Span<byte> to, int value)
    {
        to[0] = (byte)('0' + value / 10);
        to[1] = (byte)('0' + value % 10);
        return 2;
    }

    private static int Ascii(Span<byte> to, string text)
    {
        for (var i = 0; i < text.Length; i++) to[i] = (byte)text[i];
        return text.Length;
    }

    /// <summary>Where citizens are sent back: the configured public address, else the one the hub called.</summary>
    public string BaseUrl(HttpRequest request) =>
        string.IsNullOrEmpty(options.Value.PublicBaseUrl) ? $"{request.Scheme}://{request.Host}" : options.Value.PublicBaseUrl.TrimEnd('/');

    private static string Key(string site, string reason, int persons, DateOnly from, DateOnly to, string baseUrl) =>
        $"ants-slots|{site}|{reason}|{persons}|{from:yyyy-MM-dd}|{to:yyyy-MM-dd}|{baseUrl}";
}
