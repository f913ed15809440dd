using System.Net;
using System.Text.Json;
using Guichet.Domain.Requests;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Features.Requests;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guichet.Web.Tests;

/// <summary>The requests app with the retention job off: tests run it themselves with the fake clock.</summary>
public sealed class CitizenApp : RequestsApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Retention:Enabled"] = "false",
    };

    public async Task<int> RunRetentionAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RetentionJob>().RunOnceAsync(CancellationToken.None);
    }

    public async Task<Browser> AgentAsync(string email = "accueil@lorval.demo")
    {
        var browser = new Browser(this);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).Status);
        return browser;
    }

    public async Task<CitizenRequest> WebRequestAsync(string lastName, string? email, string category = "lorval-voirie", double? latitude = null, double? longitude = null,
        string? text = null)
    {
        using var citizen = new Browser(this);
        var values = category == "saint-aubin-voirie"
            ? new Dictionary<string, string?> { ["champ1"] = "Chaussée", ["text"] = text ?? "Chaussée déformée route de Lorval.", ["lastName"] = lastName, ["firstName"] = "Dominique", ["email"] = email, ["consent"] = "oui" }
            : Voirie(lastName, email);
        if (text is not null) values["text"] = text;
        if (category == "lorval-proprete") values["champ1"] = "Dépôt sauvage";
        if (latitude is { } lat)
        {
            values["latitude"] = lat.ToString(System.Globalization.CultureInfo.InvariantCulture);
            values["longitude"] = longitude!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var done = await SendAsync(citizen, category, values, ("photo.png", "image/png", Png));
        Assert.True(done.Status == HttpStatusCode.OK, done.Text);
        return await RequestAsync(CodeOn(done));
    }

    public async Task SetCategoryAsync(string id, SilenceRule rule, int months = 2, int retention = Retention.DefaultMonths) =>
        await WithDbAsync(async db =>
        {
            var c = await db.Set<Category>().FirstAsync(x => x.Id == id);
            (c.SilenceRule, c.SilenceMonths, c.RetentionMonths) = (rule, months, retention);
            return await db.SaveChangesAsync();
        });
}

/// <summary>
/// The citizen's side of requests (issue 6): the R112-5 contents of the acknowledgement, the PDF letter, the personal
/// space by e-mail link, the map and its GeoJSON export, export and erasure of a citizen's data.
/// </summary>
public sealed class RequestCitizenTests(CitizenApp app) : IClassFixture<CitizenApp>
{
    [Fact]
    public async Task An_administrator_sets_silence_as_rejection_and_the_acknowledgement_gives_the_decision_date_and_the_appeal_routes()
    {
        using var admin = await app.AgentAsync("admin@lorval.demo");
        var page = await admin.GetAsync("/admin/demandes/categories?categorie=lorval-etat-civil");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var saved = await admin.SubmitAsync(page, "form#categorie", new Dictionary<string, string?> { ["silenceRule"] = "Rejection", ["silenceMonths"] = "2", ["retentionMonths"] = "24" });
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        var category = await app.WithDbAsync(db => db.Set<Category>().AsNoTracking().FirstAsync(c => c.Id == "lorval-etat-civil"));
        Assert.Equal((SilenceRule.Rejection, 2, 24), (category.SilenceRule, category.SilenceMonths, category.RetentionMonths));
        var refused = await admin.SubmitAsync(await admin.GetAsync("/admin/demandes/categories?categorie=lorval-etat-civil"), "form#categorie",
            new Dictionary<string, string?> { ["silenceRule"] = "Peut-être", ["silenceMonths"] = "0", ["retentionMonths"] = "9999" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("Choisissez ce que vaut le silence", refused.Text);
        Assert.Contains("La durée de conservation est un nombre de mois", refused.Text);

        using var citizen = new Browser(app);
        var done = await RequestsApp.SendAsync(citizen, "lorval-etat-civil", new Dictionary<string, string?>
        {
            ["champ1"] = "Naissance", ["champ2"] = "Copie intégrale", ["champ3"] = "1990-03-04", ["champ4"] = "Léa Silence",
            ["text"] = "Copie intégrale de mon acte de naissance.", ["lastName"] = "Silence", ["firstName"] = "Léa", ["email"] = "lea.silence@exemple.fr", ["consent"] = "oui",
        });
        Assert.Equal(HttpStatusCode.OK, done.Status);
        // Received Monday 30 November 2026: two calendar months later.
        Assert.Contains("Réputée rejetée le samedi 30 janvier 2027", done.Text);
        Assert.Contains("recours contentieux devant le tribunal administratif", done.Text);
        var stored = await app.RequestAsync(RequestsApp.CodeOn(done));
        Assert.Equal((SilenceRule.Rejection, (DateOnly?)new DateOnly(2027, 1, 30)), (stored.SilenceRule, stored.ImplicitDecisionOn));

        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        var mail = Assert.Single(app.Sink.Messages, m => m.To.Contains("lea.silence@exemple.fr")).Parsed;
        var text = mail.Find("text/plain")!.Text;
        Assert.Contains("Réputée rejetée le : samedi 30 janvier 2027", text);
        Assert.Contains("recours gracieux auprès de Mairie de Lorval", text);
        Assert.Contains("dans un délai de deux mois", text);
        Assert.Contains("tribunal administratif", mail.Find("text/html")!.Text);

        // Changing the category later does not rewrite what the acknowledgement promised.
        await app.SetCategoryAsync("lorval-etat-civil", SilenceRule.None);
        Assert.Equal(new DateOnly(2027, 1, 30), (await app.RequestAsync(stored.TrackingCode)).ImplicitDecisionOn);
    }

    [Fact]
    public async Task An_incomplete_request_gets_the_missing_documents_and_its_delays_wait_for_them_then_restart_from_their_receipt()
    {
        await app.SetCategoryAsync("lorval-voirie", SilenceRule.Acceptance);
        try
        {
            // Received Monday 30 November 2026: answer within 5 working days, deemed accepted two months later.
            var r = await app.WebRequestAsync("Pieces", "pieces@exemple.fr");
            Assert.Equal((new DateOnly(2026, 12, 7), (DateOnly?)new DateOnly(2027, 1, 30)), (r.DueDate, r.ImplicitDecisionOn));
            using var agent = await app.AgentAsync();
            var page = await agent.GetAsync($"/agent/demandes/{r.Id}");
            Assert.Equal(HttpStatusCode.OK, page.Status);

            var empty = await agent.SubmitAsync(page, "form#demander-pieces", new Dictionary<string, string?> { ["documents"] = " \n- \n", ["supplyBy"] = "2026-12-15" });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.Status);
            Assert.Contains("Indiquez les pièces ou informations manquantes", empty.Text);
            var past = await agent.SubmitAsync(page, "form#demander-pieces", new Dictionary<string, string?> { ["documents"] = "Photo", ["supplyBy"] = "2026-11-20" });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, past.Status);
            Assert.Contains("postérieure à aujourd'hui", past.Text);
            Assert.Equal("Photo", past.Document.QuerySelector("textarea#documents")!.TextContent);   // what the agent typed stays
            Assert.Equal("2026-11-20", past.Document.QuerySelector("input#supplyBy")!.GetAttribute("value"));
            var notADate = await agent.SubmitAsync(page, "form#demander-pieces", new Dictionary<string, string?> { ["documents"] = "Photo", ["supplyBy"] = "bientôt" });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, notADate.Status);
            Assert.Contains("Indiquez la date limite", notADate.Text);
            Assert.Null((await app.RequestAsync(r.TrackingCode)).MissingDocumentsBy);

            var asked = await agent.SubmitAsync(page, "form#demander-pieces", new Dictionary<string, string?>
            {
                ["documents"] = "Photo du trou avec un repère de taille\n- Adresse exacte ou numéro de lampadaire le plus proche\n",
                ["supplyBy"] = "2026-12-15",
            });
            Assert.Equal(HttpStatusCode.Redirect, asked.Status);
            var shown = await agent.FollowAsync(asked);
            Assert.Contains("La demande de pièces est envoyée par courriel", shown.Text);
            Assert.Contains("Échéance reportée au mardi 22 décembre 2026", shown.Text);
            // Delays counted from the supply-by day, Tuesday 15 December: five working days, two months.
            var waiting = await app.RequestAsync(r.TrackingCode);
            Assert.Equal((new DateOnly(2026, 12, 22), (DateOnly?)new DateOnly(2027, 2, 15), (DateOnly?)new DateOnly(2026, 12, 15), (DateOnly?)new DateOnly(2026, 12, 15)),
                (waiting.DueDate, waiting.ImplicitDecisionOn, waiting.DelaysFrom, waiting.MissingDocumentsBy));
            Assert.Equal(RequestStatus.Received, waiting.Status);
            Assert.Equal(waiting.UpdatedUtc, waiting.FirstResponseUtc);   // a message to the citizen: the first response
            var again = await agent.SubmitAsync(shown, "form#pieces-recues", new Dictionary<string, string?> { ["documentsOn"] = "2026-12-01" });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, again.Status);
            Assert.Contains("ne peuvent pas être reçues dans le futur", again.Text);
            Assert.Null(again.Document.QuerySelector("form#demander-pieces"));   // one list at a time

            await app.Dispatcher.RunOnceAsync(CancellationToken.None);
            var mail = Assert.Single(app.Sink.Messages, m => m.To.Contains("pieces@exemple.fr") && m.Parsed.DecodedHeader("Subject").Contains("pièces à fournir", StringComparison.Ordinal)).Parsed;
            Assert.Contains(TrackingCode.Display(r.TrackingCode), mail.DecodedHeader("Subject"));
            var text = mail.Find("text/plain")!.Text;
            foreach (var expected in new[]
                     {
                         "- Photo du trou avec un repère de taille", "- Adresse exacte ou numéro de lampadaire le plus proche",
                         "À fournir au plus tard le mardi 15 décembre 2026", "L114-5", "réputée acceptée ne courent qu'à compter de leur réception",
                         "Réponse au plus tard le mardi 22 décembre 2026", "lundi 15 février 2027", "Service voirie",
                     })
                Assert.Contains(expected, text);
            Assert.Contains("<li>Photo du trou avec un rep", mail.Find("text/html")!.Text);   // the HTML encoder writes è as an entity

            using var citizen = new Browser(app);
            var tracked = await citizen.SubmitAsync(await citizen.GetAsync("/suivi"), values: new Dictionary<string, string?> { ["code"] = r.TrackingCode, ["lastName"] = "pieces" });
            Assert.Contains("Pièces ou informations à fournir au plus tard le mardi 15 décembre 2026", tracked.Text);
            Assert.Contains("Adresse exacte ou numéro de lampadaire le plus proche", tracked.Text);
            Assert.Contains("mardi 22 décembre 2026 si les pièces arrivent à la date limite", tracked.Text);

            // The acknowledgement printed now carries the missing documents (R112-5, 3°).
            var pdf = PdfText.Of(await agent.Http.GetByteArrayAsync($"/agent/demandes/{r.Id}/accuse-reception.pdf")).Replace("\n", " ");
            Assert.Contains("Pièces ou informations à fournir", pdf);
            Assert.Contains("mardi 15 décembre 2026", pdf);

            // They come today: the delays run from today, as long as they were.
            var received = await agent.SubmitAsync(shown, "form#pieces-recues", new Dictionary<string, string?> { ["documentsOn"] = "2026-11-30" });
            Assert.Equal(HttpStatusCode.Redirect, received.Status);
            Assert.Contains("échéance au lundi 7 décembre 2026, l'usager est prévenu par courriel", (await agent.FollowAsync(received)).Text);
            await app.Dispatcher.RunOnceAsync(CancellationToken.None);
            var news = Assert.Single(app.Sink.Messages, m => m.To.Contains("pieces@exemple.fr") && m.Parsed.DecodedHeader("Subject").EndsWith("pièces reçues", StringComparison.Ordinal)).Parsed;
            Assert.Contains("a reçu le lundi 30 novembre 2026 les pièces demandées", news.Find("text/plain")!.Text);
            Assert.Contains("Réponse au plus tard le lundi 7 décembre 2026. Sans réponse au samedi 30 janvier 2027, votre demande sera réputée acceptée.", news.Find("text/plain")!.Text);
            var complete = await app.RequestAsync(r.TrackingCode);
            Assert.Equal((new DateOnly(2026, 12, 7), (DateOnly?)new DateOnly(2027, 1, 30), (DateOnly?)new DateOnly(2026, 11, 30), (DateOnly?)null, (string?)null),
                (complete.DueDate, complete.ImplicitDecisionOn, complete.DelaysFrom, complete.MissingDocumentsBy, complete.MissingDocuments));
            var history = await app.WithDbAsync(db => db.Set<RequestEvent>().AsNoTracking().Where(e => e.RequestId == r.Id && e.Public).Select(e => e.Kind).ToListAsync());
            Assert.Contains(RequestEventKind.DocumentsRequested, history);
            Assert.Contains(RequestEventKind.DocumentsReceived, history);
            tracked = await citizen.SubmitAsync(await citizen.GetAsync("/suivi"), values: new Dictionary<string, string?> { ["code"] = r.TrackingCode, ["lastName"] = "pieces" });
            Assert.Contains("Pièces reçues le lundi 30 novembre 2026 : réponse au plus tard le lundi 7 décembre 2026", tracked.Text);
            Assert.DoesNotContain("à fournir au plus tard", tracked.Text.Replace("Pièces demandées, à fournir au plus tard", "", StringComparison.Ordinal));
        }
        finally
        {
            await app.SetCategoryAsync("lorval-voirie", SilenceRule.None);
        }
    }

    [Fact]
    public async Task A_citizen_reachable_only_by_mobile_gets_the_missing_documents_by_sms()
    {
        using var citizen = new Browser(app);
        var done = await RequestsApp.SendAsync(citizen, "lorval-voirie", RequestsApp.Voirie("Mobile", email: null, phone: "06 12 34 56 78"), ("photo.png", "image/png", RequestsApp.Png));
        Assert.Equal(HttpStatusCode.OK, done.Status);
        var r = await app.RequestAsync(RequestsApp.CodeOn(done));
        using var agent = await app.AgentAsync();
        var asked = await agent.SubmitAsync(await agent.GetAsync($"/agent/demandes/{r.Id}"), "form#demander-pieces",
            new Dictionary<string, string?> { ["documents"] = "Photo du trou", ["supplyBy"] = "15/12/2026" });   // typed by hand
        Assert.Equal(HttpStatusCode.Redirect, asked.Status);
        Assert.Contains("La demande de pièces est envoyée par SMS", (await agent.FollowAsync(asked)).Text);
        var sms = Assert.Single(await app.WithDbAsync(db => db.OutboxMessages.AsNoTracking()
            .Where(m => m.IdempotencyKey.StartsWith("request:" + r.Id + ":") && m.Kind == MessageKind.RequestDocuments).ToListAsync()));
        Assert.Equal((MessageChannel.Sms, "+33612345678"), (sms.Channel, sms.Recipient));
        Assert.Contains($"demande {r.TrackingCode} incomplète : merci de fournir Photo du trou avant le 15/12/2026", sms.Body);
        Assert.Contains("réponse au plus tard le 22/12/2026", sms.Body);

        // Rejected meanwhile: nothing is awaited any more, on the tracking page or for the agent.
        var rejected = await agent.SubmitAsync(await agent.GetAsync($"/agent/demandes/{r.Id}"), "form#changer-etat",
            new Dictionary<string, string?> { ["status"] = "Rejected", ["comment"] = "Hors compétence de la commune." });
        Assert.Equal(HttpStatusCode.Redirect, rejected.Status);
        var page = await agent.FollowAsync(rejected);
        Assert.Null(page.Document.QuerySelector("form#pieces-recues"));
        Assert.DoesNotContain("Pièces attendues", page.Text);
        using var citizen2 = new Browser(app);
        var tracked = await citizen2.SubmitAsync(await citizen2.GetAsync("/suivi"), values: new Dictionary<string, string?> { ["code"] = r.TrackingCode, ["lastName"] = "mobile" });
        Assert.Contains("Hors compétence de la commune.", tracked.Text);
        Assert.DoesNotContain("Pièces ou informations à fournir", tracked.Text);
    }

    [Fact]
    public async Task An_agent_of_another_organisation_cannot_ask_for_documents_or_record_them()
    {
        var r = await app.WebRequestAsync("Isole", "isole@exemple.fr");
        using var other = await app.AgentAsync("admin@saint-aubin.demo");
        var token = await other.AntiforgeryTokenAsync("/agent/demandes/nouvelle");
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/agent/demandes/{r.Id}?handler=Documents",
            [new("__RequestVerificationToken", token), new("documents", "Photo"), new("supplyBy", "2026-12-15")])).Status);
        Assert.Null((await app.RequestAsync(r.TrackingCode)).MissingDocumentsBy);

        using var own = await app.AgentAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await own.SubmitAsync(await own.GetAsync($"/agent/demandes/{r.Id}"), "form#demander-pieces",
            new Dictionary<string, string?> { ["documents"] = "Photo", ["supplyBy"] = "2026-12-15" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/agent/demandes/{r.Id}?handler=DocumentsReceived",
            [new("__RequestVerificationToken", token), new("documentsOn", "2026-11-30")])).Status);
        Assert.Equal(new DateOnly(2026, 12, 15), (await app.RequestAsync(r.TrackingCode)).MissingDocumentsBy);
    }

    [Fact]
    public async Task A_post_request_gets_a_pdf_letter_with_the_addresses_the_legal_contents_and_the_code_and_each_download_is_in_the_history()
    {
        await app.SetCategoryAsync("lorval-proprete", SilenceRule.Acceptance, months: 2);
        using var agent = await app.AgentAsync();
        var form = await agent.GetAsync("/agent/demandes/nouvelle?categorie=lorval-proprete");
        var done = await agent.SubmitAsync(form, "form#enregistrer", new Dictionary<string, string?>
        {
            ["channel"] = "Post", ["champ1"] = "Dépôt sauvage", ["locationAddress"] = "Chemin du Lavoir",
            ["text"] = "Courrier : dépôt de gravats chemin du Lavoir.", ["lastName"] = "Courrier", ["firstName"] = "Paul",
            ["postalAddress"] = "4 chemin des Saules, 53120 Lorval", ["email"] = "", ["phone"] = "",
        });
        Assert.True(done.Status == HttpStatusCode.OK, done.Text);
        var r = await app.RequestAsync(RequestsApp.CodeOn(done));
        var link = done.Links("a[href$='accuse-reception.pdf']").Single();
        Assert.Equal($"/agent/demandes/{r.Id}/accuse-reception.pdf", link.GetAttribute("href"));
        Assert.Contains(link.GetAttribute("href"), (await agent.GetAsync($"/agent/demandes/{r.Id}")).Links("main a").Select(a => a.GetAttribute("href")));

        var answer = await agent.Http.GetAsync(link.GetAttribute("href"));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("application/pdf", answer.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"accuse-reception-{r.TrackingCode}.pdf", answer.Content.Headers.ContentDisposition?.ToString());
        var pdf = await answer.Content.ReadAsByteArrayAsync();
        Assert.True(PdfText.IsPdf(pdf));
        var text = PdfText.Of(pdf);
        var joined = text.Replace("\n", " ");
        foreach (var expected in new[]
                 {
                     "Mairie de Lorval", "Service propreté urbaine", "8 rue des Tanneurs", "53120 Lorval", "02 43 98 12 40", "proprete@lorval.demo",
                     "Paul Courrier", "4 chemin des Saules", "Accusé de réception", "lundi 30 novembre 2026", "Courrier",
                     "lundi 21 décembre 2026", TrackingCode.Display(r.TrackingCode), "Réputée acceptée le", "samedi 30 janvier 2027", "attestation",
                     "France Services",
                 })
            Assert.Contains(expected, joined);
        Assert.Contains($"{RequestsApp.BaseUrl}/suivi", text.Replace("\n", ""));

        Assert.Equal(HttpStatusCode.OK, (await agent.Http.GetAsync(link.GetAttribute("href"))).StatusCode);
        var printed = await app.WithDbAsync(db => db.Set<RequestEvent>().CountAsync(e => e.RequestId == r.Id && e.Kind == RequestEventKind.Printed && e.AgentId == "agent-accueil-lorval-demo"));
        Assert.Equal(2, printed);

        using var other = await app.AgentAsync("admin@saint-aubin.demo");
        var foreign = await other.Http.GetAsync(link.GetAttribute("href"));
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.False(PdfText.IsPdf(await foreign.Content.ReadAsByteArrayAsync()));
        using var anonymous = new Browser(app);
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.Http.GetAsync(link.GetAttribute("href"))).StatusCode);
    }

    [Fact]
    public async Task A_citizen_gets_a_secret_link_by_email_that_lists_all_their_requests_and_an_unknown_address_gets_the_same_answer_and_no_mail()
    {
        var email = "Espace.Perso@Exemple.fr";
        var lorval = await app.WebRequestAsync("Espace", email);
        var aubin = await app.WebRequestAsync("Espace", "espace.perso@exemple.fr", category: "saint-aubin-voirie");
        var stranger = await app.WebRequestAsync("Autre", "quelquun.dautre@exemple.fr");
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        var before = app.Sink.Messages.Count;

        using var citizen = new Browser(app);
        var tracking = await citizen.GetAsync("/suivi");
        Assert.Contains("/mon-espace", tracking.Links("main a").Select(a => a.GetAttribute("href")));
        var form = await citizen.GetAsync("/mon-espace");
        Assert.Equal(HttpStatusCode.OK, form.Status);
        var sent = await citizen.SubmitAsync(form, "form#espace", new Dictionary<string, string?> { ["email"] = "espace.perso@exemple.fr" });
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        var unknown = await citizen.SubmitAsync(await citizen.GetAsync("/mon-espace"), "form#espace", new Dictionary<string, string?> { ["email"] = "personne@exemple.fr" });
        Assert.Equal(HttpStatusCode.OK, unknown.Status);
        Assert.Equal(sent.Text, unknown.Text);
        var invalid = await citizen.SubmitAsync(await citizen.GetAsync("/mon-espace"), "form#espace", new Dictionary<string, string?> { ["email"] = "pas une adresse" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.Status);

        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        var mails = app.Sink.Messages.Skip(before).Where(m => m.To.Contains("espace.perso@exemple.fr") || m.To.Contains("personne@exemple.fr")).ToList();
        var mail = Assert.Single(mails).Parsed;
        Assert.DoesNotContain(mails, m => m.To.Contains("personne@exemple.fr"));
        var body = mail.Find("text/plain")!.Text;
        var url = System.Text.RegularExpressions.Regex.Match(body, @"https://\S+/mon-espace/(?<token>[A-Za-z0-9_-]+)");
        Assert.True(url.Success, body);
        var token = url.Groups["token"].Value;
        Assert.True(token.Length >= 43, token);   // 256 bits in base64url
        // Only the hash is stored.
        var stored = await app.WithDbAsync(db => db.Set<CitizenSpaceLink>().AsNoTracking().ToListAsync());
        Assert.DoesNotContain(stored, l => l.TokenHash == token);
        Assert.Contains(stored, l => l.TokenHash == Guichet.Web.Platform.Secrets.Hash(token));

        var space = await citizen.GetAsync($"/mon-espace/{token}");
        Assert.Equal(HttpStatusCode.OK, space.Status);
        Assert.Contains(TrackingCode.Display(lorval.TrackingCode), space.Text);
        Assert.Contains(TrackingCode.Display(aubin.TrackingCode), space.Text);
        Assert.DoesNotContain(TrackingCode.Display(stranger.TrackingCode), space.Text);
        Assert.Contains("Mairie de Lorval", space.Text);
        Assert.Contains("Mairie de Saint-Aubin-sur-Lorne", space.Text);
        Assert.Contains("Réponse au plus tard le", space.Text);
        Assert.Contains("no-store", space.Response.Headers.CacheControl?.ToString());

        // A public reply shows in the space; an internal note never does.
        using var agent = await app.AgentAsync();
        var detail = await agent.GetAsync($"/agent/demandes/{lorval.Id}");
        detail = await agent.FollowAsync(await agent.SubmitAsync(detail, "form#noter", new Dictionary<string, string?> { ["note"] = "Note interne secrète." }));
        await agent.SubmitAsync(detail, "form#repondre", new Dictionary<string, string?> { ["reply"] = "Réparation prévue lundi." });
        space = await citizen.GetAsync($"/mon-espace/{token}");
        Assert.Contains("Réparation prévue lundi.", space.Text);
        Assert.DoesNotContain("Note interne secrète.", space.Text);

        Assert.Equal(HttpStatusCode.NotFound, (await citizen.GetAsync($"/mon-espace/{token[..^2]}xx")).Status);
        app.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        try
        {
            var expired = await citizen.GetAsync($"/mon-espace/{token}");
            Assert.Equal(HttpStatusCode.NotFound, expired.Status);
            Assert.Contains("Ce lien ne fonctionne plus", expired.Text);
        }
        finally { app.Clock.Advance(-(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1))); }
    }

    [Fact]
    public async Task An_address_gets_at_most_three_links_an_hour_and_the_answer_never_changes()
    {
        await app.WebRequestAsync("Limite", "limite@exemple.fr");
        using var citizen = new Browser(app);
        var answers = new List<string>();
        for (var i = 0; i < 5; i++)
            answers.Add((await citizen.SubmitAsync(await citizen.GetAsync("/mon-espace"), "form#espace", new Dictionary<string, string?> { ["email"] = "limite@exemple.fr" })).Text);
        Assert.Single(answers.Distinct());
        Assert.Equal(CitizenSpace.LinksPerHour, await app.WithDbAsync(db => db.Set<CitizenSpaceLink>().CountAsync(l => l.Email == "limite@exemple.fr")));
        Assert.Equal(CitizenSpace.LinksPerHour, await app.WithDbAsync(db => db.OutboxMessages.CountAsync(m => m.Kind == MessageKind.RequestSpaceLink && m.Recipient == "limite@exemple.fr")));
    }

    [Fact]
    public async Task The_map_draws_the_organisations_requests_without_javascript_and_its_geojson_holds_no_personal_data_nor_another_organisations_points()
    {
        var a = await app.WebRequestAsync("Carte", "carte.a@exemple.fr", latitude: 48.3050, longitude: -0.6100, text: "Texte privé de la demande A");
        var b = await app.WebRequestAsync("Carteb", "carte.b@exemple.fr", category: "saint-aubin-voirie", latitude: 48.4100, longitude: -0.4000, text: "Texte privé de la demande B");

        using var agent = await app.AgentAsync();
        var page = await agent.GetAsync("/agent/demandes/carte");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var svg = page.Document.QuerySelector("main svg");
        Assert.NotNull(svg);
        Assert.Equal("img", svg.GetAttribute("role"));
        Assert.Contains(page.Document.QuerySelectorAll("main svg circle title"), t => t.TextContent.Contains(TrackingCode.Display(a.TrackingCode)));
        Assert.DoesNotContain(TrackingCode.Display(b.TrackingCode), page.Html);
        Assert.Empty(page.Document.QuerySelectorAll("script[src*='http']"));
        Assert.Contains(TrackingCode.Display(a.TrackingCode), page.Document.QuerySelector("main table")!.TextContent);
        // Filters: another category or a period before the request leaves it out.
        Assert.DoesNotContain(TrackingCode.Display(a.TrackingCode), (await agent.GetAsync("/agent/demandes/carte?categorie=lorval-etat-civil")).Html);
        Assert.DoesNotContain(TrackingCode.Display(a.TrackingCode), (await agent.GetAsync("/agent/demandes/carte?au=2026-11-29")).Html);
        Assert.DoesNotContain(TrackingCode.Display(a.TrackingCode), (await agent.GetAsync("/agent/demandes/carte?service=lorval-proprete")).Html);
        Assert.Contains(TrackingCode.Display(a.TrackingCode), (await agent.GetAsync("/agent/demandes/carte?du=2026-11-30&au=2026-11-30&service=lorval-voirie&statut=toutes")).Html);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/agent/demandes/carte?du=pas-une-date")).Status);

        var export = await agent.Http.GetAsync(page.Links("a[href*='carte.geojson']").Single().GetAttribute("href"));
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/geo+json", export.Content.Headers.ContentType?.MediaType);
        var json = await export.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("FeatureCollection", doc.RootElement.GetProperty("type").GetString());
        var features = doc.RootElement.GetProperty("features").EnumerateArray().ToList();
        var feature = Assert.Single(features, f => f.GetProperty("id").GetString() == a.Id);
        Assert.Equal("Point", feature.GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal([-0.61, 48.305], feature.GetProperty("geometry").GetProperty("coordinates").EnumerateArray().Select(c => c.GetDouble()).ToArray());
        Assert.DoesNotContain(features, f => f.GetProperty("id").GetString() == b.Id);
        foreach (var personal in new[] { "Carte", "carte.a@exemple.fr", "Camille", "Texte privé", "Tanneurs", a.TrackingCode, "Saint-Aubin" })
            Assert.DoesNotContain(personal, json);
        var recorded = await app.WithDbAsync(db => db.Set<RequestDataAction>().AsNoTracking()
            .Where(x => x.Kind == DataActionKind.MapExport && x.AgentId == "agent-accueil-lorval-demo" && x.OrganisationId == "mairie-lorval").ToListAsync());
        Assert.NotEmpty(recorded);

        using var other = await app.AgentAsync("admin@saint-aubin.demo");
        var theirs = await other.Http.GetStringAsync("/agent/demandes/carte.geojson?statut=toutes");
        Assert.Contains(b.Id, theirs);
        Assert.DoesNotContain(a.Id, theirs);
        using var anonymous = new Browser(app);
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.Http.GetAsync("/agent/demandes/carte.geojson")).StatusCode);
    }

    [Fact]
    public async Task An_administrator_exports_a_citizens_data_in_json_and_csv_then_erases_it_with_a_reason_and_both_are_recorded()
    {
        var first = await app.WebRequestAsync("Droits", "droits@exemple.fr", text: "Première demande de Droits");
        var second = await app.WebRequestAsync("Droits", "DROITS@exemple.fr", category: "lorval-proprete", text: "Seconde demande de Droits");
        var elsewhere = await app.WebRequestAsync("Droits", "droits@exemple.fr", category: "saint-aubin-voirie", text: "Demande à Saint-Aubin");

        using (var asking = new Browser(app))
            await asking.SubmitAsync(await asking.GetAsync("/mon-espace"), "form#espace", new Dictionary<string, string?> { ["email"] = "droits@exemple.fr" });
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Equal(1, await app.WithDbAsync(db => db.OutboxMessages.CountAsync(m => m.Kind == MessageKind.RequestSpaceLink && m.Recipient == "droits@exemple.fr")));

        using var counter = await app.AgentAsync();
        Assert.NotEqual(HttpStatusCode.OK, (await counter.GetAsync("/admin/demandes/donnees")).Status);

        using var admin = await app.AgentAsync("admin@lorval.demo");
        var page = await admin.GetAsync("/admin/demandes/donnees");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var found = await admin.SubmitAsync(page, "form#chercher", new Dictionary<string, string?> { ["email"] = "Droits@Exemple.fr" });
        Assert.Equal(HttpStatusCode.OK, found.Status);
        Assert.Contains("2 demandes avec cette adresse", found.Text);
        Assert.DoesNotContain(TrackingCode.Display(elsewhere.TrackingCode), found.Text);

        var json = await admin.Http.SendAsync(await PostFormAsync(admin, found, "form#exporter", new() { ["format"] = "json" }));
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
        var exported = await json.Content.ReadAsStringAsync();
        Assert.Contains("Première demande de Droits", exported);
        Assert.Contains("Seconde demande de Droits", exported);
        Assert.Contains(first.TrackingCode, exported);
        Assert.DoesNotContain("Demande à Saint-Aubin", exported);
        var csv = await admin.Http.SendAsync(await PostFormAsync(admin, found, "form#exporter", new() { ["format"] = "csv" }));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var rows = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, rows.Length);
        Assert.Contains(rows, l => l.Contains(second.TrackingCode) && l.Contains("Seconde demande de Droits"));

        var noReason = await admin.SubmitAsync(found, "form#effacer", new Dictionary<string, string?> { ["reason"] = "", ["confirm"] = "true" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.Status);
        Assert.Contains("Indiquez pourquoi", noReason.Text);
        var unconfirmed = await admin.SubmitAsync(found, "form#effacer", new Dictionary<string, string?> { ["reason"] = "Demande écrite du 29 novembre" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unconfirmed.Status);
        Assert.Equal("Droits", (await app.RequestAsync(first.TrackingCode)).LastName);

        var erased = await admin.SubmitAsync(found, "form#effacer", new Dictionary<string, string?> { ["reason"] = "Demande écrite du 29 novembre", ["confirm"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, erased.Status);
        Assert.Contains("Les données des 2 demandes sont effacées", (await admin.FollowAsync(erased)).Text);
        foreach (var r in new[] { first, second })
            await NoPersonalDataLeftAsync(app, r.Id, "Droits", "droits@exemple.fr", "demande de Droits");
        Assert.False(await app.WithDbAsync(db => db.Set<CitizenSpaceLink>().AnyAsync(l => l.Email == "droits@exemple.fr")));
        Assert.False(await app.WithDbAsync(db => db.OutboxMessages.AnyAsync(m => m.Kind == MessageKind.RequestSpaceLink && m.Recipient == "droits@exemple.fr")));
        // Another organisation's request with the same address is theirs to handle.
        Assert.Equal("droits@exemple.fr", (await app.RequestAsync(elsewhere.TrackingCode)).Email);

        var actions = await app.WithDbAsync(db => db.Set<RequestDataAction>().AsNoTracking().Where(x => x.OrganisationId == "mairie-lorval" && x.AgentId == "agent-admin-lorval-demo").ToListAsync());
        Assert.Equal(2, actions.Count(x => x.Kind == DataActionKind.Export));
        var erase = Assert.Single(actions, x => x.Kind == DataActionKind.Erase);
        Assert.Equal((2, "Demande écrite du 29 novembre"), (erase.RequestCount, erase.Reason));
        Assert.Equal(2, await app.WithDbAsync(db => db.Set<RequestEvent>().CountAsync(e => e.RequestId == first.Id && e.Kind == RequestEventKind.Exported)));
        // The request still counts, and the tracking code no longer opens it.
        Assert.Equal(RequestStatus.Received, (await app.RequestAsync(first.TrackingCode)).Status);
        using var citizen = new Browser(app);
        var tracked = await citizen.SubmitAsync(await citizen.GetAsync("/suivi"), values: new Dictionary<string, string?> { ["code"] = first.TrackingCode, ["lastName"] = "Droits" });
        Assert.Equal(HttpStatusCode.NotFound, tracked.Status);
        Assert.Equal(HttpStatusCode.Gone, (await admin.Http.GetAsync($"/agent/demandes/{first.Id}/accuse-reception.pdf")).StatusCode);
    }

    private static async Task<HttpRequestMessage> PostFormAsync(Browser browser, WebPage page, string selector, Dictionary<string, string?> values)
    {
        await Task.CompletedTask;
        var fields = WebPage.FieldsOf(page.Form(selector));
        foreach (var (k, v) in values)
        {
            fields.RemoveAll(f => f.Key == k);
            if (v is not null) fields.Add(new(k, v));
        }
        var action = page.Form(selector).GetAttribute("action") ?? page.Url;
        return new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(fields) };
    }

    /// <summary>Nothing personal left in the request's rows: the request, its events, its attachments, its messages.</summary>
    internal static async Task NoPersonalDataLeftAsync(GuichetApp app, string requestId, params string[] personal)
    {
        var request = await app.WithDbAsync(db => db.CitizenRequests.AsNoTracking().FirstAsync(r => r.Id == requestId));
        Assert.NotNull(request.AnonymisedUtc);
        Assert.Equal((null, null, null, null, null, null, null), (request.FirstName, request.Email, request.Phone, request.PostalAddress, request.LocationAddress, request.Latitude, request.Longitude));
        Assert.Equal("[]", request.FieldValuesJson);
        Assert.Equal("", request.NameKey);
        var rows = new List<string> { JsonSerializer.Serialize(request) };
        rows.AddRange((await app.WithDbAsync(db => db.Set<RequestEvent>().AsNoTracking().Where(e => e.RequestId == requestId).ToListAsync())).Select(e => JsonSerializer.Serialize(e)));
        rows.AddRange((await app.WithDbAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.IdempotencyKey.StartsWith($"request:{requestId}:")).ToListAsync())).Select(m => JsonSerializer.Serialize(m)));
        Assert.Equal(0, await app.WithDbAsync(db => db.Set<RequestAttachment>().CountAsync(a => a.RequestId == requestId)));
        foreach (var row in rows)
            foreach (var p in personal.Append("Camille").Append("Tanneurs"))
                Assert.DoesNotContain(p, row, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Retention on its own app: the test moves the fake clock by years.</summary>
public sealed class RequestRetentionTests(CitizenApp app) : IClassFixture<CitizenApp>
{
    [Fact]
    public async Task A_closed_request_past_its_categorys_retention_is_anonymised_once_keeps_counting_and_a_recent_one_is_kept()
    {
        await app.SetCategoryAsync("lorval-voirie", SilenceRule.None, retention: 12);
        var old = await app.WebRequestAsync("Ancienne", "ancienne@exemple.fr", text: "Texte personnel de Ancienne");
        var open = await app.WebRequestAsync("Ouverte", "ouverte@exemple.fr", text: "Texte de Ouverte");
        var longer = await app.WebRequestAsync("Longue", "longue@exemple.fr", category: "lorval-proprete", text: "Texte de Longue");
        using var agent = await app.AgentAsync();
        // Closed the same day, in a category that keeps data 36 months.
        var other = await agent.GetAsync($"/agent/demandes/{longer.Id}");
        other = await agent.FollowAsync(await agent.SubmitAsync(other, "form#repondre", new Dictionary<string, string?> { ["reply"] = "Enlevé ce matin." }));
        Assert.Equal(HttpStatusCode.Redirect, (await agent.SubmitAsync(other, "form#changer-etat", new Dictionary<string, string?> { ["status"] = "Closed" })).Status);
        var page = await agent.GetAsync($"/agent/demandes/{old.Id}");
        page = await agent.FollowAsync(await agent.SubmitAsync(page, "form#noter", new Dictionary<string, string?> { ["note"] = "Mme Ancienne a rappelé." }));
        page = await agent.FollowAsync(await agent.SubmitAsync(page, "form#repondre", new Dictionary<string, string?> { ["reply"] = "Madame Ancienne, c'est réparé." }));
        var closed = await agent.SubmitAsync(page, "form#changer-etat", new Dictionary<string, string?> { ["status"] = "Closed" });
        Assert.Equal(HttpStatusCode.Redirect, closed.Status);
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        var before = await app.WithDbAsync(db => db.CitizenRequests.CountAsync(r => r.OrganisationId == "mairie-lorval"));

        // Eleven months later: not yet.
        app.Clock.Advance(TimeSpan.FromDays(335));
        Assert.Equal(0, await app.RunRetentionAsync());
        Assert.Equal("Ancienne", (await app.RequestAsync(old.TrackingCode)).LastName);

        // Past twelve months after the closure: anonymised, once.
        app.Clock.Advance(TimeSpan.FromDays(40));
        Assert.Equal(1, await app.RunRetentionAsync());
        Assert.Equal(0, await app.RunRetentionAsync());
        await RequestCitizenTests.NoPersonalDataLeftAsync(app, old.Id, "Ancienne", "ancienne@exemple.fr", "Texte personnel");
        var history = await app.WithDbAsync(db => db.Set<RequestEvent>().AsNoTracking().Where(e => e.RequestId == old.Id).ToListAsync());
        Assert.Contains(history, e => e.Kind == RequestEventKind.Reply);
        Assert.Contains(history, e => e.Kind == RequestEventKind.Note && e.Text == null);
        Assert.Single(history, e => e.Kind == RequestEventKind.Anonymised);
        Assert.Equal(RequestStatus.Closed, (await app.RequestAsync(old.TrackingCode)).Status);
        Assert.Equal(before, await app.WithDbAsync(db => db.CitizenRequests.CountAsync(r => r.OrganisationId == "mairie-lorval")));
        Assert.Single(await app.WithDbAsync(db => db.Set<RequestDataAction>().AsNoTracking().Where(x => x.Kind == DataActionKind.Anonymise).ToListAsync()));

        // The other category's closed request is kept until its own retention has run.
        Assert.Equal(("Longue", (DateTime?)null), ((await app.RequestAsync(longer.TrackingCode)).LastName, (await app.RequestAsync(longer.TrackingCode)).AnonymisedUtc));
        // The open request keeps everything, whatever its age.
        var kept = await app.RequestAsync(open.TrackingCode);
        Assert.Equal(("Ouverte", "ouverte@exemple.fr", null), (kept.LastName, kept.Email, kept.AnonymisedUtc));
        Assert.Equal(1, await app.WithDbAsync(db => db.Set<RequestAttachment>().CountAsync(a => a.RequestId == open.Id)));

        // The history is still append-only for anything but blanking a text.
        await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(db => db.Set<RequestEvent>().Where(e => e.RequestId == old.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.Text, "réécrit"))));
    }
}
