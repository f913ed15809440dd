using System.Net.Http.Json;
using System.Text.Json;
using Guichet.Web.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Guichet.Web.Tests.Support;

/// <summary>
/// The one fixture: the real app over HTTP, on a fresh database of the provider under test, seeded with
/// the demo territory, with a clock the test moves. Monday 30 November 2026, 7 a.m. in Paris.
/// </summary>
public class GuichetApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);
    public FakeClock Clock { get; } = new(Start);
    public TestDatabase Database { get; private set; } = null!;
    private HttpClient? client;

    public HttpClient Client => client ??= CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>Rate limits off by default; a test about limits sets its own.</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:BookingsPerMinute"] = "100000",
        ["RateLimits:ManagePerMinute"] = "100000",
        ["RateLimits:PublicApiPerMinute"] = "100000",
        ["RateLimits:SignInsPerMinute"] = "100000",
        ["Requests:TrackingPerDay"] = "100000",
        // The suites book the same demo person again and again; the duplicate rule has its own fixture (AntsApp).
        ["Duplicates:Enabled"] = "false",
        // Suites run side by side: the FastAGI listener stays off unless a fixture asks for one (FastAgiTests, on a free port).
        ["Voice:FastAgi:Listen"] = "",
        // Deadline alerts: tests run their passes themselves (RequestAlertTests).
        ["RequestAlerts:Enabled"] = "false",
        // Satisfaction surveys: tests run their passes themselves (SatisfactionTests).
        ["Satisfaction:Enabled"] = "false",
    };

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        _ = Services;   // builds the host: migrations and demo seed run now
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Database:Provider"] = Database.Provider,
            ["Database:SeedDemo"] = "true",
            ["ConnectionStrings:Guichet"] = Database.ConnectionString,
        };
        // Environment variables of the app come last in its configuration: tests win over appsettings.json.
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    public new async Task DisposeAsync()
    {
        client?.Dispose();
        await base.DisposeAsync();
        await Database.DisposeAsync();
    }

    public async Task<T> WithDbAsync<T>(Func<GuichetDb, Task<T>> read)
    {
        await using var scope = Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<GuichetDb>());
    }

    public Task<int> CountBookedAsync() =>
        WithDbAsync(db => db.Appointments.CountAsync(a => a.Status == AppointmentStatus.Booked));

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The free slots the public API offers.</summary>
    public async Task<List<ApiSlot>> SlotsAsync(string reason = "CNI", int persons = 1, string? site = null, string? from = null, string? to = null)
    {
        var url = $"/api/v1/slots?reason={reason}&persons={persons}"
                  + (site is null ? "" : $"&site={site}") + (from is null ? "" : $"&from={from}") + (to is null ? "" : $"&to={to}");
        var answer = await Client.GetFromJsonAsync<ApiSlots>(url, Json);
        return answer!.Slots;
    }

    public async Task<ApiSlot> FirstFreeSlotAsync(string reason = "CNI", string site = "saint-aubin-mairie", int persons = 1) =>
        (await SlotsAsync(reason, persons, site)).First();

    public static object Booking(ApiSlot slot, string reason = "CNI", int persons = 1, string lastName = "Martin",
        string? email = "camille.martin@exemple.fr", string? phone = null, string[]? preRequestNumbers = null) => new
    {
        site = slot.Site, reason, start = slot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz"), persons,
        firstName = "Camille", lastName, email, phone, preRequestNumbers,
    };

    public Task<HttpResponseMessage> BookAsync(object body) => Client.PostAsJsonAsync("/api/v1/appointments", body);
}

public sealed record ApiSlot(string Site, DateTimeOffset Start, DateTimeOffset End);
public sealed record ApiSlots(List<ApiSlot> Slots);
public sealed record ApiCreated(string Id, string Code, string Site, string Reason, DateTimeOffset Start, DateTimeOffset End, string ManageUrl)
{
    public string Token => Uri.UnescapeDataString(ManageUrl[(ManageUrl.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
}
