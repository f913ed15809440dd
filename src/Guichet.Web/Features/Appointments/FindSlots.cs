using Guichet.Domain.Calendar;
using Guichet.Domain.Geography;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Features.Closures;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Guichet.Web.Features.Appointments;

public sealed record SlotQuery(
    IReadOnlyList<string> SiteIds,
    string ReasonCode,
    int Persons,
    int PersonsWithPreRequest,
    DateOnly From,
    DateOnly To,
    int Limit = 500,
    GeoPoint? Near = null,
    double? RadiusKm = null,
    bool Urgent = false);

/// <param name="DistanceKm">from the searched place, when the search had one.</param>
public sealed record SiteSlot(Site Site, Reason Reason, string StationId, DateTime StartUtc, DateTime EndUtc, double? DistanceKm = null);

public abstract record SlotSearchResult
{
    public sealed record Found(IReadOnlyList<SiteSlot> Slots) : SlotSearchResult;
    public sealed record Refused(FieldError Error) : SlotSearchResult;
}

/// <summary>
/// The free slots of one or many sites for a reason and a number of persons, earliest first — or, near a place, by
/// day then distance, within a radius. Each reason's booking delays apply, and its urgent reserve is withheld unless
/// an agent searches for an urgency (<see cref="SlotQuery.Urgent"/>: the earliest delay is lifted too).
/// Shared by the booking pages, the JSON API, the agents' booking and the booking check itself.
/// </summary>
public sealed class FindSlots(GuichetDb db, TimeProvider clock)
{
    private const int WindowDays = 32;

    public async Task<SlotSearchResult> RunAsync(SlotQuery query, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (BookingRules.CheckRange(query.From, query.To, today) is { } rangeError) return new SlotSearchResult.Refused(rangeError);
        if (query.Persons < 1 || query.Persons > 20) return new SlotSearchResult.Refused(BookingRules.CheckPersons(query.Persons, 20)!);

        var sites = db.Sites.AsNoTracking().Where(s => s.Active);
        if (query.SiteIds.Count > 0) sites = sites.Where(s => query.SiteIds.Contains(s.Id));
        var siteList = await sites.ToListAsync(ct);
        if (query.SiteIds.Count > 0 && siteList.Count != query.SiteIds.Distinct().Count())
            return new SlotSearchResult.Refused(new FieldError("site", "Ce lieu d'accueil n'existe pas."));

        var organisationIds = siteList.Select(s => s.OrganisationId).Distinct().ToList();
        var reasons = await db.Reasons.AsNoTracking()
            .Where(r => organisationIds.Contains(r.OrganisationId) && r.Code == query.ReasonCode)
            .ToDictionaryAsync(r => r.OrganisationId, ct);
        if (reasons.Count == 0)
            return new SlotSearchResult.Refused(new FieldError("reason", "Ce motif de rendez-vous n'existe pas. Motifs possibles : CNI, PASSPORT, CNI-PASSPORT, WITHDRAWAL."));
        // Near a place: how far each site is, and only those within the radius (after the reason is known to exist).
        var distances = query.Near is { } near
            ? siteList.ToDictionary(s => s.Id, s => near.DistanceKm(new GeoPoint(s.Latitude, s.Longitude)))
            : null;
        if (distances is not null && query.RadiusKm is { } radius) siteList = siteList.Where(s => distances[s.Id] <= radius).ToList();
        if (siteList.Count == 0) return new SlotSearchResult.Found([]);

        var now = clock.GetUtcNow().UtcDateTime;
        var siteIds = siteList.Select(s => s.Id).ToList();
        var found = new List<SiteSlot>();
        // Stations, rules and closures of the whole period are read once; the bookings window by window.
        var setting = await LoadSettingAsync(siteIds, query.From, query.To, ct);
        // Earliest first, window by window: a search stops reading bookings as soon as it has enough slots. Windows
        // start at one day and double up to 32: "the first 20 slots of the territory" reads one day of bookings of
        // every station, "the earliest 500 at one site" a few weeks of that site's, and the 90 days of a site take
        // seven windows (each one round trip to the database), never reading more than twice what was needed.
        var windowDays = 1;
        for (var windowStart = query.From; windowStart <= query.To && found.Count < query.Limit; windowStart = windowStart.AddDays(windowDays), windowDays = Math.Min(windowDays * 2, WindowDays))
        {
            var windowEnd = windowStart.AddDays(windowDays - 1) < query.To ? windowStart.AddDays(windowDays - 1) : query.To;
            var plannings = await setting.PlanningsAsync(db, windowStart, windowEnd, now, ct);
            var inWindow = new List<SiteSlot>();
            foreach (var site in siteList)
            {
                if (!reasons.TryGetValue(site.OrganisationId, out var reason)) continue;
                if (query.Persons > reason.MaxPersons)
                {
                    if (query.SiteIds.Count == 1) return new SlotSearchResult.Refused(BookingRules.CheckPersons(query.Persons, reason.MaxPersons)!);
                    continue;
                }
                var zone = TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone);
                var holidays = HolidayCalendar.For(site.Territory);
                var (first, last) = reason.Delays.Window(DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, zone)), holidays);
                if (query.Urgent) first = DateOnly.MinValue;
                var from = windowStart < first ? first : windowStart;
                var to = windowEnd > last ? last : windowEnd;
                if (from > to) continue;
                var withheld = query.Urgent || reason.UrgentPercent == 0 ? null : reason.Reserve;
                var distance = distances?[site.Id];
                var length = AppointmentLength.For(reason.MinutesPerPerson, reason.MinutesWithPreRequest, query.Persons, query.PersonsWithPreRequest);
                var step = AppointmentLength.Step(reason.MinutesPerPerson, reason.MinutesWithPreRequest, query.PersonsWithPreRequest == query.Persons);
                var stations = plannings.TryGetValue(site.Id, out var p) ? p : [];
                foreach (var s in SlotFinder.FreeSlots(stations, reason.Code, holidays.IsHoliday, zone, from, to, step, length, now, withheld, now))
                    inWindow.Add(new SiteSlot(site, reason, s.StationId, s.Slot.StartUtc, s.Slot.EndUtc, distance));
            }
            inWindow.Sort(Earliest);
            found.AddRange(inWindow);
        }
        // Windows are cut on local dates: sites in distant time zones may interleave at a window's edge.
        if (siteList.Select(s => s.TimeZone).Distinct(StringComparer.Ordinal).Skip(1).Any()) found.Sort(Earliest);
        IEnumerable<SiteSlot> earliest = found.Count > query.Limit ? found.GetRange(0, query.Limit) : found;
        // Near a place: the earliest day first, and on each day the nearest site first.
        if (distances is not null)
            earliest = earliest.OrderBy(LocalDay).ThenBy(s => s.DistanceKm).ThenBy(s => s.StartUtc).ThenBy(s => s.Site.Name, StringComparer.Ordinal);
        return new SlotSearchResult.Found(earliest.ToList());
    }

    /// <summary>Earliest first; at the same minute, sites by name (then id, so that equal names keep one order).</summary>
    private static readonly Comparison<SiteSlot> Earliest = static (a, b) =>
    {
        var c = a.StartUtc.CompareTo(b.StartUtc);
        if (c == 0) c = string.CompareOrdinal(a.Site.Name, b.Site.Name);
        return c != 0 ? c : string.CompareOrdinal(a.Site.Id, b.Site.Id);
    };

    public static DateOnly LocalDay(SiteSlot s) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(s.StartUtc, TimeZoneInfo.FindSystemTimeZoneById(s.Site.TimeZone)));

    /// <summary>Stations of each site with their rules and the units already taken around the period.</summary>
    internal async Task<Dictionary<string, List<StationPlanning>>> LoadPlanningsAsync(
        IReadOnlyList<string> siteIds, DateOnly from, DateOnly to, CancellationToken ct) =>
        await (await LoadSettingAsync(siteIds, from, to, ct)).PlanningsAsync(db, from, to, clock.GetUtcNow().UtcDateTime, ct);

    private async Task<Setting> LoadSettingAsync(IReadOnlyList<string> siteIds, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var stations = await db.Stations.AsNoTracking()
            .Where(s => s.Active && siteIds.Contains(s.SiteId))
            .OrderBy(s => s.Name)
            .ToListAsync(ct);
        var stationIds = stations.Select(s => s.Id).ToList();
        var rules = await db.OpeningRules.AsNoTracking()
            .Where(r => stationIds.Contains(r.StationId) && r.ValidFrom <= to && (r.ValidUntil == null || r.ValidUntil >= from))
            .ToListAsync(ct);
        // A day either side covers every time zone's offset from UTC.
        var windowStartUtc = from.AddDays(-1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var windowEndUtc = to.AddDays(2).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var closures = await db.Set<Closure>().AsNoTracking()
            .Where(c => siteIds.Contains(c.SiteId) && c.StartUtc < windowEndUtc && c.EndUtc > windowStartUtc)
            .Select(c => new { c.SiteId, c.StationId, c.StartUtc, c.EndUtc })
            .ToListAsync(ct);
        // A site's closure closes each of its stations.
        var closed = stations.ToDictionary(s => s.Id, s =>
        {
            var mine = closures.Where(c => c.SiteId == s.SiteId && (c.StationId == null || c.StationId == s.Id))
                .Select(c => new ClosedPeriod(c.StartUtc, c.EndUtc)).ToList();
            return mine.Count == 0 ? null : mine;
        });
        var rulesByStation = rules.GroupBy(r => r.StationId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Domain.Scheduling.OpeningRule>)g.Select(r => r.ToDomain()).ToList());
        return new Setting(stations, stationIds, rulesByStation, closed);
    }

    private sealed record Setting(
        List<Station> Stations, List<string> StationIds,
        Dictionary<string, IReadOnlyList<Domain.Scheduling.OpeningRule>> Rules, Dictionary<string, List<ClosedPeriod>?> Closed)
    {
        public async Task<Dictionary<string, List<StationPlanning>>> PlanningsAsync(GuichetDb db, DateOnly from, DateOnly to, DateTime nowUtc, CancellationToken ct)
        {
            // A day either side covers every time zone's offset from UTC.
            var firstUnit = TimeUnits.Of(from.AddDays(-1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
            var lastUnit = TimeUnits.Of(to.AddDays(2).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
            // Claims and live voice holds in one round trip (see TakenUnitsAsync).
            var taken = StationIds.Count > 0 ? await TakenUnitsAsync(db, StationIds, firstUnit, lastUnit, nowUtc, ct) : [];
            return Stations.GroupBy(s => s.SiteId).ToDictionary(g => g.Key, g => g.Select(s => new StationPlanning(
                s.Id,
                Rules.TryGetValue(s.Id, out var rs) ? rs : [],
                taken.TryGetValue(s.Id, out var t) ? t : new HashSet<long>(),
                Closed[s.Id])).ToList());
        }
    }

    /// <summary>
    /// The taken units of these stations in [first, last): claimed by a booking, or held for a phone caller who is
    /// confirming (Features/Voice) until the hold expires. Read with plain ADO.NET, the station as its index in the
    /// list rather than its id: a two-month search reads tens of thousands of claims, and a string and an object
    /// per row were most of its cost. One query for both tables: on a database across the network, round trips are
    /// most of a search's time.
    /// </summary>
    private static async Task<Dictionary<string, HashSet<long>>> TakenUnitsAsync(
        GuichetDb db, List<string> stationIds, long first, long last, DateTime nowUtc, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            // One row per station, its units joined by commas: tens of thousands of rows cost far more to read than one string each.
            var joined = db.Database.IsNpgsql() ? "string_agg(unit::text, ',')" : "group_concat(unit, ',')";
            var sql = new System.Text.StringBuilder("SELECT CASE station_id");
            for (var i = 0; i < stationIds.Count; i++)
            {
                sql.Append(" WHEN @s").Append(i).Append(" THEN ").Append(i);
                var p = command.CreateParameter();
                p.ParameterName = "@s" + i;
                p.Value = stationIds[i];
                command.Parameters.Add(p);
            }
            var list = new System.Text.StringBuilder();
            for (var i = 0; i < stationIds.Count; i++) list.Append(i == 0 ? "@s" : ", @s").Append(i);
            sql.Append(" END, ").Append(joined).Append(" FROM (SELECT station_id, unit FROM slot_claims WHERE station_id IN (").Append(list)
                .Append(") AND unit >= @first AND unit < @last UNION ALL SELECT station_id, unit FROM voice_holds WHERE station_id IN (").Append(list)
                .Append(") AND unit >= @first AND unit < @last AND expires_utc > @now) AS taken GROUP BY station_id");
            var pf = command.CreateParameter(); pf.ParameterName = "@first"; pf.Value = first; command.Parameters.Add(pf);
            var pl = command.CreateParameter(); pl.ParameterName = "@last"; pl.Value = last; command.Parameters.Add(pl);
            // Written as EF writes it on each provider, so that the comparison is the one the holds were stored for.
            var pn = command.CreateParameter(); pn.ParameterName = "@now";
            pn.Value = db.Database.IsNpgsql() ? nowUtc : nowUtc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);
            command.Parameters.Add(pn);
            command.CommandText = sql.ToString();
            var sets = new HashSet<long>?[stationIds.Count];
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var station = Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
                    var units = reader.GetString(1).AsSpan();
                    var set = sets[station] ??= new HashSet<long>(units.Count(',') + 1);
                    foreach (var range in units.Split(','))
                        set.Add(long.Parse(units[range], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            var taken = new Dictionary<string, HashSet<long>>(StringComparer.Ordinal);
            for (var i = 0; i < sets.Length; i++)
                if (sets[i] is { } set) taken[stationIds[i]] = set;
            return taken;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
