using Guichet.Web.Data;
using Guichet.Web.Platform;
using Guichet.Web.Platform.Mail;
using Guichet.Web.Platform.Sms;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Notifications;

/// <summary>
/// Sends the outbox. Each run claims due messages under a fresh token (PostgreSQL: FOR UPDATE SKIP LOCKED, so
/// several nodes share the work; SQLite: one UPDATE under its single writer lock), then for each message marks the
/// start of its send, sends it and records the outcome under that token. A message is never sent twice: one whose
/// send began but whose outcome was never recorded (a crash, or an unexpected error after the provider accepted
/// it) is marked Failed once its lease has run out, instead of being sent again; one claimed but never begun goes
/// back to Pending.
/// </summary>
public sealed class OutboxDispatcher(
    IServiceScopeFactory scopes, TimeProvider clock, IMailSender mail, SmsDelivery sms, NotificationsOptions options, ILogger<OutboxDispatcher> log)
    : BackgroundService
{
    /// <summary>Waits after the 1st, 2nd, 3rd… refused attempt; the last one repeats.</summary>
    public static readonly TimeSpan[] Backoff =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(60)];

    public const string InterruptedError = "Envoi interrompu sans confirmation : le message a peut-être été remis, il n'est pas renvoyé automatiquement.";

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.PollInterval, clock);
        do
        {
            try
            {
                // A full batch means more may be due: keep going before sleeping.
                while (await RunOnceAsync(stop) >= options.BatchSize && !stop.IsCancellationRequested) { }
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                log.LogError(e, "Outbox dispatch run failed; trying again at the next tick");
            }
        }
        while (await timer.WaitForNextTickAsync(stop));
    }

    /// <summary>One run: gives up on interrupted sends, claims due messages, sends each once. Returns how many were claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuichetDb>();
        var now = clock.GetUtcNow().UtcDateTime;

        // A run that died after claiming: what it had not begun is simply due again.
        await db.Set<OutboxMessage>()
            .Where(m => m.Status == MessageStatus.Claimed && m.LeaseUntilUtc < now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, MessageStatus.Pending)
                .SetProperty(m => m.ClaimToken, (string?)null)
                .SetProperty(m => m.LeaseUntilUtc, (DateTime?)null), ct);
        // A send that began and was never recorded may have reached the citizen: give up rather than send a copy.
        var interrupted = await db.Set<OutboxMessage>()
            .Where(m => m.Status == MessageStatus.Sending && m.LeaseUntilUtc < now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, MessageStatus.Failed)
                .SetProperty(m => m.LastError, InterruptedError)
                .SetProperty(m => m.ClaimToken, (string?)null)
                .SetProperty(m => m.LeaseUntilUtc, (DateTime?)null), ct);
        if (interrupted > 0) log.LogWarning("{Count} outbox messages were interrupted while sending and are marked failed", interrupted);

        // A reminder is worth nothing once its appointment has begun, however long the outage was.
        await AppointmentReminders.DropStaleAsync(db, now, ct);
        var token = Secrets.NewId();
        var claimed = await ClaimAsync(db, token, now, ct);
        if (claimed.Count == 0) return 0;
        var organisationIds = claimed.Select(m => m.OrganisationId).Distinct().ToList();
        var senders = await db.Organisations.AsNoTracking().Where(o => organisationIds.Contains(o.Id))
            .ToDictionaryAsync(o => o.Id, o => o.Name, ct);

        // One thread per appointment and channel, in the claimed order; threads go out side by side.
        var threads = claimed.GroupBy(m => m.AppointmentId is null ? (m.Id, MessageChannel.Email) : (m.AppointmentId, m.Channel))
            .Select(g => g.ToList()).ToList();
        await Parallel.ForEachAsync(threads, new ParallelOptions { MaxDegreeOfParallelism = options.SendParallelism },
            async (thread, _) =>
            {
                // Each thread of sends has its own unit of work: a DbContext serves one caller at a time.
                await using var sendScope = scopes.CreateAsyncScope();
                var sendDb = sendScope.ServiceProvider.GetRequiredService<GuichetDb>();
                var attachments = sendScope.ServiceProvider.GetRequiredService<MessageAttachments>();
                for (var i = 0; i < thread.Count; i++)
                {
                    // Stopping: the rest was surely not sent, so it goes back as it was. After a failure, the later
                    // messages to the same citizen about the same appointment must not overtake the one that did not leave.
                    if (ct.IsCancellationRequested
                        || !await DeliverAsync(sendDb, thread[i], senders.GetValueOrDefault(thread[i].OrganisationId, "Guichet"), token, attachments, ct))
                    {
                        var rest = thread.Skip(ct.IsCancellationRequested ? i : i + 1).Select(m => m.Id).ToList();
                        if (rest.Count > 0) await ReleaseAsync(sendDb, rest, token);
                        break;
                    }
                }
            });
        return claimed.Count;
    }

    private async Task<List<OutboxMessage>> ClaimAsync(GuichetDb db, string token, DateTime now, CancellationToken ct)
    {
        var lease = now + options.Lease;
        var sql = db.Database.IsNpgsql()
            ? """
              UPDATE outbox_messages SET status = 'Claimed', claim_token = {0}, lease_until_utc = {1}
              WHERE id IN (SELECT o.id FROM outbox_messages o WHERE o.status = 'Pending' AND o.next_attempt_utc <= {2}
                           AND NOT EXISTS (
              """ + EarlierUnsent + """
                           ) ORDER BY o.scheduled_utc, o.created_utc, o.id LIMIT {3} FOR UPDATE SKIP LOCKED)
              """
            : """
              UPDATE outbox_messages SET status = 'Claimed', claim_token = {0}, lease_until_utc = {1}
              WHERE id IN (SELECT o.id FROM outbox_messages o WHERE o.status = 'Pending' AND o.next_attempt_utc <= {2}
                           AND NOT EXISTS (
              """ + EarlierUnsent + """
                           ) ORDER BY o.scheduled_utc, o.created_utc, o.id LIMIT {3})
              """;
        var count = await db.Database.ExecuteSqlRawAsync(sql, [token, lease, now, options.BatchSize], ct);
        if (count == 0) return [];
        return await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.ClaimToken == token)
            .OrderBy(m => m.ScheduledUtc).ThenBy(m => m.CreatedUtc).ThenBy(m => m.Id).ToListAsync(ct);
    }

    /// <summary>
    /// Messages about one appointment on one channel leave in the order they were meant to (the confirmation before the
    /// move, the move before the cancellation), whatever the retries did to their next attempts: a message is not
    /// claimed while one scheduled before it is still waiting for a later retry, or being sent by another run. One
    /// due now is no obstacle: it is claimed in the same batch and comes first.
    /// </summary>
    private const string EarlierUnsent = """
                             SELECT 1 FROM outbox_messages e
                             WHERE e.appointment_id = o.appointment_id AND e.channel = o.channel AND e.id <> o.id
                               AND (e.scheduled_utc < o.scheduled_utc OR (e.scheduled_utc = o.scheduled_utc
                                    AND (e.created_utc < o.created_utc OR (e.created_utc = o.created_utc AND e.id < o.id))))
                               AND (e.status IN ('Claimed', 'Sending') OR (e.status = 'Pending' AND e.next_attempt_utc > {2}))
              """;

    private async Task<bool> DeliverAsync(GuichetDb db, OutboxMessage message, string sender, string token, MessageAttachments attachments, CancellationToken ct)
    {
        // The point after which the outcome may be unknown, recorded before the provider hears of the message.
        // Each message gets its own lease here, so a slow batch never makes a live send look interrupted.
        var begun = await db.Set<OutboxMessage>()
            .Where(m => m.Id == message.Id && m.ClaimToken == token && m.Status == MessageStatus.Claimed)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, MessageStatus.Sending)
                .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                .SetProperty(m => m.LeaseUntilUtc, clock.GetUtcNow().UtcDateTime + options.Lease), ct);
        if (begun == 0) return false;   // our claim ran out and the message went back to the queue
        message.Attempts++;
        SmsAccepted? receipt;
        try
        {
            receipt = await SendAsync(db, message, sender, attachments, ct);
        }
        catch (MessageNotSentException e)
        {
            var final = e.Permanent || message.Attempts >= options.MaxAttempts;
            var next = clock.GetUtcNow().UtcDateTime + Backoff[Math.Clamp(message.Attempts - 1, 0, Backoff.Length - 1)];
            await Mine(db, message, token).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, final ? MessageStatus.Failed : MessageStatus.Pending)
                .SetProperty(m => m.NextAttemptUtc, next)
                .SetProperty(m => m.LastError, e.Message)
                .SetProperty(m => m.ClaimToken, (string?)null)
                .SetProperty(m => m.LeaseUntilUtc, (DateTime?)null), CancellationToken.None);
            log.LogWarning("Outbox message {MessageId} ({Kind}) not sent, attempt {Attempt}: {Reason}; {Outcome}",
                message.Id, message.Kind, message.Attempts, e.Message, final ? "given up" : $"next attempt at {next:O}");
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The provider may hold the message already: leave it in Sending; the lease expiry marks it Failed.
            // The exception's text may quote the server's answer, which can hold the address: log its type only.
            log.LogError("Outbox message {MessageId} ({Kind}): outcome unknown after {Error}, left for its lease to expire",
                message.Id, message.Kind, e.GetType().Name);
            return false;
        }
        // Recorded even when stopping: the provider has the message, forgetting that would send it again.
        var (reference, segments, delivery) = (receipt?.ProviderId, receipt?.Segments, receipt is null ? (SmsDeliveryStatus?)null : SmsDeliveryStatus.Accepted);
        await Mine(db, message, token).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, MessageStatus.Sent)
            .SetProperty(m => m.SentUtc, clock.GetUtcNow().UtcDateTime)
            .SetProperty(m => m.ProviderReference, m => reference ?? m.ProviderReference)
            .SetProperty(m => m.Segments, m => segments ?? m.Segments)
            .SetProperty(m => m.DeliveryStatus, m => m.DeliveryStatus ?? delivery)
            .SetProperty(m => m.LastError, (string?)null)
            .SetProperty(m => m.ClaimToken, (string?)null)
            .SetProperty(m => m.LeaseUntilUtc, (DateTime?)null), CancellationToken.None);
        log.LogInformation("Outbox message {MessageId} ({Kind}) sent for appointment {AppointmentId}", message.Id, message.Kind, message.AppointmentId);
        return true;
    }

    /// <summary>Sends one message; an SMS returns the provider's id and segments, an e-mail keeps its Message-ID.</summary>
    private async Task<SmsAccepted?> SendAsync(GuichetDb db, OutboxMessage message, string sender, MessageAttachments attachments, CancellationToken ct)
    {
        if (message.Channel == MessageChannel.Sms) return await sms.SendAsync(db, message, ct);
        await mail.SendAsync(new OutgoingMail(
            message.ProviderReference!,
            FromName: sender,
            To: message.Recipient,
            Subject: message.Subject ?? "",
            TextBody: message.Body,
            HtmlBody: message.HtmlBody,
            Calendar: message.Calendar is null ? null : new MailCalendar(message.Calendar, ICalendar.MethodOf(message.Calendar)),
            Attachments: await attachments.ForAsync(message, ct),
            ReplyTo: message.ReplyTo,
            InReplyTo: message.InReplyTo), ct);
        return null;
    }

    private static IQueryable<OutboxMessage> Mine(GuichetDb db, OutboxMessage message, string token) =>
        db.Set<OutboxMessage>().Where(m => m.Id == message.Id && m.ClaimToken == token && m.Status == MessageStatus.Sending);

    private static Task ReleaseAsync(GuichetDb db, List<string> ids, string token) =>
        db.Set<OutboxMessage>().Where(m => ids.Contains(m.Id) && m.ClaimToken == token && m.Status == MessageStatus.Claimed)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, MessageStatus.Pending)
                .SetProperty(m => m.ClaimToken, (string?)null)
                .SetProperty(m => m.LeaseUntilUtc, (DateTime?)null), CancellationToken.None);
}
