using Guichet.Domain.Calendar;
using Guichet.Domain.Scheduling;

namespace Guichet.Domain.Tests.Scheduling;

public sealed class WithdrawalDateTests
{
    [Theory]
    [InlineData("2026-11-30", 5, 3, "Metropolitan", "2026-12-10")]   // Monday + 8 working days, no holiday
    [InlineData("2026-12-21", 5, 3, "Metropolitan", "2027-01-04")]   // across Christmas and New Year's Day (both Fridays)
    [InlineData("2026-12-24", 1, 0, "Metropolitan", "2026-12-28")]   // Christmas skipped, then the weekend
    [InlineData("2026-12-05", 0, 0, "Metropolitan", "2026-12-07")]   // deposited on a Saturday, no delay: the Monday
    [InlineData("2026-12-04", 0, 0, "Metropolitan", "2026-12-04")]   // no delay on a working day: the same day
    [InlineData("2027-03-25", 0, 1, "Metropolitan", "2027-03-26")]   // Good Friday is worked in most of France…
    [InlineData("2027-03-25", 0, 1, "AlsaceMoselle", "2027-03-30")]  // …not in Alsace-Moselle; Easter Monday is off everywhere
    [InlineData("2027-04-30", 10, 5, "Metropolitan", "2027-05-25")]  // May: 1st and 8th on Saturdays, Ascension (6th), Whit Monday (17th)
    public void The_earliest_withdrawal_follows_both_delays_in_working_days(string deposit, int instruction, int manufacturing, string territory, string expected) =>
        Assert.Equal(DateOnly.Parse(expected), WithdrawalDate.Earliest(DateOnly.Parse(deposit), instruction, manufacturing,
            HolidayCalendar.For(Enum.Parse<Territory>(territory))));

    [Fact]
    public void A_negative_delay_is_an_error() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WithdrawalDate.Earliest(new DateOnly(2026, 12, 1), -1, 3, HolidayCalendar.Metropolitan));
}
