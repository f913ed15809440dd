using System.Text;
using System.Text.Encodings.Web;
using Guichet.Domain.Contacts;
using Guichet.Domain.Messaging;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Guichet.Web.Platform.Mail;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Appointments;

/// <summary>
/// The citizen's word that the appointment moved: an e-mail (with the calendar update) and, for a mobile that did not
/// answer STOP, an SMS. Only adds outbox rows: the move's own SaveChanges saves them, so no move goes untold.
/// </summary>
public sealed class AppointmentMoveMessages(GuichetDb db, AppOptions app, MailOptions mail, SmsMessages sms, TimeProvider clock)
{
    /// <param name="manageToken">The manage link's token, null when nobody holds it any more (the message then says to call).</param>
    /// <param name="linkIsNew">The old link could not be kept: the message says this one replaces it.</param>
    public async Task AddAsync(Appointment appointment, Site site, Reason reason, AppointmentMove move, string? manageToken, bool linkIsNew, CancellationToken ct)
    {
        var baseUrl = app.PublicBaseUrl.TrimEnd('/');
        var manageUrl = manageToken is null ? null : $"{baseUrl}/rendez-vous/{appointment.Code}?token={Uri.EscapeDataString(manageToken)}";
        var when = FrenchDates.DayAndTime(FrenchDates.ToLocal(appointment.StartUtc, site.TimeZone));
        var before = FrenchDates.DayAndTime(FrenchDates.ToLocal(move.FromStartUtc, site.TimeZone));
        var now = clock.GetUtcNow().UtcDateTime;

        if (FrenchPhone.Parse(appointment.Phone) is { IsMobile: true } phone && !await db.Set<SmsOptOut>().AnyAsync(o => o.Phone == phone.E164, ct))
        {
            var local = FrenchDates.ToLocal(appointment.StartUtc, site.TimeZone);
            var shortWhen = $"{local.ToString("dddd d MMMM", FrenchDates.Culture)} à {local.Hour}h{(local.Minute == 0 ? "" : local.Minute.ToString("00", FrenchDates.Culture))}";
            var text = SmsEncoding.ToGsmSafe($"RDV déplacé au {shortWhen}, {site.Name}. Code {appointment.Code}."
                + (manageUrl is null ? "" : $" Voir ou annuler : {manageUrl}")
                + (sms.RepliesAccepted ? $" ou répondez ANNULER {appointment.Code}" : ""));
            db.Add(new OutboxMessage
            {
                Id = Secrets.NewId(), OrganisationId = appointment.OrganisationId, AppointmentId = appointment.Id,
                Kind = MessageKind.Moved, Channel = MessageChannel.Sms, Recipient = phone.E164, Body = text,
                ScheduledUtc = now, IdempotencyKey = $"{appointment.Id}:{MessageKind.Moved}:Sms:{move.Id}",
                Status = MessageStatus.Pending, NextAttemptUtc = now, Segments = SmsEncoding.Analyze(text).Segments, CreatedUtc = now,
            });
        }
        if (appointment.Email is null) return;

        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == appointment.OrganisationId, ct);
        var address = $"{site.Address}, {site.PostalCode} {site.City}";
        var linkLine = manageUrl is null
            ? "Pour annuler ou déplacer de nouveau ce rendez-vous, appelez la mairie."
            : (linkIsNew ? "Ce nouveau lien remplace celui que vous aviez reçu. " : "Votre lien reste le même. ") + "Pour voir, déplacer ou annuler votre rendez-vous :";
        var body = new StringBuilder()
            .Append("Bonjour ").Append(appointment.FirstName).Append(' ').Append(appointment.LastName).Append(",\n\n")
            .Append("Votre rendez-vous a été déplacé.\n\n")
            .Append("Nouvelle date : le ").Append(when).Append('\n')
            .Append("Ancienne date : le ").Append(before).Append(" (ce créneau est libéré)\n")
            .Append("Motif : ").Append(reason.Name).Append('\n')
            .Append("Lieu : ").Append(site.Name).Append('\n')
            .Append("Adresse : ").Append(address).Append('\n')
            .Append("Code du rendez-vous : ").Append(appointment.Code).Append(" (inchangé)\n\n")
            .Append(linkLine).Append('\n');
        if (manageUrl is not null) body.Append(manageUrl).Append('\n');
        body.Append('\n').Append(organisation.Name).Append('\n')
            .Append("Ce message est envoyé automatiquement : merci de ne pas y répondre.\n");
        var h = HtmlEncoder.Default;
        var html = $"""
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"><title>Votre rendez-vous a été déplacé</title></head>
            <body>
            <p>Bonjour {h.Encode(appointment.FirstName)} {h.Encode(appointment.LastName)},</p>
            <p><strong>Votre rendez-vous a été déplacé.</strong></p>
            <ul>
            <li>Nouvelle date : le {h.Encode(when)}</li>
            <li>Ancienne date : le {h.Encode(before)} (ce créneau est libéré)</li>
            <li>Motif : {h.Encode(reason.Name)}</li>
            <li>Lieu : {h.Encode(site.Name)}</li>
            <li>Adresse : {h.Encode(address)}</li>
            <li>Code du rendez-vous : <strong>{h.Encode(appointment.Code)}</strong> (inchangé)</li>
            </ul>
            <p>{h.Encode(linkLine)}{(manageUrl is null ? "" : $" <a href=\"{h.Encode(manageUrl)}\">Voir mon rendez-vous</a>")}</p>
            <p>{h.Encode(organisation.Name)}<br>Ce message est envoyé automatiquement : merci de ne pas y répondre.</p>
            </body></html>
            """;
        var moves = await db.Set<AppointmentMove>().CountAsync(m => m.AppointmentId == appointment.Id, ct);
        // Same UID as the confirmation's invitation, a higher sequence: the citizen's calendar moves the event.
        var calendar = ICalendar.Write(new CalendarEvent(
            Uid: $"{appointment.Id}@{mail.Domain}", StampUtc: now, StartUtc: appointment.StartUtc, EndUtc: appointment.EndUtc,
            Summary: $"Rendez-vous {reason.Name} – {site.Name}", Location: $"{site.Name}, {address}",
            Description: $"Code du rendez-vous : {appointment.Code}" + (manageUrl is null ? "" : $"\nVoir ou annuler : {manageUrl}"),
            Url: manageUrl, Sequence: moves + 1, OrganizerName: organisation.Name, OrganizerEmail: mail.From, AttendeeEmail: appointment.Email), ICalendar.Request);
        var subject = $"Rendez-vous déplacé au {when}";
        var id = Secrets.NewId();
        db.Add(new OutboxMessage
        {
            Id = id, OrganisationId = appointment.OrganisationId, AppointmentId = appointment.Id,
            Kind = MessageKind.Moved, Channel = MessageChannel.Email, Recipient = appointment.Email,
            Subject = subject.Length > 300 ? subject[..300] : subject, Body = body.ToString(), HtmlBody = html, Calendar = calendar,
            ScheduledUtc = now, IdempotencyKey = $"{appointment.Id}:{MessageKind.Moved}:{move.Id}",
            Status = MessageStatus.Pending, NextAttemptUtc = now,
            ProviderReference = $"<{id}.moved@{mail.Domain}>", CreatedUtc = now,
        });
    }
}
