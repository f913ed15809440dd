using Guichet.Domain.Contacts;
using Guichet.Domain.Requests;
using Guichet.Domain.Messaging;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <param name="Answer">What to say back at once (Twilio reads it); null when the acknowledgement SMS says it all.</param>
public sealed record SmsFiled(string RequestId, bool Created, string? Answer);

/// <summary>
/// A citizen's SMS that is neither STOP nor ANNULER becomes part of a request. The request it names by its tracking
/// code (sent from the number on file), else the most recent request of this number still open or waiting for the
/// citizen in the organisation that last wrote to the number, gets it appended; else a new request in that
/// organisation's default SMS category. No organisation ever wrote to the number, or it takes no SMS requests: null,
/// and the caller records nothing personal.
/// </summary>
public sealed class FileInboundSms(GuichetDb db, ReceiveRequest receive, AppendCitizenMessage append, ILogger<FileInboundSms> log)
{
    public async Task<SmsFiled?> RunAsync(string from, string text, string key, CancellationToken ct)
    {
        if (FrenchPhone.Parse(from) is not { } parsed) return null;
        var phone = parsed.E164;
        var body = text.Replace("\0", "").Trim();
        if (body.Length == 0) return null;
        var source = new InboundSource(InboundChannel.Sms, key.Length > InboundMessage.MaxKeyLength ? key[..InboundMessage.MaxKeyLength] : key, null,
            "SMS de l'usager.", []);

        var named = await NamedRequestAsync(phone, body, ct);
        var organisationId = named?.OrganisationId ?? await db.OutboxMessages.AsNoTracking()
            .Where(m => m.Channel == MessageChannel.Sms && m.Recipient == phone)
            .OrderByDescending(m => m.CreatedUtc).ThenByDescending(m => m.Id).Select(m => m.OrganisationId).FirstOrDefaultAsync(ct);
        if (organisationId is null) return null;
        var request = named ?? await db.CitizenRequests
            .Where(r => r.OrganisationId == organisationId && r.Phone == phone && r.Status != RequestStatus.Closed && r.Status != RequestStatus.Rejected)
            .OrderByDescending(r => r.ReceivedUtc).FirstOrDefaultAsync(ct);
        if (request is not null)
        {
            if (await append.RunAsync(request, body, [], source with { Outcome = "SMS joint à la demande." }, reopen: true, ct) is not AppendResult.Appended)
                return new SmsFiled(request.Id, false, null);
            return new SmsFiled(request.Id, false, SmsEncoding.ToGsmSafe($"Message ajouté à votre demande {TrackingCode.Display(request.TrackingCode)}. Merci."));
        }

        var settings = await db.Set<RequestIntakeSettings>().AsNoTracking().FirstOrDefaultAsync(s => s.OrganisationId == organisationId, ct);
        if (settings?.SmsCategoryId is not { } categoryId) return null;
        var (first, last) = await NamesAsync(organisationId, phone, parsed, ct);
        var incoming = new IncomingRequest(organisationId, categoryId, RequestChannel.Sms, new CitizenContact(first, last, null, phone),
            body.Length > CitizenRequest.MaxTextLength ? body[..CitizenRequest.MaxTextLength] : body,
            new Dictionary<string, string?>(), [], null, Source: source with { Outcome = "Nouvelle demande par SMS." });
        switch (await receive.RunAsync(incoming, ct))
        {
            case ReceiveResult.Received r:
                return new SmsFiled(r.Request.Id, true, null);
            case ReceiveResult.Refused r:
                log.LogWarning("Inbound SMS for organisation {OrganisationId} not filed: {Fields}", organisationId, string.Join(", ", r.Errors.Select(e => e.Field)));
                return null;
            default:
                return null;
        }
    }

    /// <summary>A request whose tracking code the SMS quotes and that was filed with this very number.</summary>
    private async Task<CitizenRequest?> NamedRequestAsync(string phone, string text, CancellationToken ct)
    {
        var words = text.Split([' ', '\t', '\r', '\n', ':', ',', '.', '!', '?', ';'], StringSplitOptions.RemoveEmptyEntries);
        var codes = words.Concat(words.Zip(words.Skip(1), (a, b) => a + b))   // "ABCD EFGH" as displayed
            .Select(TrackingCode.Normalise).Where(c => c is not null).Cast<string>().Distinct().Take(5).ToList();
        if (codes.Count == 0) return null;
        return await db.CitizenRequests.FirstOrDefaultAsync(r => codes.Contains(r.TrackingCode) && r.Phone == phone, ct);
    }

    /// <summary>The names this number was last known by in the organisation (a request, an appointment); else the number itself.</summary>
    private async Task<(string? First, string Last)> NamesAsync(string organisationId, string phone, FrenchPhone parsed, CancellationToken ct)
    {
        var known = await db.CitizenRequests.AsNoTracking().Where(r => r.OrganisationId == organisationId && r.Phone == phone)
            .OrderByDescending(r => r.ReceivedUtc).Select(r => new { r.FirstName, r.LastName }).FirstOrDefaultAsync(ct);
        if (known is not null) return (known.FirstName, known.LastName);
        var booked = await db.Appointments.AsNoTracking().Where(a => a.OrganisationId == organisationId && a.Phone == phone)
            .OrderByDescending(a => a.StartUtc).Select(a => new { a.FirstName, a.LastName }).FirstOrDefaultAsync(ct);
        if (booked is not null && !string.IsNullOrWhiteSpace(booked.LastName)) return (booked.FirstName, booked.LastName);
        return (null, parsed.National);
    }
}
