using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Guichet.Domain.IdentityDocuments;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Features.Requests;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Guichet.Web.Tests.Isolation;

/// <summary>
/// Organisation isolation, route by route: every agent, administrator and API route of the running app is requested by
/// agents of other organisations with Lorval's ids in every place an id goes; none of them answers with Lorval's data
/// or changes Lorval's rows. The routes come from the app's endpoint data source, so a new page is walked (or the
/// coverage test names it) without anyone remembering to add it here.
/// </summary>
public abstract class IsolationWalk(RequestsApp app)
{
    protected RequestsApp App => app;

    protected const string LorvalSite = "lorval-hotel-de-ville";

    /// <summary>The identities that must get nothing of Lorval: another town hall's agent and administrator, a prefecture's supervisor, and Lorval's own partner (outside what it booked).</summary>
    protected static readonly string[] Outsiders = ["accueil@saint-aubin.demo", "admin@saint-aubin.demo", "prefecture@lorne.demo", "mairie@vernay.demo"];

    /// <summary>Every route, every handler, as each of <paramref name="emails"/>: the failures found, and the number of requests made.</summary>
    protected async Task<(List<string> Failures, int Requests)> WalkAsync(IEnumerable<string> emails, IReadOnlyList<AppRoute> routes, Lorval lorval, Dictionary<int, int> statuses)
    {
        var failures = new List<string>();
        var requests = 0;
        foreach (var email in emails)
        {
            using var browser = new Browser(app);
            Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).Status);
            var token = await AnyTokenAsync(browser);
            foreach (var route in routes)
            {
                if (route.RouteParameters.Any(p => Fill(route, p, lorval) is null)) continue;   // the coverage test names it
                var path = "/" + string.Join('/', route.Template.Split('/').Select(segment => FillSegment(route, segment, lorval)));
                var strict = route.RouteParameters.Any(p => Fill(route, p, lorval) is { Record: true });
                var cases = new List<(string Method, string Url, List<KeyValuePair<string, string>> Fields)>();
                if (route.RouteParameters.Count == 0) cases.Add(("GET", path, []));   // the list as the outsider sees it
                foreach (var h in route.Handlers)
                {
                    var fields = h.Fields.Select(f => (Name: f, Fill: Fill(route, f, lorval) ?? Plain(route, f)))
                        .Where(f => f.Fill is not null && !route.RouteParameters.Contains(f.Name, StringComparer.OrdinalIgnoreCase))
                        .Select(f => new KeyValuePair<string, string>(f.Name, f.Fill!.Value.Value)).ToList();
                    var url = path + (h.Name is null ? "" : $"?handler={h.Name}");
                    if (h.Method == "GET")
                        cases.Add(("GET", Join(url, fields), []));
                    else
                        cases.Add((h.Method, url, [.. fields, new("__RequestVerificationToken", token)]));
                }
                foreach (var (method, url, fields) in cases)
                {
                    var answer = method == "GET" ? await browser.GetAsync(url) : await browser.PostAsync(url, fields);
                    requests++;
                    var status = (int)answer.Status;
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                    var sent = url + " " + string.Join(' ', fields.Select(f => f.Value));
                    var leaked = lorval.Markers.Where(m => !sent.Contains(m, StringComparison.OrdinalIgnoreCase) && answer.Html.Contains(m, StringComparison.OrdinalIgnoreCase)).ToList();
                    var where = $"{email} {method} {url} {string.Join('&', fields.Where(f => f.Key != "__RequestVerificationToken").Select(f => $"{f.Key}={f.Value}"))}";
                    if (status >= 500) failures.Add($"{where} → {status}");
                    else if (strict && status is not (404 or 403 or 401) && status is < 300 or >= 400)
                        failures.Add($"{where} → {status} (the route names a record of Lorval: expected 404/403 or a redirect)");
                    if (leaked.Count > 0) failures.Add($"{where} → {status} shows Lorval's {string.Join(", ", leaked)}");
                    if (method != "GET" && status == 400 && answer.Title.StartsWith("Requête incorrecte", StringComparison.Ordinal)) failures.Add($"{where} → 400 (anti-forgery refused? the handler was not reached)");
                }
            }
        }

        return (failures, requests);
    }

    // ---- fillers: where each reference of a route gets Lorval's value ----

    /// <summary>Lorval's value for a reference, or null when the walk has none. Record: it names one of Lorval's rows (a global key such as a template slug does not).</summary>
    protected static (string Value, bool Record)? Fill(AppRoute route, string name, Lorval a)
    {
        var t = route.Template;
        var n = name.ToLowerInvariant();
        if (route.Audience == RouteAudience.Api)
            return n switch
            {
                "code" => (a.AppointmentCode, true),
                // The walk sends the token of another organisation's appointment; the public catalogue names sites openly.
                "token" => ("", false),
                "site" => (LorvalSite, false),
                _ => null,
            };
        if (n == "id")
        {
            if (t == "agent" || t.StartsWith("agent/rendez-vous/", StringComparison.Ordinal)) return (a.AppointmentId, true);
            if (t.StartsWith("agent/demandes/", StringComparison.Ordinal)) return (a.RequestId, true);
            if (t.StartsWith("admin/fermetures/", StringComparison.Ordinal)) return (a.ClosureId, true);
            // A prompt of the national catalogue (VoicePromptCatalog): each organisation records its own over it.
            if (t.StartsWith("admin/voix/annonces/", StringComparison.Ordinal)) return ("not-understood", false);
            return null;
        }
        if (n == "email" && t == "admin/demandes/donnees") return (a.RequestEmail, true);
        return n switch
        {
            "appointmentid" => (a.AppointmentId, true),
            "attachmentid" => (a.AttachmentId, true),
            "site" or "siteid" or "importsiteid" => (LorvalSite, true),
            "stationid" or "importstationid" or "owner" => ("lorval-dr1", true),
            "ruleid" => (a.OpeningRuleId, true),
            "categorie" or "categoryid" or "emailcategoryid" or "smscategoryid" or "voicecategoryid" or "splitcategoryid" => (a.CategoryId, true),
            "service" or "unitid" => (a.UnitId, true),
            "cannedid" or "answerid" => (a.CannedAnswerId, true),
            "targetcode" => (a.RequestCode, true),
            "agentid" => ("agent-accueil-lorval-demo", true),
            // Keys shared by every organisation: each one edits its own copy, so the walk checks only that Lorval's never shows.
            "rule" => (NationalRules.Default.Rules[0].Id, false),
            "slug" => (TemplateCatalog.All[0].Slug, false),
            "motif" => ("CNI", false),
            _ => null,
        };
    }

    /// <summary>Plain values a handler needs to reach its look-up (not references).</summary>
    protected static (string Value, bool Record)? Plain(AppRoute route, string name) => (route.Template, name.ToLowerInvariant()) switch
    {
        ("agent/agendas", "kind") => ("Station", false),
        ("admin/demandes/donnees", "confirm") => ("true", false),
        ("admin/demandes/donnees", "reason") => ("Demande d'effacement", false),
        (_, "date") => ("2026-12-09", false),
        _ => null,
    };

    protected static string FillSegment(AppRoute route, string segment, Lorval a)
    {
        // Segments such as "{id}", "{code:long}", "{token}.ics" or "{id}.{format}".
        return System.Text.RegularExpressions.Regex.Replace(segment, @"\{([^}:?=]+)[^}]*\}", m =>
        {
            var name = m.Groups[1].Value;
            return name == "format" ? "json" : Uri.EscapeDataString(Fill(route, name, a)?.Value ?? "x");
        });
    }

    protected static string Join(string url, List<KeyValuePair<string, string>> fields) =>
        fields.Count == 0 ? url : url + (url.Contains('?') ? "&" : "?") + string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));

    protected static async Task<string> AnyTokenAsync(Browser browser)
    {
        foreach (var url in new[] { "/agent", "/agent/reserver", "/admin/agents", "/agent/agendas", "/agent/demandes/nouvelle" })
        {
            var page = await browser.GetAsync(url);
            if (page.Document.QuerySelector("input[name=__RequestVerificationToken]") is AngleSharp.Html.Dom.IHtmlInputElement input) return input.Value;
        }
        throw new Xunit.Sdk.XunitException("No page of this agent carries an anti-forgery token.");
    }

    // ---- Lorval's records, made through the front door ----

    protected sealed record Lorval(string AppointmentId, string AppointmentCode, string AppointmentLastName, string RequestId, string RequestCode, string RequestText,
        string RequestEmail, string AttachmentId, string ClosureId, string ClosureReason, string OpeningRuleId, string CategoryId, string UnitId, string CannedAnswerId,
        IReadOnlyList<string> Markers)
    {
        public static readonly Lorval Placeholder = new("a", "1", "n", "r", "c", "t", "e", "f", "x", "z", "o", "g", "u", "k", []);
    }

    protected sealed record Booked(string Id, string Code, string Token);

    protected async Task<Booked> BookAsync(string site, string? day, string firstName, string lastName, string? email, string? phone)
    {
        var slot = (await app.SlotsAsync(site: site, from: day, to: day)).First();
        var answer = await app.BookAsync(new
        {
            site = slot.Site, reason = "CNI", start = slot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz"), persons = 1,
            firstName, lastName, email, phone, preRequestNumbers = (string[]?)null,
        });
        Assert.True(answer.StatusCode == HttpStatusCode.Created, $"{answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        var created = (await answer.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;
        return new Booked(created.Id, created.Code, created.Token);
    }

    protected async Task<Lorval> LorvalRecordsAsync()
    {
        var appointment = await BookAsync(LorvalSite, "2026-12-09", "Ombeline", "Quaglione", "ombeline.quaglione@exemple.fr", "06 11 22 33 44");

        using var citizen = new Browser(app);
        const string text = "Lampadaire clignotant devant la maison Vasseurisolat";
        var values = RequestsApp.Voirie(lastName: "Vasseurisolat", email: "berenice.vasseurisolat@exemple.fr", phone: "06 55 44 33 22");
        values["text"] = text;
        values["firstName"] = "Berenice";
        var sent = await RequestsApp.SendAsync(citizen, "lorval-voirie", values, ("photo-vasseurisolat.png", "image/png", RequestsApp.Png));
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        var request = await app.RequestAsync(RequestsApp.CodeOn(sent));
        var attachment = await app.WithDbAsync(db => db.Set<RequestAttachment>().AsNoTracking().Where(x => x.RequestId == request.Id).Select(x => x.Id).SingleAsync());

        using var admin = new Browser(app);
        await admin.SignInAsync("admin@lorval.demo");
        const string reason = "Fermeture confidentielle Lorvalienne";
        var closures = await admin.GetAsync("/admin/fermetures");
        var saved = await admin.SubmitAsync(closures, "form#ajouter-fermeture", new Dictionary<string, string?>
        {
            ["siteId"] = LorvalSite, ["stationId"] = "", ["kind"] = "Closure", ["startDate"] = "2026-12-23", ["endDate"] = "2026-12-23",
            ["startTime"] = "", ["endTime"] = "", ["reason"] = reason, ["agentId"] = "",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        var closure = saved.Location!.Split('/').Last();

        var rule = await app.WithDbAsync(db => db.OpeningRules.AsNoTracking().Where(r => r.OrganisationId == "mairie-lorval").Select(r => r.Id).FirstAsync());
        var canned = await app.WithDbAsync(db => db.Set<CannedAnswer>().AsNoTracking().Where(c => c.OrganisationId == "mairie-lorval").Select(c => c.Id).FirstAsync());
        string[] markers =
        [
            "Ombeline", "Quaglione", "ombeline.quaglione@exemple.fr", "06 11 22 33 44", "0611223344", "+33611223344", "+33 6 11 22 33 44", appointment.Code,
            "Vasseurisolat", "berenice.vasseurisolat@exemple.fr", "06 55 44 33 22", "0655443322", "+33655443322", text, request.TrackingCode, "photo-vasseurisolat.png",
            reason, "Camille Morvan", "Yannick Le Bihan", "Nadia Benali",
        ];
        return new Lorval(appointment.Id, appointment.Code, "Quaglione", request.Id, request.TrackingCode, text, "berenice.vasseurisolat@exemple.fr", attachment,
            closure, reason, rule, request.CategoryId, request.UnitId, canned, markers);
    }

    /// <summary>Every row of every table that carries an OrganisationId, for one organisation, as JSON per table (the outbox aside: it is the sender's work queue).</summary>
    protected async Task<Dictionary<string, string>> SnapshotAsync(string organisation) =>
        (await RowsAsync(o => o == organisation)).GroupBy(r => r.Table).ToDictionary(g => g.Key, g => string.Join("\n", g.Select(r => r.Json)));

    /// <summary>Every row of every table with an OrganisationId whose organisation matches, as (table, JSON) pairs (the outbox aside: it is the sender's work queue).</summary>
    protected Task<HashSet<(string Table, string Json)>> RowsAsync(Func<string?, bool> organisation) => app.WithDbAsync(async db =>
    {
        var rows = new HashSet<(string Table, string Json)>();
        var options = new JsonSerializerOptions { ReferenceHandler = ReferenceHandler.IgnoreCycles };
        foreach (var type in db.Model.GetEntityTypes().Where(t => t.FindProperty("OrganisationId") is not null && !t.ClrType.Name.Contains("Outbox")))
        {
            var set = (IQueryable<object>)typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!.MakeGenericMethod(type.ClrType).Invoke(db, null)!;
            var property = type.FindProperty("OrganisationId")!.PropertyInfo!;
            foreach (var row in (await set.AsNoTracking().ToListAsync()).Where(r => organisation(property.GetValue(r) as string)))
                rows.Add((type.ClrType.Name, JsonSerializer.Serialize(row, type.ClrType, options)));
        }
        return rows;
    });
}

/// <summary>The walk as outsiders: the coverage of the routes, the walk itself, and the partnership.</summary>
public sealed class IsolationWalkTests(RequestsApp fixture, ITestOutputHelper output) : IsolationWalk(fixture), IClassFixture<RequestsApp>
{
    [Fact]
    public async Task Every_agent_administrator_and_api_route_with_a_reference_is_covered_by_the_isolation_walk()
    {
        var routes = await AppRoutes.ReadAsync(App.Services);
        var lorval = Lorval.Placeholder;
        var uncovered = new List<string>();
        foreach (var route in routes.Where(r => r.Audience != RouteAudience.Public))
        {
            foreach (var p in route.RouteParameters.Where(p => Fill(route, p, lorval) is null))
                uncovered.Add($"{route} : paramètre de route « {p} »");
            foreach (var h in route.Handlers)
            foreach (var f in h.Fields.Where(f => AppRoutes.IsReference(f) && Fill(route, f, lorval) is null && !route.RouteParameters.Contains(f, StringComparer.OrdinalIgnoreCase)))
                uncovered.Add($"{route} [{h.Method}{(h.Name is null ? "" : " handler=" + h.Name)}] : champ « {f} »");
        }
        output.WriteLine($"{routes.Count} routes, {routes.Count(r => r.Audience != RouteAudience.Public)} agent/admin/API routes.");
        Assert.True(uncovered.Count == 0,
            "These routes name a record the isolation walk does not know how to fill with another organisation's ids; "
            + "add a filler in IsolationWalkTests.Fill:\n" + string.Join("\n", uncovered.Distinct()));
    }

    [Fact]
    public async Task No_agent_of_another_organisation_gets_or_changes_anything_of_lorval_on_any_route()
    {
        var lorval = await LorvalRecordsAsync();
        var before = await SnapshotAsync("mairie-lorval");
        var othersBefore = await RowsAsync(o => o != "mairie-lorval");
        var routes = (await AppRoutes.ReadAsync(App.Services)).Where(r => r.Audience is RouteAudience.Agent or RouteAudience.Admin).ToList();
        var statuses = new Dictionary<int, int>();
        var (failures, requests) = await WalkAsync(Outsiders, routes, lorval, statuses);

        // The public API's routes with a code: Lorval's code with another organisation's valid token.
        var saintAubin = await BookAsync("saint-aubin-mairie", null, "Axel", "Tiersvoisin", "axel.tiersvoisin@exemple.fr", null);
        foreach (var route in (await AppRoutes.ReadAsync(App.Services)).Where(r => r.Audience == RouteAudience.Api && r.RouteParameters.Count > 0))
        foreach (var h in route.Handlers)
        {
            var path = "/" + string.Join('/', route.Template.Split('/').Select(segment => FillSegment(route, segment, lorval)));
            var url = $"{path}?token={Uri.EscapeDataString(saintAubin.Token)}";
            var answer = h.Method == "GET" ? await App.Client.GetAsync(url)
                : await App.Client.PostAsJsonAsync(url, new { start = "2026-12-11T09:00:00+01:00" });
            requests++;
            var status = (int)answer.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var body = await answer.Content.ReadAsStringAsync();
            if (status is not (404 or 403 or 401)) failures.Add($"anonymous {h.Method} {url} → {status} (expected 404)");
            var leaked = lorval.Markers.Where(m => !url.Contains(m, StringComparison.OrdinalIgnoreCase) && body.Contains(m, StringComparison.OrdinalIgnoreCase)).ToList();
            if (leaked.Count > 0) failures.Add($"anonymous {h.Method} {url} shows Lorval's {string.Join(", ", leaked)}");
        }

        var after = await SnapshotAsync("mairie-lorval");
        var changed = before.Keys.Union(after.Keys).Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k)).ToList();
        foreach (var table in changed) failures.Add($"Lorval's rows of {table} changed during the walk.");
        // Nor may an outsider's new rows point at Lorval's records (a closure of Lorval's site, a feed of Lorval's station…).
        string[] lorvalIds = [lorval.AppointmentId, lorval.RequestId, lorval.AttachmentId, lorval.ClosureId, lorval.OpeningRuleId, lorval.CategoryId, lorval.UnitId,
            lorval.CannedAnswerId, LorvalSite, "lorval-dr1", "agent-accueil-lorval-demo"];
        foreach (var (table, json) in (await RowsAsync(o => o != "mairie-lorval")).Except(othersBefore))
            if (lorvalIds.FirstOrDefault(id => json.Contains($"\"{id}\"", StringComparison.Ordinal)) is { } id)
                failures.Add($"A new row of {table} of another organisation points at Lorval's {id}: {json}");

        output.WriteLine($"Isolation walk: {routes.Count} agent/admin routes, {Outsiders.Length} outsiders, {requests} requests; statuses "
            + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // The walk proves something only if Lorval's own agents do see these records.
        using var host = new Browser(App);
        await host.SignInAsync("admin@lorval.demo");
        Assert.Contains(lorval.AppointmentLastName, (await host.GetAsync($"/agent/rendez-vous/{lorval.AppointmentId}")).Text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(lorval.RequestText, (await host.GetAsync($"/agent/demandes/{lorval.RequestId}")).Text);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync($"/agent/demandes/{lorval.RequestId}/pieces/{lorval.AttachmentId}")).Status);
        Assert.Contains(lorval.ClosureReason, (await host.GetAsync($"/admin/fermetures/{lorval.ClosureId}")).Text);
    }

    [Fact]
    public async Task A_partner_sees_what_it_booked_at_its_host_and_nothing_else()
    {
        var web = await BookAsync(LorvalSite, "2026-12-15", "Ombeline", "Quaglione", "ombeline.quaglione@exemple.fr", "06 11 22 33 44");
        using var partner = new Browser(App);
        await partner.SignInAsync("mairie@vernay.demo");
        var list = await partner.GetAsync($"/agent/reserver?site={LorvalSite}&reason=CNI&persons=1&date=2026-12-15");
        var form = await partner.GetAsync(list.Links("ul.slots a").First().GetAttribute("href")!);
        var sent = await partner.SubmitAsync(form, values: new Dictionary<string, string?> { ["firstName"] = "Hugolin", ["lastName"] = "Partenarial", ["phone"] = "07 12 34 56 78" });
        Assert.Equal(HttpStatusCode.Redirect, sent.Status);
        var own = sent.Location!.Split('/').Last();

        // What it booked: the appointment, its convocation, its calendar entry and its line on the day sheet.
        Assert.Contains("Partenarial", (await partner.GetAsync($"/agent/rendez-vous/{own}")).Text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await partner.GetAsync($"/agent/rendez-vous/{own}/convocation.pdf")).Status);
        Assert.Equal(HttpStatusCode.OK, (await partner.GetAsync($"/agent/rendez-vous/{own}/rendez-vous.ics")).Status);
        var sheet = await partner.GetAsync($"/agent/journee/imprimer?site={LorvalSite}&date=2026-12-15");
        Assert.Equal(HttpStatusCode.OK, sheet.Status);
        Assert.Contains("Partenarial", sheet.Text, StringComparison.OrdinalIgnoreCase);
        // Nothing else: the web booking of the same day, in any of the partner's views.
        Assert.DoesNotContain("Quaglione", sheet.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Quaglione", (await partner.GetAsync($"/agent/semaine?site={LorvalSite}&week=2026-12-14")).Html, StringComparison.OrdinalIgnoreCase);
        foreach (var url in new[] { $"/agent/rendez-vous/{web.Id}", $"/agent/rendez-vous/{web.Id}/convocation.pdf", $"/agent/rendez-vous/{web.Id}/rendez-vous.ics",
                     $"/agent/rendez-vous/{web.Id}/deplacer", $"/agent/rendez-vous/{web.Id}/depot" })
        {
            var answer = await partner.GetAsync(url);
            Assert.True(answer.Status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"{url}: {answer.Status}");
            Assert.DoesNotContain("Quaglione", answer.Html, StringComparison.OrdinalIgnoreCase);
        }
        // What the partner booked belongs to the host: another town hall sees it no more than the partner sees the host's.
        using var other = new Browser(App);
        await other.SignInAsync("accueil@saint-aubin.demo");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/agent/rendez-vous/{own}")).Status);
        using var host = new Browser(App);
        await host.SignInAsync("accueil@lorval.demo");
        Assert.Contains("Partenarial", (await host.GetAsync($"/agent/rendez-vous/{own}")).Text, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>The control, on its own App since the owner's walk does change Lorval's records.</summary>
public sealed class IsolationWalkControlTests(RequestsApp fixture) : IsolationWalk(fixture), IClassFixture<RequestsApp>
{
    [Fact]
    public async Task The_walk_does_find_lorval_s_records_when_lorval_s_own_administrator_walks_it()
    {
        // The control: the same walk, run by the owner, must trip on every kind of record, or the markers prove nothing.
        var lorval = await LorvalRecordsAsync();
        var routes = (await AppRoutes.ReadAsync(App.Services)).Where(r => r.Audience is RouteAudience.Agent or RouteAudience.Admin).ToList();
        var (failures, _) = await WalkAsync(["admin@lorval.demo"], routes, lorval, []);
        foreach (var route in new[] { "/agent/rendez-vous/{0}", "/agent/rendez-vous/{0}/convocation.pdf", "/agent/demandes/{1}", "/agent/demandes/{1}/pieces/{2}",
                     "/agent/demandes/{1}/historique.csv", "/admin/fermetures/{3}" })
        {
            var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, route, lorval.AppointmentId, lorval.RequestId, lorval.AttachmentId, lorval.ClosureId);
            Assert.Contains(failures, f => f.Contains($"GET {url} ", StringComparison.Ordinal));
        }
        Assert.True(failures.Any(f => f.StartsWith("admin@lorval.demo GET /agent/demandes ", StringComparison.Ordinal) && f.Contains("shows Lorval", StringComparison.Ordinal)), string.Join("\n", failures.Where(f => f.Contains("/agent/demandes", StringComparison.Ordinal))));
        Assert.Contains(failures, f => f.Contains("/agent?site=", StringComparison.Ordinal) && f.Contains("Quaglione", StringComparison.Ordinal));
    }
}
