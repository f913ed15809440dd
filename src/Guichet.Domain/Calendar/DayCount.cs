namespace Guichet.Domain.Calendar;

/// <summary>The unit a delay is expressed in; each request type says which one it uses.</summary>
public enum DayCount
{
    /// <summary>Jours calendaires: every day counts.</summary>
    Calendar,

    /// <summary>Jours ouvrés: Monday to Friday, minus holidays and closures.</summary>
    Business,

    /// <summary>Jours ouvrables: Monday to Saturday, minus holidays and closures.</summary>
    BusinessWithSaturday,
}
