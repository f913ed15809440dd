using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Guichet.Domain.Calendar;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;
using DomainRule = Guichet.Domain.Scheduling.OpeningRule;

namespace Guichet.Bench;

/// <summary>
/// ants: p50/p95/p99 of the hub's GET /api/ants/availableTimeSlots for 50 meeting points over two months
/// (issue 4's target: p95 ≤ 150 ms server-side), beside GET /health/live on the same server in the same run.
/// The demo has 3 sites; the bench adds 47 with stations and opening hours, and books a share of every site.
/// </summary>
public static class AntsScenario
{
    private const int Sites = 50;
    private const string HubToken = "jeton-du-hub-pour-le-banc-d-essai";
    private const string Reason = "CNI";
    /// <summary>Share of the CNI positions booked in the window, so the search reads real slot claims.</summary>
    private const double Fill = 0.25;
    private static readonly TimeSpan Length = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);
    private static readonly string[] Organisations = ["mairie-lorval", "mairie-saint-aubin", "mairie-montclair"];

    public static async Task<bool> RunAsync(BenchOptions options, CancellationToken ct)
    {
        await using var database = await BenchDatabase.CreateAsync(options, "ants", ct);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var to = today.AddMonths(2);
        List<string> siteIds;
        string path;
        Data data;
        (Latencies Hub, Latencies Live, Latencies Server, Answer Last) uncached;

        // First run: the hub cache off, so every call computes its answer from the database (the worst case).
        await using (var app = await AppHost.StartAsync(database, ct, Settings("00:00:00")))
        {
            await Machine.PrintAsync("ants", database, ct);
            data = await AddSitesAndBookingsAsync(database, today, to, ct);
            siteIds = data.SiteIds;
            Console.WriteLine($"data      {Sites - 3} sites added to the demo's 3 ({data.Stations} stations, Mon–Fri 08:30–12:00 and 13:30–17:30, Sat 09:00–12:00 for the added ones); " +
                              $"{Machine.N(data.Appointments)} appointments ({Fill:P0} of {Machine.N(data.Positions)} CNI positions over {today:yyyy-MM-dd}…{to:yyyy-MM-dd}) in {data.Elapsed.TotalSeconds:0.0} s");
            if (database.IsPostgres)
            {
                await database.ExecuteAsync("ANALYZE", ct);
                Console.WriteLine("          ANALYZE run after the load (PostgreSQL)");
            }
            path = "/api/ants/availableTimeSlots?" + string.Join('&', siteIds.Select(id => $"meeting_point_ids={Uri.EscapeDataString(id)}"))
                   + $"&start_date={today:yyyy-MM-dd}&end_date={to:yyyy-MM-dd}&reason={Reason}&documents_number=1";
            using var client = Client(app);
            uncached = await MeasureAsync(client, path, options.WarmUp, options.Requests, ct);
        }
        Console.WriteLine($"answer    {uncached.Last.Points} meeting points, {Machine.N(uncached.Last.Slots)} slots, {uncached.Last.Bytes / 1024.0 / 1024.0:0.00} MiB of JSON");
        if (uncached.Last.Points != Sites) Console.WriteLine($"          expected {Sites} meeting points");
        Console.WriteLine();
        Console.WriteLine($"GET /api/ants/availableTimeSlots?meeting_point_ids=…×{Sites}&start_date={today:yyyy-MM-dd}&end_date={to:yyyy-MM-dd}&reason={Reason}&documents_number=1");
        Print("  hub cache off (Ants:HubCacheDuration=0): every call reads the database", uncached.Hub, uncached.Live, uncached.Server, options);

        // Second run, as deployed: the default cache (30 s) answers the hub's bursts of the same question.
        await using (var app = await AppHost.StartAsync(database, ct, Settings()))
        {
            using var client = Client(app);
            var cached = await MeasureAsync(client, path, Math.Max(1, options.WarmUp / 3), Math.Min(options.Requests, 100), ct);
            Print("  hub cache on (default 30 s), repeated question", cached.Hub, cached.Live, cached.Server, options);
        }
        var p95 = uncached.Server.Count > 0 ? uncached.Server.Percentile(95) : uncached.Hub.Percentile(95);
        Console.WriteLine(p95 <= 150
            ? $"target    server-side p95 without cache {p95:0} ms ≤ 150 ms: met"
            : $"target    server-side p95 without cache {p95:0} ms > 150 ms: MISSED");
        Console.WriteLine($"load      {Machine.LoadAverage()} at the end");

        var check = await NoDoubleBooking.CheckAsync(database, ct);
        NoDoubleBooking.Print(check);
        return check.Ok && uncached.Last.Points == Sites;
    }

    private static IReadOnlyDictionary<string, string> Settings(string cache) => new Dictionary<string, string>
    {
        ["Ants__HubToken"] = HubToken,
        ["Ants__HubCacheDuration"] = cache,
    };

    private static IReadOnlyDictionary<string, string> Settings() => Settings("00:00:30");

    private static HttpClient Client(AppHost app)
    {
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
            { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-HUB-RDV-AUTH-TOKEN", HubToken);
        return client;
    }

    private static void Print(string title, Latencies hub, Latencies live, Latencies server, BenchOptions options)
    {
        Console.WriteLine($"{title}: {hub.Count} sequential requests, interleaved with the baseline GET /health/live" +
                          (hub.Count < options.Requests ? $" (stopped at the {Budget.TotalSeconds:0} s budget or the run's count)" : ""));
        var table = new Table("hub slots (ms)", "/health/live (ms)");
        table.Row("p50", hub.Percentile(50), live.Percentile(50));
        table.Row("p95", hub.Percentile(95), live.Percentile(95));
        table.Row("p99", hub.Percentile(99), live.Percentile(99));
        table.Row("mean", hub.Mean, live.Mean);
        table.Print();
        // The app's Server-Timing: the search and the JSON, before the body travels to the client.
        if (server.Count > 0)
            Console.WriteLine($"  server-side (Server-Timing slots): p50 {Table.F(server.Percentile(50))} ms, p95 {Table.F(server.Percentile(95))} ms, p99 {Table.F(server.Percentile(99))} ms");
    }

    private sealed record Answer(int Points, int Slots, long Bytes);

    private static async Task<(Latencies Hub, Latencies Live, Latencies Server, Answer Last)> MeasureAsync(
        HttpClient client, string path, int warmUp, int requests, CancellationToken ct)
    {
        for (var i = 0; i < warmUp; i++)
        {
            await BenchHttp.TimedGetAsync(client, path, ct);
            await BenchHttp.TimedGetAsync(client, "/health/live", ct);
        }
        var hub = new Latencies();
        var live = new Latencies();
        var server = new Latencies();
        byte[] last = [];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < requests && (i < 20 || clock.Elapsed < Budget); i++)
        {
            // Alternate which goes first, so neither always follows the other.
            if (i % 2 == 0)
            {
                (var ms, last, var dur) = await BenchHttp.TimedGetAsync(client, path, ct);
                hub.Add(ms);
                if (dur is { } d) server.Add(d);
                live.Add((await BenchHttp.TimedGetAsync(client, "/health/live", ct)).Ms);
            }
            else
            {
                live.Add((await BenchHttp.TimedGetAsync(client, "/health/live", ct)).Ms);
                (var ms, last, var dur) = await BenchHttp.TimedGetAsync(client, path, ct);
                hub.Add(ms);
                if (dur is { } d) server.Add(d);
            }
        }
        using var doc = JsonDocument.Parse(last);
        var points = doc.RootElement.EnumerateObject().ToList();
        return (hub, live, server, new Answer(points.Count, points.Sum(p => p.Value.GetArrayLength()), last.Length));
    }


    private sealed record Data(List<string> SiteIds, int Stations, int Positions, int Appointments, TimeSpan Elapsed);

    /// <summary>
    /// 47 more sites, shared among the demo's three town halls (so their motifs apply), with one or two stations each;
    /// then a fixed-seed random share of every station's CNI positions booked, as real rows with their slot claims.
    /// </summary>
    private static async Task<Data> AddSitesAndBookingsAsync(BenchDatabase database, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var now = DateTime.UtcNow;
        await using (var db = database.NewContext())
        {
            for (var n = 4; n <= Sites; n++)
            {
                var organisation = Organisations[n % Organisations.Length];
                var site = new Site
                {
                    Id = $"banc-{n:00}", OrganisationId = organisation, Name = $"Mairie annexe n° {n} (banc d'essai)", Address = $"{n} rue de la Mairie",
                    PostalCode = "53000", City = "Lorval", Latitude = 48.3 + n / 1000.0, Longitude = -0.6 - n / 1000.0,
                    TimeZone = "Europe/Paris", Territory = Territory.Metropolitan,
                };
                db.Sites.Add(site);
                for (var s = 1; s <= (n % 2 == 0 ? 2 : 1); s++)
                {
                    var station = new Station { Id = $"{site.Id}-dr{s}", OrganisationId = organisation, SiteId = site.Id, Name = $"Poste {s}" };
                    db.Stations.Add(station);
                    void Rule(DayOfWeek day, string start, string end) => db.OpeningRules.Add(new Web.Data.OpeningRule
                    {
                        Id = $"{station.Id}-{(int)day}-{start.Replace(":", "")}", OrganisationId = organisation, StationId = station.Id, DayOfWeek = day,
                        StartTime = TimeOnly.Parse(start, CultureInfo.InvariantCulture), EndTime = TimeOnly.Parse(end, CultureInfo.InvariantCulture),
                        ValidFrom = new DateOnly(2024, 1, 1), ReasonCodes = "CNI PASSPORT CNI-PASSPORT",
                    });
                    foreach (var day in new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday })
                    {
                        Rule(day, "08:30", "12:00");
                        Rule(day, "13:30", "17:30");
                    }
                    Rule(DayOfWeek.Saturday, "09:00", "12:00");
                }
            }
            await db.SaveChangesAsync(ct);
        }

        List<Site> sites;
        List<(Station Station, List<DomainRule> Rules)> stations;
        await using (var db = database.NewContext())
        {
            sites = await db.Sites.AsNoTracking().Where(s => s.Active).OrderBy(s => s.Id).ToListAsync(ct);
            var rows = await db.Stations.AsNoTracking().Where(s => s.Active).OrderBy(s => s.Id).ToListAsync(ct);
            var rules = await db.OpeningRules.AsNoTracking().ToListAsync(ct);
            stations = rows.Select(s => (s, rules.Where(r => r.StationId == s.Id)
                .Select(r => r.ToDomain()).ToList())).ToList();
        }

        var positions = new List<(Station Station, DateTime StartUtc)>();
        foreach (var (station, rules) in stations)
        {
            var site = sites.Single(s => s.Id == station.SiteId);
            var zone = TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone);
            positions.AddRange(SlotFinder.FreeSlots(new StationPlanning(station.Id, rules, new HashSet<long>()), Reason,
                    HolidayCalendar.For(site.Territory).IsHoliday, zone, from, to, Length, Length, now)
                .Select(s => (station, s.Slot.StartUtc)));
        }
        var random = new Random(20261201);
        var shuffled = positions.ToArray();
        random.Shuffle(shuffled);
        var chosen = shuffled.Take((int)(positions.Count * Fill)).ToList();
        var codes = new HashSet<string>();
        await using (var db = database.NewContext())
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            foreach (var (station, startUtc) in chosen)
            {
                string code;
                do code = Secrets.NewDigits(8); while (!codes.Add(code));
                var appointment = new Appointment
                {
                    Id = Secrets.NewId(), OrganisationId = station.OrganisationId, SiteId = station.SiteId, StationId = station.Id, ReasonCode = Reason,
                    Code = code, ManageTokenHash = Secrets.Hash(Secrets.NewToken()), StartUtc = startUtc, EndUtc = startUtc + Length,
                    Persons = 1, Status = AppointmentStatus.Booked, Channel = Channel.Web,
                    FirstName = "Camille", LastName = "Essai", Email = "camille.essai@example.org", CreatedUtc = now,
                };
                db.Appointments.Add(appointment);
                foreach (var unit in TimeUnits.Covering(appointment.StartUtc, appointment.EndUtc))
                    db.SlotClaims.Add(new SlotClaim { StationId = station.Id, Unit = unit, AppointmentId = appointment.Id });
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        return new Data(sites.Select(s => s.Id).ToList(), stations.Count, positions.Count, chosen.Count, watch.Elapsed);
    }
}
