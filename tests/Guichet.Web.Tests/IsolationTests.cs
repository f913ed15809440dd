using System.Net;
using System.Net.Http.Json;
using Guichet.Web.Data;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>Organisations stay apart: an agent sees and touches only what belongs to their own.</summary>
public sealed class IsolationTests(GuichetApp app) : IClassFixture<GuichetApp>
{
    [Fact]
    public async Task An_agent_of_saint_aubin_cannot_see_lorval_s_agenda()
    {
        var lorval = await BookAtLorvalAsync("2026-12-01", "Secret");
        using var agent = await SignedInAsync("accueil@saint-aubin.demo");

        var own = await agent.GetAsync("/agent?date=2026-12-01");
        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.Equal(["saint-aubin-mairie"], own.Document.QuerySelectorAll("select#site option").Select(o => o.GetAttribute("value")).ToList());
        Assert.DoesNotContain("SECRET", own.Text);

        var other = await agent.GetAsync("/agent?site=lorval-hotel-de-ville&date=2026-12-01");
        Assert.Equal(HttpStatusCode.NotFound, other.Status);
        Assert.DoesNotContain("SECRET", other.Html);
        Assert.DoesNotContain(lorval.Code, other.Html);

        // Lorval's own agent does see it: the 404 above is isolation, not an empty day.
        using var host = await SignedInAsync("accueil@lorval.demo");
        Assert.Contains("SECRET Camille", (await host.GetAsync("/agent?site=lorval-hotel-de-ville&date=2026-12-01")).Text);
    }

    [Fact]
    public async Task An_agent_of_saint_aubin_cannot_open_a_lorval_appointment()
    {
        var lorval = await BookAtLorvalAsync("2026-12-02", "Confidentiel");
        using var agent = await SignedInAsync("accueil@saint-aubin.demo");

        var answer = await agent.GetAsync($"/agent/rendez-vous/{lorval.Id}");

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.DoesNotContain("Confidentiel", answer.Html);
        using var host = await SignedInAsync("accueil@lorval.demo");
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync($"/agent/rendez-vous/{lorval.Id}")).Status);
    }

    [Fact]
    public async Task An_agent_of_saint_aubin_cannot_cancel_a_lorval_appointment()
    {
        var lorval = await BookAtLorvalAsync("2026-12-03", "Intouchable");
        using var agent = await SignedInAsync("accueil@saint-aubin.demo");
        var token = await agent.AntiforgeryTokenAsync("/agent");

        // Through the agenda's cancel handler, once from its own agenda and once naming Lorval's site.
        var fromOwn = await agent.PostAsync("/agent?handler=Cancel",
            [new("id", lorval.Id), new("site", "saint-aubin-mairie"), new("date", "2026-12-03"), new("__RequestVerificationToken", token)]);
        Assert.Equal(HttpStatusCode.OK, fromOwn.Status);
        Assert.Contains("Ce rendez-vous n'existe pas.", fromOwn.Text);
        var naming = await agent.PostAsync("/agent?handler=Cancel",
            [new("id", lorval.Id), new("site", "lorval-hotel-de-ville"), new("date", "2026-12-03"), new("__RequestVerificationToken", token)]);
        Assert.Equal(HttpStatusCode.NotFound, naming.Status);

        var stored = await app.WithDbAsync(db => db.Appointments.AsNoTracking().SingleAsync(a => a.Id == lorval.Id));
        Assert.Equal((AppointmentStatus.Booked, (string?)null), (stored.Status, stored.CancelledBy));
        var details = await app.Client.GetFromJsonAsync<Dictionary<string, object>>(
            $"/api/v1/appointments/{lorval.Code}?token={Uri.EscapeDataString(lorval.Token)}", GuichetApp.Json);
        Assert.Equal("booked", details!["status"].ToString());
    }

    [Fact]
    public async Task An_agent_of_saint_aubin_cannot_book_at_lorval()
    {
        using var agent = await SignedInAsync("accueil@saint-aubin.demo");
        var before = await app.WithDbAsync(db => db.Appointments.CountAsync());

        var start = await agent.GetAsync("/agent/reserver");
        Assert.Equal(["saint-aubin-mairie"], start.Document.QuerySelectorAll("select#site option").Select(o => o.GetAttribute("value")).ToList());
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync("/agent/reserver?site=lorval-hotel-de-ville")).Status);
        var lorvalSlot = (await app.SlotsAsync(site: "lorval-hotel-de-ville", from: "2026-12-04", to: "2026-12-04")).First();
        var lorvalStart = Uri.EscapeDataString(lorvalSlot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz"));
        Assert.Equal(HttpStatusCode.NotFound,
            (await agent.GetAsync($"/agent/reserver?site=lorval-hotel-de-ville&reason=CNI&persons=1&start={lorvalStart}")).Status);

        // Its own booking form, with the hidden site and start switched to Lorval's.
        var list = await agent.GetAsync("/agent/reserver?site=saint-aubin-mairie&reason=CNI&persons=1&date=2026-12-04");
        var form = await agent.GetAsync(list.Links("ul.slots a").First().GetAttribute("href")!);
        var tampered = await agent.SubmitAsync(form, values: new Dictionary<string, string?>
        {
            ["site"] = "lorval-hotel-de-ville", ["start"] = lorvalSlot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz"),
            ["firstName"] = "Passe", ["lastName"] = "Muraille",
        });

        Assert.Equal(HttpStatusCode.NotFound, tampered.Status);
        Assert.Equal(before, await app.WithDbAsync(db => db.Appointments.CountAsync()));
        Assert.Contains(await app.SlotsAsync(site: "lorval-hotel-de-ville", from: "2026-12-04", to: "2026-12-04"), s => s.Start == lorvalSlot.Start);
    }

    [Fact]
    public async Task A_partner_sees_what_it_booked_but_nothing_else_of_its_host_and_cancels_nothing()
    {
        var web = await BookAtLorvalAsync("2026-12-07", "Internaute");
        using var partner = await SignedInAsync("mairie@vernay.demo");

        Assert.Equal(HttpStatusCode.NotFound, (await partner.GetAsync($"/agent/rendez-vous/{web.Id}")).Status);
        // The partner has no agenda, so no cancel handler either.
        var token = await partner.AntiforgeryTokenAsync("/agent/reserver");
        var cancel = await partner.PostAsync("/agent?handler=Cancel", [new("id", web.Id), new("__RequestVerificationToken", token)]);
        Assert.NotEqual(HttpStatusCode.OK, cancel.Status);
        Assert.Equal(AppointmentStatus.Booked, await app.WithDbAsync(db => db.Appointments.Where(a => a.Id == web.Id).Select(a => a.Status).SingleAsync()));
    }

    [Fact]
    public async Task The_prefecture_without_sites_sees_no_town_hall_s_agenda()
    {
        await BookAtLorvalAsync("2026-12-08", "Prefecture");
        using var prefecture = await SignedInAsync("prefecture@lorne.demo");

        var own = await prefecture.GetAsync("/agent");
        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.Contains("Votre collectivité n'a pas encore de lieu d'accueil.", own.Text);
        Assert.Empty(own.Document.QuerySelectorAll("select#site option"));
        Assert.Equal(HttpStatusCode.NotFound, (await prefecture.GetAsync("/agent?site=lorval-hotel-de-ville&date=2026-12-08")).Status);
    }

    [Fact]
    public async Task An_administrator_sees_and_creates_agents_of_their_own_organisation_only()
    {
        using var admin = await SignedInAsync("admin@lorval.demo");
        var page = await admin.GetAsync("/admin/agents");
        var emails = page.Document.QuerySelectorAll("table tbody tr td:first-of-type").Select(td => td.TextContent.Trim()).ToList();
        Assert.Contains("accueil@lorval.demo", emails);
        Assert.All(emails, e => Assert.EndsWith("@lorval.demo", e));

        // A tampered form cannot choose the organisation: there is no such field, and an extra one is ignored.
        var created = await admin.SubmitAsync(page, values: new Dictionary<string, string?>
        {
            ["displayName"] = "Paul Ailleurs", ["email"] = "paul.ailleurs@lorval.demo", ["role"] = "Administrator",
            ["password"] = "Ailleurs-Paul-2026", ["organisationId"] = "mairie-saint-aubin",
        });
        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal("mairie-lorval", await app.WithDbAsync(db => db.Agents.Where(a => a.Email == "paul.ailleurs@lorval.demo").Select(a => a.OrganisationId).SingleAsync()));
    }

    private async Task<Browser> SignedInAsync(string email)
    {
        var browser = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).Status);
        return browser;
    }

    private sealed record Booked(string Id, string Code, string Token);

    private async Task<Booked> BookAtLorvalAsync(string day, string lastName)
    {
        var slot = (await app.SlotsAsync(site: "lorval-hotel-de-ville", from: day, to: day)).First();
        var answer = await app.BookAsync(GuichetApp.Booking(slot, lastName: lastName));
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        var created = (await answer.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;
        return new Booked(created.Id, created.Code, created.Token);
    }
}
