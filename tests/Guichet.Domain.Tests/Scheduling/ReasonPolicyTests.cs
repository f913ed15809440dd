using Guichet.Domain.Calendar;
using Guichet.Domain.Scheduling;

namespace Guichet.Domain.Tests.Scheduling;

public sealed class ReasonPolicyTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    [Theory]
    [InlineData("2026-11-30", 0, 90, "2026-11-30", "2027-02-28")]   // Monday, no earliest delay: today
    [InlineData("2026-11-30", 1, 90, "2026-12-01", "2027-02-28")]   // not within one working day: Tuesday
    [InlineData("2026-12-04", 1, 90, "2026-12-07", "2027-03-04")]   // Friday: the weekend does not count
    [InlineData("2026-12-05", 0, 30, "2026-12-05", "2027-01-04")]   // Saturday with no delay stays bookable
    [InlineData("2026-12-24", 1, 90, "2026-12-28", "2027-03-24")]   // Christmas and the weekend skipped
    [InlineData("2026-12-31", 1, 90, "2027-01-04", "2027-03-31")]   // New Year's Day skipped
    [InlineData("2027-05-05", 2, 10, "2027-05-10", "2027-05-15")]   // Ascension (Thu 6 May 2027) skipped
    public void The_booking_window_counts_working_days_with_french_holidays(string today, int earliest, int latest, string first, string last)
    {
        var window = new BookingDelays(earliest, latest).Window(DateOnly.Parse(today), HolidayCalendar.Metropolitan);
        Assert.Equal((DateOnly.Parse(first), DateOnly.Parse(last)), window);
    }

    [Theory]
    [InlineData(0, 90, null)]
    [InlineData(1, 1, null)]
    [InlineData(-1, 90, "earliest")]
    [InlineData(61, 90, "earliest")]
    [InlineData(0, 0, "latest")]
    [InlineData(0, 367, "latest")]
    [InlineData(10, 5, "latest")]
    public void Delays_are_checked(int earliest, int latest, string? field) =>
        Assert.Equal(field, BookingDelays.Check(earliest, latest).FirstOrDefault()?.Field);

    [Theory]
    [InlineData(0, 20, "")]
    [InlineData(10, 20, "9 19")]
    [InlineData(10, 14, "9")]
    [InlineData(10, 9, "")]                 // fewer than ten starts: nothing held
    [InlineData(25, 12, "3 7 11")]
    [InlineData(50, 6, "1 3 5")]
    [InlineData(34, 6, "2 5")]
    public void The_reserve_holds_an_even_share_of_the_day_s_starts(int percent, int starts, string held)
    {
        var reserve = new UrgentReserve(percent, 24);
        var indexes = Enumerable.Range(0, starts).Where(reserve.Holds).ToList();
        Assert.Equal(held, string.Join(' ', indexes));
        Assert.Equal(starts * percent / 100, indexes.Count);
    }

    [Theory]
    [InlineData("2026-12-01 09:00", "2026-11-30 08:59", true)]   // 24 h 01 before: still held
    [InlineData("2026-12-01 09:00", "2026-11-30 09:00", false)]  // exactly 24 h before: released
    [InlineData("2026-12-01 09:00", "2026-12-01 08:00", false)]
    public void A_held_start_is_released_a_set_number_of_hours_before(string start, string now, bool withheld)
    {
        var reserve = new UrgentReserve(10, 24);
        Assert.Equal(withheld, reserve.Withholds(9, Utc(start), Utc(now)));
        Assert.False(reserve.Withholds(8, Utc(start), Utc(now)));
    }

    [Theory]
    [InlineData(0, 0, null)]
    [InlineData(50, 336, null)]
    [InlineData(51, 24, "urgentPercent")]
    [InlineData(-1, 24, "urgentPercent")]
    [InlineData(10, 337, "urgentReleaseHours")]
    public void Reserve_settings_are_checked(int percent, int hours, string? field) =>
        Assert.Equal(field, UrgentReserve.Check(percent, hours).FirstOrDefault()?.Field);

    [Fact]
    public void The_slot_finder_withholds_the_same_starts_whatever_is_booked()
    {
        // Tuesday 1 December 2026, 09:00–11:30: ten 15-minute starts; 10 % holds the 10th, 11:15 (10:15 UTC).
        var rule = new OpeningRule(DayOfWeek.Tuesday, new TimeOnly(9, 0), new TimeOnly(11, 30), new DateOnly(2026, 1, 1), null, new HashSet<string> { "CNI" });
        var reserve = new UrgentReserve(10, 24);
        var now = Utc("2026-11-29 07:00");
        List<DateTime> Starts(IReadOnlySet<long> taken, UrgentReserve? withheld) =>
            SlotFinder.FreeSlots(new StationPlanning("dr1", [rule], taken), "CNI", _ => false, Paris,
                new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 1), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15), now, withheld, now)
            .Select(s => s.Slot.StartUtc).ToList();

        Assert.Equal(10, Starts(new HashSet<long>(), null).Count);
        var pub = Starts(new HashSet<long>(), reserve);
        Assert.Equal(9, pub.Count);
        Assert.DoesNotContain(Utc("2026-12-01 10:15"), pub);
        // Booking 09:00 does not move the reserve to another start.
        var taken = TimeUnits.Covering(Utc("2026-12-01 08:00"), Utc("2026-12-01 08:15")).ToHashSet();
        var afterBooking = Starts(taken, reserve);
        Assert.Equal(8, afterBooking.Count);
        Assert.DoesNotContain(Utc("2026-12-01 10:15"), afterBooking);
        // Within 24 hours of the start, the held start is everyone's.
        var released = SlotFinder.FreeSlots(new StationPlanning("dr1", [rule], new HashSet<long>()), "CNI", _ => false, Paris,
            new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 1), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15), now, reserve, Utc("2026-11-30 10:15"));
        Assert.Contains(released, s => s.Slot.StartUtc == Utc("2026-12-01 10:15"));
    }

    private static DateTime Utc(string text) => DateTime.SpecifyKind(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);
}
