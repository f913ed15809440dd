using Guichet.Domain.Requests;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>
/// Indexes that keep the agents' inbox fast over a million requests (bench `requests`, migration 0019). The inbox
/// reads an organisation's open requests by due date, 200 at a time: a partial index on exactly the open states,
/// in that order, answers it by reading 200 index entries instead of sorting every open request.
/// </summary>
public static class InboxIndexes
{
    /// <summary>The open states, written as the inbox query inlines them: the partial index matches only that text.</summary>
    public const string OpenFilter = "\"status\" IN ('Received', 'Assigned', 'InProgress', 'AwaitingApproval')";

    public static readonly RequestStatus[] Open =
        [RequestStatus.Received, RequestStatus.Assigned, RequestStatus.InProgress, RequestStatus.AwaitingApproval];

    internal static void Map(ModelBuilder b) => b.Entity<CitizenRequest>(e =>
    {
        e.HasIndex(x => new { x.OrganisationId, x.DueDate, x.ReceivedUtc }, "IX_citizen_requests_open_inbox").HasFilter(OpenFilter);
        // "Toutes" (every state) in due-date order.
        e.HasIndex(x => new { x.OrganisationId, x.DueDate, x.ReceivedUtc }, "IX_citizen_requests_inbox_all");
    });
}
