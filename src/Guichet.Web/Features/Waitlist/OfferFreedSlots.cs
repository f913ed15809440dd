using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Waitlist;

/// <summary>Section "Waitlist".</summary>
public sealed class WaitlistOptions
{
    public bool Enabled { get; set; } = true;
    /// <summary>How many people on the list are offered each freed slot, in order of request.</summary>
    public int OffersPerSlot { get; set; } = 3;
    /// <summary>How long an offer's link books the slot.</summary>
    public int OfferHours { get; set; } = 12;
    public int PollSeconds { get; set; } = 10;
    public int BatchSize { get; set; } = 20;

    public IEnumerable<string> Problems()
    {
        if (OffersPerSlot is < 1 or > 50) yield return "Waitlist:OffersPerSlot va de 1 à 50.";
        if (OfferHours is < 1 or > 168) yield return "Waitlist:OfferHours va de 1 à 168 heures.";
        if (PollSeconds is < 1 or > 3600) yield return "Waitlist:PollSeconds va de 1 à 3600.";
        if (BatchSize is < 1 or > 1000) yield return "Waitlist:BatchSize va de 1 à 1000.";
    }
}

/// <summary>
/// Turns freed slots into offers: for each job (minutes of a station freed by a cancellation or a move), the free
/// slots starting in those minutes are searched as the public sees them, and each is offered to the first
/// <see cref="WaitlistOptions.OffersPerSlot"/> active entries whose criteria match, in order of request, by e-mail
/// and SMS through the outbox, in the same transaction as the offers. Also closes what time has ended: expired
/// offers (their slot, still free, goes to the next people) and entries past their "not after" date.
/// Jobs are claimed under a token and a lease, so several nodes never process the same job twice.
/// </summary>
public sealed class OfferFreedSlots(GuichetDb db, FindSlots finder, WaitlistMessages messages, WaitlistOptions options,
    TimeProvider clock, ILogger<OfferFreedSlots> log)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>One pass; returns the number of offers made.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await ExpireAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.Set<WaitlistJob>().AsNoTracking()
            .Where(j => j.ProcessedUtc == null && (j.LeaseUntilUtc == null || j.LeaseUntilUtc < now))
            .OrderBy(j => j.CreatedUtc).Take(options.BatchSize).ToListAsync(ct);
        var offers = 0;
        foreach (var job in due)
        {
            var claim = Secrets.NewId();
            var claimed = await db.Set<WaitlistJob>()
                .Where(j => j.Id == job.Id && j.ProcessedUtc == null && (j.LeaseUntilUtc == null || j.LeaseUntilUtc < now))
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.ClaimToken, claim).SetProperty(j => j.LeaseUntilUtc, now + Lease), ct);
            if (claimed == 0) continue;   // another node took it
            offers += await ProcessAsync(job, claim, ct);
        }
        return offers;
    }

    private async Task<int> ProcessAsync(WaitlistJob job, string claim, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == job.SiteId, ct);
        var zone = site.TimeZone;
        var firstDay = DateOnly.FromDateTime(FrenchDates.ToLocal(job.FromUtc, zone));
        var lastDay = DateOnly.FromDateTime(FrenchDates.ToLocal(job.ToUtc, zone));
        var made = new List<(WaitlistOffer Offer, WaitlistEntry Entry, string Token)>();
        if (job.ToUtc > now && site.Active)
        {
            var entries = (await db.Set<WaitlistEntry>().AsNoTracking()
                    .Where(e => e.Status == WaitlistStatus.Active && e.NotAfter >= firstDay)
                    .OrderBy(e => e.CreatedUtc).ThenBy(e => e.Id).ToListAsync(ct))
                .Where(e => e.Accepts(site) && (e.NotBefore is null || e.NotBefore <= lastDay)).ToList();
            var held = await HeldAsync(entries, ct);
            entries = entries.Where(e => e.AppointmentId is null || held.ContainsKey(e.AppointmentId)).ToList();
            var busy = (await db.Set<WaitlistOffer>().AsNoTracking()
                .Where(o => o.Status == OfferStatus.Open && o.ExpiresUtc > now).Select(o => o.EntryId).ToListAsync(ct)).ToHashSet();
            var alreadyOffered = (await db.Set<WaitlistOffer>().AsNoTracking()
                .Where(o => o.SiteId == site.Id && o.StartUtc >= job.FromUtc && o.StartUtc < job.ToUtc)
                .Select(o => new { o.EntryId, o.StartUtc }).ToListAsync(ct)).Select(o => (o.EntryId, o.StartUtc)).ToHashSet();

            // Free slots as the public would find them, per (reason, persons) asked for, starting in the freed minutes.
            var slots = new List<(DateTime StartUtc, string Reason, int Persons)>();
            foreach (var ask in entries.Select(e => (e.ReasonCode, e.Persons)).Distinct())
            {
                var found = await finder.RunAsync(new SlotQuery([site.Id], ask.ReasonCode, ask.Persons, 0, firstDay, lastDay, 200), ct);
                if (found is not SlotSearchResult.Found f) continue;
                slots.AddRange(f.Slots.Where(s => s.StationId == job.StationId && s.StartUtc >= job.FromUtc && s.StartUtc < job.ToUtc && s.StartUtc > now)
                    .Select(s => (s.StartUtc, ask.ReasonCode, ask.Persons)));
            }
            foreach (var start in slots.Select(s => s.StartUtc).Distinct().Order())
            {
                var day = DateOnly.FromDateTime(FrenchDates.ToLocal(start, zone));
                var candidates = entries.Where(e => !busy.Contains(e.Id) && !alreadyOffered.Contains((e.Id, start)) && slots.Contains((start, e.ReasonCode, e.Persons)));
                var fits = Domain.Scheduling.WaitlistRules.FirstOffered(candidates,
                    e => new Domain.Scheduling.WaitlistWish(e.NotBefore, e.NotAfter, e.AppointmentId is null ? null : held[e.AppointmentId]),
                    day, start, options.OffersPerSlot);
                foreach (var entry in fits)
                {
                    var token = Secrets.NewToken();
                    var offer = new WaitlistOffer
                    {
                        Id = Secrets.NewId(), OrganisationId = site.OrganisationId, EntryId = entry.Id, SiteId = site.Id,
                        ReasonCode = entry.ReasonCode, StartUtc = start, TokenHash = Secrets.Hash(token), Status = OfferStatus.Open,
                        CreatedUtc = now, ExpiresUtc = Domain.Scheduling.WaitlistRules.OfferExpiry(now, options.OfferHours, start),
                    };
                    db.Add(offer);
                    made.Add((offer, entry, token));
                    busy.Add(entry.Id);
                }
            }
            foreach (var (offer, entry, token) in made) await messages.AddOfferAsync(entry, offer, site, token, ct);
        }
        // The offers, their messages and the job's end in one transaction; a lost claim saves nothing.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var done = await db.Set<WaitlistJob>().Where(j => j.Id == job.Id && j.ClaimToken == claim && j.ProcessedUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.ProcessedUtc, now), ct);
        if (done == 0)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return 0;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        if (made.Count > 0) log.LogInformation("Waitlist job {JobId}: {Offers} offer(s) at site {SiteId}", job.Id, made.Count, site.Id);
        return made.Count;
    }

    /// <summary>Start of each held appointment still booked and to come; the others' entries have nothing left to advance.</summary>
    private async Task<Dictionary<string, DateTime>> HeldAsync(List<WaitlistEntry> entries, CancellationToken ct)
    {
        var ids = entries.Where(e => e.AppointmentId is not null).Select(e => e.AppointmentId!).ToList();
        if (ids.Count == 0) return [];
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Appointments.AsNoTracking().Where(a => ids.Contains(a.Id) && a.Status == AppointmentStatus.Booked && a.StartUtc > now)
            .ToDictionaryAsync(a => a.Id, a => a.StartUtc, ct);
    }

    /// <summary>Entries past their last day expire; expired offers whose slot nobody took go to the next people.</summary>
    private async Task ExpireAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(FrenchDates.ToLocal(now, "Europe/Paris"));
        await db.Set<WaitlistEntry>().Where(e => e.Status == WaitlistStatus.Active && e.NotAfter < today)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, WaitlistStatus.Expired).SetProperty(e => e.ClosedUtc, now), ct);
        var ended = await db.Set<WaitlistOffer>().AsNoTracking().Where(o => o.Status == OfferStatus.Open && o.ExpiresUtc <= now).ToListAsync(ct);
        if (ended.Count == 0) return;
        var ids = ended.Select(o => o.Id).ToList();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var expired = await db.Set<WaitlistOffer>().Where(o => ids.Contains(o.Id) && o.Status == OfferStatus.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OfferStatus.Expired), ct);
        if (expired == ended.Count)
        {
            foreach (var slot in ended.Where(o => o.StartUtc > now).GroupBy(o => (o.SiteId, o.StartUtc)))
            {
                var stations = await db.Stations.AsNoTracking().Where(s => s.SiteId == slot.Key.SiteId && s.Active).Select(s => new { s.Id, s.OrganisationId }).ToListAsync(ct);
                foreach (var station in stations)
                    db.Add(new WaitlistJob
                    {
                        Id = Secrets.NewId(), OrganisationId = station.OrganisationId, SiteId = slot.Key.SiteId, StationId = station.Id,
                        FromUtc = slot.Key.StartUtc, ToUtc = slot.Key.StartUtc.AddMinutes(TimeUnitsMinutes), CreatedUtc = now,
                    });
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        else await tx.RollbackAsync(ct);   // another node expired some of them at the same moment: it re-offers them
        db.ChangeTracker.Clear();
    }

    private const int TimeUnitsMinutes = Domain.Scheduling.TimeUnits.Minutes;
}

/// <summary>Runs <see cref="OfferFreedSlots.RunOnceAsync"/> every few seconds.</summary>
public sealed class WaitlistWorker(IServiceScopeFactory scopes, WaitlistOptions options, TimeProvider clock, ILogger<WaitlistWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.PollSeconds), clock);
        while (await timer.WaitForNextTickAsync(stop))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<OfferFreedSlots>().RunOnceAsync(stop);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Waitlist pass failed; the next pass tries again");
            }
        }
    }
}
