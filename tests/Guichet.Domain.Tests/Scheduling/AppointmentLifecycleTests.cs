using Guichet.Domain.Scheduling;

namespace Guichet.Domain.Tests.Scheduling;

public sealed class AppointmentLifecycleTests
{
    private static readonly DateTime Start = new(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Before = Start.AddMinutes(-1);
    private static readonly DateTime After = Start.AddMinutes(5);

    public static TheoryData<AppointmentState, AppointmentState, bool, bool> Moves => new()
    {
        // from, to, allowed before the start, allowed once started
        { AppointmentState.Booked, AppointmentState.Honoured, false, true },
        { AppointmentState.Booked, AppointmentState.NoShow, false, true },
        { AppointmentState.Booked, AppointmentState.Excused, false, true },
        { AppointmentState.Booked, AppointmentState.CancelledByCitizen, true, false },
        { AppointmentState.Booked, AppointmentState.CancelledByTownHall, true, false },
        { AppointmentState.Booked, AppointmentState.Booked, false, false },
        { AppointmentState.Honoured, AppointmentState.NoShow, false, true },
        { AppointmentState.Honoured, AppointmentState.Excused, false, true },
        { AppointmentState.Honoured, AppointmentState.Booked, false, true },
        { AppointmentState.Honoured, AppointmentState.Honoured, false, false },
        { AppointmentState.Honoured, AppointmentState.CancelledByTownHall, false, false },
        { AppointmentState.Honoured, AppointmentState.CancelledByCitizen, false, false },
        { AppointmentState.NoShow, AppointmentState.Honoured, false, true },
        { AppointmentState.NoShow, AppointmentState.Excused, false, true },
        { AppointmentState.NoShow, AppointmentState.Booked, false, true },
        { AppointmentState.NoShow, AppointmentState.CancelledByTownHall, false, false },
        { AppointmentState.Excused, AppointmentState.Honoured, false, true },
        { AppointmentState.Excused, AppointmentState.NoShow, false, true },
        { AppointmentState.Excused, AppointmentState.Booked, false, true },
        { AppointmentState.Excused, AppointmentState.CancelledByCitizen, false, false },
        { AppointmentState.CancelledByCitizen, AppointmentState.Booked, false, false },
        { AppointmentState.CancelledByCitizen, AppointmentState.Honoured, false, false },
        { AppointmentState.CancelledByCitizen, AppointmentState.NoShow, false, false },
        { AppointmentState.CancelledByCitizen, AppointmentState.CancelledByTownHall, false, false },
        { AppointmentState.CancelledByTownHall, AppointmentState.Booked, false, false },
        { AppointmentState.CancelledByTownHall, AppointmentState.Honoured, false, false },
        { AppointmentState.CancelledByTownHall, AppointmentState.Excused, false, false },
        { AppointmentState.CancelledByTownHall, AppointmentState.CancelledByCitizen, false, false },
    };

    [Theory]
    [MemberData(nameof(Moves))]
    public void Each_move_is_allowed_only_where_the_table_says_and_when(AppointmentState from, AppointmentState to, bool beforeStart, bool afterStart)
    {
        Assert.Equal(beforeStart, AppointmentLifecycle.IsAllowed(from, to, Start, Before));
        Assert.Equal(afterStart, AppointmentLifecycle.IsAllowed(from, to, Start, After));
    }

    [Fact]
    public void Every_pair_of_states_is_answered_and_a_refusal_always_says_why_in_french()
    {
        foreach (var from in Enum.GetValues<AppointmentState>())
            foreach (var to in Enum.GetValues<AppointmentState>())
                foreach (var now in new[] { Before, Start, After })
                {
                    var refusal = AppointmentLifecycle.Check(from, to, Start, now);
                    Assert.True(refusal is null || refusal.Length > 20);
                }
    }

    [Fact]
    public void The_start_minute_itself_counts_as_started() =>
        Assert.Null(AppointmentLifecycle.Check(AppointmentState.Booked, AppointmentState.Honoured, Start, Start));

    [Theory]
    [InlineData(AppointmentState.Booked, AppointmentState.Honoured, "pas encore commencé")]
    [InlineData(AppointmentState.CancelledByCitizen, AppointmentState.Honoured, "annulé")]
    public void Refusals_before_the_start_tell_the_agent_what_is_wrong(AppointmentState from, AppointmentState to, string words) =>
        Assert.Contains(words, AppointmentLifecycle.Check(from, to, Start, Before));

    [Fact]
    public void A_cancellation_once_started_is_refused_as_too_late() =>
        Assert.Contains("ne peut plus être annulé", AppointmentLifecycle.Check(AppointmentState.Booked, AppointmentState.CancelledByTownHall, Start, After));

    [Theory]
    [InlineData(AppointmentState.Booked, "Réservé")]
    [InlineData(AppointmentState.Honoured, "Venu")]
    [InlineData(AppointmentState.NoShow, "Absent")]
    [InlineData(AppointmentState.Excused, "Absence excusée")]
    [InlineData(AppointmentState.CancelledByCitizen, "Annulé par l'usager")]
    [InlineData(AppointmentState.CancelledByTownHall, "Annulé par la mairie")]
    public void Each_state_reads_in_french(AppointmentState state, string label) =>
        Assert.Equal(label, AppointmentLifecycle.Label(state));
}
