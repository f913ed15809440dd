using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace Guichet.Domain.Calendar;

/// <summary>
/// The public holidays of one territory (Code du travail L3133-1 and local law), optionally with a
/// site's own closed days. Immutable and safe to share between threads.
/// </summary>
/// <remarks>
/// The current rules are applied to every year, except the abolition-of-slavery days (from 1984,
/// law of 30 June 1983) and Saint-Martin's move from 27 to 28 May (2018). Years are computed on
/// first use and cached, because a slot search asks about every day of a 90-day window.
/// </remarks>
public sealed class HolidayCalendar
{
    // Law of 30 June 1983 and décret 83-1003; the first days were observed in 1984.
    private const int FirstAbolitionYear = 1984;
    private const int SaintMartinMoveYear = 2018;

    private static readonly FrozenDictionary<Territory, HolidayCalendar> Instances =
        Enum.GetValues<Territory>().ToFrozenDictionary(t => t, t => new HolidayCalendar(new YearCache(t), FrozenSet<DateOnly>.Empty));

    private readonly YearCache _years;
    private readonly FrozenSet<DateOnly> _extraClosedDays;

    private HolidayCalendar(YearCache years, FrozenSet<DateOnly> extraClosedDays)
    {
        _years = years;
        _extraClosedDays = extraClosedDays;
    }

    public static HolidayCalendar Metropolitan => For(Territory.Metropolitan);

    public Territory Territory => _years.Territory;

    /// <summary>Dates closed on top of the public holidays (site closures).</summary>
    public IReadOnlySet<DateOnly> ExtraClosedDays => _extraClosedDays;

    /// <summary>The shared calendar of a territory.</summary>
    public static HolidayCalendar For(Territory territory) =>
        Instances.TryGetValue(territory, out var calendar)
            ? calendar
            : throw new ArgumentOutOfRangeException(nameof(territory), territory, "Unknown territory.");

    /// <summary>
    /// A calendar with the same holidays that also treats <paramref name="extraClosedDays"/> as
    /// non-working, for site closures. They are not holidays: <see cref="IsHoliday"/> ignores them.
    /// </summary>
    public HolidayCalendar With(IEnumerable<DateOnly> extraClosedDays)
    {
        ArgumentNullException.ThrowIfNull(extraClosedDays);
        return new HolidayCalendar(_years, _extraClosedDays.Union(extraClosedDays).ToFrozenSet());
    }

    /// <summary>Whether the date is a public holiday, whatever the day of the week.</summary>
    public bool IsHoliday(DateOnly date) => _years.Get(date.Year).Names.ContainsKey(date);

    /// <summary>Whether the date is a public holiday or one of the extra closed days.</summary>
    public bool IsClosed(DateOnly date) =>
        (_extraClosedDays.Count > 0 && _extraClosedDays.Contains(date)) || IsHoliday(date);

    /// <summary>The French name of the holiday on that date, or null if it is none.</summary>
    public string? NameOf(DateOnly date) => _years.Get(date.Year).Names.GetValueOrDefault(date);

    /// <summary>The year's holidays sorted by date, one entry per date.</summary>
    public IReadOnlyList<Holiday> HolidaysIn(int year) => _years.Get(year).Holidays;

    public override string ToString() =>
        _extraClosedDays.Count == 0 ? $"{Territory}" : $"{Territory} + {_extraClosedDays.Count} closed day(s)";

    private sealed record YearTable(IReadOnlyList<Holiday> Holidays, IReadOnlyDictionary<DateOnly, string> Names);

    // One per territory, shared by every calendar derived with With(), so closures never recompute holidays.
    private sealed class YearCache(Territory territory)
    {
        private readonly ConcurrentDictionary<int, YearTable> _tables = new();

        public Territory Territory { get; } = territory;

        public YearTable Get(int year) => _tables.GetOrAdd(year, static (y, t) => Build(t, y), Territory);

        private static YearTable Build(Territory territory, int year)
        {
            var easter = Easter.Sunday(year); // also rejects years outside 1583..9999
            var days = new List<Holiday>(13)
            {
                new(new DateOnly(year, 1, 1), "Jour de l'an"),
                new(new DateOnly(year, 5, 1), "Fête du Travail"),
                new(new DateOnly(year, 5, 8), "Victoire 1945"),
                new(new DateOnly(year, 7, 14), "Fête nationale"),
                new(new DateOnly(year, 8, 15), "Assomption"),
                new(new DateOnly(year, 11, 1), "Toussaint"),
                new(new DateOnly(year, 11, 11), "Armistice 1918"),
                new(new DateOnly(year, 12, 25), "Noël"),
                new(easter.AddDays(1), "Lundi de Pâques"),
                new(easter.AddDays(39), "Ascension"),
                new(easter.AddDays(50), "Lundi de Pentecôte"),
            };

            if (territory == Territory.AlsaceMoselle)
            {
                days.Add(new(easter.AddDays(-2), "Vendredi saint"));
                days.Add(new(new DateOnly(year, 12, 26), "Saint-Étienne"));
            }

            if (year >= FirstAbolitionYear && AbolitionDay(territory, year) is (int month, int day))
            {
                days.Add(new(new DateOnly(year, month, day), "Abolition de l'esclavage"));
            }

            // Two holidays can share a date (Ascension fell on 1 May in 2008; Martinique's 22 May can
            // be Ascension): keep one entry so counts are counts of days, and name both.
            var merged = days
                .GroupBy(h => h.Date)
                .Select(g => new Holiday(g.Key, string.Join(" et ", g.Select(h => h.Name))))
                .OrderBy(h => h.Date)
                .ToArray();

            return new YearTable(
                Array.AsReadOnly(merged),
                merged.ToFrozenDictionary(h => h.Date, h => h.Name));
        }

        private static (int Month, int Day)? AbolitionDay(Territory territory, int year) => territory switch
        {
            Territory.Guadeloupe => (5, 27),
            Territory.Martinique => (5, 22),
            Territory.Guyane => (6, 10),
            Territory.Reunion => (12, 20),
            Territory.Mayotte => (4, 27),
            Territory.SaintBarthelemy => (10, 9),
            Territory.SaintMartin => year >= SaintMartinMoveYear ? (5, 28) : (5, 27),
            _ => null,
        };
    }
}
