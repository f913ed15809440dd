using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Guichet.Web.Data;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>The agents' agenda: outcomes at the counter, week view, printable day sheet, calendar feeds.</summary>
public sealed class AgendaTests(GuichetApp app) : IClassFixture<GuichetApp>
{
    private const string Lorval = "lorval-hotel-de-ville";

    [Fact]
    public async Task At_the_counter_an_agent_marks_an_arrival_once_the_appointment_has_started_and_can_take_it_back()
    {
        var created = await BookAsync(Lorval, "2026-12-01", "Arrivée");
        using var agent = await SignedInAsync("accueil@lorval.demo");
        const string day = "/agent?site=lorval-hotel-de-ville&date=2026-12-01";

        // Before the start: cancel only, no outcome buttons.
        var before = await agent.GetAsync(day);
        Assert.Equal(["Annuler"], Buttons(before, created.Code));

        app.Clock.Set(created.Start.AddMinutes(5));
        try
        {
            using var later = await SignedInAsync("accueil@lorval.demo");   // the sign-in cookie follows the clock
            var started = await later.GetAsync(day);
            Assert.Equal(["Arrivé", "Absent", "Excusé"], Buttons(started, created.Code));

            var marked = await later.SubmitAsync(started, MarkForm(started, created.Code, "honoured"));
            Assert.Equal(HttpStatusCode.OK, marked.Status);
            Assert.Contains("ARRIVÉE Camille : « Venu » est noté.", marked.Text);
            Assert.Equal("Venu", Cell(marked, created.Code, 6));
            Assert.Equal(["Absent", "Excusé", "Effacer le pointage"], Buttons(marked, created.Code));
            var stored = await app.WithDbAsync(db => db.Appointments.AsNoTracking().SingleAsync(a => a.Id == created.Id));
            Assert.Equal((AppointmentStatus.Honoured, "agent-accueil-lorval-demo", app.Clock.GetUtcNow().UtcDateTime),
                (stored.Status, stored.OutcomeBy, stored.OutcomeUtc));
            // The public API says so too, and the slot stays held.
            var api = await app.Client.GetFromJsonAsync<Dictionary<string, object>>($"/api/v1/appointments/{created.Code}?token={Uri.EscapeDataString(created.Token)}", GuichetApp.Json);
            Assert.Equal("honoured", api!["status"].ToString());
            Assert.True(await app.WithDbAsync(db => db.SlotClaims.AnyAsync(c => c.AppointmentId == created.Id)));

            var excused = await later.SubmitAsync(marked, MarkForm(marked, created.Code, "excused"));
            Assert.Equal("Absence excusée", Cell(excused, created.Code, 6));
            var undone = await later.SubmitAsync(excused, MarkForm(excused, created.Code, "booked"));
            Assert.Equal("Réservé", Cell(undone, created.Code, 6));
            stored = await app.WithDbAsync(db => db.Appointments.AsNoTracking().SingleAsync(a => a.Id == created.Id));
            Assert.Equal((AppointmentStatus.Booked, null, null), (stored.Status, stored.OutcomeBy, stored.OutcomeUtc));

            var noShow = await later.SubmitAsync(undone, MarkForm(undone, created.Code, "no-show"));
            Assert.Equal("Absent", Cell(noShow, created.Code, 6));
            Assert.Contains("no-show", noShow.Document.QuerySelectorAll("table.agenda tbody tr").Single(r => r.TextContent.Contains(created.Code)).ClassName);
        }
        finally { app.Clock.Set(GuichetApp.Start); }
    }

    [Fact]
    public async Task Outcomes_before_the_start_unknown_outcomes_and_other_organisations_are_refused_and_change_nothing()
    {
        var created = await BookAsync(Lorval, "2026-12-02", "Refus");
        using var agent = await SignedInAsync("accueil@lorval.demo");
        var page = await agent.GetAsync("/agent?site=lorval-hotel-de-ville&date=2026-12-02");
        var token = page.Form("form[action*='handler=Cancel']").QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;
        Task<WebPage> Mark(Browser b, string outcome, string t) => b.PostAsync("/agent?handler=Mark", new Dictionary<string, string>
        {
            ["id"] = created.Id, ["outcome"] = outcome, ["site"] = Lorval, ["date"] = "2026-12-02", ["__RequestVerificationToken"] = t,
        });

        // Not started yet: a typed-in POST is refused with the reason.
        var early = await Mark(agent, "honoured", token);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, early.Status);
        Assert.Contains("n'a pas encore commencé", early.Text);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Mark(agent, "cancelled", token)).Status);

        // Another organisation's agent: 404, whatever the time.
        app.Clock.Set(created.Start.AddMinutes(1));
        try
        {
            using var other = await SignedInAsync("accueil@saint-aubin.demo");
            var otherToken = await other.AntiforgeryTokenAsync("/agent");
            Assert.Equal(HttpStatusCode.NotFound, (await Mark(other, "no-show", otherToken)).Status);

            // Started and cancelled-by-the-town-hall transitions through the API: too late to cancel once started.
            var cancel = await app.Client.PostAsync($"/api/v1/appointments/{created.Code}/cancel?token={Uri.EscapeDataString(created.Token)}", null);
            Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
        }
        finally { app.Clock.Set(GuichetApp.Start); }
        var stored = await app.WithDbAsync(db => db.Appointments.AsNoTracking().SingleAsync(a => a.Id == created.Id));
        Assert.Equal((AppointmentStatus.Booked, null), (stored.Status, stored.OutcomeBy));
    }

    [Fact]
    public async Task A_cancelled_appointment_reads_who_cancelled_it_and_takes_no_outcome()
    {
        var byCitizen = await BookAsync(Lorval, "2026-12-04", "Usager");
        var byTownHall = await BookAsync(Lorval, "2026-12-04", "Mairie", skip: 1);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.PostAsync($"/api/v1/appointments/{byCitizen.Code}/cancel?token={Uri.EscapeDataString(byCitizen.Token)}", null)).StatusCode);
        using var agent = await SignedInAsync("accueil@lorval.demo");
        var page = await agent.GetAsync("/agent?site=lorval-hotel-de-ville&date=2026-12-04");
        await agent.SubmitAsync(page, page.Document.QuerySelectorAll("table.agenda tbody tr").Single(r => r.TextContent.Contains(byTownHall.Code))
            .QuerySelector<IHtmlFormElement>("form")!);

        app.Clock.Set(byTownHall.Start.AddHours(1));
        try
        {
            using var later = await SignedInAsync("accueil@lorval.demo");
            var after = await later.GetAsync("/agent?site=lorval-hotel-de-ville&date=2026-12-04");
            Assert.Equal("Annulé par l'usager", Cell(after, byCitizen.Code, 6));
            Assert.Equal("Annulé par la mairie", Cell(after, byTownHall.Code, 6));
            Assert.Empty(Buttons(after, byCitizen.Code));
            Assert.Empty(Buttons(after, byTownHall.Code));
        }
        finally { app.Clock.Set(GuichetApp.Start); }
    }

    [Fact]
    public async Task The_week_view_shows_each_day_station_by_station_for_the_organisation_only()
    {
        var monday = await BookAsync(Lorval, "2026-12-14", "Lundi");
        var wednesday = await BookAsync(Lorval, "2026-12-16", "Mercredi");
        var nextWeek = await BookAsync(Lorval, "2026-12-21", "Suivante");
        using var agent = await SignedInAsync("accueil@lorval.demo");

        var week = await agent.GetAsync("/agent/semaine?site=lorval-hotel-de-ville&week=2026-12-17");
        Assert.Equal(HttpStatusCode.OK, week.Status);
        Assert.Contains("Du lundi 14 décembre 2026 au dimanche 20 décembre 2026 — 2 rendez-vous", week.Text);
        var days = week.Document.QuerySelectorAll(".week section").ToList();
        Assert.Equal(7, days.Count);
        Assert.Contains("lundi 14 décembre 2026", days[0].QuerySelector("h3")!.TextContent);
        Assert.Contains("LUNDI Camille", days[0].TextContent);
        Assert.Contains("MERCREDI Camille", days[2].TextContent);
        Assert.Contains("Poste", days[2].QuerySelector("h4")!.TextContent);
        Assert.Contains("Aucun rendez-vous.", days[1].TextContent);
        Assert.DoesNotContain("SUIVANTE", week.Text);
        Assert.Contains("SUIVANTE Camille", (await agent.GetAsync("/agent/semaine?site=lorval-hotel-de-ville&week=2026-12-21")).Text);
        Assert.Contains("Cette date n'est pas valide", (await agent.GetAsync("/agent/semaine?site=lorval-hotel-de-ville&week=demain")).Text);

        using var other = await SignedInAsync("accueil@saint-aubin.demo");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/agent/semaine?site=lorval-hotel-de-ville&week=2026-12-14")).Status);
        var own = await other.GetAsync("/agent/semaine?week=2026-12-14");
        Assert.DoesNotContain(monday.Code, own.Html);
        Assert.DoesNotContain("MERCREDI", own.Text);
        _ = wednesday; _ = nextWeek;
    }

    [Fact]
    public async Task The_printable_day_sheet_lists_times_names_reason_persons_code_phone_and_status()
    {
        var slot = (await app.SlotsAsync(site: Lorval, persons: 2, from: "2026-12-03", to: "2026-12-03")).First();
        var answer = await app.BookAsync(GuichetApp.Booking(slot, persons: 2, lastName: "Feuille", phone: "06 12 34 56 78"));
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        var created = (await answer.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;
        using var agent = await SignedInAsync("accueil@lorval.demo");

        var sheet = await agent.GetAsync("/agent/journee/imprimer?site=lorval-hotel-de-ville&date=2026-12-03");
        Assert.Equal(HttpStatusCode.OK, sheet.Status);
        Assert.Contains("no-store", sheet.Response.Headers.CacheControl?.ToString());
        Assert.Contains("Hôtel de ville de Lorval — jeudi 3 décembre 2026", sheet.Text);
        var row = sheet.Document.QuerySelectorAll(".sheet tbody tr").Single(r => r.TextContent.Contains(created.Code));
        var cells = row.Children.Select(c => Regex.Replace(c.TextContent, @"\s+", " ").Trim()).ToList();
        Assert.Matches(@"^\d+ h( \d\d)? – \d+ h( \d\d)?$", cells[0]);
        Assert.Equal(["FEUILLE Camille", "Carte nationale d'identité", "2", created.Code, "+33612345678", "Réservé"], cells[1..]);
        Assert.Null(sheet.Document.QuerySelector("main form[method=post]"));
        Assert.Contains("@media print", await app.Client.GetStringAsync("/css/site.css"));

        using var other = await SignedInAsync("accueil@saint-aubin.demo");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/agent/journee/imprimer?site=lorval-hotel-de-ville&date=2026-12-03")).Status);
    }

    [Fact]
    public async Task An_agent_s_feed_is_rfc_5545_without_contact_details_and_renewing_it_revokes_the_old_address()
    {
        var created = await BookAsync(Lorval, "2026-12-10", "Calendrier", phone: "06 98 76 54 32");
        using var agent = await SignedInAsync("accueil@lorval.demo");
        var page = await agent.GetAsync("/agent/agendas");
        Assert.Contains("Vous n'avez pas encore d'adresse d'abonnement.", page.Text);
        var made = await agent.SubmitAsync(page);
        var url = made.Document.QuerySelector("#new-feed-url")!.TextContent.Trim();
        var path = new Uri(url).PathAndQuery;
        Assert.Matches(@"^/agenda/flux/[A-Za-z0-9_-]{43}\.ics$", path);

        var feed = await app.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        Assert.Equal("text/calendar", feed.Content.Headers.ContentType?.MediaType);
        var raw = await feed.Content.ReadAsStringAsync();
        AssertWellFormed(raw);
        var text = Unfold(raw);
        var vevent = Event(text, created.Id);
        Assert.Contains($"UID:{created.Id}@", vevent);
        Assert.Contains($"DTSTART:{created.Start.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}", vevent);
        Assert.Contains($"DTEND:{created.End.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}", vevent);
        Assert.Contains("DTSTAMP:20261130T060000Z", vevent);
        Assert.Contains($"SUMMARY:CNI – 1 personne – {created.Code}", vevent);
        Assert.Contains("Le nom et les coordonnées de l'usager sont dans Guichet", vevent);
        Assert.Contains("\r\n ", raw);   // the description is long enough to be folded
        foreach (var secret in new[] { "camille.martin@exemple.fr", "+33698765432", "06 98 76 54 32", "CALENDRIER", "Calendrier" })
            Assert.DoesNotContain(secret, text);
        // The hash is stored, never the token.
        var stored = await app.WithDbAsync(db => db.Set<Web.Features.Agenda.CalendarFeed>().AsNoTracking().SingleAsync(f => f.OwnerId == "agent-accueil-lorval-demo"));
        Assert.DoesNotContain(stored.TokenHash, path);

        var renewedPage = await agent.SubmitAsync(made, made.Form("form[action*='handler=Renew']"));
        var renewed = new Uri(renewedPage.Document.QuerySelector("#new-feed-url")!.TextContent.Trim()).PathAndQuery;
        Assert.NotEqual(path, renewed);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync(renewed)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/agenda/flux/pas-le-bon-jeton.ics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(renewed.Replace(".ics", "x.ics"))).StatusCode);

        // Revoked: gone.
        var revoked = await agent.SubmitAsync(renewedPage, renewedPage.Form("form[action*='handler=Revoke']"));
        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(renewed)).StatusCode);
    }

    [Fact]
    public async Task Feeds_keep_to_their_station_their_organisation_and_what_a_partner_booked()
    {
        var first = await BookAsync(Lorval, "2026-12-11", "Flux");
        var saintAubin = await BookAsync("saint-aubin-mairie", "2026-12-11", "Voisin");

        // The partner town hall books one at Lorval.
        using var partner = await SignedInAsync("mairie@vernay.demo");
        var list = await partner.GetAsync("/agent/reserver?site=lorval-hotel-de-ville&reason=CNI&persons=1&date=2026-12-11");
        var form = await partner.GetAsync(list.Links("ul.slots a").Skip(3).First().GetAttribute("href")!);
        var sent = await partner.SubmitAsync(form, values: new Dictionary<string, string?> { ["firstName"] = "Hugo", ["lastName"] = "Vernier", ["phone"] = "07 11 22 33 44" });
        Assert.Equal(HttpStatusCode.Redirect, sent.Status);
        var partnerBooked = sent.Location!.Split('/').Last();

        // Lorval's administrator: one station feed, and their own.
        using var admin = await SignedInAsync("admin@lorval.demo");
        var feeds = await admin.GetAsync("/agent/agendas");
        var station = first.StationId;
        var stationPage = await admin.SubmitAsync(feeds, feeds.Document.QuerySelectorAll("form").OfType<IHtmlFormElement>()
            .Single(f => f.Action.Contains("handler=Renew") && f.QuerySelector("input[name=owner]")?.GetAttribute("value") == station));
        var stationFeed = Unfold(await app.Client.GetStringAsync(new Uri(stationPage.Document.QuerySelector("#new-feed-url")!.TextContent.Trim()).PathAndQuery));
        Assert.Contains($"UID:{first.Id}@", stationFeed);
        Assert.DoesNotContain(saintAubin.Id, stationFeed);
        var otherStation = await app.WithDbAsync(db => db.Appointments.AsNoTracking().Where(a => a.StationId != station && a.SiteId == Lorval).Select(a => a.Id).ToListAsync());
        Assert.All(otherStation, id => Assert.DoesNotContain(id, stationFeed));

        // Another organisation's administrator cannot make or stop Lorval's feeds.
        using var otherAdmin = await SignedInAsync("admin@saint-aubin.demo");
        var token = await otherAdmin.AntiforgeryTokenAsync("/agent/agendas");
        foreach (var handler in new[] { "Renew", "Revoke" })
            Assert.Equal(HttpStatusCode.NotFound, (await otherAdmin.PostAsync($"/agent/agendas?handler={handler}", new Dictionary<string, string>
            {
                ["kind"] = "Station", ["owner"] = station, ["__RequestVerificationToken"] = token,
            })).Status);
        var otherOwn = await otherAdmin.SubmitAsync(await otherAdmin.GetAsync("/agent/agendas"), "form[action*='handler=Renew']");
        var otherFeed = Unfold(await app.Client.GetStringAsync(new Uri(otherOwn.Document.QuerySelector("#new-feed-url")!.TextContent.Trim()).PathAndQuery));
        Assert.Contains($"UID:{saintAubin.Id}@", otherFeed);
        Assert.DoesNotContain(first.Id, otherFeed);
        Assert.DoesNotContain(partnerBooked, otherFeed);

        // The partner's own feed holds what it booked and nothing else of Lorval's.
        var partnerPage = await partner.SubmitAsync(await partner.GetAsync("/agent/agendas"), "form[action*='handler=Renew']");
        var partnerFeed = Unfold(await app.Client.GetStringAsync(new Uri(partnerPage.Document.QuerySelector("#new-feed-url")!.TextContent.Trim()).PathAndQuery));
        Assert.Contains($"UID:{partnerBooked}@", partnerFeed);
        Assert.DoesNotContain(first.Id, partnerFeed);
        Assert.DoesNotContain("Vernier", partnerFeed, StringComparison.OrdinalIgnoreCase);
        // And its week view and day sheet likewise.
        var week = await partner.GetAsync("/agent/semaine?site=lorval-hotel-de-ville&week=2026-12-11");
        Assert.Contains("VERNIER Hugo", week.Text);
        Assert.DoesNotContain("FLUX", week.Text);
        var sheet = await partner.GetAsync("/agent/journee/imprimer?site=lorval-hotel-de-ville&date=2026-12-11");
        Assert.Contains("VERNIER Hugo", sheet.Text);
        Assert.DoesNotContain(first.Code, sheet.Text);
        // Nor may a partner mark outcomes.
        var partnerToken = await partner.AntiforgeryTokenAsync("/agent/agendas");
        var mark = await partner.PostAsync("/agent?handler=Mark", new Dictionary<string, string> { ["id"] = partnerBooked, ["outcome"] = "honoured", ["__RequestVerificationToken"] = partnerToken });
        Assert.NotEqual(HttpStatusCode.OK, mark.Status);
    }

    [Fact]
    public async Task An_agent_downloads_one_appointment_as_an_ics_file_and_another_organisation_gets_404()
    {
        var created = await BookAsync(Lorval, "2026-12-15", "Fichier", skip: 2);
        using var agent = await SignedInAsync("accueil@lorval.demo");
        var details = await agent.GetAsync($"/agent/rendez-vous/{created.Id}");
        Assert.Contains("Ajouter à un agenda (.ics)", details.Text);
        var ics = await agent.Http.GetAsync($"/agent/rendez-vous/{created.Id}/rendez-vous.ics");
        Assert.Equal(HttpStatusCode.OK, ics.StatusCode);
        var raw = await ics.Content.ReadAsStringAsync();
        AssertWellFormed(raw);
        Assert.Contains($"UID:{created.Id}@", raw);
        using var other = await SignedInAsync("accueil@montclair.demo");
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"/agent/rendez-vous/{created.Id}/rendez-vous.ics")).StatusCode);
    }

    private static void AssertWellFormed(string raw)
    {
        Assert.StartsWith("BEGIN:VCALENDAR\r\n", raw);
        Assert.EndsWith("END:VCALENDAR\r\n", raw);
        Assert.DoesNotMatch(@"[^\r]\n", raw);     // CRLF only
        Assert.DoesNotMatch(@"\r[^\n]", raw);
        foreach (var line in raw.Split("\r\n"))
            Assert.True(Encoding.UTF8.GetByteCount(line) <= 75, $"Line longer than 75 octets: {line}");
        Assert.Contains("VERSION:2.0\r\n", raw);
        Assert.Contains("PRODID:", raw);
    }

    private static string Unfold(string raw) => raw.Replace("\r\n ", "");

    private static string Event(string text, string id)
    {
        var start = text.IndexOf($"UID:{id}@", StringComparison.Ordinal);
        Assert.True(start > 0, "event not in the feed");
        var begin = text.LastIndexOf("BEGIN:VEVENT", start, StringComparison.Ordinal);
        return text[begin..(text.IndexOf("END:VEVENT", start, StringComparison.Ordinal) + 10)];
    }

    private static IReadOnlyList<string> Buttons(WebPage page, string code) =>
        Row(page, code).QuerySelectorAll("button").Select(b => b.ChildNodes.OfType<IText>().FirstOrDefault()?.TextContent.Trim() ?? "").ToList();

    private static IElement Row(WebPage page, string code) =>
        page.Document.QuerySelectorAll("table.agenda tbody tr").Single(r => r.TextContent.Contains(code));

    private static string Cell(WebPage page, string code, int index) =>
        Regex.Replace(Row(page, code).Children[index].TextContent, @"\s+", " ").Trim();

    private static IHtmlFormElement MarkForm(WebPage page, string code, string outcome) =>
        Row(page, code).QuerySelectorAll("form").OfType<IHtmlFormElement>()
            .Single(f => f.QuerySelector("input[name=outcome]")?.GetAttribute("value") == outcome);

    private async Task<Booked> BookAsync(string site, string day, string lastName, string? phone = null, int skip = 0)
    {
        var slot = (await app.SlotsAsync(site: site, from: day, to: day)).Skip(skip).First();
        var answer = await app.BookAsync(GuichetApp.Booking(slot, lastName: lastName, phone: phone));
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        var created = (await answer.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;
        var stationId = await app.WithDbAsync(db => db.Appointments.Where(a => a.Id == created.Id).Select(a => a.StationId).SingleAsync());
        return new Booked(created.Id, created.Code, created.Token, created.Start, created.End, stationId);
    }

    private sealed record Booked(string Id, string Code, string Token, DateTimeOffset Start, DateTimeOffset End, string StationId);

    private async Task<Browser> SignedInAsync(string email)
    {
        var browser = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).Status);
        return browser;
    }
}
