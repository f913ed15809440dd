using Guichet.Web.Features.Ants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Guichet.Web.Tests.Support;

/// <summary>
/// The app registered with ANTS: a hub token, and a fake coordination API on a real loopback socket, so the
/// client's timeouts and the HTTP stack are the real ones. The hub cache is off: tests see every change at once.
/// </summary>
public sealed class AntsApp : GuichetApp, IAsyncLifetime
{
    public const string HubToken = "jeton-du-hub-ants-pour-les-tests";
    public const string CoordinationToken = "jeton-de-coordination-pour-les-tests";
    public static readonly TimeSpan CoordinationTimeout = TimeSpan.FromMilliseconds(1500);

    public FakeCoordinationServer Coordination { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Ants:HubToken"] = HubToken;
            settings["Ants:HubCacheDuration"] = "00:00:00";
            settings["Ants:CoordinationUrl"] = Coordination.Url;
            settings["Ants:CoordinationToken"] = CoordinationToken;
            settings["Ants:CoordinationTimeout"] = CoordinationTimeout.ToString("c");
            settings["Ants:UseLocalFake"] = "true";
            // The tests run the sync job by hand, with the fake clock.
            settings["Ants:SyncEnabled"] = "false";
            settings["Duplicates:Enabled"] = "true";
            return settings;
        }
    }

    // Re-implemented so the fake is listening before the app reads its settings.
    async Task IAsyncLifetime.InitializeAsync()
    {
        Coordination = await FakeCoordinationServer.StartAsync(CoordinationToken);
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Coordination.DisposeAsync();
    }

    public AntsSyncRunner Sync => Services.GetRequiredService<AntsSyncRunner>();

    /// <summary>Runs the sync job until a run claims nothing (each run takes at most one job per appointment).</summary>
    public async Task<int> DrainAsync()
    {
        var total = 0;
        for (int claimed; (claimed = await Sync.RunOnceAsync(CancellationToken.None)) > 0;) total += claimed;
        return total;
    }

    /// <summary>A hub request: GET with the hub's token header (or another, or none).</summary>
    public Task<HttpResponseMessage> HubGetAsync(string pathAndQuery, string? token = HubToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        if (token is not null) request.Headers.Add(HubApi.TokenHeader, token);
        return Client.SendAsync(request);
    }
}

/// <summary>The in-memory coordination API of the app, served alone by Kestrel on 127.0.0.1 and a free port.</summary>
public sealed class FakeCoordinationServer : IAsyncDisposable
{
    private readonly WebApplication host;

    private FakeCoordinationServer(WebApplication host, FakeCoordinationApi api, string url)
    {
        this.host = host;
        Api = api;
        Url = url;
    }

    public FakeCoordinationApi Api { get; }
    /// <summary>Base of the API, like https://api-coordination.rendezvouspasseport.ants.gouv.fr/api.</summary>
    public string Url { get; }

    public static async Task<FakeCoordinationServer> StartAsync(string token)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var host = builder.Build();
        var api = new FakeCoordinationApi(token);
        api.Map(host, "/api");
        await host.StartAsync();
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakeCoordinationServer(host, api, address.TrimEnd('/') + "/api");
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        await host.DisposeAsync();
    }
}
