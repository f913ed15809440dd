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
/// slots: p50/p95/p99 of GET /api/v1/slots over 90 days at one site holding N existing appointments, beside
/// GET /health/live (no database) on the same server, measured interleaved in the same run.
/// </summary>
public static class SlotsScenario
{
    private const string SiteId = "lorval-hotel-de-ville";
    private const string OrganisationId = "mairie-lorval";
    private const string Reason = "CNI";
    private const int Days = 90;
    /// <summary>At most this share of the site's CNI positions is booked, so the search still finds free slots.</summary>
    private const double MaxFill = 0.8;
    private static readonly TimeSpan Length = TimeSpan.FromMinutes(15); // CNI, one person, no pre-request
    /// <summary>Keeps the scenario near two minutes on a slow or busy machine; the count measured is printed.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ContextBudget = TimeSpan.FromSeconds(15);

    public static async Task<bool> RunAsync(BenchOptions options, CancellationToken ct)
    {
        await using var database = await BenchDatabase.CreateAsync(options, "slots", ct);
        await using var app = await AppHost.StartAsync(database, ct);
        await Machine.PrintAsync("slots", database, ct);

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var to = today.AddDays(Days);
        var slotsPath = $"/api/v1/slots?site={SiteId}&reason={Reason}&persons=1&from={today:yyyy-MM-dd}&to={to:yyyy-MM-dd}";
        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
            { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        // For context: the same search on the freshly seeded site, before any appointment.
        var (emptySlots, emptyLive, emptyCount) = await MeasureAsync(client, slotsPath, Math.Min(10, options.WarmUp), Math.Min(50, options.Requests), ContextBudget, ct);

        var fill = await FillAsync(database, options.Appointments, today, to, ct);
        Console.WriteLine($"data      {Machine.N(fill.Inserted)} appointments ({Machine.N(fill.Claims)} slot claims) inserted at {SiteId} over {fill.FirstDay:yyyy-MM-dd}…{fill.LastDay:yyyy-MM-dd} " +
                          $"on {fill.Stations} stations: {fill.Inserted * 100.0 / fill.Positions:0}% of its {Machine.N(fill.Positions)} CNI positions, in {fill.Elapsed.TotalSeconds:0.0} s");
        if (fill.AddedStations > 0)
            Console.WriteLine($"          the demo site's 2 stations have {Machine.N(fill.DemoPositions)} CNI positions in 90 days, fewer than {Machine.N(options.Appointments)}, " +
                              $"so the bench added {fill.AddedStations} stations (Mon–Fri 08:30–12:00, 13:30–17:30) to that site");
        if (database.IsPostgres)
        {
            // What autovacuum would do shortly after such a load; the search then runs on fresh statistics.
            await database.ExecuteAsync("ANALYZE", ct);
            Console.WriteLine("          ANALYZE run after the load (PostgreSQL)");
        }

        var (slots, live, count) = await MeasureAsync(client, slotsPath, options.WarmUp, options.Requests, Budget, ct);
        var expected = Math.Min(500, fill.FreeStarts);
        Console.WriteLine($"answer    {count.Slots} slots returned ({count.Bytes / 1024.0:0.0} KiB; the API returns the earliest 500; {Machine.N(fill.FreeStarts)} free starts left in the window){(count.Slots == expected ? "" : $" — expected {expected}")}");
        Console.WriteLine();
        Console.WriteLine($"GET {slotsPath}");
        Console.WriteLine($"  with {Machine.N(fill.Inserted)} appointments at the site: {slots.Count} sequential requests after {options.WarmUp} warm-up, interleaved with the baseline GET /health/live" +
                          (slots.Count < options.Requests ? $" (stopped at the {Budget.TotalSeconds:0} s budget before {options.Requests})" : ""));
        var table = new Table("slots (ms)", "/health/live (ms)");
        table.Row("p50", slots.Percentile(50), live.Percentile(50));
        table.Row("p95", slots.Percentile(95), live.Percentile(95));
        table.Row("p99", slots.Percentile(99), live.Percentile(99));
        table.Row("mean", slots.Mean, live.Mean);
        table.Print();
        Console.WriteLine($"  for context, the same search with 0 appointments ({emptySlots.Count} requests, {emptyCount.Slots} slots returned):");
        var context = new Table("slots (ms)", "/health/live (ms)");
        context.Row("p50", emptySlots.Percentile(50), emptyLive.Percentile(50));
        context.Row("p95", emptySlots.Percentile(95), emptyLive.Percentile(95));
        context.Row("p99", emptySlots.Percentile(99), emptyLive.Percentile(99));
        context.Print();
        Console.WriteLine($"load      {Machine.LoadAverage()} at the end");

        var check = await NoDoubleBooking.CheckAsync(database, ct);
        NoDoubleBooking.Print(check);
        return check.Ok;
    }

    private sealed record Answer(int Slots, long Bytes);

    /// <summary>Warm-up, then sequential requests alternating the search and the baseline so both see the same conditions.</summary>
    private static async Task<(Latencies Slots, Latencies Live, Answer Last)> MeasureAsync(
        HttpClient client, string slotsPath, int warmUp, int requests, TimeSpan budget, CancellationToken ct)
    {
        for (var i = 0; i < warmUp; i++)
        {
            await TimedGetAsync(client, slotsPath, ct);
            await TimedGetAsync(client, "/health/live", ct);
        }
        var slots = new Latencies();
        var live = new Latencies();
        byte[] last = [];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < requests && (i < 20 || clock.Elapsed < budget); i++)
        {
            // Alternate which goes first, so neither always follows the other.
            if (i % 2 == 0)
            {
                (var ms, last) = await TimedGetAsync(client, slotsPath, ct);
                slots.Add(ms);
                live.Add((await TimedGetAsync(client, "/health/live", ct)).Ms);
            }
            else
            {
                live.Add((await TimedGetAsync(client, "/health/live", ct)).Ms);
                (var ms, last) = await TimedGetAsync(client, slotsPath, ct);
                slots.Add(ms);
            }
        }
        using var doc = JsonDocument.Parse(last);
        return (slots, live, new Answer(doc.RootElement.GetProperty("slots").GetArrayLength(), last.Length));
    }

    private static async Task<(double Ms, byte[] Body)> TimedGetAsync(HttpClient client, string path, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        using var response = await client.GetAsync(path, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        var ms = watch.Elapsed.TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        return (ms, body);
    }

    private sealed record Fill(int Inserted, int Claims, int Positions, int DemoPositions, int Stations, int AddedStations,
        int FreeStarts, DateOnly FirstDay, DateOnly LastDay, TimeSpan Elapsed);

    /// <summary>
    /// Books N appointments straight into the database, as real rows: each one takes a free 15-minute CNI position
    /// of a station's opening hours (holidays excluded), picked at random over the window, with its slot claims.
    /// </summary>
    private static async Task<Fill> FillAsync(BenchDatabase database, int count, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var now = DateTime.UtcNow;
        Site site;
        List<(string StationId, List<DomainRule> Rules)> stations;
        await using (var db = database.NewContext())
        {
            site = await db.Sites.AsNoTracking().SingleAsync(s => s.Id == SiteId, ct);
            var rows = await db.Stations.AsNoTracking().Where(s => s.SiteId == SiteId && s.Active).OrderBy(s => s.Id).ToListAsync(ct);
            var ids = rows.Select(s => s.Id).ToList();
            var rules = await db.OpeningRules.AsNoTracking().Where(r => ids.Contains(r.StationId)).ToListAsync(ct);
            stations = rows.Select(s => (s.Id, rules.Where(r => r.StationId == s.Id).Select(ToDomain).ToList())).ToList();
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone);
        var holidays = HolidayCalendar.For(site.Territory);
        List<(string StationId, DateTime StartUtc)> PositionsOf(string stationId, List<DomainRule> rules) =>
            SlotFinder.FreeSlots(new StationPlanning(stationId, rules, new HashSet<long>()), Reason, holidays.IsHoliday, zone,
                    from, to, Length, Length, now)
                .Select(s => (s.StationId, s.Slot.StartUtc)).ToList();

        var positions = stations.SelectMany(s => PositionsOf(s.StationId, s.Rules)).ToList();
        var demoPositions = positions.Count;

        // Not enough room in 90 days on the demo's stations: give the site more stations, as a big town hall has.
        var added = new List<(Station Station, List<Web.Data.OpeningRule> Rules)>();
        while (positions.Count * MaxFill < count && added.Count < 40)
        {
            var n = stations.Count + added.Count + 1;
            var station = new Station { Id = $"lorval-bench-dr{n}", OrganisationId = OrganisationId, SiteId = SiteId, Name = $"Poste {n} (banc d'essai)" };
            var rules = new List<Web.Data.OpeningRule>();
            foreach (var day in new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday })
                foreach (var (start, end) in new[] { ("08:30", "12:00"), ("13:30", "17:30") })
                    rules.Add(new Web.Data.OpeningRule
                    {
                        Id = $"{station.Id}-{(int)day}-{start.Replace(":", "")}", OrganisationId = OrganisationId, StationId = station.Id,
                        DayOfWeek = day, StartTime = TimeOnly.Parse(start, CultureInfo.InvariantCulture), EndTime = TimeOnly.Parse(end, CultureInfo.InvariantCulture),
                        ValidFrom = new DateOnly(2024, 1, 1), ReasonCodes = "CNI PASSPORT CNI-PASSPORT",
                    });
            added.Add((station, rules));
            positions.AddRange(PositionsOf(station.Id, rules.Select(ToDomain).ToList()));
        }
        if (positions.Count < count)
            throw new InvalidOperationException($"Only {positions.Count} CNI positions in the window for {count} appointments.");
        if (added.Count > 0)
        {
            await using var db = database.NewContext();
            db.Stations.AddRange(added.Select(a => a.Station));
            db.OpeningRules.AddRange(added.SelectMany(a => a.Rules));
            await db.SaveChangesAsync(ct);
        }

        // Same seed, same picks: runs on the same day are comparable.
        var random = new Random(20261201);
        var shuffled = positions.ToArray();
        random.Shuffle(shuffled);
        var chosen = shuffled.Take(count).ToList();
        var codes = new HashSet<string>();
        var claims = 0;
        await using (var db = database.NewContext())
        {
            // One transaction for the lot, through the app's own EF model, so rows are exactly what the app writes.
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            foreach (var (stationId, startUtc) in chosen)
            {
                string code;
                do code = Secrets.NewDigits(8); while (!codes.Add(code));
                var appointment = new Appointment
                {
                    Id = Secrets.NewId(), OrganisationId = OrganisationId, SiteId = SiteId, StationId = stationId, ReasonCode = Reason,
                    Code = code, ManageTokenHash = Secrets.Hash(Secrets.NewToken()), StartUtc = startUtc, EndUtc = startUtc + Length,
                    Persons = 1, Status = AppointmentStatus.Booked, Channel = Channel.Web,
                    FirstName = "Camille", LastName = "Essai", Email = "camille.essai@example.org", CreatedUtc = now,
                };
                db.Appointments.Add(appointment);
                foreach (var unit in TimeUnits.Covering(appointment.StartUtc, appointment.EndUtc))
                {
                    db.SlotClaims.Add(new SlotClaim { StationId = stationId, Unit = unit, AppointmentId = appointment.Id });
                    claims++;
                }
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        var freeStarts = shuffled.Skip(count).Where(p => p.StartUtc >= DateTime.UtcNow).Select(p => p.StartUtc).Distinct().Count();
        var days = chosen.Select(c => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(c.StartUtc, zone))).ToList();
        return new Fill(chosen.Count, claims, positions.Count, demoPositions, stations.Count + added.Count, added.Count, freeStarts,
            days.Count > 0 ? days.Min() : from, days.Count > 0 ? days.Max() : to, watch.Elapsed);
    }

    private static DomainRule ToDomain(Web.Data.OpeningRule r) =>
        new(r.DayOfWeek, r.StartTime, r.EndTime, r.ValidFrom, r.ValidUntil, r.Reasons);
}
