using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Bench;

/// <summary>
/// nodes: two app processes on one PostgreSQL database, N clients (half on each node, keep-alive) searching the same
/// few days of CNI slots and booking one of the first five, for the duration; halfway, node B is killed with SIGKILL
/// and its clients go over to node A, as behind a load balancer. Afterwards the client log is compared with the
/// database: every 201 must be there, nothing answered otherwise may be, and no two appointments may overlap.
/// The baseline is the same load on one node: the second half, after the kill.
/// </summary>
public static class NodesScenario
{
    private const int WindowDays = 3;
    private const int PickAmong = 5;

    private sealed record SlotItem(string Site, string Start, string End);
    private sealed record SlotsAnswer(List<SlotItem> Slots);
    private sealed record CreatedItem(string Id);

    private sealed record Attempt(string Email, string Node, HttpStatusCode? Status, string? Id, double Ms, bool AfterKill);

    public static async Task<bool> RunAsync(BenchOptions options, CancellationToken ct)
    {
        if (options.Postgres is null)
        {
            Console.Error.WriteLine("nodes needs --postgres \"<connection string>\": two nodes share one PostgreSQL database.");
            return false;
        }
        await using var database = await BenchDatabase.CreateAsync(options, "nodes", ct);
        // The first node migrates and seeds, the second starts on what it finds.
        await using var a = await AppHost.StartAsync(database, ct);
        var b = await AppHost.StartAsync(database, ct);
        await Machine.PrintAsync("nodes", database, ct);

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var cursor = today.AddDays(1).DayNumber;
        var lastDay = today.AddDays(360).DayNumber;
        var sequence = 0L;
        var killed = 0;
        var killing = 0;   // set just before the kill: failures on B from then on are the kill itself
        var log = new ConcurrentQueue<Attempt>();
        var errors = new ConcurrentQueue<string>();

        HttpClient NewClient(AppHost host) => new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, MaxConnectionsPerServer = 4, ConnectTimeout = TimeSpan.FromSeconds(5) })
            { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        async Task ClientAsync(int id, Stopwatch run)
        {
            var random = new Random(id);
            var onB = id % 2 == 1;
            var http = NewClient(onB ? b : a);
            try
            {
                while (run.Elapsed < options.Duration)
                {
                    ct.ThrowIfCancellationRequested();
                    if (onB && Volatile.Read(ref killed) == 1)
                    {
                        // The load balancer takes B out: its clients go over to A.
                        http.Dispose();
                        http = NewClient(a);
                        onB = false;
                    }
                    var node = onB ? "B" : "A";
                    var day = Volatile.Read(ref cursor);
                    if (day > lastDay) { await Task.Delay(100, ct); continue; }
                    var from = DateOnly.FromDayNumber(day);
                    List<SlotItem> slots;
                    try
                    {
                        var answer = await http.GetFromJsonAsync<SlotsAnswer>(
                            $"/api/v1/slots?reason=CNI&persons=1&from={from:yyyy-MM-dd}&to={from.AddDays(WindowDays - 1):yyyy-MM-dd}", JsonSerializerOptions.Web, ct);
                        slots = answer?.Slots ?? [];
                    }
                    catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !ct.IsCancellationRequested))
                    {
                        if (!onB || Volatile.Read(ref killing) == 0) errors.Enqueue($"search on {node}: {e.GetType().Name}: {e.Message}");
                        continue;
                    }
                    if (slots.Count == 0)
                    {
                        Interlocked.CompareExchange(ref cursor, day + 1, day);
                        continue;
                    }
                    var slot = slots[random.Next(Math.Min(PickAmong, slots.Count))];
                    var email = $"noeud-{id}-{Interlocked.Increment(ref sequence)}@example.org";
                    var watch = Stopwatch.StartNew();
                    try
                    {
                        using var response = await http.PostAsJsonAsync("/api/v1/appointments", new
                        {
                            site = slot.Site, reason = "CNI", start = slot.Start, persons = 1,
                            firstName = "Dominique", lastName = "Banc-d'Essai", email,
                        }, ct);
                        var created = response.StatusCode == HttpStatusCode.Created ? await response.Content.ReadFromJsonAsync<CreatedItem>(JsonSerializerOptions.Web, ct) : null;
                        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict) && errors.Count < 5)
                        {
                            var body = await response.Content.ReadAsStringAsync(ct);
                            errors.Enqueue($"{(int)response.StatusCode} on {node}: {body[..Math.Min(200, body.Length)]}");
                        }
                        log.Enqueue(new Attempt(email, node, response.StatusCode, created?.Id, watch.Elapsed.TotalMilliseconds, Volatile.Read(ref killed) == 1));
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException or JsonException || (e is TaskCanceledException && !ct.IsCancellationRequested))
                    {
                        // No answer: the outcome is unknown to the client (B died under it, or before it).
                        log.Enqueue(new Attempt(email, node, null, null, watch.Elapsed.TotalMilliseconds, Volatile.Read(ref killed) == 1));
                    }
                }
            }
            finally
            {
                http.Dispose();
            }
        }

        // Warm-up on each node, one client, not counted: JIT, pools and caches ready before the clock starts.
        foreach (var host in new[] { a, b })
        {
            using var warm = NewClient(host);
            var from = today.AddDays(300);
            for (var i = 0; i < 10; i++)
            {
                var answer = await warm.GetFromJsonAsync<SlotsAnswer>($"/api/v1/slots?reason=CNI&persons=1&from={from:yyyy-MM-dd}&to={from.AddDays(6):yyyy-MM-dd}", JsonSerializerOptions.Web, ct);
                if (answer?.Slots is not { Count: > 0 } free) break;
                using var _ = await warm.PostAsJsonAsync("/api/v1/appointments", new
                {
                    site = free[0].Site, reason = "CNI", start = free[0].Start, persons = 1, firstName = "Dominique", lastName = "Chauffe", email = $"chauffe-{i}@example.org",
                }, ct);
            }
        }

        var run = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, options.Clients).Select(i => Task.Run(() => ClientAsync(i, run), ct)).ToList();
        await Task.Delay(options.Duration / 2, ct);
        var killAt = run.Elapsed.TotalSeconds;
        Volatile.Write(ref killing, 1);
        await b.DisposeAsync();   // Process.Kill: SIGKILL, no shutdown
        Volatile.Write(ref killed, 1);
        await Task.WhenAll(clients);
        var total = run.Elapsed.TotalSeconds;

        var attempts = log.ToList();
        var before = attempts.Where(x => !x.AfterKill).ToList();
        var after = attempts.Where(x => x.AfterKill).ToList();
        int Count(IEnumerable<Attempt> xs, HttpStatusCode s) => xs.Count(x => x.Status == s);

        // The client log against the database.
        await using var db = database.NewContext();
        var rows = await db.Appointments.AsNoTracking().Where(x => x.Status == AppointmentStatus.Booked && x.Email != null && x.Email.StartsWith("noeud-"))
            .Select(x => new { x.Id, x.Email }).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToHashSet();
        var created = attempts.Where(x => x.Status == HttpStatusCode.Created).ToList();
        var lost = created.Count(x => !ids.Contains(x.Id!));
        var byEmail = attempts.ToDictionary(x => x.Email);
        var unanswered = rows.Count(r => byEmail.TryGetValue(r.Email!, out var x) && x.Status is null);
        var phantom = rows.Count(r => !byEmail.TryGetValue(r.Email!, out var x) || (x.Status is not null && x.Status != HttpStatusCode.Created));
        var others = attempts.Count(x => x.Status is not null and not (HttpStatusCode.Created or HttpStatusCode.Conflict));

        Console.WriteLine();
        Console.WriteLine($"POST /api/v1/appointments — {options.Clients} clients (keep-alive), half on node A, half on node B, for {total:0.0} s, " +
                          $"each searching CNI slots at every site over the same {WindowDays} days and booking one of the first {PickAmong}; node B killed (SIGKILL) at {killAt:0.0} s, its clients then on A");
        var table = new Table("two nodes", "one node (after the kill)");
        table.Row("successful per second", created.Count(x => !x.AfterKill) / killAt, created.Count(x => x.AfterKill) / (total - killAt), "0.0");
        table.Row("409 (slot taken) per second", Count(before, HttpStatusCode.Conflict) / killAt, Count(after, HttpStatusCode.Conflict) / (total - killAt), "0.0");
        table.Row("p50 latency (ms), 201 and 409", Percentile(before.Where(x => x.Status is not null), 50), Percentile(after.Where(x => x.Status is not null), 50));
        table.Row("p95 latency (ms), 201 and 409", Percentile(before.Where(x => x.Status is not null), 95), Percentile(after.Where(x => x.Status is not null), 95));
        table.Print();
        Console.WriteLine($"  totals: {Machine.N(created.Count)} × 201 ({created.Count(x => x.Node == "A")} on A, {created.Count(x => x.Node == "B")} on B), {attempts.Count(x => x.Node == "B" && x.Status is not null)} answers from B before the kill, " +
                          $"{Machine.N(Count(attempts, HttpStatusCode.Conflict))} × 409, {others} other answers, {attempts.Count(x => x.Status is null)} unanswered (on B when it died)");
        foreach (var e in errors.Take(5)) Console.WriteLine($"  unexpected: {e}");
        Console.WriteLine($"load      {Machine.LoadAverage()} at the end");

        var check = await NoDoubleBooking.CheckAsync(database, ct);
        NoDoubleBooking.Print(check);
        Console.WriteLine($"check     {Machine.N(created.Count)} bookings answered 201: {lost} missing from the database — {(lost == 0 ? "OK, none lost" : "FAILED")}");
        Console.WriteLine($"check     {Machine.N(rows.Count)} bookings in the database: {phantom} answered otherwise than 201 — {(phantom == 0 ? "OK" : "FAILED")}; " +
                          $"{unanswered} made by a request that got no answer (in flight on B at the kill: the client cannot know)");
        Console.WriteLine($"check     node A after the kill: {created.Count(x => x.AfterKill)} × 201 — {(created.Any(x => x.AfterKill) ? "OK, carried on" : "FAILED")}");
        return check.Ok && lost == 0 && phantom == 0 && others == 0 && created.Any(x => x.AfterKill);
    }

    private static double Percentile(IEnumerable<Attempt> attempts, double p)
    {
        var sorted = attempts.Select(x => x.Ms).Order().ToList();
        if (sorted.Count == 0) return double.NaN;
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
