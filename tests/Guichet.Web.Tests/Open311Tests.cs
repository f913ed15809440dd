using System.Globalization;
using System.Net;
using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Guichet.Web.Features.Open311;
using Guichet.Web.Features.Requests;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guichet.Web.Tests;

/// <summary>The app with two Open311 clients, one per town hall, and photos fetchable from loopback (the test's own server).</summary>
public class Open311App : GuichetApp
{
    public const string LorvalKey = "lorval-fixmarue-0123456789abcdef";
    public const string SaintAubinKey = "saint-aubin-signal-0123456789abcdef";

    protected virtual int PostsPerMinute => 100000;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Open311:ApiKeys:0:Key"] = LorvalKey,
        ["Open311:ApiKeys:0:Organisation"] = "mairie-lorval",
        ["Open311:ApiKeys:0:Client"] = "FixMaRue",
        ["Open311:ApiKeys:1:Key"] = SaintAubinKey,
        ["Open311:ApiKeys:1:Organisation"] = "mairie-saint-aubin",
        ["Open311:ApiKeys:1:Client"] = "Signal'Aubin",
        ["Open311:ApiKeys:2:Key"] = "revoked-key-0123456789abcdefgh",
        ["Open311:ApiKeys:2:Organisation"] = "mairie-lorval",
        ["Open311:ApiKeys:2:Client"] = "Ancienne appli",
        ["Open311:ApiKeys:2:Enabled"] = "false",
        ["Open311:PostsPerMinute"] = PostsPerMinute.ToString(CultureInfo.InvariantCulture),
        ["Open311:MediaAllowPrivateHosts"] = "true",
        ["Notifications:Enabled"] = "false",
    };

    public Open311Client Open311 => new(Client);
}

public sealed class Open311LimitedApp : Open311App
{
    protected override int PostsPerMinute => 2;
}

public sealed class Open311Tests(Open311App app) : IClassFixture<Open311App>
{
    private Open311Client Api => app.Open311;

    public static Dictionary<string, string> Report(string key = Open311App.LorvalKey, string service = "lorval-voirie", string? email = "signal@exemple.fr") => new()
    {
        ["api_key"] = key,
        ["jurisdiction_id"] = key == Open311App.SaintAubinKey ? "mairie-saint-aubin" : "mairie-lorval",
        ["service_code"] = service,
        ["lat"] = "48.0699",
        ["long"] = "-0.7728",
        ["address_string"] = "12 rue de la Gare, Lorval",
        ["description"] = "Un trou profond devant le numéro 12.",
        ["first_name"] = "Camille",
        ["last_name"] = "Martin",
        ["email"] = email ?? "",
        ["phone"] = "06 12 34 56 78",
        ["attribute[champ1]"] = "1",
    };

    private async Task<string> PostAsync(Dictionary<string, string>? form = null, string format = "json")
    {
        var answer = await Api.PostAsync("requests", format, form ?? Report());
        Assert.True(answer.Status == HttpStatusCode.Created, answer.Body);
        return (string)answer.Single["service_request_id"];
    }

    [Theory]
    [InlineData("json")]
    [InlineData("xml")]
    public async Task Discovery_names_the_GeoReport_v2_specification_and_both_formats(string format)
    {
        var d = (await Api.GetAsync("discovery", format)).Object;
        var endpoint = Assert.IsType<Dictionary<string, object>>(Assert.Single(Assert.IsType<List<object>>(d["endpoints"])));
        Assert.Equal("http://wiki.open311.org/GeoReport_v2", endpoint["specification"]);
        Assert.Equal(["text/xml", "application/json"], Assert.IsType<List<object>>(endpoint["formats"]).Cast<string>());
        Assert.EndsWith("/open311/v2/", (string)endpoint["url"]);
        Assert.Equal("1000", d["max_requests"]);
    }

    [Fact]
    public async Task Services_are_the_active_categories_of_the_jurisdiction_and_no_other()
    {
        var services = (await Api.GetAsync("services", "json", ("jurisdiction_id", "mairie-lorval"))).Items;
        // The demo's "Message téléphonique" category (where the voice server files messages) is an active category too.
        Assert.Equal(["lorval-voirie", "lorval-proprete", "lorval-etat-civil", "lorval-autre", "lorval-message-telephonique"], services.Select(s => (string)s["service_code"]));
        var voirie = services[0];
        Assert.Equal("Voirie : chaussée, trottoir, éclairage", voirie["service_name"]);
        Assert.Equal("realtime", voirie["type"]);
        Assert.Equal("true", voirie["metadata"]);
        Assert.Equal("Service voirie et espaces publics", voirie["group"]);
        Assert.Equal("false", services[3]["metadata"]);   // "Autre question": no questions of its own
        var other = (await Api.GetAsync("services", "json", ("jurisdiction_id", "mairie-saint-aubin"))).Items;
        Assert.DoesNotContain(other, s => ((string)s["service_code"]).StartsWith("lorval", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_service_definition_gives_the_category_own_questions_with_types_order_and_values()
    {
        var d = (await Api.GetAsync("services/lorval-proprete", "xml", ("jurisdiction_id", "mairie-lorval"))).Object;
        Assert.Equal("lorval-proprete", d["service_code"]);
        var attributes = Assert.IsType<List<object>>(d["attributes"]).Cast<Dictionary<string, object>>().ToList();
        // choice, place, photo, date: the place and the photo are lat/long and media_url, not attributes.
        Assert.Equal(["champ1", "champ4"], attributes.Select(a => (string)a["code"]));
        Assert.Equal(["singlevaluelist", "datetime"], attributes.Select(a => (string)a["datatype"]));
        Assert.Equal(["true", "false"], attributes.Select(a => (string)a["required"]));
        Assert.Equal(["1", "2"], attributes.Select(a => (string)a["order"]));
        Assert.Equal("Type", attributes[0]["description"]);
        var values = Assert.IsType<List<object>>(attributes[0]["values"]).Cast<Dictionary<string, object>>().ToList();
        Assert.Equal(["1", "2", "3", "4"], values.Select(v => (string)v["key"]));
        Assert.Equal("Dépôt sauvage", values[0]["name"]);
    }

    [Theory]
    [InlineData("services", "jurisdiction_id", "inconnue", 404)]
    [InlineData("services", "x", "y", 400)]                       // several organisations: jurisdiction_id is required
    [InlineData("services/lorval-inexistant", "jurisdiction_id", "mairie-lorval", 404)]
    [InlineData("services/saint-aubin-voirie", "jurisdiction_id", "mairie-lorval", 404)]
    [InlineData("requests", "jurisdiction_id", "inconnue", 404)]
    [InlineData("requests", "start_date", "hier", 400)]
    [InlineData("requests/0000", "jurisdiction_id", "mairie-lorval", 404)]
    [InlineData("tokens/0000", "jurisdiction_id", "mairie-lorval", 404)]
    public async Task Wrong_reads_answer_the_spec_error_list_with_the_right_status_in_both_formats(string path, string name, string value, int status)
    {
        foreach (var format in new[] { "json", "xml" })
        {
            var q = name == "start_date" ? new[] { ("jurisdiction_id", "mairie-lorval"), (name, value) } : new[] { (name, value) };
            var answer = await Api.GetAsync(path, format, q);
            Assert.Equal((HttpStatusCode)status, answer.Status);
            var (code, description) = Assert.Single(answer.Errors);
            Assert.Equal(status.ToString(CultureInfo.InvariantCulture), code);
            Assert.False(string.IsNullOrWhiteSpace(description));
        }
    }

    [Fact]
    public async Task The_openapi_document_lists_the_Open311_calls()
    {
        var doc = System.Text.Json.JsonDocument.Parse(await app.Client.GetStringAsync("/openapi/v1.json"));
        var paths = doc.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).Where(p => p.StartsWith("/open311/v2/", StringComparison.Ordinal)).ToList();
        foreach (var path in new[] { "discovery.{format}", "services.{format}", "services/{code}.{format}", "requests.{format}", "requests/{id}.{format}", "tokens/{token}.{format}", "servicerequestupdates.{format}" })
            Assert.Contains("/open311/v2/" + path, paths);
    }

    [Fact]
    public async Task An_unknown_extension_is_a_plain_404()
    {
        var response = await app.Client.GetAsync("/open311/v2/services.html?jurisdiction_id=mairie-lorval");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_posted_report_is_a_request_on_the_open311_channel_with_its_answers_acknowledgement_and_client_in_the_history()
    {
        var form = Report();
        form["attribute[champ1][]"] = "";   // empty repeated values are ignored
        var answer = await Api.PostAsync("requests", "xml", form);
        Assert.Equal(HttpStatusCode.Created, answer.Status);
        var created = answer.Single;
        var id = (string)created["service_request_id"];
        Assert.StartsWith("Traitement sous 5 jours ouvrés : réponse attendue au plus tard le lundi 7 décembre 2026", (string)created["service_notice"]);

        var request = await app.WithDbAsync(db => db.CitizenRequests.SingleAsync(r => r.Id == id));
        Assert.Equal(RequestChannel.Open311, request.Channel);
        Assert.Equal("mairie-lorval", request.OrganisationId);
        Assert.Equal("lorval-voirie", request.UnitId);
        Assert.Equal(new DateOnly(2026, 12, 7), request.DueDate);
        Assert.Equal("Martin", request.LastName);
        Assert.Equal(48.0699, request.Latitude);
        Assert.Equal(-0.7728, request.Longitude);
        Assert.Equal("12 rue de la Gare, Lorval", request.LocationAddress);
        Assert.Contains(request.FieldValues, v => v.Label == "Type de problème" && v.Value == "Nid-de-poule");

        var events = await app.WithDbAsync(db => db.Set<RequestEvent>().Where(e => e.RequestId == id).ToListAsync());
        var note = Assert.Single(events, e => e.Kind == RequestEventKind.Note);
        Assert.Contains("« FixMaRue »", note.Text);
        Assert.False(note.Public);
        Assert.DoesNotContain(events, e => e.Text?.Contains(Open311App.LorvalKey, StringComparison.Ordinal) == true);
        Assert.Contains(events, e => e.Kind == RequestEventKind.Acknowledged && e.Text!.Contains("courriel", StringComparison.Ordinal));
        Assert.True(await app.WithDbAsync(db => db.OutboxMessages.AnyAsync(m => m.IdempotencyKey == $"request:{id}:ack")));
    }

    [Fact]
    public async Task Lon_choice_labels_ISO_dates_and_no_surname_are_accepted_and_said_honestly()
    {
        var form = Report(service: "lorval-proprete");
        form.Remove("long");
        form["lon"] = "-0.77";
        form.Remove("last_name");
        form.Remove("email");
        form["attribute[champ1]"] = "Tag ou affichage";
        form["attribute[champ4]"] = "2026-11-29T18:30:00+01:00";
        var id = await PostAsync(form);
        var r = await app.WithDbAsync(db => db.CitizenRequests.SingleAsync(x => x.Id == id));
        Assert.Equal(-0.77, r.Longitude);
        Assert.Equal(PostServiceRequest.NoName, r.LastName);
        Assert.Contains(r.FieldValues, v => v.Label == "Date constatée" && v.Value == "2026-11-29");
        Assert.Contains(r.FieldValues, v => v.Value == "Tag ou affichage");
        // The phone alone: the acknowledgement goes by SMS.
        Assert.Contains(await app.WithDbAsync(db => db.Set<RequestEvent>().Where(e => e.RequestId == id).Select(e => e.Text).ToListAsync()),
            t => t == "Accusé de réception envoyé par SMS.");
    }

    [Fact]
    public async Task A_report_not_pinned_on_the_map_is_accepted_and_flagged_for_triage()
    {
        var form = Report();
        form.Remove("lat");
        form.Remove("long");
        form.Remove("address_string");
        form["address_id"] = "#NOTPINPOINTED#";
        var id = await PostAsync(form);
        var note = await app.WithDbAsync(db => db.Set<RequestEvent>().SingleAsync(e => e.RequestId == id && e.Kind == RequestEventKind.Note));
        Assert.Contains("À trier", note.Text);
    }

    public static TheoryData<string, string?, string?, int, string> BadPosts => new()
    {
        { "api_key", null, null, 400, "api_key" },
        { "api_key", "pas-la-bonne-cle-0123456789abcdef", null, 403, "api_key" },
        { "api_key", "revoked-key-0123456789abcdefgh", null, 403, "api_key" },
        { "api_key", Open311App.SaintAubinKey, "mairie-lorval", 403, "collectivité" },        // a key of another organisation
        { "jurisdiction_id", "mairie-saint-aubin", null, 403, "collectivité" },
        { "attribute[champ1]", null, null, 400, "attribute[champ1]" },                          // required attribute missing
        { "attribute[champ1]", "9", null, 400, "attribute[champ1]" },                           // not one of the values
        { "service_code", "lorval-inexistant", null, 404, "service_code" },
        { "service_code", "saint-aubin-voirie", null, 404, "service_code" },                   // another organisation's category
        { "service_code", null, null, 400, "service_code" },
        { "lat", "quarante-huit", null, 400, "lat" },
        { "lat", "91", null, 400, "lat" },
        { "lat", "NaN", null, 400, "lat" },
        { "lat", "1e400", null, 400, "lat" },
        { "long", null, null, 400, "lat et long" },
        { "email", "pas-une-adresse", null, 400, "email" },
        { "description", new string('x', 5000), null, 400, "description" },
        { "media_url", "file:///etc/passwd", null, 400, "media_url" },
    };

    [Theory]
    [MemberData(nameof(BadPosts))]
    public async Task Bad_posts_are_refused_with_the_spec_error_list_and_file_nothing(string field, string? value, string? jurisdiction, int status, string mentioned)
    {
        var before = await app.WithDbAsync(db => db.CitizenRequests.CountAsync());
        foreach (var format in new[] { "json", "xml" })
        {
            var form = Report();
            if (value is null) form.Remove(field); else form[field] = value;
            if (jurisdiction is not null) form["jurisdiction_id"] = jurisdiction;
            var answer = await Api.PostAsync("requests", format, form);
            Assert.Equal((HttpStatusCode)status, answer.Status);
            Assert.Contains(answer.Errors, e => e.Code == status.ToString(CultureInfo.InvariantCulture) && e.Description.Contains(mentioned, StringComparison.Ordinal));
        }
        Assert.Equal(before, await app.WithDbAsync(db => db.CitizenRequests.CountAsync()));
    }

    [Fact]
    public async Task A_post_without_any_place_or_contact_or_form_body_is_a_400()
    {
        var form = Report();
        foreach (var f in new[] { "lat", "long", "address_string" }) form.Remove(f);
        var noPlace = await Api.PostAsync("requests", "json", form);
        Assert.Equal(HttpStatusCode.BadRequest, noPlace.Status);
        Assert.Contains(noPlace.Errors, e => e.Description.Contains("lieu", StringComparison.Ordinal));

        form = Report();
        form.Remove("email");
        form.Remove("phone");
        Assert.Equal(HttpStatusCode.BadRequest, (await Api.PostAsync("requests", "json", form)).Status);

        var json = await app.Client.PostAsync("/open311/v2/requests.xml", new StringContent("{\"api_key\":\"x\"}", System.Text.Encoding.UTF8, "application/json"));
        var answer = await Open311Client.ReadAsync(json, "xml");
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Single(answer.Errors);
    }

    [Fact]
    public async Task A_request_reads_back_by_id_and_in_lists_without_any_personal_data()
    {
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var posted = TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), paris).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var id = await PostAsync();
        var one = await Api.GetAsync($"requests/{id}", "json", ("jurisdiction_id", "mairie-lorval"));
        var r = one.Single;
        Assert.Equal(id, r["service_request_id"]);
        Assert.Equal("open", r["status"]);
        Assert.Equal("lorval-voirie", r["service_code"]);
        Assert.Equal("Service voirie et espaces publics", r["agency_responsible"]);
        Assert.Equal(posted, r["requested_datetime"]);
        Assert.Equal(r["requested_datetime"], r["updated_datetime"]);
        Assert.Equal("2026-12-07T23:59:59+01:00", r["expected_datetime"]);
        Assert.Equal("Un trou profond devant le numéro 12.", r["description"]);
        Assert.Equal("48.0699", r["lat"]);
        Assert.Equal("-0.7728", r["long"]);
        foreach (var secret in new[] { "Martin", "Camille", "signal@exemple.fr", "+33612345678", "06 12 34 56 78" })
            Assert.DoesNotContain(secret, one.Body, StringComparison.Ordinal);

        var list = await Api.GetAsync("requests", "xml", ("jurisdiction_id", "mairie-lorval"));
        Assert.Contains(list.Items, x => (string)x["service_request_id"] == id);
        Assert.DoesNotContain("signal@exemple.fr", list.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Martin", list.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_private_matter_shows_its_service_state_and_dates_but_not_its_text_nor_the_answer()
    {
        var form = Report(service: "lorval-autre");
        form["description"] = "Ma situation personnelle : divorce en cours.";
        var id = await PostAsync(form);
        var r = (await Api.GetAsync($"requests/{id}", "json", ("jurisdiction_id", "mairie-lorval"))).Single;
        Assert.False(r.ContainsKey("description"));
        Assert.False(r.ContainsKey("lat"));
        Assert.False(r.ContainsKey("address"));
        Assert.Equal("open", r["status"]);
    }

    [Fact]
    public async Task Lists_filter_by_ids_service_status_and_dates()
    {
        var t0 = app.Clock.GetUtcNow();
        var a = await PostAsync();
        app.Clock.Advance(TimeSpan.FromHours(1));
        var b = await PostAsync(Report(service: "lorval-autre"));
        await ReplyAsync(b, "Réponse de la mairie.");
        Task<List<string>> Ids(params (string, string)[] q) => Api.GetAsync("requests", "json", [("jurisdiction_id", "mairie-lorval"), .. q])
            .ContinueWith(t => t.Result.Items.Select(x => (string)x["service_request_id"]).ToList());

        Assert.Equal([a], await Ids(("service_request_id", a)));
        Assert.Equal(new[] { a, b }.Order(), (await Ids(("service_request_id", $"{a},{b}"), ("status", "closed"))).Order());  // ids override filters
        var voirie = await Ids(("service_code", "lorval-voirie"));
        Assert.Contains(a, voirie);
        Assert.DoesNotContain(b, voirie);
        var open = await Ids(("status", "open"));
        Assert.Contains(a, open);
        Assert.DoesNotContain(b, open);
        Assert.Contains(b, await Ids(("status", "closed")));
        var later = await Ids(("start_date", t0.AddMinutes(30).ToOffset(TimeSpan.FromHours(1)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)));
        Assert.Contains(b, later);
        Assert.DoesNotContain(a, later);
        var earlier = await Ids(("end_date", t0.AddMinutes(30).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        Assert.Contains(a, earlier);
        Assert.DoesNotContain(b, earlier);
        Assert.Equal(HttpStatusCode.BadRequest, (await Api.GetAsync("requests", "json", ("jurisdiction_id", "mairie-lorval"), ("status", "fini"))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Api.GetAsync("requests", "xml", ("jurisdiction_id", "mairie-lorval"), ("end_date", "2026-13-45"))).Status);
        // By default, the last 90 days only.
        app.Clock.Advance(TimeSpan.FromDays(91));
        var old = await Ids();
        Assert.DoesNotContain(a, old);
        app.Clock.Advance(-TimeSpan.FromDays(91));
    }

    [Fact]
    public async Task An_answered_report_is_closed_with_the_public_reply_as_status_notes_and_an_update()
    {
        var id = await PostAsync();
        await ReplyAsync(id, "Le trou a été rebouché ce matin.");
        var r = (await Api.GetAsync($"requests/{id}", "xml", ("jurisdiction_id", "mairie-lorval"))).Single;
        Assert.Equal("closed", r["status"]);
        Assert.Equal("Le trou a été rebouché ce matin.", r["status_notes"]);

        var updates = await Api.GetAsync("servicerequestupdates", "json", ("api_key", Open311App.LorvalKey), ("start_date", "2026-11-30T00:00:00+01:00"));
        var mine = updates.Items.Where(u => (string)u["service_request_id"] == id).ToList();
        Assert.Contains(mine, u => (string)u["description"] == "Le trou a été rebouché ce matin." && (string)u["status"] == "FIXED");
        Assert.Equal(mine.Count, mine.Select(u => u["update_id"]).Distinct().Count());
        Assert.Equal(HttpStatusCode.BadRequest, (await Api.GetAsync("servicerequestupdates", "json")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Api.GetAsync("servicerequestupdates", "json", ("api_key", "faux-0123456789abcdefghijkl"))).Status);

        // The citizen writes back from the app: the answered request reopens.
        var posted = await Api.PostAsync("servicerequestupdates", "xml", new Dictionary<string, string>
        {
            ["api_key"] = Open311App.LorvalKey, ["service_request_id"] = id, ["update_id"] = "fms-77", ["status"] = "OPEN",
            ["description"] = "Le trou est revenu après la pluie.", ["updated_datetime"] = "2026-11-30T09:00:00+01:00",
        });
        Assert.Equal(HttpStatusCode.OK, posted.Status);
        Assert.False(string.IsNullOrEmpty((string)posted.Single["update_id"]));
        Assert.Equal(RequestStatus.InProgress, await app.WithDbAsync(db => db.CitizenRequests.Where(x => x.Id == id).Select(x => x.Status).SingleAsync()));
        Assert.Equal("open", (await Api.GetAsync($"requests/{id}", "json", ("jurisdiction_id", "mairie-lorval"))).Single["status"]);
    }

    [Fact]
    public async Task A_token_resolves_to_its_request()
    {
        var id = await PostAsync();
        var t = (await Api.GetAsync($"tokens/{id}", "xml", ("jurisdiction_id", "mairie-lorval"))).Single;
        Assert.Equal(id, t["service_request_id"]);
        Assert.Equal(id, t["token"]);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync($"tokens/{id}", "json", ("jurisdiction_id", "mairie-saint-aubin"))).Status);
    }

    [Theory]
    [InlineData("services")]
    [InlineData("services/lorval-voirie")]
    [InlineData("services/lorval-etat-civil")]
    [InlineData("requests")]
    [InlineData("discovery")]
    public async Task XML_and_JSON_say_exactly_the_same(string path)
    {
        await PostAsync();
        var json = await Api.GetAsync(path, "json", ("jurisdiction_id", "mairie-lorval"));
        var xml = await Api.GetAsync(path, "xml", ("jurisdiction_id", "mairie-lorval"));
        Assert.Equal(HttpStatusCode.OK, json.Status);
        Assert.Equal(Open311Client.Canonical(json.Tree), Open311Client.Canonical(xml.Tree));
    }

    [Fact]
    public async Task One_town_hall_requests_never_appear_under_another_jurisdiction()
    {
        var lorval = await PostAsync();
        var form = Report(key: Open311App.SaintAubinKey, service: "saint-aubin-voirie");
        var aubin = await PostAsync(form);
        Assert.Equal("mairie-saint-aubin", await app.WithDbAsync(db => db.CitizenRequests.Where(r => r.Id == aubin).Select(r => r.OrganisationId).SingleAsync()));

        var lorvalList = await Api.GetAsync("requests", "json", ("jurisdiction_id", "mairie-lorval"));
        Assert.DoesNotContain(lorvalList.Items, r => (string)r["service_request_id"] == aubin);
        Assert.DoesNotContain(lorvalList.Items, r => ((string)r["service_code"]).StartsWith("saint-aubin", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync($"requests/{aubin}", "json", ("jurisdiction_id", "mairie-lorval"))).Status);
        Assert.Empty((await Api.GetAsync("requests", "json", ("jurisdiction_id", "mairie-lorval"), ("service_request_id", aubin))).Items);
        Assert.DoesNotContain((await Api.GetAsync("requests", "json", ("jurisdiction_id", "mairie-saint-aubin"))).Items, r => (string)r["service_request_id"] == lorval);
        // Nor do updates: a Lorval key reads Lorval's updates only, and cannot comment on Saint-Aubin's requests.
        var comment = await Api.PostAsync("servicerequestupdates", "json", new Dictionary<string, string>
            { ["api_key"] = Open311App.LorvalKey, ["service_request_id"] = aubin, ["description"] = "Bonjour" });
        Assert.Equal(HttpStatusCode.NotFound, comment.Status);
    }

    [Fact]
    public async Task A_photo_given_by_url_is_fetched_later_checked_and_kept_with_the_request()
    {
        await using var server = await FakeHttpServer.StartAsync(r => r.Path switch
        {
            "/photo.pdf" => (200, "%PDF-1.4 une photo scannée"),
            _ => (200, "<html>pas une image</html>"),
        });
        var form = Report();
        form["media_url"] = server.BaseUrl + "/photo.pdf";
        var good = await PostAsync(form);
        form["media_url"] = server.BaseUrl + "/page.html";
        var bad = await PostAsync(form);

        var fetcher = app.Services.GetRequiredService<Open311MediaFetcher>();
        Assert.True(await fetcher.RunOnceAsync(CancellationToken.None) >= 2);
        var files = await app.WithDbAsync(db => db.Set<RequestAttachment>().Where(a => a.RequestId == good || a.RequestId == bad).ToListAsync());
        var file = Assert.Single(files);
        Assert.Equal(good, file.RequestId);
        Assert.Equal("application/pdf", file.ContentType);
        var states = await app.WithDbAsync(db => db.Set<Open311MediaFetch>().Where(m => m.RequestId == good || m.RequestId == bad).ToDictionaryAsync(m => m.RequestId, m => m.State));
        Assert.Equal(MediaFetchState.Stored, states[good]);
        Assert.Equal(MediaFetchState.Failed, states[bad]);
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("93.184.216.34", true)]
    [InlineData("2a01:cb00::1", true)]
    public void Photos_are_never_fetched_from_inside_the_network(string address, bool allowed) =>
        Assert.Equal(allowed, Open311Media.IsPublic(IPAddress.Parse(address)));

    private async Task ReplyAsync(string id, string text)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuichetDb>();
        var agent = await db.Agents.AsNoTracking().FirstAsync(a => a.Email == "admin@lorval.demo");
        var result = await scope.ServiceProvider.GetRequiredService<HandleRequest>().ReplyAsync(agent, id, text, CancellationToken.None);
        Assert.IsType<HandleResult.Done>(result);
    }
}

public sealed class Open311RateLimitTests(Open311LimitedApp app) : IClassFixture<Open311LimitedApp>
{
    [Fact]
    public async Task Each_key_has_its_own_write_budget_and_a_429_says_when_to_retry()
    {
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.Created, (await app.Open311.PostAsync("requests", "json", Open311Tests.Report())).Status);
        var limited = await app.Open311.PostAsync("requests", "xml", Open311Tests.Report());
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal("429", Assert.Single(limited.Errors).Code);
        Assert.NotNull(limited.Response.Headers.RetryAfter);
        // The other town hall's key is untouched.
        Assert.Equal(HttpStatusCode.Created, (await app.Open311.PostAsync("requests", "json",
            Open311Tests.Report(key: Open311App.SaintAubinKey, service: "saint-aubin-voirie"))).Status);
    }
}
