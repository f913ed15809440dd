using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Guichet.Web.Platform.Mail;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Notifications;

/// <summary>
/// Writes the messages an appointment causes into the outbox. It only adds rows: the caller's SaveChanges saves
/// them with the appointment, so a booking never exists without its confirmation, nor a confirmation without it.
/// The message is rendered now because the manage link's token exists only at booking time (only its hash is kept).
/// </summary>
public sealed class AppointmentMessages(GuichetDb db, AppOptions app, MailOptions mail, SmsMessages sms, MessageTemplates templates, TimeProvider clock)
{
    public async Task AddConfirmationAsync(Appointment appointment, Site site, Reason reason, string manageToken, CancellationToken ct)
    {
        await sms.AddConfirmationAsync(appointment, site, manageToken, ct);
        if (appointment.Email is null) return;
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == appointment.OrganisationId, ct);
        var when = FrenchDates.DayAndTime(FrenchDates.ToLocal(appointment.StartUtc, site.TimeZone));
        var manageUrl = $"{app.PublicBaseUrl.TrimEnd('/')}/rendez-vous/{appointment.Code}?token={Uri.EscapeDataString(manageToken)}";
        var address = $"{site.Address}, {site.PostalCode} {site.City}";
        var values = TemplateCatalog.Values(appointment, site, reason.Name, MessageChannel.Email);
        values["lien"] = manageUrl;
        var custom = await templates.RenderAsync(appointment.OrganisationId, MessageKind.Confirmation, MessageChannel.Email, values, ct);

        var text = new StringBuilder()
            .Append("Bonjour ").Append(appointment.FirstName).Append(' ').Append(appointment.LastName).Append(",\n\n")
            .Append("Votre rendez-vous est confirmé.\n\n")
            .Append("Motif : ").Append(reason.Name).Append('\n')
            .Append("Date : le ").Append(when).Append('\n')
            .Append("Lieu : ").Append(site.Name).Append('\n')
            .Append("Adresse : ").Append(address).Append('\n')
            .Append("Nombre de personnes : ").Append(appointment.Persons.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("Code du rendez-vous : ").Append(appointment.Code).Append("\n\n")
            .Append("Pour voir ou annuler votre rendez-vous, ouvrez ce lien :\n").Append(manageUrl).Append("\n\n")
            .Append("Vous ne pouvez pas venir ? Annulez le rendez-vous avec ce lien : le créneau sera proposé à une autre personne.\n")
            .Append("La convocation jointe (PDF) reprend ces informations et la liste des pièces à apporter.\n")
            .Append("Le fichier joint « rendez-vous.ics » ajoute le rendez-vous à votre agenda.\n\n")
            .Append(organisation.Name).Append('\n')
            .Append("Ce message est envoyé automatiquement : merci de ne pas y répondre.\n")
            .ToString();
        var h = HtmlEncoder.Default;
        var html = $"""
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"><title>Confirmation de votre rendez-vous</title></head>
            <body>
            <p>Bonjour {h.Encode(appointment.FirstName)} {h.Encode(appointment.LastName)},</p>
            <p><strong>Votre rendez-vous est confirmé.</strong></p>
            <ul>
            <li>Motif : {h.Encode(reason.Name)}</li>
            <li>Date : le {h.Encode(when)}</li>
            <li>Lieu : {h.Encode(site.Name)}</li>
            <li>Adresse : {h.Encode(address)}</li>
            <li>Nombre de personnes : {appointment.Persons}</li>
            <li>Code du rendez-vous : <strong>{h.Encode(appointment.Code)}</strong></li>
            </ul>
            <p><a href="{h.Encode(manageUrl)}">Voir ou annuler mon rendez-vous</a></p>
            <p>Vous ne pouvez pas venir ? Annulez le rendez-vous avec ce lien : le créneau sera proposé à une autre personne.</p>
            <p>La convocation jointe (PDF) reprend ces informations et la liste des pièces à apporter.</p>
            <p>Le fichier joint « rendez-vous.ics » ajoute le rendez-vous à votre agenda.</p>
            <p>{h.Encode(organisation.Name)}<br>Ce message est envoyé automatiquement : merci de ne pas y répondre.</p>
            </body></html>
            """;
        var calendar = ICalendar.Write(Event(appointment, site, reason, organisation, manageUrl, sequence: 0), ICalendar.Request);
        Add(appointment, MessageKind.Confirmation, custom?.Subject ?? $"Confirmation de votre rendez-vous du {when}", custom?.Text ?? text, custom?.Html ?? html, calendar);
    }

    /// <summary>Loads what it needs itself: a cancellation comes from several doors that hold only the appointment.</summary>
    public async Task AddCancellationAsync(Appointment appointment, CancellationToken ct)
    {
        await sms.AddCancellationAsync(appointment, ct);
        if (appointment.Email is null) return;
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == appointment.OrganisationId, ct);
        var site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == appointment.SiteId, ct);
        var reason = await db.Reasons.AsNoTracking().FirstAsync(r => r.OrganisationId == appointment.OrganisationId && r.Code == appointment.ReasonCode, ct);
        var when = FrenchDates.DayAndTime(FrenchDates.ToLocal(appointment.StartUtc, site.TimeZone));
        var bookUrl = app.PublicBaseUrl.TrimEnd('/') + "/";
        var byCitizen = appointment.CancelledBy is null or "citizen";
        var why = byCitizen ? "Votre rendez-vous a bien été annulé, comme vous l'avez demandé." : "La mairie a annulé votre rendez-vous.";
        var values = TemplateCatalog.Values(appointment, site, reason.Name, MessageChannel.Email);
        (values["annulation"], values["lien"]) = (TemplateCatalog.CancelledWhy(appointment, MessageChannel.Email), bookUrl);
        var custom = await templates.RenderAsync(appointment.OrganisationId, MessageKind.Cancellation, MessageChannel.Email, values, ct);

        var text = new StringBuilder()
            .Append("Bonjour ").Append(appointment.FirstName).Append(' ').Append(appointment.LastName).Append(",\n\n")
            .Append(why).Append("\n\n")
            .Append("Motif : ").Append(reason.Name).Append('\n')
            .Append("Date : le ").Append(when).Append('\n')
            .Append("Lieu : ").Append(site.Name).Append(", ").Append(site.Address).Append(", ").Append(site.PostalCode).Append(' ').Append(site.City).Append('\n')
            .Append("Code du rendez-vous : ").Append(appointment.Code).Append("\n\n")
            .Append("Pour prendre un autre rendez-vous : ").Append(bookUrl).Append("\n\n")
            .Append(organisation.Name).Append('\n')
            .Append("Ce message est envoyé automatiquement : merci de ne pas y répondre.\n")
            .ToString();
        var h = HtmlEncoder.Default;
        var html = $"""
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"><title>Annulation de votre rendez-vous</title></head>
            <body>
            <p>Bonjour {h.Encode(appointment.FirstName)} {h.Encode(appointment.LastName)},</p>
            <p><strong>{h.Encode(why)}</strong></p>
            <ul>
            <li>Motif : {h.Encode(reason.Name)}</li>
            <li>Date : le {h.Encode(when)}</li>
            <li>Lieu : {h.Encode(site.Name)}, {h.Encode($"{site.Address}, {site.PostalCode} {site.City}")}</li>
            <li>Code du rendez-vous : {h.Encode(appointment.Code)}</li>
            </ul>
            <p><a href="{h.Encode(bookUrl)}">Prendre un autre rendez-vous</a></p>
            <p>{h.Encode(organisation.Name)}<br>Ce message est envoyé automatiquement : merci de ne pas y répondre.</p>
            </body></html>
            """;
        var calendar = ICalendar.Write(Event(appointment, site, reason, organisation, url: null, sequence: 1), ICalendar.Cancel);
        Add(appointment, MessageKind.Cancellation, custom?.Subject ?? $"Annulation de votre rendez-vous du {when}", custom?.Text ?? text, custom?.Html ?? html, calendar);
    }

    private CalendarEvent Event(Appointment a, Site site, Reason reason, Organisation organisation, string? url, int sequence) => new(
        // Stable per appointment, so the cancellation replaces the invitation in the citizen's calendar.
        Uid: $"{a.Id}@{mail.Domain}",
        StampUtc: clock.GetUtcNow().UtcDateTime,
        StartUtc: a.StartUtc,
        EndUtc: a.EndUtc,
        Summary: $"Rendez-vous {reason.Name} – {site.Name}",
        Location: $"{site.Name}, {site.Address}, {site.PostalCode} {site.City}",
        Description: $"Code du rendez-vous : {a.Code}" + (url is null ? "" : $"\nVoir ou annuler : {url}"),
        Url: url,
        Sequence: sequence,
        OrganizerName: organisation.Name,
        OrganizerEmail: mail.From,
        AttendeeEmail: a.Email);

    private void Add(Appointment appointment, MessageKind kind, string subject, string text, string html, string calendar)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var id = Secrets.NewId();
        db.Add(new OutboxMessage
        {
            Id = id,
            OrganisationId = appointment.OrganisationId,
            AppointmentId = appointment.Id,
            Kind = kind,
            Channel = MessageChannel.Email,
            Recipient = appointment.Email!,
            Subject = subject.Length > 300 ? subject[..300] : subject,
            Body = text,
            HtmlBody = html,
            Calendar = calendar,
            ScheduledUtc = now,
            IdempotencyKey = $"{appointment.Id}:{kind}:{now.ToString("yyyyMMdd'T'HHmmss.fffffff'Z'", CultureInfo.InvariantCulture)}",
            Status = MessageStatus.Pending,
            NextAttemptUtc = now,
            // Chosen before any attempt and kept: every re-send carries the same Message-ID, so receivers can spot a copy.
            ProviderReference = $"<{id}.{kind.ToString().ToLowerInvariant()}@{mail.Domain}>",
            CreatedUtc = now,
        });
    }
}
