using System.Security.Cryptography;

namespace Guichet.Domain.Messaging.Mime;

/// <summary>
/// Everything the e-mail intake needs from one raw message, in one call: the parsed message, what kind of mail it is,
/// the keys to thread it (reference/sms-email.md §5 steps 1 and 2), the text to keep and a hash for idempotency.
/// </summary>
/// <param name="NewText">For a reply (it references a message or carries a token), the text without the quoted
/// previous message; otherwise, or when stripping would leave nothing, the whole <see cref="MimeMessage.TextBody"/>.
/// Null when the message has no text at all.</param>
/// <param name="ContentHash">Lower-case hex SHA-256 of the raw bytes: with the Message-ID, the idempotency key.</param>
public sealed record InboundMail(MimeMessage Message, InboundClassification Classification, ThreadingKeys Keys, string? NewText, string ContentHash)
{
    /// <exception cref="MimeFormatException">The input cannot be an e-mail (see <see cref="MimeMessage.Parse(ReadOnlySpan{byte}, MimeLimits?)"/>).</exception>
    public static InboundMail Read(ReadOnlySpan<byte> raw, ReplyAddressPattern? replyAddress, string? envelopeSender = null, MimeLimits? limits = null)
    {
        var message = MimeMessage.Parse(raw, limits);
        var keys = MailThreading.Extract(message, replyAddress);
        var text = message.TextBody;
        if (text is not null && (keys.ReferencedIds.Count > 0 || keys.ReplyToken is not null))
        {
            var stripped = ReplyText.Extract(text);
            text = stripped.Length > 0 ? stripped : text.Trim();
        }
        return new InboundMail(message, InboundClassifier.Classify(message, envelopeSender), keys, text,
            Convert.ToHexStringLower(SHA256.HashData(raw)));
    }
}
