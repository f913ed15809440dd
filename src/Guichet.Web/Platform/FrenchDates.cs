namespace Guichet.Web.Platform;

/// <summary>French wording of instants in a site's time zone, shared by pages and messages.</summary>
public static class FrenchDates
{
    public static readonly System.Globalization.CultureInfo Culture = System.Globalization.CultureInfo.GetCultureInfo("fr-FR");

    public static DateTime ToLocal(DateTime utc, string timeZone) =>
        TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZoneInfo.FindSystemTimeZoneById(timeZone));

    public static DateTimeOffset ToOffset(DateTime utc, string timeZone)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        return new DateTimeOffset(utc).ToOffset(zone.GetUtcOffset(utc));
    }

    /// <summary>"mardi 1 décembre 2026"</summary>
    public static string Day(DateTime local) => local.ToString("dddd d MMMM yyyy", Culture);

    /// <summary>"9 h 30"</summary>
    public static string Time(DateTime local) => local.Minute == 0 ? $"{local.Hour} h" : $"{local.Hour} h {local.Minute:00}";

    public static string DayAndTime(DateTime local) => $"{Day(local)} à {Time(local)}";
}
