using Microsoft.Extensions.Caching.Memory;
using Guichet.Domain.Quality;
using Guichet.Domain.Requests;
using Guichet.Domain.Scheduling;
using Guichet.Domain.Voice;
using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Features.Requests;
using Guichet.Web.Features.Voice;
using Guichet.Web.Features.Withdrawals;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Quality;

/// <summary>Settings of the indicators (section Quality).</summary>
public sealed class QualityOptions
{
    /// <summary>How long today's slot delays are reused before they are searched again; 0 searches every time.</summary>
    public int SlotDelayCacheSeconds { get; set; } = 60;
}

/// <summary>What the figures are computed for. The site narrows appointments and slot delays; the unit narrows requests.</summary>
public sealed record IndicatorFilter(string OrganisationId, DateOnly From, DateOnly To, string? SiteId = null, string? UnitId = null);

/// <summary>A count with its mean and 90th percentile, in working days (requests) or calendar days (withdrawals).</summary>
public sealed record Durations(long Count, double? Mean, int? P90)
{
    public static Durations From(IReadOnlyList<(int Value, long Count)> histogram) =>
        new(histogram.Sum(h => h.Count), QualityMath.Mean(histogram), QualityMath.Percentile(histogram, 90));
}

public sealed record DeadlineRow(string UnitId, string UnitName, RequestChannel Channel, long InTime, long Late, long OverdueUnanswered)
{
    public long Counted => InTime + Late + OverdueUnanswered;
    public double? InTimePercent => QualityMath.Percent(InTime, Counted);
}

public sealed record BacklogRow(string UnitId, string UnitName, long Open, long Overdue);

public sealed record RequestFigures(
    IReadOnlyList<DeadlineRow> Deadlines, Durations TimeToAnswer, Durations FirstResponse, IReadOnlyList<BacklogRow> Backlog)
{
    public long InTime => Deadlines.Sum(d => d.InTime);
    public long Counted => Deadlines.Sum(d => d.Counted);
    public double? InTimePercent => QualityMath.Percent(InTime, Counted);
    public long Open => Backlog.Sum(b => b.Open);
    public long Overdue => Backlog.Sum(b => b.Overdue);
}

/// <summary>Calls counted for one unit (VoiceCall.UnitId; "Sans service" for calls counted for none).</summary>
public sealed record CallRow(string? UnitId, string Label, long Received, long Answered, long Abandoned, long Transferred, long Messages, long Unfinished)
{
    /// <summary>Answered among the calls that ended (CallRates' rule), in percent.</summary>
    public double? AnsweredPercent => QualityMath.Percent(Answered, Answered + Abandoned);
    public bool? MeetsTarget => AnsweredPercent is { } p ? p >= QualityTargets.AnsweredCallsMinPercent : null;
}

public sealed record SlotDelayRow(string SiteId, string SiteName, string ReasonCode, string ReasonName, DateOnly? FirstFree, int? DelayDays);

public sealed record SiteOutcomeRow(string SiteId, string SiteName, long Booked, long Honoured, long NoShow, long Excused, long Cancelled)
{
    public long Total => Booked + Honoured + NoShow + Excused + Cancelled;
    /// <summary>No-shows among the appointments whose outcome is known (came, did not come, excused).</summary>
    public double? NoShowPercent => QualityMath.Percent(NoShow, Honoured + NoShow + Excused);
    public double? CancelledPercent => QualityMath.Percent(Cancelled, Total);
}

public sealed record AppointmentFigures(
    IReadOnlyList<SlotDelayRow> SlotDelays, IReadOnlyList<(Channel Channel, long Count)> Bookings,
    IReadOnlyList<SiteOutcomeRow> Outcomes, long UrgentBookings, Durations DepositToWithdrawal)
{
    public long BookingsTotal => Bookings.Sum(b => b.Count);
}

public sealed record QualityReport(
    IndicatorFilter Filter, string OrganisationName, DateOnly Today,
    RequestFigures Requests, IReadOnlyList<CallRow> Calls, AppointmentFigures Appointments,
    IReadOnlyList<Satisfaction.SurveyQuestionResult> Satisfaction)
{
    /// <summary>All the organisation's calls (or the filtered unit's) as one row.</summary>
    public CallRow CallsTotal => new(Filter.UnitId, "Total", Calls.Sum(c => c.Received), Calls.Sum(c => c.Answered), Calls.Sum(c => c.Abandoned),
        Calls.Sum(c => c.Transferred), Calls.Sum(c => c.Messages), Calls.Sum(c => c.Unfinished));
}

/// <summary>
/// Every indicator of an organisation over a period, computed by the database (grouped counts and histograms over
/// the covering indexes of <see cref="QualityIndexes"/>), never by loading the rows. Shared by the dashboard, its CSV
/// export, the public page and the JSON API.
/// Rules: a request counts in the period of its first answer, or, while unanswered and past its due date, in the
/// period of its due date (QualityMath.Classify); appointments count in the period of their start (outcomes) or of
/// their booking (channels, urgent reserve); calls in the period they started; backlog and slot delays are today's.
/// </summary>
public sealed class QualityIndicators(GuichetDb db, FindSlots slots, TimeProvider clock, IMemoryCache cache, QualityOptions options)
{
    public async Task<QualityReport?> ComputeAsync(IndicatorFilter f, CancellationToken ct, bool withSlotDelays = true)
    {
        var organisation = await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == f.OrganisationId, ct);
        if (organisation is null) return null;
        var (zone, _) = RequestStamps.CalendarOf(db, organisation.Id);
        var now = clock.GetUtcNow().UtcDateTime;
        var today = Deadline.ReceivedOn(now, zone);
        var fromUtc = LocalMidnightUtc(f.From, zone);
        var toUtc = LocalMidnightUtc(f.To.AddDays(1), zone);

        var units = await db.Set<Unit>().AsNoTracking().Where(u => u.OrganisationId == f.OrganisationId)
            .ToDictionaryAsync(u => u.Id, u => u.Name, ct);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var requests = await RequestsAsync(f, units, today, ct);
        Timings["requests"] = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        var calls = await CallsAsync(f, units, fromUtc, toUtc, ct);
        Timings["calls"] = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        var appointments = await AppointmentsAsync(f, today, fromUtc, toUtc, withSlotDelays, ct);
        Timings["appointments"] = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        // The survey knows sites (appointments) but not units: with a unit filter, the organisation's results stand.
        var satisfaction = await Satisfaction.SatisfactionResults.ComputeAsync(db, f.OrganisationId, f.From, f.To, f.SiteId, ct);
        Timings["satisfaction"] = watch.Elapsed.TotalMilliseconds;
        return new QualityReport(f, organisation.Name, today, requests, calls, appointments, satisfaction);
    }

    internal static DateTime LocalMidnightUtc(DateOnly day, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone);

    private IQueryable<CitizenRequest> OrganisationRequests(IndicatorFilter f)
    {
        // No status test here: the answered and first-response groupings are read from their covering indexes alone. A
        // merged request never carries an answer stamp (only open requests are merged), so it is not counted anyway.
        var q = db.CitizenRequests.AsNoTracking().Where(r => r.OrganisationId == f.OrganisationId);
        return f.UnitId is null ? q : q.Where(r => r.UnitId == f.UnitId);
    }

    private async Task<RequestFigures> RequestsAsync(IndicatorFilter f, IReadOnlyDictionary<string, string> units, DateOnly today, CancellationToken ct)
    {
        string UnitName(string id) => units.TryGetValue(id, out var n) ? n : id;

        var answered = await OrganisationRequests(f)
            .Where(r => r.AnsweredOn >= f.From && r.AnsweredOn <= f.To)
            .GroupBy(r => new { r.UnitId, r.Channel })
            .Select(g => new { g.Key.UnitId, g.Key.Channel, InTime = g.Count(r => r.AnsweredOn <= r.DueDate), All = g.Count() })
            .ToListAsync(ct);
        // Inlined as constants, so the IN (…) is the partial index's own filter (InboxIndexes, IX_citizen_requests_quality_open).
        var open = InboxIndexes.Open;
        // Still unanswered and past due, with the due date in the period: late in that period.
        var lastLateDue = today.AddDays(-1) < f.To ? today.AddDays(-1) : f.To;
        var overdue = await OrganisationRequests(f)
            .Where(r => EF.Constant(open).Contains(r.Status) && r.AnsweredOn == null && r.DueDate >= f.From && r.DueDate <= lastLateDue)
            .GroupBy(r => new { r.UnitId, r.Channel })
            .Select(g => new { g.Key.UnitId, g.Key.Channel, Count = g.Count() })
            .ToListAsync(ct);
        var keys = answered.Select(a => (a.UnitId, a.Channel)).Concat(overdue.Select(o => (o.UnitId, o.Channel))).Distinct();
        var deadlines = keys.Select(k =>
            {
                var a = answered.FirstOrDefault(x => x.UnitId == k.UnitId && x.Channel == k.Channel);
                var o = overdue.FirstOrDefault(x => x.UnitId == k.UnitId && x.Channel == k.Channel);
                return new DeadlineRow(k.UnitId, UnitName(k.UnitId), k.Channel, a?.InTime ?? 0, (a?.All ?? 0) - (a?.InTime ?? 0), o?.Count ?? 0);
            })
            .OrderBy(d => d.UnitName, StringComparer.Create(System.Globalization.CultureInfo.GetCultureInfo("fr-FR"), true)).ThenBy(d => d.Channel)
            .ToList();

        var toAnswer = await OrganisationRequests(f)
            .Where(r => r.AnsweredOn >= f.From && r.AnsweredOn <= f.To && r.AnswerWorkingDays != null)
            .GroupBy(r => r.AnswerWorkingDays!.Value).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
        var firstResponse = await OrganisationRequests(f)
            .Where(r => r.FirstResponseOn >= f.From && r.FirstResponseOn <= f.To && r.FirstResponseWorkingDays != null)
            .GroupBy(r => r.FirstResponseWorkingDays!.Value).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);

        var backlog = await OrganisationRequests(f)
            .Where(r => EF.Constant(open).Contains(r.Status))
            .GroupBy(r => r.UnitId)
            .Select(g => new { UnitId = g.Key, Open = g.LongCount(), Overdue = g.LongCount(r => r.DueDate < today) })
            .ToListAsync(ct);

        return new RequestFigures(
            deadlines,
            Durations.From(toAnswer.Select(h => (h.Key, h.Count)).ToList()),
            Durations.From(firstResponse.Select(h => (h.Key, h.Count)).ToList()),
            backlog.Select(b => new BacklogRow(b.UnitId, UnitName(b.UnitId), b.Open, b.Overdue)).OrderBy(b => b.UnitName).ToList());
    }

    private async Task<IReadOnlyList<CallRow>> CallsAsync(IndicatorFilter f, IReadOnlyDictionary<string, string> units, DateTime fromUtc, DateTime toUtc, CancellationToken ct)
    {
        var calls = db.Set<VoiceCall>().AsNoTracking()
            .Where(c => c.OrganisationId == f.OrganisationId && c.StartedUtc >= fromUtc && c.StartedUtc < toUtc);
        if (f.UnitId is not null) calls = calls.Where(c => c.UnitId == f.UnitId);
        var groups = await calls.GroupBy(c => new { c.UnitId, c.Outcome }).Select(g => new { g.Key.UnitId, g.Key.Outcome, Count = g.LongCount() }).ToListAsync(ct);
        // One row per unit the calls were counted for (CallRates' rule: answered and abandoned among the calls that ended).
        return groups.GroupBy(g => g.UnitId).Select(u =>
            {
                long Count(VoiceOutcome o) => u.Where(x => x.Outcome == o).Sum(x => x.Count);
                var received = u.Sum(x => x.Count);
                var abandoned = Count(VoiceOutcome.Abandoned);
                var unfinished = Count(VoiceOutcome.None);
                var label = u.Key is null ? "Sans service" : units.TryGetValue(u.Key, out var n) ? n : u.Key;
                return new CallRow(u.Key, label, received, received - abandoned - unfinished, abandoned, Count(VoiceOutcome.Transferred), Count(VoiceOutcome.Message), unfinished);
            })
            .OrderBy(r => r.UnitId is null).ThenBy(r => r.Label).ToList();
    }

    private async Task<AppointmentFigures> AppointmentsAsync(IndicatorFilter f, DateOnly today, DateTime fromUtc, DateTime toUtc, bool withSlotDelays, CancellationToken ct)
    {
        var sites = await db.Sites.AsNoTracking().Where(s => s.OrganisationId == f.OrganisationId && (f.SiteId == null || s.Id == f.SiteId))
            .OrderBy(s => s.Name).ToListAsync(ct);
        var siteNames = sites.ToDictionary(s => s.Id, s => s.Name);

        var started = db.Appointments.AsNoTracking().Where(a => a.OrganisationId == f.OrganisationId && a.StartUtc >= fromUtc && a.StartUtc < toUtc);
        if (f.SiteId is not null) started = started.Where(a => a.SiteId == f.SiteId);
        var outcomes = await started.GroupBy(a => new { a.SiteId, a.Status }).Select(g => new { g.Key.SiteId, g.Key.Status, Count = g.LongCount() }).ToListAsync(ct);
        var outcomeRows = outcomes.GroupBy(o => o.SiteId).Select(g =>
        {
            long C(AppointmentStatus s) => g.Where(x => x.Status == s).Sum(x => x.Count);
            return new SiteOutcomeRow(g.Key, siteNames.GetValueOrDefault(g.Key, g.Key), C(AppointmentStatus.Booked), C(AppointmentStatus.Honoured),
                C(AppointmentStatus.NoShow), C(AppointmentStatus.Excused), C(AppointmentStatus.Cancelled));
        }).OrderBy(r => r.SiteName).ToList();

        var created = db.Appointments.AsNoTracking().Where(a => a.OrganisationId == f.OrganisationId && a.CreatedUtc >= fromUtc && a.CreatedUtc < toUtc);
        if (f.SiteId is not null) created = created.Where(a => a.SiteId == f.SiteId);
        var channels = await created.GroupBy(a => a.Channel).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
        var urgent = await created.Where(a => a.UrgentJustification != null).LongCountAsync(ct);
        var bookings = Enum.GetValues<Channel>().Select(c => (c, channels.Where(x => x.Key == c).Sum(x => x.Count))).ToList();

        // Withdrawals done in the period (the withdrawal appointment honoured): calendar days since the deposit.
        var withdrawals = db.Set<ApplicationDeposit>().AsNoTracking()
            .Where(d => d.OrganisationId == f.OrganisationId && d.WithdrawalAppointmentId != null)
            .Join(db.Appointments.Where(a => a.Status == AppointmentStatus.Honoured && a.StartUtc >= fromUtc && a.StartUtc < toUtc),
                d => d.WithdrawalAppointmentId, a => a.Id, (d, a) => new { d.SiteId, d.DepositedOn, a.StartUtc });
        if (f.SiteId is not null) withdrawals = withdrawals.Where(w => w.SiteId == f.SiteId);
        var (zone, _) = RequestStamps.CalendarOf(db, f.OrganisationId);
        var pairs = await withdrawals.Select(w => new { w.DepositedOn, w.StartUtc }).ToListAsync(ct);
        var withdrawalDays = pairs.GroupBy(p => QualityMath.DelayDays(p.DepositedOn, Deadline.ReceivedOn(p.StartUtc, zone)))
            .Select(g => (g.Key, (long)g.Count())).ToList();

        var delays = withSlotDelays ? await SlotDelaysAsync(f.OrganisationId, sites, today, ct) : [];
        return new AppointmentFigures(delays, bookings, outcomeRows, urgent, Durations.From(withdrawalDays));
    }

    /// <summary>
    /// Today's delay to the first free slot (one person, the public's view: urgent reserve withheld) per site and reason.
    /// One slot search per site and reason is most of the dashboard's time, and the public page is open to anyone: the
    /// answer is kept <see cref="QualityOptions.SlotDelayCacheSeconds"/> per organisation and sites (0 turns that off).
    /// </summary>
    public async Task<IReadOnlyList<SlotDelayRow>> SlotDelaysAsync(string organisationId, IReadOnlyList<Site> sites, DateOnly today, CancellationToken ct)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try { return await CachedSlotDelaysAsync(organisationId, sites, today, ct); }
        finally { SlotDelayMs = watch.Elapsed.TotalMilliseconds; }
    }

    /// <summary>Milliseconds of each part of the last computation (requests, calls, appointments), for Server-Timing.</summary>
    public Dictionary<string, double> Timings { get; } = [];

    /// <summary>Time the last slot-delay look-up took (the dashboard's Server-Timing shows it beside the whole).</summary>
    public double SlotDelayMs { get; private set; }

    private async Task<IReadOnlyList<SlotDelayRow>> CachedSlotDelaysAsync(string organisationId, IReadOnlyList<Site> sites, DateOnly today, CancellationToken ct)
    {
        if (options.SlotDelayCacheSeconds <= 0) return await SearchSlotDelaysAsync(organisationId, sites, today, ct);
        var key = $"quality-slot-delays|{organisationId}|{today:yyyy-MM-dd}|{string.Join(',', sites.Select(s => s.Id))}";
        if (cache.TryGetValue(key, out IReadOnlyList<SlotDelayRow>? cached) && cached is not null) return cached;
        var rows = await SearchSlotDelaysAsync(organisationId, sites, today, ct);
        cache.Set(key, rows, TimeSpan.FromSeconds(options.SlotDelayCacheSeconds));
        return rows;
    }

    private async Task<IReadOnlyList<SlotDelayRow>> SearchSlotDelaysAsync(string organisationId, IReadOnlyList<Site> sites, DateOnly today, CancellationToken ct)
    {
        var reasons = await db.Reasons.AsNoTracking().Where(r => r.OrganisationId == organisationId).OrderBy(r => r.SortOrder).ThenBy(r => r.Code).ToListAsync(ct);
        // FindSlots counts "today" in UTC; searching from that day keeps its range check satisfied.
        var searchFrom = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var rows = new List<SlotDelayRow>();
        foreach (var site in sites.Where(s => s.Active))
            foreach (var reason in reasons)
            {
                var result = await slots.RunAsync(new SlotQuery([site.Id], reason.Code, 1, 0, searchFrom, searchFrom.AddDays(BookingRules.MaxSearchDays), Limit: 1), ct);
                DateOnly? first = result is SlotSearchResult.Found { Slots: [var s, ..] }
                    ? Deadline.ReceivedOn(s.StartUtc, TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone)) : null;
                rows.Add(new SlotDelayRow(site.Id, site.Name, reason.Code, reason.Name, first, first is { } d ? QualityMath.DelayDays(today, d) : null));
            }
        return rows;
    }
}
