using Guichet.Domain.Calendar;

namespace Guichet.Domain.Scheduling;

/// <summary>
/// When a reason may be booked. <see cref="EarliestWorkingDays"/>: not within that many working days of today
/// (weekends and the site's public holidays do not count); <see cref="LatestDays"/>: not beyond that many calendar
/// days. Both are dates of the site's time zone.
/// </summary>
public sealed record BookingDelays(int EarliestWorkingDays, int LatestDays)
{
    public const int MaxEarliestWorkingDays = 60;
    public const int MaxLatestDays = 366;

    public static readonly BookingDelays None = new(0, MaxLatestDays);

    /// <summary>The first and last local dates a slot may fall on, booked on <paramref name="today"/>.</summary>
    public (DateOnly First, DateOnly Last) Window(DateOnly today, HolidayCalendar holidays)
    {
        // 0 working days: today itself, whatever the day (a Saturday opening stays bookable).
        var first = EarliestWorkingDays == 0 ? today : WorkingDays.Add(today, EarliestWorkingDays, holidays);
        return (first, today.AddDays(LatestDays));
    }

    public static IEnumerable<FieldError> Check(int earliestWorkingDays, int latestDays)
    {
        if (earliestWorkingDays is < 0 or > MaxEarliestWorkingDays)
            yield return new("earliest", $"Le délai minimal va de 0 à {MaxEarliestWorkingDays} jours ouvrés.");
        if (latestDays is < 1 or > MaxLatestDays)
            yield return new("latest", $"Le délai maximal va de 1 à {MaxLatestDays} jours.");
        else if (earliestWorkingDays is >= 0 and <= MaxEarliestWorkingDays && latestDays < earliestWorkingDays)
            yield return new("latest", "Le délai maximal doit être au moins égal au délai minimal.");
    }
}

/// <summary>
/// The urgent reserve: a share of each station's starts of a day, held for proven urgency (exam, travel for health
/// or work) and bookable only by an agent with a justification, until <see cref="ReleaseHours"/> before the start,
/// when it opens to everyone.
/// <para>
/// Which starts: the day's candidate starts of the station for the reason are numbered in order (0, 1, 2…, taken or
/// not, whatever the bookings), and start i is held when ⌊(i+1)·p/100⌋ &gt; ⌊i·p/100⌋. That holds ⌊n·p/100⌋ of the
/// n starts, spread evenly over the day (10 %: the 10th, 20th, 30th…), and the same starts stay held whatever is
/// booked around them: a citizen who cancels never turns a public slot into a held one.
/// </para>
/// </summary>
public sealed record UrgentReserve(int Percent, int ReleaseHours)
{
    public const int MaxPercent = 50;
    public const int MaxReleaseHours = 24 * 14;

    public bool Holds(int index) =>
        Percent > 0 && index >= 0 && (long)(index + 1) * Percent / 100 > (long)index * Percent / 100;

    /// <summary>Whether the start numbered <paramref name="index"/> is still withheld from the public at <paramref name="nowUtc"/>.</summary>
    public bool Withholds(int index, DateTime startUtc, DateTime nowUtc) =>
        Holds(index) && nowUtc < startUtc.AddHours(-ReleaseHours);

    public static IEnumerable<FieldError> Check(int percent, int releaseHours)
    {
        if (percent is < 0 or > MaxPercent) yield return new("urgentPercent", $"La réserve d'urgence va de 0 à {MaxPercent} % des créneaux.");
        if (releaseHours is < 0 or > MaxReleaseHours) yield return new("urgentReleaseHours", $"La remise au public va de 0 à {MaxReleaseHours} heures avant le créneau.");
    }
}
