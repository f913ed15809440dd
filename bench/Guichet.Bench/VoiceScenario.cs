using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Bench;

/// <summary>
/// voice: N simultaneous FastAGI calls (--clients, default 100) that each book the earliest CNI slot at Lorval by
/// pressing 1 at every question (a slot taken or held by another caller is replaced by the next ones, so they press
/// 1 again). One turn is the time from the reply that ends a wait for keys to the next command the app sends: the
/// engine, the database reads and writes and the socket. Beside it, GET /health/live on the same server with as
/// many concurrent clients, in the same run.
/// </summary>
public static class VoiceScenario
{
    private const int MaxTurnsPerCall = 200;

    public static async Task<bool> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var calls = options.Clients == 64 ? 100 : options.Clients;   // 64 is the option's default for booking
        await using var database = await BenchDatabase.CreateAsync(options, "voice", ct);
        var agiPort = FreePort();
        var settings = new Dictionary<string, string>
        {
            ["Voice__FastAgi__Listen"] = $"127.0.0.1:{agiPort}",
            ["Logging__LogLevel__Default"] = "Warning",
            // The door prints each turn's own time (engine and database, without the socket): the server-side figure.
            ["Logging__LogLevel__Guichet.Web.Features.Voice.FastAgiServer"] = "Debug",
        };
        await using var app = await AppHost.StartAsync(database, ct, settings);
        app.Line += ServerTurns.Read;
        await Machine.PrintAsync("voice", database, ct);
        var server = new IPEndPoint(IPAddress.Loopback, agiPort);

        // Warm-up: one call, not measured.
        await CallAsync(server, "warmup", "0699000000", TimeSpan.Zero, TimeSpan.Zero, new Random(0), new Latencies(), ct);

        // First as callers behave: each listens to a prompt before pressing a key (1 to 3 s here, drawn per key with a
        // fixed seed: shorter than real prompts, so the load is heavier than on real lines), the calls arriving over
        // 3 s and all in progress together. The first 100 calls find the app just started: the JIT is still
        // recompiling the hot code in the background (on two cores it takes most of one), so they are reported on
        // their own as "cold". The same callers again once the app is quiet are the steady state the target is about.
        // Then the same callers answering every prompt at once, all in step: a saturation test of the two cores where
        // all 100 want the same earliest slot at the same instant.
        var think = TimeSpan.FromSeconds(1);
        ServerTurns.Take();
        var cold = await PhaseAsync(app, server, calls, "cold", 10_000_000, think, ct);
        var settled = await app.WaitQuietAsync(0.05, TimeSpan.FromSeconds(60), ct);
        ServerTurns.Take();
        var paced = await PhaseAsync(app, server, calls, "paced", 30_000_000, think, ct);
        var burst = await PhaseAsync(app, server, calls, "burst", 20_000_000, TimeSpan.Zero, ct);

        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var live = new Latencies();
        var perClient = Enumerable.Range(0, calls).Select(_ => new Latencies()).ToArray();
        await Task.WhenAll(Enumerable.Range(0, calls).Select(async i =>
        {
            for (var k = 0; k < 10; k++) perClient[i].Add((await BenchHttp.TimedGetAsync(http, "/health/live", ct)).Ms);
        }));
        foreach (var l in perClient) live.AddRange(l);

        int booked;
        List<(string Path, int Calls)> paths;
        await using (var db = database.NewContext())
        {
            booked = await db.Appointments.CountAsync(a => a.Channel == Channel.Voice && a.Status == AppointmentStatus.Booked, ct);
            paths = (await db.Set<Guichet.Web.Features.Voice.VoiceCall>().AsNoTracking().Where(c => c.Id.StartsWith("agi-bench-"))
                .GroupBy(c => c.Path).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
                .OrderByDescending(p => p.Count).Select(p => (p.Key, p.Count)).ToList();
        }

        Console.WriteLine($"calls     {calls} simultaneous FastAGI calls, each pressing 1 until it hangs up, three times: {booked - 1} bookings made in all (plus the warm-up's)");
        foreach (var phase in new[] { cold, paced, burst })
        {
            Console.WriteLine(phase.Name switch
            {
                "cold" => $"  cold: the first calls after the app started, each caller pressing a key {phase.Think.TotalSeconds:0.#} to {3 * phase.Think.TotalSeconds:0.#} s after each prompt starts, the calls arriving over {3 * phase.Think.TotalSeconds:0.#} s",
                "paced" => $"  paced: the same again once the app was quiet ({settled.TotalSeconds:0} s after the cold calls)",
                _ => "  burst: the same callers answering every prompt at once, all in step",
            } + $": {phase.HungUp} hung up by the app, {phase.Turns.Count} turns in {phase.Seconds:0.0} s ({phase.Turns.Count / phase.Seconds:0} turns/s); "
              + $"the app used {phase.Cpu.TotalSeconds:0.0} s of CPU ({phase.Cpu.TotalMilliseconds / Math.Max(1, phase.Turns.Count):0.0} ms a turn, the JIT's included)");
            var table = new Table("voice turn (ms)", "/health/live (ms)");
            table.Row("p50", phase.Turns.Percentile(50), live.Percentile(50));
            table.Row("p95", phase.Turns.Percentile(95), live.Percentile(95));
            table.Row("p99", phase.Turns.Percentile(99), live.Percentile(99));
            table.Row("mean", phase.Turns.Mean, live.Mean);
            table.Print();
            // The keys of a booking call, in order: book, reason, persons, first slot (held), confirm slot, confirm number (books).
            Console.WriteLine("  by step (p50 / p99 ms): " + string.Join(", ", phase.ByStep.Select(p =>
                $"{p.Key}: {p.Value.Percentile(50):0.0} / {p.Value.Percentile(99):0.0}")));
            Console.WriteLine($"  server-side, as the app timed its {phase.Server.Count} turns (engine + database, no socket; also the calls' first and last turns): "
                + $"p50 {phase.Server.Percentile(50):0.00} / p95 {phase.Server.Percentile(95):0.00} / p99 {phase.Server.Percentile(99):0.00} ms");
        }
        Console.WriteLine($"paths     {paths.Count} different paths through the menu; the most taken:");
        foreach (var (path, n) in paths.Take(4)) Console.WriteLine($"  {n,4} × {path}");
        Console.WriteLine($"  target: p99 of one turn including the database ≤ 20 ms, paced once the app is quiet: server-side {paced.Server.Percentile(99):0.0} ms "
            + $"({(paced.Server.Percentile(99) <= 20 ? "met" : "missed")}); wall-clock {paced.Turns.Percentile(99):0.0} ms "
            + $"({(paced.Turns.Percentile(99) <= 20 ? "met" : "missed")}) beside /health/live p99 {live.Percentile(99):0.0} ms. /health/live: {calls} concurrent clients × 10 requests after the calls");
        Console.WriteLine($"load      {Machine.LoadAverage()} at the end");
        var check = await NoDoubleBooking.CheckAsync(database, ct);
        NoDoubleBooking.Print(check);
        return check.Ok && cold.HungUp == calls && paced.HungUp == calls && burst.HungUp == calls;
    }

    /// <summary>One call as Asterisk makes it; true when the app ended it with HANGUP and closed the socket.</summary>
    private sealed record Phase(string Name, TimeSpan Think, Latencies Turns, int HungUp, double Seconds, SortedDictionary<int, Latencies> ByStep, Latencies Server, TimeSpan Cpu);

    /// <summary>The turns the app's FastAGI door timed itself, read from its Debug lines.</summary>
    private static class ServerTurns
    {
        private const string Marker = "FastAGI turn in ";
        private static readonly Lock Gate = new();
        private static Latencies current = new();

        public static void Read(string line)
        {
            var at = line.IndexOf(Marker, StringComparison.Ordinal);
            if (at < 0) return;
            var rest = line[(at + Marker.Length)..];
            var end = rest.IndexOf(' ');
            if (end > 0 && double.TryParse(rest[..end], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
                lock (Gate) current.Add(ms);
        }

        /// <summary>The turns since the last call, after the app's output has caught up.</summary>
        public static Latencies Take()
        {
            lock (Gate)
            {
                var taken = current;
                current = new Latencies();
                return taken;
            }
        }
    }

    private static async Task<Phase> PhaseAsync(AppHost app, IPEndPoint server, int calls, string name, int firstNumber, TimeSpan think, CancellationToken ct)
    {
        // Each phase's callers have their own numbers: one person holds one appointment.
        var perCall = Enumerable.Range(0, calls).Select(_ => new Latencies()).ToArray();
        var stepsPerCall = Enumerable.Range(0, calls).Select(_ => new SortedDictionary<int, Latencies>()).ToArray();
        var cpu = app.ProcessorTime;
        var watch = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, calls).Select(i =>
            CallAsync(server, $"bench-{name}-{i}", "06" + (firstNumber + i).ToString(CultureInfo.InvariantCulture),
                think * 3 * i / calls, think, new Random(i), perCall[i], ct, stepsPerCall[i])));
        var seconds = watch.Elapsed.TotalSeconds;
        cpu = app.ProcessorTime - cpu;
        var turns = new Latencies();
        foreach (var l in perCall) turns.AddRange(l);
        var byStep = new SortedDictionary<int, Latencies>();
        foreach (var (step, l) in stepsPerCall.SelectMany(d => d))
        {
            if (!byStep.TryGetValue(step, out var all)) byStep[step] = all = new Latencies();
            all.AddRange(l);
        }
        await Task.Delay(TimeSpan.FromSeconds(1), ct);   // the app's last lines of the phase
        return new Phase(name, think, turns, outcomes.Count(o => o), seconds, byStep, ServerTurns.Take(), cpu);
    }

    private static async Task<bool> CallAsync(IPEndPoint server, string id, string caller, TimeSpan arrival, TimeSpan think, Random random, Latencies turns, CancellationToken ct,
        SortedDictionary<int, Latencies>? byStep = null)
    {
        if (arrival > TimeSpan.Zero) await Task.Delay(arrival, ct);
        using var client = new TcpClient();
        await client.ConnectAsync(server, ct);
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n", AutoFlush = true };
        foreach (var line in new[] { "agi_network: yes", "agi_network_script: rdv", $"agi_uniqueid: {id}", $"agi_callerid: {caller}",
                     "agi_dnid: 100", "agi_extension: 100", "agi_arg_1: mairie-lorval", "" })
            await writer.WriteLineAsync(line);
        var waits = 0;
        Stopwatch? turn = null;
        while (await reader.ReadLineAsync(ct) is { } command)
        {
            if (turn is not null)
            {
                turns.Add(turn.Elapsed.TotalMilliseconds);
                if (byStep is not null)
                {
                    if (!byStep.TryGetValue(waits, out var step)) byStep[waits] = step = new Latencies();
                    step.Add(turn.Elapsed.TotalMilliseconds);
                }
                turn = null;
            }
            if (command.StartsWith("GET DATA", StringComparison.Ordinal))
            {
                if (++waits > MaxTurnsPerCall) { await writer.WriteLineAsync("HANGUP"); await writer.WriteLineAsync("511 Command Not Permitted on a dead channel or intercept routine"); continue; }
                if (think > TimeSpan.Zero) await Task.Delay(think * (1 + 2 * random.NextDouble()), ct);   // the caller listens, then presses 1
                turn = Stopwatch.StartNew();
                await writer.WriteLineAsync("200 result=1");
            }
            else if (command == "HANGUP")
            {
                await writer.WriteLineAsync("200 result=1");
                return await reader.ReadLineAsync(ct) is null;
            }
            else await writer.WriteLineAsync(command.StartsWith("STREAM FILE", StringComparison.Ordinal) ? "200 result=0 endpos=8000" : "200 result=0");
        }
        return false;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
