using Guichet.Domain.Scheduling;
using Guichet.Web.Data;

namespace Guichet.Web.Features.Agenda;

/// <summary>
/// The stored status (with CancelledBy) read as the domain's lifecycle state, and back. Rows written before the
/// outcomes existed keep their meaning: Booked stays booked, Cancelled splits on who cancelled.
/// </summary>
public static class AppointmentStates
{
    public const string Citizen = "citizen";

    public static AppointmentState State(this Appointment a) => a.Status switch
    {
        AppointmentStatus.Booked => AppointmentState.Booked,
        AppointmentStatus.Honoured => AppointmentState.Honoured,
        AppointmentStatus.NoShow => AppointmentState.NoShow,
        AppointmentStatus.Excused => AppointmentState.Excused,
        _ => a.CancelledBy is null or Citizen ? AppointmentState.CancelledByCitizen : AppointmentState.CancelledByTownHall,
    };

    /// <summary>The stored status of an outcome or of "booked again" (cancellations go through CancelAppointment).</summary>
    public static AppointmentStatus ToStatus(AppointmentState state) => state switch
    {
        AppointmentState.Booked => AppointmentStatus.Booked,
        AppointmentState.Honoured => AppointmentStatus.Honoured,
        AppointmentState.NoShow => AppointmentStatus.NoShow,
        AppointmentState.Excused => AppointmentStatus.Excused,
        _ => AppointmentStatus.Cancelled,
    };

    /// <summary>The public API's word (v1 answered only "booked" and "cancelled"; the outcomes came after).</summary>
    public static string ApiStatus(Appointment a) => a.Status switch
    {
        AppointmentStatus.Booked => "booked",
        AppointmentStatus.Honoured => "honoured",
        AppointmentStatus.NoShow => "noShow",
        AppointmentStatus.Excused => "excused",
        _ => "cancelled",
    };

    public static string Label(this Appointment a) => AppointmentLifecycle.Label(a.State());

    /// <summary>The outcomes an agent may record on this row now, in the order the buttons show.</summary>
    public static IEnumerable<AppointmentState> Outcomes(this Appointment a, DateTime nowUtc) =>
        new[] { AppointmentState.Honoured, AppointmentState.NoShow, AppointmentState.Excused, AppointmentState.Booked }
            .Where(to => AppointmentLifecycle.IsAllowed(a.State(), to, a.StartUtc, nowUtc));

    /// <summary>A button's words for each outcome.</summary>
    public static string Action(AppointmentState to) => to switch
    {
        AppointmentState.Honoured => "Arrivé",
        AppointmentState.NoShow => "Absent",
        AppointmentState.Excused => "Excusé",
        AppointmentState.Booked => "Effacer le pointage",
        _ => to.ToString(),
    };

    /// <summary>The form value of each outcome (kept stable: tests and bookmarks post them).</summary>
    public static string FormValue(AppointmentState to) => to switch
    {
        AppointmentState.Honoured => "honoured",
        AppointmentState.NoShow => "no-show",
        AppointmentState.Excused => "excused",
        AppointmentState.Booked => "booked",
        _ => "",
    };

    public static AppointmentState? FromFormValue(string? value) => value switch
    {
        "honoured" => AppointmentState.Honoured,
        "no-show" => AppointmentState.NoShow,
        "excused" => AppointmentState.Excused,
        "booked" => AppointmentState.Booked,
        _ => null,
    };

    /// <summary>A CSS class per state for the agenda rows.</summary>
    public static string RowClass(this Appointment a) => a.State() switch
    {
        AppointmentState.CancelledByCitizen or AppointmentState.CancelledByTownHall => "cancelled",
        AppointmentState.Honoured => "honoured",
        AppointmentState.NoShow => "no-show",
        AppointmentState.Excused => "excused",
        _ => "",
    };
}
