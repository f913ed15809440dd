using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Guichet.Bench;

public sealed record BenchOptions(
    string Scenario,
    string? Postgres,
    int Appointments,
    bool AppointmentsGiven,
    int Requests,
    int WarmUp,
    int Clients,
    TimeSpan Duration,
    bool DurationGiven,
    bool Keep);

public static class BenchProgram
{
    private const string Usage = """
        Guichet benchmarks: each figure is printed beside a baseline measured in the same run, with the ratio.

          dotnet run -c Release --project bench/Guichet.Bench -- SCENARIO [options]

        Scenarios
          slots     p50/p95/p99 of a 90-day slot search at one site holding 10,000 appointments,
                    against GET /health/live on the same server
          booking   bookings/s with 64 concurrent clients competing for the same days,
                    against raw single-row inserts (64 workers) on the same database
          ants      p50/p95/p99 of the ANTS hub's availableTimeSlots for 50 meeting points over two months,
                    against GET /health/live on the same server
          reminders the reminders of 100,000 appointments (--appointments), due now: time to enqueue them and
                    time for the app's dispatcher to send them all to an SMTP sink in the bench,
                    against raw inserts of as many rows on the same database
          territory 50 sites × 4 stations, 90 days, 200,000 appointments (--appointments): p50/p95/p99 of one site's
                    90-day search and of the territory-wide first 20 slots, against GET /health/live on the same server
          voice     100 simultaneous FastAGI calls (--clients) booking by phone: p50/p95/p99 of one dialogue turn
                    (engine + database + socket), against GET /health/live with as many concurrent clients
          indicators the supervisors' quality dashboard over 1,000,000 requests, 2,000,000 appointments and 500,000 calls
                    (--appointments N scales them: N, N/2, N/4), p50/p95/p99 server-side and wall-clock,
                    against GET /health/live on the same server
          requests  Open311 POSTs from 16 concurrent clients (--clients) for 20 s (--duration), against raw single-row
                    inserts with as many workers; then the agents' inbox /agent/demandes (default and filtered view)
                    over 1,000,000 requests, against GET /health/live on the same server
          nodes     (PostgreSQL only) two app processes on one database, --clients (default 64) booking through both
                    for --duration (default 20 s); node B killed with SIGKILL halfway, its clients moved to A: bookings/s
                    with two nodes against one, and the client log checked against the database (no 201 lost)
          all       the first five, one after the other

        Options
          --postgres "<connection string>"  run on PostgreSQL: a throwaway database is created on that server
                                            (the connection's database is only used to create and drop it)
          --appointments N    existing appointments for slots (default 10000), appointments for reminders (default 100000)
          --requests N        measured requests per endpoint for slots and ants (default 300)
          --warmup N          warm-up requests per endpoint for slots and ants (default 30)
          --clients N         concurrent clients / insert workers for booking (default 64)
          --duration S        seconds of each timed phase of booking (default 20); for reminders, a cap on the
                              dispatch phase (default: until every reminder is sent, at most 30 minutes), after
                              which the rate so far is reported
          --keep              keep the database (SQLite file or PostgreSQL database) and print where it is
        """;

    public static async Task<int> MainAsync(string[] args)
    {
        BenchOptions options;
        try { options = Parse(args); }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine();
            Console.Error.WriteLine(Usage);
            return 2;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // Let the finally blocks stop the app and drop the database.
            e.Cancel = true;
            cts.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            cts.Cancel();
        });

        try
        {
            var scenarios = options.Scenario == "all" ? new[] { "slots", "booking", "ants", "reminders", "territory" } : [options.Scenario];
            foreach (var scenario in scenarios)
            {
                var watch = Stopwatch.StartNew();
                var ok = scenario switch
                {
                    "slots" => await SlotsScenario.RunAsync(options, cts.Token),
                    "booking" => await BookingScenario.RunAsync(options, cts.Token),
                    "ants" => await AntsScenario.RunAsync(options, cts.Token),
                    "reminders" => await RemindersScenario.RunAsync(options.AppointmentsGiven ? options : options with { Appointments = 100_000 }, cts.Token),
                    "territory" => await TerritoryScenario.RunAsync(options.AppointmentsGiven ? options : options with { Appointments = 200_000 }, cts.Token),
                    "voice" => await VoiceScenario.RunAsync(options, cts.Token),
                    "requests" => await RequestsScenario.RunAsync(options, cts.Token),
                    "nodes" => await NodesScenario.RunAsync(options, cts.Token),
                    "indicators" => await IndicatorsScenario.RunAsync(options, cts.Token),
                    _ => throw new InvalidOperationException(),
                };
                Console.WriteLine($"took      {watch.Elapsed.TotalSeconds:0} s for the {scenario} scenario (app start, data, measures and checks)");
                if (!ok) return 1;
            }
            return 0;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Console.Error.WriteLine("Interrupted.");
            return 130;
        }
    }

    private static BenchOptions Parse(string[] args)
    {
        string? scenario = null, postgres = null;
        int? appointments = null;
        int requests = 300, warmUp = 30, clients = 64;
        int? seconds = null;
        var keep = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt(int min)
            {
                var name = args[i];
                var text = Next();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min
                    ? n : throw new ArgumentException($"{name} needs a whole number ≥ {min}, not '{text}'.");
            }
            switch (args[i])
            {
                case "--postgres": postgres = Next(); break;
                case "--appointments": appointments = NextInt(0); break;
                case "--requests": requests = NextInt(1); break;
                case "--warmup": warmUp = NextInt(0); break;
                case "--clients": clients = NextInt(1); break;
                case "--duration": seconds = NextInt(1); break;
                case "--keep": keep = true; break;
                case "-h" or "--help": throw new ArgumentException("Usage:");
                default:
                    if (args[i].StartsWith('-') || scenario is not null) throw new ArgumentException($"Unknown argument '{args[i]}'.");
                    scenario = args[i].ToLowerInvariant();
                    break;
            }
        }
        if (scenario is null) throw new ArgumentException("Name a scenario: slots, booking, ants, reminders, territory, voice, requests, nodes, indicators or all.");
        if (scenario is not ("slots" or "booking" or "ants" or "reminders" or "territory" or "voice" or "requests" or "nodes" or "indicators" or "all")) throw new ArgumentException($"Unknown scenario '{scenario}'.");
        if (postgres is not null && string.IsNullOrWhiteSpace(postgres)) throw new ArgumentException("--postgres needs a connection string.");
        return new BenchOptions(scenario, postgres, appointments ?? 10_000, appointments is not null, requests, warmUp, clients, TimeSpan.FromSeconds(seconds ?? 20), seconds is not null, keep);
    }
}
