namespace Guichet.Domain.Scheduling;

/// <summary>Where an appointment stands. Cancellations keep who asked: the citizen or the town hall.</summary>
public enum AppointmentState { Booked, Honoured, NoShow, Excused, CancelledByCitizen, CancelledByTownHall }

/// <summary>
/// The appointment's state machine as one explicit table. An outcome (came, did not come, absence excused) is
/// recorded only once the appointment has started; a cancellation only before it starts, since a cancelled slot is
/// given back to other citizens. An agent may correct an outcome (the wrong button, a justification brought later)
/// or take it back to "booked"; a cancellation is final. Anything not in the table is refused with a French reason.
/// </summary>
public static class AppointmentLifecycle
{
    private enum When { BeforeStart, AfterStart }

    private static readonly Dictionary<(AppointmentState From, AppointmentState To), When> Table = new()
    {
        [(AppointmentState.Booked, AppointmentState.Honoured)] = When.AfterStart,
        [(AppointmentState.Booked, AppointmentState.NoShow)] = When.AfterStart,
        [(AppointmentState.Booked, AppointmentState.Excused)] = When.AfterStart,
        [(AppointmentState.Booked, AppointmentState.CancelledByCitizen)] = When.BeforeStart,
        [(AppointmentState.Booked, AppointmentState.CancelledByTownHall)] = When.BeforeStart,

        // Corrections at the counter: the wrong row, or the citizen arrived late, or justified the absence later.
        [(AppointmentState.Honoured, AppointmentState.NoShow)] = When.AfterStart,
        [(AppointmentState.Honoured, AppointmentState.Excused)] = When.AfterStart,
        [(AppointmentState.Honoured, AppointmentState.Booked)] = When.AfterStart,
        [(AppointmentState.NoShow, AppointmentState.Honoured)] = When.AfterStart,
        [(AppointmentState.NoShow, AppointmentState.Excused)] = When.AfterStart,
        [(AppointmentState.NoShow, AppointmentState.Booked)] = When.AfterStart,
        [(AppointmentState.Excused, AppointmentState.Honoured)] = When.AfterStart,
        [(AppointmentState.Excused, AppointmentState.NoShow)] = When.AfterStart,
        [(AppointmentState.Excused, AppointmentState.Booked)] = When.AfterStart,
    };

    /// <summary>Null when the move is allowed at <paramref name="nowUtc"/>; otherwise why not, in French.</summary>
    public static string? Check(AppointmentState from, AppointmentState to, DateTime startUtc, DateTime nowUtc)
    {
        if (from == to) return $"Ce rendez-vous est déjà « {Label(to)} ».";
        if (!Table.TryGetValue((from, to), out var when))
            return from is AppointmentState.CancelledByCitizen or AppointmentState.CancelledByTownHall
                ? "Ce rendez-vous est annulé : son état ne change plus."
                : $"Un rendez-vous « {Label(from)} » ne peut pas passer à « {Label(to)} ».";
        var started = nowUtc >= startUtc;
        return when switch
        {
            When.AfterStart when !started => "Ce rendez-vous n'a pas encore commencé : l'arrivée ou l'absence se note à partir de son heure.",
            When.BeforeStart when started => "Ce rendez-vous a déjà commencé ou est passé : il ne peut plus être annulé.",
            _ => null,
        };
    }

    public static bool IsAllowed(AppointmentState from, AppointmentState to, DateTime startUtc, DateTime nowUtc) =>
        Check(from, to, startUtc, nowUtc) is null;

    /// <summary>The state's name as agents read it.</summary>
    public static string Label(AppointmentState state) => state switch
    {
        AppointmentState.Booked => "Réservé",
        AppointmentState.Honoured => "Venu",
        AppointmentState.NoShow => "Absent",
        AppointmentState.Excused => "Absence excusée",
        AppointmentState.CancelledByCitizen => "Annulé par l'usager",
        AppointmentState.CancelledByTownHall => "Annulé par la mairie",
        _ => state.ToString(),
    };

    /// <summary>States a calendar or an agenda still shows as taking the slot.</summary>
    public static bool HoldsSlot(AppointmentState state) =>
        state is not (AppointmentState.CancelledByCitizen or AppointmentState.CancelledByTownHall);
}
