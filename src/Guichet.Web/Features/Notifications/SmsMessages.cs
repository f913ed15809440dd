using System.Globalization;
using Guichet.Domain.Contacts;
using Guichet.Domain.Messaging;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Guichet.Web.Platform.Sms;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Notifications;

/// <summary>
/// Writes an appointment's SMS into the outbox, beside its e-mail and in the same transaction: only to a mobile
/// number (landlines get none), and never to a number that answered STOP.
/// </summary>
public sealed class SmsMessages(GuichetDb db, AppOptions app, SmsOptions options, MessageTemplates templates, TimeProvider clock)
{
    public async Task AddConfirmationAsync(Appointment appointment, Site site, string manageToken, CancellationToken ct)
    {
        if (await RecipientAsync(appointment, ct) is not { } to) return;
        var manageUrl = $"{app.PublicBaseUrl.TrimEnd('/')}/rendez-vous/{appointment.Code}?token={Uri.EscapeDataString(manageToken)}";
        var custom = await CustomAsync(appointment, site, MessageKind.Confirmation, manageUrl, ct);
        Add(appointment, to, MessageKind.Confirmation, custom ?? SmsTexts.Confirmation(appointment, site, manageUrl, RepliesAccepted));
    }

    /// <summary>The SMS reminder, due at <paramref name="dueUtc"/> (the same time as the e-mail's, from the same plan).</summary>
    public async Task AddReminderAsync(Appointment appointment, Site site, string manageToken, DateTime dueUtc, CancellationToken ct)
    {
        if (await RecipientAsync(appointment, ct) is not { } to) return;
        var manageUrl = $"{app.PublicBaseUrl.TrimEnd('/')}/rendez-vous/{appointment.Code}?token={Uri.EscapeDataString(manageToken)}";
        var custom = await CustomAsync(appointment, site, MessageKind.Reminder, manageUrl, ct);
        Add(appointment, to, MessageKind.Reminder, custom ?? SmsTexts.Reminder(appointment, site, manageUrl, RepliesAccepted), dueUtc);
    }

    public async Task AddCancellationAsync(Appointment appointment, CancellationToken ct)
    {
        if (await RecipientAsync(appointment, ct) is not { } to) return;
        var site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == appointment.SiteId, ct);
        var byCitizen = appointment.CancelledBy is null or "citizen";
        var custom = await CustomAsync(appointment, site, MessageKind.Cancellation, app.PublicBaseUrl.TrimEnd('/') + "/", ct);
        Add(appointment, to, MessageKind.Cancellation, custom ?? SmsTexts.Cancellation(appointment, site, byCitizen, app.PublicBaseUrl.TrimEnd('/') + "/"));
    }

    /// <summary>The organisation's own text for this SMS, or null for the default of <see cref="SmsTexts"/>.</summary>
    private async Task<string?> CustomAsync(Appointment appointment, Site site, MessageKind kind, string link, CancellationToken ct)
    {
        var values = TemplateCatalog.Values(appointment, site, reasonName: null, MessageChannel.Sms);
        values["lien"] = link;
        values["reponse"] = RepliesAccepted ? $" ou répondez ANNULER {appointment.Code}" : "";
        values["annulation"] = TemplateCatalog.CancelledWhy(appointment, MessageChannel.Sms);
        return (await templates.RenderAsync(appointment.OrganisationId, kind, MessageChannel.Sms, values, ct))?.Text;
    }

    /// <summary>Citizens can answer (ANNULER, STOP) only from a number, never to an alphanumeric sender.</summary>
    public bool RepliesAccepted => options.Provider switch
    {
        SmsProvider.Ovh => options.Ovh.SenderForResponse,
        // A Messaging Service may hold an alphanumeric sender: only an explicit Twilio number is known to take replies.
        SmsProvider.Twilio => options.Twilio.From?.StartsWith('+') == true,
        _ => false,
    };

    private async Task<string?> RecipientAsync(Appointment appointment, CancellationToken ct)
    {
        if (FrenchPhone.Parse(appointment.Phone) is not { IsMobile: true } phone) return null;
        return await db.Set<SmsOptOut>().AnyAsync(o => o.Phone == phone.E164, ct) ? null : phone.E164;
    }

    private void Add(Appointment appointment, string to, MessageKind kind, string text, DateTime? dueUtc = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var due = dueUtc ?? now;
        db.Add(new OutboxMessage
        {
            Id = Secrets.NewId(),
            OrganisationId = appointment.OrganisationId,
            AppointmentId = appointment.Id,
            Kind = kind,
            Channel = MessageChannel.Sms,
            Recipient = to,
            Body = text,
            ScheduledUtc = due,
            IdempotencyKey = $"{appointment.Id}:{kind}:Sms:{due.ToString("yyyyMMdd'T'HHmmss.fffffff'Z'", CultureInfo.InvariantCulture)}",
            Status = MessageStatus.Pending,
            // Not claimable before it is due.
            NextAttemptUtc = due,
            Segments = SmsEncoding.Analyze(text).Segments,
            CreatedUtc = now,
        });
    }
}

/// <summary>
/// The dispatcher's SMS step: refuses a number that answered STOP since the message was queued, sends through the
/// gateway, and names the provider in the reference ("twilio:SM…") so a report never matches another provider's id.
/// </summary>
public sealed class SmsDelivery(ISmsGateway gateway, TimeProvider clock)
{
    public const string OptedOut = "Ce numéro a répondu STOP : aucun SMS ne lui est plus envoyé.";

    public async Task<SmsAccepted> SendAsync(GuichetDb db, OutboxMessage message, CancellationToken ct)
    {
        if (await db.Set<SmsOptOut>().AnyAsync(o => o.Phone == message.Recipient, ct))
            throw new SmsNotSentException(OptedOut, permanent: true);
        var accepted = await gateway.SendAsync(new OutgoingSms(message.Recipient, message.Body, message.Id), ct);
        var reference = Reference(gateway.Name, accepted.ProviderId);
        // Written at once (the dispatcher writes it again with the outcome), so reports find the message as soon as
        // possible; those that came even faster than that were stored unmatched and are applied now.
        await db.OutboxMessages.Where(m => m.Id == message.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ProviderReference, reference), CancellationToken.None);
        await RecordSmsReport.ApplyEarlyReportsAsync(db, gateway.Name, accepted.ProviderId, message.Id, clock.GetUtcNow().UtcDateTime);
        return accepted with { ProviderId = reference };
    }

    public static string Reference(string provider, string providerId) => $"{provider}:{providerId}";
}
