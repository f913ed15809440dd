using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Guichet.Web.Platform.Mail;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Agenda;

/// <summary>
/// Makes, renews and revokes the secret feed addresses, and writes a feed. A station's feed: its appointments. An
/// agent's feed: what the agent may see in Guichet — the organisation's appointments, or for a partner town hall's
/// agent only those it booked. Events carry the reason, the number of persons and the code, never a citizen's name,
/// phone or e-mail: a subscribed calendar is copied to phones and calendar services outside the town hall's hands,
/// and the code is enough to open the appointment in Guichet (the event's link, behind sign-in).
/// </summary>
public sealed class CalendarFeeds(GuichetDb db, TimeProvider clock, AppOptions app, MailOptions mail, ILogger<CalendarFeeds> log)
{
    /// <summary>Appointments this far back and ahead are in a feed.</summary>
    public static readonly TimeSpan Past = TimeSpan.FromDays(31);
    public static readonly TimeSpan Ahead = TimeSpan.FromDays(184);

    /// <summary>
    /// A new secret address for a station (administrators of its organisation) or for an agent (the agent, or an
    /// administrator of the same organisation); the old one stops working. Null when the caller may not.
    /// </summary>
    public async Task<string?> RenewAsync(Agent actor, CalendarFeedKind kind, string ownerId, CancellationToken ct)
    {
        if (!await MayManageAsync(actor, kind, ownerId, ct)) return null;
        var token = Secrets.NewToken();
        var now = clock.GetUtcNow().UtcDateTime;
        var feed = await db.Set<CalendarFeed>().FirstOrDefaultAsync(f => f.Kind == kind && f.OwnerId == ownerId, ct);
        if (feed is null)
        {
            feed = new CalendarFeed { Id = Secrets.NewId(), OrganisationId = actor.OrganisationId, Kind = kind, OwnerId = ownerId, TokenHash = "", CreatedBy = actor.Id };
            db.Add(feed);
        }
        feed.TokenHash = Secrets.Hash(token);
        feed.CreatedUtc = now;
        feed.CreatedBy = actor.Id;
        await db.SaveChangesAsync(ct);
        log.LogInformation("Calendar feed {FeedId} ({Kind} {OwnerId}) renewed by agent {AgentId}", feed.Id, kind, ownerId, actor.Id);
        return token;
    }

    /// <summary>Stops the address; false when there was none the caller may stop.</summary>
    public async Task<bool> RevokeAsync(Agent actor, CalendarFeedKind kind, string ownerId, CancellationToken ct)
    {
        if (!await MayManageAsync(actor, kind, ownerId, ct)) return false;
        var removed = await db.Set<CalendarFeed>().Where(f => f.Kind == kind && f.OwnerId == ownerId && f.OrganisationId == actor.OrganisationId).ExecuteDeleteAsync(ct);
        if (removed > 0) log.LogInformation("Calendar feed of {Kind} {OwnerId} revoked by agent {AgentId}", kind, ownerId, actor.Id);
        return removed > 0;
    }

    private async Task<bool> MayManageAsync(Agent actor, CalendarFeedKind kind, string ownerId, CancellationToken ct) => kind switch
    {
        CalendarFeedKind.Station => actor.Role == AgentRole.Administrator
            && await db.Stations.AnyAsync(s => s.Id == ownerId && s.OrganisationId == actor.OrganisationId, ct),
        CalendarFeedKind.Agent => ownerId == actor.Id
            || (actor.Role == AgentRole.Administrator && await db.Agents.AnyAsync(a => a.Id == ownerId && a.OrganisationId == actor.OrganisationId, ct)),
        _ => false,
    };

    /// <summary>The feed behind a secret address, or null for an unknown, renewed or revoked one.</summary>
    public async Task<string?> WriteAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return null;
        var hash = Secrets.Hash(token);
        var feed = await db.Set<CalendarFeed>().AsNoTracking().FirstOrDefaultAsync(f => f.TokenHash == hash, ct);
        if (feed is null) return null;

        var now = clock.GetUtcNow().UtcDateTime;
        var from = now - Past;
        var to = now + Ahead;
        var appointments = db.Appointments.AsNoTracking()
            .Where(a => a.Status != AppointmentStatus.Cancelled && a.StartUtc >= from && a.StartUtc < to);
        string name;
        if (feed.Kind == CalendarFeedKind.Station)
        {
            var station = await db.Stations.AsNoTracking().FirstOrDefaultAsync(s => s.Id == feed.OwnerId && s.OrganisationId == feed.OrganisationId, ct);
            if (station is null) return null;
            var siteName = await db.Sites.AsNoTracking().Where(s => s.Id == station.SiteId).Select(s => s.Name).FirstAsync(ct);
            name = $"Guichet – {siteName} – {station.Name}";
            appointments = appointments.Where(a => a.StationId == station.Id && a.OrganisationId == feed.OrganisationId);
        }
        else
        {
            // A departed agent's address dies with the account.
            var agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == feed.OwnerId && a.OrganisationId == feed.OrganisationId && a.Active, ct);
            if (agent is null) return null;
            name = $"Guichet – {agent.DisplayName}";
            appointments = agent.Role == AgentRole.Partner
                ? appointments.Where(a => a.PartnerOrganisationId == agent.OrganisationId)
                : appointments.Where(a => a.OrganisationId == agent.OrganisationId);
        }

        var rows = await appointments.OrderBy(a => a.StartUtc)
            .Select(a => new { a.Id, a.Code, a.ReasonCode, a.Persons, a.StartUtc, a.EndUtc, a.SiteId, a.StationId, a.OrganisationId })
            .Take(5000).ToListAsync(ct);
        var siteIds = rows.Select(r => r.SiteId).Distinct().ToList();
        var stationIds = rows.Select(r => r.StationId).Distinct().ToList();
        var sites = await db.Sites.AsNoTracking().Where(s => siteIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        var stations = await db.Stations.AsNoTracking().Where(s => stationIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var organisationIds = rows.Select(r => r.OrganisationId).Distinct().ToList();
        var organisations = await db.Organisations.AsNoTracking().Where(o => organisationIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        var baseUrl = app.PublicBaseUrl.TrimEnd('/');

        var events = rows.Select(r =>
        {
            var site = sites[r.SiteId];
            var persons = r.Persons > 1 ? $"{r.Persons} personnes" : "1 personne";
            return new CalendarEvent(
                Uid: $"{r.Id}@{mail.Domain}",
                StampUtc: now,
                StartUtc: r.StartUtc,
                EndUtc: r.EndUtc,
                Summary: $"{r.ReasonCode} – {persons} – {r.Code}",
                Location: $"{site.Name}, {stations.GetValueOrDefault(r.StationId)}",
                Description: $"Rendez-vous {r.Code} ({r.ReasonCode}, {persons}). Le nom et les coordonnées de l'usager sont dans Guichet : {baseUrl}/agent/rendez-vous/{r.Id}",
                Url: $"{baseUrl}/agent/rendez-vous/{r.Id}",
                Sequence: 0,
                OrganizerName: organisations.GetValueOrDefault(r.OrganisationId) ?? "Guichet",
                OrganizerEmail: mail.From,
                AttendeeEmail: null);
        });
        return ICalendar.Feed(name, events);
    }

    public string Url(string token) => $"{app.PublicBaseUrl.TrimEnd('/')}/agenda/flux/{token}.ics";
}
