using System.Net;
using Guichet.Domain.Requests;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Features.Requests;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guichet.Web.Tests;

/// <summary>The requests app with the alerts' background job off: tests run its passes themselves.</summary>
public class WorkflowApp : RequestsApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["RequestAlerts:Enabled"] = "false",
    };

    public async Task<Browser> AgentAsync(string email = "accueil@lorval.demo")
    {
        var browser = new Browser(this);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).Status);
        return browser;
    }

    public async Task<CitizenRequest> NewRequestAsync(string category = "lorval-voirie", string lastName = "Martin", string? email = "camille.martin@exemple.fr")
    {
        using var citizen = new Browser(this);
        var values = category == "lorval-voirie"
            ? Voirie(lastName, email)
            : new Dictionary<string, string?> { ["text"] = "Ma question à la mairie.", ["lastName"] = lastName, ["firstName"] = "Camille", ["email"] = email, ["consent"] = "oui" };
        var files = category == "lorval-voirie" ? new[] { ("trou.png", "image/png", Png) } : [];
        return await RequestAsync(CodeOn(await SendAsync(citizen, category, values, files)));
    }

    public Task<List<RequestEvent>> EventsAsync(string requestId) =>
        WithDbAsync(db => db.Set<RequestEvent>().AsNoTracking().Where(e => e.RequestId == requestId).ToListAsync());

    public Task<List<OutboxMessage>> OutboxAsync(string requestId) =>
        WithDbAsync(db => db.Set<OutboxMessage>().AsNoTracking().Where(m => m.IdempotencyKey.StartsWith("request:" + requestId + ":")).ToListAsync());
}

/// <summary>A second, separate app (own database, own clock) for the tests that move the clock by days.</summary>
public sealed class AlertsApp : WorkflowApp;

/// <summary>Agents' workflow on requests: approval circuit, canned answers, colleague notice, audit, merge and split, isolation.</summary>
public sealed class RequestWorkflowTests(WorkflowApp app) : IClassFixture<WorkflowApp>
{
    private static Task<WebPage> Act(Browser agent, WebPage page, string form, Dictionary<string, string?>? values = null) =>
        agent.SubmitAsync(page, form, values ?? []);

    private async Task RequireApprovalAsync(string category)
    {
        using var admin = await app.AgentAsync("admin@lorval.demo");
        var page = await admin.GetAsync("/admin/demandes/traitement");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var saved = await Act(admin, page, "form#reglages", new() { ["approval"] = category });
        Assert.Equal(HttpStatusCode.Redirect, saved.Status);
        Assert.True(await app.WithDbAsync(db => db.Set<CategoryWorkflow>().AnyAsync(w => w.CategoryId == category && w.ApprovalRequired)));
    }

    [Fact]
    public async Task Under_the_approval_circuit_a_reply_leaves_only_after_visa_then_signature_and_a_rejection_returns_it_to_its_author()
    {
        await RequireApprovalAsync("lorval-autre");
        var r = await app.NewRequestAsync("lorval-autre", "Circuit", "circuit@exemple.fr");
        using var author = await app.AgentAsync();
        var page = await author.GetAsync($"/agent/demandes/{r.Id}");
        Assert.Contains("Transmettre pour visa", page.Text);
        var submitted = await Act(author, page, "form#repondre", new() { ["reply"] = "Votre acte est prêt." });
        Assert.Equal(HttpStatusCode.Redirect, submitted.Status);
        Assert.Contains("transmise pour visa", (await author.FollowAsync(submitted)).Text);
        Assert.Equal(RequestStatus.AwaitingApproval, (await app.RequestAsync(r.TrackingCode)).Status);
        Assert.DoesNotContain(await app.OutboxAsync(r.Id), m => m.Kind == MessageKind.RequestReply);

        // A plain agent can neither give the visa nor submit a second reply while one waits.
        var token = await author.AntiforgeryTokenAsync($"/agent/demandes/{r.Id}");
        var refused = await author.PostAsync($"/agent/demandes/{r.Id}?handler=Visa", [new("__RequestVerificationToken", token)]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("Seul un responsable ou un administrateur", refused.Text);
        var second = await author.PostAsync($"/agent/demandes/{r.Id}?handler=Reply", [new("__RequestVerificationToken", token), new("reply", "Encore une.")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.Status);

        // The supervisor sees it in the "à viser" basket, gives the visa, and may not sign.
        using var supervisor = await app.AgentAsync("superviseur@lorval.demo");
        var basket = await supervisor.GetAsync("/agent/demandes/parapheur");
        Assert.Equal(HttpStatusCode.OK, basket.Status);
        Assert.Contains(TrackingCode.Display(r.TrackingCode), basket.Document.QuerySelector("table[aria-labelledby=a-viser]")?.TextContent ?? "");
        page = await supervisor.GetAsync($"/agent/demandes/{r.Id}");
        var visa = await Act(supervisor, page, "form#viser", new() { ["visaComment"] = "Bon pour moi." });
        Assert.Equal(HttpStatusCode.Redirect, visa.Status);
        var supToken = await supervisor.AntiforgeryTokenAsync($"/agent/demandes/{r.Id}");
        Assert.Contains("Seul un administrateur", (await supervisor.PostAsync($"/agent/demandes/{r.Id}?handler=Sign", [new("__RequestVerificationToken", supToken)])).Text);

        // The administrator refuses it: a comment is required, then it goes back to its author.
        using var admin = await app.AgentAsync("admin@lorval.demo");
        page = await admin.GetAsync($"/agent/demandes/{r.Id}");
        Assert.Contains("À signer", page.Text);
        var noComment = await Act(admin, page, "form#refuser", new() { ["rejectComment"] = "  " });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noComment.Status);
        Assert.Contains("Dites pourquoi la réponse est refusée", noComment.Text);
        var rejected = await Act(admin, page, "form#refuser", new() { ["rejectComment"] = "Précisez les horaires du guichet." });
        Assert.Equal(HttpStatusCode.Redirect, rejected.Status);
        var back = await app.RequestAsync(r.TrackingCode);
        Assert.Equal((RequestStatus.InProgress, "agent-accueil-lorval-demo"), (back.Status, back.AssigneeAgentId));
        page = await author.GetAsync($"/agent/demandes/{r.Id}");
        Assert.Contains("Précisez les horaires du guichet.", page.Text);
        Assert.Equal("Votre acte est prêt.", page.Document.QuerySelector("textarea#reply")?.TextContent);

        // Reworked, visaed, signed: now it leaves, once, on the request's channel.
        var resubmitted = await Act(author, page, "form#repondre", new() { ["reply"] = "Votre acte est prêt, au guichet de 9 h à 12 h." });
        Assert.Equal(HttpStatusCode.Redirect, resubmitted.Status);
        Assert.Equal(HttpStatusCode.Redirect, (await Act(supervisor, await supervisor.GetAsync($"/agent/demandes/{r.Id}"), "form#viser")).Status);
        var signed = await Act(admin, await admin.GetAsync($"/agent/demandes/{r.Id}"), "form#signer");
        Assert.Equal(HttpStatusCode.Redirect, signed.Status);
        Assert.Contains("Réponse signée", (await admin.FollowAsync(signed)).Text);
        Assert.Equal(RequestStatus.Answered, (await app.RequestAsync(r.TrackingCode)).Status);
        var reply = Assert.Single(await app.OutboxAsync(r.Id), m => m.Kind == MessageKind.RequestReply);
        Assert.Contains("au guichet de 9 h à 12 h", reply.Body);
        Assert.Equal("circuit@exemple.fr", reply.Recipient);

        var kinds = (await app.EventsAsync(r.Id)).Select(e => e.Kind).ToList();
        Assert.Equal(2, kinds.Count(k => k == RequestEventKind.DraftSubmitted));
        Assert.Equal(2, kinds.Count(k => k == RequestEventKind.DraftVisaed));
        Assert.Equal(1, kinds.Count(k => k == RequestEventKind.DraftRejected));
        Assert.Equal(1, kinds.Count(k => k == RequestEventKind.DraftSigned));
        Assert.Equal(1, kinds.Count(k => k == RequestEventKind.Reply));
        var rejection = (await app.EventsAsync(r.Id)).Single(e => e.Kind == RequestEventKind.DraftRejected);
        Assert.Equal(("agent-admin-lorval-demo", "Précisez les horaires du guichet.", false), (rejection.AgentId, rejection.Text, rejection.Public));
    }

    [Fact]
    public async Task Two_administrators_signing_the_same_reply_at_once_send_it_once()
    {
        await RequireApprovalAsync("lorval-autre");
        var r = await app.NewRequestAsync("lorval-autre", "Course", "course@exemple.fr");
        using var author = await app.AgentAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await Act(author, await author.GetAsync($"/agent/demandes/{r.Id}"), "form#repondre", new() { ["reply"] = "Réponse unique." })).Status);
        using var supervisor = await app.AgentAsync("superviseur@lorval.demo");
        Assert.Equal(HttpStatusCode.Redirect, (await Act(supervisor, await supervisor.GetAsync($"/agent/demandes/{r.Id}"), "form#viser")).Status);
        using var first = await app.AgentAsync("admin@lorval.demo");
        using var second = await app.AgentAsync("admin@lorval.demo");
        var pages = await Task.WhenAll(first.GetAsync($"/agent/demandes/{r.Id}"), second.GetAsync($"/agent/demandes/{r.Id}"));
        var answers = await Task.WhenAll(Act(first, pages[0], "form#signer"), Act(second, pages[1], "form#signer"));
        Assert.Single(answers, a => a.Status == HttpStatusCode.Redirect);
        Assert.Single(answers, a => a.Status == HttpStatusCode.UnprocessableEntity);
        Assert.Single(await app.OutboxAsync(r.Id), m => m.Kind == MessageKind.RequestReply);
        Assert.Single(await app.EventsAsync(r.Id), e => e.Kind == RequestEventKind.DraftSigned);
    }

    [Fact]
    public async Task An_agent_of_another_organisation_gets_404_on_every_workflow_action_and_never_sees_the_basket_entry()
    {
        await RequireApprovalAsync("lorval-autre");
        var r = await app.NewRequestAsync("lorval-autre", "Isolement");
        var other = await app.NewRequestAsync("lorval-voirie", "Cible");
        using var author = await app.AgentAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await Act(author, await author.GetAsync($"/agent/demandes/{r.Id}"), "form#repondre", new() { ["reply"] = "Brouillon." })).Status);

        using var stranger = await app.AgentAsync("admin@saint-aubin.demo");
        Assert.DoesNotContain(TrackingCode.Display(r.TrackingCode), (await stranger.GetAsync("/agent/demandes/parapheur")).Text);
        var token = await stranger.AntiforgeryTokenAsync("/agent/demandes/nouvelle");
        foreach (var (handler, field, value) in new[] { ("Visa", "visaComment", "x"), ("Sign", "signComment", "x"), ("RejectDraft", "rejectComment", "non"), ("Insert", "cannedId", "x"),
                     ("Merge", "targetCode", other.TrackingCode), ("Split", "splitText", "intrus") })
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/agent/demandes/{r.Id}?handler={handler}", [new("__RequestVerificationToken", token), new(field, value)])).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/agent/demandes/{r.Id}/historique.csv")).Status);
        var draft = await app.WithDbAsync(db => db.Set<ReplyDraft>().SingleAsync(d => d.RequestId == r.Id));
        Assert.Equal(DraftStage.AwaitingVisa, draft.Stage);
        Assert.Equal(RequestStatus.AwaitingApproval, (await app.RequestAsync(r.TrackingCode)).Status);
        Assert.Equal(RequestStatus.Received, (await app.RequestAsync(other.TrackingCode)).Status);
        // Nor can their own request be merged into ours by code.
        Assert.False(await app.WithDbAsync(db => db.Set<RequestLink>().AnyAsync(l => l.FromRequestId == r.Id || l.ToRequestId == r.Id)));
    }

    [Fact]
    public async Task A_canned_answer_is_inserted_with_its_placeholders_filled_without_javascript()
    {
        using var admin = await app.AgentAsync("admin@lorval.demo");
        var settings = await admin.GetAsync("/admin/demandes/traitement");
        var empty = await Act(admin, settings, "form#reponse-type", new() { ["title"] = "Sans texte", ["text"] = "" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.Status);
        Assert.Contains("Écrivez le texte de la réponse type.", empty.Text);
        var added = await Act(admin, settings, "form#reponse-type", new()
        {
            ["title"] = "Passage de l'équipe", ["categoryId"] = "lorval-voirie",
            ["text"] = "Bonjour {nom}, votre demande {code} sera traitée avant le {échéance}.",
        });
        Assert.Equal(HttpStatusCode.Redirect, added.Status);
        Assert.Contains("Passage de l'équipe", (await admin.GetAsync("/admin/demandes/traitement")).Text);

        var r = await app.NewRequestAsync("lorval-voirie", "Dupont");
        using var agent = await app.AgentAsync();
        var page = await agent.GetAsync($"/agent/demandes/{r.Id}");
        var form = page.Form("form#repondre");
        var button = page.Document.QuerySelector("button#inserer")!;
        var fields = WebPage.FieldsOf(form);
        var cannedId = await app.WithDbAsync(db => db.Set<CannedAnswer>().Where(c => c.Title == "Passage de l'équipe").Select(c => c.Id).SingleAsync());
        Assert.NotNull(page.Document.QuerySelector($"select#cannedId option[value='{cannedId}']"));
        fields.RemoveAll(f => f.Key is "reply" or "cannedId");
        fields.Add(new("reply", "Merci pour votre signalement."));
        fields.Add(new("cannedId", cannedId));
        var inserted = await agent.PostAsync(button.GetAttribute("formaction")!, fields);
        Assert.Equal(HttpStatusCode.OK, inserted.Status);
        var text = inserted.Document.QuerySelector("textarea#reply")?.TextContent ?? "";
        Assert.StartsWith("Merci pour votre signalement.", text);
        Assert.Contains($"Bonjour Camille Dupont, votre demande {TrackingCode.Display(r.TrackingCode)} sera traitée avant le {Acknowledgement.Date(r.DueDate)}.", text);
        // Nothing was sent: inserting only fills the box.
        Assert.DoesNotContain(await app.OutboxAsync(r.Id), m => m.Kind == MessageKind.RequestReply);

        // Another organisation neither sees nor deletes it.
        using var stranger = await app.AgentAsync("admin@saint-aubin.demo");
        Assert.DoesNotContain("Passage de l'équipe", (await stranger.GetAsync("/admin/demandes/traitement")).Text);
        var id = cannedId;
        var token = await stranger.AntiforgeryTokenAsync("/admin/demandes/traitement");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync("/admin/demandes/traitement?handler=DeleteAnswer", [new("__RequestVerificationToken", token), new("answerId", id)])).Status);
        Assert.True(await app.WithDbAsync(db => db.Set<CannedAnswer>().AnyAsync(c => c.Id == id)));
    }

    [Fact]
    public async Task The_alert_delay_is_set_per_organisation_and_a_wrong_value_is_refused_with_a_message()
    {
        using var admin = await app.AgentAsync("admin@saint-aubin.demo");
        var page = await admin.GetAsync("/admin/demandes/traitement");
        Assert.Equal("2", page.Document.QuerySelector("input#alertDaysBefore")?.GetAttribute("value"));
        var wrong = await Act(admin, page, "form#reglages", new() { ["alertDaysBefore"] = "-1" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.Status);
        Assert.Contains("Le délai d'alerte va de 0 à 30 jours ouvrés.", wrong.Text);
        Assert.Equal(HttpStatusCode.Redirect, (await Act(admin, page, "form#reglages", new() { ["alertDaysBefore"] = "4" })).Status);
        Assert.Equal(4, await app.WithDbAsync(db => db.Set<WorkflowSettings>().Where(s => s.OrganisationId == "mairie-saint-aubin").Select(s => s.AlertDaysBefore).SingleAsync()));
        using var agent = await app.AgentAsync("accueil@saint-aubin.demo");
        var denied = await agent.GetAsync("/admin/demandes/traitement");
        Assert.True(denied.Status is HttpStatusCode.Redirect or HttpStatusCode.Forbidden, denied.Status.ToString());
    }

    [Fact]
    public async Task An_agent_sees_which_colleague_is_viewing_the_request_and_every_read_and_export_is_recorded()
    {
        var r = await app.NewRequestAsync("lorval-voirie", "Consultation");
        using var camille = await app.AgentAsync();
        Assert.Equal(HttpStatusCode.OK, (await camille.GetAsync($"/agent/demandes/{r.Id}")).Status);
        Assert.DoesNotContain("consulte aussi", (await camille.GetAsync($"/agent/demandes/{r.Id}")).Text);

        using var nadia = await app.AgentAsync("superviseur@lorval.demo");
        var page = await nadia.GetAsync($"/agent/demandes/{r.Id}");
        var local = FrenchDatesFor(app.Clock.GetUtcNow());
        Assert.Contains($"Camille Morvan (accueil) consulte aussi cette demande (depuis {local})", page.Text);

        var attachment = await app.WithDbAsync(db => db.Set<RequestAttachment>().Where(a => a.RequestId == r.Id).Select(a => a.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.OK, (await nadia.GetAsync($"/agent/demandes/{r.Id}/pieces/{attachment}")).Status);
        var csv = await nadia.Http.GetAsync($"/agent/demandes/{r.Id}/historique.csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Demande reçue", await csv.Content.ReadAsStringAsync());

        var events = await app.EventsAsync(r.Id);
        Assert.Equal(2, events.Count(e => e.Kind == RequestEventKind.Viewed && e.AgentId == "agent-accueil-lorval-demo"));
        Assert.Contains(events, e => e.Kind == RequestEventKind.Viewed && e.AgentId == "agent-superviseur-lorval-demo" && e.Text != null && e.Text.Contains("trou.png"));
        Assert.Single(events, e => e.Kind == RequestEventKind.Exported && e.AgentId == "agent-superviseur-lorval-demo");
        Assert.All(events.Where(e => e.Kind is RequestEventKind.Viewed or RequestEventKind.Exported), e => Assert.False(e.Public));

        // The audit trail cannot be rewritten, even by SQL.
        var viewId = events.First(e => e.Kind == RequestEventKind.Viewed).Id;
        await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(db =>
            db.Set<RequestEvent>().Where(e => e.Id == viewId).ExecuteUpdateAsync(s => s.SetProperty(e => e.AgentId, (string?)null))));

        // Ten minutes later the notice is gone.
        app.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.DoesNotContain("consulte aussi", (await nadia.GetAsync($"/agent/demandes/{r.Id}")).Text);
    }

    private static string FrenchDatesFor(DateTimeOffset utc) =>
        Web.Platform.FrenchDates.Time(Web.Platform.FrenchDates.ToLocal(utc.UtcDateTime, "Europe/Paris"));

    [Fact]
    public async Task A_duplicate_is_merged_its_code_still_tracks_and_says_where_it_went_and_its_attachments_stay_reachable()
    {
        var duplicate = await app.NewRequestAsync("lorval-voirie", "Doublon", "doublon@exemple.fr");
        var target = await app.NewRequestAsync("lorval-voirie", "Doublon", "doublon@exemple.fr");
        using var agent = await app.AgentAsync();
        var page = await agent.GetAsync($"/agent/demandes/{duplicate.Id}");
        Assert.Contains("Aucune demande de votre collectivité", (await Act(agent, page, "form#fusionner", new() { ["targetCode"] = "BCDFGHJK" })).Text);
        Assert.Contains("ne se fusionne pas avec elle-même", (await Act(agent, page, "form#fusionner", new() { ["targetCode"] = duplicate.TrackingCode })).Text);
        var merged = await Act(agent, page, "form#fusionner", new() { ["targetCode"] = TrackingCode.Display(target.TrackingCode) });
        Assert.Equal(HttpStatusCode.Redirect, merged.Status);
        Assert.Equal(RequestStatus.Merged, (await app.RequestAsync(duplicate.TrackingCode)).Status);

        // Merged is final: the state machine refuses any further move.
        page = await agent.GetAsync($"/agent/demandes/{duplicate.Id}");
        Assert.Contains($"Fusionnée dans la demande {TrackingCode.Display(target.TrackingCode)}", page.Text);
        var moved = await Act(agent, page, "form#changer-etat", new() { ["status"] = "InProgress" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, moved.Status);
        Assert.Contains("fusionnée dans une autre", moved.Text);

        var targetPage = await agent.GetAsync($"/agent/demandes/{target.Id}");
        Assert.Contains($"Demande fusionnée ici : {TrackingCode.Display(duplicate.TrackingCode)}", targetPage.Text);
        var link = targetPage.Links("a").Single(a => a.TextContent == "trou.png" && targetPage.Href(a)!.Contains(duplicate.Id));
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync(targetPage.Href(link)!)).Status);

        using var citizen = new Browser(app);
        var tracked = await citizen.SubmitAsync(await citizen.GetAsync("/suivi"), values: new Dictionary<string, string?> { ["code"] = duplicate.TrackingCode, ["lastName"] = "doublon" });
        Assert.Equal(HttpStatusCode.OK, tracked.Status);
        Assert.Contains("Fusionnée", tracked.Text);
        Assert.Contains($"fusionnée avec la demande {TrackingCode.Display(target.TrackingCode)}", tracked.Text);
    }

    [Fact]
    public async Task A_request_split_in_two_gives_the_new_one_its_own_code_unit_and_acknowledgement_with_links_both_ways()
    {
        var r = await app.NewRequestAsync("lorval-voirie", "Scission", "scission@exemple.fr");
        using var agent = await app.AgentAsync();
        var page = await agent.GetAsync($"/agent/demandes/{r.Id}");
        // Received three days before the split: the new part keeps that day of receipt, hence its deadline.
        var received = r.ReceivedUtc.AddDays(-3);
        await app.WithDbAsync(db => db.CitizenRequests.Where(x => x.Id == r.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.ReceivedUtc, received)));
        var empty = await Act(agent, page, "form#scinder", new() { ["splitCategoryId"] = "lorval-proprete", ["splitText"] = "" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.Status);
        var split = await Act(agent, page, "form#scinder", new() { ["splitCategoryId"] = "lorval-proprete", ["splitText"] = "Des tags sur le mur voisin." });
        Assert.Equal(HttpStatusCode.Redirect, split.Status);
        Assert.Contains("Nouvelle demande", (await agent.FollowAsync(split)).Text);

        var link = await app.WithDbAsync(db => db.Set<RequestLink>().SingleAsync(l => l.ToRequestId == r.Id && l.Kind == RequestLinkKind.SplitFrom));
        var created = await app.WithDbAsync(db => db.CitizenRequests.AsNoTracking().SingleAsync(x => x.Id == link.FromRequestId));
        Assert.NotEqual(r.TrackingCode, created.TrackingCode);
        Assert.Equal(("lorval-proprete", "lorval-proprete", RequestChannel.Web, "Des tags sur le mur voisin.", "scission@exemple.fr"),
            (created.CategoryId, created.UnitId, created.Channel, created.Text, created.Email));
        Assert.Single(await app.OutboxAsync(created.Id), m => m.Kind == MessageKind.RequestAcknowledgement && m.Recipient == "scission@exemple.fr");
        Assert.Equal(received, created.ReceivedUtc);
        Assert.True(created.DueDate < r.DueDate, $"{created.DueDate} should come before {r.DueDate}, the deadline counted from today");

        var original = await agent.GetAsync($"/agent/demandes/{r.Id}");
        Assert.Contains($"Scindée : une partie suit la demande {TrackingCode.Display(created.TrackingCode)}", original.Text);
        var newPage = await agent.GetAsync($"/agent/demandes/{created.Id}");
        Assert.Contains($"Créée à partir de la demande {TrackingCode.Display(r.TrackingCode)}", newPage.Text);
        Assert.Contains(await app.EventsAsync(r.Id), e => e.Kind == RequestEventKind.Split && e.Public);
    }
}

/// <summary>Deadline alerts, run pass by pass with the fake clock across a weekend and Christmas.</summary>
public sealed class RequestAlertTests(AlertsApp app) : IClassFixture<AlertsApp>
{
    private async Task<int> PassAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DeadlineAlerts>().RunOnceAsync(CancellationToken.None);
    }

    private static DateTimeOffset Paris(int month, int day, int hour = 9) => new(2026, month, day, hour - 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_unit_and_its_supervisors_are_warned_two_working_days_before_the_due_date_then_once_when_overdue_never_twice()
    {
        // Received Monday 21 December: 5 working days, Christmas Friday and the weekend skipped, due Tuesday 29.
        app.Clock.Set(Paris(12, 21));
        var r = await app.NewRequestAsync("lorval-voirie", "Alerte");
        var answered = await app.NewRequestAsync("lorval-voirie", "Repondue");
        Assert.Equal(new DateOnly(2026, 12, 29), r.DueDate);
        using (var agent = await app.AgentAsync())
            Assert.Equal(HttpStatusCode.Redirect, (await agent.SubmitAsync(await agent.GetAsync($"/agent/demandes/{answered.Id}"), "form#repondre",
                new Dictionary<string, string?> { ["reply"] = "C'est réparé." })).Status);

        async Task<List<OutboxMessage>> AlertsAsync(string id) =>
            (await app.OutboxAsync(id)).Where(m => m.Kind is MessageKind.RequestDeadlineSoon or MessageKind.RequestOverdue).ToList();

        await PassAsync();
        app.Clock.Set(Paris(12, 23));   // Wednesday: Thursday 24 and Monday 28 still to go
        await PassAsync();
        Assert.Empty(await AlertsAsync(r.Id));

        app.Clock.Set(Paris(12, 24));   // Thursday: two working days left (Monday 28, Tuesday 29)
        await PassAsync();
        var soon = await AlertsAsync(r.Id);
        Assert.Equal(["superviseur@lorval.demo", "voirie@lorval.demo"], soon.Select(m => m.Recipient).Order(StringComparer.Ordinal));
        Assert.All(soon, m => Assert.Equal(MessageKind.RequestDeadlineSoon, m.Kind));
        Assert.Contains(TrackingCode.Display(r.TrackingCode), soon[0].Subject);
        Assert.DoesNotContain("Alerte", soon[0].Body);   // never the citizen's name

        app.Clock.Set(Paris(12, 29));   // the due day: still "soon", already sent
        Assert.Equal(0, await PassAsync());
        Assert.Equal(2, (await AlertsAsync(r.Id)).Count);

        // Wednesday 30: overdue. Two nodes run the same pass at once: each alert is written once.
        app.Clock.Set(Paris(12, 30));
        var passes = await Task.WhenAll(PassAsync(), PassAsync());
        var all = await AlertsAsync(r.Id);
        Assert.Equal(2, all.Count(m => m.Kind == MessageKind.RequestOverdue));
        Assert.Contains("1 jour(s) ouvré(s) de retard", all.First(m => m.Kind == MessageKind.RequestOverdue).Body);
        Assert.Equal(0, await PassAsync());
        app.Clock.Set(Paris(12, 31));
        await PassAsync();
        Assert.Equal(4, (await AlertsAsync(r.Id)).Count);
        Assert.Empty(await AlertsAsync(answered.Id));

        // The overdue view counts it and says by how much.
        using var viewer = await app.AgentAsync();
        var inbox = await viewer.GetAsync("/agent/demandes?retard=true");
        Assert.Contains("1 demande en retard", inbox.Text);
        Assert.Contains("en retard de 2 jours ouvrés", inbox.Text);
        Assert.Contains(TrackingCode.Display(r.TrackingCode), inbox.Text);
    }
}
