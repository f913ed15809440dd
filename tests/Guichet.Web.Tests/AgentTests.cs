using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Guichet.Web.Data;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>Agents through their pages: sign-in and lock-out, agenda, booking on behalf, administration, partners.</summary>
public sealed class AgentTests(GuichetApp app) : IClassFixture<GuichetApp>
{
    private static readonly Dictionary<string, string?> NoChange = [];

    [Fact]
    public async Task A_demo_agent_signs_in_lands_on_the_agenda_and_signs_out()
    {
        using var browser = new Browser(app);
        var signIn = await browser.SignInAsync("accueil@lorval.demo");
        Assert.Equal(HttpStatusCode.Redirect, signIn.Status);
        Assert.Equal("/agent", signIn.Location);

        var agenda = await browser.FollowAsync(signIn);
        Assert.Equal(HttpStatusCode.OK, agenda.Status);
        Assert.Contains("Agenda — Hôtel de ville de Lorval", agenda.Text);
        Assert.Contains("Se déconnecter (Camille Morvan (accueil))", agenda.Document.QuerySelector("header")!.TextContent);

        // The sign-out button in the header works (it carries its antiforgery token) and really signs out.
        var signOut = await browser.SubmitAsync(agenda, "header form[action='/deconnexion']", NoChange);
        Assert.Equal(HttpStatusCode.Redirect, signOut.Status);
        Assert.Equal("/", signOut.Location);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/agent")).Status);
    }

    [Fact]
    public async Task A_wrong_password_or_an_unknown_address_is_refused_with_the_same_french_message()
    {
        using var browser = new Browser(app);
        var wrong = await browser.SignInAsync("accueil@montclair.demo", "Demo-Guichet-2025");
        var unknown = await browser.SignInAsync("personne@montclair.demo", "Demo-Guichet-2026");

        foreach (var answer in new[] { wrong, unknown })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
            Assert.Equal("Adresse e-mail ou mot de passe incorrect.", answer.Document.QuerySelector(".errors[role=alert]")!.TextContent.Trim());
            Assert.StartsWith("Erreur", answer.Title);
            // The address typed is kept, the password is not.
            Assert.Equal("", answer.Form().QuerySelector<IHtmlInputElement>("#password")!.Value);
        }
        Assert.Equal("accueil@montclair.demo", wrong.Form().QuerySelector<IHtmlInputElement>("#email")!.Value);
        var agenda = await browser.GetAsync("/agent");
        Assert.Equal(HttpStatusCode.Redirect, agenda.Status);
        // The demo accounts are listed on the sign-in page in Development only.
        Assert.DoesNotContain("Demo-Guichet-2026", (await browser.GetAsync("/connexion")).Html);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_fifteen_minutes_even_against_the_right_one()
    {
        const string email = "superviseur@lorval.demo";
        using var browser = new Browser(app);
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SignInAsync(email, $"mauvais-{i}")).Status);
        var lockedUntil = await app.WithDbAsync(db => db.Agents.Where(a => a.Email == email).Select(a => a.LockedUntilUtc).SingleAsync());
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime.AddMinutes(15), lockedUntil);

        var refused = await browser.SignInAsync(email);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Contains("Trop d'essais infructueux avec cette adresse : la connexion est bloquée jusqu'à", refused.Text);

        app.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SignInAsync(email)).Status);

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var accepted = await browser.SignInAsync(email);
        Assert.Equal(HttpStatusCode.Redirect, accepted.Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.FollowAsync(accepted)).Status);
        var after = await app.WithDbAsync(db => db.Agents.AsNoTracking().SingleAsync(a => a.Email == email));
        Assert.Equal((0, (DateTime?)null), (after.FailedSignIns, after.LockedUntilUtc));
    }

    [Fact]
    public async Task The_agenda_lists_the_day_s_appointments_booked_on_the_web()
    {
        var slot = (await app.SlotsAsync(site: "saint-aubin-mairie", from: "2026-12-04", to: "2026-12-04")).First();
        var created = await BookAsync(GuichetApp.Booking(slot, lastName: "Kerhervé"));
        using var browser = await SignedInAsync("accueil@saint-aubin.demo");

        var agenda = await browser.GetAsync("/agent?site=saint-aubin-mairie&date=2026-12-04");

        Assert.Equal(HttpStatusCode.OK, agenda.Status);
        Assert.StartsWith("Agenda du vendredi 4 décembre 2026", agenda.Title);
        var row = agenda.Document.QuerySelectorAll("table.agenda tbody tr").Single(r => r.TextContent.Contains(created.Code));
        var cells = row.Children.Select(c => Regex.Replace(c.TextContent, @"\s+", " ").Trim()).ToList();
        Assert.Equal("9 h – 9 h 15", cells[0]);
        Assert.Equal("KERHERVÉ Camille", cells[1]);
        Assert.Equal(["CNI", "1", "Internet", created.Code, "Réservé"], cells[2..7]);
        Assert.Contains("1 rendez-vous", agenda.Text);

        var nextDay = await browser.GetAsync("/agent?site=saint-aubin-mairie&date=2026-12-07");
        Assert.DoesNotContain(created.Code, nextDay.Text);
    }

    [Fact]
    public async Task An_agent_books_for_a_caller_then_cancels_it_from_the_agenda()
    {
        using var browser = await SignedInAsync("accueil@saint-aubin.demo");
        var list = await browser.GetAsync("/agent/reserver?site=saint-aubin-mairie&reason=CNI&persons=1&channel=Phone&date=2026-12-09");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        var first = list.Links("ul.slots a").First();
        Assert.Equal("9 h", first.TextContent.Trim());
        var form = await browser.GetAsync(first.GetAttribute("href")!);
        Assert.Contains("Coordonnées de l'usager — Carte nationale d'identité, 1 personne, mercredi 9 décembre 2026 à 9 h", form.Text);

        // A caller with a landline and no e-mail: fine at the counter, the convocation is read out or posted.
        var sent = await browser.SubmitAsync(form, values: new Dictionary<string, string?> { ["firstName"] = "Yvonne", ["lastName"] = "Le Floch", ["phone"] = "02 43 00 00 00" });

        Assert.Equal(HttpStatusCode.Redirect, sent.Status);
        var id = Regex.Match(sent.Location!, "^/agent/rendez-vous/([0-9a-f]{32})$").Groups[1].Value;
        Assert.NotEmpty(id);
        var stored = await app.WithDbAsync(db => db.Appointments.AsNoTracking().SingleAsync(a => a.Id == id));
        Assert.Equal((Channel.Phone, "agent-accueil-saint-aubin-demo", "mairie-saint-aubin", (string?)null),
            (stored.Channel, stored.BookedByAgentId, stored.OrganisationId, stored.PartnerOrganisationId));
        Assert.Equal(("+33243000000", (string?)null, AppointmentStatus.Booked), (stored.Phone, stored.Email, stored.Status));
        var details = await browser.FollowAsync(sent);
        Assert.Contains(stored.Code, details.Text);
        Assert.Contains("Téléphone", details.Text);

        var agenda = await browser.GetAsync("/agent?site=saint-aubin-mairie&date=2026-12-09");
        var cancelForm = agenda.Document.QuerySelectorAll("form").OfType<IHtmlFormElement>()
            .Single(f => f.QuerySelector($"input[name=id][value='{id}']") is not null);
        var cancelled = await browser.SubmitAsync(agenda, cancelForm);

        Assert.Equal(HttpStatusCode.OK, cancelled.Status);
        Assert.Contains("Le rendez-vous est annulé ; le créneau est de nouveau libre.", cancelled.Text);
        var after = await app.WithDbAsync(db => db.Appointments.AsNoTracking().SingleAsync(a => a.Id == id));
        Assert.Equal((AppointmentStatus.Cancelled, "agent-accueil-saint-aubin-demo"), (after.Status, after.CancelledBy));
        Assert.Contains(await app.SlotsAsync(site: "saint-aubin-mairie", from: "2026-12-09", to: "2026-12-09"), s => s.Start == stored.StartUtc);
    }

    [Fact]
    public async Task A_walk_in_without_e_mail_nor_phone_is_booked_at_the_counter()
    {
        using var browser = await SignedInAsync("accueil@montclair.demo");
        var list = await browser.GetAsync("/agent/reserver?site=montclair-mairie&reason=WITHDRAWAL&persons=1&channel=Counter&date=2026-12-10");
        var form = await browser.GetAsync(list.Links("ul.slots a").First().GetAttribute("href")!);

        var sent = await browser.SubmitAsync(form, values: new Dictionary<string, string?> { ["firstName"] = "Marcel", ["lastName"] = "Guérin" });

        Assert.Equal(HttpStatusCode.Redirect, sent.Status);
        var id = sent.Location!.Split('/').Last();
        var stored = await app.WithDbAsync(db => db.Appointments.AsNoTracking().SingleAsync(a => a.Id == id));
        Assert.Equal((Channel.Counter, "WITHDRAWAL", "agent-accueil-montclair-demo"), (stored.Channel, stored.ReasonCode, stored.BookedByAgentId));
        Assert.Equal(((string?)null, (string?)null), (stored.Email, stored.Phone));
    }

    [Fact]
    public async Task The_administrator_creates_an_agent_who_can_then_sign_in()
    {
        using var admin = await SignedInAsync("admin@lorval.demo");
        var page = await admin.GetAsync("/admin/agents");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Agents de Mairie de Lorval", page.Text);
        Assert.Contains("accueil@lorval.demo", page.Text);
        Assert.DoesNotContain("saint-aubin", page.Text);
        var agentsBefore = await app.WithDbAsync(db => db.Agents.CountAsync());
        Dictionary<string, string?> Form(string email, string password) =>
            new() { ["displayName"] = "Gaëlle Nouvel", ["email"] = email, ["role"] = "Agent", ["password"] = password };

        var weak = await admin.SubmitAsync(page, values: Form("gaelle.nouvel@lorval.demo", "lorval2026"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, weak.Status);
        Assert.Contains("Le mot de passe doit compter au moins 12 caractères.", weak.Text);
        var simple = await admin.SubmitAsync(page, values: Form("gaelle.nouvel@lorval.demo", "motdepasselong"));
        Assert.Contains("au moins trois sortes de caractères", simple.Text);
        foreach (var taken in new[] { "accueil@lorval.demo", " ACCUEIL@Lorval.demo ", "accueil@saint-aubin.demo" })
        {
            var duplicate = await admin.SubmitAsync(page, values: Form(taken, "Bienvenue-Gaelle-2026"));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, duplicate.Status);
            Assert.Contains("Un compte existe déjà avec cette adresse e-mail.", duplicate.Text);
        }
        Assert.Equal(agentsBefore, await app.WithDbAsync(db => db.Agents.CountAsync()));

        var created = await admin.SubmitAsync(page, values: Form("Gaelle.Nouvel@lorval.demo", "Bienvenue-Gaelle-2026"));
        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Contains("Le compte de Gaëlle Nouvel est créé.", created.Text);
        var stored = await app.WithDbAsync(db => db.Agents.AsNoTracking().SingleAsync(a => a.Email == "gaelle.nouvel@lorval.demo"));
        Assert.Equal(("mairie-lorval", AgentRole.Agent), (stored.OrganisationId, stored.Role));
        Assert.StartsWith("pbkdf2-sha256$", stored.PasswordHash);
        Assert.DoesNotContain("Bienvenue", stored.PasswordHash);

        using var newcomer = new Browser(app);
        var signIn = await newcomer.SignInAsync("gaelle.nouvel@lorval.demo", "Bienvenue-Gaelle-2026");
        Assert.Equal(HttpStatusCode.Redirect, signIn.Status);
        var agenda = await newcomer.FollowAsync(signIn);
        Assert.Contains("Agenda — Hôtel de ville de Lorval", agenda.Text);
        // An agent, not an administrator.
        Assert.Equal(HttpStatusCode.Redirect, (await newcomer.GetAsync("/admin/agents")).Status);
    }

    [Fact]
    public async Task A_plain_agent_is_refused_the_administration()
    {
        using var browser = await SignedInAsync("accueil@lorval.demo");

        var answer = await browser.GetAsync("/admin/agents");

        Assert.Equal(HttpStatusCode.Redirect, answer.Status);
        Assert.StartsWith("/acces-refuse", new Uri(new Uri("http://localhost"), answer.Location!).PathAndQuery);
        var denied = await browser.FollowAsync(answer);
        Assert.Equal(HttpStatusCode.Forbidden, denied.Status);
        Assert.Contains("Votre compte ne donne pas accès à cette page.", denied.Text);
        Assert.Empty(denied.Document.QuerySelectorAll("a[href='/admin/agents']"));

        // Posting the creation form directly does not create anyone either.
        var token = await browser.AntiforgeryTokenAsync("/agent");
        var before = await app.WithDbAsync(db => db.Agents.CountAsync());
        var post = await browser.PostAsync("/admin/agents", [new("displayName", "Intrus"), new("email", "intrus@lorval.demo"),
            new("role", "Administrator"), new("password", "Intrus-Intrus-2026"), new("__RequestVerificationToken", token)]);
        Assert.NotEqual(HttpStatusCode.OK, post.Status);
        Assert.Equal(before, await app.WithDbAsync(db => db.Agents.CountAsync()));
    }

    [Theory]
    [InlineData("/agent")]
    [InlineData("/agent?site=lorval-hotel-de-ville&date=2026-12-01")]
    [InlineData("/agent/reserver")]
    [InlineData("/agent/rendez-vous/0123456789abcdef")]
    [InlineData("/admin/agents")]
    public async Task Anonymous_visitors_are_sent_to_the_sign_in_page(string url)
    {
        using var browser = new Browser(app);

        var answer = await browser.GetAsync(url);

        Assert.Equal(HttpStatusCode.Redirect, answer.Status);
        var target = new Uri(new Uri("http://localhost"), answer.Location!);
        Assert.Equal("/connexion", target.AbsolutePath);
        Assert.Equal(url, Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(target.Query)["ReturnUrl"].ToString());
    }

    [Fact]
    public async Task After_signing_in_the_agent_returns_where_they_were_going_but_never_to_another_site()
    {
        using var browser = new Browser(app);
        var login = await browser.GetAsync("/connexion?ReturnUrl=%2Fagent%2Freserver%3Fsite%3Dlorval-hotel-de-ville");
        var signIn = await browser.SubmitAsync(login, values: new Dictionary<string, string?> { ["email"] = "accueil@lorval.demo", ["password"] = "Demo-Guichet-2026" });
        Assert.Equal("/agent/reserver?site=lorval-hotel-de-ville", signIn.Location);

        foreach (var elsewhere in new[] { "https://exemple.fr/piege", "//exemple.fr/piege", "/\\exemple.fr" })
        {
            using var other = new Browser(app);
            var page = await other.GetAsync("/connexion?ReturnUrl=" + Uri.EscapeDataString(elsewhere));
            var answer = await other.SubmitAsync(page, values: new Dictionary<string, string?> { ["email"] = "accueil@lorval.demo", ["password"] = "Demo-Guichet-2026" });
            Assert.Equal("/agent", answer.Location);
        }
    }

    [Fact]
    public async Task A_partner_town_hall_books_at_its_host_s_site_but_nowhere_else()
    {
        using var partner = new Browser(app);
        var signIn = await partner.SignInAsync("mairie@vernay.demo");
        Assert.Equal("/agent/reserver", signIn.Location);
        // A partner has no agenda of its own.
        Assert.Equal("/agent/reserver", (await partner.GetAsync("/agent")).Location);

        var start = await partner.FollowAsync(signIn);
        var offered = start.Document.QuerySelectorAll("select#site option").Select(o => o.GetAttribute("value")).ToList();
        Assert.Equal(["lorval-hotel-de-ville"], offered);
        Assert.Null(start.Document.QuerySelector("select#channel"));

        var list = await partner.GetAsync("/agent/reserver?site=lorval-hotel-de-ville&reason=CNI&persons=1&date=2026-12-08");
        var form = await partner.GetAsync(list.Links("ul.slots a").First().GetAttribute("href")!);
        var sent = await partner.SubmitAsync(form, values: new Dictionary<string, string?>
        {
            ["firstName"] = "Hugo", ["lastName"] = "Vernier", ["phone"] = "07 11 22 33 44",
        });
        Assert.Equal(HttpStatusCode.Redirect, sent.Status);
        var id = sent.Location!.Split('/').Last();
        var stored = await app.WithDbAsync(db => db.Appointments.AsNoTracking().SingleAsync(a => a.Id == id));
        Assert.Equal((Channel.Partner, "mairie-vernay", "mairie-lorval", "agent-mairie-vernay-demo"),
            (stored.Channel, stored.PartnerOrganisationId, stored.OrganisationId, stored.BookedByAgentId));
        var details = await partner.FollowAsync(sent);
        Assert.Equal(HttpStatusCode.OK, details.Status);
        Assert.Contains("Mairie associée", details.Text);

        // The host's agents see it in their agenda.
        using var host = await SignedInAsync("accueil@lorval.demo");
        var agenda = await host.GetAsync($"/agent?site=lorval-hotel-de-ville&date=2026-12-08");
        Assert.Contains("VERNIER Hugo", agenda.Text);

        // Saint-Aubin is not Vernay's host: no slots, no booking, even with a tampered form.
        var before = await app.WithDbAsync(db => db.Appointments.CountAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await partner.GetAsync("/agent/reserver?site=saint-aubin-mairie")).Status);
        var saintAubin = (await app.SlotsAsync(site: "saint-aubin-mairie", from: "2026-12-09", to: "2026-12-09")).First();
        var form2 = await partner.GetAsync(list.Links("ul.slots a").Skip(1).First().GetAttribute("href")!);
        var tampered = await partner.SubmitAsync(form2, values: new Dictionary<string, string?>
        {
            ["site"] = "saint-aubin-mairie", ["start"] = saintAubin.Start.ToString("yyyy-MM-ddTHH:mm:sszzz"), ["firstName"] = "Hugo", ["lastName"] = "Vernier",
        });
        Assert.Equal(HttpStatusCode.NotFound, tampered.Status);
        Assert.Equal(before, await app.WithDbAsync(db => db.Appointments.CountAsync()));
    }

    private async Task<Browser> SignedInAsync(string email)
    {
        var browser = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).Status);
        return browser;
    }

    private async Task<ApiCreated> BookAsync(object body)
    {
        var answer = await app.BookAsync(body);
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        return (await answer.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;
    }
}
