using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Waitlist;

/// <summary>The offer of a freed slot, by e-mail and SMS, with the offer's secret link.</summary>
public sealed class WaitlistMessages(GuichetDb db, AppOptions app, CitizenMessages messages)
{
    public async Task AddOfferAsync(WaitlistEntry entry, WaitlistOffer offer, Site site, string token, CancellationToken ct)
    {
        var reason = await db.Reasons.AsNoTracking().Where(r => r.OrganisationId == site.OrganisationId && r.Code == offer.ReasonCode)
            .Select(r => r.Name).FirstOrDefaultAsync(ct) ?? offer.ReasonCode;
        var link = $"{app.PublicBaseUrl.TrimEnd('/')}/liste-attente/offre/{offer.Id}?token={Uri.EscapeDataString(token)}";
        var local = FrenchDates.ToLocal(offer.StartUtc, site.TimeZone);
        await messages.AddAsync(site.OrganisationId, entry.AppointmentId, MessageKind.WaitlistOffer, offer.Id, entry.Email, entry.Phone, channel => new()
        {
            ["prenom"] = entry.FirstName, ["nom"] = entry.LastName, ["motif"] = reason,
            ["date"] = CitizenMessages.Day(DateOnly.FromDateTime(local), channel), ["heure"] = CitizenMessages.Time(local, channel),
            ["lieu"] = site.Name, ["adresse"] = $"{site.Address}, {site.PostalCode} {site.City}",
            ["lien"] = link, ["expiration"] = Until(offer.ExpiresUtc, site.TimeZone, channel),
        }, ct);
    }

    /// <summary>"lundi 30 novembre 2026 à 19 h" (e-mail) or "lundi 30 novembre à 19h" (SMS).</summary>
    public static string Until(DateTime utc, string timeZone, MessageChannel channel)
    {
        var local = FrenchDates.ToLocal(utc, timeZone);
        return $"{CitizenMessages.Day(DateOnly.FromDateTime(local), channel)} à {CitizenMessages.Time(local, channel)}";
    }
}
