using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Guichet.Domain.Messaging;
using Guichet.Domain.Scheduling;
using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform.Sms;
using Guichet.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Guichet.Web.Tests;

/// <summary>The app on Twilio, pointed at a local fake Twilio; the background dispatcher off: tests run it.</summary>
public sealed class SmsApp : GuichetApp, IAsyncLifetime
{
    public const string BaseUrl = "https://rdv.lorval.test";
    public const string AuthToken = "jeton-twilio-de-test";
    public const string Secret = "secret-des-webhooks-0123456789abcdef";
    private int sids;

    public FakeHttpServer Twilio { get; private set; } = null!;
    public bool Down { get; set; }
    /// <summary>Twilio takes the request and never answers: the outcome is unknown.</summary>
    public bool Hangs { get; set; }
    /// <summary>Called with the new sid before the fake answers a send: a report that overtakes the answer.</summary>
    public Func<string, Task>? BeforeAnswer { get; set; }

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Notifications:Enabled"] = "false",
        ["App:PublicBaseUrl"] = BaseUrl,
        ["Sms:Provider"] = "Twilio",
        ["Sms:Sender"] = "LORVAL",
        ["Sms:TimeoutSeconds"] = "1",
        ["Sms:WebhookSecret"] = Secret,
        ["Sms:Twilio:BaseUrl"] = Twilio.BaseUrl,
        ["Sms:Twilio:AccountSid"] = "AC0123456789",
        ["Sms:Twilio:AuthToken"] = AuthToken,
        ["Sms:Twilio:From"] = "+33939000000",
    };

    async Task IAsyncLifetime.InitializeAsync()
    {
        Twilio = await FakeHttpServer.StartAsync(_ => Hangs ? (0, "") : Down
            ? (503, """{"code":20503,"message":"Service unavailable","status":503}""")
            : Accept($"SM{Interlocked.Increment(ref sids):D6}"));
        await InitializeAsync();
    }

    private (int, string) Accept(string sid)
    {
        BeforeAnswer?.Invoke(sid).GetAwaiter().GetResult();
        return (201, $$"""{"sid":"{{sid}}","status":"queued","num_segments":"2"}""");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Twilio.DisposeAsync();
    }

    public OutboxDispatcher Dispatcher => Services.GetRequiredService<OutboxDispatcher>();

    /// <summary>The appointment's messages on one channel, without its reminder (due later; ReminderTests cover it).</summary>
    public Task<List<OutboxMessage>> OutboxAsync(string appointmentId, MessageChannel channel = MessageChannel.Sms) =>
        WithDbAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.AppointmentId == appointmentId && m.Channel == channel && m.Kind != MessageKind.Reminder)
            .OrderBy(m => m.CreatedUtc).ToListAsync());

    /// <summary>The SMS the fake Twilio was asked to send about this appointment code.</summary>
    public List<Dictionary<string, string>> SmsAbout(string code) =>
        Twilio.Requests.Where(r => r.Path.EndsWith("/Messages.json", StringComparison.Ordinal)).Select(r => r.Form())
            .Where(f => f["Body"].Contains(code, StringComparison.Ordinal)).ToList();

    public async Task<ApiCreated> BookAsync(string site, string day, string? phone = "06 12 34 56 78", string? email = null, int index = 0)
    {
        var slot = (await SlotsAsync(site: site, from: day, to: day))[index];
        var answer = await BookAsync(Booking(slot, email: email, phone: phone));
        Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        return (await answer.Content.ReadFromJsonAsync<ApiCreated>(Json))!;
    }

    /// <summary>A call as Twilio makes it: a form post signed over our public URL.</summary>
    public Task<HttpResponseMessage> TwilioCallAsync(string path, IDictionary<string, string> form, string? signature = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioSignature.Header, signature ?? TwilioSignature.Compute(AuthToken, BaseUrl + path, form));
        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> ReportAsync(string sid, string status) => TwilioCallAsync("/sms/dlr/twilio", new Dictionary<string, string>
    {
        ["AccountSid"] = "AC0123456789", ["From"] = "LORVAL", ["To"] = "+33612345678",
        ["MessageSid"] = sid, ["SmsSid"] = sid, ["MessageStatus"] = status, ["SmsStatus"] = status, ["ApiVersion"] = "2010-04-01",
    });

    public Task<HttpResponseMessage> ReplyAsync(string from, string body, string? sid = null) => TwilioCallAsync("/sms/inbound/twilio", new Dictionary<string, string>
    {
        ["AccountSid"] = "AC0123456789", ["From"] = from, ["To"] = "+33939000000", ["Body"] = body,
        ["MessageSid"] = sid ?? "SMin" + Guid.NewGuid().ToString("N"), ["NumMedia"] = "0",
    });

    /// <summary>The text Twilio would read back to the citizen; null for an empty Response.</summary>
    public static async Task<string?> TwiMlAnswerAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Response", xml.Root!.Name.LocalName);
        return xml.Root.Element("Message")?.Value;
    }
}

public sealed class SmsTests(SmsApp app) : IClassFixture<SmsApp>
{
    [Fact]
    public async Task A_booking_with_a_mobile_gets_a_short_gsm_sms_with_date_place_code_and_link_sent_once_through_twilio()
    {
        var created = await app.BookAsync("lorval-hotel-de-ville", "2026-12-15", email: "camille.martin@exemple.fr");
        var queued = Assert.Single(await app.OutboxAsync(created.Id));
        Assert.Equal((MessageKind.Confirmation, "+33612345678", MessageStatus.Pending), (queued.Kind, queued.Recipient, queued.Status));
        Assert.Single(await app.OutboxAsync(created.Id, MessageChannel.Email));   // the e-mail goes as well

        await app.Dispatcher.RunOnceAsync(CancellationToken.None);

        var form = Assert.Single(app.SmsAbout(created.Code));
        Assert.Equal("+33612345678", form["To"]);
        Assert.Equal("+33939000000", form["From"]);
        Assert.Equal(SmsApp.BaseUrl + "/sms/dlr/twilio", form["StatusCallback"]);
        var text = form["Body"];
        var local = created.Start.DateTime;
        Assert.Contains($"le {local.ToString("dddd d MMMM", CultureInfo.GetCultureInfo("fr-FR"))} à {local.Hour}h", text);
        Assert.Contains("Hotel de ville de Lorval", text);   // rewritten GSM-safe: ô is not in GSM 03.38
        Assert.Contains($"Code {created.Code}", text);
        Assert.Contains($"{SmsApp.BaseUrl}/rendez-vous/{created.Code}?token={Uri.EscapeDataString(created.Token)}", text);
        Assert.Contains($"ANNULER {created.Code}", text);     // a number as sender: replies are possible
        Assert.DoesNotContain("identité", text);             // no document details on a locked screen
        var analysis = SmsEncoding.Analyze(text);
        Assert.Equal(SmsAlphabet.Gsm7, analysis.Alphabet);
        Assert.True(analysis.Segments <= 2, $"{analysis.Units} septets");   // the 256-bit token in the link alone takes 43

        var sent = Assert.Single(await app.OutboxAsync(created.Id));
        Assert.Equal(MessageStatus.Sent, sent.Status);
        Assert.Equal(SmsDeliveryStatus.Accepted, sent.DeliveryStatus);
        Assert.Matches("^twilio:SM[0-9]{6}$", sent.ProviderReference!);
        Assert.Equal(2, sent.Segments);   // as Twilio counted them

        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Single(app.SmsAbout(created.Code));
    }

    [Fact]
    public async Task When_twilio_is_down_the_sms_waits_with_back_off_and_goes_out_exactly_once_when_it_is_back()
    {
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        app.Down = true;
        ApiCreated created;
        try
        {
            created = await app.BookAsync("montclair-mairie", "2026-12-16");
            await app.Dispatcher.RunOnceAsync(CancellationToken.None);
            var waiting = Assert.Single(await app.OutboxAsync(created.Id));
            Assert.Equal((MessageStatus.Pending, 1), (waiting.Status, waiting.Attempts));
            Assert.Equal(app.Clock.GetUtcNow().UtcDateTime.AddMinutes(1), waiting.NextAttemptUtc);
            Assert.True(Answers.LooksFrench(waiting.LastError), waiting.LastError);
            Assert.DoesNotContain("612345678", waiting.LastError);

            app.Clock.Advance(TimeSpan.FromMinutes(1));
            await app.Dispatcher.RunOnceAsync(CancellationToken.None);
            Assert.Equal(2, (await app.OutboxAsync(created.Id)).Single().Attempts);
        }
        finally
        {
            app.Down = false;
        }
        Assert.Equal(0, await app.Dispatcher.RunOnceAsync(CancellationToken.None));   // not due before its back-off
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await app.Dispatcher.RunOnceAsync(CancellationToken.None));
        app.Clock.Advance(TimeSpan.FromHours(2));
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);

        Assert.Equal(3, app.SmsAbout(created.Code).Count);   // two refused while down, one accepted
        var sent = Assert.Single(await app.OutboxAsync(created.Id));
        Assert.Equal((MessageStatus.Sent, 3, SmsDeliveryStatus.Accepted), (sent.Status, sent.Attempts, sent.DeliveryStatus));
    }

    [Fact]
    public async Task An_sms_whose_send_timed_out_is_never_sent_again_and_ends_failed_for_an_agent_to_see()
    {
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        var created = await app.BookAsync("lorval-hotel-de-ville", "2026-12-30");
        app.Hangs = true;
        try
        {
            await app.Dispatcher.RunOnceAsync(CancellationToken.None);   // waits out Sms:TimeoutSeconds (1 s)
        }
        finally
        {
            app.Hangs = false;
        }
        Assert.Equal(MessageStatus.Sending, (await app.OutboxAsync(created.Id)).Single().Status);

        Assert.Equal(0, await app.Dispatcher.RunOnceAsync(CancellationToken.None));
        app.Clock.Advance(TimeSpan.FromMinutes(6));
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        app.Clock.Advance(TimeSpan.FromHours(2));
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);

        Assert.Single(app.SmsAbout(created.Code));
        var failed = Assert.Single(await app.OutboxAsync(created.Id));
        Assert.Equal((MessageStatus.Failed, OutboxDispatcher.InterruptedError), (failed.Status, failed.LastError));
    }

    [Theory]
    [InlineData("/sms/dlr/twilio")]
    [InlineData("/sms/inbound/twilio")]
    [InlineData("/sms/dlr/ovh/" + SmsApp.Secret)]
    [InlineData("/sms/inbound/ovh/" + SmsApp.Secret)]
    [InlineData("/sms/dlr/brevo/" + SmsApp.Secret)]
    [InlineData("/sms/inbound/brevo/" + SmsApp.Secret)]
    public async Task Whatever_a_webhook_receives_it_never_answers_500(string path)
    {
        (string Type, byte[] Body)[] bodies =
        [
            ("application/x-www-form-urlencoded", Encoding.UTF8.GetBytes("a=%ZZ&&=&b")),
            ("application/x-www-form-urlencoded", [0xFF, 0xFE, 0x00, 0x41]),
            ("application/x-www-form-urlencoded", Encoding.UTF8.GetBytes("MessageSid=" + new string('x', 300) + "&MessageStatus=" + new string('y', 300) + "&From=" + new string('1', 300))),
            ("application/json", Encoding.UTF8.GetBytes(new string('[', 5000))),
            ("application/json", Encoding.UTF8.GetBytes("""{"messageId":{"a":1},"msg_status":["delivered"],"from":null}""")),
            ("application/json", Encoding.UTF8.GetBytes("""{"messageId":"x","msg_status":"delivered","sender":"+33612345678","text":"ANNULER 99999999"}""")),
            ("multipart/form-data; boundary=x", Encoding.UTF8.GetBytes("--x\r\nContent-Disposition: form-data; name=\"From\"\r\n\r\n+33612345678\r\n--x--\r\n")),
            ("application/json", Encoding.UTF8.GetBytes("""{"messageId":"a\u0000b","msg_status":"delivered","from":"+33612345678\u0000","text":"STOP"}""")),
            ("application/x-www-form-urlencoded", Encoding.UTF8.GetBytes("id=a\0b&dlr=1&senderid=%2B33612345678&message=STOP\0")),
            ("text/plain", Encoding.UTF8.GetBytes("STOP")),
            ("application/json", []),
        ];
        foreach (var (type, body) in bodies)
        {
            var content = new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", type);
            var answer = await app.Client.PostAsync(path, content);
            Assert.True((int)answer.StatusCode < 500, $"{type} {body.Length} octets: {(int)answer.StatusCode}");
        }
        var get = await app.Client.GetAsync(path + "?id=" + new string('9', 100) + "&dlr=%FF&senderid=&message=");
        Assert.True((int)get.StatusCode < 500, $"GET: {(int)get.StatusCode}");
    }

    [Fact]
    public async Task Signed_delivery_reports_move_the_status_up_only_and_duplicates_or_late_ones_change_nothing()
    {
        var created = await app.BookAsync("lorval-hotel-de-ville", "2026-12-17");
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        var sid = (await app.OutboxAsync(created.Id)).Single().ProviderReference!["twilio:".Length..];

        Assert.Equal(HttpStatusCode.NoContent, (await app.ReportAsync(sid, "sent")).StatusCode);
        Assert.Equal(SmsDeliveryStatus.Sent, (await app.OutboxAsync(created.Id)).Single().DeliveryStatus);
        Assert.Equal(HttpStatusCode.NoContent, (await app.ReportAsync(sid, "delivered")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.ReportAsync(sid, "delivered")).StatusCode);   // Twilio retries
        Assert.Equal(HttpStatusCode.NoContent, (await app.ReportAsync(sid, "sending")).StatusCode);     // late, out of order
        Assert.Equal(HttpStatusCode.NoContent, (await app.ReportAsync(sid, "queued")).StatusCode);

        var message = (await app.OutboxAsync(created.Id)).Single();
        Assert.Equal(SmsDeliveryStatus.Delivered, message.DeliveryStatus);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, message.DeliveryUpdatedUtc);
        var events = await app.WithDbAsync(db => db.Set<SmsEvent>().AsNoTracking().Where(e => e.OutboxMessageId == message.Id).ToListAsync());
        Assert.Equal(["delivered", "queued", "sending", "sent"], events.Select(e => e.RawStatus!).Order());   // the duplicate stored once
        Assert.All(events, e => Assert.Contains($"MessageSid={sid}", e.Payload));   // the raw payload, as received
    }

    [Fact]
    public async Task A_report_that_overtakes_the_providers_answer_is_kept_and_applied_once_the_id_is_known()
    {
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        var created = await app.BookAsync("saint-aubin-mairie", "2026-12-18");
        var early = new List<HttpStatusCode>();
        app.BeforeAnswer = async sid => early.Add((await app.ReportAsync(sid, "delivered")).StatusCode);
        try
        {
            await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        }
        finally
        {
            app.BeforeAnswer = null;
        }

        Assert.Equal([HttpStatusCode.NoContent], early);
        var message = (await app.OutboxAsync(created.Id)).Single();
        Assert.Equal((MessageStatus.Sent, SmsDeliveryStatus.Delivered), (message.Status, message.DeliveryStatus));
        var stored = await app.WithDbAsync(db => db.Set<SmsEvent>().AsNoTracking().SingleAsync(e => e.OutboxMessageId == message.Id));
        Assert.Equal("delivered", stored.RawStatus);
    }

    [Fact]
    public async Task Delivery_reports_without_a_valid_signature_or_unreadable_are_refused_with_4xx_and_change_nothing()
    {
        var created = await app.BookAsync("lorval-hotel-de-ville", "2026-12-18");
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        var sid = (await app.OutboxAsync(created.Id)).Single().ProviderReference!["twilio:".Length..];
        var form = new Dictionary<string, string> { ["MessageSid"] = sid, ["MessageStatus"] = "failed", ["ErrorCode"] = "30003" };

        Assert.Equal(HttpStatusCode.Forbidden, (await app.TwilioCallAsync("/sms/dlr/twilio", form, signature: "AAAA")).StatusCode);
        var otherUrl = TwilioSignature.Compute(SmsApp.AuthToken, "http://localhost/sms/dlr/twilio", form);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.TwilioCallAsync("/sms/dlr/twilio", form, signature: otherUrl)).StatusCode);
        var otherToken = TwilioSignature.Compute("un-autre-jeton", SmsApp.BaseUrl + "/sms/dlr/twilio", form);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.TwilioCallAsync("/sms/dlr/twilio", form, signature: otherToken)).StatusCode);
        var unsigned = await app.Client.PostAsync("/sms/dlr/twilio", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        var json = await app.Client.PostAsync("/sms/dlr/twilio", new StringContent("""{"MessageSid":"x"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        var noSid = await app.TwilioCallAsync("/sms/dlr/twilio", new Dictionary<string, string> { ["MessageStatus"] = "delivered" });
        Assert.Equal(HttpStatusCode.BadRequest, noSid.StatusCode);
        Assert.True(Answers.LooksFrench(Answers.ProblemMessage(await Answers.ProblemAsync(noSid))));
        var tooBig = await app.TwilioCallAsync("/sms/dlr/twilio", new Dictionary<string, string> { ["MessageSid"] = new string('a', 70_000) });
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
        var nul = await app.TwilioCallAsync("/sms/dlr/twilio", new Dictionary<string, string> { ["MessageSid"] = "SM\0", ["MessageStatus"] = "delivered" });
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        // A report about a message we never sent is taken (Twilio would retry a refusal) and kept, with nothing to update.
        Assert.Equal(HttpStatusCode.NoContent, (await app.ReportAsync("SMinconnu", "delivered")).StatusCode);

        Assert.Equal(SmsDeliveryStatus.Accepted, (await app.OutboxAsync(created.Id)).Single().DeliveryStatus);
    }

    [Fact]
    public async Task Ovh_and_brevo_reports_are_taken_only_at_the_secret_address_and_mapped()
    {
        var created = await app.BookAsync("lorval-hotel-de-ville", "2026-12-29");
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        var id = (await app.OutboxAsync(created.Id)).Single().Id;
        // As if this SMS had gone through Brevo, then OVH: the report names the provider's own id.
        await app.WithDbAsync(db => db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.ProviderReference, "brevo:1511882900176220")));
        var brevo = """{"id":1,"to":"33612345678","sms_count":1,"credits_used":1,"messageId":1511882900176220,"msg_status":"sent","date":"2026-11-30 07:01:02","status":"OK","tag":"x"}""";

        var wrong = await app.Client.PostAsync("/sms/dlr/brevo/pas-le-bon-secret-0123456789abcdefgh", new StringContent(brevo, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        var unknown = await app.Client.PostAsync($"/sms/dlr/smsmode/{SmsApp.Secret}", new StringContent(brevo, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var garbage = await app.Client.PostAsync($"/sms/dlr/brevo/{SmsApp.Secret}", new StringContent("{not json", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        var ok = await app.Client.PostAsync($"/sms/dlr/brevo/{SmsApp.Secret}", new StringContent(brevo, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.Equal(SmsDeliveryStatus.Sent, (await app.OutboxAsync(created.Id)).Single().DeliveryStatus);

        await app.WithDbAsync(db => db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.ProviderReference, "ovh:262146895")));
        var ovh = await app.Client.GetAsync($"/sms/dlr/ovh/{SmsApp.Secret}?id=262146895&dlr=1&receiver=%2B33612345678");
        Assert.Equal(HttpStatusCode.NoContent, ovh.StatusCode);
        Assert.Equal(SmsDeliveryStatus.Delivered, (await app.OutboxAsync(created.Id)).Single().DeliveryStatus);
    }

    [Fact]
    public async Task Stop_switches_sms_off_for_that_number_even_for_an_sms_already_queued_and_for_later_bookings()
    {
        const string phone = "07 11 22 33 44";   // only this test uses it: STOP holds for the whole platform
        var before = await app.BookAsync("lorval-hotel-de-ville", "2026-12-21", phone: phone, email: "l.roux@exemple.fr");

        var answer = await SmsApp.TwiMlAnswerAsync(await app.ReplyAsync("+33711223344", "Stop"));

        Assert.Equal(SmsEncoding.ToGsmSafe(SmsTexts.Stopped), answer);
        Assert.True(await app.WithDbAsync(db => db.Set<SmsOptOut>().AnyAsync(o => o.Phone == "+33711223344")));
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Empty(app.SmsAbout(before.Code));
        var refused = Assert.Single(await app.OutboxAsync(before.Id));
        Assert.Equal((MessageStatus.Failed, SmsDelivery.OptedOut), (refused.Status, refused.LastError));
        Assert.Equal(MessageStatus.Sent, (await app.OutboxAsync(before.Id, MessageChannel.Email)).Single().Status);   // e-mail still goes

        var after = await app.BookAsync("lorval-hotel-de-ville", "2026-12-21", phone: phone, email: "l.roux@exemple.fr", index: 1);
        Assert.Empty(await app.OutboxAsync(after.Id));
        Assert.Single(await app.OutboxAsync(after.Id, MessageChannel.Email));
        // A second STOP (or Twilio's retry of the first) changes nothing and fails nothing.
        Assert.Equal(SmsEncoding.ToGsmSafe(SmsTexts.Stopped), await SmsApp.TwiMlAnswerAsync(await app.ReplyAsync("+33711223344", "STOP")));
    }

    [Fact]
    public async Task An_ovh_reply_at_the_secret_address_is_understood_too_and_a_reply_without_sender_is_refused()
    {
        var wrong = await app.Client.GetAsync("/sms/inbound/ovh/pas-le-bon-secret-0123456789abcdefgh?senderid=%2B33700000001&message=STOP&id=1");
        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Set<SmsOptOut>().AnyAsync(o => o.Phone == "+33700000001")));

        var ok = await app.Client.GetAsync($"/sms/inbound/ovh/{SmsApp.Secret}?senderid=%2B33700000001&message=STOP&id=1");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.Set<SmsOptOut>().AnyAsync(o => o.Phone == "+33700000001")));

        var anonymous = await app.Client.PostAsync($"/sms/inbound/brevo/{SmsApp.Secret}", new StringContent("""{"text":"STOP"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, anonymous.StatusCode);
        Assert.True(Answers.LooksFrench(Answers.ProblemMessage(await Answers.ProblemAsync(anonymous))));
        var xml = await app.Client.PostAsync($"/sms/inbound/brevo/{SmsApp.Secret}", new StringContent("<sms/>", Encoding.UTF8, "application/xml"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, xml.StatusCode);
    }

    [Fact]
    public async Task Annuler_with_the_code_from_the_booking_phone_cancels_and_the_cancellation_sms_confirms_it()
    {
        var created = await app.BookAsync("montclair-mairie", "2026-12-22");
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        const string sid = "SMreplyannuler0001";

        var answer = await SmsApp.TwiMlAnswerAsync(await app.ReplyAsync("+33612345678", $"annuler {created.Code}", sid));

        Assert.Null(answer);   // the cancellation SMS from the outbox is the confirmation
        var stored = await app.WithDbAsync(db => db.Appointments.AsNoTracking().SingleAsync(a => a.Id == created.Id));
        Assert.Equal((AppointmentStatus.Cancelled, "citizen"), (stored.Status, stored.CancelledBy));
        Assert.Equal([MessageKind.Confirmation, MessageKind.Cancellation], (await app.OutboxAsync(created.Id)).Select(m => m.Kind));
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        var confirmation = app.SmsAbout(created.Code).Last()["Body"];
        Assert.Contains("annulé comme demandé", confirmation);
        Assert.Equal(SmsAlphabet.Gsm7, SmsEncoding.Analyze(confirmation).Alphabet);
        // The slot is free again at once.
        var slots = await app.SlotsAsync(site: "montclair-mairie", from: "2026-12-22", to: "2026-12-22");
        Assert.Contains(slots, s => s.Start == created.Start);
        // The same reply delivered twice by Twilio does nothing more.
        Assert.Null(await SmsApp.TwiMlAnswerAsync(await app.ReplyAsync("+33612345678", $"annuler {created.Code}", sid)));
        Assert.Equal(2, (await app.OutboxAsync(created.Id)).Count);
    }

    [Fact]
    public async Task Annuler_from_another_number_or_with_a_bad_code_cancels_nothing_and_says_so()
    {
        var created = await app.BookAsync("montclair-mairie", "2026-12-23");

        var other = await SmsApp.TwiMlAnswerAsync(await app.ReplyAsync("+33698765432", $"ANNULER {created.Code}"));
        var bad = await SmsApp.TwiMlAnswerAsync(await app.ReplyAsync("+33612345678", "ANNULER 12"));
        var help = await SmsApp.TwiMlAnswerAsync(await app.ReplyAsync("+33612345678", "Bonjour, je serai en retard"));

        Assert.Equal(SmsEncoding.ToGsmSafe(SmsTexts.UnknownCode), other);
        Assert.Equal(SmsEncoding.ToGsmSafe(SmsTexts.UnknownCode), bad);
        Assert.Equal(SmsEncoding.ToGsmSafe(SmsTexts.Help), help);
        Assert.Equal(AppointmentStatus.Booked, await app.WithDbAsync(db => db.Appointments.Where(a => a.Id == created.Id).Select(a => a.Status).SingleAsync()));
        // Unsigned replies are refused before anything is read.
        var unsigned = await app.Client.PostAsync("/sms/inbound/twilio", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["From"] = "+33612345678", ["Body"] = $"ANNULER {created.Code}" }));
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Equal(AppointmentStatus.Booked, await app.WithDbAsync(db => db.Appointments.Where(a => a.Id == created.Id).Select(a => a.Status).SingleAsync()));
    }

    [Fact]
    public async Task A_landline_is_refused_for_sms_with_a_message_that_offers_email_or_a_call()
    {
        var slot = (await app.SlotsAsync(site: "lorval-hotel-de-ville", from: "2026-12-22", to: "2026-12-22")).First();
        var answer = await app.BookAsync(GuichetApp.Booking(slot, email: null, phone: "02 43 98 12 00"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.StatusCode);
        var problem = await Answers.ProblemAsync(answer);
        var phone = problem.GetProperty("errors").GetProperty("phone")[0].GetString()!;
        Assert.Equal(BookingRules.LandlineRefused, phone);
        Assert.Contains("adresse e-mail", phone);
        Assert.Contains("appelez la mairie", phone);

        // At the counter an agent may note a landline; no SMS is queued and the page says why.
        using var browser = new Browser(app);
        await browser.SignInAsync("accueil@lorval.demo");
        var list = await browser.GetAsync("/agent/reserver?site=lorval-hotel-de-ville&reason=CNI&persons=1&channel=Phone&date=2026-12-24");
        var form = await browser.GetAsync(list.Links("ul.slots a").First().GetAttribute("href")!);
        var sent = await browser.SubmitAsync(form, values: new Dictionary<string, string?> { ["firstName"] = "Yvonne", ["lastName"] = "Le Floch", ["phone"] = "02 43 00 00 00" });
        var id = Regex.Match(sent.Location!, "^/agent/rendez-vous/([0-9a-f]{32})$").Groups[1].Value;
        Assert.Empty(await app.OutboxAsync(id));
        var page = await browser.GetAsync(sent.Location!);
        Assert.Contains("Ce numéro n'est pas un portable : aucun SMS ne lui est envoyé.", page.Text);
    }

    [Fact]
    public async Task The_agent_sees_each_message_its_channel_time_and_delivery_and_another_organisation_sees_nothing()
    {
        var created = await app.BookAsync("lorval-hotel-de-ville", "2026-12-28", email: "camille.martin@exemple.fr");
        await app.Dispatcher.RunOnceAsync(CancellationToken.None);
        var sid = (await app.OutboxAsync(created.Id)).Single().ProviderReference!["twilio:".Length..];
        await app.ReportAsync(sid, "delivered");

        using var lorval = new Browser(app);
        await lorval.SignInAsync("accueil@lorval.demo");
        var page = await lorval.GetAsync($"/agent/rendez-vous/{created.Id}");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        var rows = page.Document.QuerySelectorAll("table.messages tbody tr")
            .Select(r => r.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray()).ToList();
        Assert.Equal(4, rows.Count);   // the SMS and e-mail confirmations, and both reminders waiting for their time
        var sms = Assert.Single(rows, r => r[1] == "SMS" && r[2].StartsWith("Confirmation", StringComparison.Ordinal));
        Assert.Equal(["Confirmation (2 SMS)", "Envoyé", "Remis au téléphone"], sms[2..]);
        var sentUtc = (await app.OutboxAsync(created.Id)).Single().SentUtc!.Value;
        Assert.Equal(Guichet.Web.Platform.FrenchDates.DayAndTime(sentUtc.AddHours(1)), sms[0]);   // when it went, in Paris time
        var mail = Assert.Single(rows, r => r[1] == "E-mail" && r[2] == "Confirmation");
        Assert.Equal(["Confirmation", "Envoyé", "—"], mail[2..]);
        Assert.Single(rows, r => r[1] == "E-mail" && r[2] == "Rappel");
        Assert.Single(rows, r => r[1] == "SMS" && r[2].StartsWith("Rappel", StringComparison.Ordinal) && r[3] == "En attente d'envoi");

        using var montclair = new Browser(app);
        await montclair.SignInAsync("accueil@montclair.demo");
        var foreign = await montclair.GetAsync($"/agent/rendez-vous/{created.Id}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.Status);
        Assert.DoesNotContain("Remis au téléphone", foreign.Html);
        Assert.DoesNotContain(created.Code, foreign.Html);
    }

    [Fact]
    public async Task A_mobile_gets_its_reminder_by_sms_when_it_is_due_and_not_before_and_never_after_stop()
    {
        var created = await app.BookAsync("lorval-hotel-de-ville", "2026-12-30", phone: "06 98 76 54 32");
        var reminder = await app.WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.AppointmentId == created.Id && m.Kind == MessageKind.Reminder));
        Assert.Equal((MessageChannel.Sms, "+33698765432", MessageStatus.Pending), (reminder.Channel, reminder.Recipient, reminder.Status));
        // 48 hours before, or earlier to fall inside the 09:00–19:00 window of Lorval.
        Assert.InRange(created.Start.UtcDateTime - reminder.ScheduledUtc, TimeSpan.FromHours(48), TimeSpan.FromHours(62));
        Assert.Contains($"Rappel : RDV le ", reminder.Body);
        Assert.Contains($"Code {created.Code}", reminder.Body);
        Assert.Equal(SmsAlphabet.Gsm7, SmsEncoding.Analyze(reminder.Body).Alphabet);

        try
        {
            app.Clock.Set(reminder.ScheduledUtc.AddSeconds(-1));
            await app.Dispatcher.RunOnceAsync(CancellationToken.None);
            Assert.Single(app.SmsAbout(created.Code));   // the confirmation only
            app.Clock.Set(reminder.ScheduledUtc);
            await app.Dispatcher.RunOnceAsync(CancellationToken.None);
            await app.Dispatcher.RunOnceAsync(CancellationToken.None);
            var sent = app.SmsAbout(created.Code);
            Assert.Equal(2, sent.Count);
            Assert.StartsWith("Rappel : RDV le ", sent[1]["Body"]);

            // The same for a number that answered STOP in between: the reminder is refused, never sent.
            app.Clock.Set(GuichetApp.Start);
            var other = await app.BookAsync("lorval-hotel-de-ville", "2026-12-30", phone: "07 55 44 33 22", index: 1);
            await SmsApp.TwiMlAnswerAsync(await app.ReplyAsync("+33755443322", "STOP"));
            var due = await app.WithDbAsync(db => db.OutboxMessages.Where(m => m.AppointmentId == other.Id && m.Kind == MessageKind.Reminder).Select(m => m.ScheduledUtc).SingleAsync());
            app.Clock.Set(due);
            await app.Dispatcher.RunOnceAsync(CancellationToken.None);
            Assert.DoesNotContain(app.SmsAbout(other.Code), f => f["Body"].StartsWith("Rappel", StringComparison.Ordinal));
        }
        finally
        {
            app.Clock.Set(GuichetApp.Start);
        }
    }
}
