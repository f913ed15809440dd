using System.Data.Common;
using System.Diagnostics;
using System.Text;

namespace Guichet.Bench;

/// <summary>
/// indicators: the supervisors' quality dashboard /agent/qualite over 1,000,000 requests, 2,000,000 appointments and
/// 500,000 calls of one organisation (--appointments N scales all three: N appointments, N/2 requests, N/4 calls),
/// spread over the last three years and inserted straight into the database (fixed seed). p50/p95/p99 of the page,
/// server-side (the app's Server-Timing: every figure computed) and wall-clock, interleaved with GET /health/live.
/// Two periods: the default (last 30 days) and a whole year. Target (issue 8): p95 ≤ 500 ms.
/// </summary>
public static class IndicatorsScenario
{
    private const double TargetP95 = 500;

    public static async Task<bool> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var appointments = options.AppointmentsGiven ? options.Appointments : 2_000_000;
        var requests = appointments / 2;
        var calls = appointments / 4;
        await using var database = await BenchDatabase.CreateAsync(options, "indicators", ct);
        await using var app = await AppHost.StartAsync(database, ct, new Dictionary<string, string>
        {
            ["Notifications__Enabled"] = "false",
            // Every request computes every figure: the 60 s cache of today's slot delays is off.
            ["Quality__SlotDelayCacheSeconds"] = "0",
        });
        await Machine.PrintAsync("indicators", database, ct);

        var fill = Stopwatch.StartNew();
        await FillAsync(database, requests, appointments, calls, ct);
        Console.WriteLine();
        Console.WriteLine($"data      {Machine.N(requests)} requests, {Machine.N(appointments)} appointments and {Machine.N(calls)} voice calls of mairie-lorval " +
                          $"inserted straight into the database in {fill.Elapsed.TotalSeconds:0} s (fixed seed; over the last 3 years; 96 % of requests answered)");

        using var supervisor = await RequestsScenario.SignInAsync(app.BaseAddress, "superviseur@lorval.demo", ct);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var ok = true;
        foreach (var (label, path) in new[]
        {
            ("default period (last 30 days)", "/agent/qualite"),
            ("a whole year", $"/agent/qualite?du={today.AddDays(-364):yyyy-MM-dd}&au={today:yyyy-MM-dd}"),
        })
        {
            for (var i = 0; i < options.WarmUp; i++)
            {
                await BenchHttp.TimedGetAsync(supervisor, path, ct);
                await BenchHttp.TimedGetAsync(supervisor, "/health/live", ct);
            }
            var page = new Latencies();
            var server = new Latencies();
            var slots = new Latencies();
            Latencies[] parts = [new(), new(), new()];
            var live = new Latencies();
            var body = "";
            var budget = Stopwatch.StartNew();
            for (var i = 0; i < options.Requests && (i < 20 || budget.Elapsed < TimeSpan.FromSeconds(90)); i++)
            {
                var (ms, bytes, dur, slotMs, requestsMs, callsMs, appointmentsMs) = await TimedGetAsync(supervisor, path, ct);
                if (requestsMs is { } rq) parts[0].Add(rq);
                if (callsMs is { } cl) parts[1].Add(cl);
                if (appointmentsMs is { } ap) parts[2].Add(ap);
                page.Add(ms);
                if (dur is { } d) server.Add(d);
                if (slotMs is { } s) slots.Add(s);
                body = Encoding.UTF8.GetString(bytes);
                live.Add((await BenchHttp.TimedGetAsync(supervisor, "/health/live", ct)).Ms);
            }
            Console.WriteLine();
            Console.WriteLine($"GET {path} — {label}, signed in as superviseur@lorval.demo: {page.Count} sequential requests after {options.WarmUp} warm-up, interleaved with GET /health/live");
            var t = new Table("dashboard (ms)", "/health/live (ms)");
            t.Row("p50 wall-clock", page.Percentile(50), live.Percentile(50));
            t.Row("p95 wall-clock", page.Percentile(95), live.Percentile(95));
            t.Row("p99 wall-clock", page.Percentile(99), live.Percentile(99));
            t.Print();
            Console.WriteLine($"  server-side (Server-Timing quality: every figure computed): p50 {Table.F(server.Percentile(50))} ms, p95 {Table.F(server.Percentile(95))} ms, p99 {Table.F(server.Percentile(99))} ms");
            Console.WriteLine($"  of which today's slot delays (one slot search per site and reason, cache off): p50 {Table.F(slots.Percentile(50))} ms, p95 {Table.F(slots.Percentile(95))} ms");
            Console.WriteLine($"  by part, p50 / p95: requests {Table.F(parts[0].Percentile(50))} / {Table.F(parts[0].Percentile(95))} ms, calls {Table.F(parts[1].Percentile(50))} / {Table.F(parts[1].Percentile(95))} ms, " +
                              $"appointments (slot delays included) {Table.F(parts[2].Percentile(50))} / {Table.F(parts[2].Percentile(95))} ms");
            Console.WriteLine($"target    p95 ≤ {TargetP95:0} ms (wall-clock): {Table.F(page.Percentile(95))} ms — {(page.Percentile(95) <= TargetP95 ? "met" : "MISSED")}");
            // The figures are there: the dashboard's tables hold the period's requests and calls.
            var full = body.Contains("t-demandes-delais", StringComparison.Ordinal) && body.Contains("t-appels", StringComparison.Ordinal) && !body.Contains("Aucune donnée sur la période", StringComparison.Ordinal);
            Console.WriteLine($"check     every table has rows ({body.Length / 1024} KiB of HTML) — {(full ? "OK" : "FAILED")}");
            ok &= full;
        }
        Console.WriteLine($"load      {Machine.LoadAverage()} at the end");
        return ok;
    }

    /// <summary>Wall-clock milliseconds, the body, and the app's Server-Timing durations "quality" (the whole) and "slots".</summary>
    private static async Task<(double Ms, byte[] Body, double? Quality, double? Slots, double? Requests, double? Calls, double? Appointments)> TimedGetAsync(HttpClient client, string path, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        using var response = await client.GetAsync(path, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        var ms = watch.Elapsed.TotalMilliseconds;
        if (response.StatusCode != System.Net.HttpStatusCode.OK)
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}");
        double? Dur(string name)
        {
            if (!response.Headers.TryGetValues("Server-Timing", out var values)) return null;
            foreach (var part in string.Join(',', values).Split(','))
            {
                var bits = part.Trim().Split(';');
                if (bits[0] != name) continue;
                var dur = bits.Skip(1).FirstOrDefault(b => b.StartsWith("dur=", StringComparison.Ordinal));
                if (dur is not null && double.TryParse(dur[4..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)) return v;
            }
            return null;
        }
        return (ms, body, Dur("quality"), Dur("slots"), Dur("requests"), Dur("calls"), Dur("appointments"));
    }

    /// <summary>One prepared INSERT with named parameters, run once per row inside the caller's transaction.</summary>
    private sealed class Insert : IAsyncDisposable
    {
        private readonly DbCommand command;
        private readonly Dictionary<string, DbParameter> parameters = [];

        public Insert(DbConnection connection, DbTransaction tx, string sql, params string[] names)
        {
            command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = sql;
            foreach (var name in names)
            {
                var p = command.CreateParameter();
                p.ParameterName = name;
                command.Parameters.Add(p);
                parameters[name] = p;
            }
        }

        public Task PrepareAsync(CancellationToken ct) => command.PrepareAsync(ct);
        public object? this[string name] { set => parameters[name].Value = value ?? DBNull.Value; }
        public Task RunAsync(CancellationToken ct) => command.ExecuteNonQueryAsync(ct);
        public ValueTask DisposeAsync() => command.DisposeAsync();
    }

    /// <summary>Each table in one transaction with one prepared INSERT, as the requests scenario does.</summary>
    private static async Task FillAsync(BenchDatabase database, int requests, int appointments, int calls, CancellationToken ct)
    {
        var random = new Random(20261202);
        var now = DateTime.UtcNow;
        const double Span = 3 * 365 * 24 * 60.0;   // minutes over three years
        await using var connection = database.NewConnection();
        await connection.OpenAsync(ct);
        if (!database.IsPostgres)
            await using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA synchronous=OFF";
                await pragma.ExecuteNonQueryAsync(ct);
            }

        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            string[] categories = ["lorval-voirie", "lorval-proprete", "lorval-etat-civil", "lorval-autre"];
            string[] units = ["lorval-voirie", "lorval-proprete", "lorval-etat-civil", "lorval-etat-civil"];
            string[] channels = ["Web", "Email", "Post", "Phone", "Counter", "Open311"];
            string[] open = ["Received", "Assigned", "InProgress", "AwaitingApproval"];
            await using var insert = new Insert(connection, tx, """
                INSERT INTO citizen_requests (id, organisation_id, tracking_code, category_id, unit_id, channel, status, priority, received_utc, due_date,
                    first_name, last_name, name_key, email, text, field_values_json, updated_utc, answered_utc, answered_on, answer_working_days,
                    first_response_utc, first_response_on, first_response_working_days)
                VALUES (@id, 'mairie-lorval', @code, @category, @unit, @channel, @status, 'Normal', @received, @due, 'Dominique', 'Banc', 'banc', NULL,
                    'Demande de banc d''essai.', '[]', @received, @answered, @answeredOn, @days, @first, @firstOn, @firstDays)
                """, "@id", "@code", "@category", "@unit", "@channel", "@status", "@received", "@due", "@answered", "@answeredOn", "@days", "@first", "@firstOn", "@firstDays");
            await insert.PrepareAsync(ct);
            for (var i = 0; i < requests; i++)
            {
                var at = now.AddMinutes(-(requests - i) * (Span / requests));
                var c = random.Next(categories.Length);
                insert["@id"] = $"benchq{i:D10}";
                insert["@code"] = $"Q{i:D7}";
                insert["@category"] = categories[c];
                insert["@unit"] = units[c];
                var channel = channels[random.Next(channels.Length)];
                insert["@channel"] = channel;
                var isOpen = i >= requests * 0.96;
                insert["@status"] = isOpen ? open[random.Next(open.Length)] : random.Next(10) == 0 ? "Closed" : "Answered";
                insert["@received"] = at;
                var dueDays = channel == "Post" ? 21 : 7;   // 15 or 5 working days, in calendar days
                insert["@due"] = DateOnly.FromDateTime(at.AddDays(dueDays));
                if (isOpen)
                {
                    insert["@answered"] = null; insert["@answeredOn"] = null; insert["@days"] = null;
                    insert["@first"] = null; insert["@firstOn"] = null; insert["@firstDays"] = null;
                }
                else
                {
                    var wait = random.Next(0, dueDays + 6);
                    var answered = at.AddDays(wait).AddHours(random.Next(1, 6));
                    var first = at.AddDays(random.Next(0, wait + 1)).AddHours(1);
                    insert["@answered"] = answered; insert["@answeredOn"] = DateOnly.FromDateTime(answered); insert["@days"] = wait * 5 / 7;
                    insert["@first"] = first; insert["@firstOn"] = DateOnly.FromDateTime(first); insert["@firstDays"] = (first - at).Days * 5 / 7;
                }
                await insert.RunAsync(ct);
            }
            await tx.CommitAsync(ct);
        }

        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            string[] statuses = ["Honoured", "Honoured", "Honoured", "Honoured", "Honoured", "Honoured", "NoShow", "Cancelled", "Cancelled", "Excused"];
            string[] channels = ["Web", "Web", "Web", "Web", "Phone", "Counter", "Partner", "Voice"];
            string[] reasons = ["CNI", "CNI", "PASSPORT", "CNI-PASSPORT", "WITHDRAWAL"];
            await using var insert = new Insert(connection, tx, """
                INSERT INTO appointments (id, organisation_id, site_id, station_id, reason_code, code, manage_token_hash, start_utc, end_utc, persons, status, channel,
                    first_name, last_name, pre_request_numbers, partner_organisation_id, created_utc, urgent_justification)
                VALUES (@id, 'mairie-lorval', 'lorval-hotel-de-ville', @station, @reason, @code, 'bench', @start, @end, 1, @status, @channel,
                    'Dominique', 'Banc', '', @partner, @created, @urgent)
                """, "@id", "@station", "@reason", "@code", "@start", "@end", "@status", "@channel", "@partner", "@created", "@urgent");
            await insert.PrepareAsync(ct);
            for (var i = 0; i < appointments; i++)
            {
                // All in the past (before today), so the slot search of the delays indicator is the demo's own.
                var start = now.Date.AddMinutes(-(appointments - i) * (Span / appointments) - 1);
                insert["@id"] = $"bencha{i:D10}";
                insert["@station"] = i % 2 == 0 ? "lorval-dr1" : "lorval-dr2";
                insert["@reason"] = reasons[random.Next(reasons.Length)];
                insert["@code"] = $"BA{i:D9}";
                insert["@start"] = start;
                insert["@end"] = start.AddMinutes(15);
                insert["@status"] = statuses[random.Next(statuses.Length)];
                var channel = channels[random.Next(channels.Length)];
                insert["@channel"] = channel;
                insert["@partner"] = channel == "Partner" ? "mairie-vernay" : null;
                insert["@created"] = start.AddDays(-random.Next(1, 40));
                insert["@urgent"] = random.Next(50) == 0 ? "Banc d'essai" : null;
                await insert.RunAsync(ct);
            }
            await tx.CommitAsync(ct);
        }

        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            string[] outcomes = ["Booked", "Booked", "Information", "Information", "Information", "Transferred", "Message", "Cancelled", "Abandoned", "None"];
            string?[] units = ["lorval-etat-civil", "lorval-etat-civil", "lorval-voirie", null];
            await using var insert = new Insert(connection, tx, """
                INSERT INTO voice_calls (id, organisation_id, door, state, started_utc, updated_utc, ended_utc, path, outcome, duration_seconds, unit_id)
                VALUES (@id, 'mairie-lorval', 'twilio', '{}', @started, @started, @started, 'Menu', @outcome, 90, @unit)
                """, "@id", "@started", "@outcome", "@unit");
            await insert.PrepareAsync(ct);
            for (var i = 0; i < calls; i++)
            {
                insert["@id"] = $"bench-call-{i:D9}";
                insert["@started"] = now.AddMinutes(-(calls - i) * (Span / calls));
                insert["@outcome"] = outcomes[random.Next(outcomes.Length)];
                insert["@unit"] = units[random.Next(units.Length)];
                await insert.RunAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        if (database.IsPostgres) await database.ExecuteAsync("ANALYZE citizen_requests; ANALYZE appointments; ANALYZE voice_calls", ct);
        else await database.ExecuteAsync("ANALYZE", ct);
    }
}
