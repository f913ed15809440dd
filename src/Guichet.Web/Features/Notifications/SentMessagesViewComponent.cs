using Guichet.Domain.Contacts;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Notifications;

public sealed record SentMessageRow(DateTime LocalTime, string Channel, string What, string State, string? Delivery, int? Segments);

public sealed record SentMessagesView(IReadOnlyList<SentMessageRow> Rows, string? SmsNote);

/// <summary>
/// "Messages envoyés" on the agent's appointment page: what went out, when, by which channel, and how far it got.
/// The page has already checked that the agent may see the appointment; the organisation is matched again here.
/// </summary>
public sealed class SentMessagesViewComponent(GuichetDb db) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(Appointment appointment, Site site)
    {
        var messages = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.AppointmentId == appointment.Id && m.OrganisationId == appointment.OrganisationId)
            .OrderBy(m => m.CreatedUtc).ThenBy(m => m.Channel).ToListAsync(HttpContext.RequestAborted);
        var rows = messages.Select(m => new SentMessageRow(
            // When it went, or when it is due (a reminder waits for its time).
            FrenchDates.ToLocal(m.SentUtc ?? m.ScheduledUtc, site.TimeZone),
            m.Channel == MessageChannel.Sms ? "SMS" : "E-mail",
            m.Kind.French(),
            m.Status switch
            {
                MessageStatus.Sent => "Envoyé",
                MessageStatus.Failed => "Échec : " + (m.LastError ?? "raison inconnue"),
                MessageStatus.Pending when m.Attempts > 0 => $"Nouvel essai prévu ({m.Attempts} essai{(m.Attempts > 1 ? "s" : "")})",
                _ => "En attente d'envoi",
            },
            m.Channel != MessageChannel.Sms || m.Status != MessageStatus.Sent ? null : m.DeliveryStatus switch
            {
                SmsDeliveryStatus.Delivered => "Remis au téléphone",
                SmsDeliveryStatus.Failed => "Non remis",
                SmsDeliveryStatus.Expired => "Expiré (téléphone injoignable)",
                SmsDeliveryStatus.Sent => "Transmis à l'opérateur",
                _ => "Accepté par le fournisseur",
            },
            m.Channel == MessageChannel.Sms ? m.Segments : null)).ToList();

        string? note = null;
        if (FrenchPhone.Parse(appointment.Phone) is { } phone)
        {
            if (!phone.IsMobile) note = "Ce numéro n'est pas un portable : aucun SMS ne lui est envoyé.";
            else if (await db.Set<SmsOptOut>().AnyAsync(o => o.Phone == phone.E164, HttpContext.RequestAborted))
                note = SmsDelivery.OptedOut;
        }
        return View("/Features/Notifications/_SentMessages.cshtml", new SentMessagesView(rows, note));
    }
}
