using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Guichet.Web.Data;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>
/// The editor endpoints called the way the ANTS hub calls them (reference/ants.md, part A): repeated keys,
/// month-widened ranges, the token header, wall-clock times with a literal Z.
/// </summary>
public sealed class AntsHubTests(AntsApp app) : IClassFixture<AntsApp>
{
    private const string Lorval = "lorval-hotel-de-ville";
    private const string SaintAubin = "saint-aubin-mairie";
    private const string Montclair = "montclair-mairie";

    private static string Slots(string reason, int documents, string from, string to, params string[] sites) =>
        "/api/ants/availableTimeSlots?" + string.Join('&', sites.Select(s => $"meeting_point_ids={s}"))
        + $"&start_date={from}&end_date={to}&reason={reason}&documents_number={documents}";

    private async Task<Dictionary<string, List<HubSlot>>> SlotsAsync(string url)
    {
        var answer = await app.HubGetAsync(url);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return (await answer.Content.ReadFromJsonAsync<Dictionary<string, List<HubSlot>>>())!;
    }

    private sealed record HubSlot(
        [property: System.Text.Json.Serialization.JsonPropertyName("datetime")] string DateTime,
        [property: System.Text.Json.Serialization.JsonPropertyName("callback_url")] string CallbackUrl);

    [Theory]
    [InlineData("/api/ants/getManagedMeetingPoints")]
    [InlineData("/api/ants/availableTimeSlots?meeting_point_ids=saint-aubin-mairie&start_date=2026-12-01&end_date=2026-12-31&reason=CNI&documents_number=1")]
    [InlineData("/api/ants/searchApplicationIds?application_ids=AB12CD34EF")]
    public async Task Every_hub_endpoint_refuses_a_missing_or_wrong_token_with_401(string url)
    {
        foreach (var token in new[] { null, "", "mauvais-jeton", AntsApp.HubToken + "x", AntsApp.HubToken.ToUpperInvariant() })
        {
            var answer = await app.HubGetAsync(url, token);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            var problem = await Answers.ProblemAsync(answer);
            Assert.Equal("X-HUB-RDV-AUTH-TOKEN header invalid", problem.GetProperty("detail").GetString());
        }
        Assert.Equal(HttpStatusCode.OK, (await app.HubGetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task Managed_meeting_points_are_the_connected_sites_with_the_hub_field_names()
    {
        var points = JsonDocument.Parse(await (await app.HubGetAsync("/api/ants/getManagedMeetingPoints")).Content.ReadAsStringAsync())
            .RootElement.EnumerateArray().ToList();

        Assert.Equal([Lorval, Montclair, SaintAubin], points.Select(p => p.GetProperty("id").GetString()));
        var lorval = points[0];
        Assert.Equal("Hôtel de ville de Lorval", lorval.GetProperty("name").GetString());
        Assert.Equal("2 place de la République", lorval.GetProperty("public_entry_address").GetString());
        Assert.Equal("53120", lorval.GetProperty("zip_code").GetString());
        Assert.Equal("Lorval", lorval.GetProperty("city_name").GetString());
        Assert.Equal(48.3021, lorval.GetProperty("latitude").GetDouble());
        Assert.Equal(-0.6174, lorval.GetProperty("longitude").GetDouble());

        // An administrator disconnects Montclair: it leaves the list and the hub may no longer ask for its slots.
        await SetConnectedAsync(Montclair, false);
        try
        {
            var after = JsonDocument.Parse(await (await app.HubGetAsync("/api/ants/getManagedMeetingPoints")).Content.ReadAsStringAsync())
                .RootElement.EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();
            Assert.Equal([Lorval, SaintAubin], after);
            Assert.Equal(HttpStatusCode.NotFound, (await app.HubGetAsync(Slots("CNI", 1, "2026-12-01", "2026-12-31", Montclair))).StatusCode);
        }
        finally
        {
            await SetConnectedAsync(Montclair, true);
        }
    }

    [Fact]
    public async Task Slots_come_per_meeting_point_sorted_distinct_as_wall_clock_time_with_a_literal_z()
    {
        var slots = await SlotsAsync(Slots("CNI", 1, "2026-12-01", "2026-12-31", Lorval, Montclair));

        Assert.Equal([Lorval, Montclair], slots.Keys.Order(StringComparer.Ordinal));
        foreach (var (_, list) in slots)
        {
            Assert.NotEmpty(list);
            Assert.All(list, s => Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$", s.DateTime));
            // Lorval has two stations free at the same minutes: one slot each, in order.
            Assert.Equal(list.Select(s => s.DateTime).Distinct().Order(StringComparer.Ordinal), list.Select(s => s.DateTime));
        }
        // Tuesday 1 December opens at 8:30 in Lorval (7:30 UTC): the hub must show 08:30.
        Assert.Equal("2026-12-01T08:30Z", slots[Lorval][0].DateTime);
        Assert.Equal("2026-12-01T09:00Z", slots[Montclair][0].DateTime);

        // The same starts as the public API offers for that site and motif.
        var api = await app.SlotsAsync("CNI", 1, Montclair, "2026-12-01", "2026-12-31");
        Assert.Equal(api.Select(s => s.Start.ToString("yyyy-MM-dd'T'HH:mm") + "Z").Distinct(), slots[Montclair].Select(s => s.DateTime));
    }

    [Fact]
    public async Task A_month_widened_range_starting_in_the_past_answers_from_today()
    {
        // Today is Monday 30 November; the hub asks from the 1st of this month to the end of next month.
        var slots = await SlotsAsync(Slots("PASSPORT", 1, "2026-11-01", "2027-01-31", SaintAubin));

        Assert.Equal("2026-11-30T09:00Z", slots[SaintAubin][0].DateTime);
        Assert.StartsWith("2027-01-", slots[SaintAubin][^1].DateTime);
    }

    [Fact]
    public async Task Wall_clock_times_do_not_move_across_the_spring_time_change()
    {
        // Summer time starts on Sunday 28 March 2027: 8:30 stays "08:30Z" on both sides.
        var slots = (await SlotsAsync(Slots("CNI", 1, "2027-03-01", "2027-03-31", Lorval)))[Lorval].Select(s => s.DateTime).ToList();

        Assert.Contains("2027-03-26T08:30Z", slots);
        Assert.Contains("2027-03-30T08:30Z", slots);   // Monday 29 is Easter Monday
        // UTC sent by mistake would show 07:30 in winter and 06:30 in summer.
        Assert.DoesNotContain(slots, s => s.EndsWith("T07:30Z", StringComparison.Ordinal) || s.EndsWith("T06:30Z", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_number_of_documents_lengthens_the_slot_and_travels_in_the_callback()
    {
        // Saint-Aubin, Wednesday 2 December, 9:00–12:00: one person may start at 11:45, two only at 11:30.
        var one = (await SlotsAsync(Slots("CNI", 1, "2026-12-02", "2026-12-02", SaintAubin)))[SaintAubin];
        var two = (await SlotsAsync(Slots("CNI", 2, "2026-12-02", "2026-12-02", SaintAubin)))[SaintAubin];

        Assert.Contains(one, s => s.DateTime == "2026-12-02T11:45Z");
        Assert.DoesNotContain(two, s => s.DateTime == "2026-12-02T11:45Z");
        Assert.Contains(two, s => s.DateTime == "2026-12-02T11:30Z");
        Assert.All(two, s => Assert.Contains("persons=2", s.CallbackUrl));
        // More persons than the motif accepts: no slot, not an error.
        Assert.Empty((await SlotsAsync(Slots("CNI", 7, "2026-12-02", "2026-12-02", SaintAubin)))[SaintAubin]);
    }

    [Fact]
    public async Task The_callback_url_opens_the_contact_page_with_that_slot_chosen()
    {
        var slot = (await SlotsAsync(Slots("CNI-PASSPORT", 2, "2026-12-01", "2026-12-31", Lorval)))[Lorval][0];
        Assert.Equal("2026-12-01T08:30Z", slot.DateTime);
        var callback = new Uri(slot.CallbackUrl);
        Assert.Equal("/rendez-vous/coordonnees", callback.AbsolutePath);
        Assert.Contains("start=2026-12-01T08%3A30%3A00%2B01%3A00", callback.Query);

        var page = await app.Client.GetAsync(callback.PathAndQuery);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Contains("mardi 1 décembre 2026 à 8 h 30", html);
        Assert.Contains("Hôtel de ville de Lorval", html);
        Assert.Contains("Carte d'identité et passeport, 2 personnes", html);
    }

    [Theory]
    [InlineData("meeting_point_ids=inconnu&start_date=2026-12-01&end_date=2026-12-31&reason=CNI&documents_number=1", 404)]
    [InlineData("meeting_point_ids=saint-aubin-mairie&meeting_point_ids=999&start_date=2026-12-01&end_date=2026-12-31&reason=CNI&documents_number=1", 404)]
    [InlineData("meeting_point_ids=saint-aubin-mairie&start_date=2026-12-01&end_date=2026-12-31&reason=WITHDRAWAL&documents_number=1", 400)]
    [InlineData("meeting_point_ids=saint-aubin-mairie&start_date=2026-12-01&end_date=2026-12-31&reason=cni&documents_number=1", 400)]
    [InlineData("meeting_point_ids=saint-aubin-mairie&start_date=2026-12-01&end_date=2026-12-31&reason=&documents_number=1", 400)]
    [InlineData("meeting_point_ids=saint-aubin-mairie&start_date=2026-12-01&end_date=2026-12-31&documents_number=1", 400)]
    [InlineData("meeting_point_ids=saint-aubin-mairie&start_date=2026-12-31&end_date=2026-12-01&reason=CNI&documents_number=1", 400)]
    [InlineData("meeting_point_ids=saint-aubin-mairie&start_date=01/12/2026&end_date=2026-12-31&reason=CNI&documents_number=1", 400)]
    [InlineData("meeting_point_ids=saint-aubin-mairie&end_date=2026-12-31&reason=CNI&documents_number=1", 400)]
    [InlineData("meeting_point_ids=saint-aubin-mairie&start_date=2026-12-01&end_date=2026-12-31&reason=CNI&documents_number=0", 400)]
    [InlineData("meeting_point_ids=saint-aubin-mairie&start_date=2026-12-01&end_date=2026-12-31&reason=CNI&documents_number=deux", 400)]
    [InlineData("meeting_point_ids[]=saint-aubin-mairie&start_date=2026-12-01&end_date=2026-12-31&reason=CNI&documents_number=1", 400)]
    [InlineData("start_date=2026-12-01&end_date=2026-12-31&reason=CNI&documents_number=1", 400)]
    public async Task Bad_slot_queries_get_a_problem_in_french(string query, int status)
    {
        var answer = await app.HubGetAsync("/api/ants/availableTimeSlots?" + query);

        Assert.Equal(status, (int)answer.StatusCode);
        var problem = await Answers.ProblemAsync(answer);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        if (status == 404) Assert.StartsWith("Unknown Meeting Point ID", problem.GetProperty("detail").GetString());
        else Assert.True(Answers.LooksFrench(problem.GetProperty("detail").GetString()), problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Search_application_ids_finds_active_appointments_by_whole_number_only()
    {
        // A family of two at Saint-Aubin with two numbers, and someone else's appointment, cancelled.
        var family = await BookWithNumbersAsync(SaintAubin, "2026-12-04", "Famille", "QX12CD34EF", "ZZ98YY76XX");
        var cancelled = await BookWithNumbersAsync(Montclair, "2026-12-04", "Annulé", "CANCEL0001");
        Assert.Equal(HttpStatusCode.OK, (await app.Client.PostAsync($"/api/v1/appointments/{cancelled.Code}/cancel?token={Uri.EscapeDataString(cancelled.Token)}", null)).StatusCode);

        // As the hub sends them: repeated keys; a citizen's lower case and separators are tolerated.
        var answer = await app.HubGetAsync("/api/ants/searchApplicationIds?application_ids=QX12CD34EF&application_ids=zz98yy76xx;CANCEL0001"
                                           + "&application_ids=12CD34EF&application_ids=QX12CD34E&application_ids=XQX12CD34EF&application_ids=NOTHING001");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var found = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(["QX12CD34EF", "ZZ98YY76XX", "CANCEL0001", "12CD34EF", "QX12CD34E", "XQX12CD34EF", "NOTHING001"],
            found.EnumerateObject().Select(p => p.Name));
        foreach (var number in new[] { "QX12CD34EF", "ZZ98YY76XX" })
        {
            var one = Assert.Single(found.GetProperty(number).EnumerateArray());
            Assert.Equal("Mairie de Saint-Aubin-sur-Lorne", one.GetProperty("meeting_point").GetString());
            Assert.Equal("2026-12-04T09:00Z", one.GetProperty("datetime").GetString());
            Assert.EndsWith($"/rendez-vous/{family.Code}", one.GetProperty("management_url").GetString());
            Assert.False(string.IsNullOrEmpty(one.GetProperty("cancel_url").GetString()));
        }
        // Cancelled, pieces of a number, a number with one character more, unknown: nothing.
        foreach (var number in new[] { "CANCEL0001", "12CD34EF", "QX12CD34E", "XQX12CD34EF", "NOTHING001" })
            Assert.Empty(found.GetProperty(number).EnumerateArray());
    }

    [Fact]
    public async Task Search_application_ids_needs_at_least_one_number()
    {
        var answer = await app.HubGetAsync("/api/ants/searchApplicationIds");
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.True(Answers.LooksFrench(Answers.ProblemMessage(await Answers.ProblemAsync(answer))));
    }

    private async Task<ApiCreated> BookWithNumbersAsync(string site, string day, string lastName, params string[] numbers)
    {
        // Booking now asks ANTS about each number: these are genuine ones.
        foreach (var number in numbers) app.Coordination.Api.SetStatus(number, "validated");
        var slots = await app.Client.GetFromJsonAsync<ApiSlots>(
            $"/api/v1/slots?site={site}&reason=CNI&persons={numbers.Length}&preRequests={numbers.Length}&from={day}&to={day}", GuichetApp.Json);
        var slot = slots!.Slots.First();
        var answer = await app.BookAsync(GuichetApp.Booking(slot, persons: numbers.Length, lastName: lastName, preRequestNumbers: numbers));
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        return (await answer.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;
    }

    private Task<int> SetConnectedAsync(string site, bool connected) =>
        app.WithDbAsync(db => db.Sites.Where(s => s.Id == site).ExecuteUpdateAsync(u => u.SetProperty(s => s.AntsConnected, connected)));
}
