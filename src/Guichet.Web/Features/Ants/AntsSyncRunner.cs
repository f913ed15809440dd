using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Guichet.Web.Features.Ants;

/// <summary>
/// Works through ants_sync_jobs. Each run puts back jobs whose claim ran out, claims due jobs under a fresh token
/// (PostgreSQL: FOR UPDATE SKIP LOCKED, so several nodes share the work; SQLite: one UPDATE under its single writer
/// lock) — only the first unfinished job of each appointment, so a delete never overtakes its declare — then makes
/// each call and records the outcome under that token. Every call may safely run twice: a status is read again,
/// a second declare of the same URL is "Already exists" (taken as done), a second delete removes nothing.
/// </summary>
public sealed class AntsSyncRunner(IServiceScopeFactory scopes, TimeProvider clock, IOptions<AntsOptions> options, ILogger<AntsSyncRunner> log)
    : BackgroundService
{
    /// <summary>Waits after the 1st, 2nd, 3rd… attempt ANTS did not answer; the last one repeats.</summary>
    public static readonly TimeSpan[] Backoff =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(60)];

    /// <summary>About two days of hourly attempts: past that an agent must look (the job shows on the appointment).</summary>
    public const int MaxAttempts = 50;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.Value.SyncInterval, clock);
        do
        {
            try
            {
                while (await RunOnceAsync(stop) >= options.Value.SyncBatchSize && !stop.IsCancellationRequested) { }
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                log.LogError(e, "ANTS sync run failed; trying again at the next tick");
            }
        }
        while (await timer.WaitForNextTickAsync(stop));
    }

    /// <summary>One run. Returns how many jobs were claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuichetDb>();
        var client = scope.ServiceProvider.GetRequiredService<CoordinationClient>();
        var sync = scope.ServiceProvider.GetRequiredService<AntsSync>();
        var now = clock.GetUtcNow().UtcDateTime;

        // A run that died after claiming: its jobs are due again (every call is safe to repeat).
        await db.Set<AntsSyncJob>()
            .Where(j => j.Status == AntsJobStatus.Claimed && j.LeaseUntilUtc < now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, AntsJobStatus.Pending)
                .SetProperty(j => j.ClaimToken, (string?)null)
                .SetProperty(j => j.LeaseUntilUtc, (DateTime?)null), ct);

        var token = Secrets.NewId();
        var claimed = await ClaimAsync(db, token, now, ct);
        foreach (var job in claimed)
        {
            if (ct.IsCancellationRequested)
            {
                await ReleaseAsync(db, job, token);
                continue;
            }
            var outcome = await RunJobAsync(db, client, sync, job, ct);
            await RecordAsync(db, job, token, outcome);
        }
        return claimed.Count;
    }

    private async Task<List<AntsSyncJob>> ClaimAsync(GuichetDb db, string token, DateTime now, CancellationToken ct)
    {
        var o = options.Value;
        // Long enough for every call of the batch to reach its own timeout.
        var lease = now + o.CoordinationTimeout * (o.SyncBatchSize + 1) + TimeSpan.FromMinutes(1);
        var skipLocked = db.Database.IsNpgsql() ? "FOR UPDATE OF j SKIP LOCKED" : "";
        var sql = $$"""
            UPDATE ants_sync_jobs SET status = 'Claimed', claim_token = {0}, lease_until_utc = {1}
            WHERE id IN (SELECT j.id FROM ants_sync_jobs j
                         WHERE j.status = 'Pending' AND j.next_attempt_utc <= {2}
                           AND NOT EXISTS (SELECT 1 FROM ants_sync_jobs p
                                           WHERE p.appointment_id = j.appointment_id AND p.seq < j.seq AND p.status IN ('Pending', 'Claimed'))
                         ORDER BY j.next_attempt_utc, j.id LIMIT {3} {{skipLocked}})
            """;
        var count = await db.Database.ExecuteSqlRawAsync(sql, [token, lease, now, o.SyncBatchSize], ct);
        if (count == 0) return [];
        return await db.Set<AntsSyncJob>().AsNoTracking().Where(j => j.ClaimToken == token)
            .OrderBy(j => j.NextAttemptUtc).ThenBy(j => j.Id).ToListAsync(ct);
    }

    private abstract record Outcome
    {
        public sealed record Done(string? Note = null) : Outcome;
        public sealed record Retry(string Reason) : Outcome;
        public sealed record Failed(string Reason) : Outcome;
    }

    private async Task<Outcome> RunJobAsync(GuichetDb db, CoordinationClient client, AntsSync sync, AntsSyncJob job, CancellationToken ct)
    {
        switch (job.Kind)
        {
            case AntsJobKind.Check:
            {
                var numbers = job.ApplicationIds.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var result = await client.StatusAsync(numbers, job.MeetingPointId, ct);
                if (result is AntsResult<IReadOnlyDictionary<string, ApplicationState>>.Unavailable u) return new Outcome.Retry(u.Reason);
                if (result is AntsResult<IReadOnlyDictionary<string, ApplicationState>>.Refused r) return new Outcome.Retry($"L'ANTS a refusé la vérification ({r.StatusCode}).");
                var states = ((AntsResult<IReadOnlyDictionary<string, ApplicationState>>.Ok)result).Value;
                var reading = CheckApplications.Read(states, numbers, job.Deposit, sync.OwnUrlPrefix);
                var (state, note) =
                    reading.Refusals.Count > 0
                        ? (AntsCheckState.Problem, "Vérification après coup : " + string.Join(" ", reading.Refusals.Select(e => e.Message)) + " Prévenez l'usager.")
                    : reading.Unverified.Count > 0 ? (AntsCheckState.Pending, (string?)null)
                    : reading.Elsewhere.Count > 0 ? (AntsCheckState.Elsewhere, $"Selon l'ANTS, un autre rendez-vous existe déjà : {string.Join(" ; ", reading.Elsewhere)}.")
                    : (AntsCheckState.Verified, null);
                if (state == AntsCheckState.Pending) return new Outcome.Retry($"Statut non reconnu pour {string.Join(", ", reading.Unverified)}.");
                var now = clock.GetUtcNow().UtcDateTime;
                await db.Set<AntsCheck>().Where(c => c.AppointmentId == job.AppointmentId).ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.State, state)
                    .SetProperty(c => c.Note, note)
                    .SetProperty(c => c.CheckedUtc, now), ct);
                if (reading.Refused.Count > 0)
                {
                    // ANTS would refuse them, or worse, list a number it does not accept: they are not declared.
                    var refused = reading.Refused;
                    await db.Set<AntsSyncJob>()
                        .Where(j => j.AppointmentId == job.AppointmentId && j.Kind == AntsJobKind.Declare && j.Status == AntsJobStatus.Pending && refused.Contains(j.ApplicationIds))
                        .ExecuteUpdateAsync(s => s
                            .SetProperty(j => j.Status, AntsJobStatus.Failed)
                            .SetProperty(j => j.LastError, "Non déclaré : l'ANTS refuse ce numéro de pré-demande."), ct);
                }
                log.LogInformation("ANTS re-check of appointment {AppointmentId}: {State}", job.AppointmentId, state);
                return new Outcome.Done();
            }
            case AntsJobKind.Declare:
                // Cancelled before its declaration went out: nothing to announce. The delete queued behind still runs,
                // in case an earlier attempt that timed out did reach ANTS.
                if (await db.Appointments.AnyAsync(a => a.Id == job.AppointmentId && a.Status == AppointmentStatus.Cancelled, ct))
                    return new Outcome.Done("Non envoyée : le rendez-vous a été annulé entre-temps.");
                return await client.DeclareAsync(job.Declaration(job.ApplicationIds), ct) switch
                {
                    AntsResult<bool>.Ok => new Outcome.Done(),
                    // Our URL is unique per (appointment, number): ANTS holding it means an earlier attempt got through.
                    AntsResult<bool>.Refused r when r.Detail.Contains("Already exists", StringComparison.OrdinalIgnoreCase) => new Outcome.Done("Déjà connu de l'ANTS."),
                    AntsResult<bool>.Refused r => new Outcome.Failed($"L'ANTS a refusé la déclaration ({r.StatusCode}) : {Short(r.Detail)}"),
                    AntsResult<bool>.Unavailable u => new Outcome.Retry(u.Reason),
                    _ => throw new InvalidOperationException(),
                };
            case AntsJobKind.Delete:
                return await client.DeleteAsync(job.Declaration(job.ApplicationIds), ct) switch
                {
                    AntsResult<int>.Ok => new Outcome.Done(),
                    AntsResult<int>.Refused r => new Outcome.Failed($"L'ANTS a refusé la suppression ({r.StatusCode}) : {Short(r.Detail)}"),
                    AntsResult<int>.Unavailable u => new Outcome.Retry(u.Reason),
                    _ => throw new InvalidOperationException(),
                };
            default:
                throw new InvalidOperationException();
        }
    }

    private async Task RecordAsync(GuichetDb db, AntsSyncJob job, string token, Outcome outcome)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var attempts = job.Attempts + 1;
        var mine = db.Set<AntsSyncJob>().Where(j => j.Id == job.Id && j.ClaimToken == token && j.Status == AntsJobStatus.Claimed);
        // Recorded even when stopping: ANTS may have acted on the call.
        switch (outcome)
        {
            case Outcome.Done d:
                await mine.ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, AntsJobStatus.Done).SetProperty(j => j.Attempts, attempts).SetProperty(j => j.DoneUtc, now)
                    .SetProperty(j => j.LastError, d.Note).SetProperty(j => j.ClaimToken, (string?)null).SetProperty(j => j.LeaseUntilUtc, (DateTime?)null),
                    CancellationToken.None);
                log.LogInformation("ANTS {Kind} for appointment {AppointmentId} done (job {JobId}, attempt {Attempt})", job.Kind, job.AppointmentId, job.Id, attempts);
                break;
            case Outcome.Retry r:
                var final = attempts >= MaxAttempts;
                var next = now + Backoff[Math.Clamp(attempts - 1, 0, Backoff.Length - 1)];
                await mine.ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, final ? AntsJobStatus.Failed : AntsJobStatus.Pending).SetProperty(j => j.Attempts, attempts)
                    .SetProperty(j => j.NextAttemptUtc, next).SetProperty(j => j.LastError, Short(r.Reason))
                    .SetProperty(j => j.ClaimToken, (string?)null).SetProperty(j => j.LeaseUntilUtc, (DateTime?)null),
                    CancellationToken.None);
                log.LogWarning("ANTS {Kind} for appointment {AppointmentId} not done, attempt {Attempt}: {Reason}; {Outcome}",
                    job.Kind, job.AppointmentId, attempts, r.Reason, final ? "given up" : $"next attempt at {next:O}");
                break;
            case Outcome.Failed f:
                await mine.ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, AntsJobStatus.Failed).SetProperty(j => j.Attempts, attempts).SetProperty(j => j.LastError, Short(f.Reason))
                    .SetProperty(j => j.ClaimToken, (string?)null).SetProperty(j => j.LeaseUntilUtc, (DateTime?)null),
                    CancellationToken.None);
                log.LogWarning("ANTS {Kind} for appointment {AppointmentId} refused for good (job {JobId})", job.Kind, job.AppointmentId, job.Id);
                break;
        }
    }

    private static Task ReleaseAsync(GuichetDb db, AntsSyncJob job, string token) =>
        db.Set<AntsSyncJob>().Where(j => j.Id == job.Id && j.ClaimToken == token && j.Status == AntsJobStatus.Claimed)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, AntsJobStatus.Pending)
                .SetProperty(j => j.ClaimToken, (string?)null)
                .SetProperty(j => j.LeaseUntilUtc, (DateTime?)null), CancellationToken.None);

    private static string Short(string text) => text.Length > 480 ? text[..480] : text;
}
