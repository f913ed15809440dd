using Guichet.Web.Data;
using Guichet.Web.Features.Requests;
using Guichet.Web.Features.Voice;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Quality;

/// <summary>
/// Indexes that let the dashboard group a period's rows without reading the tables (migration 0024, bench
/// `indicators`): each one starts with the organisation and the period's column, then holds every column the
/// grouping reads, so SQLite and PostgreSQL answer from the index alone.
/// </summary>
public static class QualityIndexes
{
    internal static void Map(ModelBuilder b)
    {
        b.Entity<CitizenRequest>(e =>
        {
            e.HasIndex(x => new { x.OrganisationId, x.AnsweredOn, x.UnitId, x.Channel, x.DueDate, x.AnswerWorkingDays }, "IX_citizen_requests_quality_answered");
            e.HasIndex(x => new { x.OrganisationId, x.FirstResponseOn, x.UnitId, x.FirstResponseWorkingDays }, "IX_citizen_requests_quality_first_response");
            // Backlog and overdue requests: the open ones only (the inbox's partial filter), with what they are grouped by.
            e.HasIndex(x => new { x.OrganisationId, x.UnitId, x.DueDate, x.Channel, x.AnsweredOn }, "IX_citizen_requests_quality_open").HasFilter(Requests.InboxIndexes.OpenFilter);
        });
        b.Entity<Appointment>(e =>
        {
            e.HasIndex(x => new { x.OrganisationId, x.StartUtc, x.SiteId, x.Status }, "IX_appointments_quality_start");
            e.HasIndex(x => new { x.OrganisationId, x.CreatedUtc, x.SiteId, x.Channel }, "IX_appointments_quality_created");
            // Bookings on the urgent reserve are few: a partial index counts them without reading the period's rows.
            e.HasIndex(x => new { x.OrganisationId, x.CreatedUtc, x.SiteId }, "IX_appointments_quality_urgent").HasFilter("\"urgent_justification\" IS NOT NULL");
        });
        b.Entity<VoiceCall>(e => e.HasIndex(x => new { x.OrganisationId, x.StartedUtc, x.Outcome, x.UnitId }, "IX_voice_calls_quality"));
    }
}
