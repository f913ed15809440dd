using System.Globalization;
using Guichet.Domain.Calendar;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Closures;

/// <summary>What an administrator typed: local dates and times of the site; empty times mean the whole day.</summary>
public sealed record ClosureInput(
    string? SiteId, string? StationId, string? Kind, string? StartDate, string? StartTime, string? EndDate, string? EndTime,
    string? Reason, string? AgentId);

public abstract record ClosureResult
{
    /// <summary>Saved; <paramref name="Affected"/> are the booked appointments inside it, left for an agent to move or cancel.</summary>
    public sealed record Saved(Closure Closure, IReadOnlyList<Appointment> Affected) : ClosureResult;
    public sealed record Refused(IReadOnlyList<FieldError> Errors) : ClosureResult;
}

public abstract record ImportResult
{
    public sealed record Imported(int Added, int Updated, int Past, IReadOnlyList<IcsProblem> Problems, int Affected) : ImportResult;
    public sealed record Refused(FieldError Error) : ImportResult;
}

/// <summary>
/// Records closures for the administrator's own organisation, typed or imported from an .ics file. A closure is a
/// fact — the town hall is closed — so it is saved even when appointments are booked inside it; those are never
/// cancelled silently: they are returned, and listed on the closure's page for an agent to move or cancel.
/// </summary>
public sealed class RecordClosures(GuichetDb db, TimeProvider clock, ILogger<RecordClosures> log)
{
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(366);
    public const int MaxYearsAhead = 3;
    public const int MaxImportBytes = 1024 * 1024;

    public async Task<ClosureResult> AddAsync(ClosureInput input, Agent admin, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var (site, station, siteError) = await FindPlaceAsync(input.SiteId, input.StationId, admin, ct);
        if (siteError is not null) errors.Add(siteError);
        if (!Enum.TryParse<ClosureKind>(input.Kind, out var kind) || !Enum.IsDefined(kind) || int.TryParse(input.Kind, out _))
            errors.Add(new("kind", "Choisissez le type de fermeture."));
        var reason = input.Reason?.Trim() ?? "";
        if (reason.Length == 0) errors.Add(new("reason", "Indiquez la raison de la fermeture (elle n'est montrée qu'aux agents)."));
        else if (reason.Length > Closure.MaxReasonLength) errors.Add(new("reason", $"La raison tient en {Closure.MaxReasonLength} caractères au plus."));
        else if (reason.Any(char.IsControl)) errors.Add(new("reason", "La raison contient des caractères invalides."));
        string? agentId = null;
        if (!string.IsNullOrWhiteSpace(input.AgentId))
        {
            agentId = await db.Agents.Where(a => a.Id == input.AgentId && a.OrganisationId == admin.OrganisationId).Select(a => a.Id).FirstOrDefaultAsync(ct);
            if (agentId is null) errors.Add(new("agentId", "Cet agent n'existe pas dans votre collectivité."));
        }
        else if (kind == ClosureKind.Absence) errors.Add(new("agentId", "Choisissez l'agent absent."));

        var start = ParseLocal(input.StartDate, input.StartTime, endOfDay: false, "startDate", "startTime", "début", errors);
        var end = ParseLocal(input.EndDate, input.EndTime, endOfDay: true, "endDate", "endTime", "fin", errors);
        if (errors.Count > 0 || site is null) return new ClosureResult.Refused(errors);

        var zone = TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone);
        var startUtc = ToUtc(start!.Value, zone);
        var endUtc = ToUtc(end!.Value, zone);
        if (CheckPeriod(startUtc, endUtc) is { } periodError) return new ClosureResult.Refused([periodError]);

        var closure = new Closure
        {
            Id = Secrets.NewId(), OrganisationId = admin.OrganisationId, SiteId = site.Id, StationId = station?.Id, Kind = kind,
            StartUtc = startUtc, EndUtc = endUtc, Reason = reason, AgentId = agentId, Source = ClosureSource.Manual,
            CreatedUtc = clock.GetUtcNow().UtcDateTime, CreatedByAgentId = admin.Id,
        };
        db.Add(closure);
        await db.SaveChangesAsync(ct);
        var affected = await AffectedAsync(closure, ct);
        log.LogInformation("Closure {ClosureId} recorded at site {SiteId} by {AgentId}; {Affected} booked appointments inside",
            closure.Id, site.Id, admin.Id, affected.Count);
        return new ClosureResult.Saved(closure, affected);
    }

    /// <summary>
    /// Imports the events of an iCalendar file as closures of a site (or of one station). An event already imported
    /// (same UID) is updated, so a town hall can import its calendar again after changing it. Past events are skipped.
    /// </summary>
    public async Task<ImportResult> ImportAsync(string? siteId, string? stationId, string text, Agent admin, CancellationToken ct)
    {
        var (site, station, siteError) = await FindPlaceAsync(siteId, stationId, admin, ct);
        if (siteError is not null || site is null) return new ImportResult.Refused(siteError ?? new("siteId", "Choisissez un lieu."));
        var read = IcsReader.Read(text);
        if (read.Events.Count == 0)
            return new ImportResult.Refused(new("file", read.Problems.Count > 0
                ? "Aucune fermeture n'a pu être lue dans ce fichier : " + read.Problems[0].Message
                : "Ce calendrier ne contient aucun événement."));

        var zone = TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone);
        var now = clock.GetUtcNow().UtcDateTime;
        var problems = read.Problems.ToList();
        var existing = await db.Set<Closure>().Where(c => c.SiteId == site.Id && c.ImportUid != null).ToDictionaryAsync(c => c.ImportUid!, ct);
        int added = 0, updated = 0, past = 0;
        var touched = new List<Closure>();
        foreach (var e in read.Events)
        {
            var startUtc = e.Start.ToUtc(zone, FindZone);
            var endUtc = e.End.ToUtc(zone, FindZone);
            if (endUtc <= now) { past++; continue; }
            if (CheckPeriod(startUtc, endUtc) is { } bad)
            {
                problems.Add(new(e.Line, $"L'événement de la ligne {e.Line} : {bad.Message}"));
                continue;
            }
            var reason = Clean(e.Summary) ?? "Fermeture importée";
            // Without a UID, the event's own dates identify it: importing the same file twice adds nothing.
            var uid = Clean(e.Uid, 300) ?? $"{startUtc:yyyyMMddTHHmmssZ}/{endUtc:yyyyMMddTHHmmssZ}/{reason}";
            if (uid.Length > 300) uid = uid[..300];
            if (existing.TryGetValue(uid, out var closure))
            {
                closure.StationId = station?.Id;
                closure.StartUtc = startUtc;
                closure.EndUtc = endUtc;
                closure.Reason = reason;
                updated++;
            }
            else
            {
                closure = new Closure
                {
                    Id = Secrets.NewId(), OrganisationId = admin.OrganisationId, SiteId = site.Id, StationId = station?.Id,
                    Kind = ClosureKind.Closure, StartUtc = startUtc, EndUtc = endUtc, Reason = reason, Source = ClosureSource.Import,
                    ImportUid = uid, CreatedUtc = now, CreatedByAgentId = admin.Id,
                };
                db.Add(closure);
                existing[uid] = closure;
                added++;
            }
            touched.Add(closure);
        }
        await db.SaveChangesAsync(ct);
        var affected = 0;
        foreach (var c in touched) affected += (await AffectedAsync(c, ct)).Count;
        log.LogInformation("Closures imported at site {SiteId} by {AgentId}: {Added} added, {Updated} updated, {Problems} left out",
            site.Id, admin.Id, added, updated, problems.Count);
        return new ImportResult.Imported(added, updated, past, problems, affected);
    }

    public async Task<bool> DeleteAsync(string? id, Agent admin, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(id)) return false;
        var closure = await db.Set<Closure>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.OrganisationId == admin.OrganisationId, ct);
        if (closure is null) return false;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var removed = await db.Set<Closure>().Where(c => c.Id == id && c.OrganisationId == admin.OrganisationId).ExecuteDeleteAsync(ct);
        if (removed > 0 && closure.EndUtc > now)
        {
            // The lifted period's slots are free again: the waiting list (Features/Waitlist) is offered them, in this transaction.
            var stations = closure.StationId is { } one ? [one]
                : await db.Stations.AsNoTracking().Where(s => s.SiteId == closure.SiteId && s.Active).Select(s => s.Id).ToListAsync(ct);
            foreach (var station in stations)
                db.Add(Waitlist.WaitlistJob.Freed(closure.OrganisationId, closure.SiteId, station, closure.StartUtc > now ? closure.StartUtc : now, closure.EndUtc, now));
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        if (removed > 0) log.LogInformation("Closure {ClosureId} removed by {AgentId}", id, admin.Id);
        return removed > 0;
    }

    /// <summary>Booked appointments still to come inside the closure (the whole site's, or the station's).</summary>
    public async Task<List<Appointment>> AffectedAsync(Closure c, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Appointments.AsNoTracking()
            .Where(a => a.SiteId == c.SiteId && a.Status == AppointmentStatus.Booked
                        && (c.StationId == null || a.StationId == c.StationId)
                        && a.StartUtc < c.EndUtc && a.EndUtc > c.StartUtc && a.EndUtc > now)
            .OrderBy(a => a.StartUtc).ThenBy(a => a.StationId)
            .ToListAsync(ct);
    }

    private async Task<(Site? Site, Station? Station, FieldError? Error)> FindPlaceAsync(string? siteId, string? stationId, Agent admin, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(siteId)) return (null, null, new("siteId", "Choisissez un lieu."));
        // Only the administrator's own sites: another organisation's site is as unknown as a made-up one.
        var site = await db.Sites.AsNoTracking().FirstOrDefaultAsync(s => s.Id == siteId && s.OrganisationId == admin.OrganisationId, ct);
        if (site is null) return (null, null, new("siteId", "Ce lieu n'existe pas dans votre collectivité."));
        if (string.IsNullOrWhiteSpace(stationId)) return (site, null, null);
        var station = await db.Stations.AsNoTracking().FirstOrDefaultAsync(s => s.Id == stationId && s.SiteId == site.Id, ct);
        return station is null ? (site, null, new("stationId", "Ce poste n'existe pas dans ce lieu.")) : (site, station, null);
    }

    private FieldError? CheckPeriod(DateTime startUtc, DateTime endUtc)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (endUtc <= startUtc) return new("endDate", "La fin de la fermeture doit venir après son début.");
        if (endUtc - startUtc > MaxLength) return new("endDate", "Une fermeture dure un an au plus : pour une fermeture définitive, désactivez le lieu ou le poste.");
        if (endUtc <= now) return new("endDate", "Cette fermeture est déjà passée.");
        if (startUtc > now.AddYears(MaxYearsAhead)) return new("startDate", $"Une fermeture commence dans les {MaxYearsAhead} ans qui viennent.");
        return null;
    }

    private static DateTime? ParseLocal(string? date, string? time, bool endOfDay, string dateField, string timeField, string word, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(date))
        {
            errors.Add(new(dateField, $"Indiquez la date de {word}."));
            return null;
        }
        if (!DateOnly.TryParseExact(date.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) || day.Year < 2000 || day.Year > 2100)
        {
            errors.Add(new(dateField, $"La date de {word} n'est pas une date valide (jj/mm/aaaa)."));
            return null;
        }
        if (string.IsNullOrWhiteSpace(time))
            return endOfDay ? day.AddDays(1).ToDateTime(TimeOnly.MinValue) : day.ToDateTime(TimeOnly.MinValue);
        if (!TimeOnly.TryParseExact(time.Trim(), ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
        {
            errors.Add(new(timeField, $"L'heure de {word} n'est pas une heure valide (hh:mm)."));
            return null;
        }
        return day.ToDateTime(t);
    }

    /// <summary>Wall-clock time of the site to UTC; a time in the spring-forward gap moves to the end of the gap.</summary>
    private static DateTime ToUtc(DateTime local, TimeZoneInfo zone)
    {
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone);
    }

    private static TimeZoneInfo? FindZone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;

    private static string? Clean(string? text, int max = Closure.MaxReasonLength)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var cleaned = string.Join(' ', new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (cleaned.Length == 0) return null;
        return cleaned.Length <= max ? cleaned : cleaned[..(max - 1)] + "…";
    }
}
