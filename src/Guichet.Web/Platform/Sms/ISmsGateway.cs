namespace Guichet.Web.Platform.Sms;

/// <summary>One transactional SMS: an E.164 number, the text as it will be sent, and our reference (the outbox id).</summary>
public sealed record OutgoingSms(string To, string Text, string Reference);

/// <summary>The provider took the message: its id (to match delivery reports) and the segments it will bill.</summary>
public sealed record SmsAccepted(string ProviderId, int Segments);

/// <summary>The SMS boundary: OVHcloud, Brevo, Twilio, or a recorder in development (Sms:Provider).</summary>
public interface ISmsGateway
{
    /// <summary>Lower-case provider name, as in the webhook paths (/sms/dlr/ovh) and stored provider references.</summary>
    string Name { get; }

    /// <summary>
    /// Returns when the provider accepted the message. Throws <see cref="SmsNotSentException"/> when it surely did not
    /// (safe to retry unless permanent); any other exception, a time-out included, means the outcome is unknown.
    /// </summary>
    Task<SmsAccepted> SendAsync(OutgoingSms sms, CancellationToken ct);
}

/// <summary>The provider surely did not take the SMS. The reason never holds the number.</summary>
public sealed class SmsNotSentException(string reason, bool permanent, Exception? inner = null)
    : MessageNotSentException(reason, permanent, inner);
