using Guichet.Domain.Calendar;

namespace Guichet.Domain.Scheduling;

/// <summary>
/// When a title can be collected: the application is instructed, then the card or passport is made, each in working
/// days set per reason; the withdrawal appointment may be offered from the first working day after both.
/// </summary>
public static class WithdrawalDate
{
    /// <summary>The first local date a withdrawal slot may be offered, for an application deposited on <paramref name="deposit"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A delay is negative.</exception>
    public static DateOnly Earliest(DateOnly deposit, int instructionDays, int manufacturingDays, HolidayCalendar calendar)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(instructionDays);
        ArgumentOutOfRangeException.ThrowIfNegative(manufacturingDays);
        // Day 0 is the deposit; counting starts the next working day, and the result is always a working day.
        return WorkingDays.Add(deposit, instructionDays + manufacturingDays, calendar);
    }
}
