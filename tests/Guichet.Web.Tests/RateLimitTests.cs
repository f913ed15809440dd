using System.Net;
using Guichet.Web.Tests.Support;

namespace Guichet.Web.Tests;

/// <summary>The app with the limits a small town hall would set, low enough to reach in a test.</summary>
public sealed class LimitedGuichetApp : GuichetApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:BookingsPerMinute"] = "3",
        ["RateLimits:ManagePerMinute"] = "5",
        ["RateLimits:PublicApiPerMinute"] = "100000",
        ["RateLimits:SignInsPerMinute"] = "100000",
    };
}

public sealed class RateLimitTests(LimitedGuichetApp app) : IClassFixture<LimitedGuichetApp>
{
    [Fact]
    public async Task A_fourth_booking_within_a_minute_from_one_address_is_refused_in_french()
    {
        var slots = await app.SlotsAsync(site: "montclair-mairie", from: "2026-12-03", to: "2026-12-03");
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++) answers.Add(await app.BookAsync(GuichetApp.Booking(slots[i], lastName: $"Limite{"ABCD"[i]}")));   // four people: one person may hold one appointment
        Assert.All(answers.Take(3), a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[3].StatusCode);
        Assert.Contains("Réessayez dans une minute", await answers[3].Content.ReadAsStringAsync());
        Assert.Equal(3, await app.CountBookedAsync());
    }

    [Fact]
    public async Task Guessing_manage_tokens_is_cut_short()
    {
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
            codes.Add((await app.Client.GetAsync($"/api/v1/appointments/1234567{i}?token=guess{i}")).StatusCode);
        Assert.Equal(5, codes.Count(c => c == HttpStatusCode.NotFound));
        Assert.Equal(3, codes.Count(c => c == HttpStatusCode.TooManyRequests));
    }
}
