using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Guichet.Bench;

/// <summary>
/// requests: (a) sustained Open311 POST /open311/v2/requests.json from N concurrent clients for the duration, beside N
/// workers doing raw single-row INSERTs (one per transaction) on the same database for the same time; (b) the agents'
/// inbox /agent/demandes (signed-in agent, default view and one filtered view) over 1,000,000 requests inserted
/// straight into the database (fixed seed), interleaved with GET /health/live.
/// </summary>
public static partial class RequestsScenario
{
    private const string Key = "bench-open311-key-0123456789abcdef";
    private const int InboxRows = 1_000_000;
    private const int DefaultClients = 16;
    private const double TargetPerSecond = 100, TargetPostP95 = 50, TargetInboxP95 = 100;

    public static async Task<bool> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var clientsCount = options.Clients == 64 ? DefaultClients : options.Clients;   // 64 is the booking default
        await using var database = await BenchDatabase.CreateAsync(options, "requests", ct);
        await using var app = await AppHost.StartAsync(database, ct, new Dictionary<string, string>
        {
            ["Open311__ApiKeys__0__Key"] = Key,
            ["Open311__ApiKeys__0__Organisation"] = "mairie-lorval",
            ["Open311__ApiKeys__0__Client"] = "Banc d'essai",
            ["Open311__PostsPerMinute"] = "10000000",
            // Acknowledgements stay in the outbox: this scenario is about filing, not sending.
            ["Notifications__Enabled"] = "false",
        });
        await Machine.PrintAsync("requests", database, ct);
        var ok = true;

        // (a) Open311 POSTs.
        var errors = new ConcurrentQueue<string>();
        long sent = 0;
        HttpClient NewClient() => new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, MaxConnectionsPerServer = 2 })
            { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        // One report; its latency in ms when answered 201, else null (the answer kept for the report).
        async Task<double?> PostOnceAsync(HttpClient http, int id, Random random)
        {
                ct.ThrowIfCancellationRequested();
                var n = Interlocked.Increment(ref sent);
                var form = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["api_key"] = Key, ["jurisdiction_id"] = "mairie-lorval", ["service_code"] = "lorval-voirie",
                    ["lat"] = (48.05 + random.NextDouble() / 20).ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture),
                    ["long"] = (-0.80 + random.NextDouble() / 20).ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture),
                    ["description"] = $"Signalement de banc d'essai n° {n} : nid-de-poule.", ["last_name"] = "Banc-d'Essai",
                    ["email"] = $"client{id}-{n}@example.org", ["attribute[champ1]"] = "1",
                });
                var watch = Stopwatch.StartNew();
                try
                {
                    using var response = await http.PostAsync("/open311/v2/requests.json", form, ct);
                    var body = await response.Content.ReadAsStringAsync(ct);
                    var ms = watch.Elapsed.TotalMilliseconds;
                    if (response.StatusCode == HttpStatusCode.Created) return ms;
                    if (errors.Count < 5) errors.Enqueue($"{(int)response.StatusCode} {body[..Math.Min(300, body.Length)]}");
                }
                catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
                {
                    if (errors.Count < 5) errors.Enqueue($"{e.GetType().Name}: {e.Message}");
                }
                return null;
        }
        async Task<(Latencies Ok, int Others)> PostLoopAsync(HttpClient http, int id, Func<bool> goOn)
        {
            var latencies = new Latencies();
            var others = 0;
            var random = new Random(id);
            while (goOn())
            {
                if (await PostOnceAsync(http, id, random) is { } ms) latencies.Add(ms);
                else others++;
            }
            return (latencies, others);
        }
        // Sustained: reports arrive at a steady rate whatever the answers' speed (an open loop, as many apps posting
        // independently), each on the next of the clients' connections.
        async Task<(Latencies Ok, int Others, double Seconds)> SustainedAsync(IReadOnlyList<HttpClient> pool, double perSecond, TimeSpan duration)
        {
            var count = (int)(perSecond * duration.TotalSeconds);
            var tasks = new List<Task<double?>>(count);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                var due = TimeSpan.FromSeconds(i / perSecond);
                if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, ct);
                var (http, id) = (pool[i % pool.Count], 1000 + i);
                tasks.Add(Task.Run(() => PostOnceAsync(http, id, new Random(id)), ct));
            }
            var answers = await Task.WhenAll(tasks);
            var ok = new Latencies();
            foreach (var a in answers) if (a is { } ms) ok.Add(ms);
            return (ok, answers.Count(a => a is null), clock.Elapsed.TotalSeconds);
        }

        using (var warm = NewClient())
        {
            var w = 0;
            await PostLoopAsync(warm, -1, () => w++ < 30);
        }
        var clients = Enumerable.Range(0, clientsCount).Select(_ => NewClient()).ToList();
        var before = await CountOpen311Async(database, ct);
        var run = Stopwatch.StartNew();
        var results = await Task.WhenAll(clients.Select((c, i) => Task.Run(() => PostLoopAsync(c, i, () => run.Elapsed < options.Duration), ct)));
        var postSeconds = run.Elapsed.TotalSeconds;
        var after = await CountOpen311Async(database, ct);
        // Then the steady pace, on a warmed-up app (the saturation run above compiled every path).
        var sustainedBefore = after;
        var sustained = await SustainedAsync(clients, TargetPerSecond, options.Duration);
        var sustainedAfter = await CountOpen311Async(database, ct);
        foreach (var c in clients) c.Dispose();
        var posts = new Latencies();
        foreach (var r in results) posts.AddRange(r.Ok);
        var others = results.Sum(r => r.Others);
        var (inserts, insertSeconds) = await database.RawInsertsAsync(clientsCount, options.Duration, payloadChars: 600, ct);   // about a request row

        Console.WriteLine();
        Console.WriteLine($"POST /open311/v2/requests.json — sustained: {TargetPerSecond:0} reports a second arriving at a steady pace for {sustained.Seconds:0.0} s " +
                          $"(an open loop over {clientsCount} keep-alive connections), each a pothole report (api_key, lat/long, one attribute, e-mail: the acknowledgement goes to the outbox)");
        var steady = new Table("open311 POST", "raw insert");
        steady.Row("201 per second", sustained.Ok.Count / sustained.Seconds, inserts.Count / insertSeconds, "0.0");
        steady.Row("p50 latency (ms)", sustained.Ok.Percentile(50), inserts.Percentile(50));
        steady.Row("p95 latency (ms)", sustained.Ok.Percentile(95), inserts.Percentile(95));
        steady.Row("p99 latency (ms)", sustained.Ok.Percentile(99), inserts.Percentile(99));
        Console.WriteLine($"  baseline: {clientsCount} workers, one INSERT INTO bench_inserts(payload) per transaction (ADO.NET, pooled connection) for {insertSeconds:0.0} s on the same database");
        steady.Print();
        var sustainedRate = sustained.Ok.Count / sustained.Seconds;
        Console.WriteLine($"target    sustained ≥ {TargetPerSecond:0}/s: {sustainedRate:0.0}/s — {(sustainedRate >= TargetPerSecond * 0.98 ? "met" : "MISSED")}; " +
                          $"p95 ≤ {TargetPostP95:0} ms: {Table.F(sustained.Ok.Percentile(95))} ms — {(sustained.Ok.Percentile(95) <= TargetPostP95 ? "met" : "MISSED")}; {sustained.Others} other answers");
        var sustainedCounted = sustainedAfter - sustainedBefore == sustained.Ok.Count;
        Console.WriteLine($"check     {Machine.N(sustainedAfter - sustainedBefore)} Open311 requests added for {Machine.N(sustained.Ok.Count)} × 201 answers — {(sustainedCounted ? "OK" : "FAILED")}");
        ok &= sustainedCounted && sustained.Others == 0;
        Console.WriteLine();
        Console.WriteLine($"POST /open311/v2/requests.json — saturation, for the capacity: {clientsCount} concurrent clients (keep-alive) for {postSeconds:0.0} s, each posting its next report as soon as the last is answered, " +
                          "(api_key, lat/long, one attribute, e-mail: the acknowledgement goes to the outbox)");
        Console.WriteLine($"  baseline: {clientsCount} workers, one INSERT INTO bench_inserts(payload) per transaction (ADO.NET, pooled connection) for {insertSeconds:0.0} s on the same database");
        var table = new Table("open311 POST", "raw insert");
        table.Row("201 per second", posts.Count / postSeconds, inserts.Count / insertSeconds, "0.0");
        table.Row("p50 latency (ms)", posts.Percentile(50), inserts.Percentile(50));
        table.Row("p95 latency (ms)", posts.Percentile(95), inserts.Percentile(95));
        table.Row("p99 latency (ms)", posts.Percentile(99), inserts.Percentile(99));
        table.Print();
        var rate = posts.Count / postSeconds;
        Console.WriteLine($"  totals: {Machine.N(posts.Count)} × 201, {others} other answers; {Machine.N(inserts.Count)} raw inserts");
        foreach (var e in errors) Console.WriteLine($"  unexpected answer: {e}");
        Console.WriteLine($"          capacity {rate:0.0}/s ({rate / TargetPerSecond:0.0}× the target rate); under saturation the latency is the queue of {clientsCount} clients, not a service time");
        var counted = after - before == posts.Count;
        Console.WriteLine($"check     {Machine.N(after - before)} Open311 requests added during the timed run for {Machine.N(posts.Count)} × 201 answers — {(counted ? "OK" : "FAILED")}");
        ok &= counted && others == 0;

        // (b) The inbox over a million requests.
        var fill = Stopwatch.StartNew();
        await FillAsync(database, InboxRows, ct);
        Console.WriteLine();
        Console.WriteLine($"data      {Machine.N(InboxRows)} requests inserted straight into citizen_requests for mairie-lorval in {fill.Elapsed.TotalSeconds:0} s " +
                          "(fixed seed; 4 categories; received over the last 3 years; 96 % answered or closed, 4 % open)");
        using var agent = await SignInAsync(app.BaseAddress, "admin@lorval.demo", ct);
        var views = new[] { ("default view (open requests)", "/agent/demandes"), ("filtered: category « Propreté », open", "/agent/demandes?categorie=lorval-proprete") };
        foreach (var (label, path) in views)
        {
            var (page, live, body) = await MeasureAsync(agent, path, options.WarmUp, options.Requests, ct);
            // Razor encodes the accents of the caption; its count is plain.
            var full = body.Contains($"{Guichet.Web.Features.Requests.InboxModel.MaxRows} demande(s)", StringComparison.Ordinal);
            Console.WriteLine();
            Console.WriteLine($"GET {path} — {label}, signed in as admin@lorval.demo: {page.Count} sequential requests after {options.WarmUp} warm-up, interleaved with GET /health/live");
            var t = new Table("inbox (ms)", "/health/live (ms)");
            t.Row("p50", page.Percentile(50), live.Percentile(50));
            t.Row("p95", page.Percentile(95), live.Percentile(95));
            t.Row("p99", page.Percentile(99), live.Percentile(99));
            t.Print();
            Console.WriteLine($"target    p95 ≤ {TargetInboxP95:0} ms: {Table.F(page.Percentile(95))} ms — {(page.Percentile(95) <= TargetInboxP95 ? "met" : "MISSED")}");
            Console.WriteLine($"check     the page lists its first {Guichet.Web.Features.Requests.InboxModel.MaxRows} rows ({body.Length / 1024} KiB of HTML) — {(full ? "OK" : "FAILED")}");
            ok &= full;
        }
        Console.WriteLine($"load      {Machine.LoadAverage()} at the end");
        return ok;
    }

    private static async Task<long> CountOpen311Async(BenchDatabase database, CancellationToken ct)
    {
        await using var connection = database.NewConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM citizen_requests WHERE channel = 'Open311'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A million rows in one transaction with one prepared INSERT: the fastest plain way on both providers.</summary>
    private static async Task FillAsync(BenchDatabase database, int count, CancellationToken ct)
    {
        string[] categories = ["lorval-voirie", "lorval-proprete", "lorval-etat-civil", "lorval-autre"];
        string[] units = ["lorval-voirie", "lorval-proprete", "lorval-etat-civil", "lorval-etat-civil"];
        string[] channels = ["Web", "Email", "Post", "Phone", "Counter", "Open311"];
        string[] open = ["Received", "Assigned", "InProgress", "AwaitingApproval"];
        const string alphabet = "BCDFGHJKLMNPQRSTVWXZ";
        var random = new Random(20261202);
        var now = DateTime.UtcNow;
        await using var connection = database.NewConnection();
        await connection.OpenAsync(ct);
        if (!database.IsPostgres)
            await using (var pragma = connection.CreateCommand())
            {
                // Loading only: the bench's own connection skips fsyncs; the app's connections are untouched.
                pragma.CommandText = "PRAGMA synchronous=OFF";
                await pragma.ExecuteNonQueryAsync(ct);
            }
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = """
            INSERT INTO citizen_requests (id, organisation_id, tracking_code, category_id, unit_id, channel, status, priority, received_utc, due_date,
                first_name, last_name, name_key, email, text, field_values_json, updated_utc)
            VALUES (@id, 'mairie-lorval', @code, @category, @unit, @channel, @status, 'Normal', @received, @due, 'Dominique', 'Banc', 'banc', @email, @text, '[]', @updated)
            """;
        DbParameter P(string name)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            command.Parameters.Add(p);
            return p;
        }
        var (id, code, category, unit, channel, status, received, due, email, text, updated) =
            (P("@id"), P("@code"), P("@category"), P("@unit"), P("@channel"), P("@status"), P("@received"), P("@due"), P("@email"), P("@text"), P("@updated"));
        await command.PrepareAsync(ct);
        var codeChars = new char[8];
        for (var i = 0; i < count; i++)
        {
            // Oldest first over three years; the last 4 % (about the last six weeks) are still open, as in a real inbox.
            var at = now.AddMinutes(-(count - i) * (3 * 365 * 24 * 60.0 / count));
            var c = random.Next(categories.Length);
            // Distinct codes: multiplying by a number prime to 20^8 permutes 0..20^8-1.
            var n = (long)((ulong)(i + 1) * 2_654_435_761UL % 25_600_000_000UL);
            for (var k = 7; k >= 0; k--) { codeChars[k] = alphabet[(int)(n % 20)]; n /= 20; }
            id.Value = $"bench{i:D10}";
            code.Value = new string(codeChars);
            category.Value = categories[c];
            unit.Value = units[c];
            channel.Value = channels[random.Next(channels.Length)];
            status.Value = i >= count * 0.96 ? open[random.Next(open.Length)] : random.Next(10) == 0 ? "Closed" : "Answered";
            received.Value = at;
            due.Value = DateOnly.FromDateTime(at.AddDays(7 + random.Next(14)));
            email.Value = $"usager{i}@example.org";
            text.Value = "Demande de banc d'essai : l'éclairage de la rue ne fonctionne plus depuis hier soir.";
            updated.Value = at;
            await command.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        if (database.IsPostgres) await database.ExecuteAsync("ANALYZE citizen_requests", ct);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"|type=\"hidden\" name=\"__RequestVerificationToken\" value=\"([^\"]+)\"|name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();

    /// <summary>Signs in through the sign-in form, as a browser without JavaScript does; the client keeps the cookies.</summary>
    internal static async Task<HttpClient> SignInAsync(Uri baseAddress, string email, CancellationToken ct)
    {
        var http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var form = await http.GetStringAsync("/connexion", ct);
        var m = Antiforgery().Match(form);
        if (!m.Success) throw new InvalidOperationException("The sign-in page has no antiforgery token.");
        var token = m.Groups.Values.Skip(1).First(g => g.Success).Value;
        using var response = await http.PostAsync("/connexion", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email, ["password"] = "Demo-Guichet-2026", ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
        }), ct);
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Sign-in answered {(int)response.StatusCode}.");
        return http;
    }

    private static async Task<(Latencies Page, Latencies Live, string Body)> MeasureAsync(HttpClient http, string path, int warmUp, int requests, CancellationToken ct)
    {
        for (var i = 0; i < warmUp; i++)
        {
            await BenchHttp.TimedGetAsync(http, path, ct);
            await BenchHttp.TimedGetAsync(http, "/health/live", ct);
        }
        var page = new Latencies();
        var live = new Latencies();
        byte[] last = [];
        var budget = Stopwatch.StartNew();
        for (var i = 0; i < requests && (i < 20 || budget.Elapsed < TimeSpan.FromSeconds(90)); i++)
        {
            if (i % 2 == 0)
            {
                var (ms, body, _) = await BenchHttp.TimedGetAsync(http, path, ct);
                page.Add(ms);
                last = body;
                live.Add((await BenchHttp.TimedGetAsync(http, "/health/live", ct)).Ms);
            }
            else
            {
                live.Add((await BenchHttp.TimedGetAsync(http, "/health/live", ct)).Ms);
                var (ms, body, _) = await BenchHttp.TimedGetAsync(http, path, ct);
                page.Add(ms);
                last = body;
            }
        }
        return (page, live, Encoding.UTF8.GetString(last));
    }
}
