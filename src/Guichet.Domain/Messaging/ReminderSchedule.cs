namespace Guichet.Domain.Messaging;

/// <summary>The daytime window, in the site's local time, inside which reminders are sent.</summary>
public sealed record SendWindow(TimeOnly Opens, TimeOnly Closes)
{
    public static readonly SendWindow Default = new(new TimeOnly(9, 0), new TimeOnly(19, 0));

    public bool Contains(TimeOnly local) => local >= Opens && local <= Closes;
}

/// <summary>When a reminder goes out, or why it does not.</summary>
public abstract record ReminderPlan
{
    /// <summary>Send at this instant (UTC).</summary>
    public sealed record At(DateTime Utc) : ReminderPlan;

    /// <summary>No reminder: the organisation turned them off, or the booking came too late for one.</summary>
    public sealed record None(string Why) : ReminderPlan;
}

/// <summary>
/// When to remind a citizen of an appointment: <c>lead</c> before its start, inside the daytime window of the site's
/// time zone. A time at night is moved earlier, to the close of the window before it (an 08:30 appointment reminded
/// 48 hours ahead gets its reminder at 19:00 three evenings before), never later into the night. Only when that
/// earlier time is already before the booking does the reminder move later, to the next opening of the window, as
/// long as that is still before the appointment. A booking made less than <c>lead</c> ahead gets no reminder: its
/// confirmation is fresh. Wall-clock times that a DST change skips or repeats are read the earlier way.
/// </summary>
public static class ReminderSchedule
{
    public const string Off = "off";
    public const string BookedLate = "booked-late";
    public const string NoRoom = "no-room";

    public static ReminderPlan Plan(DateTime startUtc, DateTime bookedUtc, TimeSpan lead, TimeZoneInfo zone, SendWindow window)
    {
        if (lead <= TimeSpan.Zero) return new ReminderPlan.None(Off);
        var due = startUtc - lead;
        if (bookedUtc > due) return new ReminderPlan.None(BookedLate);

        var local = TimeZoneInfo.ConvertTimeFromUtc(due, zone);
        var time = TimeOnly.FromDateTime(local);
        var day = DateOnly.FromDateTime(local);
        if (window.Contains(time)) return new ReminderPlan.At(due);

        // Night: the close of the window before it, the same evening or the evening before.
        var closeDay = time > window.Closes ? day : day.AddDays(-1);
        var earlier = ToUtc(closeDay.ToDateTime(window.Closes), zone);
        if (earlier >= bookedUtc && earlier <= due) return new ReminderPlan.At(earlier);

        // Booked during that night: the next opening of the window, if the appointment has not begun by then.
        var openDay = time < window.Opens ? day : day.AddDays(1);
        var later = ToUtc(openDay.ToDateTime(window.Opens), zone);
        return later < startUtc ? new ReminderPlan.At(later) : new ReminderPlan.None(NoRoom);
    }

    /// <summary>
    /// A local wall-clock time as UTC. Skipped by a spring-forward change, or met twice in autumn, it is read with the
    /// summer offset (the larger one), which gives the earlier instant: a reminder is never pushed later by a change.
    /// </summary>
    public static DateTime ToUtc(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsAmbiguousTime(local))
        {
            var largest = zone.GetAmbiguousTimeOffsets(local).Max();
            return DateTime.SpecifyKind(local - largest, DateTimeKind.Utc);
        }
        if (zone.IsInvalidTime(local))
        {
            var summer = new[] { zone.GetUtcOffset(local.AddHours(-6)), zone.GetUtcOffset(local.AddHours(6)) }.Max();
            return DateTime.SpecifyKind(local - summer, DateTimeKind.Utc);
        }
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }
}
