using System.Security.Cryptography;
using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>Where a message that came in by a door other than the web goes: its retry key, the citizen's Message-ID, notes.</summary>
/// <param name="Key">Message-ID, else a content hash: the same key twice is the same message (see <see cref="InboundMessage"/>).</param>
/// <param name="MessageId">The citizen's Message-ID (e-mail), which our acknowledgement answers (In-Reply-To).</param>
/// <param name="Notes">Internal notes for the agent saved with the request (an attachment that was not kept…).</param>
public sealed record InboundSource(InboundChannel Channel, string Key, string? MessageId, string Outcome, IReadOnlyList<string> Notes);

/// <summary>The e-mail thread of requests: Reply-To tokens and In-Reply-To on what we send, and the look-ups back.</summary>
public static class RequestMailThreads
{
    /// <summary>
    /// Called by <see cref="ReceiveRequest"/> before it saves: the message's retry key, the thread with the citizen's
    /// Message-ID and the notes go in the same transaction as the request, so a retry never files a second one.
    /// </summary>
    public static void Attach(GuichetDb db, CitizenRequest request, InboundSource source, DateTime nowUtc)
    {
        db.Add(new InboundMessage
        {
            Id = Secrets.NewId(), OrganisationId = request.OrganisationId, Channel = source.Channel, Key = source.Key,
            RequestId = request.Id, Outcome = source.Outcome, ReceivedUtc = nowUtc,
        });
        if (source.Channel == InboundChannel.Email)
            db.Add(new RequestMailThread
            {
                RequestId = request.Id, OrganisationId = request.OrganisationId, ReplyToken = NewToken(),
                CitizenMessageKey = source.MessageId, CreatedUtc = nowUtc,
            });
        foreach (var note in source.Notes)
            RequestHistory.Add(db, request, RequestEventKind.Note, null, nowUtc, note, isPublic: false);
    }

    /// <summary>
    /// Gives an e-mail about the request its Reply-To (the plus address with the request's token, when the organisation
    /// has an inbound address) and, for the acknowledgement of a mail, its In-Reply-To. The thread is made on first use.
    /// </summary>
    public static async Task ThreadAsync(GuichetDb db, OutboxMessage message, CitizenRequest request, bool acknowledging, TimeProvider clock, CancellationToken ct)
    {
        var settings = await db.Set<RequestIntakeSettings>().AsNoTracking().FirstOrDefaultAsync(s => s.OrganisationId == request.OrganisationId, ct);
        var thread = db.Set<RequestMailThread>().Local.FirstOrDefault(t => t.RequestId == request.Id)
            ?? await db.Set<RequestMailThread>().FirstOrDefaultAsync(t => t.RequestId == request.Id, ct);
        if (thread is null && settings?.ReplyAddressPattern is not null)
        {
            thread = new RequestMailThread
            {
                RequestId = request.Id, OrganisationId = request.OrganisationId, ReplyToken = NewToken(), CreatedUtc = clock.GetUtcNow().UtcDateTime,
            };
            db.Add(thread);
        }
        if (thread is null) return;
        if (settings?.ReplyAddressPattern is { } pattern) message.ReplyTo = pattern.Replace("{token}", thread.ReplyToken, StringComparison.Ordinal);
        if (acknowledging && thread.CitizenMessageKey is { } parent) message.InReplyTo = parent;
    }

    /// <summary>
    /// The request a reply answers: by the Message-IDs it references (ours, from the outbox, or the citizen's own
    /// earlier mails), then by the token of its reply address. Only within the organisation the mail was sent to.
    /// </summary>
    public static async Task<CitizenRequest?> FindAsync(GuichetDb db, string organisationId, IReadOnlyList<string> referencedIds, string? token, CancellationToken ct)
    {
        var ids = referencedIds.Where(i => i.Length <= InboundMessage.MaxKeyLength - 2).Take(50).ToList();
        if (ids.Count > 0)
        {
            var ours = ids.Select(i => $"<{i}>").ToList();
            var keys = await db.OutboxMessages.AsNoTracking()
                .Where(m => m.OrganisationId == organisationId && m.Channel == MessageChannel.Email && m.ProviderReference != null && ours.Contains(m.ProviderReference))
                .Select(m => new { m.ProviderReference, m.IdempotencyKey }).ToListAsync(ct);
            var inbound = await db.Set<InboundMessage>().AsNoTracking()
                .Where(m => m.OrganisationId == organisationId && m.Channel == InboundChannel.Email && m.RequestId != null && ids.Contains(m.Key))
                .Select(m => new { m.Key, m.RequestId }).ToListAsync(ct);
            // In the reply's own order: In-Reply-To first, then References from the newest.
            foreach (var id in ids)
            {
                var requestId = RequestIdOf(keys.FirstOrDefault(k => k.ProviderReference == $"<{id}>")?.IdempotencyKey)
                    ?? inbound.FirstOrDefault(m => m.Key == id)?.RequestId;
                if (requestId is null) continue;
                var found = await db.CitizenRequests.FirstOrDefaultAsync(r => r.Id == requestId && r.OrganisationId == organisationId, ct);
                if (found is not null) return found;
            }
        }
        if (token is { Length: > 0 and <= 64 })
        {
            var t = token.ToLowerInvariant();
            var requestId = await db.Set<RequestMailThread>().AsNoTracking()
                .Where(x => x.ReplyToken == t && x.OrganisationId == organisationId).Select(x => x.RequestId).FirstOrDefaultAsync(ct);
            if (requestId is not null) return await db.CitizenRequests.FirstOrDefaultAsync(r => r.Id == requestId, ct);
        }
        return null;
    }

    /// <summary>The request id in an outbox key written by RequestMessages: "request:{id}:{what}".</summary>
    public static string? RequestIdOf(string? idempotencyKey)
    {
        if (idempotencyKey is null || !idempotencyKey.StartsWith("request:", StringComparison.Ordinal)) return null;
        var end = idempotencyKey.IndexOf(':', 8);
        return end > 8 ? idempotencyKey[8..end] : null;
    }

    private const string Base32 = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>130 random bits in 26 base32 letters and digits: safe in an address local part, whatever the case.</summary>
    public static string NewToken() =>
        string.Create(26, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = Base32[RandomNumberGenerator.GetInt32(32)];
        });
}
