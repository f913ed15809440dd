using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>The documents checklist: the questionnaire through its GET form, the FAQ, and an administrator's changes.</summary>
public sealed class DocumentsChecklistTests(GuichetApp app) : IClassFixture<GuichetApp>
{
    private static Dictionary<string, string?> Values(string query) =>
        query.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => (string?)p[1]);

    private static IReadOnlyList<string> Documents(WebPage page) =>
        page.Document.QuerySelectorAll("ol.checklist li").Select(li => Regex.Replace(li.TextContent, @"\s+", " ").Trim()).ToList();

    [Fact]
    public async Task A_citizen_answers_the_questionnaire_and_gets_a_shareable_list_with_the_stamp_and_the_refusal_reasons()
    {
        using var browser = new Browser(app);
        var home = await browser.GetAsync("/");
        Assert.Single(home.Links("main a[href='/pieces-a-fournir']"));
        var start = await browser.GetAsync("/rendez-vous");
        Assert.Equal("Quelles pièces apporter ?", start.Links("main a[href='/pieces-a-fournir']").Single().TextContent.Trim());

        var form = await browser.GetAsync("/pieces-a-fournir");
        Assert.Equal(HttpStatusCode.OK, form.Status);
        Assert.NotEmpty(form.Document.QuerySelectorAll("main fieldset > legend"));
        Assert.Contains(form.Links("main a"), a => a.GetAttribute("href") == "/pieces-a-fournir/mairie-lorval");

        var result = await browser.SubmitAsync(form, "main form", Values("titre=passeport&situation=vol&age=majeur&titre-recent=oui"));

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.StartsWith("/pieces-a-fournir/liste?", result.Url);
        Assert.Contains("titre=passeport", result.Url);
        Assert.Contains("Vos pièces à fournir", result.Document.QuerySelector("h1")!.TextContent);
        var documents = Documents(result);
        Assert.Contains(documents, d => d.StartsWith("La déclaration de vol faite au commissariat", StringComparison.Ordinal));
        Assert.Contains(documents, d => d.StartsWith("Une photo d'identité de moins de 6 mois", StringComparison.Ordinal));
        Assert.Contains(documents, d => d.Contains("12100*03", StringComparison.Ordinal));
        Assert.DoesNotContain(documents, d => d.StartsWith("Votre passeport actuel", StringComparison.Ordinal));
        Assert.Contains("Passeport d'un majeur : 86 €", result.Text);
        Assert.Contains("Timbre fiscal absent ou d'un montant insuffisant.", result.Text);

        // The address alone gives the same list to whoever opens it.
        using var other = new Browser(app);
        var shared = await other.GetAsync(result.Url);
        Assert.Equal(documents, Documents(shared));
    }

    [Fact]
    public async Task An_identity_card_renewal_is_free_and_a_family_asking_for_both_titles_pays_the_sum_of_the_stamps()
    {
        using var browser = new Browser(app);
        var renewal = await browser.GetAsync("/pieces-a-fournir/liste?titre=cni&situation=renouvellement&age=majeur&titre-recent=oui");
        Assert.Equal(HttpStatusCode.OK, renewal.Status);
        Assert.Contains("Aucun timbre fiscal n'est demandé", renewal.Text);
        Assert.Contains(Documents(renewal), d => d.StartsWith("Votre carte d'identité actuelle", StringComparison.Ordinal));

        var both = await browser.GetAsync("/pieces-a-fournir/liste?titre=les-deux&situation=perte&age=15-17&titre-recent=oui&parents-separes=oui");
        Assert.Contains("Carte d'identité perdue ou volée : 25 €", both.Text);
        Assert.Contains("Passeport d'un mineur de 15 à 17 ans : 42 €", both.Text);
        Assert.Contains("Total : 67 €", both.Text);
        Assert.Contains(Documents(both), d => d.StartsWith("Le jugement de divorce ou de séparation", StringComparison.Ordinal));
        Assert.Contains(Documents(both), d => d.Contains("12101*03", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", 4)]
    [InlineData("titre=permis&situation=vol&age=majeur&titre-recent=oui", 1)]
    [InlineData("titre=cni&situation=vol&age=%3Cscript%3E&titre-recent=oui", 1)]
    [InlineData("titre=cni&situation=premiere&age=majeur&titre-recent=non", 2)]
    [InlineData("titre=cni&titre=passeport&situation=vol&age=majeur&titre-recent=oui", 1)]
    public async Task Missing_or_wrong_answers_give_the_questionnaire_back_with_french_errors_and_400(string query, int errors)
    {
        using var browser = new Browser(app);
        var page = await browser.GetAsync("/pieces-a-fournir/liste?" + query + "&x=" + new string('a', 3000));

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.StartsWith("Erreur", page.Title);
        var summary = page.Document.QuerySelector(".errors[role=alert]");
        Assert.NotNull(summary);
        var links = summary!.QuerySelectorAll("a").ToList();
        Assert.Equal(errors, links.Count);
        foreach (var link in links)
        {
            Assert.True(Answers.LooksFrench(link.TextContent), link.TextContent);
            var target = page.Document.QuerySelector(link.GetAttribute("href")!);
            Assert.NotNull(target);
            Assert.Equal("true", target!.GetAttribute("aria-invalid"));
        }
        Assert.NotNull(page.Document.QuerySelector("main form[method=get]"));
        Assert.DoesNotContain("<script>", page.Html);
    }

    [Fact]
    public async Task Every_checklist_page_is_french_titled_and_light()
    {
        using var admin = new Browser(app);
        await admin.SignInAsync("admin@lorval.demo");
        string[] urls =
        [
            "/pieces-a-fournir",
            "/pieces-a-fournir/mairie-lorval?titre=cni",
            "/pieces-a-fournir/liste?titre=les-deux&situation=premiere&age=moins-15&titre-recent=non&naissance=inconnu&nationalite=non&nom-usage=oui&parents-separes=oui",
            "/pieces-a-fournir/liste/mairie-lorval",
            "/pieces-a-fournir/faq",
            "/pieces-a-fournir/faq/mairie-lorval",
            "/admin/pieces-a-fournir",
        ];
        foreach (var url in urls)
        {
            var page = await admin.GetAsync(url);
            Assert.True(page.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{url}: {page.Status}");
            Assert.Equal("text/html", page.Response.Content.Headers.ContentType?.MediaType);
            Assert.EndsWith("– Guichet", page.Title);
            Assert.Single(page.Document.QuerySelectorAll("h1"));
            Assert.True(Answers.LooksFrench(page.Text), $"{url}: {page.Text}");
            Assert.True(page.Bytes < 100 * 1024, $"{url} weighs {page.Bytes} bytes");
            // The Content-Security-Policy forbids inline scripts and styles: the pages carry none.
            Assert.Empty(page.Document.QuerySelectorAll("script:not([src]), style, [style]"));
        }
    }

    [Theory]
    [InlineData("/pieces-a-fournir/mairie-inconnue")]
    [InlineData("/pieces-a-fournir/liste/mairie-inconnue?titre=cni&situation=vol&age=majeur&titre-recent=oui")]
    [InlineData("/pieces-a-fournir/faq/mairie-inconnue")]
    public async Task An_unknown_town_hall_answers_404_in_french(string url)
    {
        using var browser = new Browser(app);
        var page = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.Contains("Cette adresse ne correspond à aucune mairie.", page.Text);
    }

    [Fact]
    public async Task The_faq_page_lists_the_questions_of_the_rule_set()
    {
        using var browser = new Browser(app);
        var faq = await browser.GetAsync("/pieces-a-fournir/faq/mairie-saint-aubin");
        Assert.Equal(HttpStatusCode.OK, faq.Status);
        Assert.True(faq.Document.QuerySelectorAll("main h2").Length >= 5);
        Assert.Contains("La carte d'identité est-elle payante ?", faq.Text);
        Assert.Contains("Mairie de Saint-Aubin-sur-Lorne", faq.Text);
    }

    [Fact]
    public async Task The_appointment_page_links_to_the_questionnaire_of_its_town_hall_with_the_title_chosen()
    {
        var slot = await app.FirstFreeSlotAsync("PASSPORT", "montclair-mairie");
        var booked = await (await app.BookAsync(GuichetApp.Booking(slot, reason: "PASSPORT"))).Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json);
        using var browser = new Browser(app);
        var manage = await browser.GetAsync(new Uri(booked!.ManageUrl).PathAndQuery);

        var link = manage.Links("main a").Single(a => a.TextContent.Contains("Quelles pièces apporter ?", StringComparison.Ordinal));
        Assert.Equal("/pieces-a-fournir/mairie-montclair?titre=passeport", link.GetAttribute("href"));
        var questionnaire = await browser.GetAsync(link.GetAttribute("href")!);
        Assert.Equal(HttpStatusCode.OK, questionnaire.Status);
        Assert.NotNull(questionnaire.Document.QuerySelector("#titre-passeport[checked]"));
        Assert.Null(questionnaire.Document.QuerySelector("#titre-cni[checked]"));
        Assert.Equal("/pieces-a-fournir/liste/mairie-montclair", questionnaire.Form("main form").GetAttribute("action"));
    }

    [Fact]
    public async Task An_administrators_changes_apply_to_the_citizens_of_that_organisation_only()
    {
        const string answers = "?titre=passeport&situation=renouvellement&age=majeur&titre-recent=oui";
        using var admin = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SignInAsync("admin@lorval.demo")).Status);
        var page = await admin.GetAsync("/admin/pieces-a-fournir");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Pièces à fournir — Mairie de Lorval", page.Text);

        // A wrong amount is refused with a French message, and nothing changes.
        var wrong = await admin.SubmitAsync(page, page.Form("main form[action*='handler=amount']:has(input[value='stamp-passport-adult'])"),
            new Dictionary<string, string?> { ["amount"] = "-5" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.Status);
        Assert.Contains("Indiquez un montant en euros", wrong.Text);
        Assert.Equal(0, await app.WithDbAsync(db => db.ChecklistOverrides.CountAsync(o => o.OrganisationId == "mairie-lorval")));

        var amount = await admin.SubmitAsync(page, page.Form("main form[action*='handler=amount']:has(input[value='stamp-passport-adult'])"),
            new Dictionary<string, string?> { ["amount"] = "88,50" });
        Assert.Equal(HttpStatusCode.OK, amount.Status);
        Assert.Contains("88,50 €", amount.Text);
        var disabled = await admin.SubmitAsync(amount, amount.Form("main form[action*='handler=disable']:has(input[value='photo'])"));
        Assert.Equal(HttpStatusCode.OK, disabled.Status);
        var added = await admin.SubmitAsync(disabled, disabled.Form("main form[action*='handler=add']"),
            new Dictionary<string, string?> { ["text"] = "Une enveloppe timbrée à votre adresse", ["scope"] = "Passport" });
        Assert.Equal(HttpStatusCode.OK, added.Status);
        Assert.Contains("Une enveloppe timbrée à votre adresse", added.Text);

        using var citizen = new Browser(app);
        var lorval = await citizen.GetAsync("/pieces-a-fournir/liste/mairie-lorval" + answers);
        Assert.Contains("Passeport d'un majeur : 88,50 €", lorval.Text);
        Assert.DoesNotContain(Documents(lorval), d => d.StartsWith("Une photo d'identité", StringComparison.Ordinal));
        Assert.Equal("Une enveloppe timbrée à votre adresse", Documents(lorval)[^1]);
        var lorvalCard = await citizen.GetAsync("/pieces-a-fournir/liste/mairie-lorval?titre=cni&situation=renouvellement&age=majeur&titre-recent=oui");
        Assert.DoesNotContain("Une enveloppe timbrée", lorvalCard.Text);

        foreach (var url in new[] { "/pieces-a-fournir/liste/mairie-saint-aubin" + answers, "/pieces-a-fournir/liste" + answers })
        {
            var elsewhere = await citizen.GetAsync(url);
            Assert.Contains("Passeport d'un majeur : 86 €", elsewhere.Text);
            Assert.Contains(Documents(elsewhere), d => d.StartsWith("Une photo d'identité", StringComparison.Ordinal));
            Assert.DoesNotContain("Une enveloppe timbrée", elsewhere.Text);
        }

        // Back as it was: the row is asked again, the line removed.
        var restored = await admin.SubmitAsync(added, added.Form("main form[action*='handler=enable']:has(input[value='photo'])"));
        var line = restored.Document.QuerySelectorAll("main form[action*='handler=remove'] input[name=rule]").Single().GetAttribute("value")!;
        var removed = await admin.SubmitAsync(restored, restored.Form($"main form[action*='handler=remove']:has(input[value='{line}'])"));
        Assert.Equal(HttpStatusCode.OK, removed.Status);
        var after = await citizen.GetAsync("/pieces-a-fournir/liste/mairie-lorval" + answers);
        Assert.Contains(Documents(after), d => d.StartsWith("Une photo d'identité", StringComparison.Ordinal));
        Assert.DoesNotContain("Une enveloppe timbrée", after.Text);
        Assert.Contains("Passeport d'un majeur : 88,50 €", after.Text);
    }

    [Fact]
    public async Task An_administrator_cannot_touch_a_row_that_does_not_exist_nor_post_without_the_antiforgery_token()
    {
        using var admin = new Browser(app);
        await admin.SignInAsync("admin@lorval.demo");
        var token = await admin.AntiforgeryTokenAsync("/admin/pieces-a-fournir");

        var unknown = await admin.PostAsync("/admin/pieces-a-fournir?handler=disable",
            [new("rule", "n-existe-pas"), new("__RequestVerificationToken", token)]);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Contains("Cette ligne n'existe pas.", unknown.Text);

        var forged = await admin.PostAsync("/admin/pieces-a-fournir?handler=disable", [new("rule", "photo")]);
        Assert.Equal(HttpStatusCode.BadRequest, forged.Status);
        Assert.Equal(0, await app.WithDbAsync(db => db.ChecklistOverrides.CountAsync(o => o.RuleId == "photo" && o.Disabled)));
    }

    [Fact]
    public async Task A_plain_agent_is_refused_the_checklist_administration()
    {
        using var agent = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await agent.SignInAsync("accueil@lorval.demo")).Status);

        var answer = await agent.GetAsync("/admin/pieces-a-fournir");
        Assert.Equal(HttpStatusCode.Redirect, answer.Status);
        Assert.StartsWith("/acces-refuse", new Uri(new Uri("http://localhost"), answer.Location!).PathAndQuery);
        var denied = await agent.FollowAsync(answer);
        Assert.Equal(HttpStatusCode.Forbidden, denied.Status);

        using var stranger = new Browser(app);
        var anonymous = await stranger.GetAsync("/admin/pieces-a-fournir");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.Status);
        Assert.StartsWith("/connexion", new Uri(new Uri("http://localhost"), anonymous.Location!).PathAndQuery);
    }
}
