using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Guichet.Web.Tests.Support;

/// <summary>One request as the fake provider received it, byte for byte.</summary>
public sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;

    public Dictionary<string, string> Form() =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery("?" + Body).ToDictionary(p => p.Key, p => p.Value.ToString());
}

/// <summary>
/// A real HTTP server (Kestrel) on loopback standing in for an SMS provider: it records every request and answers
/// what the test says. Stopping it makes the port refuse connections, as a provider that is down.
/// </summary>
public sealed class FakeHttpServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedRequest> received = new();
    private WebApplication? app;

    /// <summary>Status and JSON body for each request; the default answers 404.</summary>
    public Func<ReceivedRequest, (int Status, string Body)> Respond { get; set; } = _ => (404, "{}");
    public string BaseUrl { get; private set; } = "";
    public IReadOnlyList<ReceivedRequest> Requests => received.ToArray();

    public static async Task<FakeHttpServer> StartAsync(Func<ReceivedRequest, (int Status, string Body)>? respond = null)
    {
        var server = new FakeHttpServer();
        if (respond is not null) server.Respond = respond;
        await server.StartOnAsync("http://127.0.0.1:0");
        return server;
    }

    private async Task StartOnAsync(string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        app = builder.Build();
        app.Run(async http =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var request = new ReceivedRequest(http.Request.Method, http.Request.Path.Value ?? "", http.Request.QueryString.Value ?? "",
                http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body);
            received.Enqueue(request);
            var (status, answer) = Respond(request);
            if (status == 0) { await Task.Delay(Timeout.Infinite, http.RequestAborted); return; }   // never answers
            http.Response.StatusCode = status;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(answer);
        });
        await app.StartAsync();
        BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task StopAsync()
    {
        if (app is null) return;
        await app.StopAsync();
        await app.DisposeAsync();
        app = null;
    }

    /// <summary>Back on the same port, as a provider coming back after an outage.</summary>
    public Task RestartAsync() => StartOnAsync(BaseUrl);

    public async ValueTask DisposeAsync() => await StopAsync();
}
