using System.Globalization;
using Guichet.Web.Data;
using Guichet.Web.Platform;

namespace Guichet.Web.Features.Appointments;

/// <summary>What the move pages (citizen and agent) show: free times per day, each a link to the confirmation step.</summary>
public sealed record MoveChoice(Site Site, IReadOnlyList<IGrouping<DateOnly, DateTime>> Days, DateOnly From, DateOnly? NextFrom, Func<string, string> Url)
{
    public const int ShownDays = 5;
    private const int SearchDays = 60;

    public string StartUrl(DateTime startUtc) => Url("start=" + Uri.EscapeDataString(Iso(startUtc)));
    public string PageUrl(DateOnly from) => Url("from=" + from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    public string Iso(DateTime startUtc) => FrenchDates.ToOffset(startUtc, Site.TimeZone).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);

    public static async Task<MoveChoice> LoadAsync(MoveAppointment move, Appointment appointment, Site site, string? fromText,
        TimeProvider clock, Func<string, string> url, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(FrenchDates.ToLocal(clock.GetUtcNow().UtcDateTime, site.TimeZone));
        var from = DateOnly.TryParseExact(fromText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var f) && f > today && f <= today.AddYears(1)
            ? f : today;
        var slots = await move.FreeSlotsAsync(appointment, from, from.AddDays(SearchDays), ct);
        var days = slots.Select(s => s.StartUtc).GroupBy(s => DateOnly.FromDateTime(FrenchDates.ToLocal(s, site.TimeZone))).ToList();
        var shown = days.Take(ShownDays).ToList();
        DateOnly? next = days.Count > ShownDays ? shown[^1].Key.AddDays(1) : null;
        return new MoveChoice(site, shown, from, next, url);
    }

    /// <summary>A start from the query string, with its offset; null when absent or not a date.</summary>
    public static DateTimeOffset? ParseStart(string? text) =>
        !string.IsNullOrWhiteSpace(text) && text.Length <= 40 && text.Length > 6 && (text[^6] is '+' or '-' || text.EndsWith('Z'))
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}
