namespace Guichet.Domain.Calendar;

/// <summary>Easter Sunday in the Gregorian calendar, the anchor of the movable holidays.</summary>
public static class Easter
{
    public const int FirstYear = 1583; // first full year of the Gregorian calendar
    public const int LastYear = 9999;  // DateOnly.MaxValue.Year

    /// <summary>Easter Sunday of <paramref name="year"/> by the Meeus/Jones/Butcher computus.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The year is outside 1583..9999.</exception>
    public static DateOnly Sunday(int year)
    {
        if (year is < FirstYear or > LastYear)
        {
            throw new ArgumentOutOfRangeException(
                nameof(year), year, $"Easter is computed for Gregorian years {FirstYear} to {LastYear}.");
        }

        var a = year % 19;                                  // position in the 19-year lunar (Metonic) cycle
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;           // epact: days from 21 March to the paschal full moon
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;       // days from the full moon to the next Sunday
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;

        return new DateOnly(year, month, day);
    }
}
