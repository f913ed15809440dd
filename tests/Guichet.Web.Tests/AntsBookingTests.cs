using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Guichet.Web.Data;
using Guichet.Web.Features.Ants;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guichet.Web.Tests;

/// <summary>
/// Booking with pre-request numbers against the fake ANTS coordination API on a real socket: each status, ANTS slow
/// or down while booking and while declaring, families, cancellations, the order of the queue, the policy on
/// appointments held elsewhere.
/// </summary>
public sealed class AntsBookingTests : IClassFixture<AntsApp>, IAsyncLifetime
{
    private const string Lorval = "lorval-hotel-de-ville";
    private const string SaintAubin = "saint-aubin-mairie";
    private const string Montclair = "montclair-mairie";
    private readonly AntsApp app;
    private readonly FakeCoordinationApi fake;

    public AntsBookingTests(AntsApp app)
    {
        this.app = app;
        fake = app.Coordination.Api;
        fake.Reset();
    }

    /// <summary>Each test starts with an empty queue: what earlier tests left waiting is set aside.</summary>
    public Task InitializeAsync() => app.WithDbAsync(db => db.Set<AntsSyncJob>()
        .Where(j => j.Status == AntsJobStatus.Pending || j.Status == AntsJobStatus.Claimed)
        .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, AntsJobStatus.Failed).SetProperty(j => j.LastError, "set aside by the test fixture")));

    public Task DisposeAsync() => Task.CompletedTask;

    // ---- helpers -------------------------------------------------------------------------------------------

    private async Task<ApiSlot> SlotAsync(string site, string day, string reason = "CNI", int persons = 1, int preRequests = 1, int skip = 0)
    {
        var slots = await app.Client.GetFromJsonAsync<ApiSlots>(
            $"/api/v1/slots?site={site}&reason={reason}&persons={persons}&preRequests={preRequests}&from={day}&to={day}", GuichetApp.Json);
        return slots!.Slots.Skip(skip).First();
    }

    private async Task<HttpResponseMessage> BookAsync(string site, string day, string lastName, string[] numbers, string reason = "CNI",
        string firstName = "Camille", string? email = null, string? phone = null)
    {
        var slot = await SlotAsync(site, day, reason, Math.Max(1, numbers.Length), numbers.Length);
        return await app.BookAsync(new
        {
            site = slot.Site, reason, start = slot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz"), persons = Math.Max(1, numbers.Length),
            firstName, lastName, email = email ?? $"{lastName.ToLowerInvariant()}@exemple.fr", phone, preRequestNumbers = numbers,
        });
    }

    private static async Task<ApiCreated> CreatedAsync(HttpResponseMessage answer)
    {
        Assert.True(answer.StatusCode == HttpStatusCode.Created, $"{(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        return (await answer.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;
    }

    private Task<List<AntsSyncJob>> JobsAsync(string appointmentId) =>
        app.WithDbAsync(db => db.Set<AntsSyncJob>().AsNoTracking().Where(j => j.AppointmentId == appointmentId).OrderBy(j => j.Seq).ToListAsync());

    private Task<AntsCheck?> CheckAsync(string appointmentId) =>
        app.WithDbAsync(db => db.Set<AntsCheck>().AsNoTracking().FirstOrDefaultAsync(c => c.AppointmentId == appointmentId));

    private List<FakeCoordinationApi.Row> Declared(string number) => fake.Appointments.Where(r => r.ApplicationId == number).ToList();

    private List<string> CallsTo(string verb) => fake.Calls.Where(c => c.StartsWith(verb + " ", StringComparison.Ordinal)).ToList();

    /// <summary>Another editor's appointment for the number, as ANTS would list it.</summary>
    private async Task DeclareElsewhereAsync(string number, string meetingPoint = "Mairie de Quimper", string date = "2026-12-10 10:00:00")
    {
        using var http = new HttpClient();
        var request = new HttpRequestMessage(HttpMethod.Post, $"{app.Coordination.Url}/appointments?application_id={number}&meeting_point_id=quimper-1"
            + $"&meeting_point={Uri.EscapeDataString(meetingPoint)}&appointment_date={Uri.EscapeDataString(date)}"
            + $"&management_url={Uri.EscapeDataString("https://autre-editeur.example/rdv/" + number)}");
        request.Headers.Add(CoordinationClient.TokenHeader, AntsApp.CoordinationToken);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
    }

    private Task SetPolicyAsync(string organisation, ElsewherePolicy policy) => app.WithDbAsync(async db =>
    {
        var row = await db.Set<AntsPolicy>().FirstOrDefaultAsync(p => p.OrganisationId == organisation);
        if (row is null) db.Set<AntsPolicy>().Add(row = new AntsPolicy { OrganisationId = organisation });
        row.Elsewhere = policy;
        return await db.SaveChangesAsync();
    });

    /// <summary>The demo has one administrator (Lorval's); isolation needs a second organisation's.</summary>
    private Task EnsureSaintAubinAdministratorAsync() => app.WithDbAsync(async db =>
    {
        if (!await db.Agents.AnyAsync(a => a.Email == "admin@saint-aubin.test"))
            db.Agents.Add(new Agent
            {
                Id = "agent-admin-saint-aubin-test", OrganisationId = "mairie-saint-aubin", Email = "admin@saint-aubin.test", DisplayName = "Admin Saint-Aubin",
                PasswordHash = Guichet.Web.Platform.Passwords.Hash(Guichet.Web.Features.Administration.DemoTerritory.Password), Role = AgentRole.Administrator,
            });
        return await db.SaveChangesAsync();
    });

    private async Task<Browser> SignedInAsync(string email)
    {
        var browser = new Browser(app);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync(email)).Status);
        return browser;
    }

    // ---- statuses ------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("STATUS0001", "validated", null)]
    [InlineData("STATUS0002", "declared", "pas encore reconnue officiellement")]
    [InlineData("STATUS0003", "consumed", "déjà servi pour une demande déposée")]
    [InlineData("STATUS0004", "expired", "a expiré")]
    [InlineData("STATUS0005", "unknown", "l'ANTS ne connaît pas ce numéro")]
    public async Task Each_ants_status_of_a_deposit_number_books_or_refuses_with_a_french_message_naming_the_number(string number, string status, string? refusal)
    {
        if (status != "unknown") fake.SetStatus(number, status);

        var answer = await BookAsync(SaintAubin, "2026-12-07", "Statut" + status, [number]);

        Assert.Equal($"GET /status?application_ids={number}&meeting_point_id={SaintAubin}", Assert.Single(fake.Calls));
        if (refusal is null)
        {
            var created = await CreatedAsync(answer);
            Assert.Equal(AntsCheckState.Verified, (await CheckAsync(created.Id))!.State);
            var job = Assert.Single(await JobsAsync(created.Id));
            Assert.Equal((AntsJobKind.Declare, AntsJobStatus.Pending, number), (job.Kind, job.Status, job.ApplicationIds));
            return;
        }
        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.StatusCode);
        var message = Answers.ProblemMessage(await Answers.ProblemAsync(answer));
        Assert.Contains(number, message);
        Assert.Contains(refusal, message);
        Assert.True(Answers.LooksFrench(message), message);
        Assert.Equal(0, await app.WithDbAsync(db => db.Appointments.CountAsync(a => a.LastName == "Statut" + status)));
    }

    [Fact]
    public async Task An_unrecognised_status_books_flagged_and_declares_only_once_ants_confirms_the_number()
    {
        // SOLOCAL013 answers "in_progress", a value the reference does not list.
        var created = await CreatedAsync(await BookAsync(SaintAubin, "2026-12-09", "Encours", ["SOLOCAL013"]));

        Assert.Equal(AntsCheckState.Pending, (await CheckAsync(created.Id))!.State);
        Assert.Equal([AntsJobKind.Check, AntsJobKind.Declare], (await JobsAsync(created.Id)).Select(j => j.Kind));
        await app.DrainAsync();
        Assert.Equal(AntsCheckState.Pending, (await CheckAsync(created.Id))!.State);
        Assert.Empty(Declared("SOLOCAL013"));   // the declare waits behind the check

        fake.SetStatus("SOLOCAL013", "validated");
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.DrainAsync();

        Assert.Equal(AntsCheckState.Verified, (await CheckAsync(created.Id))!.State);
        Assert.Single(Declared("SOLOCAL013"));
    }

    [Fact]
    public async Task A_consumed_number_is_accepted_for_a_withdrawal_and_nothing_is_declared()
    {
        fake.SetStatus("RETRAIT001", "consumed");

        var created = await CreatedAsync(await BookAsync(Lorval, "2026-12-02", "Retrait", ["RETRAIT001"], reason: "WITHDRAWAL"));

        Assert.Equal(AntsCheckState.Verified, (await CheckAsync(created.Id))!.State);
        Assert.Empty(await JobsAsync(created.Id));
    }

    // ---- ANTS slow or down ---------------------------------------------------------------------------------

    [Fact]
    public async Task A_timeout_at_booking_keeps_the_slot_flags_the_appointment_and_the_job_checks_and_declares_it_once_ants_is_back()
    {
        fake.SetStatus("LENTE00001", "validated");
        fake.Delay = TimeSpan.FromSeconds(10);

        var created = await CreatedAsync(await BookAsync(Montclair, "2026-12-08", "Attente", ["LENTE00001"]));

        var check = (await CheckAsync(created.Id))!;
        Assert.Equal(AntsCheckState.Pending, check.State);
        Assert.Contains("n'a pas répondu", check.Note);
        using (var agent = await SignedInAsync("accueil@montclair.demo"))
        {
            Assert.Contains("ANTS : à vérifier", (await agent.GetAsync($"/agent?site={Montclair}&date=2026-12-08")).Text);
            Assert.Contains("Pas encore vérifié", (await agent.GetAsync($"/agent/rendez-vous/{created.Id}")).Text);
        }

        fake.Delay = TimeSpan.Zero;
        await app.DrainAsync();

        Assert.Equal(AntsCheckState.Verified, (await CheckAsync(created.Id))!.State);
        var row = Assert.Single(Declared("LENTE00001"));
        Assert.Equal(("Mairie de Montclair-en-Bocage", Montclair), (row.MeetingPoint, row.MeetingPointId));
        Assert.EndsWith($"/rendez-vous/{created.Code}?demande=LENTE00001", row.ManagementUrl);
        Assert.Equal(0, await app.DrainAsync());
        Assert.Single(CallsTo("POST"));
    }

    [Fact]
    public async Task Ants_down_at_booking_then_refusing_the_number_marks_the_appointment_for_the_agents_and_declares_nothing()
    {
        fake.FailWith = 503;
        var created = await CreatedAsync(await BookAsync(Montclair, "2026-12-08", "Apres", ["APRES00001"]));
        Assert.Equal(AntsCheckState.Pending, (await CheckAsync(created.Id))!.State);

        fake.FailWith = null;
        fake.SetStatus("APRES00001", "expired");
        await app.DrainAsync();

        var check = (await CheckAsync(created.Id))!;
        Assert.Equal(AntsCheckState.Problem, check.State);
        Assert.Contains("APRES00001 : cette pré-demande a expiré", check.Note);
        Assert.Equal(AntsJobStatus.Failed, (await JobsAsync(created.Id)).Single(j => j.Kind == AntsJobKind.Declare).Status);
        Assert.True(CallsTo("POST").Count == 0, string.Join("\n", fake.Calls));
        using var agent = await SignedInAsync("accueil@montclair.demo");
        Assert.Contains("ANTS : numéro refusé", (await agent.GetAsync($"/agent?site={Montclair}&date=2026-12-08")).Text);
    }

    [Fact]
    public async Task Ants_down_during_the_declaration_is_retried_after_the_back_off_and_declares_exactly_once()
    {
        fake.SetStatus("PANNE00001", "validated");
        var created = await CreatedAsync(await BookAsync(SaintAubin, "2026-12-09", "Panne", ["PANNE00001"]));
        fake.FailWith = 503;

        Assert.Equal(1, await app.Sync.RunOnceAsync(CancellationToken.None));
        var job = Assert.Single(await JobsAsync(created.Id));
        Assert.Equal((AntsJobStatus.Pending, 1), (job.Status, job.Attempts));
        Assert.Contains("503", job.LastError);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime + AntsSyncRunner.Backoff[0], job.NextAttemptUtc);
        Assert.Equal(0, await app.Sync.RunOnceAsync(CancellationToken.None));   // not due yet

        fake.FailWith = null;
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.DrainAsync();
        await app.DrainAsync();

        Assert.Single(Declared("PANNE00001"));
        Assert.Equal(2, CallsTo("POST").Count);   // the failed one and the good one
        Assert.Equal((AntsJobStatus.Done, 2), (await JobsAsync(created.Id)).Select(j => (j.Status, j.Attempts)).Single());
    }

    [Fact]
    public async Task Ants_down_for_an_hour_loses_no_declaration_shows_them_waiting_and_declares_each_once_afterwards()
    {
        fake.SetStatus("HEURE00001", "validated");
        fake.SetStatus("HEURE00002", "validated");
        fake.FailWith = 503;
        // Bookings go through while ANTS is down (flagged for the agent); the sync runs every minute for an hour and a minute.
        var first = await CreatedAsync(await BookAsync(SaintAubin, "2026-12-09", "Heure-Un", ["HEURE00001"]));
        ApiCreated? second = null;
        for (var minute = 1; minute <= 61; minute++)
        {
            if (minute == 30) second = await CreatedAsync(await BookAsync(SaintAubin, "2026-12-09", "Heure-Deux", ["HEURE00002"]));
            app.Clock.Advance(TimeSpan.FromMinutes(1));
            await app.DrainAsync();
        }
        Assert.Empty(Declared("HEURE00001"));
        Assert.Empty(Declared("HEURE00002"));
        var waiting = (await JobsAsync(first.Id)).Concat(await JobsAsync(second!.Id)).ToList();
        Assert.Contains(waiting, j => j.Kind == AntsJobKind.Declare && j.AppointmentId == first.Id);
        Assert.Contains(waiting, j => j.Kind == AntsJobKind.Declare && j.AppointmentId == second.Id);
        Assert.All(waiting, j => Assert.Equal(AntsJobStatus.Pending, j.Status));   // none given up
        Assert.Contains(waiting, j => j.Attempts >= 4);   // the first declaration was retried all along the hour

        // The administrator sees what waits, and the one waiting for more than an hour is listed to look at.
        var inQueue = await app.WithDbAsync(db => db.Set<AntsSyncJob>().CountAsync(j => j.OrganisationId == "mairie-saint-aubin"
            && (j.Status == AntsJobStatus.Pending || j.Status == AntsJobStatus.Claimed)));
        using (var admin = await SignedInAsync("admin@saint-aubin.demo"))
        {
            var page = await admin.GetAsync("/admin/ants");
            Assert.Contains($"{inQueue} échanges en attente", page.Text);
            Assert.Contains(first.Code, page.Text);
        }

        // ANTS is back: within the longest back-off each number is declared, once.
        fake.FailWith = null;
        for (var minute = 0; minute < 65; minute++)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(1));
            await app.DrainAsync();
        }
        Assert.Single(Declared("HEURE00001"));
        Assert.Single(Declared("HEURE00002"));
        Assert.All((await JobsAsync(first.Id)).Concat(await JobsAsync(second.Id)), j => Assert.Equal(AntsJobStatus.Done, j.Status));
    }

    [Fact]
    public async Task A_declaration_timing_out_is_retried_and_declared_once_ants_answers_again()
    {
        fake.SetStatus("DELAI00001", "validated");
        var created = await CreatedAsync(await BookAsync(Lorval, "2026-12-11", "Delai", ["DELAI00001"]));
        fake.Delay = TimeSpan.FromSeconds(10);

        await app.DrainAsync();

        var job = Assert.Single(await JobsAsync(created.Id));
        Assert.Equal((AntsJobStatus.Pending, 1), (job.Status, job.Attempts));
        Assert.Contains("n'a pas répondu", job.LastError);
        Assert.Empty(Declared("DELAI00001"));

        fake.Delay = TimeSpan.Zero;
        app.Clock.Advance(AntsSyncRunner.Backoff[0]);
        await app.DrainAsync();

        Assert.Single(Declared("DELAI00001"));
        Assert.Equal(AntsJobStatus.Done, Assert.Single(await JobsAsync(created.Id)).Status);
    }

    [Fact]
    public async Task A_declaration_ants_already_holds_from_an_unheard_attempt_counts_as_done()
    {
        fake.SetStatus("DEJA000001", "validated");
        var created = await CreatedAsync(await BookAsync(SaintAubin, "2026-12-09", "Deja", ["DEJA000001"]));
        var job = Assert.Single(await JobsAsync(created.Id));
        // The earlier attempt reached ANTS, but its answer was lost.
        using (var http = new HttpClient())
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"{app.Coordination.Url}/appointments?application_id=DEJA000001&meeting_point_id={SaintAubin}"
                + $"&meeting_point={Uri.EscapeDataString(job.MeetingPoint)}&appointment_date={Uri.EscapeDataString(job.LocalStart)}&management_url={Uri.EscapeDataString(job.ManagementUrl!)}");
            request.Headers.Add(CoordinationClient.TokenHeader, AntsApp.CoordinationToken);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
        }

        await app.DrainAsync();

        Assert.Equal(AntsJobStatus.Done, Assert.Single(await JobsAsync(created.Id)).Status);
        Assert.Single(Declared("DEJA000001"));
    }

    // ---- families, cancellations, order, moves -------------------------------------------------------------

    [Fact]
    public async Task A_family_booking_checks_every_number_in_one_call_and_declares_each_with_its_own_url()
    {
        foreach (var n in new[] { "FAMILLE001", "FAMILLE002", "FAMILLE003" }) fake.SetStatus(n, "validated");

        var created = await CreatedAsync(await BookAsync(Lorval, "2026-12-10", "Famille", ["FAMILLE001", "famille002", "FAMILLE003"]));

        Assert.Equal($"GET /status?application_ids=FAMILLE001&application_ids=FAMILLE002&application_ids=FAMILLE003&meeting_point_id={Lorval}", Assert.Single(fake.Calls));
        Assert.Equal(3, await app.DrainAsync());
        var rows = fake.Appointments.Where(r => r.ApplicationId.StartsWith("FAMILLE", StringComparison.Ordinal)).OrderBy(r => r.ApplicationId).ToList();
        Assert.Equal(["FAMILLE001", "FAMILLE002", "FAMILLE003"], rows.Select(r => r.ApplicationId));
        Assert.Equal(3, rows.Select(r => r.ManagementUrl).Distinct().Count());
        Assert.All(rows, r => Assert.EndsWith($"?demande={r.ApplicationId}", r.ManagementUrl));
        Assert.Single(rows.Select(r => (r.MeetingPoint, r.AppointmentDate)).Distinct());
        Assert.StartsWith("2026-12-10T", rows[0].AppointmentDate);
    }

    [Fact]
    public async Task A_cancellation_deletes_the_declared_appointment_at_ants()
    {
        fake.SetStatus("ANNULE0001", "validated");
        var created = await CreatedAsync(await BookAsync(SaintAubin, "2026-12-11", "Annulation", ["ANNULE0001"]));
        await app.DrainAsync();
        var declared = Assert.Single(Declared("ANNULE0001"));

        var cancel = await app.Client.PostAsync($"/api/v1/appointments/{created.Code}/cancel?token={Uri.EscapeDataString(created.Token)}", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        await app.DrainAsync();

        Assert.Empty(Declared("ANNULE0001"));
        var delete = Assert.Single(CallsTo("DELETE"));
        Assert.Contains("application_id=ANNULE0001", delete);
        Assert.Contains($"meeting_point_id={SaintAubin}", delete);
        Assert.Contains("appointment_date=" + Uri.EscapeDataString(declared.AppointmentDate.Replace('T', ' ')), delete);
        Assert.Equal([AntsJobKind.Declare, AntsJobKind.Delete], (await JobsAsync(created.Id)).Select(j => j.Kind));
    }

    [Fact]
    public async Task A_cancellation_while_the_declaration_waits_for_ants_sends_no_declaration_and_the_delete_still_goes_after_it()
    {
        fake.SetStatus("ORDRE00001", "validated");
        var created = await CreatedAsync(await BookAsync(Montclair, "2026-12-10", "Ordre", ["ORDRE00001"]));
        fake.FailWith = 503;
        await app.DrainAsync();   // the declare fails and waits its back-off
        Assert.Equal(HttpStatusCode.OK, (await app.Client.PostAsync($"/api/v1/appointments/{created.Code}/cancel?token={Uri.EscapeDataString(created.Token)}", null)).StatusCode);
        fake.FailWith = null;
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        // The delete is due at once, but waits for the declare before it, which now has nothing to announce.
        Assert.Equal(1, await app.Sync.RunOnceAsync(CancellationToken.None));
        var jobs = await JobsAsync(created.Id);
        Assert.Equal([(AntsJobKind.Declare, AntsJobStatus.Done), (AntsJobKind.Delete, AntsJobStatus.Pending)], jobs.Select(j => (j.Kind, j.Status)));
        Assert.Equal(1, await app.Sync.RunOnceAsync(CancellationToken.None));
        Assert.Empty(Declared("ORDRE00001"));
        Assert.Equal(["POST", "DELETE"], fake.Calls.Where(c => !c.StartsWith("GET", StringComparison.Ordinal)).Select(c => c.Split(' ')[0]));
    }

    [Fact]
    public async Task A_move_queued_behind_a_declaration_waiting_for_ants_runs_declare_delete_declare_in_that_order()
    {
        fake.SetStatus("ORDRE00002", "validated");
        var created = await CreatedAsync(await BookAsync(Montclair, "2026-12-11", "Ordredeux", ["ORDRE00002"]));
        fake.FailWith = 503;
        await app.DrainAsync();
        await MoveAsync(created.Id, Montclair, TimeSpan.FromDays(1));
        fake.FailWith = null;
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        await app.DrainAsync();

        // Had the new declaration overtaken the delete, ANTS would hold two rows (or refuse the same URL).
        var row = Assert.Single(Declared("ORDRE00002"));
        Assert.StartsWith("2026-12-12T", row.AppointmentDate);
        Assert.Equal(["POST", "POST", "DELETE", "POST"], fake.Calls.Where(c => !c.StartsWith("GET", StringComparison.Ordinal)).Select(c => c.Split(' ')[0]));
    }

    /// <summary>What rescheduling (another issue) will do: change the appointment and call AntsSync.AddMoveAsync, then save.</summary>
    private async Task MoveAsync(string appointmentId, string siteId, TimeSpan by)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuichetDb>();
        var appointment = await db.Appointments.SingleAsync(a => a.Id == appointmentId);
        var site = await db.Sites.SingleAsync(s => s.Id == siteId);
        appointment.StartUtc += by;
        appointment.EndUtc += by;
        appointment.SiteId = site.Id;
        await scope.ServiceProvider.GetRequiredService<AntsSync>().AddMoveAsync(appointment, site, CancellationToken.None);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task A_move_deletes_the_old_declaration_then_declares_the_new_one()
    {
        fake.SetStatus("DEPLACE001", "validated");
        var created = await CreatedAsync(await BookAsync(SaintAubin, "2026-12-11", "Deplacement", ["DEPLACE001"]));
        await app.DrainAsync();
        var before = Assert.Single(Declared("DEPLACE001"));

        await MoveAsync(created.Id, Montclair, TimeSpan.FromDays(3));
        await app.DrainAsync();

        var after = Assert.Single(Declared("DEPLACE001"));
        Assert.Equal(("Mairie de Montclair-en-Bocage", before.ManagementUrl), (after.MeetingPoint, after.ManagementUrl));
        Assert.StartsWith("2026-12-14T", after.AppointmentDate);
        Assert.Equal(["POST", "DELETE", "POST"], fake.Calls.Where(c => !c.StartsWith("GET", StringComparison.Ordinal)).Select(c => c.Split(' ')[0]));
    }

    [Fact]
    public async Task Two_runners_racing_over_the_queue_declare_each_number_exactly_once()
    {
        var numbers = Enumerable.Range(1, 8).Select(i => $"COURSE{i:0000}").ToList();
        var ids = new List<string>();
        foreach (var (number, i) in numbers.Select((n, i) => (n, i)))
        {
            fake.SetStatus(number, "validated");
            ids.Add((await CreatedAsync(await BookAsync(Lorval, "2026-12-22", "Course" + (char)('a' + i), [number]))).Id);
        }
        // As on two nodes: two runners of the same app, small batches, started together.
        var options = Microsoft.Extensions.Options.Options.Create(new AntsOptions
        {
            CoordinationUrl = app.Coordination.Url, CoordinationToken = AntsApp.CoordinationToken,
            CoordinationTimeout = AntsApp.CoordinationTimeout, SyncBatchSize = 3,
        });
        var runners = Enumerable.Range(0, 2).Select(_ => ActivatorUtilities.CreateInstance<AntsSyncRunner>(app.Services, options)).ToList();

        await Task.WhenAll(runners.Select(async r => { while (await r.RunOnceAsync(CancellationToken.None) > 0) { } }));

        Assert.Equal(numbers, fake.Appointments.Where(r => r.ApplicationId.StartsWith("COURSE", StringComparison.Ordinal)).Select(r => r.ApplicationId).Order());
        Assert.Equal(numbers.Count, CallsTo("POST").Count);
        foreach (var id in ids) Assert.Equal(AntsJobStatus.Done, Assert.Single(await JobsAsync(id)).Status);
    }

    // ---- appointments elsewhere ----------------------------------------------------------------------------

    [Fact]
    public async Task Under_the_warn_policy_a_number_booked_elsewhere_is_booked_and_everyone_is_told_where()
    {
        await SetPolicyAsync("mairie-saint-aubin", ElsewherePolicy.Warn);
        fake.SetStatus("AILLEURS01", "validated");
        await DeclareElsewhereAsync("AILLEURS01");

        var answer = await BookAsync(SaintAubin, "2026-12-14", "Ailleurs", ["AILLEURS01"]);

        var created = await CreatedAsync(answer);
        var warning = Assert.Single(JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("warnings").EnumerateArray()).GetString()!;
        Assert.Contains("AILLEURS01 à Mairie de Quimper, le jeudi 10 décembre 2026 à 10 h", warning);
        Assert.Equal(AntsCheckState.Elsewhere, (await CheckAsync(created.Id))!.State);
        var manage = await new Browser(app).GetAsync(new Uri(created.ManageUrl).PathAndQuery);
        Assert.Contains("Attention : Selon l'ANTS, un autre rendez-vous existe déjà : AILLEURS01 à Mairie de Quimper", manage.Text);
        using var agent = await SignedInAsync("accueil@saint-aubin.demo");
        Assert.Contains("ANTS : autre rendez-vous", (await agent.GetAsync($"/agent?site={SaintAubin}&date=2026-12-14")).Text);
    }

    [Fact]
    public async Task Under_the_refuse_policy_the_citizen_gets_a_duplicate_problem_showing_where_and_an_agent_may_justify()
    {
        await SetPolicyAsync("mairie-montclair", ElsewherePolicy.Refuse);
        fake.SetStatus("REFUS00001", "validated");
        await DeclareElsewhereAsync("REFUS00001", "Mairie de Brest", "2026-12-15 14:30:00");

        var answer = await BookAsync(Montclair, "2026-12-15", "Refus", ["REFUS00001"]);

        Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        var problem = await Answers.ProblemAsync(answer);
        Assert.Equal("DuplicateApplication", problem.GetProperty("code").GetString());
        Assert.Contains("Mairie de Brest, le mardi 15 décembre 2026 à 14 h 30", problem.GetProperty("detail").GetString());
        Assert.True(Answers.LooksFrench(problem.GetProperty("detail").GetString()));

        using var agent = await SignedInAsync("accueil@montclair.demo");
        var slot = await SlotAsync(Montclair, "2026-12-15");
        var form = await agent.GetAsync($"/agent/reserver?site={Montclair}&reason=CNI&persons=1&channel=Counter&start={Uri.EscapeDataString(slot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz"))}");
        var fields = new Dictionary<string, string?> { ["firstName"] = "Camille", ["lastName"] = "Refus", ["email"] = "refus@exemple.fr", ["preRequestNumbers"] = "REFUS00001" };
        var refused = await agent.SubmitAsync(form, values: fields);
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("Mairie de Brest", refused.Text);
        Assert.NotNull(refused.Document.QuerySelector("textarea#justification"));

        var booked = await agent.SubmitAsync(refused, values: new Dictionary<string, string?>(fields) { ["justification"] = "Le rendez-vous de Brest sera annulé par l'usager, il habite ici." });
        Assert.Equal(HttpStatusCode.Redirect, booked.Status);
        var id = Regex.Match(booked.Location!, "/agent/rendez-vous/([0-9a-f]{32})").Groups[1].Value;
        Assert.Equal("Le rendez-vous de Brest sera annulé par l'usager, il habite ici.",
            await app.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => a.DuplicateJustification).SingleAsync()));
        Assert.Equal(AntsCheckState.Elsewhere, (await CheckAsync(id))!.State);
    }

    [Fact]
    public async Task Our_own_declaration_still_listed_at_ants_after_a_cancellation_is_not_taken_for_an_appointment_elsewhere()
    {
        await SetPolicyAsync("mairie-montclair", ElsewherePolicy.Refuse);
        fake.SetStatus("RETOUR0001", "validated");
        var first = await CreatedAsync(await BookAsync(SaintAubin, "2026-12-16", "Retour", ["RETOUR0001"]));
        await app.DrainAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.Client.PostAsync($"/api/v1/appointments/{first.Code}/cancel?token={Uri.EscapeDataString(first.Token)}", null)).StatusCode);
        // ANTS still lists the first one: its delete has not run yet.
        Assert.Single(Declared("RETOUR0001"));

        var second = await BookAsync(Montclair, "2026-12-15", "Retour", ["RETOUR0001"]);

        await CreatedAsync(second);
        Assert.False(JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement.TryGetProperty("warnings", out _));
    }

    // ---- local duplicates ----------------------------------------------------------------------------------

    [Fact]
    public async Task The_same_person_cannot_hold_two_active_appointments_across_the_platform_but_a_namesake_can()
    {
        var first = await CreatedAsync(await BookAsync(SaintAubin, "2026-12-16", "Lefèvre-Dubois", [], firstName: "Hélène", email: "helene.ld@exemple.fr"));

        var again = await BookAsync(Montclair, "2026-12-17", "LEFEVRE DUBOIS", [], firstName: "helene", email: " Helene.LD@Exemple.fr ");

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var problem = await Answers.ProblemAsync(again);
        Assert.Equal("DuplicateApplication", problem.GetProperty("code").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.True(Answers.LooksFrench(detail), detail);
        // Nothing about the other appointment: where, when, or whose.
        Assert.DoesNotContain("Saint-Aubin", detail);
        Assert.DoesNotContain("décembre", detail);
        Assert.DoesNotContain("Lef", detail);
        // Same phone counts as much as same e-mail.
        var byPhone = await CreatedAsync(await BookAsync(Lorval, "2026-12-16", "Ferrand", [], firstName: "Paul", phone: "06 11 22 33 44"));
        Assert.Equal(HttpStatusCode.Conflict, (await BookAsync(Montclair, "2026-12-17", "Ferrand", [], firstName: "PAUL", email: "autre.adresse@exemple.fr", phone: "+33611223344")).StatusCode);
        // A namesake with another e-mail and phone is someone else.
        await CreatedAsync(await BookAsync(Montclair, "2026-12-17", "Lefèvre-Dubois", [], firstName: "Hélène", email: "h.lefevre@autre.fr"));

        // Once the first is cancelled, the person may book again.
        Assert.Equal(HttpStatusCode.OK, (await app.Client.PostAsync($"/api/v1/appointments/{first.Code}/cancel?token={Uri.EscapeDataString(first.Token)}", null)).StatusCode);
        await CreatedAsync(await BookAsync(Montclair, "2026-12-18", "Lefevre Dubois", [], firstName: "Helene", email: "helene.ld@exemple.fr"));
        Assert.NotNull(byPhone);
    }

    [Fact]
    public async Task The_same_pre_request_number_cannot_be_booked_twice_even_by_someone_else()
    {
        fake.SetStatus("DOUBLE0001", "validated");
        await CreatedAsync(await BookAsync(SaintAubin, "2026-12-16", "Premier", ["DOUBLE0001"]));

        var again = await BookAsync(Lorval, "2026-12-17", "Second", ["double0001"], firstName: "Sacha");

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var problem = await Answers.ProblemAsync(again);
        Assert.Equal("DuplicateApplication", problem.GetProperty("code").GetString());
        Assert.Contains("ce numéro de pré-demande", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("Premier", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Citizens_racing_with_one_pre_request_number_at_two_sites_leave_one_appointment()
    {
        fake.SetStatus("COURSE0100", "validated");
        var slots = new[] { await SlotAsync(SaintAubin, "2026-12-21"), await SlotAsync(Montclair, "2026-12-22"), await SlotAsync(Lorval, "2026-12-21") };

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => app.BookAsync(new
        {
            site = slots[i % 3].Site, reason = "CNI", start = slots[i % 3].Start.ToString("yyyy-MM-ddTHH:mm:sszzz"), persons = 1,
            firstName = "Camille", lastName = "Course" + (char)('a' + i), email = $"course{i}@exemple.fr", preRequestNumbers = new[] { "COURSE0100" },
        })));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        Assert.Equal(1, await app.WithDbAsync(db => db.Appointments.CountAsync(a => a.PreRequestNumbers == "COURSE0100" && a.Status == AppointmentStatus.Booked)));
        foreach (var refused in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
        {
            var problem = await Answers.ProblemAsync(refused);
            // Lost to the look-up (DuplicateApplication) or to the hold (DuplicateApplication too), or to a slot taken at the same site.
            Assert.True(problem.TryGetProperty("code", out var code) ? code.GetString() == "DuplicateApplication" : problem.GetProperty("detail").GetString()!.Contains("créneau"));
        }
    }

    [Fact]
    public async Task A_hold_the_look_up_could_not_see_yet_refuses_the_second_booking_as_a_duplicate_not_as_a_taken_slot()
    {
        fake.SetStatus("COURSE0200", "validated");
        var first = await CreatedAsync(await BookAsync(SaintAubin, "2026-12-21", "Gagnant", ["COURSE0200"]));
        // As if the other booking were committing on another node at this instant: its hold is there, its row not yet visible.
        await app.WithDbAsync(db => db.Appointments.Where(a => a.Id == first.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.PreRequestNumbers, "")));

        var second = await BookAsync(Lorval, "2026-12-21", "Perdant", ["COURSE0200"]);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var problem = await Answers.ProblemAsync(second);
        Assert.Equal("DuplicateApplication", problem.GetProperty("code").GetString());
        Assert.Equal(Guichet.Web.Features.Appointments.Duplicates.FindDuplicate.RacingMessage, problem.GetProperty("detail").GetString());
        Assert.Equal(0, await app.WithDbAsync(db => db.Appointments.CountAsync(a => a.LastName == "Perdant")));
    }

    [Fact]
    public async Task One_person_racing_at_three_sites_with_the_same_email_leaves_one_appointment()
    {
        var slots = new[] { await SlotAsync(SaintAubin, "2026-12-23"), await SlotAsync(Montclair, "2026-12-23"), await SlotAsync(Lorval, "2026-12-23") };

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => app.BookAsync(new
        {
            site = slots[i % 3].Site, reason = "CNI", start = slots[i % 3].Start.ToString("yyyy-MM-ddTHH:mm:sszzz"), persons = 1,
            // The same person written twelve ways.
            firstName = i % 2 == 0 ? "Noémie" : "NOEMIE", lastName = i % 3 == 0 ? "Courtois" : "courtois ", email = i % 2 == 0 ? "noemie.c@exemple.fr" : "Noemie.C@Exemple.fr",
        })));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        Assert.Equal(1, await app.WithDbAsync(db => db.Appointments.CountAsync(a => a.Email != null && a.Email.ToLower() == "noemie.c@exemple.fr" && a.Status == AppointmentStatus.Booked)));
    }

    [Fact]
    public async Task A_person_hold_the_look_up_could_not_see_yet_refuses_the_second_booking_and_the_table_holds_no_name_or_address()
    {
        var first = await CreatedAsync(await BookAsync(SaintAubin, "2026-12-21", "Vasseur", [], firstName: "Inès", email: "ines.v@exemple.fr", phone: "06 98 76 54 32"));
        // As if the other booking were committing on another node at this instant: its hold is there, its row not yet visible.
        await app.WithDbAsync(db => db.Appointments.Where(a => a.Id == first.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.NameKey, "autre|personne")));

        // Another e-mail, the same phone: recognised by the phone.
        var second = await BookAsync(Lorval, "2026-12-22", "VASSEUR", [], firstName: "Ines", email: "autre.adresse@exemple.fr", phone: "+33698765432");

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var problem = await Answers.ProblemAsync(second);
        Assert.Equal("DuplicateApplication", problem.GetProperty("code").GetString());
        Assert.Equal(Guichet.Web.Features.Appointments.Duplicates.PersonHold.RacingMessage, problem.GetProperty("detail").GetString());
        var keys = await app.WithDbAsync(db => db.Set<Guichet.Web.Features.Appointments.Duplicates.PersonHold>()
            .Where(h => h.AppointmentId == first.Id).Select(h => h.Key).ToListAsync());
        Assert.Equal(2, keys.Count);   // name with e-mail, name with phone
        Assert.All(keys, k => Assert.Matches("^[0-9a-f]{64}$", k));

        // Cancelled, the hold no longer counts.
        Assert.Equal(HttpStatusCode.OK, (await app.Client.PostAsync($"/api/v1/appointments/{first.Code}/cancel?token={Uri.EscapeDataString(first.Token)}", null)).StatusCode);
        await CreatedAsync(await BookAsync(Lorval, "2026-12-22", "Vasseur", [], firstName: "Inès", email: "ines.v@exemple.fr", phone: "06 98 76 54 32"));
    }

    [Fact]
    public async Task A_number_held_by_a_cancelled_appointment_can_be_booked_again()
    {
        fake.SetStatus("REPRISE001", "validated");
        var first = await CreatedAsync(await BookAsync(SaintAubin, "2026-12-21", "Reprise", ["REPRISE001"]));
        Assert.Equal(HttpStatusCode.OK, (await app.Client.PostAsync($"/api/v1/appointments/{first.Code}/cancel?token={Uri.EscapeDataString(first.Token)}", null)).StatusCode);

        var second = await CreatedAsync(await BookAsync(Montclair, "2026-12-22", "Reprise", ["REPRISE001"]));

        Assert.Equal(second.Id, await app.WithDbAsync(db => db.Set<Guichet.Web.Features.Appointments.Duplicates.ApplicationHold>()
            .Where(h => h.ApplicationId == "REPRISE001").Select(h => h.AppointmentId).SingleAsync()));
    }

    [Fact]
    public async Task An_agent_overrides_a_local_duplicate_only_with_a_justification_which_is_recorded_and_shown()
    {
        await CreatedAsync(await BookAsync(SaintAubin, "2026-12-18", "Marchand", [], firstName: "Lou", email: "lou.marchand@exemple.fr"));
        using var agent = await SignedInAsync("accueil@montclair.demo");
        var slot = await SlotAsync(Montclair, "2026-12-18", preRequests: 0);
        var form = await agent.GetAsync($"/agent/reserver?site={Montclair}&reason=CNI&persons=1&channel=Counter&start={Uri.EscapeDataString(slot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz"))}");
        var fields = new Dictionary<string, string?> { ["firstName"] = "Lou", ["lastName"] = "MARCHAND", ["email"] = "lou.marchand@exemple.fr" };

        var refused = await agent.SubmitAsync(form, values: fields);
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        // The agent sees where the other one is, to judge.
        Assert.True(refused.Text.Contains("Cette personne a déjà un rendez-vous à venir (Mairie de Saint-Aubin-sur-Lorne, le vendredi 18 décembre 2026", StringComparison.Ordinal), refused.Text);

        var tooShort = await agent.SubmitAsync(refused, values: new Dictionary<string, string?>(fields) { ["justification"] = "parce que" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooShort.Status);
        Assert.Contains("La justification compte de 10 à 500 caractères", tooShort.Text);

        var booked = await agent.SubmitAsync(tooShort, values: new Dictionary<string, string?>(fields) { ["justification"] = "Deux titres à déposer : passeport ici, carte à Saint-Aubin." });
        Assert.Equal(HttpStatusCode.Redirect, booked.Status);
        var details = await agent.FollowAsync(booked);
        var justification = details.Document.QuerySelectorAll("dt").Single(dt => dt.TextContent == "Réservé malgré un doublon, justification").NextElementSibling!;
        Assert.Equal("Deux titres à déposer : passeport ici, carte à Saint-Aubin.", justification.TextContent);
        Assert.Contains("Doublon justifié", (await agent.GetAsync($"/agent?site={Montclair}&date=2026-12-18")).Text);
    }

    // ---- pages ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task The_citizen_form_asks_one_number_per_person_says_where_to_find_it_and_shows_ants_refusals()
    {
        fake.SetStatus("PAGE000001", "validated");
        fake.SetStatus("PAGE000002", "expired");
        using var browser = new Browser(app);
        var slot = await SlotAsync(Lorval, "2026-12-21", persons: 2, preRequests: 2);
        var contact = await browser.GetAsync($"/rendez-vous/coordonnees?site={Lorval}&reason=CNI&persons=2&pre=1&start={Uri.EscapeDataString(slot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz"))}");
        Assert.Equal(HttpStatusCode.OK, contact.Status);
        Assert.Equal(["Personne 1", "Personne 2"], contact.Document.QuerySelectorAll("input[name=preRequestNumbers]")
            .Select(i => contact.Document.QuerySelector($"label[for={i.Id}]")!.TextContent.Trim()));
        Assert.Contains("récapitulatif de pré-demande envoyé par l'ANTS", contact.Text);
        Assert.Contains("le rendez-vous est plus court", contact.Text);
        var person = new Dictionary<string, string?> { ["firstName"] = "Inès", ["lastName"] = "Formulaire", ["email"] = "ines.formulaire@exemple.fr" };

        var missing = await browser.SubmitAsync(contact, values: new Dictionary<string, string?>(person) { ["preRequestNumbers"] = "PAGE000001" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.Status);
        Assert.Contains("pour chaque personne", missing.Text);

        var fields = WebPageFields(contact, person, "page000001", "PAGE000002");
        var expired = await browser.PostAsync(contact.Url, fields);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, expired.Status);
        Assert.Contains("PAGE000002 : cette pré-demande a expiré", expired.Text);

        fake.SetStatus("PAGE000002", "validated");
        var booked = await browser.PostAsync(contact.Url, WebPageFields(contact, person, "page000001", "PAGE000002"));
        Assert.Equal(HttpStatusCode.Redirect, booked.Status);
        Assert.Equal("PAGE000001 PAGE000002", await app.WithDbAsync(db => db.Appointments.Where(a => a.LastName == "Formulaire").Select(a => a.PreRequestNumbers).SingleAsync()));
    }

    /// <summary>The contact form's fields with one value per number input (Browser.SubmitAsync replaces by name).</summary>
    private static List<KeyValuePair<string, string>> WebPageFields(WebPage page, Dictionary<string, string?> values, params string[] numbers)
    {
        var fields = page.Form().QuerySelectorAll("input[name]").OfType<AngleSharp.Html.Dom.IHtmlInputElement>()
            .Where(i => i.Name != "preRequestNumbers" && !values.ContainsKey(i.Name!))
            .Select(i => new KeyValuePair<string, string>(i.Name!, i.Value)).ToList();
        fields.AddRange(values.Select(v => new KeyValuePair<string, string>(v.Key, v.Value!)));
        fields.AddRange(numbers.Select(n => new KeyValuePair<string, string>("preRequestNumbers", n)));
        return fields;
    }

    [Fact]
    public async Task A_declaration_ants_refuses_is_listed_for_the_administrator_with_a_link_to_the_appointment()
    {
        fake.SetStatus("REFUSDEC01", "validated");
        var created = await CreatedAsync(await BookAsync(Lorval, "2026-12-23", "Refusdeclaration", ["REFUSDEC01"]));
        // Consumed between the booking and the declaration: ANTS refuses the declaration for good.
        fake.SetStatus("REFUSDEC01", "consumed");
        await app.DrainAsync();
        Assert.Equal(AntsJobStatus.Failed, Assert.Single(await JobsAsync(created.Id)).Status);

        using var admin = await SignedInAsync("admin@lorval.demo");
        var page = await admin.GetAsync("/admin/ants");

        var row = page.Document.QuerySelectorAll("table tbody tr").Single(r => r.TextContent.Contains(created.Code));
        Assert.Equal($"/agent/rendez-vous/{created.Id}", row.QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains("Déclaration — échec", row.TextContent);
        Assert.Contains("L'ANTS a refusé la déclaration (400)", row.TextContent);
        Assert.DoesNotContain("Refusdeclaration", page.Text);
        // Another organisation's administrator does not see it.
        await EnsureSaintAubinAdministratorAsync();
        using var other = await SignedInAsync("admin@saint-aubin.test");
        var theirs = await other.GetAsync("/admin/ants");
        Assert.Equal(HttpStatusCode.OK, theirs.Status);
        Assert.DoesNotContain(created.Code, theirs.Text);
    }

    [Fact]
    public async Task The_policy_page_changes_only_the_administrator_s_own_organisation()
    {
        await EnsureSaintAubinAdministratorAsync();
        await app.WithDbAsync(db => db.Set<AntsPolicy>().Where(p => p.OrganisationId == "mairie-lorval" || p.OrganisationId == "mairie-saint-aubin").ExecuteDeleteAsync());
        using var lorval = await SignedInAsync("admin@lorval.demo");
        var page = await lorval.GetAsync("/admin/ants");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Réglages ANTS — Mairie de Lorval", page.Text);
        Assert.True(((AngleSharp.Html.Dom.IHtmlInputElement)page.Document.QuerySelector("#elsewhere-Warn")!).IsChecked);

        // A forged organisation field changes nothing: the organisation is the administrator's.
        var saved = await lorval.SubmitAsync(page, values: new Dictionary<string, string?> { ["elsewhere"] = "Refuse", ["organisationId"] = "mairie-saint-aubin" });

        Assert.Equal(HttpStatusCode.OK, saved.Status);
        Assert.Contains("Réglage enregistré : « Refuser »", saved.Text);
        var policies = await app.WithDbAsync(db => db.Set<AntsPolicy>().AsNoTracking()
            .Where(p => p.OrganisationId == "mairie-lorval" || p.OrganisationId == "mairie-saint-aubin").ToListAsync());
        var only = Assert.Single(policies);
        Assert.Equal(("mairie-lorval", ElsewherePolicy.Refuse, "agent-admin-lorval-demo"), (only.OrganisationId, only.Elsewhere, only.UpdatedByAgentId));
        using var saintAubin = await SignedInAsync("admin@saint-aubin.test");
        var theirs = await saintAubin.GetAsync("/admin/ants");
        Assert.Contains("Mairie de Saint-Aubin", theirs.Text);
        Assert.True(((AngleSharp.Html.Dom.IHtmlInputElement)theirs.Document.QuerySelector("#elsewhere-Warn")!).IsChecked);

        // Nonsense is refused in French; counter agents do not reach the page at all.
        var bad = await lorval.SubmitAsync(page, values: new Dictionary<string, string?> { ["elsewhere"] = "Peut-être" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
        Assert.Contains("Choisissez ce qui se passe", bad.Text);
        using var counter = await SignedInAsync("accueil@lorval.demo");
        var denied = await counter.GetAsync("/admin/ants");
        Assert.True(denied.Status is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, denied.Status.ToString());
        if (denied.Status == HttpStatusCode.Redirect) Assert.StartsWith("/acces-refuse", new Uri(new Uri("http://localhost"), denied.Location!).PathAndQuery);
        var token = await counter.AntiforgeryTokenAsync("/agent");
        var forged = await counter.PostAsync("/admin/ants", [new("elsewhere", "Warn"), new("__RequestVerificationToken", token)]);
        Assert.NotEqual(HttpStatusCode.OK, forged.Status);
        Assert.Equal(ElsewherePolicy.Refuse, await app.WithDbAsync(db => db.Set<AntsPolicy>().Where(p => p.OrganisationId == "mairie-lorval").Select(p => p.Elsewhere).SingleAsync()));
    }
}
