using System.Net;
using Guichet.Domain.Requests;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Features.Requests;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests;

/// <summary>The agents' side: inbox, request page, state machine, notes, replies, transfers, registration, isolation.</summary>
public sealed class RequestAgentTests(RequestsApp app) : IClassFixture<RequestsApp>
{
    private async Task<Browser> AgentAsync(string email = "accueil@lorval.demo")
    {
        var browser = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).Status);
        return browser;
    }

    private async Task<CitizenRequest> NewRequestAsync(string lastName = "Martin", string? email = "camille.martin@exemple.fr", string? phone = null)
    {
        using var citizen = new Browser(app);
        return await app.RequestAsync(RequestsApp.CodeOn(await RequestsApp.SendAsync(citizen, "lorval-voirie", RequestsApp.Voirie(lastName, email, phone),
            ("trou.png", "image/png", RequestsApp.Png))));
    }

    private static Task<WebPage> ActAsync(Browser agent, WebPage page, string form, Dictionary<string, string?>? values = null) =>
        agent.SubmitAsync(page, form, values ?? []);

    [Fact]
    public async Task The_inbox_lists_the_organisations_open_requests_and_filters_them()
    {
        var r = await NewRequestAsync("Inbox");
        using var agent = await AgentAsync();
        var inbox = await agent.GetAsync("/agent/demandes");
        Assert.Equal(HttpStatusCode.OK, inbox.Status);
        Assert.Contains(TrackingCode.Display(r.TrackingCode), inbox.Text);
        Assert.Contains("Voirie : chaussée, trottoir, éclairage", inbox.Text);
        Assert.DoesNotContain(TrackingCode.Display(r.TrackingCode), (await agent.GetAsync("/agent/demandes?canal=Post")).Text);
        Assert.DoesNotContain(TrackingCode.Display(r.TrackingCode), (await agent.GetAsync("/agent/demandes?categorie=lorval-etat-civil")).Text);
        Assert.DoesNotContain(TrackingCode.Display(r.TrackingCode), (await agent.GetAsync("/agent/demandes?statut=Closed")).Text);
        Assert.DoesNotContain(TrackingCode.Display(r.TrackingCode), (await agent.GetAsync("/agent/demandes?retard=true")).Text);
        Assert.Contains(TrackingCode.Display(r.TrackingCode), (await agent.GetAsync("/agent/demandes?canal=Web&statut=Received")).Text);
    }

    [Fact]
    public async Task An_agent_of_another_organisation_gets_404_on_every_request_url_and_never_sees_it_listed()
    {
        var r = await NewRequestAsync("Isolation");
        var attachment = await app.WithDbAsync(db => db.Set<RequestAttachment>().Where(a => a.RequestId == r.Id).Select(a => a.Id).SingleAsync());
        using var own = await AgentAsync();
        var page = await own.GetAsync($"/agent/demandes/{r.Id}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(HttpStatusCode.OK, (await own.GetAsync($"/agent/demandes/{r.Id}/pieces/{attachment}")).Status);

        using var other = await AgentAsync("admin@saint-aubin.demo");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/agent/demandes/{r.Id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/agent/demandes/{r.Id}/pieces/{attachment}")).Status);
        Assert.DoesNotContain(TrackingCode.Display(r.TrackingCode), (await other.GetAsync("/agent/demandes?statut=toutes")).Text);
        var token = await other.AntiforgeryTokenAsync("/agent/demandes/nouvelle");
        foreach (var (handler, field, value) in new[] { ("Assign", "x", "x"), ("Status", "status", "InProgress"), ("Note", "note", "intrus"), ("Reply", "reply", "intrus"), ("Transfer", "unitId", "saint-aubin-technique") })
        {
            var answer = await other.PostAsync($"/agent/demandes/{r.Id}?handler={handler}", [new("__RequestVerificationToken", token), new(field, value)]);
            Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        }
        var after = await app.RequestAsync(r.TrackingCode);
        Assert.Equal((RequestStatus.Received, (string?)null, "lorval-voirie"), (after.Status, after.AssigneeAgentId, after.UnitId));
        Assert.False(await app.WithDbAsync(db => db.Set<RequestEvent>().AnyAsync(e => e.RequestId == r.Id && (e.Kind == RequestEventKind.Note || e.Kind == RequestEventKind.Reply))));
        // Signed out, the inbox asks to sign in.
        using var anonymous = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync($"/agent/demandes/{r.Id}")).Status);
    }

    [Fact]
    public async Task An_agent_takes_a_request_moves_it_through_the_state_machine_and_an_invalid_move_is_refused_with_a_message()
    {
        var r = await NewRequestAsync("Etats");
        using var agent = await AgentAsync();
        var page = await agent.GetAsync($"/agent/demandes/{r.Id}");

        var assigned = await ActAsync(agent, page, "form[action*='handler=Assign']");
        Assert.Equal(HttpStatusCode.Redirect, assigned.Status);
        page = await agent.FollowAsync(assigned);
        Assert.Contains("La demande vous est attribuée.", page.Text);
        Assert.Contains("Attribuée à Camille Morvan (accueil)", page.Text);

        var refused = await ActAsync(agent, page, "form#changer-etat", new() { ["status"] = "Closed" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("Une demande « Attribuée » ne peut pas passer à « Close ».", refused.Text);

        var moved = await ActAsync(agent, page, "form#changer-etat", new() { ["status"] = "InProgress", ["comment"] = "Une équipe passe jeudi." });
        Assert.Equal(HttpStatusCode.Redirect, moved.Status);
        var stored = await app.RequestAsync(r.TrackingCode);
        Assert.Equal((RequestStatus.InProgress, "agent-accueil-lorval-demo"), (stored.Status, stored.AssigneeAgentId));
        var history = await app.WithDbAsync(db => db.Set<RequestEvent>().Where(e => e.RequestId == r.Id).Select(e => e.Kind).ToListAsync());
        Assert.Contains(RequestEventKind.Assigned, history);
        Assert.Contains(RequestEventKind.StatusChanged, history);
        Assert.Contains(RequestEventKind.Viewed, history);
    }

    [Fact]
    public async Task A_reply_goes_to_the_citizen_by_email_is_public_on_the_tracking_page_and_a_note_never_is()
    {
        var r = await NewRequestAsync("Reponse", email: "reponse@exemple.fr");
        using var agent = await AgentAsync();
        var page = await agent.GetAsync($"/agent/demandes/{r.Id}");
        page = await agent.FollowAsync(await ActAsync(agent, page, "form#noter", new() { ["note"] = "Voisin déjà venu se plaindre." }));
        var replied = await ActAsync(agent, page, "form#repondre", new() { ["reply"] = "Le trou sera rebouché jeudi 3 décembre." });
        Assert.Equal(HttpStatusCode.Redirect, replied.Status);
        Assert.Contains("La réponse est envoyée par courriel", (await agent.FollowAsync(replied)).Text);
        Assert.Equal(RequestStatus.Answered, (await app.RequestAsync(r.TrackingCode)).Status);

        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        var mail = Assert.Single(app.Sink.Messages, m => m.To.Contains("reponse@exemple.fr") && m.Parsed.DecodedHeader("Subject").StartsWith("Réponse", StringComparison.Ordinal)).Parsed;
        Assert.Contains("Le trou sera rebouché jeudi 3 décembre.", mail.Find("text/plain")!.Text);
        Assert.Contains(TrackingCode.Display(r.TrackingCode), mail.DecodedHeader("Subject"));

        using var citizen = new Browser(app);
        var tracked = await citizen.SubmitAsync(await citizen.GetAsync("/suivi"), values: new Dictionary<string, string?> { ["code"] = r.TrackingCode, ["lastName"] = "reponse" });
        Assert.Contains("Le trou sera rebouché jeudi 3 décembre.", tracked.Text);
        Assert.Contains("Répondue", tracked.Text);
        Assert.DoesNotContain("Voisin", tracked.Text);
        Assert.DoesNotContain("Camille Morvan", tracked.Text);
    }

    [Fact]
    public async Task A_request_transferred_to_another_unit_goes_back_to_its_basket_with_the_same_deadline()
    {
        var r = await NewRequestAsync("Transfert");
        using var agent = await AgentAsync();
        var page = await agent.GetAsync($"/agent/demandes/{r.Id}");
        var done = await ActAsync(agent, page, "form#transferer", new() { ["unitId"] = "lorval-proprete", ["transferComment"] = "Dépôt sauvage, pas un trou." });
        Assert.Equal(HttpStatusCode.Redirect, done.Status);
        var after = await app.RequestAsync(r.TrackingCode);
        Assert.Equal(("lorval-proprete", RequestStatus.Received, r.DueDate), (after.UnitId, after.Status, after.DueDate));
        var refused = await ActAsync(agent, await agent.GetAsync($"/agent/demandes/{r.Id}"), "form#transferer", new() { ["unitId"] = "saint-aubin-technique" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("Choisissez un service de la liste.", refused.Text);
    }

    [Fact]
    public async Task A_letter_registered_by_an_agent_keeps_its_channel_gets_fifteen_working_days_and_an_acknowledgement_to_print()
    {
        using var agent = await AgentAsync();
        var form = await agent.GetAsync("/agent/demandes/nouvelle?categorie=lorval-etat-civil");
        Assert.Equal(HttpStatusCode.OK, form.Status);
        var done = await agent.SubmitAsync(form, "form#enregistrer", new Dictionary<string, string?>
        {
            ["channel"] = "Post", ["champ1"] = "Naissance", ["champ2"] = "Copie intégrale", ["champ3"] = "1984-06-02", ["champ4"] = "Jeanne Rivière",
            ["text"] = "Courrier du 27 novembre : copie intégrale d'acte de naissance.", ["lastName"] = "Rivière", ["firstName"] = "Jeanne",
            ["postalAddress"] = "4 chemin des Saules, 53120 Lorval", ["email"] = "", ["phone"] = "",
        });
        Assert.True(done.Status == HttpStatusCode.OK, done.Text);
        Assert.Contains("imprimez cet accusé de réception", done.Text);
        // Monday 30 November + 15 working days = Monday 21 December 2026.
        Assert.Contains("Réponse au plus tard le lundi 21 décembre 2026", done.Text);
        Assert.Contains("Canal Courrier", done.Text);
        var r = await app.RequestAsync(RequestsApp.CodeOn(done));
        Assert.Equal((RequestChannel.Post, new DateOnly(2026, 12, 21), "agent-accueil-lorval-demo"), (r.Channel, r.DueDate, r.RegisteredByAgentId));
        Assert.False(await app.WithDbAsync(db => db.OutboxMessages.AnyAsync(m => m.IdempotencyKey == $"request:{r.Id}:ack")));
        Assert.Equal([new FieldValue("Acte demandé", "Naissance"), new FieldValue("Forme", "Copie intégrale"), new FieldValue("Date de l'événement", "1984-06-02"),
            new FieldValue("Nom et prénoms de la personne concernée", "Jeanne Rivière")], r.FieldValues);

        var web = await agent.SubmitAsync(form, "form#enregistrer", new Dictionary<string, string?> { ["channel"] = "Web", ["text"] = "x", ["lastName"] = "X", ["phone"] = "0612345678" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, web.Status);
        Assert.Contains("Choisissez par où la demande est arrivée.", web.Text);
    }
}

/// <summary>Its own app, so moving the clock disturbs no other test.</summary>
public sealed class RequestOverdueTests(RequestsApp app) : IClassFixture<RequestsApp>
{
    [Fact]
    public async Task A_request_past_its_due_day_shows_in_the_overdue_view_until_it_is_answered()
    {
        using var citizen = new Browser(app);
        var r = await app.RequestAsync(RequestsApp.CodeOn(await RequestsApp.SendAsync(citizen, "lorval-voirie", RequestsApp.Voirie("Retard"))));
        using var agent = new Browser(app);
        await agent.SignInAsync("accueil@lorval.demo");
        Assert.DoesNotContain(TrackingCode.Display(r.TrackingCode), (await agent.GetAsync("/agent/demandes?retard=true")).Text);

        app.Clock.Advance(TimeSpan.FromDays(7));   // Monday 7 December, the due day: not late yet
        await agent.SignInAsync("accueil@lorval.demo");
        Assert.DoesNotContain(TrackingCode.Display(r.TrackingCode), (await agent.GetAsync("/agent/demandes?retard=true")).Text);
        app.Clock.Advance(TimeSpan.FromDays(1));
        await agent.SignInAsync("accueil@lorval.demo");   // the sign-in cookie has expired with the days
        var overdue = await agent.GetAsync("/agent/demandes?retard=true");
        Assert.Contains(TrackingCode.Display(r.TrackingCode), overdue.Text);
        Assert.Contains("en retard", overdue.Text);

        var page = await agent.GetAsync($"/agent/demandes/{r.Id}");
        await agent.SubmitAsync(page, "form#repondre", new Dictionary<string, string?> { ["reply"] = "C'est réparé." });
        Assert.DoesNotContain(TrackingCode.Display(r.TrackingCode), (await agent.GetAsync("/agent/demandes?retard=true")).Text);
    }
}
