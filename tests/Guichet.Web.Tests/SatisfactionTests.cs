using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Html.Dom;
using Guichet.Domain.Requests;
using Guichet.Domain.Satisfaction;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Features.Requests;
using Guichet.Web.Features.Satisfaction;
using Guichet.Web.Platform;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guichet.Web.Tests;

/// <summary>The app with mail to a local SMTP sink and SMS to a local fake Twilio; dispatcher and survey pass off: tests run them.</summary>
public sealed class SatisfactionApp : GuichetApp, IAsyncLifetime
{
    public const string BaseUrl = "https://rdv.lorval.test";
    public SmtpSink Sink { get; } = SmtpSink.Start();
    public FakeHttpServer Twilio { get; private set; } = null!;
    private int sids;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Mail:From"] = "ne-pas-repondre@lorval.test",
        ["Mail:Smtp:Host"] = "127.0.0.1",
        ["Mail:Smtp:Port"] = Sink.Port.ToString(CultureInfo.InvariantCulture),
        ["Mail:Smtp:Security"] = "None",
        ["Mail:Smtp:TimeoutSeconds"] = "10",
        ["Notifications:Enabled"] = "false",
        ["App:PublicBaseUrl"] = BaseUrl,
        ["Requests:IntakePerMinute"] = "100000",
        ["Requests:TrackingPerMinute"] = "100000",
        ["Sms:Provider"] = "Twilio",
        ["Sms:Sender"] = "LORVAL",
        ["Sms:TimeoutSeconds"] = "1",
        ["Sms:WebhookSecret"] = "secret-des-webhooks-0123456789abcdef",
        ["Sms:Twilio:BaseUrl"] = Twilio.BaseUrl,
        ["Sms:Twilio:AccountSid"] = "AC0123456789",
        ["Sms:Twilio:AuthToken"] = "jeton-twilio-de-test",
        ["Sms:Twilio:From"] = "+33939000000",
    };

    async Task IAsyncLifetime.InitializeAsync()
    {
        Twilio = await FakeHttpServer.StartAsync(_ => (201, $$"""{"sid":"SM{{Interlocked.Increment(ref sids):D6}}","status":"queued","num_segments":"1"}"""));
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Sink.DisposeAsync();
        await Twilio.DisposeAsync();
    }

    public Task<int> DispatchAsync() => Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(CancellationToken.None);

    /// <summary>One pass of the survey job, in its own scope, as a node's worker runs it.</summary>
    public async Task<int> SurveyPassAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SendSurveys>().RunOnceAsync(CancellationToken.None);
    }

    public List<string> SmsBodies() =>
        Twilio.Requests.Where(r => r.Path.EndsWith("/Messages.json", StringComparison.Ordinal)).Select(r => r.Form()["Body"]).ToList();
}

public sealed class SatisfactionTests(SatisfactionApp app) : IClassFixture<SatisfactionApp>
{
    private const string Lorval = "lorval-hotel-de-ville";
    private const string SaintAubin = "saint-aubin-mairie";

    private async Task<Browser> SignedInAsync(string email)
    {
        var browser = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).Status);
        return browser;
    }

    private async Task<ApiCreated> BookAsync(string site, string day, string lastName, string? email, string? phone = null)
    {
        var slot = (await app.SlotsAsync(site: site, from: day, to: day)).First();
        var answer = await app.BookAsync(GuichetApp.Booking(slot, lastName: lastName, email: email, phone: phone));
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        return (await answer.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;
    }

    /// <summary>The counter agent marks the arrival from the agenda, a few minutes after the start (the clock is moved there).</summary>
    private async Task MarkHonouredAsync(ApiCreated created, string agentEmail = "accueil@lorval.demo")
    {
        app.Clock.Set(created.Start.AddMinutes(5));
        using var agent = await SignedInAsync(agentEmail);
        var day = created.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var page = await agent.GetAsync($"/agent?site={created.Site}&date={day}");
        var row = page.Document.QuerySelectorAll("table.agenda tbody tr").Single(r => r.TextContent.Contains(created.Code));
        var form = row.QuerySelectorAll("form").OfType<IHtmlFormElement>().Single(f => f.QuerySelector("input[name=outcome]")?.GetAttribute("value") == "honoured");
        var marked = await agent.SubmitAsync(page, form);
        Assert.Equal(HttpStatusCode.OK, marked.Status);
        Assert.Equal(AppointmentStatus.Honoured, await app.WithDbAsync(db => db.Appointments.Where(a => a.Id == created.Id).Select(a => a.Status).SingleAsync()));
    }

    private Task<List<SatisfactionSurvey>> SurveysOfAppointmentAsync(string appointmentId) =>
        app.WithDbAsync(db => db.Set<SatisfactionSurvey>().AsNoTracking().Where(s => s.AppointmentId == appointmentId).ToListAsync());

    private Task<List<OutboxMessage>> SurveyMessagesAsync(string key) =>
        app.WithDbAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.Kind == MessageKind.SatisfactionSurvey && m.IdempotencyKey == key).ToListAsync());

    private static string TokenIn(string text) =>
        Regex.Match(text, $"{Regex.Escape(SatisfactionApp.BaseUrl)}/avis/([A-Za-z0-9_-]+)").Groups[1].Value is { Length: > 0 } t ? t
            : throw new Xunit.Sdk.XunitException($"No survey link in: {text}");

    private async Task SetSettingsAsync(string adminEmail, bool enabled, int delayHours)
    {
        using var admin = await SignedInAsync(adminEmail);
        var page = await admin.GetAsync("/admin/satisfaction");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var saved = await admin.SubmitAsync(page, values: new Dictionary<string, string?>
        {
            ["enabled"] = enabled ? "true" : "false", ["delayHours"] = delayHours.ToString(CultureInfo.InvariantCulture),
        });
        Assert.Equal(HttpStatusCode.OK, saved.Status);
        Assert.Contains("Enregistré", saved.Text);
    }

    [Fact]
    public async Task An_honoured_appointment_gets_one_survey_by_email_some_hours_later_and_never_a_second()
    {
        var created = await BookAsync(Lorval, "2026-12-01", "Avisemail", "avis.email@exemple.fr");
        try
        {
            await MarkHonouredAsync(created);
            var marked = app.Clock.GetUtcNow();

            // Lorval asks three hours after the arrival (demo settings): not before.
            app.Clock.Set(marked.AddHours(2).AddMinutes(59));
            await app.SurveyPassAsync();
            Assert.Empty(await SurveysOfAppointmentAsync(created.Id));

            app.Clock.Set(marked.AddHours(3).AddMinutes(1));
            Assert.True(await app.SurveyPassAsync() >= 1);
            var survey = Assert.Single(await SurveysOfAppointmentAsync(created.Id));
            Assert.Equal((MessageChannel.Email, SurveySubject.Appointment, Lorval, "mairie-lorval"), (survey.Channel, survey.Subject, survey.SiteId, survey.OrganisationId));
            Assert.Equal(survey.SentUtc.AddDays(30), survey.ExpiresUtc);
            var message = Assert.Single(await SurveyMessagesAsync($"satisfaction:appointment:{created.Id}"));
            Assert.Equal((MessageChannel.Email, "avis.email@exemple.fr"), (message.Channel, message.Recipient));
            // The appointment's own messages (confirmation, reminder…) are not held up by the survey, nor held to its order.
            Assert.Null(message.AppointmentId);

            // The stored hash is the link's, and the link is long enough (≥ 128 bits) not to be guessed.
            var token = TokenIn(message.Body);
            Assert.True(token.Length >= 22);
            Assert.Equal(Secrets.Hash(token), survey.TokenHash);
            Assert.DoesNotContain(token, survey.TokenHash);

            // Sent over SMTP, in French, with the link.
            await app.DispatchAsync();
            var mail = Assert.Single(app.Sink.Messages, m => m.To.Contains("avis.email@exemple.fr") && m.Parsed.DecodedHeader("Subject").StartsWith("Votre avis", StringComparison.Ordinal)).Parsed;
            Assert.Contains("Votre avis sur votre rendez-vous du mardi 1 décembre 2026", mail.DecodedHeader("Subject"));
            Assert.Contains($"{SatisfactionApp.BaseUrl}/avis/{token}", mail.Find("text/plain")!.Text);

            // Later passes, and a second node's pass at the same moment, never write a second survey.
            app.Clock.Set(marked.AddHours(5));
            await Task.WhenAll(app.SurveyPassAsync(), app.SurveyPassAsync());
            await app.SurveyPassAsync();
            Assert.Single(await SurveysOfAppointmentAsync(created.Id));
            Assert.Single(await SurveyMessagesAsync($"satisfaction:appointment:{created.Id}"));
        }
        finally { app.Clock.Set(GuichetApp.Start); }
    }

    [Fact]
    public async Task A_citizen_with_only_a_mobile_gets_the_survey_by_sms_and_one_who_answered_stop_gets_none()
    {
        var sms = await BookAsync(Lorval, "2026-12-02", "Avissms", email: null, phone: "06 11 22 33 44");
        var stopped = await BookAsync(Lorval, "2026-12-02", "Avisstop", email: null, phone: "06 55 66 77 88");
        try
        {
            await app.WithDbAsync(async db =>
            {
                db.Add(new SmsOptOut { Phone = "+33655667788", Provider = "twilio", CreatedUtc = app.Clock.GetUtcNow().UtcDateTime });
                return await db.SaveChangesAsync();
            });
            await MarkHonouredAsync(sms);
            await MarkHonouredAsync(stopped);
            app.Clock.Set(app.Clock.GetUtcNow().AddHours(4));
            await app.SurveyPassAsync();

            var survey = Assert.Single(await SurveysOfAppointmentAsync(sms.Id));
            Assert.Equal(MessageChannel.Sms, survey.Channel);
            var message = Assert.Single(await SurveyMessagesAsync($"satisfaction:appointment:{sms.Id}"));
            Assert.Equal("+33611223344", message.Recipient);
            // One GSM-7 segment or two with the link: no accent turns it into UCS-2.
            Assert.Equal(Guichet.Domain.Messaging.SmsEncoding.Analyze(message.Body).Segments, message.Segments);
            Assert.True(message.Segments <= 2, message.Body);
            Assert.Empty(await SurveysOfAppointmentAsync(stopped.Id));

            await app.DispatchAsync();
            var body = Assert.Single(app.SmsBodies(), b => b.Contains("/avis/", StringComparison.Ordinal) && b.Contains(TokenIn(message.Body), StringComparison.Ordinal));
            Assert.StartsWith("Mairie de Lorval", body);
        }
        finally { app.Clock.Set(GuichetApp.Start); }
    }

    [Fact]
    public async Task No_survey_is_sent_by_an_organisation_that_has_not_switched_it_on_nor_after_it_is_switched_off()
    {
        // Saint-Aubin never switched surveys on.
        var off = await BookAsync(SaintAubin, "2026-12-02", "Avisoff", "avis.off@exemple.fr");
        try
        {
            await MarkHonouredAsync(off, "accueil@saint-aubin.demo");
            app.Clock.Set(app.Clock.GetUtcNow().AddHours(4));
            await app.SurveyPassAsync();
            Assert.Empty(await SurveysOfAppointmentAsync(off.Id));
        }
        finally { app.Clock.Set(GuichetApp.Start); }

        // Lorval switches off; an arrival then gets none, even once switched on again (only what follows the switch counts).
        var lorval = await BookAsync(Lorval, "2026-12-03", "Avispause", "avis.pause@exemple.fr");
        var since = await app.WithDbAsync(db => db.Set<SatisfactionSettings>().Where(s => s.OrganisationId == "mairie-lorval").Select(s => s.EnabledSinceUtc).SingleAsync());
        try
        {
            await SetSettingsAsync("admin@lorval.demo", enabled: false, delayHours: 3);
            await MarkHonouredAsync(lorval);
            app.Clock.Set(app.Clock.GetUtcNow().AddHours(4));
            await app.SurveyPassAsync();
            Assert.Empty(await SurveysOfAppointmentAsync(lorval.Id));
            await SetSettingsAsync("admin@lorval.demo", enabled: true, delayHours: 3);
            app.Clock.Set(app.Clock.GetUtcNow().AddHours(1));
            await app.SurveyPassAsync();
            Assert.Empty(await SurveysOfAppointmentAsync(lorval.Id));
        }
        finally
        {
            app.Clock.Set(GuichetApp.Start);
            // The other tests expect Lorval's surveys on since the demo seed.
            await app.WithDbAsync(db => db.Set<SatisfactionSettings>().Where(s => s.OrganisationId == "mairie-lorval")
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.Enabled, true).SetProperty(x => x.DelayHours, 3).SetProperty(x => x.EnabledSinceUtc, since)));
        }
    }

    [Fact]
    public async Task An_answered_request_gets_one_survey_on_the_channel_of_its_reply()
    {
        using var citizen = new Browser(app);
        var code = RequestsApp.CodeOn(await RequestsApp.SendAsync(citizen, "lorval-voirie", RequestsApp.Voirie("Avisdemande", "avis.demande@exemple.fr")));
        var request = await app.WithDbAsync(db => db.CitizenRequests.AsNoTracking().FirstAsync(r => r.TrackingCode == code));
        try
        {
            using var agent = await SignedInAsync("accueil@lorval.demo");
            var page = await agent.GetAsync($"/agent/demandes/{request.Id}");
            var replied = await agent.SubmitAsync(page, "form#repondre", new Dictionary<string, string?> { ["reply"] = "Le trou est rebouché." });
            Assert.Equal(HttpStatusCode.Redirect, replied.Status);
            Assert.Equal(RequestStatus.Answered, await app.WithDbAsync(db => db.CitizenRequests.Where(r => r.Id == request.Id).Select(r => r.Status).SingleAsync()));

            await app.SurveyPassAsync();
            Assert.Empty(await SurveyMessagesAsync($"request:{request.Id}:satisfaction"));
            app.Clock.Set(app.Clock.GetUtcNow().AddHours(3).AddMinutes(1));
            await app.SurveyPassAsync();
            await app.SurveyPassAsync();
            var survey = Assert.Single(await app.WithDbAsync(db => db.Set<SatisfactionSurvey>().AsNoTracking().Where(s => s.RequestId == request.Id).ToListAsync()));
            Assert.Equal((SurveySubject.Request, MessageChannel.Email, "lorval-voirie", (string?)null), (survey.Subject, survey.Channel, survey.UnitId, survey.SiteId));
            var message = Assert.Single(await SurveyMessagesAsync($"request:{request.Id}:satisfaction"));
            Assert.Equal("avis.demande@exemple.fr", message.Recipient);
            Assert.Contains(TrackingCode.Display(code), message.Subject);

            // The survey page speaks of the answer, not of an appointment.
            var form = await citizen.GetAsync($"/avis/{TokenIn(message.Body)}");
            Assert.Contains("Le délai de réponse vous a-t-il convenu ?", form.Text);
        }
        finally { app.Clock.Set(GuichetApp.Start); }
    }

    /// <summary>A survey written as the pass writes it, with a known token (tests of the page need the link).</summary>
    private async Task<string> NewSurveyAsync(string organisationId = "mairie-lorval", string? siteId = Lorval, DateTime? sentUtc = null,
        SurveySubject subject = SurveySubject.Appointment)
    {
        var token = Secrets.NewToken();
        var sent = sentUtc ?? app.Clock.GetUtcNow().UtcDateTime;
        await app.WithDbAsync(async db =>
        {
            db.Add(new SatisfactionSurvey
            {
                Id = Secrets.NewId(), OrganisationId = organisationId, Subject = subject, SiteId = siteId, Channel = MessageChannel.Email,
                TokenHash = Secrets.Hash(token), SentUtc = sent, ExpiresUtc = sent.AddDays(30),
            });
            return await db.SaveChangesAsync();
        });
        return token;
    }

    [Fact]
    public async Task The_survey_page_is_accessible_records_one_answer_and_then_says_it_was_given()
    {
        var token = await NewSurveyAsync();
        using var citizen = new Browser(app);
        var page = await citizen.GetAsync($"/avis/{token}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.StartsWith("Votre avis", page.Title);
        Assert.Equal(3, page.Document.QuerySelectorAll("form fieldset legend").Length);
        Assert.Equal(15, page.Document.QuerySelectorAll("form fieldset input[type=radio]").Length);
        Assert.All(page.Document.QuerySelectorAll("form input[type=radio]"), r => Assert.NotNull(page.Document.QuerySelector($"label[for='{r.Id}']")));
        Assert.NotNull(page.Document.QuerySelector("label[for=comment]"));
        Assert.Empty(page.Document.QuerySelectorAll("script:not([src])"));

        // No score to the first question, a comment too long: refused with both reasons, nothing recorded.
        var refused = await citizen.SubmitAsync(page, values: new Dictionary<string, string?> { ["delay"] = "3", ["comment"] = new string('x', 1001) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("Choisissez une réponse à la première question", refused.Text);
        Assert.Contains("1000 caractères au plus", refused.Text);
        Assert.True(((IHtmlInputElement)refused.Document.QuerySelector("#delay-3")!).IsChecked);
        var forged = await citizen.SubmitAsync(page, values: new Dictionary<string, string?> { ["overall"] = "9" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, forged.Status);

        var sent = await citizen.SubmitAsync(page, values: new Dictionary<string, string?>
        {
            ["overall"] = "4", ["delay"] = "2", ["clarity"] = null, ["comment"] = "  Agent très patient.  ",
        });
        Assert.Equal(HttpStatusCode.Redirect, sent.Status);
        Assert.Equal("/avis/merci", sent.Location);
        Assert.Contains("Merci pour votre avis", (await citizen.FollowAsync(sent)).Text);
        var stored = await app.WithDbAsync(db => db.Set<SatisfactionSurvey>().AsNoTracking().SingleAsync(s => s.TokenHash == Secrets.Hash(token)));
        Assert.Equal((4, 2, (int?)null, "Agent très patient.", app.Clock.GetUtcNow().UtcDateTime), (stored.Overall, stored.Delay, stored.Clarity, stored.Comment, stored.AnsweredUtc));

        // The link served once: shown again, or posted again, it says so and changes nothing.
        var again = await citizen.GetAsync($"/avis/{token}");
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Contains("Vous avez déjà répondu", again.Text);
        var twice = await citizen.SubmitAsync(page, values: new Dictionary<string, string?> { ["overall"] = "1" });
        Assert.Equal(HttpStatusCode.Conflict, twice.Status);
        Assert.Equal(4, await app.WithDbAsync(db => db.Set<SatisfactionSurvey>().Where(s => s.TokenHash == Secrets.Hash(token)).Select(s => s.Overall).SingleAsync()));
    }

    [Fact]
    public async Task Two_answers_racing_on_one_link_leave_exactly_one()
    {
        var token = await NewSurveyAsync();
        using var one = new Browser(app);
        using var two = new Browser(app);
        var (a, b) = (await one.GetAsync($"/avis/{token}"), await two.GetAsync($"/avis/{token}"));
        var answers = await Task.WhenAll(
            one.SubmitAsync(a, values: new Dictionary<string, string?> { ["overall"] = "5" }),
            two.SubmitAsync(b, values: new Dictionary<string, string?> { ["overall"] = "1" }));
        Assert.Single(answers, p => p.Status == HttpStatusCode.Redirect);
        Assert.Single(answers, p => p.Status == HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("inconnu")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("%27%22%3Cscript%3E")]
    public async Task An_unknown_link_says_so_plainly_and_never_fails(string token)
    {
        using var citizen = new Browser(app);
        var page = await citizen.GetAsync($"/avis/{token}");
        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.Contains("Aucun questionnaire ne correspond à ce lien", page.Text);
        var posted = await citizen.PostAsync($"/avis/{token}", new Dictionary<string, string> { ["overall"] = "5", ["__RequestVerificationToken"] = await citizen.AntiforgeryTokenAsync("/connexion") });
        Assert.Equal(HttpStatusCode.NotFound, posted.Status);
        var huge = await citizen.GetAsync("/avis/" + new string('a', 5000));
        Assert.True(huge.Status is HttpStatusCode.NotFound or HttpStatusCode.RequestUriTooLong or HttpStatusCode.BadRequest, huge.Status.ToString());
    }

    [Fact]
    public async Task A_link_past_thirty_days_has_expired_and_takes_no_answer()
    {
        var token = await NewSurveyAsync(sentUtc: app.Clock.GetUtcNow().UtcDateTime.AddDays(-31));
        using var citizen = new Browser(app);
        var page = await citizen.GetAsync($"/avis/{token}");
        Assert.Equal(HttpStatusCode.Gone, page.Status);
        Assert.Contains("n'est plus ouvert", page.Text);
        var posted = await citizen.PostAsync($"/avis/{token}", new Dictionary<string, string> { ["overall"] = "5", ["__RequestVerificationToken"] = await citizen.AntiforgeryTokenAsync("/connexion") });
        Assert.Equal(HttpStatusCode.Gone, posted.Status);
        Assert.Null(await app.WithDbAsync(db => db.Set<SatisfactionSurvey>().Where(s => s.TokenHash == Secrets.Hash(token)).Select(s => s.AnsweredUtc).SingleAsync()));
    }

    /// <summary>
    /// Montclair's fixture, in January 2027 (no other survey there): sent on local days, answered or not.
    /// Hand-computed: 6 surveys sent 1–31 January (Paris days); 4 answered.
    /// overall 5, 4, 4, 1 → mean 3.5, distribution [1, 0, 0, 2, 1], rate 4/6 = 66.7 %;
    /// delay 3, 5 (two skipped) → mean 4, rate 2/6 = 33.3 %; clarity 2, 2, 5 → mean 3, rate 50 %; 2 comments → 33.3 %.
    /// The survey sent on 31 December 23:30 UTC is 1 January in Paris: it counts; the one on 31 January 23:30 UTC is February: it does not.
    /// </summary>
    private async Task SeedMontclairAsync()
    {
        if (await app.WithDbAsync(db => db.Set<SatisfactionSurvey>().AnyAsync(s => s.Id.StartsWith("fixture-montclair-")))) return;
        var rows = new (string SentUtc, int? O, int? D, int? C, string? Comment)[]
        {
            ("2026-12-31T23:30:00Z", 5, 3, 2, "Très bien."),       // 1 January in Paris
            ("2027-01-05T09:00:00Z", 4, null, 2, null),
            ("2027-01-12T09:00:00Z", 4, 5, 5, "=SOMME(A1) ; \"guillemets\""),
            ("2027-01-20T09:00:00Z", 1, null, null, null),
            ("2027-01-25T09:00:00Z", null, null, null, null),
            ("2027-01-30T09:00:00Z", null, null, null, null),
            ("2027-01-31T23:30:00Z", 5, 5, 5, "Février."),          // 1 February in Paris: outside
            ("2026-12-31T22:30:00Z", 1, 1, 1, "Décembre."),         // 31 December in Paris: outside
        };
        await app.WithDbAsync(async db =>
        {
            for (var i = 0; i < rows.Length; i++)
            {
                var sent = DateTime.Parse(rows[i].SentUtc, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
                db.Add(new SatisfactionSurvey
                {
                    Id = $"fixture-montclair-{i}", OrganisationId = "mairie-montclair", Subject = SurveySubject.Appointment, SiteId = "montclair-mairie",
                    Channel = MessageChannel.Email, TokenHash = Secrets.Hash(Secrets.NewToken()), SentUtc = sent, ExpiresUtc = sent.AddDays(30),
                    AnsweredUtc = rows[i].O is null ? null : sent.AddHours(2), Overall = rows[i].O, Delay = rows[i].D, Clarity = rows[i].C, Comment = rows[i].Comment,
                });
            }
            return await db.SaveChangesAsync();
        });
    }

    [Fact]
    public async Task Results_match_the_hand_computed_fixture_with_the_edges_of_the_period_in_local_days()
    {
        await SeedMontclairAsync();
        var results = await app.WithDbAsync(db => SatisfactionResults.ComputeAsync(db, "mairie-montclair", new DateOnly(2027, 1, 1), new DateOnly(2027, 1, 31), null, CancellationToken.None));
        Assert.Equal(["overall", "delay", "clarity", "comment"], results.Select(r => r.Question));
        Assert.All(results, r => Assert.Equal(6, r.SurveysSent));
        var overall = results[0];
        Assert.Equal(("Satisfaction générale", 4, 3.5, 66.7), (overall.Label, overall.Answers, overall.Mean, overall.ResponseRate));
        Assert.Equal([1, 0, 0, 2, 1], overall.Distribution.OrderBy(p => p.Key).Select(p => p.Value));
        Assert.Equal((2, 4.0, 33.3), (results[1].Answers, results[1].Mean, results[1].ResponseRate));
        Assert.Equal([0, 0, 1, 0, 1], results[1].Distribution.OrderBy(p => p.Key).Select(p => p.Value));
        Assert.Equal((3, 3.0, 50.0), (results[2].Answers, results[2].Mean, results[2].ResponseRate));
        Assert.Equal((2, (double?)null, 33.3), (results[3].Answers, results[3].Mean, results[3].ResponseRate));

        // Another site of the organisation's, or an empty period: nothing, and no rate rather than a division by zero.
        var none = await app.WithDbAsync(db => SatisfactionResults.ComputeAsync(db, "mairie-montclair", new DateOnly(2027, 3, 1), new DateOnly(2027, 3, 31), null, CancellationToken.None));
        Assert.All(none, r => Assert.Equal((0, 0, (double?)null, (double?)null), (r.SurveysSent, r.Answers, r.Mean, r.ResponseRate)));
        var site = await app.WithDbAsync(db => SatisfactionResults.ComputeAsync(db, "mairie-montclair", new DateOnly(2027, 1, 1), new DateOnly(2027, 1, 31), "montclair-mairie", CancellationToken.None));
        Assert.Equal(6, site[0].SurveysSent);
    }

    [Fact]
    public async Task The_quality_dashboard_the_public_page_and_the_open_data_api_carry_the_same_satisfaction_figures()
    {
        await SeedMontclairAsync();
        // Open data: scores and rates of the fixture above, never a comment.
        var json = await app.Client.GetStringAsync("/api/v1/indicators?organisation=mairie-montclair&from=2027-01-01&to=2027-01-31");
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var satisfaction = doc.RootElement.GetProperty("satisfaction");
        var overall = satisfaction[0];
        Assert.Equal(("overall", 4, 3.5, 6, 66.7), (overall.GetProperty("question").GetString(), overall.GetProperty("answers").GetInt32(),
            overall.GetProperty("mean").GetDouble(), overall.GetProperty("surveysSent").GetInt32(), overall.GetProperty("responseRate").GetDouble()));
        Assert.Equal(2, overall.GetProperty("answersPerScore").GetProperty("4").GetInt32());
        Assert.DoesNotContain("Très bien", json);
        Assert.DoesNotContain("SOMME", json);

        // The public page of the last 90 days: Montclair's fixture lies in 2027, so none; the sentence says so.
        var publicPage = await new Browser(app).GetAsync("/transparence/mairie-montclair");
        Assert.Contains("Aucune réponse au questionnaire de satisfaction sur la période.", publicPage.Text);

        // Lorval's supervisor reads the table on the dashboard, with its CSV.
        await app.WithDbAsync(async db =>
        {
            var sent = new DateTime(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);
            foreach (var (id, score) in new[] { ("dashboard-1", 5), ("dashboard-2", 2) })
                db.Add(new SatisfactionSurvey
                {
                    Id = id, OrganisationId = "mairie-lorval", Subject = SurveySubject.Appointment, SiteId = Lorval, Channel = MessageChannel.Email,
                    TokenHash = Secrets.Hash(Secrets.NewToken()), SentUtc = sent, ExpiresUtc = sent.AddDays(30), AnsweredUtc = sent.AddHours(1), Overall = score,
                });
            return await db.SaveChangesAsync();
        });
        using var supervisor = await SignedInAsync("superviseur@lorval.demo");
        var dashboard = await supervisor.GetAsync("/agent/qualite?du=2026-11-20&au=2026-11-20");
        Assert.Equal(HttpStatusCode.OK, dashboard.Status);
        var row = dashboard.Document.QuerySelectorAll("#satisfaction tr, section tr").Select(r => r.TextContent).FirstOrDefault(t => t.Contains("Satisfaction générale"));
        Assert.NotNull(row);
        Assert.Matches(@"Satisfaction générale\s*2\s*3,50\s*0\s*1\s*0\s*0\s*1\s*2\s*100,0", row);
        var csv = await supervisor.Http.GetStringAsync("/agent/qualite?handler=Csv&tableau=satisfaction&du=2026-11-20&au=2026-11-20");
        Assert.Contains("Satisfaction générale;2;3,50;0;1;0;0;1;2;100,0", csv);
        var lorvalPublic = await new Browser(app).GetAsync("/transparence/mairie-lorval");
        Assert.Contains("Satisfaction générale", lorvalPublic.Text);
    }

    [Fact]
    public async Task The_results_page_shows_the_figures_the_comments_and_exports_csv_with_semicolons_and_a_bom()
    {
        await SeedMontclairAsync();
        // Montclair has no supervisor in the demo; its results are read as Lorval's are, by an administrator. Here: Lorval's own page first.
        using var supervisor = await SignedInAsync("superviseur@lorval.demo");
        var lorval = await supervisor.GetAsync("/agent/qualite/satisfaction");
        Assert.Equal(HttpStatusCode.OK, lorval.Status);
        Assert.Contains("Satisfaction des usagers de Mairie de Lorval", lorval.Text);
        Assert.Contains("Trois semaines d'attente", lorval.Text);   // a demo comment
        Assert.NotNull(lorval.Document.QuerySelector("table caption"));

        var montclair = await app.WithDbAsync(db => db.Agents.AnyAsync(a => a.OrganisationId == "mairie-montclair" && a.Role == AgentRole.Administrator));
        if (!montclair)
        {
            await app.WithDbAsync(async db =>
            {
                db.Agents.Add(new Agent
                {
                    Id = "agent-test-montclair-admin", OrganisationId = "mairie-montclair", Email = "admin@montclair.test", DisplayName = "Admin Montclair",
                    PasswordHash = Passwords.Hash(Features.Administration.DemoTerritory.Password), Role = AgentRole.Administrator, CreatedUtc = app.Clock.GetUtcNow().UtcDateTime,
                });
                return await db.SaveChangesAsync();
            });
        }
        using var admin = await SignedInAsync("admin@montclair.test");
        var page = await admin.GetAsync("/agent/qualite/satisfaction?from=2027-01-01&to=2027-01-31");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var overall = page.Document.QuerySelectorAll("table")[0].QuerySelectorAll("tbody tr")[0].Children.Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(["Satisfaction générale", "4", "66,7 %", "3,5", "1", "0", "0", "2", "1"], overall);
        Assert.Contains("Très bien.", page.Text);
        Assert.DoesNotContain("Février.", page.Text);
        Assert.DoesNotContain("Trois semaines d'attente", page.Text);   // Lorval's

        var csv = await admin.Http.GetAsync("/agent/qualite/satisfaction?handler=csv&table=questions&from=2027-01-01&to=2027-01-31");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("question;libelle;reponses;enquetes_envoyees;taux_de_reponse_pct;moyenne;note_1;note_2;note_3;note_4;note_5", lines[0]);
        Assert.Equal("overall;Satisfaction générale;4;6;66,7;3,5;1;0;0;2;1", lines[1]);
        Assert.Equal(5, lines.Length);

        var comments = Encoding.UTF8.GetString((await (await admin.Http.GetAsync("/agent/qualite/satisfaction?handler=csv&table=comments&from=2027-01-01&to=2027-01-31")).Content.ReadAsByteArrayAsync())[3..]);
        // A comment that looks like a formula is neutralised and quoted (it holds a semicolon and quotes).
        Assert.Contains("\"'=SOMME(A1) ; \"\"guillemets\"\"\"", comments);
        Assert.DoesNotContain("Février.", comments);
    }

    [Fact]
    public async Task Results_and_settings_stay_inside_the_organisation_and_need_the_right_role()
    {
        using var other = await SignedInAsync("admin@saint-aubin.demo");
        var page = await other.GetAsync("/agent/qualite/satisfaction");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Saint-Aubin", page.Text);
        Assert.DoesNotContain("Trois semaines d'attente", page.Text);
        Assert.DoesNotContain("Hôtel de ville de Lorval", page.Text);
        Assert.Equal("0", page.Document.QuerySelectorAll("table")[0].QuerySelectorAll("tbody tr")[0].Children[1].TextContent.Trim());
        // Lorval's site in the filter is refused like an unknown one; the CSV too.
        var foreign = await other.GetAsync($"/agent/qualite/satisfaction?site={Lorval}");
        Assert.Equal(HttpStatusCode.BadRequest, foreign.Status);
        Assert.Contains("Choisissez un lieu de la liste", foreign.Text);
        var csv = await other.Http.GetAsync($"/agent/qualite/satisfaction?handler=csv&table=comments&site={Lorval}");
        Assert.Equal(HttpStatusCode.BadRequest, csv.StatusCode);
        var own = await (await other.Http.GetAsync("/agent/qualite/satisfaction?handler=csv&table=comments")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("Trois semaines", own);

        // Saint-Aubin's administrator switches its own surveys: Lorval's settings do not move.
        await SetSettingsAsync("admin@saint-aubin.demo", enabled: false, delayHours: 24);
        Assert.Equal((true, 3), await app.WithDbAsync(db => db.Set<SatisfactionSettings>().Where(s => s.OrganisationId == "mairie-lorval").Select(s => new { s.Enabled, s.DelayHours }).SingleAsync().ContinueWith(t => (t.Result.Enabled, t.Result.DelayHours))));
        Assert.Equal(24, await app.WithDbAsync(db => db.Set<SatisfactionSettings>().Where(s => s.OrganisationId == "mairie-saint-aubin").Select(s => s.DelayHours).SingleAsync()));

        // A counter agent reads neither the results nor the settings; nobody signed out does.
        using var counter = await SignedInAsync("accueil@lorval.demo");
        foreach (var url in new[] { "/agent/qualite/satisfaction", "/admin/satisfaction", "/agent/qualite/satisfaction?handler=csv" })
        {
            var denied = await counter.GetAsync(url);
            Assert.Equal(HttpStatusCode.Redirect, denied.Status);
            Assert.StartsWith("/acces-refuse", new Uri(new Uri("http://x"), denied.Location).AbsolutePath);
        }
        using var anonymous = new Browser(app);
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.GetAsync("/agent/qualite/satisfaction")).Status);
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.GetAsync("/admin/satisfaction")).Status);
    }

    [Fact]
    public async Task The_settings_refuse_a_delay_out_of_range_and_the_results_a_bad_period_with_a_clear_message()
    {
        using var admin = await SignedInAsync("admin@lorval.demo");
        var page = await admin.GetAsync("/admin/satisfaction");
        var refused = await admin.SubmitAsync(page, values: new Dictionary<string, string?> { ["enabled"] = "true", ["delayHours"] = "1000" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("Indiquez un nombre d'heures entier, de 1 à 168.", refused.Text);
        var forged = await admin.SubmitAsync(page, values: new Dictionary<string, string?> { ["enabled"] = "peut-être", ["delayHours"] = "3" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, forged.Status);
        Assert.Equal(3, await app.WithDbAsync(db => db.Set<SatisfactionSettings>().Where(s => s.OrganisationId == "mairie-lorval").Select(s => s.DelayHours).SingleAsync()));

        var period = await admin.GetAsync("/agent/qualite/satisfaction?from=2027-02-01&to=2027-01-01");
        Assert.Equal(HttpStatusCode.BadRequest, period.Status);
        Assert.Contains("La date de fin doit suivre la date de début.", period.Text);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/agent/qualite/satisfaction?from=hier")).Status);
    }

    [Fact]
    public async Task Comments_are_removed_after_their_retention_and_the_scores_stay()
    {
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var (old, recent) = (await NewSurveyAsync(sentUtc: now.AddMonths(-13)), await NewSurveyAsync(sentUtc: now.AddDays(-2)));
        await app.WithDbAsync(db => db.Set<SatisfactionSurvey>().Where(s => s.TokenHash == Secrets.Hash(old) || s.TokenHash == Secrets.Hash(recent))
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.AnsweredUtc, x => x.SentUtc.AddHours(1)).SetProperty(x => x.Overall, 2).SetProperty(x => x.Comment, "Mon voisin M. Dupont")));

        await app.SurveyPassAsync();
        var stored = await app.WithDbAsync(db => db.Set<SatisfactionSurvey>().AsNoTracking().SingleAsync(s => s.TokenHash == Secrets.Hash(old)));
        Assert.Equal((2, (string?)null), (stored.Overall, stored.Comment));
        Assert.Equal(now, stored.CommentRemovedUtc);
        Assert.Equal("Mon voisin M. Dupont", await app.WithDbAsync(db => db.Set<SatisfactionSurvey>().Where(s => s.TokenHash == Secrets.Hash(recent)).Select(s => s.Comment).SingleAsync()));
    }

    [Fact]
    public async Task Erasing_a_citizens_requests_erases_their_survey_comment_and_blanks_the_survey_message_the_scores_stay()
    {
        using var citizen = new Browser(app);
        var code = RequestsApp.CodeOn(await RequestsApp.SendAsync(citizen, "lorval-voirie", RequestsApp.Voirie("Aviseffacer", "avis.effacer@exemple.fr")));
        var request = await app.WithDbAsync(db => db.CitizenRequests.AsNoTracking().FirstAsync(r => r.TrackingCode == code));
        try
        {
            using var agent = await SignedInAsync("accueil@lorval.demo");
            var page = await agent.GetAsync($"/agent/demandes/{request.Id}");
            Assert.Equal(HttpStatusCode.Redirect, (await agent.SubmitAsync(page, "form#repondre", new Dictionary<string, string?> { ["reply"] = "Fait." })).Status);
            app.Clock.Set(app.Clock.GetUtcNow().AddHours(4));
            await app.SurveyPassAsync();
            var message = Assert.Single(await SurveyMessagesAsync($"request:{request.Id}:satisfaction"));
            var survey = await citizen.GetAsync($"/avis/{TokenIn(message.Body)}");
            Assert.Equal(HttpStatusCode.Redirect, (await citizen.SubmitAsync(survey, values: new Dictionary<string, string?> { ["overall"] = "3", ["comment"] = "Je suis Aviseffacer." })).Status);

            using var admin = await SignedInAsync("admin@lorval.demo");
            var rights = await admin.GetAsync("/admin/demandes/donnees");
            var found = await admin.SubmitAsync(rights, "form#chercher", new Dictionary<string, string?> { ["email"] = "avis.effacer@exemple.fr" });
            var erased = await admin.SubmitAsync(found, "form#effacer", new Dictionary<string, string?> { ["reason"] = "Demande écrite", ["confirm"] = "true" });
            Assert.Equal(HttpStatusCode.Redirect, erased.Status);

            var stored = await app.WithDbAsync(db => db.Set<SatisfactionSurvey>().AsNoTracking().SingleAsync(s => s.RequestId == request.Id));
            Assert.Equal((3, (string?)null), (stored.Overall, stored.Comment));
            Assert.NotNull(stored.CommentRemovedUtc);
            var blanked = Assert.Single(await SurveyMessagesAsync($"request:{request.Id}:satisfaction"));
            Assert.Equal((AnonymiseRequest.BlankRecipient, ""), (blanked.Recipient, blanked.Body));
        }
        finally { app.Clock.Set(GuichetApp.Start); }
    }
}
