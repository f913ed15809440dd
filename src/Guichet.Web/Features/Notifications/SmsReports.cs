using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Guichet.Domain.Contacts;
using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Platform;
using Guichet.Web.Platform.Sms;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Notifications;

/// <summary>A webhook call as fields (form, JSON or query string, flattened) and its raw text, stored as received.</summary>
public sealed record SmsWebhookCall(string Provider, IReadOnlyList<KeyValuePair<string, string>> Fields, string Raw)
{
    public string? Field(params string[] names)
    {
        foreach (var name in names)
            foreach (var (key, value) in Fields)
                if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(value)) return value.Trim();
        return null;
    }

    /// <summary>Same fields, same hash, whatever their order: a provider's retry is recognised.</summary>
    public string Hash()
    {
        var canonical = new StringBuilder();
        foreach (var (key, value) in Fields.OrderBy(f => f.Key, StringComparer.Ordinal).ThenBy(f => f.Value, StringComparer.Ordinal))
            canonical.Append(key).Append('\u001F').Append(value).Append('\u001E');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }
}

public abstract record SmsReportResult
{
    public sealed record Recorded(SmsDeliveryStatus? Status, bool MessageKnown) : SmsReportResult;
    public sealed record Duplicate : SmsReportResult;
    public sealed record Unreadable(string Message) : SmsReportResult;
}

/// <summary>
/// A delivery report: stored raw, mapped to <see cref="SmsDeliveryStatus"/>, and applied only when it moves the
/// message up — so duplicates and late, out-of-order reports change nothing. Field names of OVH and Brevo are
/// unconfirmed (sms-email.md): several spellings are read, and the raw payload keeps what they really sent.
/// </summary>
public sealed class RecordSmsReport(GuichetDb db, TimeProvider clock, ILogger<RecordSmsReport> log)
{
    public async Task<SmsReportResult> RunAsync(SmsWebhookCall call, CancellationToken ct)
    {
        var (id, raw) = call.Provider switch
        {
            "twilio" => (call.Field("MessageSid", "SmsSid"), call.Field("MessageStatus", "SmsStatus")),
            "brevo" => (call.Field("messageId", "message_id", "msgId"), call.Field("msg_status", "event", "status")),
            _ => (call.Field("id", "smsId", "sms_id", "ptt_id"), call.Field("dlr", "deliveryReceipt", "status")),
        };
        if (id is null || id.Length > 64) return new SmsReportResult.Unreadable("Identifiant du message absent ou trop long.");
        if (raw is { Length: > 64 }) raw = raw[..64];
        var status = Map(call.Provider, raw);
        var reference = SmsDelivery.Reference(call.Provider, id);
        var messageId = await db.OutboxMessages.Where(m => m.Channel == MessageChannel.Sms && m.ProviderReference == reference)
            .Select(m => m.Id).FirstOrDefaultAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(new SmsEvent
        {
            Id = Secrets.NewId(),
            Provider = call.Provider,
            Kind = SmsEventKind.Delivery,
            PayloadHash = call.Hash(),
            Payload = call.Raw,
            ProviderMessageId = id,
            RawStatus = raw,
            OutboxMessageId = messageId,
            Outcome = messageId is null ? "Message inconnu." : status is null ? "Statut non reconnu : conservé tel quel." : $"Statut {status}.",
            ReceivedUtc = now,
        });
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (e.IsUniqueViolation()) { return new SmsReportResult.Duplicate(); }

        if (messageId is not null && status is { } s) await MoveUpAsync(db, messageId, s, now, ct);
        await tx.CommitAsync(ct);
        if (messageId is null) log.LogWarning("SMS delivery report from {Provider} for an unknown message", call.Provider);
        else log.LogInformation("SMS delivery report {Status} from {Provider} for outbox message {MessageId}", raw, call.Provider, messageId);
        return new SmsReportResult.Recorded(status, messageId is not null);
    }

    /// <summary>Sets the status only when it is above the one the message has: one conditional UPDATE, so racing reports cannot step it back.</summary>
    private static Task<int> MoveUpAsync(GuichetDb db, string messageId, SmsDeliveryStatus status, DateTime now, CancellationToken ct)
    {
        var lower = Enum.GetValues<SmsDeliveryStatus>().Where(x => x < status).Select(x => (SmsDeliveryStatus?)x).ToList();
        return db.OutboxMessages
            .Where(m => m.Id == messageId && (m.DeliveryStatus == null || lower.Contains(m.DeliveryStatus)))
            .ExecuteUpdateAsync(u => u
                .SetProperty(m => m.DeliveryStatus, status)
                .SetProperty(m => m.DeliveryUpdatedUtc, now), ct);
    }

    /// <summary>
    /// Reports that arrived before the message knew its provider id (a provider can call back before its own answer
    /// reaches us): linked to the message now, and the most advanced of them applied.
    /// </summary>
    public static async Task ApplyEarlyReportsAsync(GuichetDb db, string provider, string providerId, string messageId, DateTime now)
    {
        var early = await db.Set<SmsEvent>().AsNoTracking()
            .Where(e => e.Provider == provider && e.Kind == SmsEventKind.Delivery && e.ProviderMessageId == providerId && e.OutboxMessageId == null)
            .Select(e => new { e.Id, e.RawStatus }).ToListAsync(CancellationToken.None);
        if (early.Count == 0) return;
        var ids = early.Select(e => e.Id).ToList();
        await db.Set<SmsEvent>().Where(e => ids.Contains(e.Id))
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.OutboxMessageId, messageId), CancellationToken.None);
        if (early.Select(e => Map(provider, e.RawStatus)).Max() is { } best)
            await MoveUpAsync(db, messageId, best, now, CancellationToken.None);
    }

    public static SmsDeliveryStatus? Map(string provider, string? raw)
    {
        if (raw is null) return null;
        var word = raw.Trim().ToLowerInvariant().Replace('-', '_');
        if (provider == "ovh" && int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var dlr))
            // OVH's numeric dlr field [unconfirmed]: 1 delivered, 2 not delivered, 4 waiting, 8 at the operator, 16 refused by it.
            return dlr switch { 1 => SmsDeliveryStatus.Delivered, 2 or 16 => SmsDeliveryStatus.Failed, 4 => SmsDeliveryStatus.Accepted, 8 => SmsDeliveryStatus.Sent, _ => null };
        return word switch
        {
            "queued" or "accepted" or "scheduled" or "waiting" or "pending" => SmsDeliveryStatus.Accepted,
            "sending" or "sent" => SmsDeliveryStatus.Sent,
            "delivered" or "read" or "received" => SmsDeliveryStatus.Delivered,
            "expired" => SmsDeliveryStatus.Expired,
            "undelivered" or "failed" or "canceled" or "cancelled" or "rejected" or "blacklisted" or "error"
                or "hard_bounce" or "hardbounce" or "soft_bounce" or "softbounce" or "not_delivered" => SmsDeliveryStatus.Failed,
            _ => null,
        };
    }
}

/// <summary>What to answer the citizen in the same call, when the provider allows it (Twilio); null: nothing to say.</summary>
public sealed record SmsReplyResult(string? Answer, string Outcome);

/// <summary>
/// A citizen's SMS: "STOP" switches SMS off for that number; "ANNULER 12345678" cancels the appointment with that
/// code when it was booked with that very number (the cancellation SMS that follows is the confirmation).
/// Anything else joins a citizen request (or gets the help text when no organisation takes it). Each call is stored
/// once: a provider's retry does nothing twice.
/// </summary>
public sealed class ReceiveSmsReply(GuichetDb db, CancelAppointment cancel, Requests.FileInboundSms requests, TimeProvider clock, ILogger<ReceiveSmsReply> log)
{
    public async Task<SmsReplyResult?> RunAsync(SmsWebhookCall call, CancellationToken ct)
    {
        var from = call.Field("From", "sender", "senderid", "msisdn", "number", "phone");
        var text = call.Field("Body", "message", "text", "content") ?? "";
        var id = call.Field("MessageSid", "SmsSid", "id", "messageId");
        if (from is null) return null;
        var phone = FrenchPhone.Parse(from)?.E164 ?? (from.Length <= 20 ? from : from[..20]);
        var words = text.ToUpperInvariant().Split([' ', '\t', '\r', '\n', ':', ',', '.', '!'], StringSplitOptions.RemoveEmptyEntries);
        var command = words.FirstOrDefault() switch
        {
            "STOP" or "ARRET" or "ARRÊT" or "STOPSMS" => "STOP",
            "ANNULER" or "ANNULATION" => "ANNULER",
            _ => "AUTRE",
        };

        var stored = new SmsEvent
        {
            Id = Secrets.NewId(),
            Provider = call.Provider,
            Kind = SmsEventKind.Inbound,
            PayloadHash = call.Hash(),
            Payload = call.Raw,
            ProviderMessageId = id is { Length: <= 64 } ? id : null,
            RawStatus = command,
            ReceivedUtc = clock.GetUtcNow().UtcDateTime,
        };
        db.Add(stored);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (e.IsUniqueViolation()) { return new SmsReplyResult(null, "Déjà reçu."); }

        var result = command switch
        {
            "STOP" => await StopAsync(phone, call.Provider, ct),
            "ANNULER" => await CancelAsync(phone, words.Skip(1).FirstOrDefault(), ct),
            _ => await OtherAsync(phone, text, id ?? stored.PayloadHash, stored.Id, ct),
        };
        await db.SmsEvents(stored.Id).ExecuteUpdateAsync(u => u.SetProperty(e => e.Outcome, result.Outcome), ct);
        log.LogInformation("Inbound SMS {EventId} from {Provider}: {Command}, {Outcome}", stored.Id, call.Provider, command, result.Outcome);
        return result;
    }

    /// <summary>
    /// Any other text is the citizen writing to the town hall: it joins a request (Requests.FileInboundSms). When no
    /// organisation takes it, the help text as before, and the stored call loses its content: nothing personal is kept.
    /// </summary>
    private async Task<SmsReplyResult> OtherAsync(string phone, string text, string key, string eventId, CancellationToken ct)
    {
        if (await requests.RunAsync(phone, text, key, ct) is { } filed)
            return new SmsReplyResult(filed.Answer, filed.Created ? $"Nouvelle demande {filed.RequestId}." : $"Joint à la demande {filed.RequestId}.");
        await db.SmsEvents(eventId).ExecuteUpdateAsync(u => u.SetProperty(e => e.Payload, ""), ct);
        return new SmsReplyResult(SmsTexts.Help, "Message sans commande reconnue.");
    }

    private async Task<SmsReplyResult> StopAsync(string phone, string provider, CancellationToken ct)
    {
        if (!await db.Set<SmsOptOut>().AnyAsync(o => o.Phone == phone, ct))
        {
            db.Add(new SmsOptOut { Phone = phone, Provider = provider, CreatedUtc = clock.GetUtcNow().UtcDateTime });
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException e) when (e.IsUniqueViolation()) { db.ChangeTracker.Clear(); }   // a STOP sent twice at once
        }
        return new SmsReplyResult(SmsTexts.Stopped, "Numéro désinscrit des SMS (STOP).");
    }

    private async Task<SmsReplyResult> CancelAsync(string phone, string? code, CancellationToken ct)
    {
        if (code is null || code.Length != 8 || !code.All(char.IsAsciiDigit))
            return new SmsReplyResult(SmsTexts.UnknownCode, "ANNULER sans code valable.");
        return await cancel.BySmsAsync(code, phone, ct) switch
        {
            CancelResult.Cancelled c => new SmsReplyResult(null, $"Rendez-vous {c.Appointment.Id} annulé."),
            CancelResult.TooLate => new SmsReplyResult(SmsTexts.TooLate, "ANNULER trop tard."),
            _ => new SmsReplyResult(SmsTexts.UnknownCode, "ANNULER : aucun rendez-vous avec ce code et ce numéro."),
        };
    }
}

internal static class SmsEventQueries
{
    public static IQueryable<SmsEvent> SmsEvents(this GuichetDb db, string id) => db.Set<SmsEvent>().Where(e => e.Id == id);
}
