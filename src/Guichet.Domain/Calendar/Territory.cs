namespace Guichet.Domain.Calendar;

/// <summary>
/// A territory whose public-holiday list differs from another's. Holidays come from the handling
/// site's territory, never from the citizen's address.
/// </summary>
public enum Territory
{
    Metropolitan,
    AlsaceMoselle,
    Guadeloupe,
    Martinique,
    Guyane,
    Reunion,
    Mayotte,
    SaintBarthelemy,
    SaintMartin,
}
