using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Guichet.Web.Platform.Mail;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guichet.Web.Tests;

/// <summary>The app with its mail pointed at a local SMTP sink, and the background dispatcher off: tests run it.</summary>
public sealed class MailApp : GuichetApp, IAsyncLifetime
{
    public SmtpSink Sink { get; } = SmtpSink.Start();
    public const string BaseUrl = "https://rdv.lorval.test";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Mail:From"] = "ne-pas-repondre@lorval.test",
        ["Mail:Smtp:Host"] = "127.0.0.1",
        ["Mail:Smtp:Port"] = Sink.Port.ToString(CultureInfo.InvariantCulture),
        ["Mail:Smtp:Security"] = "None",
        ["Mail:Smtp:TimeoutSeconds"] = "10",
        ["Notifications:Enabled"] = "false",
        ["App:PublicBaseUrl"] = BaseUrl,
    };

    public OutboxDispatcher Dispatcher => Services.GetRequiredService<OutboxDispatcher>();

    /// <summary>Another dispatcher of the same app (as on another node), sending through <paramref name="sender"/>.</summary>
    public OutboxDispatcher DispatcherWith(IMailSender sender, int batchSize = 50) =>
        ActivatorUtilities.CreateInstance<OutboxDispatcher>(Services, sender, new NotificationsOptions { BatchSize = batchSize });

    /// <summary>The appointment's messages; its reminder (due later, see ReminderTests) only when asked for.</summary>
    public Task<List<OutboxMessage>> OutboxAsync(string appointmentId, bool withReminders = false) =>
        WithDbAsync(db => db.OutboxMessages.AsNoTracking()
            .Where(m => m.AppointmentId == appointmentId && (withReminders || m.Kind != MessageKind.Reminder))
            .OrderBy(m => m.CreatedUtc).ToListAsync());

    /// <summary>The mails the sink received for this appointment (recognised by its code in the subject-free text).</summary>
    public List<ReceivedMail> MailsAbout(string code) =>
        Sink.Messages.Where(m => m.Parsed.Find("text/plain")?.Text.Contains($"Code du rendez-vous : {code}", StringComparison.Ordinal) == true).ToList();

    public async Task<ApiCreated> BookWithMailAsync(string site, string day, string email = "camille.martin@exemple.fr")
    {
        var slot = (await SlotsAsync(site: site, from: day, to: day)).First();
        var answer = await BookAsync(Booking(slot, email: email));
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        return (await answer.Content.ReadFromJsonAsync<ApiCreated>(Json))!;
    }

    Task IAsyncLifetime.InitializeAsync() => InitializeAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Sink.DisposeAsync();
    }
}

/// <summary>A sender that hands the message over for real, then fails as if the process died before recording it.</summary>
file sealed class CrashAfterSending(IMailSender inner) : IMailSender
{
    public async Task SendAsync(OutgoingMail mail, CancellationToken ct)
    {
        await inner.SendAsync(mail, ct);
        throw new InvalidOperationException("simulated crash between sent and recorded");
    }
}

public sealed class NotificationTests(MailApp app) : IClassFixture<MailApp>
{
    [Fact]
    public async Task A_booking_with_an_email_writes_exactly_one_confirmation_in_the_outbox_and_a_refused_one_writes_none()
    {
        var slot = (await app.SlotsAsync(site: "lorval-hotel-de-ville", from: "2026-12-22", to: "2026-12-22")).First();
        var answer = await app.BookAsync(GuichetApp.Booking(slot));
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        var created = (await answer.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;

        var outbox = await app.OutboxAsync(created.Id);
        var message = Assert.Single(outbox);
        Assert.Equal(MessageKind.Confirmation, message.Kind);
        Assert.Equal(MessageChannel.Email, message.Channel);
        Assert.Equal(MessageStatus.Pending, message.Status);
        Assert.Equal("camille.martin@exemple.fr", message.Recipient);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, message.NextAttemptUtc);
        Assert.StartsWith("<", message.ProviderReference);

        var before = await app.WithDbAsync(db => db.OutboxMessages.CountAsync());
        var taken = await app.BookAsync(GuichetApp.Booking(slot, lastName: "Durand", email: "d.durand@exemple.fr"));
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        Assert.Equal(before, await app.WithDbAsync(db => db.OutboxMessages.CountAsync()));
    }

    [Fact]
    public async Task A_booking_without_an_email_writes_no_email_only_the_sms_to_the_mobile()
    {
        var slot = (await app.SlotsAsync(site: "montclair-mairie", from: "2026-12-15", to: "2026-12-15")).First();
        var answer = await app.BookAsync(GuichetApp.Booking(slot, email: null, phone: "06 12 34 56 78"));
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        var created = (await answer.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;
        var only = Assert.Single(await app.OutboxAsync(created.Id));
        Assert.Equal((MessageChannel.Sms, "+33612345678"), (only.Channel, only.Recipient));
    }

    [Fact]
    public async Task The_dispatcher_delivers_the_confirmation_over_smtp_in_french_with_the_code_the_link_the_local_time_and_an_invitation()
    {
        var created = await app.BookWithMailAsync("lorval-hotel-de-ville", "2026-12-16");

        Assert.True(await app.Dispatcher.RunOnceAsync(CancellationToken.None) >= 1);

        var received = Assert.Single(app.MailsAbout(created.Code));
        var stored = Assert.Single(await app.OutboxAsync(created.Id));
        Assert.Equal(MessageStatus.Sent, stored.Status);
        Assert.Equal(1, stored.Attempts);
        Assert.NotNull(stored.SentUtc);
        Assert.Equal(["camille.martin@exemple.fr"], received.To);
        Assert.Equal("ne-pas-repondre@lorval.test", received.From);

        var mail = received.Parsed;
        Assert.Equal(stored.ProviderReference, mail.Header("Message-ID"));
        Assert.Equal("auto-generated", mail.Header("Auto-Submitted"));
        Assert.Contains("Mairie de Lorval", mail.DecodedHeader("From"));
        var local = created.Start;   // the API answers in the site's offset
        var when = FrenchDates.DayAndTime(local.DateTime);
        Assert.Equal($"Confirmation de votre rendez-vous du {when}", mail.DecodedHeader("Subject"));

        var text = mail.Find("text/plain")!.Text;
        Assert.True(Answers.LooksFrench(text), text);
        Assert.Contains("Votre rendez-vous est confirmé", text);
        Assert.Contains($"le {when}", text);
        Assert.Contains("Hôtel de ville de Lorval", text);
        Assert.Contains("2 place de la République, 53120 Lorval", text);
        Assert.Contains(created.Code, text);
        var link = $"{MailApp.BaseUrl}/rendez-vous/{created.Code}?token={Uri.EscapeDataString(created.Token)}";
        Assert.Contains(link, text);
        Assert.Contains("annuler", text);
        var html = mail.Find("text/html")!.Text;
        Assert.Contains($"href=\"{link}\"", html);
        Assert.Contains("Votre rendez-vous est confirmé.", html);

        // The manage link of the mail works.
        var manage = await app.Client.GetAsync($"/api/v1/appointments/{created.Code}?token={Uri.EscapeDataString(created.Token)}");
        Assert.Equal(HttpStatusCode.OK, manage.StatusCode);

        var calendarPart = mail.Find("text/calendar")!;
        Assert.Equal("REQUEST", calendarPart.Parameter("Content-Type", "method"));
        var ics = Calendar.Parse(calendarPart.Content);
        Assert.Equal("REQUEST", ics["METHOD"]);
        Assert.Equal($"{created.Id}@lorval.test", ics["UID"]);
        Assert.Equal(created.Start.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture), ics["DTSTART"]);
        Assert.Equal(created.End.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture), ics["DTEND"]);
        Assert.Equal(stored.CreatedUtc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture), ics["DTSTAMP"]);
        Assert.Equal("0", ics["SEQUENCE"]);
        Assert.Contains("Hôtel de ville de Lorval\\, 2 place de la République\\, 53120 Lorval", ics["LOCATION"]);
        Assert.Contains(created.Code, ics["DESCRIPTION"]);

        // Running again sends nothing more.
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Single(app.MailsAbout(created.Code));
    }

    [Fact]
    public async Task Cancelling_sends_a_cancellation_whose_invitation_cancels_the_same_event_with_a_higher_sequence()
    {
        var created = await app.BookWithMailAsync("lorval-hotel-de-ville", "2026-12-17");
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);

        var cancel = await app.Client.PostAsync($"/api/v1/appointments/{created.Code}/cancel?token={Uri.EscapeDataString(created.Token)}", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var outbox = await app.OutboxAsync(created.Id);
        Assert.Equal([MessageKind.Confirmation, MessageKind.Cancellation], outbox.Select(m => m.Kind));

        await app.Dispatcher.RunOnceAsync(CancellationToken.None);

        var mails = app.MailsAbout(created.Code);
        Assert.Equal(2, mails.Count);
        var cancellation = mails.Single(m => m.Parsed.DecodedHeader("Subject").StartsWith("Annulation", StringComparison.Ordinal)).Parsed;
        var text = cancellation.Find("text/plain")!.Text;
        Assert.True(Answers.LooksFrench(text), text);
        Assert.Contains("annulé", text);
        var part = cancellation.Find("text/calendar")!;
        Assert.Equal("CANCEL", part.Parameter("Content-Type", "method"));
        var ics = Calendar.Parse(part.Content);
        Assert.Equal("CANCEL", ics["METHOD"]);
        Assert.Equal("CANCELLED", ics["STATUS"]);
        Assert.Equal($"{created.Id}@lorval.test", ics["UID"]);
        Assert.Equal("1", ics["SEQUENCE"]);
        Assert.All(await app.OutboxAsync(created.Id), m => Assert.Equal(MessageStatus.Sent, m.Status));
    }

    [Fact]
    public async Task When_smtp_is_down_the_message_waits_with_back_off_and_goes_out_once_when_it_is_back()
    {
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);   // nothing left over from other tests
        await app.Sink.StopAsync();
        ApiCreated created;
        try
        {
            created = await app.BookWithMailAsync("montclair-mairie", "2026-12-18");
            await app.Dispatcher.RunOnceAsync(CancellationToken.None);

            var waiting = Assert.Single(await app.OutboxAsync(created.Id));
            Assert.Equal(MessageStatus.Pending, waiting.Status);
            Assert.Equal(1, waiting.Attempts);
            Assert.Equal(app.Clock.GetUtcNow().UtcDateTime.AddMinutes(1), waiting.NextAttemptUtc);
            Assert.True(Answers.LooksFrench(waiting.LastError), waiting.LastError);
            Assert.DoesNotContain("@", waiting.LastError);

            // Not due yet: a run right away does not even try.
            Assert.Equal(0, await app.Dispatcher.RunOnceAsync(CancellationToken.None));
            Assert.Equal(1, (await app.OutboxAsync(created.Id)).Single().Attempts);
        }
        finally
        {
            app.Sink.Restart();
        }
        Assert.Equal(0, await app.Dispatcher.RunOnceAsync(CancellationToken.None));
        Assert.Empty(app.MailsAbout(created.Code));

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await app.Dispatcher.RunOnceAsync(CancellationToken.None));
        Assert.Single(app.MailsAbout(created.Code));
        var sent = Assert.Single(await app.OutboxAsync(created.Id));
        Assert.Equal(MessageStatus.Sent, sent.Status);
        Assert.Equal(2, sent.Attempts);

        app.Clock.Advance(TimeSpan.FromHours(2));
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Single(app.MailsAbout(created.Code));
    }

    [Fact]
    public async Task A_crash_between_sending_and_recording_never_delivers_the_message_twice()
    {
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        var created = await app.BookWithMailAsync("saint-aubin-mairie", "2026-12-18");
        var crashing = app.DispatcherWith(new CrashAfterSending(app.Services.GetRequiredService<IMailSender>()));

        Assert.Equal(1, await crashing.RunOnceAsync(CancellationToken.None));
        Assert.Single(app.MailsAbout(created.Code));
        var inDoubt = Assert.Single(await app.OutboxAsync(created.Id));
        Assert.Equal(MessageStatus.Sending, inDoubt.Status);

        // A healthy dispatcher, now and after the lease has run out, does not send it again.
        Assert.Equal(0, await app.Dispatcher.RunOnceAsync(CancellationToken.None));
        app.Clock.Advance(TimeSpan.FromMinutes(6));
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        app.Clock.Advance(TimeSpan.FromHours(2));
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);

        Assert.Single(app.MailsAbout(created.Code));
        var after = Assert.Single(await app.OutboxAsync(created.Id));
        Assert.Equal(MessageStatus.Failed, after.Status);
        Assert.Equal(OutboxDispatcher.InterruptedError, after.LastError);
        Assert.Equal(inDoubt.ProviderReference, after.ProviderReference);
    }

    [Fact]
    public async Task A_claim_abandoned_before_its_send_began_goes_back_to_the_queue_and_is_sent_once()
    {
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        var created = await app.BookWithMailAsync("lorval-hotel-de-ville", "2026-12-23");
        // What a node leaves behind when it dies right after claiming: Claimed, under its token, lease running.
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await app.WithDbAsync(db => db.OutboxMessages.Where(m => m.AppointmentId == created.Id && m.Kind == MessageKind.Confirmation).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, MessageStatus.Claimed)
            .SetProperty(m => m.ClaimToken, "dead-node")
            .SetProperty(m => m.LeaseUntilUtc, now.AddMinutes(5))));

        Assert.Equal(0, await app.Dispatcher.RunOnceAsync(CancellationToken.None));
        Assert.Empty(app.MailsAbout(created.Code));

        app.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, await app.Dispatcher.RunOnceAsync(CancellationToken.None));
        Assert.Single(app.MailsAbout(created.Code));
        var sent = Assert.Single(await app.OutboxAsync(created.Id));
        Assert.Equal(MessageStatus.Sent, sent.Status);
        Assert.Equal(1, sent.Attempts);
    }

    [Fact]
    public async Task Two_dispatchers_running_together_deliver_each_message_exactly_once()
    {
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        var codes = new List<string>();
        foreach (var slot in (await app.SlotsAsync(site: "lorval-hotel-de-ville", from: "2026-12-21", to: "2026-12-21")).Take(8))
        {
            var answer = await app.BookAsync(GuichetApp.Booking(slot, lastName: "Lefèvre"));
            Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
            codes.Add((await answer.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!.Code);
        }
        // Small batches, so the runs really interleave their claims.
        var sender = app.Services.GetRequiredService<IMailSender>();
        var first = app.DispatcherWith(sender, batchSize: 3);
        var second = app.DispatcherWith(sender, batchSize: 3);

        var claimed = await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[]
            { first.RunOnceAsync(CancellationToken.None), second.RunOnceAsync(CancellationToken.None) }));

        Assert.Equal(codes.Count, claimed.Sum());
        Assert.All(codes, code => Assert.Single(app.MailsAbout(code)));
    }

    [Fact]
    public void The_calendar_writer_folds_long_lines_at_75_octets_without_cutting_a_character_and_escapes_text()
    {
        var e = new CalendarEvent("abc@lorval.test", new DateTime(2026, 11, 30, 6, 0, 0, DateTimeKind.Utc),
            new DateTime(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc), new DateTime(2026, 12, 1, 8, 15, 0, DateTimeKind.Utc),
            "Rendez-vous; carte, passeport \\ " + string.Concat(Enumerable.Repeat("é", 60)), "Hôtel de ville\nLorval", "Ligne 1\nLigne 2",
            null, 0, "Mairie \"de\" Lorval", "ne-pas-repondre@lorval.test", null);
        var ics = ICalendar.Write(e, ICalendar.Request);
        var bytes = Encoding.UTF8.GetBytes(ics);

        var parsed = Calendar.Parse(bytes);
        Assert.Equal("Rendez-vous\\; carte\\, passeport \\\\ " + string.Concat(Enumerable.Repeat("é", 60)), parsed["SUMMARY"]);
        Assert.Equal("Hôtel de ville\\nLorval", parsed["LOCATION"]);
        Assert.Equal("20261201T080000Z", parsed["DTSTART"]);
        Assert.Contains("ORGANIZER;CN=\"Mairie 'de' Lorval\":mailto:ne-pas-repondre@lorval.test", ics.Replace("\r\n ", ""));
    }
}

/// <summary>Reads an iCalendar back, checking the wire rules on the way: CRLF only, no line over 75 octets.</summary>
internal static class Calendar
{
    public static Dictionary<string, string> Parse(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        Assert.EndsWith("\r\n", text);
        Assert.DoesNotContain("\n", text.Replace("\r\n", ""));
        Assert.DoesNotContain("\r", text.Replace("\r\n", ""));
        var physical = text[..^2].Split("\r\n");
        Assert.All(physical, line => Assert.True(Encoding.UTF8.GetByteCount(line) <= 75, $"{Encoding.UTF8.GetByteCount(line)} octets: {line}"));
        // No fold may cut a UTF-8 sequence: every physical line decodes on its own.
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        var start = 0;
        for (var i = 0; i + 1 < bytes.Length; i++)
            if (bytes[i] == '\r' && bytes[i + 1] == '\n')
            {
                strict.GetString(bytes, start, i - start);
                start = i + 2;
            }
        var unfolded = text.Replace("\r\n ", "").Replace("\r\n\t", "");
        var lines = unfolded.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("BEGIN:VCALENDAR", lines[0]);
        Assert.Equal("END:VCALENDAR", lines[^1]);
        Assert.Contains("VERSION:2.0", lines);
        Assert.Contains("BEGIN:VEVENT", lines);
        var values = new Dictionary<string, string>();
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':');
            var name = line[..colon].Split(';')[0];
            values.TryAdd(name, line[(colon + 1)..]);
        }
        return values;
    }
}
