using System.Globalization;

namespace Guichet.Domain.Tests.Calendar;

internal static class Dates
{
    /// <summary>Reads an ISO date (yyyy-MM-dd) written in a test table.</summary>
    public static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
