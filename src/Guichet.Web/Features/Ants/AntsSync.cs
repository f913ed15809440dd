using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Guichet.Web.Features.Ants;

/// <summary>
/// Writes the ANTS calls an appointment's life causes into ants_sync_jobs, in the caller's transaction (nothing is
/// saved here): declare after a booking, delete after a cancellation, delete then declare after a move. Only deposit
/// motifs are declared: ANTS's list is there to stop the hoarding of deposit slots.
/// </summary>
public sealed class AntsSync(GuichetDb db, CoordinationClient client, IOptions<AntsOptions> options, AppOptions app, TimeProvider clock)
{
    public static bool IsDeposit(string reasonCode) => HubApi.Reasons.Contains(reasonCode);

    /// <summary>Where our management URLs start; ANTS's lists hold other editors' appointments too.</summary>
    public string OwnUrlPrefix => $"{BaseUrl}/rendez-vous/";

    private string BaseUrl => (string.IsNullOrEmpty(options.Value.PublicBaseUrl) ? app.PublicBaseUrl : options.Value.PublicBaseUrl).TrimEnd('/');

    /// <summary>One URL per (appointment, number): ANTS refuses a URL it already holds ("Already exists in database").</summary>
    public string ManagementUrl(Appointment a, string applicationId) => $"{OwnUrlPrefix}{a.Code}?demande={applicationId}";

    public void AddAfterBooking(Appointment appointment, Site site, bool check)
    {
        var numbers = Numbers(appointment);
        if (!client.Configured || numbers.Count == 0) return;
        var seq = 0;
        // The check first: when ANTS was down at booking, a number it then refuses is not declared blindly before.
        if (check) db.Set<AntsSyncJob>().Add(Job(appointment, site, ++seq, AntsJobKind.Check, string.Join(' ', numbers), null));
        if (!IsDeposit(appointment.ReasonCode)) return;
        foreach (var number in numbers)
            db.Set<AntsSyncJob>().Add(Job(appointment, site, ++seq, AntsJobKind.Declare, number, ManagementUrl(appointment, number)));
    }

    /// <summary>Deletes at ANTS whatever was (or is about to be) declared for the appointment.</summary>
    public async Task AddAfterCancellationAsync(Appointment appointment, CancellationToken ct)
    {
        if (!client.Configured) return;
        var jobs = await db.Set<AntsSyncJob>().AsNoTracking().Where(j => j.AppointmentId == appointment.Id).OrderBy(j => j.Seq).ToListAsync(ct);
        var seq = jobs.Count == 0 ? 0 : jobs.Max(j => j.Seq);
        foreach (var declared in Standing(jobs))
            db.Set<AntsSyncJob>().Add(Copy(declared, ++seq, AntsJobKind.Delete));
    }

    /// <summary>
    /// A move (new time or site): ANTS has no update, so delete what was declared, then declare the new values.
    /// Call after changing the appointment's start and site, before saving. Rescheduling itself comes later.
    /// </summary>
    public async Task AddMoveAsync(Appointment appointment, Site newSite, CancellationToken ct)
    {
        if (!client.Configured) return;
        var jobs = await db.Set<AntsSyncJob>().AsNoTracking().Where(j => j.AppointmentId == appointment.Id).OrderBy(j => j.Seq).ToListAsync(ct);
        var seq = jobs.Count == 0 ? 0 : jobs.Max(j => j.Seq);
        foreach (var declared in Standing(jobs))
            db.Set<AntsSyncJob>().Add(Copy(declared, ++seq, AntsJobKind.Delete));
        if (!IsDeposit(appointment.ReasonCode)) return;
        foreach (var number in Numbers(appointment))
            db.Set<AntsSyncJob>().Add(Job(appointment, newSite, ++seq, AntsJobKind.Declare, number, ManagementUrl(appointment, number)));
    }

    /// <summary>Declarations not yet deleted by a later job; a declare ANTS refused left nothing to delete.</summary>
    private static IEnumerable<AntsSyncJob> Standing(List<AntsSyncJob> jobs) =>
        jobs.Where(j => j.Kind == AntsJobKind.Declare && j.Status != AntsJobStatus.Failed
                        && !jobs.Any(d => d.Kind == AntsJobKind.Delete && d.Seq > j.Seq && d.ApplicationIds == j.ApplicationIds));

    private static List<string> Numbers(Appointment a) => a.PreRequestNumbers.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();

    private AntsSyncJob Job(Appointment a, Site site, int seq, AntsJobKind kind, string ids, string? url)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new AntsSyncJob
        {
            Id = Secrets.NewId(), OrganisationId = a.OrganisationId, AppointmentId = a.Id, Seq = seq, Kind = kind, ApplicationIds = ids,
            MeetingPointId = site.Id, MeetingPoint = site.Name, LocalStart = CoordinationClient.AppointmentDate(FrenchDates.ToLocal(a.StartUtc, site.TimeZone)),
            ManagementUrl = url, Deposit = IsDeposit(a.ReasonCode), Status = AntsJobStatus.Pending, NextAttemptUtc = now, CreatedUtc = now,
        };
    }

    private AntsSyncJob Copy(AntsSyncJob declared, int seq, AntsJobKind kind)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new AntsSyncJob
        {
            Id = Secrets.NewId(), OrganisationId = declared.OrganisationId, AppointmentId = declared.AppointmentId, Seq = seq, Kind = kind,
            ApplicationIds = declared.ApplicationIds, MeetingPointId = declared.MeetingPointId, MeetingPoint = declared.MeetingPoint,
            LocalStart = declared.LocalStart, ManagementUrl = declared.ManagementUrl, Deposit = declared.Deposit,
            Status = AntsJobStatus.Pending, NextAttemptUtc = now, CreatedUtc = now,
        };
    }
}
