using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Bench;

/// <summary>
/// booking: N concurrent HTTP clients (keep-alive) each search the free CNI slots of the same few days at every
/// site and book one of the first five, so they compete for the same slots; beside N workers doing raw
/// single-row INSERTs, one per transaction, on the same database for the same time.
/// </summary>
public static class BookingScenario
{
    private const int WindowDays = 3;
    private const int PickAmong = 5;

    private sealed record SlotItem(string Site, string Start, string End);
    private sealed record SlotsAnswer(List<SlotItem> Slots);

    private sealed class ClientTally
    {
        public readonly Latencies Booked = new();
        public readonly Latencies Conflicts = new();
        public readonly Latencies Searches = new();
        public int Others;
        public int EmptyWindows;
    }

    public static async Task<bool> RunAsync(BenchOptions options, CancellationToken ct)
    {
        await using var database = await BenchDatabase.CreateAsync(options, "booking", ct);
        await using var app = await AppHost.StartAsync(database, ct);
        await Machine.PrintAsync("booking", database, ct);

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        // The first day of the shared window; moved on by a day when the window is full.
        var cursor = today.AddDays(1).DayNumber;
        var lastDay = today.AddDays(360).DayNumber;
        var attempts = 0L;
        var errors = new ConcurrentQueue<string>();

        HttpClient NewClient() => new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, MaxConnectionsPerServer = 4 })
            { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        async Task ClientLoopAsync(HttpClient http, int id, Func<bool> goOn, ClientTally tally)
        {
            var random = new Random(id);
            while (goOn())
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    await OneRoundAsync(http, random, id, tally);
                }
                catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !ct.IsCancellationRequested))
                {
                    // A refused connection or a timeout is a failure of the run, counted and shown, not a crash of the bench.
                    tally.Others++;
                    if (errors.Count < 5) errors.Enqueue($"{e.GetType().Name}: {e.Message}");
                }
            }
        }

        async Task OneRoundAsync(HttpClient http, Random random, int id, ClientTally tally)
        {
            var day = Volatile.Read(ref cursor);
            if (day > lastDay)
            {
                await Task.Delay(100, ct);
                return;
            }
            var from = DateOnly.FromDayNumber(day);
            var watch = Stopwatch.StartNew();
            var answer = await http.GetFromJsonAsync<SlotsAnswer>(
                $"/api/v1/slots?reason=CNI&persons=1&from={from:yyyy-MM-dd}&to={from.AddDays(WindowDays - 1):yyyy-MM-dd}", JsonSerializerOptions.Web, ct);
            tally.Searches.Add(watch.Elapsed.TotalMilliseconds);
            var slots = answer?.Slots ?? [];
            if (slots.Count == 0)
            {
                tally.EmptyWindows++;
                Interlocked.CompareExchange(ref cursor, day + 1, day);
                return;
            }
            var slot = slots[random.Next(Math.Min(PickAmong, slots.Count))];
            watch.Restart();
            using var response = await http.PostAsJsonAsync("/api/v1/appointments", new
            {
                site = slot.Site, reason = "CNI", start = slot.Start, persons = 1,
                // A different person each time: one person may hold one appointment only (the duplicate rule), and the
                // figure is about competing for slots, not about duplicates.
                firstName = "Dominique", lastName = "Banc-d'Essai", email = $"client{id}-{Interlocked.Increment(ref attempts)}@example.org",
            }, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var ms = watch.Elapsed.TotalMilliseconds;
            switch (response.StatusCode)
            {
                case HttpStatusCode.Created: tally.Booked.Add(ms); break;
                case HttpStatusCode.Conflict: tally.Conflicts.Add(ms); break;
                default:
                    tally.Others++;
                    if (errors.Count < 5) errors.Enqueue($"{(int)response.StatusCode} {body[..Math.Min(300, body.Length)]}");
                    break;
            }
        }

        // Warm-up: one client, a few searches and bookings, so JIT and pools are ready (not counted in the figures).
        var before = await CountBookedAsync(database, ct);
        using (var warm = NewClient())
        {
            var n = 0;
            await ClientLoopAsync(warm, -1, () => n++ < 15, new ClientTally());
        }
        var afterWarmUp = await CountBookedAsync(database, ct);

        // Timed: N clients for the duration.
        var clients = Enumerable.Range(0, options.Clients).Select(_ => NewClient()).ToList();
        var tallies = clients.Select(_ => new ClientTally()).ToList();
        var run = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select((c, i) => Task.Run(() => ClientLoopAsync(c, i, () => run.Elapsed < options.Duration, tallies[i]), ct)));
        var bookingSeconds = run.Elapsed.TotalSeconds;
        foreach (var c in clients) c.Dispose();
        var afterRun = await CountBookedAsync(database, ct);

        var booked = new Latencies();
        var conflicts = new Latencies();
        var searches = new Latencies();
        foreach (var t in tallies)
        {
            booked.AddRange(t.Booked);
            conflicts.AddRange(t.Conflicts);
            searches.AddRange(t.Searches);
        }
        var posts = new Latencies();
        posts.AddRange(booked);
        posts.AddRange(conflicts);
        var others = tallies.Sum(t => t.Others);
        var daysCovered = Volatile.Read(ref cursor) - today.AddDays(1).DayNumber + WindowDays;

        // Baseline: raw single-row inserts, one per transaction, same database, same concurrency, same duration.
        var (inserts, insertSeconds) = await database.RawInsertsAsync(options.Clients, options.Duration, payloadChars: 300, ct);   // about an appointment row

        Console.WriteLine();
        Console.WriteLine($"POST /api/v1/appointments — {options.Clients} concurrent clients (keep-alive) for {bookingSeconds:0.0} s, each searching CNI slots " +
                          $"at every site over the same {WindowDays} days and booking one of the first {PickAmong}");
        Console.WriteLine($"  baseline: {options.Clients} workers, one INSERT INTO bench_inserts(payload) per transaction (ADO.NET, pooled connection) for {insertSeconds:0.0} s on the same database");
        var table = new Table("booking", "raw insert");
        table.Row("successful per second", booked.Count / bookingSeconds, inserts.Count / insertSeconds, "0.0");
        table.Row("409 (slot taken) per second", Table.F(conflicts.Count / bookingSeconds, "0.0"), "—");
        table.Row("p50 latency (ms), 201", booked.Percentile(50), inserts.Percentile(50));
        table.Row("p95 latency (ms), 201", booked.Percentile(95), inserts.Percentile(95));
        table.Row("p99 latency (ms), 201", booked.Percentile(99), inserts.Percentile(99));
        table.Row("p50 latency (ms), 201 and 409", posts.Percentile(50), inserts.Percentile(50));
        table.Row("p95 latency (ms), 201 and 409", posts.Percentile(95), inserts.Percentile(95));
        table.Row("p50 latency (ms), 409", Table.F(conflicts.Percentile(50)), "—");
        table.Row("p95 latency (ms), 409", Table.F(conflicts.Percentile(95)), "—");
        table.Print();
        Console.WriteLine($"  totals: {Machine.N(booked.Count)} × 201, {Machine.N(conflicts.Count)} × 409, {others} other answers; {Machine.N(inserts.Count)} raw inserts; " +
                          $"{Machine.N(searches.Count)} slot searches under load (p50 {Table.F(searches.Percentile(50))} ms, p95 {Table.F(searches.Percentile(95))} ms); " +
                          $"the shared window moved over {daysCovered} days");
        foreach (var e in errors) Console.WriteLine($"  unexpected answer: {e}");
        Console.WriteLine($"load      {Machine.LoadAverage()} at the end");

        var check = await NoDoubleBooking.CheckAsync(database, ct);
        NoDoubleBooking.Print(check);
        var counted = afterRun - afterWarmUp == booked.Count;
        Console.WriteLine($"check     {Machine.N(afterRun - afterWarmUp)} appointments added to the database during the timed run for {Machine.N(booked.Count)} × 201 answers " +
                          $"({Machine.N(afterWarmUp - before)} more from the warm-up) — {(counted ? "OK" : "FAILED")}");
        return check.Ok && counted && others == 0;
    }

    private static async Task<int> CountBookedAsync(BenchDatabase database, CancellationToken ct)
    {
        await using var db = database.NewContext();
        return await db.Appointments.CountAsync(a => a.Status == AppointmentStatus.Booked, ct);
    }
}
