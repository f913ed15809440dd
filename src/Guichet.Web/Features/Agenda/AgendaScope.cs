using System.Globalization;
using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Agenda;

/// <summary>
/// What an agent may see in the week view and the day sheet: their organisation's sites and appointments; for a
/// partner town hall's agent, the host sites it books at and only the appointments it booked there.
/// </summary>
public static class AgendaScope
{
    public static async Task<List<Site>> SitesAsync(GuichetDb db, Agent agent, CancellationToken ct)
    {
        if (agent.Role != AgentRole.Partner)
            return await db.Sites.AsNoTracking().Where(s => s.OrganisationId == agent.OrganisationId && s.Active).OrderBy(s => s.Name).ToListAsync(ct);
        var hosts = await db.Partnerships.AsNoTracking().Where(p => p.PartnerOrganisationId == agent.OrganisationId).Select(p => p.OrganisationId).ToListAsync(ct);
        return await db.Sites.AsNoTracking().Where(s => hosts.Contains(s.OrganisationId) && s.Active).OrderBy(s => s.Name).ToListAsync(ct);
    }

    public static IQueryable<Appointment> Appointments(GuichetDb db, Agent agent) => agent.Role == AgentRole.Partner
        ? db.Appointments.AsNoTracking().Where(a => a.PartnerOrganisationId == agent.OrganisationId)
        : db.Appointments.AsNoTracking().Where(a => a.OrganisationId == agent.OrganisationId);

    /// <summary>A yyyy-MM-dd date within ten years of today, or null.</summary>
    public static DateOnly? ParseDay(string? text, DateOnly today) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
        && Math.Abs(d.DayNumber - today.DayNumber) <= 3653 ? d : null;

    /// <summary>The UTC instants that bound local days [from, to) of a site.</summary>
    public static (DateTime From, DateTime To) UtcBounds(DateOnly from, DateOnly toExclusive, TimeZoneInfo zone) =>
        (TimeZoneInfo.ConvertTimeToUtc(from.ToDateTime(TimeOnly.MinValue), zone),
         TimeZoneInfo.ConvertTimeToUtc(toExclusive.ToDateTime(TimeOnly.MinValue), zone));
}
