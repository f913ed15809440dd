using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform.Sms;
using Guichet.Web.Tests.Support;

namespace Guichet.Web.Tests;

/// <summary>Each SMS adapter against a local fake provider over real HTTP, checking the wire format of reference/sms-email.md.</summary>
public sealed class SmsGatewayTests
{
    private const string Text = "RDV confirmé le mardi 15 décembre à 9h30, Hotel de ville de Lorval. Code 12345678.";
    private static readonly AppOptions Self = new() { PublicBaseUrl = "https://rdv.lorval.test" };

    [Fact]
    public async Task Twilio_gets_a_basic_authenticated_form_post_with_the_status_callback_and_its_sid_comes_back()
    {
        await using var fake = await FakeHttpServer.StartAsync(_ => (201, """{"sid":"SM0123456789abcdef","status":"queued","num_segments":"1"}"""));
        var options = new SmsOptions { Provider = SmsProvider.Twilio, Sender = "LORVAL", Twilio = { BaseUrl = fake.BaseUrl, AccountSid = "AC42", AuthToken = "jeton-secret" } };
        using var http = new HttpClient();

        var accepted = await new TwilioSmsGateway(http, options, Self).SendAsync(new OutgoingSms("+33612345678", Text, "msg-1"), CancellationToken.None);

        Assert.Equal(new SmsAccepted("SM0123456789abcdef", 1), accepted);
        var request = Assert.Single(fake.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/Accounts/AC42/Messages.json", request.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("AC42:jeton-secret")), request.Header("Authorization"));
        Assert.StartsWith("application/x-www-form-urlencoded", request.Header("Content-Type"));
        var form = request.Form();
        Assert.Equal("+33612345678", form["To"]);
        Assert.Equal("LORVAL", form["From"]);
        Assert.Equal(Text, form["Body"]);
        Assert.Equal("https://rdv.lorval.test/sms/dlr/twilio", form["StatusCallback"]);
        Assert.False(form.ContainsKey("MessagingServiceSid"));
    }

    [Fact]
    public async Task Twilio_uses_the_messaging_service_instead_of_from_and_the_api_key_when_they_are_set()
    {
        await using var fake = await FakeHttpServer.StartAsync(_ => (201, """{"sid":"SM1","num_segments":2}"""));
        var options = new SmsOptions { Twilio = { BaseUrl = fake.BaseUrl, AccountSid = "AC42", AuthToken = "t", ApiKeySid = "SK9", ApiKeySecret = "s3cr3t", MessagingServiceSid = "MG7" } };
        using var http = new HttpClient();

        var accepted = await new TwilioSmsGateway(http, options, Self).SendAsync(new OutgoingSms("+262692123456", Text, "msg-2"), CancellationToken.None);

        Assert.Equal(2, accepted.Segments);
        var request = Assert.Single(fake.Requests);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("SK9:s3cr3t")), request.Header("Authorization"));
        var form = request.Form();
        Assert.Equal("MG7", form["MessagingServiceSid"]);
        Assert.False(form.ContainsKey("From"));
    }

    [Fact]
    public async Task Brevo_gets_its_api_key_and_a_transactional_json_with_the_number_without_plus()
    {
        await using var fake = await FakeHttpServer.StartAsync(_ => (201, """{"reference":"ab1","messageId":1511882900176220,"smsCount":1,"usedCredits":1,"remainingCredits":99}"""));
        var options = new SmsOptions
        {
            Provider = SmsProvider.Brevo, Sender = "MAIRIE", WebhookSecret = new string('s', 32),
            Brevo = { BaseUrl = fake.BaseUrl + "/v3", ApiKey = "xkeysib-123" },
        };
        using var http = new HttpClient();

        var accepted = await new BrevoSmsGateway(http, options, Self).SendAsync(new OutgoingSms("+33612345678", Text, "msg-3"), CancellationToken.None);

        Assert.Equal(new SmsAccepted("1511882900176220", 1), accepted);
        var request = Assert.Single(fake.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v3/transactionalSMS/send", request.Path);
        Assert.Equal("xkeysib-123", request.Header("api-key"));
        Assert.StartsWith("application/json", request.Header("Content-Type"));
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("MAIRIE", body.GetProperty("sender").GetString());
        Assert.Equal("33612345678", body.GetProperty("recipient").GetString());
        Assert.Equal(Text, body.GetProperty("content").GetString());
        Assert.Equal("transactional", body.GetProperty("type").GetString());
        Assert.False(body.GetProperty("unicodeEnabled").GetBoolean());
        Assert.Equal("https://rdv.lorval.test/sms/dlr/brevo/" + new string('s', 32), body.GetProperty("webUrl").GetString());
        Assert.Equal("msg-3", body.GetProperty("tag").GetString());
    }

    [Fact]
    public async Task Brevo_is_told_unicode_when_the_text_needs_ucs2()
    {
        await using var fake = await FakeHttpServer.StartAsync(_ => (201, """{"messageId":7}"""));
        var options = new SmsOptions { Brevo = { BaseUrl = fake.BaseUrl, ApiKey = "k" } };
        using var http = new HttpClient();
        await new BrevoSmsGateway(http, options, Self).SendAsync(new OutgoingSms("+33612345678", "Hôtel de ville", "m"), CancellationToken.None);
        var body = JsonDocument.Parse(Assert.Single(fake.Requests).Body).RootElement;
        Assert.True(body.GetProperty("unicodeEnabled").GetBoolean());
        Assert.False(body.TryGetProperty("webUrl", out _));   // no secret, no webhook to give
    }

    [Fact]
    public async Task Ovh_signs_each_call_with_its_own_server_time_asked_once_and_sends_a_transactional_job()
    {
        const long serverTime = 1_764_655_200;   // OVH's clock, 7 minutes ahead of ours
        await using var fake = await FakeHttpServer.StartAsync(r => r.Path switch
        {
            "/1.0/auth/time" => (200, serverTime.ToString(CultureInfo.InvariantCulture)),
            "/1.0/sms/sms-ab12345-1/jobs" => (200, """{"totalCreditsRemoved":1,"invalidReceivers":[],"ids":[262146895],"validReceivers":["+33612345678"],"tag":"msg-4"}"""),
            _ => (404, "{}"),
        });
        var clock = new FakeClock(DateTimeOffset.FromUnixTimeSeconds(serverTime - 420));
        var options = new SmsOptions
        {
            Provider = SmsProvider.Ovh, Sender = "MAIRIE",
            Ovh = { BaseUrl = fake.BaseUrl + "/1.0", ApplicationKey = "7kbG7Bk7S9Nt7ZSV", ApplicationSecret = "EXEgWIz07P0HYwtQDs7cNIqCiQaWSuHF", ConsumerKey = "MtSwSrPpNjqfVSmJhLbPyr2i45lSwPU1", ServiceName = "sms-ab12345-1" },
        };
        using var http = new HttpClient();
        var gateway = new OvhSmsGateway(http, options, clock);

        var first = await gateway.SendAsync(new OutgoingSms("+33612345678", Text, "msg-4"), CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(30));
        await gateway.SendAsync(new OutgoingSms("+33612345678", Text, "msg-5"), CancellationToken.None);

        Assert.Equal("262146895", first.ProviderId);
        Assert.Equal(1, first.Segments);
        Assert.Single(fake.Requests, r => r.Path == "/1.0/auth/time");
        var jobs = fake.Requests.Where(r => r.Path.EndsWith("/jobs", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, jobs.Count);
        var url = fake.BaseUrl + "/1.0/sms/sms-ab12345-1/jobs";
        foreach (var (job, timestamp) in jobs.Zip(new[] { serverTime, serverTime + 30 }))
        {
            Assert.Equal("POST", job.Method);
            Assert.Equal("7kbG7Bk7S9Nt7ZSV", job.Header("X-Ovh-Application"));
            Assert.Equal("MtSwSrPpNjqfVSmJhLbPyr2i45lSwPU1", job.Header("X-Ovh-Consumer"));
            Assert.Equal(timestamp.ToString(CultureInfo.InvariantCulture), job.Header("X-Ovh-Timestamp"));
            // "$1$" + hex SHA-1 of AS+CK+METHOD+URL+BODY+TIMESTAMP, over the body exactly as it went on the wire.
            var expected = "$1$" + Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(
                $"EXEgWIz07P0HYwtQDs7cNIqCiQaWSuHF+MtSwSrPpNjqfVSmJhLbPyr2i45lSwPU1+POST+{url}+{job.Body}+{timestamp}")));
            Assert.Equal(expected, job.Header("X-Ovh-Signature"));
        }
        var body = JsonDocument.Parse(jobs[0].Body).RootElement;
        Assert.Equal(Text, body.GetProperty("message").GetString());
        Assert.Equal(["+33612345678"], body.GetProperty("receivers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("MAIRIE", body.GetProperty("sender").GetString());
        Assert.True(body.GetProperty("noStopClause").GetBoolean());
        Assert.False(body.GetProperty("senderForResponse").GetBoolean());
        Assert.Equal("UTF-8", body.GetProperty("charset").GetString());
        Assert.Equal("7bit", body.GetProperty("coding").GetString());
        Assert.Equal("high", body.GetProperty("priority").GetString());
        Assert.Equal(2880, body.GetProperty("validityPeriod").GetInt32());
        Assert.Equal(0, body.GetProperty("differedPeriod").GetInt32());
        Assert.Equal("phoneDisplay", body.GetProperty("class").GetString());
        Assert.Equal("msg-4", body.GetProperty("tag").GetString());
    }

    [Fact]
    public async Task Ovh_refusing_the_receiver_is_a_permanent_failure_and_sender_for_response_drops_the_sender()
    {
        await using var fake = await FakeHttpServer.StartAsync(r => r.Path.EndsWith("/auth/time", StringComparison.Ordinal)
            ? (200, "1764655200")
            : (200, """{"totalCreditsRemoved":0,"invalidReceivers":["+33612345678"],"ids":[],"validReceivers":[]}"""));
        var options = new SmsOptions { Ovh = { BaseUrl = fake.BaseUrl, ApplicationKey = "a", ApplicationSecret = "b", ConsumerKey = "c", ServiceName = "sms-x", SenderForResponse = true } };
        using var http = new HttpClient();

        var e = await Assert.ThrowsAsync<SmsNotSentException>(() =>
            new OvhSmsGateway(http, options, new FakeClock(GuichetApp.Start)).SendAsync(new OutgoingSms("+33612345678", "ô", "m"), CancellationToken.None));

        Assert.True(e.Permanent);
        Assert.DoesNotContain("612345678", e.Message);
        var body = JsonDocument.Parse(fake.Requests.Last().Body).RootElement;
        Assert.False(body.TryGetProperty("sender", out _));
        Assert.True(body.GetProperty("senderForResponse").GetBoolean());
        Assert.Equal("8bit", body.GetProperty("coding").GetString());
    }

    [Theory]
    [InlineData(503, false)]
    [InlineData(429, false)]
    [InlineData(401, false)]   // wrong keys: fixed by an administrator, then the waiting messages go
    [InlineData(400, true)]
    [InlineData(404, true)]
    public async Task A_refusal_is_not_sent_temporary_or_permanent_by_status_and_never_quotes_the_number(int status, bool permanent)
    {
        await using var fake = await FakeHttpServer.StartAsync(_ => (status, """{"code":21211,"message":"The 'To' number +33612345678 is not a valid phone number.","status":400}"""));
        var options = new SmsOptions { Twilio = { BaseUrl = fake.BaseUrl, AccountSid = "AC1", AuthToken = "t" } };
        using var http = new HttpClient();

        var e = await Assert.ThrowsAsync<SmsNotSentException>(() =>
            new TwilioSmsGateway(http, options, Self).SendAsync(new OutgoingSms("+33612345678", Text, "m"), CancellationToken.None));

        Assert.Equal(permanent, e.Permanent);
        Assert.Contains("21211", e.Message);
        Assert.DoesNotContain("612345678", e.Message);
        Assert.True(Answers.LooksFrench(e.Message), e.Message);
    }

    [Fact]
    public async Task A_provider_that_refuses_connections_is_temporarily_not_sent()
    {
        var fake = await FakeHttpServer.StartAsync();
        var url = fake.BaseUrl;
        await fake.StopAsync();
        var options = new SmsOptions { Brevo = { BaseUrl = url, ApiKey = "k" } };
        using var http = new HttpClient();

        var e = await Assert.ThrowsAsync<SmsNotSentException>(() =>
            new BrevoSmsGateway(http, options, Self).SendAsync(new OutgoingSms("+33612345678", Text, "m"), CancellationToken.None));
        Assert.False(e.Permanent);
    }

    [Fact]
    public async Task A_provider_that_never_answers_leaves_the_outcome_unknown_after_the_deadline()
    {
        await using var fake = await FakeHttpServer.StartAsync(_ => (0, ""));
        var options = new SmsOptions { TimeoutSeconds = 1, Twilio = { BaseUrl = fake.BaseUrl, AccountSid = "AC1", AuthToken = "t" } };
        using var http = new HttpClient();

        // Not SmsNotSentException: the provider may hold the message, so the outbox must not send it again.
        await Assert.ThrowsAsync<TimeoutException>(() =>
            new TwilioSmsGateway(http, options, Self).SendAsync(new OutgoingSms("+33612345678", Text, "m"), CancellationToken.None));
    }

    [Fact]
    public void The_twilio_signature_matches_the_documented_test_vector()
    {
        KeyValuePair<string, string>[] parameters =
        [
            new("CallSid", "CA1234567890ABCDE"), new("Caller", "+12349013030"), new("Digits", "1234"),
            new("From", "+12349013030"), new("To", "+18005551212"),
        ];
        const string url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        Assert.Equal("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", TwilioSignature.Compute("12345", url, parameters.Reverse()));
        Assert.True(TwilioSignature.IsValid("12345", url, parameters, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
        Assert.False(TwilioSignature.IsValid("12345", url, parameters, "0/KCTR6DLpKmkAf8muzZqo1nDgQ"));
        Assert.False(TwilioSignature.IsValid("12346", url, parameters, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
        Assert.False(TwilioSignature.IsValid("12345", url, parameters, null));
    }

    [Fact]
    public void Wrong_sms_settings_stop_the_app_with_french_messages()
    {
        var lease = TimeSpan.FromMinutes(5);
        Assert.Empty(new SmsOptions().Problems(production: false, lease));
        var problems = new SmsOptions { Provider = SmsProvider.Twilio, Sender = "MAIRIE DE LORVAL", TimeoutSeconds = 0, WebhookSecret = "court" }
            .Problems(production: true, lease).ToList();
        Assert.Contains(problems, p => p.StartsWith("Sms:Sender", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Sms:TimeoutSeconds", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Sms:WebhookSecret", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Sms:Twilio:AccountSid", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Sms:Twilio:AuthToken", StringComparison.Ordinal));
        Assert.All(problems, p => Assert.True(Answers.LooksFrench(p), p));
        Assert.Contains(new SmsOptions().Problems(production: true, lease), p => p.Contains("Development", StringComparison.Ordinal));
        Assert.Contains(new SmsOptions { Provider = SmsProvider.Ovh }.Problems(false, lease), p => p.StartsWith("Sms:Ovh:ApplicationKey", StringComparison.Ordinal));
        Assert.Contains(new SmsOptions { Provider = SmsProvider.Brevo }.Problems(false, lease), p => p.StartsWith("Sms:Brevo:ApiKey", StringComparison.Ordinal));
    }
}

/// <summary>The real app started with the given settings on top of the usual test ones.</summary>
public sealed class ConfiguredApp(Dictionary<string, string?> extra) : GuichetApp
{
    protected override IDictionary<string, string?> Settings =>
        new Dictionary<string, string?>(base.Settings).Concat(extra).ToDictionary(p => p.Key, p => p.Value);
}

public sealed class SmsStartupTests
{
    [Theory]
    [InlineData("Sms:Provider", "Orange", "Sms:Provider vaut « Orange »")]
    [InlineData("Sms:Provider", "Ovh", "Sms:Ovh:ApplicationKey est obligatoire")]
    [InlineData("Sms:Sender", "MAIRIE-DE-LORVAL", "Sms:Sender doit compter de 1 à 11")]
    [InlineData("Sms:TimeoutSeconds", "quinze", "La section Sms contient une valeur illisible")]
    public async Task A_wrong_sms_setting_stops_the_app_at_start_up_with_a_french_message(string key, string value, string expected)
    {
        var app = new ConfiguredApp(new() { [key] = value });
        var e = await Assert.ThrowsAnyAsync<Exception>(() => app.InitializeAsync());
        Assert.Contains(expected, e.ToString());
        // The host never started: its throwaway database must still go.
        try { await app.DisposeAsync(); }
        catch (Exception) { await app.Database.DisposeAsync(); }
    }
}
