using System.Globalization;
using Guichet.Domain.Calendar;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;
using DomainRule = Guichet.Domain.Scheduling.OpeningRule;
using OpeningRule = Guichet.Web.Data.OpeningRule;

namespace Guichet.Web.Features.Closures;

/// <summary>An opening rule as an administrator typed it (local dates and times of the site).</summary>
public sealed record RuleInput(
    string? StationId, string? Recurrence, string? Day, string? WeekOfMonth, string? Start, string? End,
    string? ValidFrom, string? ValidUntil, IReadOnlyList<string> Reasons);

/// <summary>One day of the preview: its windows, how many one-person slots each reason gets, or why it is closed.</summary>
public sealed record PreviewDay(DateOnly Date, string? ClosedBecause, IReadOnlyList<string> Windows, IReadOnlyList<(string Reason, int Slots)> Slots, bool Changed);

public abstract record RuleResult
{
    public sealed record Valid(OpeningRule Rule) : RuleResult;
    public sealed record Refused(IReadOnlyList<FieldError> Errors) : RuleResult;
}

/// <summary>
/// Opening rules of the administrator's own stations: checks a typed rule, previews the four weeks it changes,
/// saves it, and removes a rule only after showing the booked appointments it would leave outside opening hours.
/// </summary>
public sealed class ManageOpeningRules(GuichetDb db, FindSlots finder, TimeProvider clock, ILogger<ManageOpeningRules> log)
{
    public const int PreviewDays = 28;

    public async Task<(Station Station, Site Site)?> FindStationAsync(string? stationId, Agent admin, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(stationId)) return null;
        var station = await db.Stations.AsNoTracking().FirstOrDefaultAsync(s => s.Id == stationId && s.OrganisationId == admin.OrganisationId, ct);
        if (station is null) return null;
        return (station, await db.Sites.AsNoTracking().FirstAsync(s => s.Id == station.SiteId, ct));
    }

    public async Task<RuleResult> CheckAsync(RuleInput input, Agent admin, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var place = await FindStationAsync(input.StationId, admin, ct);
        if (place is null) errors.Add(new("stationId", "Choisissez un poste de votre collectivité."));
        if (!Enum.TryParse<RuleRecurrence>(input.Recurrence, out var recurrence) || !Enum.IsDefined(recurrence) || int.TryParse(input.Recurrence, out _))
            errors.Add(new("recurrence", "Choisissez comment la plage se répète."));
        var day = DayOfWeek.Monday;
        if (recurrence != RuleRecurrence.Once
            && (!int.TryParse(input.Day, out var d) || d is < 0 or > 6))
            errors.Add(new("day", "Choisissez le jour de la semaine."));
        else if (recurrence != RuleRecurrence.Once) day = (DayOfWeek)int.Parse(input.Day!, CultureInfo.InvariantCulture);
        var week = 0;
        if (recurrence == RuleRecurrence.MonthlyNth && (!int.TryParse(input.WeekOfMonth, out week) || week is not (1 or 2 or 3 or 4 or -1)))
            errors.Add(new("weekOfMonth", "Choisissez la semaine du mois : 1re, 2e, 3e, 4e ou dernière."));
        var start = ParseTime(input.Start, "start", "de début", errors);
        var end = ParseTime(input.End, "end", "de fin", errors);
        var from = ParseDate(input.ValidFrom, "validFrom", required: true, errors);
        var until = ParseDate(input.ValidUntil, "validUntil", required: false, errors);
        var known = await db.Reasons.Where(r => r.OrganisationId == admin.OrganisationId).Select(r => r.Code).ToListAsync(ct);
        var reasons = input.Reasons.Where(r => !string.IsNullOrWhiteSpace(r)).Distinct().ToList();
        if (reasons.Count == 0) errors.Add(new("reasons", "Cochez au moins un motif accepté pendant cette plage."));
        else if (reasons.Any(r => !known.Contains(r))) errors.Add(new("reasons", "Ce motif n'existe pas dans votre collectivité."));
        if (errors.Count > 0) return new RuleResult.Refused(errors);

        if (recurrence == RuleRecurrence.Once)
        {
            until = from;
            day = from!.Value.DayOfWeek;
        }
        if (DomainRule.Check(start!.Value, end!.Value, from!.Value, until, recurrence, week) is { } problem)
            return new RuleResult.Refused([new(problem.Contains("validité") ? "validUntil" : "end", problem)]);
        return new RuleResult.Valid(new OpeningRule
        {
            Id = Secrets.NewId(), OrganisationId = admin.OrganisationId, StationId = place!.Value.Station.Id, DayOfWeek = day,
            StartTime = start.Value, EndTime = end.Value, ValidFrom = from.Value, ValidUntil = until, ReasonCodes = string.Join(' ', reasons),
            Recurrence = recurrence, WeekOfMonth = recurrence == RuleRecurrence.MonthlyNth ? week : 0,
        });
    }

    public async Task AddAsync(OpeningRule rule, Agent admin, CancellationToken ct)
    {
        db.OpeningRules.Add(rule);
        await db.SaveChangesAsync(ct);
        log.LogInformation("Opening rule {RuleId} added to station {StationId} by {AgentId}", rule.Id, rule.StationId, admin.Id);
    }

    /// <summary>Booked appointments still to come that <paramref name="ruleId"/> covers and no other rule of the station does.</summary>
    public async Task<List<Appointment>> StrandedWithoutAsync(string ruleId, Station station, Site site, CancellationToken ct)
    {
        var rules = await db.OpeningRules.AsNoTracking().Where(r => r.StationId == station.Id).ToListAsync(ct);
        var removed = rules.FirstOrDefault(r => r.Id == ruleId)?.ToDomain();
        if (removed is null) return [];
        var remaining = rules.Where(r => r.Id != ruleId).Select(r => r.ToDomain()).ToList();
        var now = clock.GetUtcNow().UtcDateTime;
        var booked = await db.Appointments.AsNoTracking()
            .Where(a => a.StationId == station.Id && a.Status == AppointmentStatus.Booked && a.StartUtc > now)
            .OrderBy(a => a.StartUtc).ToListAsync(ct);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone);
        return booked.Where(a =>
        {
            var start = TimeZoneInfo.ConvertTimeFromUtc(a.StartUtc, zone);
            var end = TimeZoneInfo.ConvertTimeFromUtc(a.EndUtc, zone);
            // Only those this rule holds: one already outside the hours is not this removal's doing.
            return removed.Covers(start, end, a.ReasonCode) && !remaining.Any(r => r.Covers(start, end, a.ReasonCode));
        }).ToList();
    }

    public async Task<bool> DeleteAsync(string ruleId, Agent admin, CancellationToken ct)
    {
        var removed = await db.OpeningRules.Where(r => r.Id == ruleId && r.OrganisationId == admin.OrganisationId).ExecuteDeleteAsync(ct);
        if (removed > 0) log.LogInformation("Opening rule {RuleId} removed by {AgentId}", ruleId, admin.Id);
        return removed > 0;
    }

    /// <summary>
    /// The next four weeks of the station, day by day, with its rules as saved or with <paramref name="candidate"/>
    /// added: windows, one-person free slots per reason (after holidays, closures and bookings), days that change.
    /// </summary>
    public async Task<IReadOnlyList<PreviewDay>> PreviewAsync(Station station, Site site, OpeningRule? candidate, CancellationToken ct)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone);
        var now = clock.GetUtcNow().UtcDateTime;
        var from = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(now, zone));
        var to = from.AddDays(PreviewDays - 1);
        var planning = (await finder.LoadPlanningsAsync([site.Id], from, to, ct)).GetValueOrDefault(site.Id)?.FirstOrDefault(p => p.StationId == station.Id)
                       ?? new StationPlanning(station.Id, [], new HashSet<long>());
        var rules = planning.Rules.ToList();
        var added = candidate?.ToDomain();
        if (added is not null) rules.Add(added);
        var withRules = planning with { Rules = rules };
        var reasons = await db.Reasons.AsNoTracking().Where(r => r.OrganisationId == station.OrganisationId).OrderBy(r => r.SortOrder).ToListAsync(ct);
        var holidays = HolidayCalendar.For(site.Territory);
        var closures = await db.Set<Closure>().AsNoTracking()
            .Where(c => c.SiteId == site.Id && (c.StationId == null || c.StationId == station.Id) && c.EndUtc > now)
            .ToListAsync(ct);

        var days = new List<PreviewDay>();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var windows = rules.Where(r => r.AppliesOn(day)).OrderBy(r => r.Start)
                .Select(r => $"{FrenchDates.Time(day.ToDateTime(r.Start))} – {FrenchDates.Time(day.ToDateTime(r.End))} ({string.Join(", ", r.Reasons.Order(StringComparer.Ordinal))})")
                .ToList();
            var changed = added is not null && added.AppliesOn(day);
            if (holidays.NameOf(day) is { } holiday)
            {
                days.Add(new PreviewDay(day, $"férié ({holiday})", windows, [], changed));
                continue;
            }
            var dayStart = TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), zone);
            var dayEnd = TimeZoneInfo.ConvertTimeToUtc(day.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);
            var closedAllDay = closures.FirstOrDefault(c => c.StartUtc <= dayStart && c.EndUtc >= dayEnd);
            if (closedAllDay is not null)
            {
                days.Add(new PreviewDay(day, $"fermé ({closedAllDay.Reason})", windows, [], changed));
                continue;
            }
            var slots = reasons.Select(r => (r.Name, SlotFinder.FreeSlots(withRules, r.Code, holidays.IsHoliday, zone, day, day,
                    AppointmentLength.Step(r.MinutesPerPerson, r.MinutesWithPreRequest, false),
                    AppointmentLength.For(r.MinutesPerPerson, r.MinutesWithPreRequest, 1, 0), now).Count()))
                .Where(s => s.Item2 > 0).ToList();
            days.Add(new PreviewDay(day, windows.Count == 0 ? "pas d'ouverture" : null, windows, slots, changed));
        }
        return days;
    }

    /// <summary>"Chaque mardi", "Un mardi sur deux à partir du 7 décembre 2026", "Le dernier samedi du mois", "Le samedi 19 décembre 2026".</summary>
    public static string Describe(OpeningRule r)
    {
        var day = FrenchDates.Culture.DateTimeFormat.GetDayName(r.DayOfWeek);
        var validity = r.Recurrence == RuleRecurrence.Once ? ""
            : r.ValidUntil is { } until ? $", du {Short(r.ValidFrom)} au {Short(until)}"
            : $", depuis le {Short(r.ValidFrom)}";
        return r.Recurrence switch
        {
            RuleRecurrence.Weekly => $"Chaque {day}{validity}",
            RuleRecurrence.EveryOtherWeek => $"Un {day} sur deux{validity}",
            RuleRecurrence.MonthlyNth => $"Le {(r.WeekOfMonth == -1 ? "dernier" : r.WeekOfMonth == 1 ? "1er" : $"{r.WeekOfMonth}e")} {day} du mois{validity}",
            RuleRecurrence.Once => $"Le {FrenchDates.Day(r.ValidFrom.ToDateTime(TimeOnly.MinValue))} seulement",
            _ => r.Recurrence.ToString(),
        };
    }

    private static string Short(DateOnly d) => d.ToString("d MMMM yyyy", FrenchDates.Culture);

    private static TimeOnly? ParseTime(string? text, string field, string word, List<FieldError> errors)
    {
        if (TimeOnly.TryParseExact(text?.Trim(), ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) return t;
        errors.Add(new(field, $"Indiquez l'heure {word} (hh:mm)."));
        return null;
    }

    private static DateOnly? ParseDate(string? text, string field, bool required, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required) errors.Add(new(field, "Indiquez la date de début de validité."));
            return null;
        }
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d.Year is >= 2000 and <= 2100)
            return d;
        errors.Add(new(field, "Cette date n'est pas valide (jj/mm/aaaa)."));
        return null;
    }
}
