using System.Globalization;
using Guichet.Domain.Contacts;
using Guichet.Domain.Messaging;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Guichet.Web.Platform.Mail;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Notifications;

/// <summary>
/// Writes a message that is not about one booked appointment (a waiting-list offer, "your title is ready") into the
/// outbox by e-mail and, for a mobile that did not answer STOP, by SMS. The text is the organisation's template, or
/// the catalogue's default. Only adds rows: the caller's SaveChanges saves them with their cause.
/// </summary>
public sealed class CitizenMessages(GuichetDb db, MailOptions mail, MessageTemplates templates, TimeProvider clock)
{
    /// <param name="key">Unique per cause (e.g. the offer's id): with the kind and channel, the idempotency key.</param>
    public async Task AddAsync(string organisationId, string? appointmentId, MessageKind kind, string key, string? email, string? phone,
        Func<MessageChannel, Dictionary<string, string>> values, CancellationToken ct)
    {
        var organisation = await db.Organisations.Where(o => o.Id == organisationId).Select(o => o.Name).FirstAsync(ct);
        if (FrenchPhone.Parse(phone) is { IsMobile: true } mobile && !await db.Set<SmsOptOut>().AnyAsync(o => o.Phone == mobile.E164, ct))
        {
            var text = await RenderAsync(organisationId, organisation, kind, MessageChannel.Sms, values(MessageChannel.Sms), ct);
            Add(organisationId, appointmentId, kind, MessageChannel.Sms, key, mobile.E164, null, text.Text, null, SmsEncoding.Analyze(text.Text).Segments);
        }
        if (!string.IsNullOrWhiteSpace(email))
        {
            var message = await RenderAsync(organisationId, organisation, kind, MessageChannel.Email, values(MessageChannel.Email), ct);
            Add(organisationId, appointmentId, kind, MessageChannel.Email, key, email, message.Subject, message.Text, message.Html, null);
        }
    }

    private async Task<RenderedMessage> RenderAsync(string organisationId, string organisation, MessageKind kind, MessageChannel channel,
        Dictionary<string, string> values, CancellationToken ct)
    {
        values["mairie"] = organisation;
        var spec = TemplateCatalog.Of(kind, channel);
        return await templates.RenderAsync(organisationId, kind, channel, values, ct)
            ?? TemplateCatalog.Render(spec, spec.DefaultSubject, spec.DefaultBody, gsmSafe: true, values)
            ?? throw new InvalidOperationException($"The default template {spec.Slug} does not parse.");
    }

    private void Add(string organisationId, string? appointmentId, MessageKind kind, MessageChannel channel, string key, string recipient,
        string? subject, string text, string? html, int? segments)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var id = Secrets.NewId();
        db.Add(new OutboxMessage
        {
            Id = id, OrganisationId = organisationId, AppointmentId = appointmentId, Kind = kind, Channel = channel, Recipient = recipient,
            Subject = subject is { Length: > 300 } ? subject[..300] : subject, Body = text, HtmlBody = html,
            ScheduledUtc = now, IdempotencyKey = $"{kind}:{key}:{channel}", Status = MessageStatus.Pending, NextAttemptUtc = now,
            ProviderReference = channel == MessageChannel.Email ? $"<{id}.{kind.ToString().ToLowerInvariant()}@{mail.Domain}>" : null,
            Segments = segments, CreatedUtc = now,
        });
    }

    /// <summary>A day written as each channel writes dates: "mardi 29 décembre 2026" by e-mail, "mardi 29 décembre" by SMS.</summary>
    public static string Day(DateOnly day, MessageChannel channel) =>
        channel == MessageChannel.Sms ? day.ToString("dddd d MMMM", FrenchDates.Culture) : FrenchDates.Day(day.ToDateTime(TimeOnly.MinValue));

    public static string Time(DateTime local, MessageChannel channel) =>
        channel == MessageChannel.Sms ? $"{local.Hour}h{(local.Minute == 0 ? "" : local.Minute.ToString("00", CultureInfo.InvariantCulture))}" : FrenchDates.Time(local);
}
