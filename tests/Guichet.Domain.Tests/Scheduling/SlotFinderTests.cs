using Guichet.Domain.Calendar;
using Guichet.Domain.Scheduling;

namespace Guichet.Domain.Tests.Scheduling;

public sealed class SlotFinderTests
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly TimeZoneInfo Reunion = TimeZoneInfo.FindSystemTimeZoneById("Indian/Reunion");
    private static readonly HashSet<string> Cni = ["CNI"];

    private static OpeningRule Rule(DayOfWeek day, string from, string to, string reasons = "CNI", string validFrom = "2026-01-01", string? validUntil = null) =>
        new(day, TimeOnly.Parse(from), TimeOnly.Parse(to), DateOnly.Parse(validFrom), validUntil is null ? null : DateOnly.Parse(validUntil),
            reasons.Split(' ').ToHashSet());

    private static List<DateTime> Starts(StationPlanning station, string from, string to, int step = 15, int length = 15,
        string reason = "CNI", TimeZoneInfo? zone = null, HolidayCalendar? holidays = null, DateTime? notBefore = null) =>
        SlotFinder.FreeSlots(station, reason, (holidays ?? HolidayCalendar.Metropolitan).IsHoliday, zone ?? Paris,
                DateOnly.Parse(from), DateOnly.Parse(to), TimeSpan.FromMinutes(step), TimeSpan.FromMinutes(length), notBefore ?? DateTime.MinValue)
            .Select(s => s.Slot.StartUtc).ToList();

    private static DateTime Utc(string text) => DateTime.SpecifyKind(DateTime.Parse(text), DateTimeKind.Utc);

    [Fact]
    public void A_morning_window_is_cut_into_fifteen_minute_slots_in_local_time()
    {
        var station = new StationPlanning("dr1", [Rule(DayOfWeek.Tuesday, "09:00", "10:00")], new HashSet<long>());
        // Tuesday 1 December 2026: Paris is UTC+1 in winter.
        Assert.Equal([Utc("2026-12-01 08:00"), Utc("2026-12-01 08:15"), Utc("2026-12-01 08:30"), Utc("2026-12-01 08:45")],
            Starts(station, "2026-12-01", "2026-12-01"));
    }

    [Theory]
    [InlineData(15, 15, 4)]   // one person
    [InlineData(15, 30, 3)]   // two persons: 9:00, 9:15, 9:30 (9:45 would end after 10:00)
    [InlineData(15, 45, 2)]
    [InlineData(10, 10, 6)]   // with an online pre-request
    [InlineData(15, 60, 1)]
    [InlineData(15, 75, 0)]   // longer than the window
    public void The_appointment_must_end_inside_the_window(int step, int length, int expected)
    {
        var station = new StationPlanning("dr1", [Rule(DayOfWeek.Tuesday, "09:00", "10:00")], new HashSet<long>());
        Assert.Equal(expected, Starts(station, "2026-12-01", "2026-12-01", step, length).Count);
    }

    [Fact]
    public void Summer_time_shifts_the_utc_instant_but_not_the_local_hour()
    {
        var station = new StationPlanning("dr1", [Rule(DayOfWeek.Tuesday, "09:00", "09:15")], new HashSet<long>());
        Assert.Equal([Utc("2026-03-24 08:00")], Starts(station, "2026-03-24", "2026-03-24"));   // before 29 March: UTC+1
        Assert.Equal([Utc("2026-03-31 07:00")], Starts(station, "2026-03-31", "2026-03-31"));   // after: UTC+2
    }

    [Fact]
    public void A_window_across_the_spring_clock_change_offers_no_start_in_the_missing_hour()
    {
        // Sunday 28 March 2027, Paris: 02:00 local jumps to 03:00 (01:00 UTC). An exceptional night opening 01:00–04:00.
        var station = new StationPlanning("dr1", [Rule(DayOfWeek.Sunday, "01:00", "04:00")], new HashSet<long>());
        var starts = Starts(station, "2027-03-28", "2027-03-28", step: 30, length: 30);
        // 01:00 and 01:30 are UTC+1; 02:00 and 02:30 do not exist; 03:00 and 03:30 are UTC+2.
        Assert.Equal([Utc("2027-03-28 00:00"), Utc("2027-03-28 00:30"), Utc("2027-03-28 01:00"), Utc("2027-03-28 01:30")], starts);
    }

    [Fact]
    public void A_window_across_the_autumn_clock_change_counts_each_local_start_once_at_its_first_occurrence()
    {
        // Sunday 31 October 2027, Paris: 03:00 local goes back to 02:00 (01:00 UTC). A window 01:00–04:00.
        var station = new StationPlanning("dr1", [Rule(DayOfWeek.Sunday, "01:00", "04:00")], new HashSet<long>());
        var starts = Starts(station, "2027-10-31", "2027-10-31", step: 60, length: 60);
        Assert.Equal(3, starts.Count);
        Assert.Equal(Utc("2027-10-30 23:00"), starts[0]);   // 01:00 summer time (UTC+2)
        Assert.Equal(Utc("2027-10-31 02:00"), starts[2]);   // 03:00 winter time (UTC+1)
        Assert.Equal(starts.Distinct().Count(), starts.Count);
    }

    [Fact]
    public void A_day_window_right_after_a_clock_change_uses_the_new_offset_throughout()
    {
        var station = new StationPlanning("dr1", [Rule(DayOfWeek.Sunday, "08:00", "12:00")], new HashSet<long>());
        var starts = Starts(station, "2027-03-28", "2027-03-28");
        Assert.Equal(16, starts.Count);
        Assert.Equal(Utc("2027-03-28 06:00"), starts[0]);
        Assert.Equal(Utc("2027-03-28 09:45"), starts[^1]);
    }

    [Fact]
    public void Overseas_sites_count_in_their_own_time_zone_and_holidays()
    {
        var station = new StationPlanning("dr1", [Rule(DayOfWeek.Monday, "08:00", "08:15"), Rule(DayOfWeek.Friday, "08:00", "08:15")], new HashSet<long>());
        // Réunion is UTC+4; 20 December 2027 (a Monday) is its abolition-of-slavery day.
        Assert.Equal([Utc("2027-12-17 04:00")], Starts(station, "2027-12-17", "2027-12-20", zone: Reunion, holidays: HolidayCalendar.For(Territory.Reunion)));
        Assert.Equal(2, Starts(station, "2027-12-17", "2027-12-20", zone: Reunion, holidays: HolidayCalendar.Metropolitan).Count);
    }

    [Fact]
    public void Public_holidays_have_no_slot()
    {
        var station = new StationPlanning("dr1", [Rule(DayOfWeek.Thursday, "09:00", "09:15")], new HashSet<long>());
        // Ascension 2026 is Thursday 14 May.
        Assert.Equal([Utc("2026-05-07 07:00"), Utc("2026-05-21 07:00")], Starts(station, "2026-05-07", "2026-05-21"));
    }

    [Fact]
    public void Rules_apply_only_inside_their_validity_period_and_for_their_reasons()
    {
        var station = new StationPlanning("dr1",
        [
            Rule(DayOfWeek.Monday, "09:00", "09:15", validFrom: "2026-12-07", validUntil: "2026-12-14"),
            Rule(DayOfWeek.Monday, "14:00", "14:15", reasons: "WITHDRAWAL"),
        ], new HashSet<long>());
        Assert.Equal([Utc("2026-12-07 08:00"), Utc("2026-12-14 08:00")], Starts(station, "2026-11-30", "2026-12-21"));
        Assert.Equal(4, Starts(station, "2026-11-30", "2026-12-21", reason: "WITHDRAWAL").Count);
    }

    [Fact]
    public void Taken_units_remove_every_slot_that_would_overlap_them()
    {
        // A 30-minute appointment from 9:15 to 9:45 local holds six five-minute units.
        var taken = TimeUnits.Covering(Utc("2026-12-01 08:15"), Utc("2026-12-01 08:45")).ToHashSet();
        Assert.Equal(6, taken.Count);
        var station = new StationPlanning("dr1", [Rule(DayOfWeek.Tuesday, "09:00", "10:30")], taken);
        Assert.Equal([Utc("2026-12-01 08:00"), Utc("2026-12-01 08:45"), Utc("2026-12-01 09:00"), Utc("2026-12-01 09:15")],
            Starts(station, "2026-12-01", "2026-12-01"));
        // Thirty minutes fit only once the appointment is over.
        Assert.Equal([Utc("2026-12-01 08:45"), Utc("2026-12-01 09:00")], Starts(station, "2026-12-01", "2026-12-01", length: 30));
    }

    [Fact]
    public void Slots_before_the_given_instant_are_not_offered()
    {
        var station = new StationPlanning("dr1", [Rule(DayOfWeek.Tuesday, "09:00", "10:00")], new HashSet<long>());
        Assert.Equal([Utc("2026-12-01 08:45")], Starts(station, "2026-12-01", "2026-12-01", notBefore: Utc("2026-12-01 08:31")));
    }

    [Fact]
    public void A_site_offers_a_start_when_any_station_is_free_and_lists_it_once()
    {
        var rules = new[] { Rule(DayOfWeek.Tuesday, "09:00", "09:30") };
        var busy = TimeUnits.Covering(Utc("2026-12-01 08:00"), Utc("2026-12-01 08:15")).ToHashSet();
        var site = SlotFinder.FreeSlots(
            [new StationPlanning("dr1", rules, busy), new StationPlanning("dr2", rules, new HashSet<long>())],
            "CNI", HolidayCalendar.Metropolitan.IsHoliday, Paris, new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 1),
            TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15), DateTime.MinValue);
        Assert.Equal([Utc("2026-12-01 08:00"), Utc("2026-12-01 08:15")], site.Select(s => s.Slot.StartUtc));
        Assert.Equal("dr2", site[0].StationId);
    }

    [Theory]
    [InlineData(15, 10, 1, 0, 15)]
    [InlineData(15, 10, 1, 1, 10)]
    [InlineData(15, 10, 3, 0, 45)]
    [InlineData(15, 10, 3, 2, 35)]
    [InlineData(20, 15, 2, 2, 30)]
    public void Length_is_minutes_per_person_shortened_for_each_pre_request(int perPerson, int withPre, int persons, int pre, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), AppointmentLength.For(perPerson, withPre, persons, pre));

    [Fact]
    public void Time_units_are_five_minutes_and_cover_half_open_intervals()
    {
        var start = Utc("2026-12-01 08:00");
        Assert.Equal(3, TimeUnits.Covering(start, start.AddMinutes(15)).Count());
        Assert.Equal(start, TimeUnits.StartOf(TimeUnits.Of(start)));
        Assert.True(TimeUnits.IsAligned(start));
        Assert.False(TimeUnits.IsAligned(start.AddMinutes(2)));
    }

    [Fact]
    public void A_closure_removes_every_slot_it_overlaps_and_nothing_else()
    {
        // Tuesday 1 December 2026, 9:00–12:00 in Paris (08:00–11:00 UTC); closed 10:10–11:00 local.
        var closed = new ClosedPeriod(Utc("2026-12-01 09:10"), Utc("2026-12-01 10:00"));
        var station = new StationPlanning("dr1", [Rule(DayOfWeek.Tuesday, "09:00", "12:00")], new HashSet<long>(), [closed]);
        var starts = Starts(station, "2026-12-01", "2026-12-01", length: 30);
        // A 30-minute slot may end exactly when the closure starts, and start exactly when it ends.
        Assert.Contains(Utc("2026-12-01 08:30"), starts);     // 9:30–10:00 local
        Assert.DoesNotContain(Utc("2026-12-01 08:45"), starts); // 9:45–10:15 overlaps 10:10
        Assert.DoesNotContain(Utc("2026-12-01 09:45"), starts);
        Assert.Contains(Utc("2026-12-01 10:00"), starts);     // 11:00 local, the closure's end
        Assert.Equal([Utc("2026-12-01 08:00"), Utc("2026-12-01 08:15"), Utc("2026-12-01 08:30"), Utc("2026-12-01 10:00"), Utc("2026-12-01 10:15"), Utc("2026-12-01 10:30")], starts);
    }

    [Fact]
    public void A_closure_over_several_days_empties_them_and_only_them()
    {
        var station = new StationPlanning("dr1",
            [Rule(DayOfWeek.Tuesday, "09:00", "10:00"), Rule(DayOfWeek.Wednesday, "09:00", "10:00"), Rule(DayOfWeek.Thursday, "09:00", "10:00")],
            new HashSet<long>(), [new ClosedPeriod(Utc("2026-12-01 23:00"), Utc("2026-12-02 23:00"))]);   // Wednesday, local midnight to midnight
        var days = Starts(station, "2026-12-01", "2026-12-03").Select(s => s.Date).Distinct().ToList();
        Assert.Equal([new DateTime(2026, 12, 1), new DateTime(2026, 12, 3)], days);
    }

    [Fact]
    public void A_site_closure_and_a_station_closure_add_up_across_stations()
    {
        var rules = new[] { Rule(DayOfWeek.Tuesday, "09:00", "10:00") };
        var dr1 = new StationPlanning("dr1", rules, new HashSet<long>(), [new ClosedPeriod(Utc("2026-12-01 08:00"), Utc("2026-12-01 09:00"))]);
        var dr2 = new StationPlanning("dr2", rules, new HashSet<long>());
        var site = SlotFinder.FreeSlots([dr1, dr2], "CNI", HolidayCalendar.Metropolitan.IsHoliday, Paris,
            DateOnly.Parse("2026-12-01"), DateOnly.Parse("2026-12-01"), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15), DateTime.MinValue);
        Assert.Equal(4, site.Count);
        Assert.All(site, s => Assert.Equal("dr2", s.StationId));
    }

    [Fact]
    public void A_site_offers_each_start_once_in_order_and_the_first_station_that_has_it_takes_it()
    {
        // dr1 opens 9:00–10:00 with 9:15 booked; dr2 opens 9:30–10:30; dr3 has overlapping windows 9:00–9:30 and 9:00–10:00.
        var taken = TimeUnits.Covering(Utc("2026-12-01 08:15"), Utc("2026-12-01 08:30")).ToHashSet();
        var dr1 = new StationPlanning("dr1", [Rule(DayOfWeek.Tuesday, "09:00", "10:00")], taken);
        var dr2 = new StationPlanning("dr2", [Rule(DayOfWeek.Tuesday, "09:30", "10:30")], new HashSet<long>());
        var dr3 = new StationPlanning("dr3", [Rule(DayOfWeek.Tuesday, "09:00", "10:00"), Rule(DayOfWeek.Tuesday, "09:00", "09:30")], new HashSet<long>());
        var site = SlotFinder.FreeSlots([dr1, dr2, dr3], "CNI", HolidayCalendar.Metropolitan.IsHoliday, Paris,
            DateOnly.Parse("2026-12-01"), DateOnly.Parse("2026-12-01"), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15), DateTime.MinValue);
        Assert.Equal(
            [("dr1", Utc("2026-12-01 08:00")), ("dr3", Utc("2026-12-01 08:15")), ("dr1", Utc("2026-12-01 08:30")), ("dr1", Utc("2026-12-01 08:45")),
             ("dr2", Utc("2026-12-01 09:00")), ("dr2", Utc("2026-12-01 09:15"))],
            site.Select(s => (s.StationId, s.Slot.StartUtc)).ToList());
    }
}
