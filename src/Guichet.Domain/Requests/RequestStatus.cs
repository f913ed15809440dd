namespace Guichet.Domain.Requests;

/// <summary>Where a citizen's request stands.</summary>
public enum RequestStatus { Received, Assigned, InProgress, AwaitingApproval, Answered, Rejected, Closed, Merged }

/// <summary>
/// The request's state machine as one explicit table. A request is received, taken by an agent (assigned), worked
/// on, optionally sent for approval before the answer leaves, answered, then closed. It can be rejected (abusive,
/// outside the organisation's remit) while it is still open. An answered request can be reopened (the citizen
/// writes back); approval can send it back to work. Closed is final. A duplicate still open can be merged into
/// another request: Merged is final too (the request lives on in the target). Anything not in the table is refused.
/// </summary>
public static class RequestLifecycle
{
    private static readonly HashSet<(RequestStatus From, RequestStatus To)> Table =
    [
        (RequestStatus.Received, RequestStatus.Assigned),
        (RequestStatus.Received, RequestStatus.InProgress),
        (RequestStatus.Received, RequestStatus.Answered),
        (RequestStatus.Received, RequestStatus.Rejected),
        (RequestStatus.Assigned, RequestStatus.Received),          // given back to the unit's basket
        (RequestStatus.Assigned, RequestStatus.InProgress),
        (RequestStatus.Assigned, RequestStatus.Answered),
        (RequestStatus.Assigned, RequestStatus.Rejected),
        (RequestStatus.Received, RequestStatus.Merged),             // a duplicate joins its twin
        (RequestStatus.Assigned, RequestStatus.Merged),
        (RequestStatus.InProgress, RequestStatus.Merged),
        (RequestStatus.InProgress, RequestStatus.AwaitingApproval),
        (RequestStatus.InProgress, RequestStatus.Answered),
        (RequestStatus.InProgress, RequestStatus.Rejected),
        (RequestStatus.AwaitingApproval, RequestStatus.Answered),   // approved
        (RequestStatus.AwaitingApproval, RequestStatus.InProgress), // sent back with a comment
        (RequestStatus.Answered, RequestStatus.Closed),
        (RequestStatus.Answered, RequestStatus.InProgress),         // reopened
        (RequestStatus.Rejected, RequestStatus.Closed),
    ];

    /// <summary>Null when the move is allowed; otherwise why not, in French.</summary>
    public static string? Check(RequestStatus from, RequestStatus to)
    {
        if (!Enum.IsDefined(from) || !Enum.IsDefined(to)) return "Cet état n'existe pas.";
        if (from == to) return $"Cette demande est déjà « {Label(to)} ».";
        if (Table.Contains((from, to))) return null;
        if (from == RequestStatus.Merged) return "Cette demande est fusionnée dans une autre : son état ne change plus.";
        return from == RequestStatus.Closed
            ? "Cette demande est close : son état ne change plus."
            : $"Une demande « {Label(from)} » ne peut pas passer à « {Label(to)} ».";
    }

    public static bool IsAllowed(RequestStatus from, RequestStatus to) => Check(from, to) is null;

    /// <summary>The states reachable from <paramref name="from"/>, in the enum's order, for the agent's choice list.</summary>
    public static IReadOnlyList<RequestStatus> Next(RequestStatus from) =>
        Enum.GetValues<RequestStatus>().Where(to => Table.Contains((from, to))).ToList();

    /// <summary>Open requests count against their deadline; answered, rejected and closed ones do not.</summary>
    public static bool IsOpen(RequestStatus status) =>
        status is RequestStatus.Received or RequestStatus.Assigned or RequestStatus.InProgress or RequestStatus.AwaitingApproval;

    public static string Label(RequestStatus status) => status switch
    {
        RequestStatus.Received => "Reçue",
        RequestStatus.Assigned => "Attribuée",
        RequestStatus.InProgress => "En cours de traitement",
        RequestStatus.AwaitingApproval => "En attente de validation",
        RequestStatus.Answered => "Répondue",
        RequestStatus.Rejected => "Rejetée",
        RequestStatus.Closed => "Close",
        RequestStatus.Merged => "Fusionnée",
        _ => status.ToString(),
    };
}
