namespace Guichet.Domain.Scheduling;

/// <summary>
/// How long an appointment lasts: each person takes the reason's minutes, fewer when that person
/// brings an online pre-request number (the agent then only checks and takes fingerprints).
/// </summary>
public static class AppointmentLength
{
    public static TimeSpan For(int minutesPerPerson, int minutesWithPreRequest, int persons, int personsWithPreRequest)
    {
        if (persons < 1) throw new ArgumentOutOfRangeException(nameof(persons));
        if (personsWithPreRequest < 0 || personsWithPreRequest > persons)
            throw new ArgumentOutOfRangeException(nameof(personsWithPreRequest));
        var minutes = (persons - personsWithPreRequest) * minutesPerPerson + personsWithPreRequest * minutesWithPreRequest;
        return TimeSpan.FromMinutes(minutes);
    }

    /// <summary>The grid candidate starts are placed on: one person's duration.</summary>
    public static TimeSpan Step(int minutesPerPerson, int minutesWithPreRequest, bool withPreRequest) =>
        TimeSpan.FromMinutes(withPreRequest ? minutesWithPreRequest : minutesPerPerson);
}
