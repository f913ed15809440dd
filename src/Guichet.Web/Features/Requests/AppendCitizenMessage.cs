using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

public abstract record AppendResult
{
    public sealed record Appended(CitizenRequest Request, bool Reopened) : AppendResult;
    /// <summary>The same message came before (a retry): nothing was added.</summary>
    public sealed record Duplicate(string? RequestId) : AppendResult;
}

/// <summary>
/// A citizen writes again about a request (a reply by e-mail, an SMS): the new text goes into the history as the
/// citizen's message with its attachments, a request that waited for the citizen (answered) is reopened, and nothing is
/// sent back: the citizen already has the acknowledgement. Saved in one transaction with the message's retry key.
/// </summary>
public sealed class AppendCitizenMessage(GuichetDb db, TimeProvider clock, ILogger<AppendCitizenMessage> log)
{
    /// <param name="request">tracked, found by the caller within the right organisation.</param>
    /// <param name="attachments">already filtered by <see cref="InboundAttachments.Filter"/>; the source's notes say what was not kept.</param>
    /// <param name="reopen">false for an automatic answer (out of office): recorded, but it asks for nothing.</param>
    public async Task<AppendResult> RunAsync(CitizenRequest request, string text, IReadOnlyList<IncomingAttachment> attachments, InboundSource source,
        bool reopen, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var notes = source.Notes.ToList();
        var body = text.Replace("\0", "").Trim();
        if (body.Length == 0) body = "(message sans texte)";
        if (body.Length > RequestEvent.MaxTextLength)
        {
            body = body[..(RequestEvent.MaxTextLength - 1)] + "…";
            notes.Add($"Le message dépassait {RequestEvent.MaxTextLength} caractères : la fin n'est pas reprise ici.");
        }
        db.Add(new InboundMessage
        {
            Id = Secrets.NewId(), OrganisationId = request.OrganisationId, Channel = source.Channel, Key = source.Key,
            RequestId = request.Id, Outcome = source.Outcome, ReceivedUtc = now,
        });
        RequestHistory.Add(db, request, RequestEventKind.CitizenMessage, null, now,
            $"({(source.Channel == InboundChannel.Email ? "courriel" : "SMS")}) {body}", isPublic: false);
        foreach (var f in attachments)
            db.Add(new RequestAttachment
            {
                Id = Secrets.NewId(), OrganisationId = request.OrganisationId, RequestId = request.Id, FileName = f.FileName,
                ContentType = f.ContentType, Size = f.Content.Length, Content = f.Content, CreatedUtc = now,
            });
        foreach (var note in notes) RequestHistory.Add(db, request, RequestEventKind.Note, null, now, note, isPublic: false);
        var reopened = false;
        if (reopen && request.Status == RequestStatus.Answered && RequestLifecycle.IsAllowed(request.Status, RequestStatus.InProgress))
        {
            RequestHistory.Add(db, request, RequestEventKind.StatusChanged, null, now, "L'usager a répondu.", isPublic: true,
                from: request.Status, to: RequestStatus.InProgress);
            request.Status = RequestStatus.InProgress;
            reopened = true;
        }
        else if (request.Status is RequestStatus.Closed or RequestStatus.Rejected)
            RequestHistory.Add(db, request, RequestEventKind.Note, null, now,
                $"Message reçu sur une demande « {RequestLifecycle.Label(request.Status)} » : elle n'est pas rouverte.", isPublic: false);
        request.UpdatedUtc = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            return new AppendResult.Duplicate(await InboundAttachments.KnownAsync(db, request.OrganisationId, source, ct));
        }
        log.LogInformation("Citizen message appended to request {RequestId} by {Channel}{Reopened}", request.Id, source.Channel, reopened ? ", reopened" : "");
        return new AppendResult.Appended(request, reopened);
    }
}

/// <summary>What a door keeps of the files a citizen sent: the web form's rules, but a refused file never refuses the message.</summary>
public static class InboundAttachments
{
    /// <summary>The files <see cref="ReceiveRequest"/> would accept, and a French note for each one left out.</summary>
    public static (List<IncomingAttachment> Kept, List<string> Notes) Filter(IEnumerable<IncomingAttachment> files, RequestsOptions options)
    {
        var kept = new List<IncomingAttachment>();
        var notes = new List<string>();
        foreach (var f in files.Where(f => f.Content.Length > 0))
        {
            var name = new string(Path.GetFileName((f.FileName ?? "").Replace('\\', '/')).Where(ch => !char.IsControl(ch) && ch is not ('"' or '/' or '\\')).ToArray()).Trim();
            if (name.Length == 0) name = "piece-jointe";
            if (name.Length > 150) name = name[^150..];
            if (kept.Count >= options.MaxAttachments)
                notes.Add($"Pièce jointe non conservée : « {name} » (au plus {options.MaxAttachments} fichiers par message).");
            else if (f.Content.Length > options.MaxAttachmentBytes)
                notes.Add($"Pièce jointe non conservée : « {name} » dépasse {Math.Max(1, options.MaxAttachmentBytes / (1024 * 1024))} Mo. Demandez-la à l'usager par un autre moyen si elle est utile.");
            else if (ReceiveRequest.Sniff(f.Content) is not { } type)
                notes.Add($"Pièce jointe non conservée : « {name} » n'est ni un PDF, ni une image JPEG ou PNG.");
            else kept.Add(f with { FileName = name, ContentType = type });
        }
        return (kept, notes);
    }

    /// <summary>The request a message with this key went to before, or null (it was ignored, or never came).</summary>
    public static Task<string?> KnownAsync(GuichetDb db, string organisationId, InboundSource source, CancellationToken ct) =>
        db.Set<InboundMessage>().AsNoTracking()
            .Where(m => m.OrganisationId == organisationId && m.Channel == source.Channel && m.Key == source.Key)
            .Select(m => m.RequestId).FirstOrDefaultAsync(ct);

    public static Task<bool> SeenAsync(GuichetDb db, string organisationId, InboundSource source, CancellationToken ct) =>
        db.Set<InboundMessage>().AsNoTracking().AnyAsync(m => m.OrganisationId == organisationId && m.Channel == source.Channel && m.Key == source.Key, ct);
}
