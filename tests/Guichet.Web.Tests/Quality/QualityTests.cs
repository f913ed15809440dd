using System.Net;
using System.Text;
using System.Text.Json;
using Guichet.Domain.Requests;
using Guichet.Domain.Voice;
using Guichet.Web.Data;
using Guichet.Web.Features.Administration;
using Guichet.Web.Features.Requests;
using Guichet.Web.Features.Voice;
using Guichet.Web.Features.Withdrawals;
using Guichet.Web.Platform;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Tests.Quality;

/// <summary>
/// Quality indicators against a hand-computed fixture: an organisation of its own ("qualite-test", Paris, metropolitan
/// holidays) with requests, calls, appointments and withdrawals placed around November 2026. Today is Mon 30 Nov 2026.
/// </summary>
public sealed class QualityTests(RequestsApp app) : IClassFixture<RequestsApp>
{
    private const string Org = "qualite-test";
    private const string Period = "du=2026-11-01&au=2026-11-30";
    private static readonly SemaphoreSlim Gate = new(1, 1);

    private static DateTime Paris(string local) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture), TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));
    private static DateOnly D(string iso) => DateOnly.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private async Task SeedAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (await app.WithDbAsync(db => db.Organisations.AnyAsync(o => o.Id == Org))) return;
            await app.WithDbAsync(async db =>
            {
                var now = GuichetApp.Start.UtcDateTime;
                db.Add(new Organisation { Id = Org, Name = "Mairie de Qualiville", Kind = OrganisationKind.Commune, DepartmentCode = "53", CreatedUtc = now });
                await db.SaveChangesAsync();
                db.AddRange(
                    new Site { Id = "qt-site1", OrganisationId = Org, Name = "Qualiville centre", Address = "1 place", PostalCode = "53000", City = "Qualiville", TimeZone = "Europe/Paris" },
                    new Site { Id = "qt-site2", OrganisationId = Org, Name = "Qualiville annexe", Address = "2 rue", PostalCode = "53000", City = "Qualiville", TimeZone = "Europe/Paris" });
                db.AddRange(
                    new Station { Id = "qt-st1", OrganisationId = Org, SiteId = "qt-site1", Name = "Poste" },
                    new Station { Id = "qt-st2", OrganisationId = Org, SiteId = "qt-site2", Name = "Poste" });
                db.Add(new Reason { Id = "qt-cni", OrganisationId = Org, Code = "CNI", Name = "Carte d'identité", MinutesPerPerson = 15, MinutesWithPreRequest = 10, MaxPersons = 6 });
                Unit U(string id, string name) => new() { Id = id, OrganisationId = Org, Name = name, Address = "1 place", PostalCode = "53000", City = "Qualiville", Phone = "0243000000", Email = "u@qualite.test" };
                db.AddRange(U("qt-a", "Service A qualité"), U("qt-b", "Service B qualité"));
                await db.SaveChangesAsync();
                db.Add(new Category { Id = "qt-cat", OrganisationId = Org, Name = "Catégorie qualité", UnitId = "qt-a" });
                var hash = Passwords.Hash(DemoTerritory.Password);
                db.AddRange(
                    new Agent { Id = "qt-sup", OrganisationId = Org, Email = "superviseur@qualite.test", DisplayName = "Sup", PasswordHash = hash, Role = AgentRole.Supervisor, CreatedUtc = now },
                    new Agent { Id = "qt-agent", OrganisationId = Org, Email = "agent@qualite.test", DisplayName = "Agent", PasswordHash = hash, Role = AgentRole.Agent, CreatedUtc = now });
                await db.SaveChangesAsync();

                var n = 0;
                void R(string unit, RequestChannel channel, string received, string due, string? answered, int? days, RequestStatus status,
                    string? firstResponse = null, int? firstDays = null)
                {
                    var r = new CitizenRequest
                    {
                        Id = $"qt-r{++n}", OrganisationId = Org, TrackingCode = $"QT{n:000000}", CategoryId = "qt-cat", UnitId = unit, Channel = channel,
                        Status = status, ReceivedUtc = Paris(received + "T10:00:00"), DueDate = D(due), LastName = "Test", NameKey = "test", Text = "x",
                        UpdatedUtc = now,
                    };
                    if (answered is not null) (r.AnsweredUtc, r.AnsweredOn, r.AnswerWorkingDays) = (Paris(answered + "T15:00:00"), D(answered), days);
                    var first = firstResponse ?? answered;
                    if (first is not null) (r.FirstResponseUtc, r.FirstResponseOn, r.FirstResponseWorkingDays) = (Paris(first + "T15:00:00"), D(first), firstDays ?? days);
                    db.Add(r);
                }
                R("qt-a", RequestChannel.Web, "2026-11-03", "2026-11-10", "2026-11-10", 5, RequestStatus.Answered);      // in time, on the due day
                R("qt-a", RequestChannel.Web, "2026-11-03", "2026-11-10", "2026-11-12", 7, RequestStatus.Closed);        // late
                R("qt-a", RequestChannel.Email, "2026-10-26", "2026-11-02", "2026-11-03", 6, RequestStatus.Answered);    // received before the period, late in it
                R("qt-a", RequestChannel.Email, "2026-10-30", "2026-11-06", "2026-11-02", 1, RequestStatus.Rejected);    // received before, in time in it
                R("qt-a", RequestChannel.Web, "2026-10-26", "2026-11-02", "2026-10-31", 4, RequestStatus.Closed);        // answered before the period: not counted
                R("qt-a", RequestChannel.Web, "2026-11-13", "2026-11-20", null, null, RequestStatus.InProgress, "2026-11-16", 1); // overdue, unanswered
                R("qt-a", RequestChannel.Web, "2026-11-23", "2026-11-30", null, null, RequestStatus.Received);            // due today: not late yet
                R("qt-b", RequestChannel.Post, "2026-10-30", "2026-11-25", "2026-11-20", 14, RequestStatus.Answered);    // letter in time
                R("qt-b", RequestChannel.Post, "2026-10-01", "2026-10-30", null, null, RequestStatus.Assigned);           // overdue, counted in October
                R("qt-b", RequestChannel.Web, "2026-11-02", "2026-11-09", null, null, RequestStatus.Merged);              // merged: never counted

                var c = 0;
                void Call(string? unit, VoiceOutcome outcome, DateTime startedUtc) => db.Add(new VoiceCall
                {
                    Id = $"qt-call{++c}", OrganisationId = Org, Door = "twilio", State = "{}", StartedUtc = startedUtc, UpdatedUtc = startedUtc, Path = "Menu", Outcome = outcome, UnitId = unit,
                });
                foreach (var o in new[] { VoiceOutcome.Booked, VoiceOutcome.Booked, VoiceOutcome.Information, VoiceOutcome.Transferred, VoiceOutcome.Message, VoiceOutcome.Abandoned, VoiceOutcome.None })
                    Call("qt-a", o, Paris("2026-11-10T10:00:00"));
                Call("qt-a", VoiceOutcome.Booked, Paris("2026-11-01T00:30:00"));      // first half hour of the period (23:30 UTC the day before)
                Call("qt-a", VoiceOutcome.Abandoned, Paris("2026-10-31T23:30:00"));   // last half hour before it
                Call(null, VoiceOutcome.Booked, Paris("2026-11-12T10:00:00"));
                Call("qt-a", VoiceOutcome.Abandoned, Paris("2026-12-01T00:10:00"));   // after the period

                var a = 0;
                Appointment A(string site, AppointmentStatus status, Channel channel, string start, string created, string reason = "CNI", string? urgent = null)
                {
                    var x = new Appointment
                    {
                        Id = $"qt-a{++a}", OrganisationId = Org, SiteId = site, StationId = site == "qt-site1" ? "qt-st1" : "qt-st2", ReasonCode = reason,
                        Code = $"QTA{a:00000}", ManageTokenHash = $"h{a}", StartUtc = Paris(start), EndUtc = Paris(start).AddMinutes(15), Persons = 1,
                        Status = status, Channel = channel, FirstName = "T", LastName = "T", CreatedUtc = Paris(created), UrgentJustification = urgent,
                    };
                    db.Add(x);
                    return x;
                }
                A("qt-site1", AppointmentStatus.Honoured, Channel.Web, "2026-11-02T09:00:00", "2026-11-01T09:00:00");
                A("qt-site1", AppointmentStatus.Honoured, Channel.Web, "2026-11-03T09:00:00", "2026-11-02T09:00:00");
                A("qt-site1", AppointmentStatus.Honoured, Channel.Phone, "2026-11-04T09:00:00", "2026-11-02T09:00:00");
                A("qt-site1", AppointmentStatus.NoShow, Channel.Counter, "2026-11-05T09:00:00", "2026-11-03T09:00:00", urgent: "Voyage");
                A("qt-site1", AppointmentStatus.Cancelled, Channel.Partner, "2026-11-06T09:00:00", "2026-11-03T09:00:00");
                A("qt-site1", AppointmentStatus.Booked, Channel.Partner, "2026-11-30T15:00:00", "2026-11-20T09:00:00");
                A("qt-site2", AppointmentStatus.Honoured, Channel.Web, "2026-11-09T09:00:00", "2026-11-05T09:00:00");
                A("qt-site2", AppointmentStatus.NoShow, Channel.Voice, "2026-11-10T09:00:00", "2026-11-06T09:00:00");
                A("qt-site1", AppointmentStatus.Booked, Channel.Web, "2026-12-01T10:00:00", "2026-10-15T09:00:00");     // after the period, booked before it
                // Deposits and withdrawals at the annexe (booked in September: not in the period's channels).
                var d1 = A("qt-site2", AppointmentStatus.Honoured, Channel.Web, "2026-11-02T10:00:00", "2026-09-01T09:00:00");
                var w1 = A("qt-site2", AppointmentStatus.Honoured, Channel.Web, "2026-11-20T10:00:00", "2026-09-01T09:00:00", "WITHDRAWAL");
                var d2 = A("qt-site2", AppointmentStatus.Honoured, Channel.Web, "2026-10-20T10:00:00", "2026-09-01T09:00:00");
                var w2 = A("qt-site2", AppointmentStatus.Honoured, Channel.Web, "2026-11-05T10:00:00", "2026-09-01T09:00:00", "WITHDRAWAL");
                await db.SaveChangesAsync();
                db.AddRange(
                    new ApplicationDeposit { Id = "qt-d1", OrganisationId = Org, AppointmentId = d1.Id, SiteId = "qt-site2", ReasonCode = "CNI", DepositedOn = D("2026-11-02"), DepositedUtc = d1.StartUtc, DepositedBy = "qt-agent", EarliestWithdrawal = D("2026-11-10"), WithdrawalAppointmentId = w1.Id },
                    new ApplicationDeposit { Id = "qt-d2", OrganisationId = Org, AppointmentId = d2.Id, SiteId = "qt-site2", ReasonCode = "CNI", DepositedOn = D("2026-10-20"), DepositedUtc = d2.StartUtc, DepositedBy = "qt-agent", EarliestWithdrawal = D("2026-10-28"), WithdrawalAppointmentId = w2.Id });
                await db.SaveChangesAsync();
                return 0;
            });
        }
        finally { Gate.Release(); }
    }

    private async Task<Browser> SupervisorAsync(string email = "superviseur@qualite.test")
    {
        await SeedAsync();
        var browser = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).Status);
        return browser;
    }

    /// <summary>The rows of one table of the dashboard, cells as text.</summary>
    private static List<string[]> Rows(WebPage page, string key) =>
        page.Document.QuerySelectorAll($"section[aria-labelledby='t-{key}'] tbody tr")
            .Select(tr => tr.Children.Select(td => td.TextContent.Trim()).ToArray()).ToList();

    private static string Web => RequestChannels.Label(RequestChannel.Web);
    private static string Email => RequestChannels.Label(RequestChannel.Email);
    private static string Post => RequestChannels.Label(RequestChannel.Post);

    [Fact]
    public async Task Requests_count_in_the_period_of_their_first_answer_or_else_of_their_passed_due_date()
    {
        using var sup = await SupervisorAsync();
        var page = await sup.GetAsync("/agent/qualite?" + Period);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(
        [
            ["Service A qualité", Web, "1", "1", "1", "33,3"],
            ["Service A qualité", Email, "1", "1", "0", "50,0"],
            ["Service B qualité", Post, "1", "0", "0", "100,0"],
            ["Total", "", "3", "2", "1", "50,0"],
        ], Rows(page, "demandes-delais"));
        // Answers in the period: 5, 7, 6, 1 and 14 working days → mean 6.6, 90 % within 14. First messages add the 1 of the open request.
        Assert.Equal(
        [
            ["Réponse (demande répondue, rejetée ou close)", "5", "6,6", "14"],
            ["Premier message à l'usager", "6", "5,7", "14"],
        ], Rows(page, "demandes-temps"));
        Assert.Equal([["Service A qualité", "2", "1"], ["Service B qualité", "1", "1"], ["Total", "3", "2"]], Rows(page, "demandes-stock"));
    }

    [Fact]
    public async Task The_unit_filter_narrows_requests_and_calls_to_that_unit()
    {
        using var sup = await SupervisorAsync();
        var page = await sup.GetAsync("/agent/qualite?" + Period + "&service=qt-b");
        Assert.Equal([["Service B qualité", Post, "1", "0", "0", "100,0"], ["Total", "", "1", "0", "0", "100,0"]], Rows(page, "demandes-delais"));
        Assert.Equal([["Service B qualité", "1", "1"], ["Total", "1", "1"]], Rows(page, "demandes-stock"));
        Assert.Equal("0", Rows(page, "appels").Single()[1]);
    }

    [Fact]
    public async Task Calls_are_counted_per_unit_in_the_periods_local_days_against_the_ninety_percent_target()
    {
        using var sup = await SupervisorAsync();
        var page = await sup.GetAsync("/agent/qualite?" + Period);
        // Service A: 8 calls (the one at 00:30 on 1 November counts, the ones at 23:30 on 31 October and on 1 December do not):
        // 3 booked, 1 information, 1 transferred, 1 message = 6 answered; 1 abandoned; 1 unfinished → 6 / 7 = 85.7 %.
        Assert.Equal(
        [
            ["Service A qualité", "8", "6", "1", "1", "1", "1", "85,7", "non"],
            ["Sans service", "1", "1", "0", "0", "0", "0", "100,0", "oui"],
            ["Total", "9", "7", "1", "1", "1", "1", "87,5", "non"],
        ], Rows(page, "appels"));
        Assert.Contains("<svg", page.Html);
        Assert.NotNull(page.Document.QuerySelector("section[aria-labelledby='t-appels'] svg[role='img'] title"));
    }

    [Fact]
    public async Task Appointments_give_bookings_per_channel_no_shows_cancellations_urgent_reserve_and_withdrawal_delays()
    {
        using var sup = await SupervisorAsync();
        var page = await sup.GetAsync("/agent/qualite?" + Period);
        Assert.Equal(
        [
            ["Internet", "3", "37,5"], ["Téléphone (par un agent)", "1", "12,5"], ["Guichet", "1", "12,5"],
            ["Mairie associée", "2", "25,0"], ["Serveur vocal", "1", "12,5"], ["Total", "8", "100,0"],
        ], Rows(page, "rdv-canaux"));
        // Annexe: 1 honoured + 1 deposit + 2 withdrawals honoured, 1 no-show → 1 / 5 = 20 %. Centre: 3 honoured, 1 no-show, 1 cancelled, 1 to come.
        Assert.Equal(
        [
            ["Qualiville annexe", "0", "4", "1", "0", "0", "20,0", "0,0"],
            ["Qualiville centre", "1", "3", "1", "0", "1", "25,0", "16,7"],
        ], Rows(page, "rdv-lieux"));
        // Withdrawals honoured in November: 18 and 16 days after their deposits.
        Assert.Equal([["Rendez-vous pris sur la réserve d'urgence", "1"], ["Titres retirés", "2"], ["Délai moyen du dépôt au retrait (jours)", "17,0"], ["90 % retirés en moins de (jours)", "18"]],
            Rows(page, "rdv-autres"));
        // No opening rule: no free slot within the search horizon.
        Assert.Contains(Rows(page, "rdv-delai"), r => r[0] == "Qualiville centre" && r[2] == "aucun dans les 93 jours");

        var annexe = await sup.GetAsync("/agent/qualite?" + Period + "&site=qt-site2");
        Assert.Equal([["Qualiville annexe", "0", "4", "1", "0", "0", "20,0", "0,0"]], Rows(annexe, "rdv-lieux"));
    }

    [Fact]
    public async Task Every_table_exports_as_csv_for_french_excel()
    {
        using var sup = await SupervisorAsync();
        var page = await sup.GetAsync("/agent/qualite?" + Period);
        var links = page.Links("a[download]").Select(l => l.GetAttribute("href")!).Where(h => h.Contains("handler=csv")).ToList();
        Assert.Equal(9, links.Count);   // eight indicator tables and the satisfaction survey's
        foreach (var link in links)
        {
            var answer = await sup.Http.GetAsync(link);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("text/csv", answer.Content.Headers.ContentType?.MediaType);
        }
        var bytes = await sup.Http.GetByteArrayAsync("/agent/qualite?handler=csv&tableau=demandes-delais&" + Period);
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Service;Canal;Répondues dans le délai;Répondues en retard;En retard sans réponse;Part dans le délai (%)", lines[0]);
        Assert.Equal($"Service A qualité;{Web};1;1;1;33,3", lines[1]);
        Assert.Equal("Total;;3;2;1;50,0", lines[^1]);
        Assert.Equal(HttpStatusCode.NotFound, (await sup.Http.GetAsync("/agent/qualite?handler=csv&tableau=inconnu")).StatusCode);
    }

    [Fact]
    public async Task Bad_filters_are_refused_in_french_and_the_page_still_answers()
    {
        using var sup = await SupervisorAsync();
        foreach (var (query, message) in new[]
        {
            ("du=2026-13-01&au=2026-11-30", "n'est pas valide"),
            ("du=2026-11-30&au=2026-11-01", "La date de fin est avant la date de début."),
            ("du=2024-01-01&au=2026-11-30", "366 jours"),
            ("site=lorval-hotel-de-ville", "Choisissez un lieu de la liste."),
            ("service=lorval-voirie", "Choisissez un service de la liste."),
            ("du=2026-11-31", "n'est pas valide"),
        })
        {
            var page = await sup.GetAsync("/agent/qualite?" + query);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.Contains(message, page.Text);
        }
    }

    [Fact]
    public async Task Only_supervisors_and_administrators_of_the_organisation_see_its_figures()
    {
        await SeedAsync();
        using var anonymous = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync("/agent/qualite")).Status);
        using var agent = await SupervisorAsync("agent@qualite.test");
        var denied = await agent.GetAsync("/agent/qualite");
        Assert.NotEqual(HttpStatusCode.OK, denied.Status);
        Assert.NotEqual(HttpStatusCode.OK, (await agent.GetAsync("/agent/qualite?handler=csv&tableau=appels")).Status);

        // An administrator of another organisation sees their own figures only, and cannot name this one's site or unit.
        using var other = await SupervisorAsync("admin@saint-aubin.demo");
        var page = await other.GetAsync("/agent/qualite?" + Period + "&site=qt-site1&service=qt-a");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Mairie de Saint-Aubin-sur-Lorne", page.Text);
        Assert.DoesNotContain("Qualiville", page.Html);
        Assert.DoesNotContain("Service A qualité", page.Html);
        var csv = await other.Http.GetAsync("/agent/qualite?handler=csv&tableau=rdv-lieux&" + Period + "&site=qt-site1");
        Assert.Equal(HttpStatusCode.BadRequest, csv.StatusCode);
        Assert.DoesNotContain("Qualiville", await csv.Content.ReadAsStringAsync());
        var calls = Encoding.UTF8.GetString(await other.Http.GetByteArrayAsync("/agent/qualite?handler=csv&tableau=appels&" + Period));
        Assert.DoesNotContain("Service A qualité", calls);
    }

    [Fact]
    public async Task The_api_returns_the_dashboards_figures_for_an_organisation_or_a_sites_organisation()
    {
        await SeedAsync();
        var answer = await app.Client.GetAsync($"/api/v1/indicators?organisation={Org}&from=2026-11-01&to=2026-11-30");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(Org, json.GetProperty("organisation").GetString());
        var requests = json.GetProperty("requests");
        Assert.Equal(3, requests.GetProperty("inTime").GetInt64());
        Assert.Equal(6, requests.GetProperty("counted").GetInt64());
        Assert.Equal(50.0, requests.GetProperty("inTimePercent").GetDouble());
        Assert.Equal(6.6, requests.GetProperty("timeToAnswer").GetProperty("meanDays").GetDouble());
        Assert.Equal(14, requests.GetProperty("timeToAnswer").GetProperty("p90Days").GetInt32());
        Assert.Equal(3, requests.GetProperty("open").GetInt64());
        Assert.Equal(2, requests.GetProperty("overdue").GetInt64());
        Assert.Equal(87.5, json.GetProperty("calls").GetProperty("answeredPercent").GetDouble());
        Assert.Equal(90, json.GetProperty("calls").GetProperty("targetPercent").GetInt32());
        var appointments = json.GetProperty("appointments");
        Assert.Equal(2, appointments.GetProperty("bookingsByChannel").GetProperty("partner").GetInt64());
        Assert.Equal(1, appointments.GetProperty("urgentReserveBookings").GetInt64());
        Assert.Equal(17.0, appointments.GetProperty("depositToWithdrawal").GetProperty("meanDays").GetDouble());
        // No personal data: no names, e-mails or tracking codes anywhere.
        var text = json.GetRawText();
        Assert.DoesNotContain("QT0000", text);
        Assert.DoesNotContain("@", text);

        var bySite = JsonDocument.Parse(await app.Client.GetStringAsync("/api/v1/indicators?site=qt-site2&from=2026-11-01&to=2026-11-30")).RootElement;
        Assert.Equal(Org, bySite.GetProperty("organisation").GetString());
        Assert.Equal("qt-site2", bySite.GetProperty("site").GetString());
        Assert.Equal("qt-site2", bySite.GetProperty("appointments").GetProperty("bySite").EnumerateArray().Single().GetProperty("siteId").GetString());
    }

    [Theory]
    [InlineData("from=2026-11-01&to=2026-11-30", 422, "organisation")]
    [InlineData("organisation=qualite-test&to=2026-11-30", 422, "from")]
    [InlineData("organisation=qualite-test&from=2026-11-01", 422, "to")]
    [InlineData("organisation=qualite-test&from=2026-02-30&to=2026-11-30", 422, "from")]
    [InlineData("organisation=qualite-test&from=2026-11-30&to=2026-11-01", 422, "to")]
    [InlineData("organisation=qualite-test&from=2020-01-01&to=2026-11-30", 422, "to")]
    [InlineData("organisation=qualite-test&from=%C3%A9t%C3%A9&to=%FF", 422, "from")]
    [InlineData("organisation=qualite-test&from=%00&to=2026-11-30", 400, null)]   // refused by the platform before the call
    [InlineData("organisation=inconnue&from=2026-11-01&to=2026-11-30", 404, null)]
    [InlineData("site=inconnu&from=2026-11-01&to=2026-11-30", 404, null)]
    [InlineData("organisation=mairie-lorval&site=qt-site1&from=2026-11-01&to=2026-11-30", 422, "site")]
    public async Task Bad_api_queries_get_a_french_problem_never_a_500(string query, int status, string? field)
    {
        await SeedAsync();
        var answer = await app.Client.GetAsync("/api/v1/indicators?" + query);
        Assert.Equal(status, (int)answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("detail").GetString()));
        if (field is not null) Assert.True(json.GetProperty("errors").TryGetProperty(field, out _), json.GetRawText());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_indicators_call()
    {
        var document = JsonDocument.Parse(await app.Client.GetStringAsync("/openapi/v1.json")).RootElement;
        var get = document.GetProperty("paths").GetProperty("/api/v1/indicators").GetProperty("get");
        Assert.Contains("Indicateurs", get.GetProperty("summary").GetString());
        Assert.True(get.GetProperty("responses").TryGetProperty("422", out _));
    }

    [Fact]
    public async Task The_public_transparency_page_shows_todays_slot_delays_and_the_last_ninety_days_without_sign_in()
    {
        await SeedAsync();
        using var citizen = new Browser(app);
        var list = await citizen.GetAsync("/transparence");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Contains(list.Links("main a"), l => l.GetAttribute("href") == "/transparence/mairie-lorval");
        Assert.Contains(list.Links("footer a"), l => l.GetAttribute("href") == "/transparence");

        var lorval = await citizen.GetAsync("/transparence/mairie-lorval");
        Assert.Equal(HttpStatusCode.OK, lorval.Status);
        var first = (await app.SlotsAsync("CNI", site: "lorval-hotel-de-ville")).First();
        Assert.Contains(first.Start.ToString("dd/MM/yyyy"), lorval.Document.QuerySelector("main table")!.TextContent);

        var mine = await citizen.GetAsync($"/transparence/{Org}");
        // 90 days to 30 November: November's 6 requests (3 in time), plus the one answered in time on 31 October and the one
        // overdue since 30 October → 4 / 8. Calls: November's, plus the call abandoned at 23:30 on 31 October → 7 / 9.
        Assert.Contains("50,0 %", mine.Text);
        Assert.Contains("77,8 %", mine.Text);
        Assert.Equal(HttpStatusCode.NotFound, (await citizen.GetAsync("/transparence/inconnue")).Status);
    }

    [Fact]
    public async Task An_agents_reply_stamps_the_first_answer_once_and_the_dashboard_counts_it()
    {
        using var citizen = new Browser(app);
        var r = await app.RequestAsync(RequestsApp.CodeOn(await RequestsApp.SendAsync(citizen, "lorval-voirie", RequestsApp.Voirie("Stamp"))));
        using var agent = new Browser(app);
        await agent.SignInAsync("admin@lorval.demo");
        var page = await agent.GetAsync($"/agent/demandes/{r.Id}");
        var replied = await agent.SubmitAsync(page, "form#repondre", new Dictionary<string, string?> { ["reply"] = "C'est noté." });
        Assert.Equal(HttpStatusCode.Redirect, replied.Status);
        var stamped = await app.RequestAsync(r.TrackingCode);
        Assert.Equal(D("2026-11-30"), stamped.AnsweredOn);
        Assert.Equal(0, stamped.AnswerWorkingDays);
        Assert.Equal(stamped.AnsweredUtc, stamped.FirstResponseUtc);

        var dashboard = await agent.GetAsync("/agent/qualite?du=2026-11-30&au=2026-11-30");
        Assert.Contains(Rows(dashboard, "demandes-delais"), row => row[0] == "Service voirie et espaces publics" && row[1] == Web && row[2] != "0");
    }
}
