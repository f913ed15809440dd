using Guichet.Domain.Messaging.Mime;
using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>Section "Mail:Inbound": the door POST /inbound/email that the town hall's mail server calls.</summary>
public sealed class InboundMailOptions
{
    /// <summary>The bearer token the mail server sends. Empty: the door is closed (503), nothing is read.</summary>
    public string? Token { get; set; }
    /// <summary>The largest raw message accepted (413 above); the MTA's message_size_limit should be the same.</summary>
    public long MaxBytes { get; set; } = 25L * 1024 * 1024;

    public IEnumerable<string> Problems()
    {
        if (MaxBytes is < 1024 or > 200L * 1024 * 1024) yield return "Mail:Inbound:MaxBytes doit être compris entre 1 Ko et 200 Mo.";
        if (!string.IsNullOrEmpty(Token) && Token.Length < 32) yield return "Mail:Inbound:Token doit compter au moins 32 caractères (un secret aléatoire).";
    }
}

public abstract record InboundEmailResult
{
    public sealed record Created(string RequestId) : InboundEmailResult;
    public sealed record Appended(string RequestId, bool Reopened) : InboundEmailResult;
    /// <summary>The same message again (an MTA retry): what it did the first time.</summary>
    public sealed record Duplicate(string? RequestId) : InboundEmailResult;
    /// <summary>An automatic answer, a list, a bounce: no request, no acknowledgement.</summary>
    public sealed record Ignored(string Reason) : InboundEmailResult;
    public sealed record UnknownRecipient : InboundEmailResult;
    public sealed record Malformed(string Reason) : InboundEmailResult;
    public sealed record Refused(IReadOnlyList<Guichet.Domain.Scheduling.FieldError> Errors) : InboundEmailResult;
}

/// <summary>
/// One raw e-mail pushed by the mail server. The recipient names the organisation; the message is then, in order:
/// a retry of one already taken (same Message-ID, else same bytes) → what was done then; a reply threaded to a request
/// (In-Reply-To/References against the Message-IDs we sent, then the token of the plus address) → appended to it;
/// an automatic answer, a list or a bounce → no request, no acknowledgement; otherwise a new request through
/// <see cref="ReceiveRequest"/>, acknowledged by a mail that answers the citizen's.
/// </summary>
public sealed class ReceiveInboundEmail(GuichetDb db, ReceiveRequest receive, AppendCitizenMessage append, RequestsOptions options,
    TimeProvider clock, ILogger<ReceiveInboundEmail> log)
{
    private const int InlineImageBytes = 16 * 1024;

    public async Task<InboundEmailResult> RunAsync(byte[] raw, string? recipient, string? envelopeSender, CancellationToken ct)
    {
        InboundMail mail;
        try
        {
            mail = InboundMail.Read(raw, null, envelopeSender);
        }
        catch (MimeFormatException e)
        {
            log.LogInformation("Inbound e-mail refused: not a message ({Reason})", e.Message);
            return new InboundEmailResult.Malformed(e.Message);
        }
        var message = mail.Message;

        // The organisation: the envelope recipient the MTA passed, else the message's own delivery headers, To and Cc.
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(recipient)) candidates.Add(recipient.Trim());
        candidates.AddRange(MailThreading.RecipientAddresses(message));
        var settings = await FindSettingsAsync(candidates, ct);
        if (settings is null) return new InboundEmailResult.UnknownRecipient();
        var organisationId = settings.OrganisationId;

        var messageId = message.MessageId is { Length: > 0 and <= InboundMessage.MaxKeyLength } id ? id : null;
        var key = messageId ?? "sha256:" + mail.ContentHash;
        var pattern = settings.ReplyAddressPattern is { } p ? new ReplyAddressPattern(p) : null;
        var token = pattern is null ? null : MailThreading.FindReplyToken(candidates, pattern);
        var kind = mail.Classification.Kind;

        if (await db.Set<InboundMessage>().AsNoTracking()
                .Where(m => m.OrganisationId == organisationId && m.Channel == InboundChannel.Email && m.Key == key)
                .Select(m => new { m.RequestId }).FirstOrDefaultAsync(ct) is { } seen)
            return new InboundEmailResult.Duplicate(seen.RequestId);

        var request = await RequestMailThreads.FindAsync(db, organisationId, mail.Keys.ReferencedIds, token, ct);
        // Small inline images are signatures and logos; a photo pasted in the text is larger and is kept.
        var (files, notes) = InboundAttachments.Filter(message.Attachments.Where(a => !a.IsInline || a.Size >= InlineImageBytes)
            .Select(a => new IncomingAttachment(a.FileName, a.MediaType, a.Content)), options);

        if (kind == InboundKind.Bounce)
            return await BounceAsync(mail, organisationId, key, ct);
        if (kind == InboundKind.MailingList)
            return await IgnoreAsync(organisationId, key, "Courriel de liste de diffusion ignoré.", mail.Classification.Reason, ct);

        if (request is not null)
        {
            // Quotes are stripped for a reply found by its token too (InboundMail strips only when it sees the token itself).
            var text = mail.Keys.ReferencedIds.Count == 0 && token is not null && message.TextBody is { } body
                ? ReplyText.Extract(body) is { Length: > 0 } stripped ? stripped : body.Trim()
                : mail.NewText ?? "";
            var auto = kind == InboundKind.AutoReply;
            var source = new InboundSource(InboundChannel.Email, key, messageId,
                auto ? "Réponse automatique jointe à la demande." : "Réponse jointe à la demande.", notes);
            if (auto) text = "Réponse automatique : " + text;
            return await append.RunAsync(request, text, files, source, reopen: !auto, ct) switch
            {
                AppendResult.Appended a => new InboundEmailResult.Appended(a.Request.Id, a.Reopened),
                AppendResult.Duplicate d => new InboundEmailResult.Duplicate(d.RequestId),
                _ => throw new InvalidOperationException(),
            };
        }
        if (kind == InboundKind.AutoReply)
            return await IgnoreAsync(organisationId, key, "Réponse automatique sans demande : ignorée.", mail.Classification.Reason, ct);

        if (settings.EmailCategoryId is null) return new InboundEmailResult.UnknownRecipient();
        var from = message.From.FirstOrDefault();
        if (from is null || !from.Address.Contains('@'))
            return await IgnoreAsync(organisationId, key, "Courriel sans expéditeur : aucune demande.", "no From", ct);
        var (first, last) = InboundSender.Names(from.DisplayName, from.LocalPart);
        var subject = message.Subject?.Trim();
        var content = (mail.NewText ?? "").Trim();
        var full = string.IsNullOrEmpty(subject) ? content : content.Length == 0 ? subject : $"Objet : {subject}\n\n{content}";
        if (full.Length == 0) full = "(courriel sans texte)";
        if (full.Length > CitizenRequest.MaxTextLength)
        {
            full = full[..(CitizenRequest.MaxTextLength - 1)] + "…";
            notes.Add($"Le courriel dépassait {CitizenRequest.MaxTextLength} caractères : la fin n'est pas reprise dans la demande.");
        }
        var incoming = new IncomingRequest(organisationId, settings.EmailCategoryId, RequestChannel.Email,
            new CitizenContact(first, last, from.Address, null), full, new Dictionary<string, string?>(), files, null,
            Source: new InboundSource(InboundChannel.Email, key, messageId, "Nouvelle demande par courriel.", notes));
        try
        {
            return await receive.RunAsync(incoming, ct) switch
            {
                ReceiveResult.Received r => new InboundEmailResult.Created(r.Request.Id),
                ReceiveResult.Refused r => new InboundEmailResult.Refused(r.Errors),
                _ => throw new InvalidOperationException(),
            };
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Two deliveries of the same message at once: the other one filed it.
            if (await SeenAgainAsync(organisationId, key, ct) is { } again) return new InboundEmailResult.Duplicate(again.RequestId);
            throw;
        }
    }

    private async Task<InboundMessage?> SeenAgainAsync(string organisationId, string key, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return await db.Set<InboundMessage>().AsNoTracking()
            .FirstOrDefaultAsync(m => m.OrganisationId == organisationId && m.Channel == InboundChannel.Email && m.Key == key, ct);
    }

    /// <summary>A delivery report: a final failure of a mail we sent about a request is told to its agents; nothing else.</summary>
    private async Task<InboundEmailResult> BounceAsync(InboundMail mail, string organisationId, string key, CancellationToken ct)
    {
        var bounce = mail.Classification.Bounce;
        if (bounce is { IsPermanent: true, OriginalMessageId: { } original }
            && await RequestMailThreads.FindAsync(db, organisationId, [original], null, ct) is { } request)
        {
            var status = bounce.Recipients.Select(r => r.Status).FirstOrDefault(s => s is not null);
            RequestHistory.Add(db, request, RequestEventKind.Note, null, clock.GetUtcNow().UtcDateTime,
                $"Un courriel envoyé à l'usager n'a pas pu lui être remis{(status is null ? "" : $" (code {status})")} : vérifiez son adresse ou répondez-lui par un autre moyen.",
                isPublic: false);
            return await IgnoreAsync(organisationId, key, "Avis de non-remise signalé sur la demande.", mail.Classification.Reason, ct, request.Id);
        }
        return await IgnoreAsync(organisationId, key, "Avis de non-remise ignoré.", mail.Classification.Reason, ct);
    }

    /// <summary>Keeps only the key and what was done (no address, no text), so a retry is recognised too.</summary>
    private async Task<InboundEmailResult> IgnoreAsync(string organisationId, string key, string outcome, string? reason, CancellationToken ct, string? requestId = null)
    {
        db.Add(new InboundMessage
        {
            Id = Platform.Secrets.NewId(), OrganisationId = organisationId, Channel = InboundChannel.Email, Key = key,
            RequestId = requestId, Outcome = outcome, ReceivedUtc = clock.GetUtcNow().UtcDateTime,
        });
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException e) when (e.IsUniqueViolation()) { db.ChangeTracker.Clear(); }
        log.LogInformation("Inbound e-mail for organisation {OrganisationId} ignored: {Reason}{Request}", organisationId, reason, requestId is null ? "" : $" (request {requestId})");
        return new InboundEmailResult.Ignored(outcome);
    }

    private async Task<RequestIntakeSettings?> FindSettingsAsync(IEnumerable<string> addresses, CancellationToken ct)
    {
        var plain = addresses.Select(InboundSender.PlainAddress).Where(a => a is not null).Cast<string>().Distinct().Take(50).ToList();
        if (plain.Count == 0) return null;
        var found = await db.Set<RequestIntakeSettings>().AsNoTracking().Where(s => s.InboundEmail != null && plain.Contains(s.InboundEmail)).ToListAsync(ct);
        // The first address in the caller's order wins (the envelope recipient before the headers).
        return plain.Select(a => found.FirstOrDefault(s => s.InboundEmail == a)).FirstOrDefault(s => s is not null);
    }
}
