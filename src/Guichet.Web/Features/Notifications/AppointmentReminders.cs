using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Guichet.Domain.Messaging;
using Guichet.Web.Data;
using Guichet.Web.Features.IdentityDocuments;
using Guichet.Web.Platform;
using Guichet.Web.Platform.Mail;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Notifications;

/// <summary>Section "Notifications:Reminders": the daytime window reminders are sent in, in each site's time zone.</summary>
public sealed class ReminderOptions
{
    public TimeOnly WindowOpens { get; set; } = SendWindow.Default.Opens;
    public TimeOnly WindowCloses { get; set; } = SendWindow.Default.Closes;

    public SendWindow Window => new(WindowOpens, WindowCloses);

    public IEnumerable<string> Problems()
    {
        // At least an hour, so that every day has room for the reminders moved into it.
        if (WindowCloses.ToTimeSpan() - WindowOpens.ToTimeSpan() < TimeSpan.FromHours(1))
            yield return "Notifications:Reminders:WindowCloses doit suivre Notifications:Reminders:WindowOpens d'au moins une heure (par exemple 09:00 et 19:00).";
    }
}

/// <summary>
/// The reminder of an appointment: planned by <see cref="ReminderSchedule"/> from the organisation's delay and the
/// site's window, written into the outbox by the booking's own SaveChanges (due later, with its idempotency key),
/// dropped when the appointment is cancelled, and never sent once the appointment has begun.
/// </summary>
public sealed class AppointmentReminders(GuichetDb db, AppOptions app, MailOptions mail, ReminderOptions options, SmsMessages sms, MessageTemplates templates, TimeProvider clock)
{
    public const string DroppedCancelled = "Rendez-vous annulé : le rappel n'est pas envoyé.";
    public const string DroppedStarted = "Le rendez-vous avait commencé à l'heure du rappel : il n'est pas envoyé.";

    /// <summary>When this appointment's reminder goes out, or why there is none. Shared by every channel.</summary>
    public async Task<ReminderPlan> PlanAsync(Appointment appointment, Site site, CancellationToken ct)
    {
        var hours = await NotificationSettings.ReminderHoursAsync(db, appointment.OrganisationId, ct);
        return ReminderSchedule.Plan(appointment.StartUtc, appointment.CreatedUtc, TimeSpan.FromHours(hours),
            TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone), options.Window);
    }

    /// <summary>
    /// Adds the reminders to the outbox when there is a time for them: by e-mail when there is an address, by SMS when
    /// there is a mobile that did not answer STOP. Only adds: the caller saves.
    /// </summary>
    public async Task AddAsync(Appointment appointment, Site site, Reason reason, string manageToken, CancellationToken ct)
    {
        if (appointment.Email is null && appointment.Phone is null) return;
        if (await PlanAsync(appointment, site, ct) is not ReminderPlan.At at) return;
        await sms.AddReminderAsync(appointment, site, manageToken, at.Utc, ct);
        if (appointment.Email is null) return;
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == appointment.OrganisationId, ct);
        var when = FrenchDates.DayAndTime(FrenchDates.ToLocal(appointment.StartUtc, site.TimeZone));
        var baseUrl = app.PublicBaseUrl.TrimEnd('/');
        var manageUrl = $"{baseUrl}/rendez-vous/{appointment.Code}?token={Uri.EscapeDataString(manageToken)}";
        var convocationUrl = $"{baseUrl}/rendez-vous/{appointment.Code}/convocation.pdf?token={Uri.EscapeDataString(manageToken)}";
        var checklistUrl = LoadChecklist.TitleOfReason(appointment.ReasonCode) is { } title
            ? $"{baseUrl}/pieces-a-fournir/{Uri.EscapeDataString(appointment.OrganisationId)}?titre={title}" : null;
        var address = $"{site.Address}, {site.PostalCode} {site.City}";
        var values = TemplateCatalog.Values(appointment, site, reason.Name, MessageChannel.Email);
        (values["lien"], values["convocation"], values["pieces"]) = (manageUrl, convocationUrl, checklistUrl ?? "");
        var custom = await templates.RenderAsync(appointment.OrganisationId, MessageKind.Reminder, MessageChannel.Email, values, ct);

        var text = new StringBuilder()
            .Append("Bonjour ").Append(appointment.FirstName).Append(' ').Append(appointment.LastName).Append(",\n\n")
            .Append("Nous vous rappelons votre rendez-vous.\n\n")
            .Append("Motif : ").Append(reason.Name).Append('\n')
            .Append("Date : le ").Append(when).Append('\n')
            .Append("Lieu : ").Append(site.Name).Append('\n')
            .Append("Adresse : ").Append(address).Append('\n')
            .Append("Code du rendez-vous : ").Append(appointment.Code).Append("\n\n");
        if (checklistUrl is not null) text.Append("Les pièces à apporter : ").Append(checklistUrl).Append('\n');
        text.Append("Votre convocation (PDF) : ").Append(convocationUrl).Append("\n\n")
            .Append("Vous ne pouvez pas venir ? Annulez le rendez-vous avec ce lien, le créneau sera proposé à une autre personne :\n")
            .Append(manageUrl).Append("\n\n")
            .Append(organisation.Name).Append('\n')
            .Append("Ce message est envoyé automatiquement : merci de ne pas y répondre.\n");
        var h = HtmlEncoder.Default;
        var html = $"""
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"><title>Rappel de votre rendez-vous</title></head>
            <body>
            <p>Bonjour {h.Encode(appointment.FirstName)} {h.Encode(appointment.LastName)},</p>
            <p><strong>Nous vous rappelons votre rendez-vous.</strong></p>
            <ul>
            <li>Motif : {h.Encode(reason.Name)}</li>
            <li>Date : le {h.Encode(when)}</li>
            <li>Lieu : {h.Encode(site.Name)}</li>
            <li>Adresse : {h.Encode(address)}</li>
            <li>Code du rendez-vous : <strong>{h.Encode(appointment.Code)}</strong></li>
            </ul>
            {(checklistUrl is null ? "" : $"<p><a href=\"{h.Encode(checklistUrl)}\">Les pièces à apporter</a></p>")}
            <p><a href="{h.Encode(convocationUrl)}">Votre convocation (PDF)</a></p>
            <p>Vous ne pouvez pas venir ? <a href="{h.Encode(manageUrl)}">Annulez le rendez-vous</a> : le créneau sera proposé à une autre personne.</p>
            <p>{h.Encode(organisation.Name)}<br>Ce message est envoyé automatiquement : merci de ne pas y répondre.</p>
            </body></html>
            """;
        var subject = custom?.Subject ?? $"Rappel : votre rendez-vous du {when}";
        var id = Secrets.NewId();
        db.Add(new OutboxMessage
        {
            Id = id,
            OrganisationId = appointment.OrganisationId,
            AppointmentId = appointment.Id,
            Kind = MessageKind.Reminder,
            Channel = MessageChannel.Email,
            Recipient = appointment.Email,
            Subject = subject.Length > 300 ? subject[..300] : subject,
            Body = custom?.Text ?? text.ToString(),
            HtmlBody = custom?.Html ?? html,
            ScheduledUtc = at.Utc,
            IdempotencyKey = Key(appointment.Id, MessageKind.Reminder, at.Utc),
            Status = MessageStatus.Pending,
            // Not claimable before its time: the dispatcher claims only next_attempt_utc <= now.
            NextAttemptUtc = at.Utc,
            ProviderReference = $"<{id}.reminder@{mail.Domain}>",
            CreatedUtc = clock.GetUtcNow().UtcDateTime,
        });
    }

    public static string Key(string appointmentId, MessageKind kind, DateTime scheduledUtc) =>
        $"{appointmentId}:{kind}:{scheduledUtc.ToString("yyyyMMdd'T'HHmmss.fffffff'Z'", CultureInfo.InvariantCulture)}";

    /// <summary>A cancelled appointment's reminders that have not left yet, on every channel. Run inside the cancellation's transaction.</summary>
    public Task<int> DropAsync(string appointmentId, CancellationToken ct) =>
        db.OutboxMessages
            .Where(m => m.AppointmentId == appointmentId && m.Kind == MessageKind.Reminder && m.Status == MessageStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, MessageStatus.Dropped)
                .SetProperty(m => m.LastError, DroppedCancelled), ct);

    /// <summary>
    /// Before a claim: due reminders whose appointment has begun (an outage outlasted the time between the reminder
    /// and the appointment) or was cancelled by a door that did not drop them. They are dropped, never sent late.
    /// </summary>
    public static Task<int> DropStaleAsync(GuichetDb db, DateTime now, CancellationToken ct) =>
        db.OutboxMessages
            .Where(m => m.Kind == MessageKind.Reminder && m.Status == MessageStatus.Pending && m.NextAttemptUtc <= now
                && db.Appointments.Any(a => a.Id == m.AppointmentId && (a.StartUtc <= now || a.Status == AppointmentStatus.Cancelled)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, MessageStatus.Dropped)
                .SetProperty(m => m.LastError, DroppedStarted), ct);
}

public static class RemindersFeature
{
    public static WebApplicationBuilder AddReminders(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Notifications:Reminders").Get<ReminderOptions>() ?? new ReminderOptions();
        var problems = options.Problems().ToList();
        if (problems.Count > 0) throw new InvalidOperationException("Configuration des rappels invalide : " + string.Join(" ", problems));
        builder.Services.AddSingleton(options);
        builder.Services.AddScoped<AppointmentReminders>();
        return builder;
    }
}
