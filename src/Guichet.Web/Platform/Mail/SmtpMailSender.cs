using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Net.Sockets;
using System.Text;

namespace Guichet.Web.Platform.Mail;

/// <summary>
/// Sends through the configured SMTP relay with System.Net.Mail (MailKit is not available here). It keeps our
/// Message-ID as given: it adds none of its own.
/// </summary>
public sealed class SmtpMailSender(MailOptions options) : IMailSender
{
    public async Task SendAsync(OutgoingMail mail, CancellationToken ct)
    {
        using var message = Build(mail, options.From);
        using var client = new SmtpClient(options.Smtp.Host!, options.Smtp.Port)
        {
            // System.Net.Mail speaks STARTTLS (explicit TLS) when EnableSsl is set.
            EnableSsl = options.Smtp.Security == SmtpSecurity.StartTls,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Timeout = options.Smtp.TimeoutSeconds * 1000,
            UseDefaultCredentials = false,
            Credentials = string.IsNullOrEmpty(options.Smtp.UserName) ? null : new NetworkCredential(options.Smtp.UserName, options.Smtp.Password),
        };
        try
        {
            await client.SendMailAsync(message, ct);
        }
        catch (SmtpFailedRecipientException e)
        {
            // The server answered RCPT with a refusal: nothing was accepted. 5xx for a mailbox is final.
            throw new MailNotSentException($"Destinataire refusé par le serveur SMTP ({(int)e.StatusCode}).", permanent: (int)e.StatusCode >= 500, e);
        }
        catch (SmtpException e) when (e.StatusCode != SmtpStatusCode.GeneralFailure)
        {
            // An SMTP reply code: the server refused a command, so it did not take the message.
            throw new MailNotSentException($"Message refusé par le serveur SMTP ({(int)e.StatusCode}).", permanent: false, e);
        }
        catch (SmtpException e) when (NeverConnected(e))
        {
            throw new MailNotSentException("Le serveur SMTP est injoignable pour le moment.", permanent: false, e);
        }
        // Anything else (a connection cut or a time-out in the middle of DATA…) leaves the outcome unknown.
    }

    /// <summary>True when the TCP connection itself failed: not a byte of the message left.</summary>
    private static bool NeverConnected(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable
                or SocketError.NetworkUnreachable or SocketError.TryAgain or SocketError.NoData })
                return true;
        return false;
    }

    public static MailMessage Build(OutgoingMail mail, string from)
    {
        var message = new MailMessage
        {
            From = new MailAddress(from, mail.FromName, Encoding.UTF8),
            Subject = mail.Subject,
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
            BodyEncoding = Encoding.UTF8,
            Body = mail.TextBody,
            IsBodyHtml = false,
            BodyTransferEncoding = TransferEncoding.Base64,
        };
        message.To.Add(new MailAddress(mail.To));
        message.Headers.Add("Message-ID", mail.MessageId);
        // RFC 3834: a notification, not a reply; keeps out-of-office robots from answering it. An acknowledgement of
        // the citizen's own mail is a reply to it (auto-replied), and threads under it in their mailer.
        message.Headers.Add("Auto-Submitted", mail.InReplyTo is null ? "auto-generated" : "auto-replied");
        if (mail.InReplyTo is { } parent)
        {
            message.Headers.Add("In-Reply-To", $"<{parent}>");
            message.Headers.Add("References", $"<{parent}>");
        }
        // The request's plus address: the citizen's answer comes back to its request even without In-Reply-To.
        if (mail.ReplyTo is { } replyTo) message.ReplyToList.Add(new MailAddress(replyTo));
        if (mail.HtmlBody is not null)
        {
            var html = AlternateView.CreateAlternateViewFromString(mail.HtmlBody, Encoding.UTF8, MediaTypeNames.Text.Html);
            html.TransferEncoding = TransferEncoding.Base64;
            message.AlternateViews.Add(html);
        }
        if (mail.Calendar is { } calendar)
        {
            var type = new ContentType("text/calendar") { CharSet = "utf-8", Name = calendar.FileName };
            type.Parameters["method"] = calendar.Method;
            var attachment = new Attachment(new MemoryStream(Encoding.UTF8.GetBytes(calendar.Content)), type)
            {
                TransferEncoding = TransferEncoding.Base64,
            };
            attachment.ContentDisposition!.FileName = calendar.FileName;
            message.Attachments.Add(attachment);
        }
        foreach (var file in mail.Attachments ?? [])
        {
            // Text parts and files side by side: System.Net.Mail then writes multipart/mixed around the alternatives.
            var attachment = new Attachment(new MemoryStream(file.Content), new ContentType(file.ContentType) { Name = file.FileName })
            {
                TransferEncoding = TransferEncoding.Base64,
            };
            attachment.ContentDisposition!.FileName = file.FileName;
            attachment.ContentDisposition.Inline = false;
            message.Attachments.Add(attachment);
        }
        return message;
    }
}

/// <summary>
/// Development without an SMTP server: records that a message would have gone out (ids only in the log), and
/// writes it as an .eml file when Mail:PickupDirectory is set, to be opened by hand.
/// </summary>
public sealed class RecordingMailSender(MailOptions options, ILogger<RecordingMailSender> log) : IMailSender
{
    public async Task SendAsync(OutgoingMail mail, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(options.PickupDirectory))
        {
            Directory.CreateDirectory(options.PickupDirectory);
            using var message = SmtpMailSender.Build(mail, options.From);
            using var client = new SmtpClient { DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory, PickupDirectoryLocation = Path.GetFullPath(options.PickupDirectory) };
            await client.SendMailAsync(message, ct);
        }
        log.LogInformation("Mail {MessageId} recorded, not sent: no SMTP server is configured", mail.MessageId);
    }
}
