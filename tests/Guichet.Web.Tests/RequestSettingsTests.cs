using System.Net;
using Guichet.Domain.Requests;
using Guichet.Web.Features.Requests;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>Administrators set up their units and categories; the web form then asks exactly what they wrote.</summary>
public sealed class RequestSettingsTests(RequestsApp app) : IClassFixture<RequestsApp>
{
    private async Task<Browser> AdminAsync(string email = "admin@lorval.demo")
    {
        var browser = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).Status);
        return browser;
    }

    [Fact]
    public async Task A_new_unit_and_category_are_offered_to_citizens_with_exactly_their_questions_and_delays()
    {
        using var admin = await AdminAsync();
        var units = await admin.GetAsync("/admin/demandes/services");
        Assert.Equal(HttpStatusCode.OK, units.Status);
        Assert.Contains("Service voirie et espaces publics", units.Text);
        var savedUnit = await admin.SubmitAsync(units, "form#service", new Dictionary<string, string?>
        {
            ["name"] = "Service des sports", ["address"] = "Rue du Stade", ["postalCode"] = "53120", ["city"] = "Lorval",
            ["phone"] = "02 43 98 12 77", ["email"] = "sports@lorval.demo",
        });
        Assert.Equal(HttpStatusCode.Redirect, savedUnit.Status);
        var unitId = savedUnit.Location!.Split("service=")[1];
        Assert.Equal("lorval-service-des-sports", unitId);

        var categories = await admin.GetAsync("/admin/demandes/categories");
        var saved = await admin.SubmitAsync(categories, "form#categorie", new Dictionary<string, string?>
        {
            ["name"] = "Réservation d'un gymnase", ["unitId"] = unitId, ["priority"] = "Low", ["webDays"] = "10", ["postDays"] = "20",
            ["fields"] = "date ; Date souhaitée ; obligatoire\nchoix ; Salle ; obligatoire ; Gymnase Jean-Moulin | Salle des fêtes",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        Assert.Contains("La catégorie est enregistrée.", (await admin.FollowAsync(saved)).Text);
        var id = saved.Location!.Split("categorie=")[1];
        var stored = await app.WithDbAsync(db => db.Set<Category>().AsNoTracking().SingleAsync(c => c.Id == id));
        Assert.Equal((10, 5, 20, 5, RequestPriority.Low), (stored.WebDays, stored.EmailDays, stored.PostDays, stored.OtherDays, stored.Priority));

        using var citizen = new Browser(app);
        Assert.Contains("Réservation d'un gymnase", (await citizen.GetAsync("/demandes")).Text);
        var form = await citizen.GetAsync($"/demandes/{id}");
        Assert.Equal(["champ1", "champ2"], form.Document.QuerySelectorAll("[name^=champ]").Select(e => e.GetAttribute("name")));
        Assert.Contains("Réponse sous 10 jours ouvrés au plus.", form.Text);
        var done = await RequestsApp.SendAsync(citizen, id, new Dictionary<string, string?>
        {
            ["champ1"] = "2026-12-12", ["champ2"] = "Salle des fêtes", ["text"] = "Tournoi de badminton.", ["lastName"] = "Sport", ["email"] = "sport@exemple.fr", ["consent"] = "oui",
        });
        Assert.Contains("Réponse au plus tard le lundi 14 décembre 2026", done.Text);   // 10 working days
        Assert.Contains("Rue du Stade, 53120 Lorval", done.Text);

        // Switched off, the category is no longer offered.
        var edit = await admin.GetAsync($"/admin/demandes/categories?categorie={id}");
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync(edit, "form#categorie", new Dictionary<string, string?> { ["active"] = "false" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await citizen.GetAsync($"/demandes/{id}")).Status);
    }

    [Fact]
    public async Task An_incomplete_unit_and_a_bad_question_line_are_refused_in_french()
    {
        using var admin = await AdminAsync();
        var units = await admin.GetAsync("/admin/demandes/services");
        var refused = await admin.SubmitAsync(units, "form#service", new Dictionary<string, string?> { ["name"] = "Sans téléphone", ["address"] = "1 rue A", ["postalCode"] = "531", ["city"] = "Lorval", ["phone"] = "", ["email"] = "a@b.fr" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("Donnez le téléphone du service", refused.Text);
        Assert.Contains("Le code postal a cinq chiffres.", refused.Text);

        var categories = await admin.GetAsync("/admin/demandes/categories?categorie=lorval-voirie");
        Assert.Contains("choix ; Type de problème ; obligatoire ; Nid-de-poule", categories.Document.QuerySelector("#fields")!.TextContent);
        var bad = await admin.SubmitAsync(categories, "form#categorie", new Dictionary<string, string?> { ["fields"] = "texte ; Nom\nmenu ; Couleur", ["postDays"] = "0" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
        Assert.Contains("Ligne 2 : le type « menu » n'existe pas", bad.Text);
        Assert.Contains("Le délai par courrier est un nombre de jours ouvrés entre 1 et 365.", bad.Text);
        Assert.Equal(3, (await app.WithDbAsync(db => db.Set<Category>().AsNoTracking().SingleAsync(c => c.Id == "lorval-voirie"))).Fields.Count);
    }

    [Fact]
    public async Task A_category_routed_by_sector_sends_each_request_to_the_unit_of_its_place_and_a_wrong_line_says_why()
    {
        using var admin = await AdminAsync();
        var categories = await admin.GetAsync("/admin/demandes/categories?categorie=lorval-voirie");
        var bad = await admin.SubmitAsync(categories, "form#categorie", new Dictionary<string, string?> { ["sectors"] = "Vernay : Service inconnu\n5312 : Service propreté urbaine" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
        Assert.Contains("Secteur « Vernay » : aucun service actif ne s'appelle « Service inconnu ».", bad.Text);
        Assert.Contains("Ligne 2 : un code postal compte 5 chiffres.", bad.Text);
        var saved = await admin.SubmitAsync(categories, "form#categorie", new Dictionary<string, string?> { ["sectors"] = "Vernay : service proprete urbaine\n53999 : Service état civil" });
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        var edit = await admin.GetAsync("/admin/demandes/categories?categorie=lorval-voirie");
        Assert.Equal("Vernay : Service propreté urbaine\n53999 : Service état civil", edit.Document.QuerySelector("#sectors")!.TextContent.Trim());

        try
        {
            using var citizen = new Browser(app);
            var inVernay = RequestsApp.CodeOn(await RequestsApp.SendAsync(citizen, "lorval-voirie", new Dictionary<string, string?>(RequestsApp.Voirie("Secteur"))
            {
                ["locationAddress"] = "Chemin des Prés, route de Vernay",
            }));
            var byPostalAddress = RequestsApp.CodeOn(await RequestsApp.SendAsync(citizen, "lorval-voirie", new Dictionary<string, string?>(RequestsApp.Voirie("Secteur"))
            {
                ["locationAddress"] = "Devant la salle des fêtes", ["postalAddress"] = "4 impasse des Lilas, 53999 Lorval",
            }));
            var elsewhere = RequestsApp.CodeOn(await RequestsApp.SendAsync(citizen, "lorval-voirie", RequestsApp.Voirie("Secteur")));

            Assert.Equal("lorval-proprete", (await app.RequestAsync(inVernay)).UnitId);
            Assert.Equal("lorval-etat-civil", (await app.RequestAsync(byPostalAddress)).UnitId);
            Assert.Equal("lorval-voirie", (await app.RequestAsync(elsewhere)).UnitId);
        }
        finally
        {
            await app.WithDbAsync(db => db.Set<Category>().Where(c => c.Id == "lorval-voirie").ExecuteUpdateAsync(u => u.SetProperty(c => c.SectorRoutesJson, "[]")));
        }
    }

    [Fact]
    public async Task Another_organisations_administrator_gets_404_and_an_agent_is_not_let_in()
    {
        using var other = await AdminAsync("admin@saint-aubin.demo");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/admin/demandes/categories?categorie=lorval-voirie")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/admin/demandes/services?service=lorval-voirie")).Status);
        var token = await other.AntiforgeryTokenAsync("/admin/demandes/services");
        var post = await other.PostAsync("/admin/demandes/services?service=lorval-voirie", [new("__RequestVerificationToken", token), new("name", "Piraté"),
            new("address", "x"), new("postalCode", "53140"), new("city", "x"), new("phone", "0243984010"), new("email", "x@y.fr")]);
        Assert.Equal(HttpStatusCode.NotFound, post.Status);
        Assert.Equal("Service voirie et espaces publics", await app.WithDbAsync(db => db.Set<Unit>().Where(u => u.Id == "lorval-voirie").Select(u => u.Name).SingleAsync()));
        var list = await other.GetAsync("/admin/demandes/categories");
        Assert.DoesNotContain("Voirie : chaussée", list.Text);

        using var agent = new Browser(app);
        await agent.SignInAsync("accueil@lorval.demo");
        Assert.NotEqual(HttpStatusCode.OK, (await agent.GetAsync("/admin/demandes/categories")).Status);
    }
}

/// <summary>The history is the audit trail: the database itself refuses to change an event.</summary>
public sealed class RequestHistoryTests(RequestsApp app) : IClassFixture<RequestsApp>
{
    [Fact]
    public async Task An_event_of_the_history_cannot_be_changed_even_by_sql()
    {
        using var citizen = new Browser(app);
        var r = await app.RequestAsync(RequestsApp.CodeOn(await RequestsApp.SendAsync(citizen, "lorval-voirie", RequestsApp.Voirie("Audit"))));
        var failed = await app.WithDbAsync(async db =>
        {
            try
            {
                await db.Set<RequestEvent>().Where(e => e.RequestId == r.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.Text, "réécrit"));
                return false;
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or Npgsql.PostgresException)
            {
                return e.Message.Contains("append-only", StringComparison.Ordinal);
            }
        });
        Assert.True(failed);
        Assert.DoesNotContain("réécrit", await app.WithDbAsync(db => db.Set<RequestEvent>().Where(e => e.RequestId == r.Id).Select(e => e.Text).ToListAsync()));
    }
}
