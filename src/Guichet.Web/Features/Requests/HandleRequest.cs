using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

public abstract record HandleResult
{
    public sealed record Done(string Message) : HandleResult;
    public sealed record Refused(string Field, string Message) : HandleResult;
    public sealed record NotFound : HandleResult;
}

/// <summary>
/// What an agent does to a request: take it, move it through the state machine, note, reply to the citizen,
/// transfer it to another unit. Always inside the agent's organisation (any other request is "not found"), and every
/// action is one event of the history, saved with the change.
/// </summary>
public sealed class HandleRequest(GuichetDb db, RequestMessages messages, TimeProvider clock)
{
    public const int MaxTextLength = RequestEvent.MaxTextLength;

    /// <summary>The request if the agent's organisation owns it; null otherwise, whatever the reason.</summary>
    public Task<CitizenRequest?> FindAsync(Agent agent, string id, CancellationToken ct) =>
        db.CitizenRequests.FirstOrDefaultAsync(r => r.Id == id && r.OrganisationId == agent.OrganisationId, ct);

    public Task<HandleResult> AssignToMeAsync(Agent agent, string id, CancellationToken ct) => RunAsync(agent, id, ct, (r, now) =>
    {
        if (r.AssigneeAgentId == agent.Id) return new HandleResult.Refused("assign", "Cette demande vous est déjà attribuée.");
        if (!RequestLifecycle.IsOpen(r.Status)) return new HandleResult.Refused("assign", $"Une demande « {RequestLifecycle.Label(r.Status)} » ne s'attribue plus.");
        var from = r.Status;
        r.AssigneeAgentId = agent.Id;
        if (r.Status == RequestStatus.Received) r.Status = RequestStatus.Assigned;
        RequestHistory.Add(db, r, RequestEventKind.Assigned, agent.Id, now, $"Attribuée à {agent.DisplayName}.", isPublic: false,
            from: from == r.Status ? null : from, to: from == r.Status ? null : r.Status);
        return new HandleResult.Done("La demande vous est attribuée.");
    });

    public Task<HandleResult> ChangeStatusAsync(Agent agent, string id, string? status, string? comment, CancellationToken ct) => RunAsync(agent, id, ct, (r, now) =>
    {
        if (!Enum.TryParse<RequestStatus>(status, ignoreCase: false, out var to) || !Enum.IsDefined(to))
            return new HandleResult.Refused("status", "Choisissez un nouvel état dans la liste.");
        if (RequestLifecycle.Check(r.Status, to) is { } refused) return new HandleResult.Refused("status", refused);
        var text = Trim(comment);
        if (text is { Length: > MaxTextLength }) return new HandleResult.Refused("comment", $"Le commentaire dépasse {MaxTextLength} caractères.");
        var from = r.Status;
        r.Status = to;
        if (to == RequestStatus.Received) r.AssigneeAgentId = null;
        RequestHistory.Add(db, r, RequestEventKind.StatusChanged, agent.Id, now, text, isPublic: true, from: from, to: to);
        return new HandleResult.Done($"La demande est maintenant « {RequestLifecycle.Label(to)} ».");
    });

    public Task<HandleResult> AddNoteAsync(Agent agent, string id, string? note, CancellationToken ct) => RunAsync(agent, id, ct, (r, now) =>
    {
        var text = Trim(note);
        if (text is null) return new HandleResult.Refused("note", "Écrivez la note.");
        if (text.Length > MaxTextLength) return new HandleResult.Refused("note", $"La note dépasse {MaxTextLength} caractères.");
        RequestHistory.Add(db, r, RequestEventKind.Note, agent.Id, now, text, isPublic: false);
        return new HandleResult.Done("La note interne est ajoutée. L'usager ne la voit pas.");
    });

    public async Task<HandleResult> ReplyAsync(Agent agent, string id, string? reply, CancellationToken ct)
    {
        var r = await FindAsync(agent, id, ct);
        if (r is null) return new HandleResult.NotFound();
        var text = Trim(reply);
        if (text is null) return new HandleResult.Refused("reply", "Écrivez la réponse.");
        if (text.Length > MaxTextLength) return new HandleResult.Refused("reply", $"La réponse dépasse {MaxTextLength} caractères.");
        if (r.Status == RequestStatus.Closed) return new HandleResult.Refused("reply", "Cette demande est close : rouvrez-en une nouvelle pour répondre.");
        if (r.Status == RequestStatus.Merged) return new HandleResult.Refused("reply", "Cette demande est fusionnée dans une autre : répondez sur celle-ci.");
        var now = clock.GetUtcNow().UtcDateTime;
        // Under an approval circuit the reply is a draft: it leaves only once signed (ApproveReply).
        if (await db.Set<CategoryWorkflow>().AnyAsync(w => w.CategoryId == r.CategoryId && w.ApprovalRequired, ct))
            return await ApproveReply.SubmitAsync(db, agent, r, text, now, ct);
        var message = SentMessage(await SendReplyAsync(db, messages, r, agent.Id, text, now, ct));
        r.UpdatedUtc = now;
        await db.SaveChangesAsync(ct);
        return new HandleResult.Done(message);
    }

    /// <summary>The reply leaves: a public event, the outbox message on the citizen's channel, and the request answered.
    /// Shared by a direct reply and a signed draft.</summary>
    internal static async Task<MessageChannel?> SendReplyAsync(GuichetDb db, RequestMessages messages, CitizenRequest r, string agentId, string text, DateTime now, CancellationToken ct)
    {
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == r.OrganisationId, ct);
        var unit = await db.Set<Unit>().AsNoTracking().FirstAsync(u => u.Id == r.UnitId, ct);
        var e = RequestHistory.Add(db, r, RequestEventKind.Reply, agentId, now, text, isPublic: true);
        var sent = await messages.AddReplyAsync(r, organisation, unit, text, e.Id, ct);
        if (RequestLifecycle.IsAllowed(r.Status, RequestStatus.Answered))
        {
            RequestHistory.Add(db, r, RequestEventKind.StatusChanged, agentId, now, null, isPublic: true, from: r.Status, to: RequestStatus.Answered);
            r.Status = RequestStatus.Answered;
        }
        return sent;
    }

    internal static string SentMessage(MessageChannel? sent) => sent switch
    {
        MessageChannel.Email => "La réponse est envoyée par courriel et visible sur la page de suivi.",
        MessageChannel.Sms => "La réponse est envoyée par SMS et visible sur la page de suivi.",
        _ => "La réponse est enregistrée et visible sur la page de suivi ; l'usager n'a ni courriel ni mobile : envoyez-la aussi par courrier.",
    };

    public async Task<HandleResult> TransferAsync(Agent agent, string id, string? unitId, string? comment, CancellationToken ct)
    {
        var r = await FindAsync(agent, id, ct);
        if (r is null) return new HandleResult.NotFound();
        var unit = await db.Set<Unit>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == unitId && u.OrganisationId == agent.OrganisationId && u.Active, ct);
        if (unit is null) return new HandleResult.Refused("unitId", "Choisissez un service de la liste.");
        if (unit.Id == r.UnitId) return new HandleResult.Refused("unitId", "La demande est déjà confiée à ce service.");
        if (!RequestLifecycle.IsOpen(r.Status)) return new HandleResult.Refused("unitId", $"Une demande « {RequestLifecycle.Label(r.Status)} » ne se transfère plus.");
        var text = Trim(comment);
        if (text is { Length: > MaxTextLength }) return new HandleResult.Refused("transferComment", $"Le commentaire dépasse {MaxTextLength} caractères.");
        var now = clock.GetUtcNow().UtcDateTime;
        var from = r.Status;
        r.UnitId = unit.Id;
        r.AssigneeAgentId = null;
        r.Status = RequestStatus.Received;   // back in the new unit's basket; the deadline stays the citizen's
        r.UpdatedUtc = now;
        RequestHistory.Add(db, r, RequestEventKind.Transferred, agent.Id, now, $"Transférée au service : {unit.Name}." + (text is null ? "" : $" {text}"),
            isPublic: true, from: from == RequestStatus.Received ? null : from, to: from == RequestStatus.Received ? null : RequestStatus.Received);
        await db.SaveChangesAsync(ct);
        return new HandleResult.Done($"La demande est transférée au service « {unit.Name} ».");
    }

    /// <summary>Records that the agent opened the request: every read is an audit event (who read what, when), and the
    /// recent ones tell colleagues who else is looking at it.</summary>
    public async Task RecordViewAsync(Agent agent, CitizenRequest r, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        RequestHistory.Add(db, r, RequestEventKind.Viewed, agent.Id, now, null, isPublic: false);
        await db.SaveChangesAsync(ct);
    }

    private async Task<HandleResult> RunAsync(Agent agent, string id, CancellationToken ct, Func<CitizenRequest, DateTime, HandleResult> act)
    {
        var r = await FindAsync(agent, id, ct);
        if (r is null) return new HandleResult.NotFound();
        var now = clock.GetUtcNow().UtcDateTime;
        var result = act(r, now);
        if (result is HandleResult.Done)
        {
            r.UpdatedUtc = now;
            await db.SaveChangesAsync(ct);
        }
        return result;
    }

    private static string? Trim(string? text)
    {
        var t = text?.Trim();
        return string.IsNullOrEmpty(t) ? null : t.Replace("\0", "");
    }
}
