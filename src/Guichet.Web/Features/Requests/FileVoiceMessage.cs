using Guichet.Domain.Contacts;
using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Guichet.Web.Features.Voice;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>
/// A message left on the voice server becomes a request (channel Voice) in the organisation's voice category
/// ("Message téléphonique" in the demo), with the callback number and the recording's reference; the acknowledgement
/// goes by SMS when the number is a mobile. Without a voice category the message stays in voice_messages, as before.
/// </summary>
public sealed class FileVoiceMessage(GuichetDb db, ReceiveRequest receive, ILogger<FileVoiceMessage> log)
{
    /// <param name="message">added to the context by the voice turn, not saved yet: it is saved with the request.</param>
    public async Task<string?> RunAsync(VoiceMessage message, CancellationToken ct)
    {
        var settings = await db.Set<RequestIntakeSettings>().AsNoTracking().FirstOrDefaultAsync(s => s.OrganisationId == message.OrganisationId, ct);
        if (settings?.VoiceCategoryId is not { } categoryId) return null;
        var phone = FrenchPhone.Parse(message.CallbackNumber);
        var minutes = message.DurationSeconds / 60;
        var seconds = message.DurationSeconds % 60;
        var length = minutes > 0 ? $"{minutes} min {seconds:00} s" : $"{seconds} s";
        var text = $"Message laissé sur le serveur vocal ({length}).\n"
            + (phone is { } p ? $"Numéro à rappeler : {p.National}.\n" : "Numéro masqué : l'appelant n'a pas laissé de numéro.\n")
            + $"Enregistrement : {message.RecordingPath}";
        var incoming = new IncomingRequest(message.OrganisationId, categoryId, RequestChannel.Voice,
            new CitizenContact(VoiceNames.FirstName, VoiceNames.LastName, null, phone?.E164,
                // Hidden number: the request is kept all the same; a letter cannot be sent either, but the agent hears the message.
                PostalAddress: phone is null ? "Inconnue (appel en numéro masqué)" : null),
            text.Length > CitizenRequest.MaxTextLength ? text[..CitizenRequest.MaxTextLength] : text,
            new Dictionary<string, string?>(), [], null);
        switch (await receive.RunAsync(incoming, ct))
        {
            case ReceiveResult.Received r:
                message.CitizenRequestId = r.Request.Id;
                await db.SaveChangesAsync(ct);
                log.LogInformation("Voice message {MessageId} filed as request {RequestId}", message.Id, r.Request.Id);
                return r.Request.Id;
            case ReceiveResult.Refused r:
                log.LogWarning("Voice message {MessageId} not filed as a request: {Fields}", message.Id, string.Join(", ", r.Errors.Select(e => e.Field)));
                return null;
            default:
                return null;
        }
    }
}
