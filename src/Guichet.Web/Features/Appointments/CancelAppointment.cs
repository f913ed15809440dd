using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Appointments;

public abstract record CancelResult
{
    public sealed record Cancelled(Appointment Appointment) : CancelResult;
    public sealed record NotFound : CancelResult;
    public sealed record TooLate(string Message) : CancelResult;
}

/// <summary>Cancels an appointment and gives its minutes back at once, in one transaction.</summary>
public sealed class CancelAppointment(GuichetDb db, AppointmentMessages messages, AppointmentReminders reminders, Ants.AntsSync ants,
    TimeProvider clock, ILogger<CancelAppointment> log)
{
    /// <summary>The citizen, with the code and the secret token of the manage link.</summary>
    public async Task<CancelResult> ByCitizenAsync(string? code, string? token, CancellationToken ct)
    {
        var appointment = await FindByTokenAsync(db, code, token, ct);
        return appointment is null ? new CancelResult.NotFound() : await CancelAsync(appointment, "citizen", ct);
    }

    /// <summary>An agent of the organisation that owns the appointment.</summary>
    public async Task<CancelResult> ByAgentAsync(string appointmentId, Agent agent, CancellationToken ct)
    {
        var appointment = await db.Appointments.FirstOrDefaultAsync(a => a.Id == appointmentId
            && (a.OrganisationId == agent.OrganisationId || a.PartnerOrganisationId == agent.OrganisationId), ct);
        return appointment is null ? new CancelResult.NotFound() : await CancelAsync(appointment, agent.Id, ct);
    }

    /// <summary>The citizen by SMS ("ANNULER code"), from the number the appointment was booked with.</summary>
    public async Task<CancelResult> BySmsAsync(string code, string phoneE164, CancellationToken ct)
    {
        var appointment = await db.Appointments.FirstOrDefaultAsync(a => a.Code == code && a.Phone == phoneE164, ct);
        return appointment is null ? new CancelResult.NotFound() : await CancelAsync(appointment, "citizen", ct);
    }

    private async Task<CancelResult> CancelAsync(Appointment appointment, string by, CancellationToken ct)
    {
        if (appointment.Status == AppointmentStatus.Cancelled) return new CancelResult.Cancelled(appointment);
        var now = clock.GetUtcNow().UtcDateTime;
        var to = by == "citizen" ? Domain.Scheduling.AppointmentState.CancelledByCitizen : Domain.Scheduling.AppointmentState.CancelledByTownHall;
        if (Domain.Scheduling.AppointmentLifecycle.Check(Agenda.AppointmentStates.State(appointment), to, appointment.StartUtc, now) is { } refusal)
            return new CancelResult.TooLate(refusal);
        appointment.Status = AppointmentStatus.Cancelled;
        appointment.CancelledUtc = now;
        appointment.CancelledBy = by;
        // Part of the same transaction as the cancellation itself.
        await messages.AddCancellationAsync(appointment, ct);
        await ants.AddAfterCancellationAsync(appointment, ct);   // the ANTS delete, likewise
        // The freed minutes go to the waiting list (Features/Waitlist), likewise: no freed slot is forgotten.
        if (appointment.StartUtc > now) db.Add(Waitlist.WaitlistJob.Released(appointment, appointment.StartUtc, appointment.EndUtc, appointment.StationId, now));
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await db.SlotClaims.Where(c => c.AppointmentId == appointment.Id).ExecuteDeleteAsync(ct);
        await reminders.DropAsync(appointment.Id, ct);
        await tx.CommitAsync(ct);
        log.LogInformation("Appointment {AppointmentId} cancelled by {By}", appointment.Id, by == "citizen" ? "citizen" : "agent");
        return new CancelResult.Cancelled(appointment);
    }

    /// <summary>Null for a wrong code or a wrong token alike: the answer never tells which.</summary>
    public static async Task<Appointment?> FindByTokenAsync(GuichetDb db, string? code, string? token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(code) || string.IsNullOrWhiteSpace(token) || code.Length > 16 || token.Length > 100) return null;
        var appointment = await db.Appointments.FirstOrDefaultAsync(a => a.Code == code, ct);
        return appointment is not null && Secrets.HashEquals(token, appointment.ManageTokenHash) ? appointment : null;
    }
}
