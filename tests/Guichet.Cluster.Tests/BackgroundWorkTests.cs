using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Guichet.Cluster.Tests.Support;
using Guichet.Web.Features.Ants;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Guichet.Cluster.Tests;

/// <summary>
/// Two nodes with every background worker on, polling often: the outbox dispatcher sending mail to a real SMTP server
/// and SMS to a fake Twilio, and the ANTS sync declaring to a fake coordination API. All three fakes are shared, so
/// they see what both nodes send.
/// </summary>
public sealed class BusyNodes : TwoNodes
{
    public const string CoordinationToken = "jeton-de-coordination-des-noeuds";
    public SmtpSink Sink { get; } = SmtpSink.Start();
    public FakeHttpServer Twilio { get; private set; } = null!;
    public ConcurrentQueue<Dictionary<string, string>> AcceptedSms { get; } = new();
    public FakeCoordinationApi Ants { get; } = new(CoordinationToken);
    private WebApplication? antsHost;
    private string antsUrl = "";
    private int sids;

    protected override async Task BeforeNodesAsync()
    {
        Twilio = await FakeHttpServer.StartAsync(request =>
        {
            AcceptedSms.Enqueue(request.Form());
            return (201, $$"""{"sid":"SM{{Interlocked.Increment(ref sids):D6}}","status":"queued","num_segments":"1"}""");
        });
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        antsHost = builder.Build();
        Ants.Map(antsHost, "/api");
        await antsHost.StartAsync();
        antsUrl = antsHost.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/api";
    }

    protected override Dictionary<string, string> Settings()
    {
        var s = base.Settings();
        s["Notifications__Enabled"] = "true";
        // The dispatcher's "sent" lines (ids only) tell which node sent what.
        s["Logging__LogLevel__Guichet.Web.Features.Notifications.OutboxDispatcher"] = "Information";
        s["Notifications__PollInterval"] = "00:00:00.2";
        s["Notifications__BatchSize"] = "5";   // small batches: both nodes get a share
        s["App__PublicBaseUrl"] = "https://rdv.saint-aubin.test";
        s["Mail__From"] = "ne-pas-repondre@saint-aubin.test";
        s["Mail__Smtp__Host"] = "127.0.0.1";
        s["Mail__Smtp__Port"] = Sink.Port.ToString(CultureInfo.InvariantCulture);
        s["Mail__Smtp__Security"] = "None";
        s["Mail__Smtp__TimeoutSeconds"] = "10";
        s["Sms__Provider"] = "Twilio";
        s["Sms__Sender"] = "STAUBIN";
        s["Sms__TimeoutSeconds"] = "5";
        s["Sms__WebhookSecret"] = "secret-des-webhooks-0123456789abcdef";
        s["Sms__Twilio__BaseUrl"] = Twilio.BaseUrl;
        s["Sms__Twilio__AccountSid"] = "AC0123456789";
        s["Sms__Twilio__AuthToken"] = "jeton-twilio-de-test";
        s["Sms__Twilio__From"] = "+33939000000";
        s["RequestAlerts__Enabled"] = "true";
        s["RequestAlerts__PollMinutes"] = "1";
        s["Ants__SyncEnabled"] = "true";
        s["Ants__SyncInterval"] = "00:00:01";
        s["Ants__SyncBatchSize"] = "3";
        s["Ants__CoordinationUrl"] = antsUrl;
        s["Ants__CoordinationToken"] = CoordinationToken;
        s["Ants__PublicBaseUrl"] = "https://rdv.saint-aubin.test";
        return s;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (antsHost is not null) await antsHost.DisposeAsync();
        if (Twilio is not null) await Twilio.DisposeAsync();
        await Sink.DisposeAsync();
    }
}

public sealed class BackgroundWorkTests(BusyNodes cluster) : IClassFixture<BusyNodes>
{
    [Fact]
    public async Task With_both_nodes_dispatching_each_confirmation_goes_out_once_by_mail_and_once_by_sms_and_each_ants_declaration_once()
    {
        const int bookings = 30;
        using var a = cluster.A.NewClient();
        using var b = cluster.B.NewClient();
        var slots = await BookingLoad.DistinctSlotsAsync(a, bookings, preRequests: 1);
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var numbers = Enumerable.Range(0, bookings).Select(i => $"N{run}{i:000}").ToList();
        foreach (var n in numbers) cluster.Ants.SetStatus(n, "validated");

        // Booked side by side, half through each node, each with an e-mail, a mobile and a pre-request number.
        var answers = await Task.WhenAll(Enumerable.Range(0, bookings).Select(async i =>
        {
            var http = i % 2 == 0 ? a : b;
            var body = new
            {
                site = slots[i].Site, reason = "CNI", start = slots[i].Start.ToString("yyyy-MM-ddTHH:mm:sszzz"), persons = 1,
                firstName = "Sacha", lastName = "Fond", email = $"fond-{run}-{i}@exemple.fr", phone = $"06 {10 + i:00} 00 00 {i:00}",
                preRequestNumbers = new[] { numbers[i] },
            };
            using var response = await http.PostAsJsonAsync("/api/v1/appointments", body);
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            return (await response.Content.ReadFromJsonAsync<Created>(BookingLoad.Json))!;
        }));
        var ids = answers.Select(x => x.Id).ToList();

        // Wait (bounded) until the workers of the two nodes are done with these appointments.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        List<OutboxMessage> confirmations;
        while (true)
        {
            await using var db = cluster.Database.NewContext();
            confirmations = await db.Set<OutboxMessage>().AsNoTracking()
                .Where(m => m.AppointmentId != null && ids.Contains(m.AppointmentId) && m.Kind == MessageKind.Confirmation).ToListAsync();
            var antsDone = await db.Set<AntsSyncJob>().AsNoTracking().Where(j => ids.Contains(j.AppointmentId)).AllAsync(j => j.Status == AntsJobStatus.Done);
            if ((confirmations.Count == 2 * bookings && confirmations.All(m => m.Status is MessageStatus.Sent or MessageStatus.Failed) && antsDone)
                || DateTime.UtcNow > deadline) break;
            await Task.Delay(250);
        }
        Assert.Equal(2 * bookings, confirmations.Count);
        Assert.All(confirmations, m => Assert.True(m.Status == MessageStatus.Sent, $"{m.Channel} {m.Status} after {m.Attempts} attempts: {m.LastError}"));
        Assert.All(confirmations, m => Assert.Equal(1, m.Attempts));

        // Mail: one per appointment at the SMTP server, each Message-ID once.
        var mails = cluster.Sink.Messages.Where(m => m.To.Any(t => t.StartsWith($"fond-{run}-", StringComparison.Ordinal))).ToList();
        var mailIds = mails.Select(m => m.Parsed.Header("Message-ID")!.Trim()).ToList();
        var expectedIds = confirmations.Where(m => m.Channel == MessageChannel.Email).Select(m => m.ProviderReference!.Trim()).ToList();
        Assert.Equal(expectedIds.Order(), mailIds.Order());
        // SMS: one accepted per appointment, each to its own number.
        var sms = cluster.AcceptedSms.Where(f => confirmations.Any(m => m.Channel == MessageChannel.Sms && m.Body == f["Body"])).ToList();
        Assert.Equal(bookings, sms.Count);
        Assert.Equal(bookings, sms.Select(f => f["To"]).Distinct().Count());

        // ANTS: each appointment declared exactly once (a second declare would be a second POST).
        var declares = cluster.Ants.Calls.Count(c => c.StartsWith("POST /appointments", StringComparison.Ordinal)
                                                      && numbers.Any(n => c.Contains(n, StringComparison.Ordinal)));
        Assert.Equal(bookings, declares);
        Assert.Equal(bookings, cluster.Ants.Appointments.Count(r => numbers.Contains(r.ApplicationId)));
        Console.WriteLine($"Outbox with two dispatchers: {confirmations.Count} confirmations sent once each; lines 'sent' logged by node A: " +
                          $"{cluster.A.CountOutput("Outbox message", "sent for appointment")}, by node B: {cluster.B.CountOutput("Outbox message", "sent for appointment")}; " +
                          $"{declares} ANTS declarations for {bookings} appointments");
    }

    [Fact]
    public async Task With_both_nodes_running_their_deadline_passes_each_overdue_alert_is_written_once_and_mailed_once()
    {
        // Three open Lorval requests past their due date, made from one of the demo's (a pass of either node may take them).
        var run = Guid.NewGuid().ToString("N")[..8];
        List<string> ids;
        await using (var db = cluster.Database.NewContext())
        {
            // The unit and category the requests go to (the demo's, or made here when the database has none).
            var category = await db.Set<Guichet.Web.Features.Requests.Category>().AsNoTracking().FirstOrDefaultAsync(c => c.OrganisationId == "mairie-lorval");
            if (category is null)
            {
                db.Add(new Guichet.Web.Features.Requests.Unit
                {
                    Id = $"unite-{run}", OrganisationId = "mairie-lorval", Name = "Service des alertes", Address = "2 place de la République",
                    PostalCode = "53120", City = "Lorval", Phone = "02 43 98 12 99", Email = $"alertes-{run}@lorval.test",
                });
                category = new Guichet.Web.Features.Requests.Category { Id = $"categorie-{run}", OrganisationId = "mairie-lorval", Name = "Alertes", UnitId = $"unite-{run}" };
                db.Add(category);
            }
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            ids = Enumerable.Range(0, 3).Select(i => $"alerte-{run}-{i}").ToList();
            foreach (var id in ids)
                db.Add(new Guichet.Web.Features.Requests.CitizenRequest
                {
                    Id = id, OrganisationId = "mairie-lorval", TrackingCode = Guichet.Web.Features.Requests.ReceiveRequest.NewCode(),
                    CategoryId = category.Id, UnitId = category.UnitId, Channel = Guichet.Domain.Requests.RequestChannel.Web,
                    Status = Guichet.Domain.Requests.RequestStatus.Received, ReceivedUtc = DateTime.UtcNow.AddDays(-20), UpdatedUtc = DateTime.UtcNow.AddDays(-20),
                    DueDate = today.AddDays(-5), LastName = "Retard", NameKey = "retard", Text = "Demande en retard pour le test des alertes.",
                });
            await db.SaveChangesAsync();
        }

        // Both nodes pass every minute: wait (bounded) for the alerts of these requests to be written and sent.
        var deadline = DateTime.UtcNow.AddSeconds(150);
        List<OutboxMessage> alerts;
        int recipients;
        await using (var db = cluster.Database.NewContext())
            recipients = 1 + await db.Agents.CountAsync(a => a.OrganisationId == "mairie-lorval" && a.Active && a.Role == Guichet.Web.Data.AgentRole.Supervisor);
        while (true)
        {
            await using var db = cluster.Database.NewContext();
            alerts = await db.Set<OutboxMessage>().AsNoTracking()
                .Where(m => m.Kind == MessageKind.RequestOverdue && m.IdempotencyKey!.StartsWith($"request:alerte-{run}-")).ToListAsync();
            if ((alerts.Count >= 3 * recipients && alerts.All(m => m.Status is MessageStatus.Sent or MessageStatus.Failed)) || DateTime.UtcNow > deadline) break;
            await Task.Delay(500);
        }
        Assert.Equal(3 * recipients, alerts.Count);   // one per request and recipient (the unit's address and each supervisor)
        Assert.Equal(alerts.Count, alerts.Select(m => m.IdempotencyKey).Distinct().Count());
        Assert.All(alerts, m => Assert.True(m.Status == MessageStatus.Sent, $"{m.Recipient} {m.Status}: {m.LastError}"));
        var references = alerts.Select(m => m.ProviderReference!.Trim()).ToHashSet();
        var mails = cluster.Sink.Messages.Where(m => references.Contains(m.Parsed.Header("Message-ID")!.Trim())).ToList();
        Assert.Equal(alerts.Count, mails.Count);   // each alert reached the SMTP server once
        Console.WriteLine($"Deadline alerts with two nodes passing every minute: {alerts.Count} alerts for 3 overdue requests, each written and mailed once");
    }
}
