using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Guichet.Browser.Tests.Support;

namespace Guichet.Browser.Tests;

/// <summary>
/// The demo as `dotnet run` starts it (Development, its own process and port): pre-request numbers are checked against
/// the local fake of the ANTS coordination API that the app serves itself, with the integration numbers of the reference.
/// </summary>
public sealed class DemoAntsTests(GuichetBrowser browser) : IClassFixture<GuichetBrowser>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private async Task<HttpResponseMessage> BookAsync(HttpClient http, string number, string lastName)
    {
        var slots = await http.GetFromJsonAsync<JsonElement>($"/api/v1/slots?site=saint-aubin-mairie&reason=CNI&persons=1&from={DateTime.Today.AddDays(3):yyyy-MM-dd}&to={DateTime.Today.AddDays(60):yyyy-MM-dd}", Json);
        var slot = slots.GetProperty("slots").EnumerateArray().First();
        return await http.PostAsJsonAsync("/api/v1/appointments", new
        {
            site = "saint-aubin-mairie", reason = "CNI", start = slot.GetProperty("start").GetString(), persons = 1,
            firstName = "Camille", lastName, email = $"{lastName.ToLowerInvariant()}@exemple.fr", preRequestNumbers = new[] { number },
        }, Json);
    }

    [Fact]
    public async Task The_demo_checks_pre_request_numbers_with_its_local_ants_fake_a_consumed_one_is_refused_a_validated_one_books()
    {
        using var http = new HttpClient { BaseAddress = browser.App.BaseUrl };
        var consumed = await BookAsync(http, "SOLOCAL007", "Consomme");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, consumed.StatusCode);
        Assert.Contains("SOLOCAL007", await consumed.Content.ReadAsStringAsync());

        var validated = await BookAsync(http, "SOLOCAL002", "Valide");
        Assert.Equal(HttpStatusCode.Created, validated.StatusCode);
    }
}
