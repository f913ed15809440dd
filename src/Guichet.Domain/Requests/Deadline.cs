using Guichet.Domain.Calendar;

namespace Guichet.Domain.Requests;

/// <summary>
/// When an answer is due: a number of working days (jours ouvrés) after the day of receipt, in the handling
/// organisation's time zone and holiday calendar. Day 0 is the day of receipt, counting starts the next day
/// (WorkingDays.Add). Defaults follow the usual public-service commitments: 5 working days for e-mails and web
/// forms, 15 for letters.
/// </summary>
public static class Deadline
{
    public const int DefaultDays = 5;
    public const int DefaultPostDays = 15;
    public const int MaxDays = 365;

    /// <summary>The default delay of a channel: letters and faxes 15 working days, everything else 5.</summary>
    public static int DefaultFor(RequestChannel channel) =>
        channel is RequestChannel.Post or RequestChannel.Fax ? DefaultPostDays : DefaultDays;

    /// <summary>The local date of receipt in <paramref name="zone"/>.</summary>
    public static DateOnly ReceivedOn(DateTime receivedUtc, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var utc = DateTime.SpecifyKind(receivedUtc, DateTimeKind.Utc);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, zone));
    }

    /// <summary>The due date of a request received at <paramref name="receivedUtc"/> with <paramref name="workingDays"/> to answer.</summary>
    public static DateOnly Due(DateTime receivedUtc, TimeZoneInfo zone, int workingDays, HolidayCalendar calendar)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(workingDays, MaxDays);
        return WorkingDays.Add(ReceivedOn(receivedUtc, zone), workingDays, calendar);
    }

    /// <summary>Overdue once the due date is past (the whole due day still counts) and the request is still open.</summary>
    public static bool IsOverdue(DateOnly due, DateOnly today, RequestStatus status) =>
        RequestLifecycle.IsOpen(status) && today > due;
}
