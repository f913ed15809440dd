using System.Net;
using System.Net.Sockets;
using Guichet.Web.Data;
using Guichet.Web.Features.Requests;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Open311;

public enum MediaFetchState { Pending, Stored, Failed }

/// <summary>
/// A photo an Open311 client pointed to with media_url. It is fetched later by <see cref="Open311MediaFetcher"/>,
/// size- and type-checked like a web attachment and kept with the request: never hot-linked, never shown from there.
/// </summary>
public sealed class Open311MediaFetch
{
    public const int MaxAttempts = 5;

    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string RequestId { get; set; }
    public required string Url { get; set; }
    public MediaFetchState State { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptUtc { get; set; }
    /// <summary>Set by the node that took the row, so two nodes never fetch the same photo at once.</summary>
    public DateTime? ClaimedUntilUtc { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedUtc { get; set; }

    internal static void Map(Microsoft.EntityFrameworkCore.ModelBuilder b) => b.Entity<Open311MediaFetch>(e =>
    {
        e.ToTable("open311_media_fetches");
        e.Property(x => x.Url).HasMaxLength(PostServiceRequest.MaxUrlLength);
        e.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.LastError).HasMaxLength(300);
        e.HasIndex(x => new { x.State, x.NextAttemptUtc });
        e.HasIndex(x => x.RequestId);
        e.HasOne<CitizenRequest>().WithMany().HasForeignKey(x => x.RequestId).OnDelete(DeleteBehavior.Cascade);
    });
}

public static class Open311Media
{
    public static void Queue(GuichetDb db, CitizenRequest request, string url, DateTime nowUtc) => db.Add(new Open311MediaFetch
    {
        Id = Secrets.NewId(), OrganisationId = request.OrganisationId, RequestId = request.Id, Url = url,
        State = MediaFetchState.Pending, NextAttemptUtc = nowUtc, CreatedUtc = nowUtc,
    });

    /// <summary>
    /// An HTTP client that refuses to connect to loopback, private, link-local or unspecified addresses (unless the
    /// options allow it, for tests): the address is checked at connection time, after DNS, so a name that resolves
    /// inside the network is refused too.
    /// </summary>
    public static HttpClient NewClient(Open311Options options) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ConnectCallback = async (context, ct) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
            var allowed = addresses.Where(a => options.MediaAllowPrivateHosts || IsPublic(a)).ToList();
            if (allowed.Count == 0) throw new HttpRequestException("adresse non publique refusée");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed[0], context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    }) { Timeout = TimeSpan.FromSeconds(15) };

    public static bool IsPublic(IPAddress a)
    {
        if (a.IsIPv4MappedToIPv6) a = a.MapToIPv4();
        if (IPAddress.IsLoopback(a) || a.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any) || a.Equals(IPAddress.Broadcast)) return false;
        if (a.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = a.GetAddressBytes();
            return !(b[0] == 10 || b[0] == 0 || b[0] == 127 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168)
                     || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] is >= 64 and <= 127) || b[0] >= 224);
        }
        return !(a.IsIPv6LinkLocal || a.IsIPv6SiteLocal || a.IsIPv6Multicast || (a.GetAddressBytes()[0] & 0xFE) == 0xFC);
    }
}

/// <summary>Fetches the photos Open311 clients pointed to, a few at a time, with retries and back-off.</summary>
public sealed class Open311MediaFetcher(IServiceScopeFactory scopes, TimeProvider clock, Open311Options options, ILogger<Open311MediaFetcher> log) : BackgroundService
{
    private readonly HttpClient http = Open311Media.NewClient(options);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10), clock);
        while (await timer.WaitForNextTickAsync(stop))
        {
            try { await RunOnceAsync(stop); }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogError(e, "Open311 media fetch round failed"); }
        }
    }

    /// <summary>Fetches the due photos; the number handled (stored or failed for good or for now).</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuichetDb>();
        var requests = scope.ServiceProvider.GetRequiredService<RequestsOptions>();
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.Set<Open311MediaFetch>().AsNoTracking()
            .Where(m => m.State == MediaFetchState.Pending && m.NextAttemptUtc <= now && (m.ClaimedUntilUtc == null || m.ClaimedUntilUtc < now))
            .OrderBy(m => m.NextAttemptUtc).Select(m => m.Id).Take(10).ToListAsync(ct);
        var handled = 0;
        foreach (var id in due)
        {
            // Claim the row: only the node whose update matched fetches it.
            var until = now.AddMinutes(2);
            var claimed = await db.Set<Open311MediaFetch>()
                .Where(m => m.Id == id && m.State == MediaFetchState.Pending && (m.ClaimedUntilUtc == null || m.ClaimedUntilUtc < now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.ClaimedUntilUtc, until), ct);
            if (claimed == 0) continue;
            var fetch = await db.Set<Open311MediaFetch>().FirstAsync(m => m.Id == id, ct);
            var request = await db.CitizenRequests.FirstAsync(r => r.Id == fetch.RequestId, ct);
            var (content, type, error) = await DownloadAsync(fetch.Url, requests.MaxAttachmentBytes, ct);
            now = clock.GetUtcNow().UtcDateTime;
            fetch.Attempts++;
            fetch.ClaimedUntilUtc = null;
            if (content is not null && type is not null)
            {
                var name = "photo-open311" + (type == "application/pdf" ? ".pdf" : type == "image/png" ? ".png" : ".jpg");
                db.Add(new RequestAttachment
                {
                    Id = Secrets.NewId(), OrganisationId = request.OrganisationId, RequestId = request.Id, FileName = name,
                    ContentType = type, Size = content.Length, Content = content, CreatedUtc = now,
                });
                fetch.State = MediaFetchState.Stored;
                fetch.LastError = null;
                RequestHistory.Add(db, request, RequestEventKind.Note, null, now, $"Photo jointe par l'application Open311 récupérée : {name}.", isPublic: false);
            }
            else if (error.Permanent || fetch.Attempts >= Open311MediaFetch.MaxAttempts)
            {
                fetch.State = MediaFetchState.Failed;
                fetch.LastError = error.Message;
                RequestHistory.Add(db, request, RequestEventKind.Note, null, now, $"Photo jointe par l'application Open311 non récupérée : {error.Message}.", isPublic: false);
            }
            else
            {
                fetch.LastError = error.Message;
                fetch.NextAttemptUtc = now.AddMinutes(Math.Pow(2, fetch.Attempts));
            }
            await db.SaveChangesAsync(ct);
            log.LogInformation("Open311 media {FetchId} of request {RequestId}: {State} after {Attempts} attempt(s)", fetch.Id, fetch.RequestId, fetch.State, fetch.Attempts);
            handled++;
        }
        return handled;
    }

    private async Task<(byte[]? Content, string? Type, (string Message, bool Permanent) Error)> DownloadAsync(string url, int maxBytes, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            if (status is >= 400 and < 500) return (null, null, ($"l'adresse a répondu {status}", true));
            if (status != 200) return (null, null, ($"l'adresse a répondu {status}", false));
            if (response.Content.Headers.ContentLength > maxBytes) return (null, null, ($"fichier de plus de {maxBytes / 1024} Ko", true));
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, ct)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > maxBytes) return (null, null, ($"fichier de plus de {maxBytes / 1024} Ko", true));
            }
            var content = buffer.ToArray();
            var type = ReceiveRequest.Sniff(content);
            return type is null ? (null, null, ("ni PDF, ni JPEG, ni PNG", true)) : (content, type, ("", false));
        }
        catch (HttpRequestException e) when (e.Message == "adresse non publique refusée") { return (null, null, ("adresse non publique refusée", true)); }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return (null, null, ("adresse injoignable", false));
        }
    }

    public override void Dispose()
    {
        http.Dispose();
        base.Dispose();
    }
}
