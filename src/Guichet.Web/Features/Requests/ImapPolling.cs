using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;

namespace Guichet.Web.Features.Requests;

public enum ImapSecurity { Ssl, StartTls, None }

/// <summary>One mailbox the town hall's provider hosts (Microsoft 365, OVH, its own Dovecot…), read over IMAP.</summary>
public sealed class ImapMailbox
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 993;
    public ImapSecurity Security { get; set; } = ImapSecurity.Ssl;
    public string User { get; set; } = "";
    public string Password { get; set; } = "";
    /// <summary>Where new mail arrives.</summary>
    public string Folder { get; set; } = "INBOX";
    /// <summary>Where a message goes once filed (created, appended, a duplicate or a robot's): kept, out of the way.</summary>
    public string DoneFolder { get; set; } = "Guichet-traites";
    /// <summary>Where a message goes that Guichet could not file (no organisation, unreadable, refused, too large), for a person to look at.</summary>
    public string FailedFolder { get; set; } = "Guichet-a-revoir";
    /// <summary>The organisation's inbound address, when the messages' own headers may not name it (a forwarded mailbox).</summary>
    public string? Recipient { get; set; }
}

/// <summary><c>Mail:Imap</c>: mailboxes polled for citizens' e-mails, beside or instead of the push door POST /inbound/email.</summary>
public sealed class ImapOptions
{
    /// <summary>Off: the mailboxes are polled only when asked (tests, or a one-off run); on by default when some are configured.</summary>
    public bool Enabled { get; set; } = true;
    public int PollSeconds { get; set; } = 60;
    /// <summary>At most this many messages a mailbox and pass: a full mailbox is worked through over several passes.</summary>
    public int BatchSize { get; set; } = 100;
    public Dictionary<string, ImapMailbox> Mailboxes { get; set; } = [];

    public IEnumerable<string> Problems()
    {
        if (PollSeconds is < 5 or > 3600) yield return "Mail:Imap:PollSeconds doit être compris entre 5 et 3600.";
        if (BatchSize is < 1 or > 1000) yield return "Mail:Imap:BatchSize doit être compris entre 1 et 1000.";
        foreach (var (name, box) in Mailboxes)
        {
            if (string.IsNullOrWhiteSpace(box.Host)) yield return $"Mail:Imap:Mailboxes:{name}:Host est obligatoire.";
            if (box.Port is < 1 or > 65535) yield return $"Mail:Imap:Mailboxes:{name}:Port doit être compris entre 1 et 65535.";
            if (string.IsNullOrWhiteSpace(box.User) || string.IsNullOrEmpty(box.Password)) yield return $"Mail:Imap:Mailboxes:{name}:User et Password sont obligatoires.";
            if (new[] { box.Folder, box.DoneFolder, box.FailedFolder }.Any(string.IsNullOrWhiteSpace)) yield return $"Mail:Imap:Mailboxes:{name} : les dossiers ne peuvent pas être vides.";
            else if (box.DoneFolder == box.Folder || box.FailedFolder == box.Folder) yield return $"Mail:Imap:Mailboxes:{name} : DoneFolder et FailedFolder doivent différer de Folder.";
        }
    }
}

/// <summary>What one pass did to one mailbox.</summary>
public sealed record ImapPass(string Mailbox, int Filed, int ToReview, int Left);

/// <summary>
/// Reads each configured mailbox and files every message through <see cref="ReceiveInboundEmail"/>, the pipeline of the
/// push door: same organisation lookup, threading, robots and retries. A message leaves the arrival folder only after
/// what it became is committed — into <see cref="ImapMailbox.DoneFolder"/>, or <see cref="ImapMailbox.FailedFolder"/>
/// when it cannot be filed; a failure in between (the database down, the node stopped) leaves it where it is for the
/// next pass, and its Message-ID makes that pass a duplicate rather than a second request. Two nodes polling the same
/// mailbox are safe for the same reason.
/// </summary>
public sealed class ImapPolling(ImapOptions options, InboundMailOptions inbound, IServiceScopeFactory scopes, ILogger<ImapPolling> log)
{
    /// <summary>One pass over every mailbox, side by side: a slow or failing one holds up none of the others.</summary>
    public async Task<IReadOnlyList<ImapPass>> RunOnceAsync(CancellationToken ct)
    {
        var passes = await Task.WhenAll(options.Mailboxes.Select(async m =>
        {
            try
            {
                return await PollAsync(m.Key, m.Value, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // No address, no subject: the mailbox's name and what failed.
                log.LogError("IMAP mailbox {Mailbox}: pass failed ({Error}: {Message}); the next pass tries again", m.Key, e.GetType().Name, e.Message);
                return null;
            }
        }));
        return passes.OfType<ImapPass>().ToList();
    }

    private async Task<ImapPass> PollAsync(string name, ImapMailbox box, CancellationToken ct)
    {
        using var client = new ImapClient { Timeout = 60_000 };
        await client.ConnectAsync(box.Host, box.Port, box.Security switch
        {
            ImapSecurity.Ssl => SecureSocketOptions.SslOnConnect,
            ImapSecurity.StartTls => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        }, ct);
        await client.AuthenticateAsync(box.User, box.Password, ct);
        var arrival = await client.GetFolderAsync(box.Folder, ct);
        var done = await FolderAsync(client, box.DoneFolder, ct);
        var failed = await FolderAsync(client, box.FailedFolder, ct);
        await arrival.OpenAsync(FolderAccess.ReadWrite, ct);
        var waiting = await arrival.SearchAsync(SearchQuery.NotDeleted, ct);
        var batch = waiting.Take(options.BatchSize).ToList();
        var sizes = batch.Count == 0 ? [] : (await arrival.FetchAsync(batch, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, ct))
            .ToDictionary(s => s.UniqueId, s => (long?)s.Size);
        int filed = 0, toReview = 0;
        foreach (var uid in batch)
        {
            ct.ThrowIfCancellationRequested();
            InboundEmailResult result;
            if (sizes.GetValueOrDefault(uid) is { } size && size > inbound.MaxBytes)
                result = new InboundEmailResult.Malformed($"larger than Mail:Inbound:MaxBytes ({size} bytes)");
            else
            {
                byte[] raw;
                await using (var stream = await arrival.GetStreamAsync(uid, ct))
                using (var copy = new MemoryStream())
                {
                    await stream.CopyToAsync(copy, ct);
                    raw = copy.ToArray();
                }
                // A scope per message: a failed save never leaves its entities in the next one's context.
                await using var scope = scopes.CreateAsyncScope();
                result = await scope.ServiceProvider.GetRequiredService<ReceiveInboundEmail>().RunAsync(raw, box.Recipient, null, ct);
            }
            var ok = result is InboundEmailResult.Created or InboundEmailResult.Appended or InboundEmailResult.Duplicate or InboundEmailResult.Ignored;
            if (!ok) log.LogWarning("IMAP mailbox {Mailbox}: message {Uid} not filed ({Outcome}), moved to {Folder}", name, uid.Id, result.GetType().Name, box.FailedFolder);
            await arrival.MoveToAsync(uid, ok ? done : failed, ct);
            if (ok) filed++;
            else toReview++;
        }
        await client.DisconnectAsync(quit: true, ct);
        var pass = new ImapPass(name, filed, toReview, waiting.Count - batch.Count);
        if (batch.Count > 0) log.LogInformation("IMAP mailbox {Mailbox}: {Filed} filed, {ToReview} to review, {Left} left for the next pass", name, filed, toReview, pass.Left);
        return pass;
    }

    /// <summary>The folder, created at the top of the personal namespace on first use.</summary>
    private static async Task<IMailFolder> FolderAsync(ImapClient client, string name, CancellationToken ct)
    {
        try
        {
            return await client.GetFolderAsync(name, ct);
        }
        catch (FolderNotFoundException)
        {
            var root = client.GetFolder(client.PersonalNamespaces[0]);
            return await root.CreateAsync(name, isMessageFolder: true, ct)
                ?? throw new InvalidOperationException($"The IMAP server did not create the folder {name}.");
        }
    }
}

/// <summary>Runs <see cref="ImapPolling.RunOnceAsync"/> every <see cref="ImapOptions.PollSeconds"/>, from the start.</summary>
public sealed class ImapPollingWorker(ImapPolling polling, ImapOptions options, TimeProvider clock, ILogger<ImapPollingWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.PollSeconds), clock);
        var first = true;
        while (first || await timer.WaitForNextTickAsync(stop))
        {
            first = false;
            try
            {
                await polling.RunOnceAsync(stop);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "IMAP polling pass failed; the next pass tries again");
            }
        }
    }
}
