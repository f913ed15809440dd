using System.Net;
using System.Text.Json;
using Guichet.Web.Tests.Support;

namespace Guichet.Web.Tests;

/// <summary>
/// "The first slot near me": the public API and the citizen pages sort the slots of every site by day, then by the
/// distance from the citizen's commune or postcode, keep a radius, and refuse an unknown place in French.
/// Demo distances: from Quincé (53310), Montclair ≈ 8 km, Lorval ≈ 27 km, Saint-Aubin ≈ 46 km.
/// </summary>
public sealed class NearbySlotsTests(GuichetApp app) : IClassFixture<GuichetApp>
{
    private sealed record NearSlot(string Site, DateTimeOffset Start, DateTimeOffset End, double? DistanceKm);
    private sealed record NearSlots(List<NearSlot> Slots);

    private async Task<List<NearSlot>> NearAsync(string query)
    {
        var answer = await app.Client.GetAsync("/api/v1/slots?reason=CNI&persons=1&" + query);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return JsonSerializer.Deserialize<NearSlots>(await answer.Content.ReadAsStringAsync(), GuichetApp.Json)!.Slots;
    }

    [Fact]
    public async Task Slots_come_by_day_then_nearest_site_first()
    {
        // Friday 4 and Saturday 5 December: all three sites open on Friday, Lorval and Montclair on Saturday.
        var slots = await NearAsync("from=2026-12-04&to=2026-12-05&near=" + Uri.EscapeDataString("Quincé"));
        Assert.NotEmpty(slots);
        var days = slots.Select(s => s.Start.Date).ToList();
        Assert.Equal(days.Order().ToList(), days);
        foreach (var day in slots.GroupBy(s => s.Start.Date))
        {
            var distances = day.Select(s => s.DistanceKm!.Value).ToList();
            Assert.Equal(distances.Order().ToList(), distances);
        }
        var friday = slots.Where(s => s.Start.Day == 4).Select(s => s.Site).Distinct().ToList();
        Assert.Equal(["montclair-mairie", "lorval-hotel-de-ville", "saint-aubin-mairie"], friday);
        Assert.InRange(slots.First(s => s.Site == "montclair-mairie").DistanceKm!.Value, 5, 9);
        Assert.Equal(["montclair-mairie", "lorval-hotel-de-ville"], slots.Where(s => s.Start.Day == 5).Select(s => s.Site).Distinct().ToList());
        // Within one site and day, times stay in order.
        var montclair = slots.Where(s => s.Site == "montclair-mairie" && s.Start.Day == 4).Select(s => s.Start).ToList();
        Assert.Equal(montclair.Order().ToList(), montclair);

        // A postcode works the same; from Bréhan-la-Forêt's (53140, shared with Saint-Aubin) Saint-Aubin comes first.
        var fromPostcode = await NearAsync("from=2026-12-04&to=2026-12-04&near=53140");
        Assert.Equal(["saint-aubin-mairie", "lorval-hotel-de-ville", "montclair-mairie"], fromPostcode.Select(s => s.Site).Distinct().ToList());
    }

    [Theory]
    [InlineData(10, new[] { "montclair-mairie" })]
    [InlineData(30, new[] { "montclair-mairie", "lorval-hotel-de-ville" })]
    [InlineData(100, new[] { "montclair-mairie", "lorval-hotel-de-ville", "saint-aubin-mairie" })]
    public async Task The_radius_keeps_only_the_sites_within_it(int km, string[] sites)
    {
        var slots = await NearAsync($"from=2026-12-11&to=2026-12-11&near=Quince&radiusKm={km}");
        Assert.Equal(sites, slots.Select(s => s.Site).Distinct().ToArray());
        Assert.All(slots, s => Assert.True(s.DistanceKm <= km));
    }

    [Theory]
    [InlineData("near=99999", "near", "99999")]
    [InlineData("near=Atlantide", "near", "commune")]
    [InlineData("near=", "near", "commune")]
    [InlineData("radiusKm=20", "near", "rayon")]
    [InlineData("near=53120&radiusKm=0", "radiusKm", "rayon")]
    [InlineData("near=53120&radiusKm=abc", "radiusKm", "nombre")]
    [InlineData("near=53120&radiusKm=5000", "radiusKm", "rayon")]
    [InlineData("limit=0", "limit", "limit")]
    public async Task A_wrong_place_or_radius_is_a_422_problem_in_french(string query, string field, string words)
    {
        var answer = await app.Client.GetAsync("/api/v1/slots?reason=CNI&" + query);
        Assert.Equal((HttpStatusCode)422, answer.StatusCode);
        var problem = await Answers.ProblemAsync(answer);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), query);
        var message = Answers.ProblemMessage(problem);
        Assert.True(Answers.LooksFrench(message), message);
        Assert.Contains(words, message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_limit_keeps_the_earliest_slots_of_the_territory()
    {
        var slots = await NearAsync("from=2026-12-14&to=2026-12-18&limit=20");
        Assert.Equal(20, slots.Count);
        Assert.All(slots, s => Assert.Null(s.DistanceKm));
        var all = await NearAsync("from=2026-12-14&to=2026-12-18");
        Assert.Equal(all.Take(20).Select(s => (s.Site, s.Start)), slots.Select(s => (s.Site, s.Start)));
    }

    [Fact]
    public async Task The_openapi_document_describes_near_and_radius()
    {
        var document = JsonDocument.Parse(await app.Client.GetStringAsync("/openapi/v1.json")).RootElement;
        var parameters = document.GetProperty("paths").GetProperty("/api/v1/slots").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("near", parameters);
        Assert.Contains("radiusKm", parameters);
        Assert.Contains("limit", parameters);
    }

    [Fact]
    public async Task The_citizen_page_lists_the_nearest_town_hall_first_without_javascript()
    {
        using var browser = new Browser(app);
        var start = await browser.GetAsync("/rendez-vous");
        Assert.NotNull(start.Document.QuerySelector("form[action='/rendez-vous/creneaux'] input#near[name=near]"));
        Assert.NotNull(start.Document.QuerySelector("label[for=near]"));
        var page = await browser.SubmitAsync(start, "form[action='/rendez-vous/creneaux']",
            new Dictionary<string, string?> { ["reason"] = "CNI", ["near"] = "Quincé", ["radius"] = "30" });
        // Then from Friday 4 December, when both nearby town halls open, with the filters of the slots page.
        page = await browser.SubmitAsync(page, "form.filters", new Dictionary<string, string?> { ["from"] = "2026-12-04" });
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("près de Quincé (53310) (à 30 km au plus)", page.Text);
        var firstDay = page.Document.QuerySelector("section.day")!;
        var sites = firstDay.QuerySelectorAll("h3").Select(h => h.TextContent).ToList();
        Assert.StartsWith("Mairie de Montclair-en-Bocage", sites[0]);
        Assert.Contains("à 8 km", sites[0]);   // 7.8 km, rounded
        Assert.DoesNotContain(page.Document.QuerySelectorAll("h3"), h => h.TextContent.Contains("Saint-Aubin"));
        // The next page keeps the place and the radius.
        var next = page.Links("a.button.secondary").Select(a => a.GetAttribute("href")).FirstOrDefault(h => h!.Contains("from="));
        if (next is not null) Assert.Contains("near=Quinc", next);
    }

    [Fact]
    public async Task An_unknown_postcode_on_the_page_is_a_clear_message_beside_the_field()
    {
        using var browser = new Browser(app);
        var page = await browser.GetAsync("/rendez-vous/creneaux?reason=CNI&persons=1&pre=0&near=99999");
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        var error = page.Document.QuerySelector(".errors a[href='#near']")!;
        Assert.Contains("Le code postal 99999 n'est pas connu", error.TextContent);
        Assert.Equal("99999", page.Document.QuerySelector("input#near")!.GetAttribute("value"));
        Assert.Empty(page.Document.QuerySelectorAll("section.day"));
    }
}
