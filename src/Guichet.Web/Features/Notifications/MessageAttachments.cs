using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Platform.Mail;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Notifications;

/// <summary>
/// Files rendered at send time rather than stored in the outbox: the confirmation e-mail carries the convocation PDF,
/// drawn from the appointment as it is when the message leaves.
/// </summary>
public sealed class MessageAttachments(GuichetDb db, Convocation convocation, ILogger<MessageAttachments> log)
{
    public async Task<IReadOnlyList<MailAttachment>> ForAsync(OutboxMessage message, CancellationToken ct)
    {
        if (message is not { Kind: MessageKind.Confirmation, Channel: MessageChannel.Email, AppointmentId: { } id }) return [];
        try
        {
            var appointment = await db.Appointments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
            if (appointment is null) return [];
            var pdf = await convocation.PdfAsync(appointment, manageUrl: null, ct);
            return [new MailAttachment(Convocation.FileName(appointment), "application/pdf", pdf)];
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nothing has reached the provider yet: a plain retry with back-off, like a refused send.
            log.LogError("Convocation for outbox message {MessageId} could not be rendered: {Error}", message.Id, e.GetType().Name);
            throw new MailNotSentException("La convocation jointe n'a pas pu être produite.", permanent: false, e);
        }
    }
}
