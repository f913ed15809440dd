using System.Text.Encodings.Web;
using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Guichet.Web.Platform.Mail;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>
/// The citizen's personal space: a secret link sent by e-mail lists every request sent with that address, to any
/// organisation of the platform (the citizen proved they read that mailbox; they know where they wrote). The link
/// carries 256 random bits, only their SHA-256 is stored, it expires after <see cref="LinkLifetime"/>. Asking for a
/// link gets the same answer whatever the address, so the form cannot tell who wrote to the town hall.
/// </summary>
public sealed class CitizenSpace(GuichetDb db, AppOptions app, MailOptions mail, TimeProvider clock, ILogger<CitizenSpace> log)
{
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromHours(24);
    /// <summary>Links per address and per hour: beyond, the request is silently ignored (the answer does not change).</summary>
    public const int LinksPerHour = 3;

    public sealed record Item(CitizenRequest Request, string OrganisationName, string CategoryName, string UnitName, string TimeZone, IReadOnlyList<RequestEvent> Replies);

    /// <summary>Sends a link when the address has requests; says nothing about whether it had. False only for an address that is not one.</summary>
    public async Task<bool> SendLinkAsync(string? address, CancellationToken ct)
    {
        var email = CitizenDataRights.NormaliseEmail(address);
        if (email is null || !email.Contains('.', StringComparison.Ordinal)) return false;
        var now = clock.GetUtcNow().UtcDateTime;
        var hourAgo = now.AddHours(-1);
        if (await db.Set<CitizenSpaceLink>().CountAsync(l => l.Email == email && l.CreatedUtc > hourAgo, ct) >= LinksPerHour)
        {
            log.LogInformation("Personal space link refused: too many for one address this hour");
            return true;
        }
        var latest = await db.CitizenRequests.AsNoTracking()
            .Where(r => r.EmailKey == email && r.AnonymisedUtc == null)
            .OrderByDescending(r => r.ReceivedUtc).Select(r => new { r.OrganisationId }).FirstOrDefaultAsync(ct);
        if (latest is null) return true;

        var token = Secrets.NewToken();
        var link = new CitizenSpaceLink { Id = Secrets.NewId(), TokenHash = Secrets.Hash(token), Email = email, CreatedUtc = now, ExpiresUtc = now + LinkLifetime };
        db.Add(link);
        var url = $"{app.PublicBaseUrl.TrimEnd('/')}/mon-espace/{token}";
        var h = HtmlEncoder.Default;
        var text = "Bonjour,\n\nVous avez demandé le lien de votre espace de suivi des demandes faites aux mairies.\n\n"
            + $"Ouvrez ce lien pour voir toutes vos demandes, leur état et les réponses : {url}\n\n"
            + "Il est valable 24 heures et ne sert qu'à vous : ne le transmettez pas.\n"
            + "Si vous n'avez rien demandé, ignorez ce message : personne ne peut ouvrir votre espace sans ce lien.\n\n"
            + "Ce message est envoyé automatiquement : merci de ne pas y répondre.\n";
        var html = $"""
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"><title>Votre espace de suivi des demandes</title></head>
            <body><p>Bonjour,</p><p>Vous avez demandé le lien de votre espace de suivi des demandes faites aux mairies.</p>
            <p><a href="{h.Encode(url)}">Voir toutes mes demandes</a>, leur état et les réponses.</p>
            <p>Ce lien est valable 24 heures et ne sert qu'à vous : ne le transmettez pas.<br>Si vous n'avez rien demandé, ignorez ce message : personne ne peut ouvrir votre espace sans ce lien.</p>
            <p>Ce message est envoyé automatiquement : merci de ne pas y répondre.</p></body></html>
            """;
        db.Add(new OutboxMessage
        {
            Id = link.Id, OrganisationId = latest.OrganisationId, Kind = MessageKind.RequestSpaceLink, Channel = MessageChannel.Email,
            Recipient = email, Subject = "Votre espace de suivi des demandes", Body = text, HtmlBody = html, ScheduledUtc = now,
            IdempotencyKey = $"space:{link.Id}", Status = MessageStatus.Pending, NextAttemptUtc = now,
            ProviderReference = $"<{link.Id}.space@{mail.Domain}>", CreatedUtc = now,
        });
        await db.SaveChangesAsync(ct);
        log.LogInformation("Personal space link {LinkId} queued", link.Id);
        return true;
    }

    /// <summary>
    /// Removes the address and the link from personal-space messages: a pending one is dropped first (it will not leave
    /// without its address); one the dispatcher holds right now is left for the next pass.
    /// </summary>
    public static async Task BlankLinkMessagesAsync(GuichetDb db, System.Linq.Expressions.Expression<Func<OutboxMessage, bool>> which, CancellationToken ct)
    {
        var links = db.OutboxMessages.Where(m => m.Kind == MessageKind.RequestSpaceLink && m.Recipient != AnonymiseRequest.BlankRecipient).Where(which);
        await links.Where(m => m.Status == MessageStatus.Pending).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Dropped), ct);
        await links.Where(m => m.Status == MessageStatus.Sent || m.Status == MessageStatus.Failed || m.Status == MessageStatus.Dropped)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Recipient, AnonymiseRequest.BlankRecipient).SetProperty(m => m.Body, "")
                .SetProperty(m => m.HtmlBody, (string?)null).SetProperty(m => m.Subject, (string?)null), ct);
    }

    /// <summary>The requests behind a valid link, newest first; null for an unknown or expired link.</summary>
    public async Task<IReadOnlyList<Item>?> OpenAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return null;
        var hash = Secrets.Hash(token);
        var now = clock.GetUtcNow().UtcDateTime;
        var link = await db.Set<CitizenSpaceLink>().AsNoTracking().FirstOrDefaultAsync(l => l.TokenHash == hash && l.ExpiresUtc > now, ct);
        if (link is null) return null;
        var email = link.Email;
        // Across organisations on purpose: the global filter is by agent, and this door is the citizen's.
        var requests = await db.CitizenRequests.AsNoTracking()
            .Where(r => r.EmailKey == email && r.AnonymisedUtc == null)
            .OrderByDescending(r => r.ReceivedUtc).Take(200).ToListAsync(ct);
        var ids = requests.Select(r => r.Id).ToList();
        var orgIds = requests.Select(r => r.OrganisationId).Distinct().ToList();
        var organisations = await db.Organisations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var categories = await db.Set<Category>().AsNoTracking().Where(c => orgIds.Contains(c.OrganisationId)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var units = await db.Set<Unit>().AsNoTracking().Where(u => orgIds.Contains(u.OrganisationId)).ToDictionaryAsync(u => u.Id, u => u.Name, ct);
        var replies = (await db.Set<RequestEvent>().AsNoTracking().Where(e => ids.Contains(e.RequestId) && e.Public && e.Kind == RequestEventKind.Reply).ToListAsync(ct))
            .OrderBy(e => e.AtUtc).ToLookup(e => e.RequestId);
        var zones = new Dictionary<string, string>();
        foreach (var o in organisations.Values) zones[o.Id] = (await OrganisationCalendar.ForAsync(db, o, ct)).Zone.Id;
        return requests.Select(r => new Item(r, organisations[r.OrganisationId].Name, categories.GetValueOrDefault(r.CategoryId, ""),
            units.GetValueOrDefault(r.UnitId, ""), zones[r.OrganisationId], replies[r.Id].ToList())).ToList();
    }
}
