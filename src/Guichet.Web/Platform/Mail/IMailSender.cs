namespace Guichet.Web.Platform.Mail;

/// <summary>One e-mail ready to go. The Message-ID is chosen by the caller and kept, so a re-send reuses it.</summary>
public sealed record OutgoingMail(
    string MessageId, string FromName, string To, string Subject, string TextBody, string? HtmlBody, MailCalendar? Calendar,
    IReadOnlyList<MailAttachment>? Attachments = null, string? ReplyTo = null, string? InReplyTo = null);

/// <summary>A file attached to a mail (the convocation PDF), sent base64 with its file name.</summary>
public sealed record MailAttachment(string FileName, string ContentType, byte[] Content);

/// <summary>An iCalendar attachment; Method is REQUEST or CANCEL (RFC 5546).</summary>
public sealed record MailCalendar(string Content, string Method, string FileName = "rendez-vous.ics");

/// <summary>The mail boundary: SMTP in production, a recorder in development.</summary>
public interface IMailSender
{
    /// <summary>
    /// Returns when the server accepted the message. Throws <see cref="MailNotSentException"/> when it is certain the
    /// server did not take it (safe to retry); any other exception means the outcome is unknown.
    /// </summary>
    Task SendAsync(OutgoingMail mail, CancellationToken ct);
}

/// <summary>The server surely did not accept the message. The reason never holds the recipient's address.</summary>
public sealed class MailNotSentException(string reason, bool permanent, Exception? inner = null)
    : MessageNotSentException(reason, permanent, inner);
