using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Guichet.Web.Features.Ants;
using Guichet.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Guichet.Web.Tests;

/// <summary>
/// The coordination API client (reference/ants.md, part B) against the fake ANTS on a real socket:
/// every status, declare and delete, and ANTS being slow, failing or unreachable.
/// </summary>
public sealed class AntsCoordinationClientTests : IClassFixture<AntsApp>
{
    private readonly AntsApp app;
    private readonly FakeCoordinationApi fake;

    public AntsCoordinationClientTests(AntsApp app)
    {
        this.app = app;
        fake = app.Coordination.Api;
        fake.Reset();
    }

    private async Task<T> WithClientAsync<T>(Func<CoordinationClient, Task<T>> call)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<CoordinationClient>());
    }

    private static readonly AntsDeclaration Declaration = new("SOLOCAL001", "saint-aubin-mairie", "Mairie de Saint-Aubin-sur-Lorne",
        new DateTime(2026, 12, 4, 9, 0, 0), "https://guichet.example/rendez-vous/12345678?demande=SOLOCAL001");

    [Theory]
    [InlineData("SOLOCAL001", ApplicationStatus.Validated, "validated")]
    [InlineData("SOLOCAL005", ApplicationStatus.Declared, "declared")]
    [InlineData("SOLOCAL008", ApplicationStatus.Consumed, "consumed")]
    [InlineData("SOLOCAL011", ApplicationStatus.Expired, "expired")]
    [InlineData("AB12CD34EF", ApplicationStatus.Unknown, "unknown")]
    [InlineData("SOLOCAL013", ApplicationStatus.Unrecognised, "in_progress")]
    public async Task Each_status_of_the_reference_is_read_and_an_unlisted_one_means_cannot_verify(string id, ApplicationStatus status, string raw)
    {
        var result = await WithClientAsync(c => c.StatusAsync([id], "saint-aubin-mairie", CancellationToken.None));

        var ok = Assert.IsType<AntsResult<IReadOnlyDictionary<string, ApplicationState>>.Ok>(result);
        Assert.Equal(status, ok.Value[id].Status);
        Assert.Equal(raw, ok.Value[id].RawStatus);
        Assert.Empty(ok.Value[id].Appointments);
        // ANTS asked for the meeting point on every call, status included.
        Assert.Equal($"GET /status?application_ids={id}&meeting_point_id=saint-aubin-mairie", Assert.Single(fake.Calls));
    }

    [Fact]
    public async Task Several_numbers_are_asked_in_one_call_with_repeated_keys()
    {
        var result = await WithClientAsync(c => c.StatusAsync(["SOLOCAL001", "SOLOCAL010"], "lorval-hotel-de-ville", CancellationToken.None));

        var ok = Assert.IsType<AntsResult<IReadOnlyDictionary<string, ApplicationState>>.Ok>(result);
        Assert.Equal(ApplicationStatus.Validated, ok.Value["SOLOCAL001"].Status);
        Assert.Equal(ApplicationStatus.Expired, ok.Value["SOLOCAL010"].Status);
        Assert.Equal("GET /status?application_ids=SOLOCAL001&application_ids=SOLOCAL010&meeting_point_id=lorval-hotel-de-ville", Assert.Single(fake.Calls));
    }

    [Fact]
    public async Task A_declared_appointment_shows_in_the_status_and_a_second_one_with_the_same_url_is_refused()
    {
        var declared = await WithClientAsync(c => c.DeclareAsync(Declaration, CancellationToken.None));
        Assert.True(Assert.IsType<AntsResult<bool>.Ok>(declared).Value);
        Assert.Equal("POST /appointments?application_id=SOLOCAL001&meeting_point_id=saint-aubin-mairie&meeting_point=Mairie%20de%20Saint-Aubin-sur-Lorne"
                     + "&appointment_date=2026-12-04%2009%3A00%3A00&management_url=https%3A%2F%2Fguichet.example%2Frendez-vous%2F12345678%3Fdemande%3DSOLOCAL001",
            Assert.Single(fake.Calls));

        var status = await WithClientAsync(c => c.StatusAsync(["SOLOCAL001"], "montclair-mairie", CancellationToken.None));
        var seen = Assert.Single(Assert.IsType<AntsResult<IReadOnlyDictionary<string, ApplicationState>>.Ok>(status).Value["SOLOCAL001"].Appointments);
        Assert.Equal(new AntsAppointment(Declaration.ManagementUrl, "Mairie de Saint-Aubin-sur-Lorne", "2026-12-04T09:00:00", null), seen);

        var again = await WithClientAsync(c => c.DeclareAsync(Declaration with { LocalStart = Declaration.LocalStart.AddHours(1) }, CancellationToken.None));
        var refused = Assert.IsType<AntsResult<bool>.Refused>(again);
        Assert.Equal(400, refused.StatusCode);
        Assert.Equal("Already exists in database", refused.Detail);
    }

    [Fact]
    public async Task Delete_answers_how_many_rows_went_including_invisible_duplicates()
    {
        Assert.IsType<AntsResult<bool>.Ok>(await WithClientAsync(c => c.DeclareAsync(Declaration, CancellationToken.None)));
        Assert.IsType<AntsResult<bool>.Ok>(await WithClientAsync(c => c.DeclareAsync(Declaration with { ManagementUrl = Declaration.ManagementUrl + "&bis=1" }, CancellationToken.None)));

        var deleted = await WithClientAsync(c => c.DeleteAsync(Declaration, CancellationToken.None));
        Assert.Equal(2, Assert.IsType<AntsResult<int>.Ok>(deleted).Value);
        Assert.StartsWith("DELETE /appointments?application_id=SOLOCAL001&meeting_point=", fake.Calls.Last());
        Assert.Contains("&meeting_point_id=saint-aubin-mairie", fake.Calls.Last());
        Assert.Empty(fake.Appointments);

        var none = await WithClientAsync(c => c.DeleteAsync(Declaration, CancellationToken.None));
        Assert.Equal(0, Assert.IsType<AntsResult<int>.Ok>(none).Value);
    }

    [Fact]
    public async Task A_consumed_number_can_no_longer_be_declared()
    {
        var result = await WithClientAsync(c => c.DeclareAsync(Declaration with { ApplicationId = "SOLOCAL007" }, CancellationToken.None));
        Assert.Equal(400, Assert.IsType<AntsResult<bool>.Refused>(result).StatusCode);
    }

    [Fact]
    public async Task A_slow_ants_is_given_up_after_the_configured_timeout()
    {
        fake.Delay = TimeSpan.FromSeconds(10);
        var watch = Stopwatch.StartNew();

        var result = await WithClientAsync(c => c.StatusAsync(["SOLOCAL001"], "saint-aubin-mairie", CancellationToken.None));

        watch.Stop();
        var unavailable = Assert.IsType<AntsResult<IReadOnlyDictionary<string, ApplicationState>>.Unavailable>(result);
        Assert.Contains("n'a pas répondu", unavailable.Reason);
        Assert.InRange(watch.Elapsed, AntsApp.CoordinationTimeout * 0.9, AntsApp.CoordinationTimeout * 3);
        // Declaring and deleting have the same deadline.
        Assert.IsType<AntsResult<bool>.Unavailable>(await WithClientAsync(c => c.DeclareAsync(Declaration, CancellationToken.None)));
        Assert.IsType<AntsResult<int>.Unavailable>(await WithClientAsync(c => c.DeleteAsync(Declaration, CancellationToken.None)));
    }

    [Fact]
    public async Task A_caller_giving_up_is_not_mistaken_for_ants_being_down()
    {
        fake.Delay = TimeSpan.FromSeconds(5);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => WithClientAsync(c => c.StatusAsync(["SOLOCAL001"], "saint-aubin-mairie", cancel.Token)));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task A_server_error_at_ants_means_unavailable_for_every_call(int status)
    {
        fake.FailWith = status;

        Assert.Contains(status.ToString(), Assert.IsType<AntsResult<IReadOnlyDictionary<string, ApplicationState>>.Unavailable>(
            await WithClientAsync(c => c.StatusAsync(["SOLOCAL001"], "saint-aubin-mairie", CancellationToken.None))).Reason);
        Assert.IsType<AntsResult<bool>.Unavailable>(await WithClientAsync(c => c.DeclareAsync(Declaration, CancellationToken.None)));
        Assert.IsType<AntsResult<int>.Unavailable>(await WithClientAsync(c => c.DeleteAsync(Declaration, CancellationToken.None)));
    }

    [Fact]
    public async Task A_wrong_token_is_our_fault_and_waits_like_an_outage_so_nothing_is_refused_or_lost_for_it()
    {
        using var http = new HttpClient();
        var client = new CoordinationClient(http, Options.Create(new AntsOptions
        {
            CoordinationUrl = app.Coordination.Url, CoordinationToken = "mauvais-jeton", CoordinationTimeout = TimeSpan.FromSeconds(2),
        }), NullLogger<CoordinationClient>.Instance);

        var status = Assert.IsType<AntsResult<IReadOnlyDictionary<string, ApplicationState>>.Unavailable>(
            await client.StatusAsync(["SOLOCAL001"], "saint-aubin-mairie", CancellationToken.None));
        Assert.Contains("jeton (401)", status.Reason);
        Assert.Contains("Ants:CoordinationToken", status.Reason);
        // A declaration refused for our token is retried later (not Failed): once the token is fixed, it goes through.
        Assert.IsType<AntsResult<bool>.Unavailable>(await client.DeclareAsync(Declaration, CancellationToken.None));
        Assert.IsType<AntsResult<int>.Unavailable>(await client.DeleteAsync(Declaration, CancellationToken.None));
    }

    [Fact]
    public async Task An_unreachable_or_unconfigured_ants_is_unavailable_not_an_exception()
    {
        // A port nobody listens on: taken, then released.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var http = new HttpClient();
        var closed = new CoordinationClient(http, Options.Create(new AntsOptions
        {
            CoordinationUrl = $"http://127.0.0.1:{port}/api", CoordinationToken = AntsApp.CoordinationToken, CoordinationTimeout = TimeSpan.FromSeconds(2),
        }), NullLogger<CoordinationClient>.Instance);
        var unconfigured = new CoordinationClient(http, Options.Create(new AntsOptions()), NullLogger<CoordinationClient>.Instance);

        Assert.IsType<AntsResult<bool>.Unavailable>(await closed.DeclareAsync(Declaration, CancellationToken.None));
        Assert.False(unconfigured.Configured);
        Assert.IsType<AntsResult<bool>.Unavailable>(await unconfigured.DeclareAsync(Declaration, CancellationToken.None));
    }

    [Fact]
    public async Task The_app_serves_the_same_fake_for_the_demo_when_asked()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{FakeCoordinationApi.BasePath}/status?application_ids=SOLOCAL002&meeting_point_id=lorval-hotel-de-ville");
        request.Headers.Add(CoordinationClient.TokenHeader, AntsApp.CoordinationToken);

        var answer = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("validated", body.GetProperty("SOLOCAL002").GetProperty("status").GetString());
        Assert.Equal(0, body.GetProperty("SOLOCAL002").GetProperty("appointments").GetArrayLength());
    }
}
