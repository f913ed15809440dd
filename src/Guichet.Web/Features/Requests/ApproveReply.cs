using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>
/// The approval circuit (parapheur) of a category whose replies "passent par un visa puis une signature": the agent's
/// reply is a draft; a supervisor or an administrator gives the visa, then an administrator signs, and only then the
/// reply leaves through the outbox like any other. Either of them can reject it with a comment, which gives it back
/// to its author. Each step is an event of the history; a step is taken once even when two people click together.
/// </summary>
public sealed class ApproveReply(GuichetDb db, RequestMessages messages, TimeProvider clock)
{
    public const int MaxCommentLength = RequestEvent.MaxTextLength;

    public static bool CanVisa(Agent agent) => agent.Role is AgentRole.Supervisor or AgentRole.Administrator;
    public static bool CanSign(Agent agent) => agent.Role is AgentRole.Administrator;

    public static string StageLabel(DraftStage stage) => stage switch
    {
        DraftStage.AwaitingVisa => "À viser",
        DraftStage.AwaitingSignature => "À signer",
        DraftStage.Signed => "Signée et envoyée",
        DraftStage.Rejected => "Refusée",
        _ => stage.ToString(),
    };

    /// <summary>Called by <see cref="HandleRequest.ReplyAsync"/> when the category needs approval: the text becomes a draft.</summary>
    internal static async Task<HandleResult> SubmitAsync(GuichetDb db, Agent agent, CitizenRequest r, string text, DateTime now, CancellationToken ct)
    {
        if (await db.Set<ReplyDraft>().AnyAsync(d => d.RequestId == r.Id && (d.Stage == DraftStage.AwaitingVisa || d.Stage == DraftStage.AwaitingSignature), ct))
            return new HandleResult.Refused("reply", "Une réponse attend déjà son visa ou sa signature : attendez-la, ou faites-la refuser.");
        // The request goes to "awaiting approval" through the table's own steps (work starts, then approval).
        foreach (var step in r.Status switch
        {
            RequestStatus.Received or RequestStatus.Assigned or RequestStatus.Answered => [RequestStatus.InProgress, RequestStatus.AwaitingApproval],
            RequestStatus.InProgress => [RequestStatus.AwaitingApproval],
            _ => Array.Empty<RequestStatus>(),
        })
        {
            if (!RequestLifecycle.IsAllowed(r.Status, step)) break;
            RequestHistory.Add(db, r, RequestEventKind.StatusChanged, agent.Id, now, null, isPublic: true, from: r.Status, to: step);
            r.Status = step;
        }
        if (r.Status != RequestStatus.AwaitingApproval)
            return new HandleResult.Refused("reply", $"Une demande « {RequestLifecycle.Label(r.Status)} » ne peut pas recevoir de réponse.");
        var draft = new ReplyDraft
        {
            Id = Secrets.NewId(), OrganisationId = r.OrganisationId, RequestId = r.Id, AuthorAgentId = agent.Id, Text = text,
            Stage = DraftStage.AwaitingVisa, CreatedUtc = now, UpdatedUtc = now,
        };
        db.Add(draft);
        RequestHistory.Add(db, r, RequestEventKind.DraftSubmitted, agent.Id, now, text, isPublic: false);
        r.UpdatedUtc = now;
        await db.SaveChangesAsync(ct);
        return new HandleResult.Done("La réponse est transmise pour visa : elle partira une fois visée puis signée.");
    }

    public Task<HandleResult> VisaAsync(Agent agent, string requestId, string? comment, CancellationToken ct) =>
        StepAsync(agent, requestId, DraftStage.AwaitingVisa, comment, ct, (r, draft, text, now) =>
        {
            if (!CanVisa(agent)) return Task.FromResult<HandleResult>(new HandleResult.Refused("visa", "Seul un responsable ou un administrateur de la collectivité donne le visa."));
            draft.Stage = DraftStage.AwaitingSignature;
            draft.VisaAgentId = agent.Id;
            RequestHistory.Add(db, r, RequestEventKind.DraftVisaed, agent.Id, now, text, isPublic: false);
            return Task.FromResult<HandleResult>(new HandleResult.Done("Visa donné : la réponse attend maintenant sa signature."));
        });

    public Task<HandleResult> SignAsync(Agent agent, string requestId, string? comment, CancellationToken ct) =>
        StepAsync(agent, requestId, DraftStage.AwaitingSignature, comment, ct, async (r, draft, text, now) =>
        {
            if (!CanSign(agent)) return new HandleResult.Refused("sign", "Seul un administrateur de la collectivité signe les réponses.");
            draft.Stage = DraftStage.Signed;
            draft.SignedAgentId = agent.Id;
            RequestHistory.Add(db, r, RequestEventKind.DraftSigned, agent.Id, now, text, isPublic: false);
            // The reply is the author's; it leaves now, on the request's channel, like an unapproved one.
            var sent = await HandleRequest.SendReplyAsync(db, messages, r, draft.AuthorAgentId, draft.Text, now, ct);
            return new HandleResult.Done("Réponse signée. " + HandleRequest.SentMessage(sent));
        });

    public async Task<HandleResult> RejectAsync(Agent agent, string requestId, string? comment, CancellationToken ct)
    {
        var stage = await db.Set<ReplyDraft>().Where(d => d.RequestId == requestId && d.OrganisationId == agent.OrganisationId
                && (d.Stage == DraftStage.AwaitingVisa || d.Stage == DraftStage.AwaitingSignature))
            .Select(d => (DraftStage?)d.Stage).FirstOrDefaultAsync(ct);
        if (stage is null)
            return await db.CitizenRequests.AnyAsync(r => r.Id == requestId && r.OrganisationId == agent.OrganisationId, ct)
                ? new HandleResult.Refused("rejectComment", "Aucune réponse n'attend de visa ni de signature.")
                : new HandleResult.NotFound();
        return await StepAsync(agent, requestId, stage.Value, comment, ct, (r, draft, text, now) =>
        {
            if (stage == DraftStage.AwaitingVisa ? !CanVisa(agent) : !CanSign(agent))
                return Task.FromResult<HandleResult>(new HandleResult.Refused("rejectComment", stage == DraftStage.AwaitingVisa
                    ? "Seul un responsable ou un administrateur de la collectivité peut refuser une réponse à viser."
                    : "Seul un administrateur de la collectivité peut refuser une réponse à signer."));
            if (text is null) return Task.FromResult<HandleResult>(new HandleResult.Refused("rejectComment", "Dites pourquoi la réponse est refusée : l'auteur en a besoin pour la reprendre."));
            draft.Stage = DraftStage.Rejected;
            draft.RejectedAgentId = agent.Id;
            draft.RejectionComment = text;
            RequestHistory.Add(db, r, RequestEventKind.DraftRejected, agent.Id, now, text, isPublic: false);
            // Back to its author, to be worked on again.
            if (RequestLifecycle.IsAllowed(r.Status, RequestStatus.InProgress))
            {
                RequestHistory.Add(db, r, RequestEventKind.StatusChanged, agent.Id, now, null, isPublic: true, from: r.Status, to: RequestStatus.InProgress);
                r.Status = RequestStatus.InProgress;
            }
            r.AssigneeAgentId = draft.AuthorAgentId;
            return Task.FromResult<HandleResult>(new HandleResult.Done("La réponse est refusée et rendue à son auteur avec votre commentaire."));
        }, requireComment: false);
    }

    /// <summary>
    /// One step on the request's pending draft, inside one transaction that first moves the draft out of
    /// <paramref name="expected"/> with a conditional update: of two people acting at once, one wins, the other is told.
    /// </summary>
    private async Task<HandleResult> StepAsync(Agent agent, string requestId, DraftStage expected, string? comment, CancellationToken ct,
        Func<CitizenRequest, ReplyDraft, string?, DateTime, Task<HandleResult>> act, bool requireComment = false)
    {
        var r = await db.CitizenRequests.FirstOrDefaultAsync(x => x.Id == requestId && x.OrganisationId == agent.OrganisationId, ct);
        if (r is null) return new HandleResult.NotFound();
        var text = comment?.Trim().Replace("\0", "");
        if (string.IsNullOrEmpty(text)) text = null;
        if (text is { Length: > MaxCommentLength }) return new HandleResult.Refused("rejectComment", $"Le commentaire dépasse {MaxCommentLength} caractères.");
        if (requireComment && text is null) return new HandleResult.Refused("rejectComment", "Écrivez un commentaire.");
        var draft = await db.Set<ReplyDraft>().FirstOrDefaultAsync(d => d.RequestId == r.Id && d.Stage == expected, ct);
        if (draft is null)
            return new HandleResult.Refused(expected == DraftStage.AwaitingVisa ? "visa" : "sign",
                expected == DraftStage.AwaitingVisa ? "Aucune réponse n'attend de visa sur cette demande." : "Aucune réponse n'attend de signature sur cette demande.");
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await act(r, draft, text, now);
        if (result is not HandleResult.Done) return result;
        var next = draft.Stage;
        var moved = await db.Set<ReplyDraft>().Where(d => d.Id == draft.Id && d.Stage == expected)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Stage, next).SetProperty(d => d.UpdatedUtc, now), ct);
        if (moved == 0)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return new HandleResult.Refused(expected == DraftStage.AwaitingVisa ? "visa" : "sign", "Quelqu'un vient de traiter cette réponse : rechargez la page.");
        }
        draft.UpdatedUtc = now;
        r.UpdatedUtc = now;
        // The stage is already written: the tracked copy must not write it again (same value, but keep it one update).
        db.Entry(draft).Property(d => d.Stage).IsModified = false;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return result;
    }
}
