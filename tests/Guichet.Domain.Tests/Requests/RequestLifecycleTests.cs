using Guichet.Domain.Requests;

namespace Guichet.Domain.Tests.Requests;

public class RequestLifecycleTests
{
    [Theory]
    [InlineData(RequestStatus.Received, RequestStatus.Assigned)]
    [InlineData(RequestStatus.Received, RequestStatus.InProgress)]
    [InlineData(RequestStatus.Received, RequestStatus.Rejected)]
    [InlineData(RequestStatus.Assigned, RequestStatus.Received)]
    [InlineData(RequestStatus.Assigned, RequestStatus.InProgress)]
    [InlineData(RequestStatus.InProgress, RequestStatus.AwaitingApproval)]
    [InlineData(RequestStatus.InProgress, RequestStatus.Answered)]
    [InlineData(RequestStatus.AwaitingApproval, RequestStatus.Answered)]
    [InlineData(RequestStatus.AwaitingApproval, RequestStatus.InProgress)]
    [InlineData(RequestStatus.Answered, RequestStatus.Closed)]
    [InlineData(RequestStatus.Answered, RequestStatus.InProgress)]
    [InlineData(RequestStatus.Rejected, RequestStatus.Closed)]
    [InlineData(RequestStatus.Received, RequestStatus.Merged)]
    [InlineData(RequestStatus.Assigned, RequestStatus.Merged)]
    [InlineData(RequestStatus.InProgress, RequestStatus.Merged)]
    public void The_table_allows_the_moves_of_a_request_handled_normally(RequestStatus from, RequestStatus to)
    {
        Assert.Null(RequestLifecycle.Check(from, to));
        Assert.Contains(to, RequestLifecycle.Next(from));
    }

    [Theory]
    [InlineData(RequestStatus.Received, RequestStatus.Closed, "Une demande « Reçue » ne peut pas passer à « Close ».")]
    [InlineData(RequestStatus.Received, RequestStatus.AwaitingApproval, "Une demande « Reçue » ne peut pas passer à « En attente de validation ».")]
    [InlineData(RequestStatus.AwaitingApproval, RequestStatus.Rejected, "Une demande « En attente de validation » ne peut pas passer à « Rejetée ».")]
    [InlineData(RequestStatus.Closed, RequestStatus.InProgress, "Cette demande est close : son état ne change plus.")]
    [InlineData(RequestStatus.Closed, RequestStatus.Received, "Cette demande est close : son état ne change plus.")]
    [InlineData(RequestStatus.Answered, RequestStatus.Answered, "Cette demande est déjà « Répondue ».")]
    [InlineData(RequestStatus.Rejected, RequestStatus.Answered, "Une demande « Rejetée » ne peut pas passer à « Répondue ».")]
    [InlineData(RequestStatus.AwaitingApproval, RequestStatus.Merged, "Une demande « En attente de validation » ne peut pas passer à « Fusionnée ».")]
    [InlineData(RequestStatus.Answered, RequestStatus.Merged, "Une demande « Répondue » ne peut pas passer à « Fusionnée ».")]
    [InlineData(RequestStatus.Merged, RequestStatus.InProgress, "Cette demande est fusionnée dans une autre : son état ne change plus.")]
    [InlineData(RequestStatus.Merged, RequestStatus.Received, "Cette demande est fusionnée dans une autre : son état ne change plus.")]
    public void Moves_outside_the_table_are_refused_with_a_french_reason(RequestStatus from, RequestStatus to, string reason)
    {
        Assert.Equal(reason, RequestLifecycle.Check(from, to));
        Assert.False(RequestLifecycle.IsAllowed(from, to));
    }

    [Fact]
    public void An_unknown_status_is_refused_not_thrown()
    {
        Assert.Equal("Cet état n'existe pas.", RequestLifecycle.Check(RequestStatus.Received, (RequestStatus)42));
    }

    [Fact]
    public void Closed_and_merged_are_final_and_every_other_state_has_a_way_out()
    {
        Assert.Empty(RequestLifecycle.Next(RequestStatus.Closed));
        Assert.Empty(RequestLifecycle.Next(RequestStatus.Merged));
        foreach (var s in Enum.GetValues<RequestStatus>().Where(s => s is not RequestStatus.Closed and not RequestStatus.Merged))
            Assert.NotEmpty(RequestLifecycle.Next(s));
    }

    [Theory]
    [InlineData(RequestStatus.Received, true)]
    [InlineData(RequestStatus.Assigned, true)]
    [InlineData(RequestStatus.InProgress, true)]
    [InlineData(RequestStatus.AwaitingApproval, true)]
    [InlineData(RequestStatus.Answered, false)]
    [InlineData(RequestStatus.Rejected, false)]
    [InlineData(RequestStatus.Closed, false)]
    [InlineData(RequestStatus.Merged, false)]
    public void Only_open_requests_count_against_their_deadline(RequestStatus status, bool open) =>
        Assert.Equal(open, RequestLifecycle.IsOpen(status));
}
