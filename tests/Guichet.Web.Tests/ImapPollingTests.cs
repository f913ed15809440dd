using Guichet.Domain.Requests;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Features.Requests;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guichet.Web.Tests;

/// <summary>
/// The requests app reading Lorval's mailbox on a real Dovecot over IMAP (no push door), with the background poller off:
/// the tests run its passes. A second mailbox whose server does not answer shows that one failing mailbox stops nothing else.
/// </summary>
public sealed class ImapApp : RequestsApp
{
    public Dovecot? Imap { get; } = Dovecot.Installed ? new Dovecot() : null;

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = new Dictionary<string, string?>(base.Settings) { ["Mail:Imap:Enabled"] = "false" };
            if (Imap is null) return settings;
            // The second mailbox's server does not answer (nothing listens on its port).
            foreach (var (name, port) in new[] { ("lorval", Imap.Port), ("injoignable", ClosedPort()) })
            {
                settings[$"Mail:Imap:Mailboxes:{name}:Host"] = "127.0.0.1";
                settings[$"Mail:Imap:Mailboxes:{name}:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
                settings[$"Mail:Imap:Mailboxes:{name}:Security"] = "None";
                settings[$"Mail:Imap:Mailboxes:{name}:User"] = Dovecot.User;
                settings[$"Mail:Imap:Mailboxes:{name}:Password"] = Imap.Password;
            }
            return settings;
        }
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public Task<IReadOnlyList<ImapPass>> PollAsync() => Services.GetRequiredService<ImapPolling>().RunOnceAsync(CancellationToken.None);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) Imap?.Dispose();
    }
}

public sealed class ImapPollingTests(ImapApp app) : IClassFixture<ImapApp>
{
    private Dovecot Server => app.Imap!;

    private static string Mail(string id, string from, string to, string subject, string body, string extraHeaders = "") =>
        $"From: {from}\nTo: {to}\nSubject: {subject}\nMessage-ID: <{id}>\nDate: Mon, 30 Nov 2026 07:10:00 +0100\n{extraHeaders}"
        + "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n" + body + "\n";

    [DovecotFact]
    public async Task Mail_in_the_town_halls_mailbox_becomes_requests_and_leaves_the_inbox_only_once_filed()
    {
        await Server.DeliverAsync(Mail("imap-1@exemple.fr", "Nadia Imap <nadia.imap@exemple.fr>", "demandes@lorval.demo", "Lampadaire éteint",
            "Bonjour, le lampadaire devant le 3 rue des Lilas est éteint depuis lundi."));
        await Server.DeliverAsync(Mail("imap-robot@exemple.fr", "Nadia Imap <nadia.imap@exemple.fr>", "demandes@lorval.demo", "Absence",
            "Je suis absente.", "Auto-Submitted: auto-replied\n"));
        await Server.DeliverAsync(Mail("imap-ailleurs@exemple.fr", "Paul <paul@exemple.fr>", "contact@ailleurs.example", "Perdu", "Pour une autre mairie."));

        var passes = await app.PollAsync();

        // The unreachable mailbox failed on its own; Lorval's was read.
        var pass = Assert.Single(passes);
        Assert.Equal(new ImapPass("lorval", Filed: 2, ToReview: 1, Left: 0), pass);
        var r = await app.WithDbAsync(db => db.CitizenRequests.AsNoTracking().SingleAsync(x => x.Email == "nadia.imap@exemple.fr"));
        Assert.Equal((RequestChannel.Email, "Imap", "mairie-lorval"), (r.Channel, r.LastName, r.OrganisationId));
        Assert.Contains("lampadaire devant le 3 rue des Lilas", r.Text);
        var ack = await app.WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.IdempotencyKey == $"request:{r.Id}:ack"));
        Assert.Equal((MessageChannel.Email, "nadia.imap@exemple.fr"), (ack.Channel, ack.Recipient));
        Assert.Equal("imap-1@exemple.fr", ack.InReplyTo?.Trim('<', '>'));   // the acknowledgement answers the citizen's mail
        Assert.Equal(1, await app.WithDbAsync(db => db.CitizenRequests.CountAsync(x => x.Email == "nadia.imap@exemple.fr")));   // the robot made none

        Assert.Empty(await Server.MessageIdsAsync("INBOX"));
        Assert.Equal(["imap-1@exemple.fr", "imap-robot@exemple.fr"], (await Server.MessageIdsAsync("Guichet-traites")).Order());
        Assert.Equal(["imap-ailleurs@exemple.fr"], await Server.MessageIdsAsync("Guichet-a-revoir"));

        // Nothing new: nothing done.
        Assert.Equal(new ImapPass("lorval", 0, 0, 0), Assert.Single(await app.PollAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.CitizenRequests.CountAsync(x => x.Email == "nadia.imap@exemple.fr")));
    }

    [DovecotFact]
    public async Task A_message_filed_but_still_in_the_inbox_after_a_crash_is_a_duplicate_on_the_next_pass_never_a_second_request()
    {
        // The same message twice in the inbox: what a node leaves when it stops between the commit and the move.
        var raw = Mail("imap-twice@exemple.fr", "Jules Deux <jules.deux@exemple.fr>", "demandes@lorval.demo", "Banc cassé", "Le banc du square est cassé.");
        await Server.DeliverAsync(raw);
        await Server.DeliverAsync(raw);

        Assert.Equal(new ImapPass("lorval", 2, 0, 0), Assert.Single(await app.PollAsync()));

        Assert.Equal(1, await app.WithDbAsync(db => db.CitizenRequests.CountAsync(x => x.Email == "jules.deux@exemple.fr")));
        Assert.Equal(2, (await Server.MessageIdsAsync("Guichet-traites")).Count(id => id == "imap-twice@exemple.fr"));
        Assert.DoesNotContain("imap-twice@exemple.fr", await Server.MessageIdsAsync("INBOX"));
    }

    [DovecotFact]
    public async Task A_reply_to_the_acknowledgement_found_in_the_mailbox_is_appended_to_its_request()
    {
        await Server.DeliverAsync(Mail("imap-first@exemple.fr", "Lina Suite <lina.suite@exemple.fr>", "demandes@lorval.demo", "Trottoir", "Trottoir défoncé avenue du Parc."));
        await app.PollAsync();
        var r = await app.WithDbAsync(db => db.CitizenRequests.AsNoTracking().SingleAsync(x => x.Email == "lina.suite@exemple.fr"));
        var ack = await app.WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.IdempotencyKey == $"request:{r.Id}:ack"));

        await Server.DeliverAsync(Mail("imap-reply@exemple.fr", "Lina Suite <lina.suite@exemple.fr>", "demandes@lorval.demo", "Re: " + ack.Subject,
            "J'ajoute : il y a aussi une bordure descellée.", $"In-Reply-To: {ack.ProviderReference}\n"));
        Assert.Equal(new ImapPass("lorval", 1, 0, 0), Assert.Single(await app.PollAsync()));

        Assert.Equal(1, await app.WithDbAsync(db => db.CitizenRequests.CountAsync(x => x.Email == "lina.suite@exemple.fr")));
        var events = await app.WithDbAsync(db => db.Set<RequestEvent>().AsNoTracking().Where(e => e.RequestId == r.Id && e.Kind == RequestEventKind.CitizenMessage).ToListAsync());
        Assert.Contains(events, e => e.Text!.Contains("bordure descellée", StringComparison.Ordinal));
    }

    [Fact]
    public void A_mailbox_set_up_without_its_host_credentials_or_with_one_folder_for_everything_is_refused_with_a_message()
    {
        var options = new ImapOptions
        {
            PollSeconds = 1,
            Mailboxes =
            {
                ["vide"] = new ImapMailbox { Port = 0 },
                ["dossiers"] = new ImapMailbox { Host = "imap.exemple.fr", User = "u", Password = "p", DoneFolder = "INBOX" },
            },
        };
        var problems = options.Problems().ToList();
        Assert.Contains("Mail:Imap:PollSeconds doit être compris entre 5 et 3600.", problems);
        Assert.Contains("Mail:Imap:Mailboxes:vide:Host est obligatoire.", problems);
        Assert.Contains("Mail:Imap:Mailboxes:vide:Port doit être compris entre 1 et 65535.", problems);
        Assert.Contains("Mail:Imap:Mailboxes:vide:User et Password sont obligatoires.", problems);
        Assert.Contains("Mail:Imap:Mailboxes:dossiers : DoneFolder et FailedFolder doivent différer de Folder.", problems);
        Assert.Empty(new ImapOptions { Mailboxes = { ["ok"] = new ImapMailbox { Host = "imap.exemple.fr", User = "u", Password = "p" } } }.Problems());
    }
}
