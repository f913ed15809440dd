using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guichet.Web.Tests;

/// <summary>The app with both its mail (a local SMTP sink) and its SMS (a local fake Twilio) that tests can take down; dispatcher off.</summary>
public sealed class OutageApp : GuichetApp, IAsyncLifetime
{
    public SmtpSink Sink { get; } = SmtpSink.Start();
    public FakeHttpServer Twilio { get; private set; } = null!;
    public bool SmsDown { get; set; }
    /// <summary>The SMS the fake Twilio accepted, in the order it accepted them.</summary>
    public ConcurrentQueue<Dictionary<string, string>> AcceptedSms { get; } = new();
    private int sids;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Notifications:Enabled"] = "false",
        ["App:PublicBaseUrl"] = "https://rdv.lorval.test",
        ["Mail:From"] = "ne-pas-repondre@lorval.test",
        ["Mail:Smtp:Host"] = "127.0.0.1",
        ["Mail:Smtp:Port"] = Sink.Port.ToString(CultureInfo.InvariantCulture),
        ["Mail:Smtp:Security"] = "None",
        ["Mail:Smtp:TimeoutSeconds"] = "10",
        ["Sms:Provider"] = "Twilio",
        ["Sms:Sender"] = "LORVAL",
        ["Sms:TimeoutSeconds"] = "5",
        ["Sms:WebhookSecret"] = "secret-des-webhooks-0123456789abcdef",
        ["Sms:Twilio:BaseUrl"] = Twilio.BaseUrl,
        ["Sms:Twilio:AccountSid"] = "AC0123456789",
        ["Sms:Twilio:AuthToken"] = "jeton-twilio-de-test",
        ["Sms:Twilio:From"] = "+33939000000",
    };

    async Task IAsyncLifetime.InitializeAsync()
    {
        Twilio = await FakeHttpServer.StartAsync(request =>
        {
            if (SmsDown) return (503, """{"code":20503,"message":"Service unavailable","status":503}""");
            AcceptedSms.Enqueue(request.Form());
            return (201, $$"""{"sid":"SM{{Interlocked.Increment(ref sids):D6}}","status":"queued","num_segments":"1"}""");
        });
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Twilio.DisposeAsync();
        await Sink.DisposeAsync();
    }

    public OutboxDispatcher Dispatcher => Services.GetRequiredService<OutboxDispatcher>();

    public async Task<ApiCreated> BookAsync(string site, string day, string lastName, string email, string phone)
    {
        var slot = (await SlotsAsync(site: site, from: day, to: day)).First();
        var answer = await BookAsync(Booking(slot, lastName: lastName, email: email, phone: phone));
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        return (await answer.Content.ReadFromJsonAsync<ApiCreated>(Json))!;
    }

    /// <summary>One minute of the dispatcher's life: the clock moves, the dispatcher runs until nothing more is due.</summary>
    public async Task RunForAsync(TimeSpan period)
    {
        for (var t = TimeSpan.Zero; t < period; t += TimeSpan.FromMinutes(1))
        {
            Clock.Advance(TimeSpan.FromMinutes(1));
            while (await Dispatcher.RunOnceAsync(CancellationToken.None) > 0) { }
        }
    }
}

public sealed class OutageTests(OutageApp app) : IClassFixture<OutageApp>
{
    [Fact]
    public async Task When_mail_and_sms_are_down_for_an_hour_every_message_goes_out_afterwards_once_and_in_order()
    {
        while (await app.Dispatcher.RunOnceAsync(CancellationToken.None) > 0) { }   // nothing left over
        var mailsBefore = app.Sink.Messages.Count;
        await app.Sink.StopAsync();
        app.SmsDown = true;
        ApiCreated moved, cancelled, late;
        try
        {
            // During the hour: bookings, a cancellation and, near its end, a move, each causing messages that cannot leave.
            moved = await app.BookAsync("lorval-hotel-de-ville", "2026-12-15", "Panne-Un", "un@exemple.fr", "06 11 11 11 11");
            cancelled = await app.BookAsync("montclair-mairie", "2026-12-15", "Panne-Deux", "deux@exemple.fr", "06 22 22 22 22");
            await app.RunForAsync(TimeSpan.FromMinutes(30));

            var cancel = await app.Client.PostAsync($"/api/v1/appointments/{cancelled.Code}/cancel?token={Uri.EscapeDataString(cancelled.Token)}", null);
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
            late = await app.BookAsync("saint-aubin-mairie", "2026-12-16", "Panne-Trois", "trois@exemple.fr", "06 33 33 33 33");
            await app.RunForAsync(TimeSpan.FromMinutes(25));

            // Minute 55: the first confirmation's next try is now an hour away, a new message's only a few minutes.
            var target = (await app.SlotsAsync(site: "lorval-hotel-de-ville", from: "2026-12-17", to: "2026-12-17")).First();
            var move = await app.Client.PostAsJsonAsync($"/api/v1/appointments/{moved.Code}/move?token={Uri.EscapeDataString(moved.Token)}", new { start = target.Start });
            Assert.Equal(HttpStatusCode.OK, move.StatusCode);
            await app.RunForAsync(TimeSpan.FromMinutes(5));

            // An hour later nothing has left, nothing was given up, and every message is still waiting.
            Assert.Equal(mailsBefore, app.Sink.Messages.Count);
            Assert.Empty(app.AcceptedSms);
            var waiting = await OutboxAsync(moved, cancelled, late);
            Assert.Equal(10, waiting.Count);   // 3 confirmations, 1 move and 1 cancellation, each by e-mail and by SMS
            Assert.All(waiting, m => Assert.Equal(MessageStatus.Pending, m.Status));
            // The confirmations were tried (and refused); the move and the cancellation wait behind them, never tried,
            // so that they cannot reach the citizen before the confirmation they follow.
            Assert.All(waiting.Where(m => m.Kind == MessageKind.Confirmation), m => Assert.True(m.Attempts >= 1, $"{m.Kind} {m.Channel} never tried"));
            Assert.All(waiting.Where(m => m.Kind != MessageKind.Confirmation), m => Assert.Equal(0, m.Attempts));

            // Agents see what waits: Lorval's supervisor reads the pending messages of its organisation in the report.
            using var supervisor = new Browser(app);
            await supervisor.SignInAsync("superviseur@lorval.demo");
            var report = await supervisor.GetAsync("/supervision/messages?from=2026-11-01&to=2026-12-31");
            var pending = await app.WithDbAsync(db => db.OutboxMessages.CountAsync(m => m.OrganisationId == "mairie-lorval"
                && (m.Status == MessageStatus.Pending || m.Status == MessageStatus.Claimed || m.Status == MessageStatus.Sending)
                && m.ScheduledUtc >= new DateTime(2026, 10, 31, 23, 0, 0, DateTimeKind.Utc) && m.ScheduledUtc < new DateTime(2026, 12, 31, 23, 0, 0, DateTimeKind.Utc)));
            Assert.True(pending >= 4, $"{pending} pending at Lorval");   // its confirmation and move, by e-mail and SMS
            var footer = report.Document.QuerySelector("tfoot tr")!.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList();
            Assert.Equal(pending.ToString(System.Globalization.CultureInfo.InvariantCulture), footer[2]);   // Envoyés, En échec, En attente…
        }
        finally
        {
            app.Sink.Restart();
            app.SmsDown = false;
        }

        // Back: the back-off (an hour at most) brings every message out.
        await app.RunForAsync(TimeSpan.FromMinutes(75));
        var sent = await OutboxAsync(moved, cancelled, late);
        Assert.All(sent, m => Assert.True(m.Status == MessageStatus.Sent, $"{m.Kind} {m.Channel} {m.Status} after {m.Attempts} attempts, next {m.NextAttemptUtc:O}, now {app.Clock.GetUtcNow():O}: {m.LastError}"));

        // Exactly once: one mail per e-mail row (distinct Message-IDs), one accepted SMS per SMS row.
        var mails = app.Sink.Messages.Skip(mailsBefore).ToList();
        Assert.Equal(sent.Count(m => m.Channel == MessageChannel.Email), mails.Count);
        Assert.Equal(mails.Count, mails.Select(m => m.Parsed.Header("Message-ID")).Distinct().Count());
        var sms = app.AcceptedSms.ToList();
        Assert.Equal(sent.Count(m => m.Channel == MessageChannel.Sms), sms.Count);

        // In order, for each citizen on each channel: what happened first is told first.
        foreach (var (appointment, kinds) in new[]
        {
            (moved, new[] { MessageKind.Confirmation, MessageKind.Moved }),
            (cancelled, new[] { MessageKind.Confirmation, MessageKind.Cancellation }),
            (late, new[] { MessageKind.Confirmation }),
        })
        {
            var rows = sent.Where(m => m.AppointmentId == appointment.Id).ToList();
            var mailOrder = mails.Select(m => m.Parsed.Header("Message-ID")!.Trim())
                .Select(id => rows.SingleOrDefault(r => r.Channel == MessageChannel.Email && r.ProviderReference == id)?.Kind)
                .OfType<MessageKind>().ToList();
            Assert.Equal(kinds, mailOrder);
            var smsOrder = sms.Select(form => rows.SingleOrDefault(r => r.Channel == MessageChannel.Sms && r.Body == form["Body"])?.Kind)
                .OfType<MessageKind>().ToList();
            Assert.Equal(kinds, smsOrder);
        }

        // Nothing more goes out later.
        await app.RunForAsync(TimeSpan.FromMinutes(90));
        Assert.Equal(mails.Count, app.Sink.Messages.Count - mailsBefore);
        Assert.Equal(sms.Count, app.AcceptedSms.Count);
    }

    /// <summary>The messages about these appointments that are meant to go now (reminders are due days later).</summary>
    private Task<List<OutboxMessage>> OutboxAsync(params ApiCreated[] appointments)
    {
        var ids = appointments.Select(a => a.Id).ToList();
        return app.WithDbAsync(db => db.OutboxMessages.AsNoTracking()
            .Where(m => ids.Contains(m.AppointmentId!) && m.Kind != MessageKind.Reminder)
            .OrderBy(m => m.CreatedUtc).ToListAsync());
    }
}
