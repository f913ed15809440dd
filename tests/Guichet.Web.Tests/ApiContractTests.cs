using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Guichet.Web.Tests.Support;

namespace Guichet.Web.Tests;

/// <summary>The public JSON API v1 keeps the contract DESIGN.md publishes to integrators.</summary>
public sealed class ApiContractTests(GuichetApp app) : IClassFixture<GuichetApp>
{
    [Fact]
    public async Task The_openapi_document_lists_the_eight_v1_operations()
    {
        var answer = await app.Client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
        var document = await JsonAsync(answer);
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        Assert.Contains("Guichet", document.GetProperty("info").GetProperty("title").GetString());
        string[] verbs = ["get", "post", "put", "patch", "delete"];
        var operations = document.GetProperty("paths").EnumerateObject()
            .Where(p => p.Name.StartsWith("/api/v1/", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject().Where(o => verbs.Contains(o.Name)).Select(o => $"{o.Name.ToUpperInvariant()} {p.Name}"))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
        [
            "GET /api/v1/appointments/{code}",
            "GET /api/v1/indicators",
            "GET /api/v1/reasons",
            "GET /api/v1/sites",
            "GET /api/v1/slots",
            "POST /api/v1/appointments",
            "POST /api/v1/appointments/{code}/cancel",
            "POST /api/v1/appointments/{code}/move",
        ], operations);
    }

    [Fact]
    public async Task Sites_are_the_three_demo_town_halls_with_the_documented_fields()
    {
        var sites = (await JsonAsync(await app.Client.GetAsync("/api/v1/sites"))).EnumerateArray().ToList();

        Assert.Equal(["lorval-hotel-de-ville", "montclair-mairie", "saint-aubin-mairie"], sites.Select(s => s.GetProperty("id").GetString()).Order().ToList());
        foreach (var site in sites)
        {
            Assert.Equal(["address", "city", "id", "latitude", "longitude", "name", "postalCode", "timeZone"],
                site.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList());
            foreach (var text in new[] { "id", "name", "address", "postalCode", "city", "timeZone" })
                Assert.Equal(JsonValueKind.String, site.GetProperty(text).ValueKind);
            Assert.Matches("^[0-9]{5}$", site.GetProperty("postalCode").GetString());
            Assert.Equal("Europe/Paris", site.GetProperty("timeZone").GetString());
            Assert.InRange(site.GetProperty("latitude").GetDouble(), 41.0, 51.5);
            Assert.InRange(site.GetProperty("longitude").GetDouble(), -5.5, 10.0);
        }
        var lorval = sites.Single(s => s.GetProperty("id").GetString() == "lorval-hotel-de-ville");
        Assert.Equal(("Hôtel de ville de Lorval", "2 place de la République", "53120", "Lorval"),
            (lorval.GetProperty("name").GetString(), lorval.GetProperty("address").GetString(), lorval.GetProperty("postalCode").GetString(), lorval.GetProperty("city").GetString()));
    }

    [Fact]
    public async Task Reasons_of_a_site_include_the_four_ants_codes_with_their_minutes()
    {
        var reasons = (await JsonAsync(await app.Client.GetAsync("/api/v1/reasons?site=saint-aubin-mairie"))).EnumerateArray().ToList();

        Assert.Equal(["CNI", "PASSPORT", "CNI-PASSPORT", "WITHDRAWAL"], reasons.Select(r => r.GetProperty("code").GetString()).ToList());
        Assert.Equal([15, 15, 20, 10], reasons.Select(r => r.GetProperty("minutesPerPerson").GetInt32()).ToList());
        Assert.All(reasons, r => Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("name").GetString())));
        Assert.Equal("Carte nationale d'identité", reasons[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Slots_carry_the_site_s_offset_and_come_sorted()
    {
        var raw = await JsonAsync(await app.Client.GetAsync("/api/v1/slots?reason=CNI&persons=1&from=2026-12-01&to=2026-12-05"));
        var slots = raw.GetProperty("slots").EnumerateArray().ToList();

        Assert.NotEmpty(slots);
        Assert.Equal(["end", "site", "start"], slots[0].EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList());
        foreach (var slot in slots)
        {
            // Written as the site's local time with its offset (winter in Paris), never as UTC.
            Assert.Matches(@"^2026-12-0[1-5]T[0-9]{2}:[0-9]{2}:00\+01:00$", slot.GetProperty("start").GetString());
            Assert.Matches(@"\+01:00$", slot.GetProperty("end").GetString());
            Assert.Equal(TimeSpan.FromMinutes(15), DateTimeOffset.Parse(slot.GetProperty("end").GetString()!) - DateTimeOffset.Parse(slot.GetProperty("start").GetString()!));
        }
        var starts = slots.Select(s => DateTimeOffset.Parse(s.GetProperty("start").GetString()!)).ToList();
        Assert.Equal(starts.Order().ToList(), starts);
        Assert.Equal(["lorval-hotel-de-ville", "montclair-mairie", "saint-aubin-mairie"], slots.Select(s => s.GetProperty("site").GetString()).Distinct().Order().ToList());
        // Summer time in Paris: the offset follows the date.
        var june = await app.SlotsAsync(site: "lorval-hotel-de-ville", from: "2027-06-01", to: "2027-06-01");
        Assert.All(june, s => Assert.Equal(TimeSpan.FromHours(2), s.Start.Offset));
    }

    [Fact]
    public async Task Several_site_parameters_restrict_the_slots_to_those_sites()
    {
        var both = (await app.Client.GetFromJsonAsync<ApiSlots>(
            "/api/v1/slots?reason=CNI&site=lorval-hotel-de-ville&site=montclair-mairie&from=2026-12-01&to=2026-12-03", GuichetApp.Json))!.Slots;
        var one = await app.SlotsAsync(site: "montclair-mairie", from: "2026-12-01", to: "2026-12-03");

        Assert.Equal(["lorval-hotel-de-ville", "montclair-mairie"], both.Select(s => s.Site).Distinct().Order().ToList());
        Assert.Equal(["montclair-mairie"], one.Select(s => s.Site).Distinct().ToList());
        Assert.Equal(one.Select(s => s.Start), both.Where(s => s.Site == "montclair-mairie").Select(s => s.Start));
    }

    [Fact]
    public async Task A_booking_answers_201_with_the_documented_fields_and_a_location()
    {
        var slot = (await app.SlotsAsync(site: "montclair-mairie", from: "2026-12-17", to: "2026-12-17")).First();

        var answer = await app.BookAsync(GuichetApp.Booking(slot, lastName: "Contrat"));

        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        var created = await JsonAsync(answer);
        Assert.Equal(["code", "end", "id", "manageUrl", "reason", "site", "start"], created.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList());
        Assert.All(created.EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
        var code = created.GetProperty("code").GetString()!;
        Assert.Equal($"/api/v1/appointments/{code}", answer.Headers.Location?.OriginalString);
        Assert.Equal(slot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz"), created.GetProperty("start").GetString());
        Assert.StartsWith($"http://localhost/rendez-vous/{code}?token=", created.GetProperty("manageUrl").GetString());

        var token = created.GetProperty("manageUrl").GetString()!.Split("token=")[1];
        var details = await JsonAsync(await app.Client.GetAsync($"/api/v1/appointments/{code}?token={token}"));
        Assert.Equal(("booked", "montclair-mairie", "CNI", 1, "Contrat"), (details.GetProperty("status").GetString(), details.GetProperty("site").GetString(),
            details.GetProperty("reason").GetString(), details.GetProperty("persons").GetInt32(), details.GetProperty("lastName").GetString()));
        Assert.Equal(created.GetProperty("id").GetString(), details.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Every_error_is_a_french_problem_document()
    {
        var slot = (await app.SlotsAsync(site: "saint-aubin-mairie", from: "2026-12-18", to: "2026-12-18")).First();
        Assert.Equal(HttpStatusCode.Created, (await app.BookAsync(GuichetApp.Booking(slot))).StatusCode);
        var cases = new (string Name, Func<Task<HttpResponseMessage>> Send, HttpStatusCode Status)[]
        {
            ("400 malformed JSON", () => app.Client.PostAsync("/api/v1/appointments", new StringContent("{", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest),
            ("404 unknown site", () => app.Client.GetAsync("/api/v1/reasons?site=inconnu"), HttpStatusCode.NotFound),
            ("404 unknown appointment", () => app.Client.GetAsync("/api/v1/appointments/00000000?token=x"), HttpStatusCode.NotFound),
            ("404 unknown address", () => app.Client.GetAsync("/api/v1/inconnu"), HttpStatusCode.NotFound),
            ("405 wrong method", () => app.Client.DeleteAsync("/api/v1/sites"), HttpStatusCode.MethodNotAllowed),
            ("409 slot taken", () => app.BookAsync(GuichetApp.Booking(slot, lastName: "Second")), HttpStatusCode.Conflict),
            ("413 too large", () => app.Client.PostAsync("/api/v1/appointments", new StringContent(new string(' ', 40_000) + "{}", Encoding.UTF8, "application/json")), HttpStatusCode.RequestEntityTooLarge),
            ("415 not JSON", () => app.Client.PostAsync("/api/v1/appointments", new StringContent("site=x", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType),
            ("422 invalid fields", () => app.BookAsync(new { site = "saint-aubin-mairie", reason = "CNI", start = "demain", persons = 0 }), HttpStatusCode.UnprocessableEntity),
            ("422 invalid search", () => app.Client.GetAsync("/api/v1/slots?reason=CNI&persons=0"), HttpStatusCode.UnprocessableEntity),
        };

        foreach (var (name, send, status) in cases)
        {
            var answer = await send();
            Assert.True(answer.StatusCode == status, $"{name}: {answer.StatusCode}");
            var problem = await Answers.ProblemAsync(answer);
            Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()), name);
            Assert.True(Answers.LooksFrench(problem.GetProperty("detail").GetString()), $"{name}: {problem}");
        }

        // Field errors name the fields in camelCase, each with its French sentence.
        var invalid = await Answers.ProblemAsync(await app.BookAsync(new { site = "saint-aubin-mairie", reason = "CNI", start = slot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz"), persons = 1 }));
        var errors = invalid.GetProperty("errors").EnumerateObject().ToDictionary(e => e.Name, e => e.Value.EnumerateArray().Select(m => m.GetString()).ToList());
        Assert.Equal(["email", "firstName", "lastName"], errors.Keys.Order(StringComparer.Ordinal).ToList());
        Assert.Equal("Indiquez votre prénom.", errors["firstName"].Single());
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage answer)
    {
        Assert.True(answer.IsSuccessStatusCode, $"{answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
    }
}
