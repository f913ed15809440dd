using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Agenda;

public abstract record OutcomeResult
{
    public sealed record Recorded(Appointment Appointment) : OutcomeResult;
    public sealed record NotFound : OutcomeResult;
    public sealed record Refused(string Message) : OutcomeResult;
}

/// <summary>
/// At the counter: the citizen came, did not come, or excused the absence — or the agent takes a wrong mark back.
/// Only agents of the organisation that receives the citizen; the lifecycle table decides what is allowed and when.
/// The slot stays held whatever the outcome: the time was spent (or kept) for this citizen.
/// </summary>
public sealed class RecordOutcome(GuichetDb db, TimeProvider clock, ILogger<RecordOutcome> log)
{
    public async Task<OutcomeResult> RunAsync(string appointmentId, AppointmentState to, Agent agent, CancellationToken ct)
    {
        if (agent.Role == AgentRole.Partner) return new OutcomeResult.NotFound();
        var appointment = await db.Appointments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == appointmentId && a.OrganisationId == agent.OrganisationId, ct);
        if (appointment is null) return new OutcomeResult.NotFound();
        if (to is AppointmentState.CancelledByCitizen or AppointmentState.CancelledByTownHall)
            return new OutcomeResult.Refused("Pour annuler un rendez-vous, utilisez le bouton « Annuler ».");
        var now = clock.GetUtcNow().UtcDateTime;
        var from = appointment.State();
        if (AppointmentLifecycle.Check(from, to, appointment.StartUtc, now) is { } refusal) return new OutcomeResult.Refused(refusal);

        var fromStatus = appointment.Status;
        var status = AppointmentStates.ToStatus(to);
        DateTime? at = to == AppointmentState.Booked ? null : now;
        string? by = to == AppointmentState.Booked ? null : agent.Id;
        // Conditional on the state read: two agents marking the same row at once cannot both win on a stale state.
        var changed = await db.Appointments
            .Where(a => a.Id == appointment.Id && a.Status == fromStatus)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.Status, status).SetProperty(a => a.OutcomeUtc, at).SetProperty(a => a.OutcomeBy, by), ct);
        if (changed == 0) return new OutcomeResult.Refused("Ce rendez-vous vient d'être modifié par un collègue : vérifiez son état et recommencez.");
        appointment.Status = status;
        appointment.OutcomeUtc = at;
        appointment.OutcomeBy = by;
        log.LogInformation("Appointment {AppointmentId} marked {Outcome} by agent {AgentId}", appointment.Id, to, agent.Id);
        return new OutcomeResult.Recorded(appointment);
    }
}
