using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>
/// Merge a duplicate into another request of the same organisation (the duplicate becomes "Fusionnée", linked to its
/// target; its history and attachments stay reachable from the target; its tracking code keeps working and says
/// where it went), and split one request into two (the new one is filed through <see cref="ReceiveRequest"/>: its
/// own tracking code, deadline and acknowledgement to the citizen; a link both ways).
/// </summary>
public sealed class MergeRequests(GuichetDb db, ReceiveRequest receive, TimeProvider clock)
{
    public async Task<HandleResult> MergeAsync(Agent agent, string id, string? targetCode, CancellationToken ct)
    {
        var source = await db.CitizenRequests.FirstOrDefaultAsync(r => r.Id == id && r.OrganisationId == agent.OrganisationId, ct);
        if (source is null) return new HandleResult.NotFound();
        var code = TrackingCode.Normalise(targetCode);
        if (code is null) return new HandleResult.Refused("targetCode", "Indiquez le code de suivi de la demande qui la remplace (8 lettres).");
        var target = await db.CitizenRequests.FirstOrDefaultAsync(r => r.TrackingCode == code && r.OrganisationId == agent.OrganisationId, ct);
        // Another organisation's code reads as unknown: codes never leak across organisations.
        if (target is null) return new HandleResult.Refused("targetCode", "Aucune demande de votre collectivité n'a ce code de suivi.");
        if (target.Id == source.Id) return new HandleResult.Refused("targetCode", "Une demande ne se fusionne pas avec elle-même.");
        if (target.Status is RequestStatus.Merged or RequestStatus.Closed)
            return new HandleResult.Refused("targetCode", $"La demande {TrackingCode.Display(target.TrackingCode)} est « {RequestLifecycle.Label(target.Status)} » : fusionnez dans une demande encore suivie.");
        if (RequestLifecycle.Check(source.Status, RequestStatus.Merged) is { } refused) return new HandleResult.Refused("targetCode", refused);

        var now = clock.GetUtcNow().UtcDateTime;
        var (sourceCode, into) = (TrackingCode.Display(source.TrackingCode), TrackingCode.Display(target.TrackingCode));
        RequestHistory.Add(db, source, RequestEventKind.StatusChanged, agent.Id, now, null, isPublic: true, from: source.Status, to: RequestStatus.Merged);
        RequestHistory.Add(db, source, RequestEventKind.Merged, agent.Id, now,
            $"Demande fusionnée avec la demande {into}, qui la remplace : son suivi continue sous ce code.", isPublic: true);
        RequestHistory.Add(db, target, RequestEventKind.Merged, agent.Id, now, $"La demande {sourceCode} y est fusionnée.", isPublic: false);
        source.Status = RequestStatus.Merged;
        source.AssigneeAgentId = null;
        source.UpdatedUtc = now;
        target.UpdatedUtc = now;
        db.Add(new RequestLink
        {
            Id = Secrets.NewId(), OrganisationId = source.OrganisationId, FromRequestId = source.Id, ToRequestId = target.Id,
            Kind = RequestLinkKind.MergedInto, AgentId = agent.Id, CreatedUtc = now,
        });
        await db.SaveChangesAsync(ct);
        return new HandleResult.Done($"La demande est fusionnée dans la demande {into}.");
    }

    /// <summary>Files a new request for part of <paramref name="id"/>: category (hence unit) and text chosen by the agent.</summary>
    public async Task<(HandleResult Result, string? NewId)> SplitAsync(Agent agent, string id, string? categoryId, string? text, CancellationToken ct)
    {
        var source = await db.CitizenRequests.FirstOrDefaultAsync(r => r.Id == id && r.OrganisationId == agent.OrganisationId, ct);
        if (source is null) return (new HandleResult.NotFound(), null);
        if (!RequestLifecycle.IsOpen(source.Status))
            return (new HandleResult.Refused("splitText", $"Une demande « {RequestLifecycle.Label(source.Status)} » ne se scinde plus."), null);
        if (string.IsNullOrWhiteSpace(text)) return (new HandleResult.Refused("splitText", "Écrivez la partie de la demande traitée à part."), null);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incoming = new IncomingRequest(agent.OrganisationId, categoryId ?? "", source.Channel,
            new CitizenContact(source.FirstName, source.LastName, source.Email, source.Phone, source.PostalAddress), text,
            new Dictionary<string, string?>(), [], source.Latitude is null && source.LocationAddress is null ? null : new RequestLocation(source.Latitude, source.Longitude, source.LocationAddress),
            RegisteredByAgentId: agent.Id, SplitFromRequestId: source.Id, ReceivedUtc: source.ReceivedUtc);
        switch (await receive.RunAsync(incoming, ct))
        {
            case ReceiveResult.Refused refused:
                await tx.RollbackAsync(ct);
                var first = refused.Errors[0];
                return (new HandleResult.Refused(first.Field is "category" ? "splitCategoryId" : first.Field is "text" ? "splitText" : "splitText", first.Message), null);
            case ReceiveResult.Received received:
                var now = clock.GetUtcNow().UtcDateTime;
                var created = received.Request;
                var (oldCode, newCode) = (TrackingCode.Display(source.TrackingCode), TrackingCode.Display(created.TrackingCode));
                db.Add(new RequestLink
                {
                    Id = Secrets.NewId(), OrganisationId = source.OrganisationId, FromRequestId = created.Id, ToRequestId = source.Id,
                    Kind = RequestLinkKind.SplitFrom, AgentId = agent.Id, CreatedUtc = now,
                });
                RequestHistory.Add(db, source, RequestEventKind.Split, agent.Id, now,
                    $"Une partie de la demande est traitée à part sous le code {newCode} ({received.Unit.Name}).", isPublic: true);
                RequestHistory.Add(db, created, RequestEventKind.Split, agent.Id, now, $"Créée à partir de la demande {oldCode}.", isPublic: true);
                source.UpdatedUtc = now;
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return (new HandleResult.Done($"Nouvelle demande {newCode} créée pour le service « {received.Unit.Name} » ; l'usager en reçoit l'accusé de réception."), created.Id);
            default:
                throw new InvalidOperationException();
        }
    }
}
