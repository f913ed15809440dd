using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Xml.Linq;
using Guichet.Web.Features.Voice;
using Guichet.Web.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Guichet.Web.Tests.Isolation;

/// <summary>Every log line the app writes, whatever its category and level, with its exception and its structured values.</summary>
public sealed class LogCapture : ILoggerProvider
{
    public sealed record Line(string Category, LogLevel Level, string Text);

    private readonly ConcurrentQueue<Line> lines = new();
    public IReadOnlyList<Line> Lines => lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);
    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<Line> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder(formatter(state, exception));
            // The structured values too: a sink such as Seq or journald keeps them even when the message does not show them.
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var (key, value) in values) text.Append(" | ").Append(key).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture));
            if (exception is not null) text.Append(" | ").Append(exception);
            lines.Enqueue(new Line(category, logLevel, text.ToString()));
        }
    }
}

/// <summary>The requests app with every door open (e-mail, SMS and voice over Twilio, Open311) and its logs captured at Debug (EF Core at Warning).</summary>
public sealed class LoggedApp : RequestsApp, IAsyncLifetime
{
    public const string SmsToken = "jeton-twilio-sms-de-test";
    public const string VoiceToken = "12345";
    public const string Open311Key = "lorval-journal-0123456789abcdef";
    public const string RefusedNumber = "+33762534435";
    public LogCapture Logs { get; } = new();
    public FakeHttpServer Twilio { get; private set; } = null!;
    private int sids;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Mail:Inbound:Token"] = InboundApp.Token,
        ["Sms:Provider"] = "Twilio",
        ["Sms:Sender"] = "LORVAL",
        ["Sms:TimeoutSeconds"] = "5",
        ["Sms:WebhookSecret"] = "secret-des-webhooks-0123456789abcdef",
        ["Sms:Twilio:BaseUrl"] = Twilio.BaseUrl,
        ["Sms:Twilio:AccountSid"] = "AC0123456789",
        ["Sms:Twilio:AuthToken"] = SmsToken,
        ["Sms:Twilio:From"] = "+33939000000",
        ["Voice:Twilio:AuthToken"] = VoiceToken,
        ["Voice:FastAgi:Listen"] = "127.0.0.1:0",
        ["Open311:ApiKeys:0:Key"] = Open311Key,
        ["Open311:ApiKeys:0:Organisation"] = "mairie-lorval",
        ["Open311:ApiKeys:0:Client"] = "JournalDeBord",
        ["Open311:PostsPerMinute"] = "100000",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging =>
        {
            logging.AddProvider(Logs);
            logging.AddFilter<LogCapture>(null, LogLevel.Trace);
            logging.AddFilter<LogCapture>("Guichet", LogLevel.Debug);
            logging.AddFilter<LogCapture>("Microsoft.EntityFrameworkCore", LogLevel.Warning);
            // The app caps this category at Debug for every provider (the test checks the rule is there); a rule for this
            // provider alone would win over it, so the capture says the same.
            logging.AddFilter<LogCapture>(Guichet.Web.Platform.LogPrivacy.PageArgumentsCategory, LogLevel.Debug);
        });
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        // One number is refused with an error that quotes it, as Twilio does: the refusal must be logged without it.
        Twilio = await FakeHttpServer.StartAsync(r => r.Form().GetValueOrDefault("To") == RefusedNumber
            ? (400, $$"""{"code":21211,"message":"The 'To' number {{RefusedNumber}} is not a valid phone number.","status":400}""")
            : (201, $$"""{"sid":"SM{{Interlocked.Increment(ref sids):D6}}","status":"queued","num_segments":"1"}"""));
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Sink.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}

/// <summary>
/// No personal data in logs: a day of work through every door — bookings on the API and the web, requests by form, e-mail,
/// SMS, Open311 and voice message, notifications sent by e-mail and SMS, agents reading them — and not one log line carries
/// a name, an e-mail, a phone number (in any of its spellings) or a pre-request number that was used.
/// </summary>
public sealed class LogScanTests(LoggedApp app, ITestOutputHelper output) : IClassFixture<LoggedApp>
{
    [Fact]
    public async Task No_log_line_carries_a_name_an_email_a_phone_or_a_pre_request_number_of_a_citizen()
    {
        var secrets = new List<string>();
        void Phone(string national)   // "06 71 82 93 04": every spelling a log could use
        {
            var digits = national.Replace(" ", "", StringComparison.Ordinal);
            secrets.AddRange([national, digits, "+33" + digits[1..], "+33 " + national[1..], digits[1..], national.Replace(' ', '.')]);
        }

        // 1. A booking on the API, with a pre-request number.
        secrets.AddRange(["Philomene", "Zwirbelstein", "philomene.zwirbelstein@exemple.fr", "ZW4K7Q2M9T"]);
        Phone("06 71 82 93 04");
        var slot = (await app.SlotsAsync(site: "lorval-hotel-de-ville", from: "2026-12-09", to: "2026-12-09")).First();
        var api = await app.BookAsync(new
        {
            site = slot.Site, reason = "CNI", start = slot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture), persons = 1,
            firstName = "Philomene", lastName = "Zwirbelstein", email = "philomene.zwirbelstein@exemple.fr", phone = "06 71 82 93 04", preRequestNumbers = new[] { "ZW4K7Q2M9T" },
        });
        Assert.True(api.StatusCode == HttpStatusCode.Created, await api.Content.ReadAsStringAsync());
        var booked = (await api.Content.ReadFromJsonAsync<ApiCreated>(GuichetApp.Json))!;

        // 2. A booking on the web pages, at another town hall.
        secrets.AddRange(["Gaspardine", "Okonkwobrac", "gaspardine.okonkwobrac@exemple.fr", "GB8N3R5V1X"]);
        Phone("07 62 53 44 35");
        var webSlot = (await app.SlotsAsync(site: "saint-aubin-mairie")).First();
        using (var citizen = new Browser(app))
        {
            var contact = await citizen.GetAsync("/rendez-vous/coordonnees?site=saint-aubin-mairie&reason=CNI&persons=1&pre=1&start="
                + Uri.EscapeDataString(webSlot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture)));
            Assert.Equal(HttpStatusCode.OK, contact.Status);
            var sent = await citizen.SubmitAsync(contact, values: new Dictionary<string, string?>
            {
                ["firstName"] = "Gaspardine", ["lastName"] = "Okonkwobrac", ["email"] = "gaspardine.okonkwobrac@exemple.fr", ["phone"] = "07 62 53 44 35",
                ["preRequestNumbers"] = "GB8N3R5V1X",
            });
            Assert.True(sent.Status == HttpStatusCode.Redirect, $"{sent.Status}: {sent.Text}");
            await citizen.FollowAsync(sent);
        }

        // 3. A request on the web form, with a photo.
        secrets.AddRange(["Ermengarde", "Tchoubakov", "ermengarde.tchoubakov@exemple.fr"]);
        Phone("06 13 24 35 46");
        string webRequestCode;
        using (var citizen = new Browser(app))
        {
            var values = RequestsApp.Voirie(lastName: "Tchoubakov", email: "ermengarde.tchoubakov@exemple.fr", phone: "06 13 24 35 46");
            values["firstName"] = "Ermengarde";
            var sent = await RequestsApp.SendAsync(citizen, "lorval-voirie", values, ("photo.png", "image/png", RequestsApp.Png));
            Assert.Equal(HttpStatusCode.OK, sent.Status);
            webRequestCode = RequestsApp.CodeOn(sent);
        }

        // 4. A request by e-mail.
        secrets.AddRange(["Aurelien", "Pfisterberg", "aurelien.pfisterberg@exemple.fr"]);
        Phone("06 98 87 76 65");
        var mail = $"""
            From: Aurelien Pfisterberg <aurelien.pfisterberg@exemple.fr>
            To: "Mairie de Lorval" <demandes@lorval.demo>
            Subject: Poubelles non ramassees
            Date: Mon, 30 Nov 2026 07:54:12 +0100
            Message-ID: <journal-{Guid.NewGuid():N}@exemple.fr>
            MIME-Version: 1.0
            Content-Type: text/plain; charset="utf-8"

            Bonjour, les poubelles de la rue des Lilas n'ont pas ete ramassees. Rappelez-moi au 06 98 87 76 65.
            Aurelien Pfisterberg
            """;
        var request = new HttpRequestMessage(HttpMethod.Post, "/inbound/email?recipient=demandes%40lorval.demo")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(mail.ReplaceLineEndings("\r\n"))),
        };
        request.Content.Headers.ContentType = new("message/rfc822");
        request.Headers.Authorization = new("Bearer", InboundApp.Token);
        var emailed = await app.Client.SendAsync(request);
        Assert.True(emailed.StatusCode == HttpStatusCode.Created, await emailed.Content.ReadAsStringAsync());

        // 5. A request by SMS, from the number Lorval wrote to for the API booking.
        var sms = new Dictionary<string, string>
        {
            ["AccountSid"] = "AC0123456789", ["From"] = "+33671829304", ["To"] = "+33939000000", ["Body"] = "Bonjour, ici Philomene Zwirbelstein, le lampadaire est casse",
            ["MessageSid"] = "SMin" + Guid.NewGuid().ToString("N"), ["NumMedia"] = "0",
        };
        var smsPost = new HttpRequestMessage(HttpMethod.Post, "/sms/inbound/twilio") { Content = new FormUrlEncodedContent(sms) };
        smsPost.Headers.Add(Guichet.Web.Platform.Sms.TwilioSignature.Header, Guichet.Web.Platform.Sms.TwilioSignature.Compute(LoggedApp.SmsToken, RequestsApp.BaseUrl + "/sms/inbound/twilio", sms));
        Assert.Equal(HttpStatusCode.OK, (await app.Client.SendAsync(smsPost)).StatusCode);

        // 6. A request through Open311.
        secrets.AddRange(["Leocadie", "Marchettivuong", "leocadie.marchettivuong@exemple.fr"]);
        Phone("06 57 68 79 80");
        var open311 = await new Open311Client(app.Client).PostAsync("requests", "json", new Dictionary<string, string>
        {
            ["api_key"] = LoggedApp.Open311Key, ["jurisdiction_id"] = "mairie-lorval", ["service_code"] = "lorval-voirie", ["lat"] = "48.0699", ["long"] = "-0.7728",
            ["address_string"] = "12 rue de la Gare, Lorval", ["description"] = "Un trou profond devant le numero 12.",
            ["first_name"] = "Leocadie", ["last_name"] = "Marchettivuong", ["email"] = "leocadie.marchettivuong@exemple.fr", ["phone"] = "06 57 68 79 80",
            ["attribute[champ1]"] = "Nid-de-poule",
        });
        Assert.True(open311.Status == HttpStatusCode.Created, open311.Body);

        // 7. A call to the voice server (TwiML): the menu, silence, then a message left with the caller's number.
        Phone("06 45 36 27 18");
        var from = "+33645362718";
        var call = await VoiceAsync("/voice/twilio/incoming?organisation=mairie-lorval", Call("CAjournal", from));
        for (var i = 0; i < 3; i++) call = await VoiceAsync(call.Element("Gather")!.Attribute("action")!.Value, Call("CAjournal", from));
        var done = await VoiceAsync(call.Element("Record")!.Attribute("action")!.Value, Call("CAjournal", from, new()
        {
            ["RecordingUrl"] = "https://api.twilio.com/2010-04-01/Accounts/AC0000/Recordings/REjournal", ["RecordingDuration"] = "21", ["RecordingSid"] = "REjournal",
        }));
        Assert.NotNull(done.Element("Hangup"));
        await VoiceAsync("/voice/twilio/status", Call("CAjournal", from, new() { ["CallStatus"] = "completed", ["CallDuration"] = "40" }));

        // 7b. A call over FastAGI that books an identity card with the number called from.
        Phone("06 23 34 45 56");
        secrets.Add("Jeanne Martin");   // the caller-id name Asterisk passes
        var agiServer = await app.Services.GetRequiredService<FastAgiServer>().EndPointAsync ?? throw new InvalidOperationException("FastAGI door not listening");
        await using (var agi = await Voice.FakeAsterisk.CallAsync(agiServer, "1700000077.1", callerId: "0623344556"))
        {
            Assert.Equal("ANSWER", await agi.NextAsync());
            await agi.ReplyAsync("200 result=0");
            foreach (var key in new[] { "1", "1", "1", "1" }) await agi.TypeAsync(key);   // book, identity card, one person, the earliest slot
            Assert.StartsWith("STREAM FILE", await agi.NextAsync());
            await agi.ReplyAsync("200 result=0 endpos=100");
            await agi.TypeAsync("1");   // confirm the slot
            await agi.TypeAsync("1");   // keep the number called from
            Assert.Equal("HANGUP", await agi.PlayUntilAsync("HANGUP"));
            await agi.ReplyAsync("200 result=1");
            Assert.True(await agi.ClosedByServerAsync());
        }
        Assert.True(await app.WithDbAsync(db => Task.FromResult(db.Appointments.Any(a => a.Phone == "+33623344556"))));

        // 8. Notifications go out: confirmations and acknowledgements by e-mail (the SMTP sink) and SMS (the fake Twilio).
        while (await app.Dispatcher.RunOnceAsync(CancellationToken.None) > 0) { }
        Assert.Contains(app.Sink.Messages, m => m.To.Contains("philomene.zwirbelstein@exemple.fr"));
        Assert.Contains(app.Twilio.Requests, r => r.Path.EndsWith("/Messages.json", StringComparison.Ordinal));
        Assert.Contains(app.Twilio.Requests, r => r.Form().GetValueOrDefault("To") == LoggedApp.RefusedNumber);
        Assert.Contains(app.Logs.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("not sent", StringComparison.Ordinal));

        // 9. Agents read and answer: the agenda, the appointment, the request, a reply, and the data-rights search by e-mail.
        using (var agent = new Browser(app))
        {
            await agent.SignInAsync("admin@lorval.demo");
            Assert.Contains("ZWIRBELSTEIN", (await agent.GetAsync("/agent?site=lorval-hotel-de-ville&date=2026-12-09")).Text, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync($"/agent/rendez-vous/{booked.Id}")).Status);
            var id = await app.WithDbAsync(db => Task.FromResult(db.CitizenRequests.Where(r => r.TrackingCode == webRequestCode).Select(r => r.Id).Single()));
            var detail = await agent.GetAsync($"/agent/demandes/{id}");
            Assert.Contains("Tchoubakov", detail.Text);
            var replied = await agent.SubmitAsync(detail, "form#repondre", new Dictionary<string, string?> { ["reply"] = "Bonjour Ermengarde Tchoubakov, l'équipe passe demain." });
            Assert.True((int)replied.Status < 400, $"{replied.Status}: {replied.Text}");
            var rights = await agent.GetAsync("/admin/demandes/donnees");
            var found = await agent.SubmitAsync(rights, rights.Form("main form[method=post]"), new Dictionary<string, string?> { ["email"] = "ermengarde.tchoubakov@exemple.fr" });
            Assert.True((int)found.Status < 500, found.Text);
        }
        while (await app.Dispatcher.RunOnceAsync(CancellationToken.None) > 0) { }

        // Every door did file its request, so the scan below covers their code paths.
        var channels = await app.WithDbAsync(db => Task.FromResult(db.CitizenRequests.Select(r => r.Channel).Distinct().ToList()));
        foreach (var channel in new[] { Guichet.Domain.Requests.RequestChannel.Web, Guichet.Domain.Requests.RequestChannel.Email, Guichet.Domain.Requests.RequestChannel.Sms,
                     Guichet.Domain.Requests.RequestChannel.Open311, Guichet.Domain.Requests.RequestChannel.Voice })
            Assert.Contains(channel, channels);

        // Razor Pages' Trace line with the handler's arguments is capped by the app itself, whatever the configuration says.
        var rules = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<LoggerFilterOptions>>().Value.Rules;
        Assert.Contains(rules, r => r.ProviderName is null && r.CategoryName == Guichet.Web.Platform.LogPrivacy.PageArgumentsCategory && r.LogLevel == LogLevel.Debug);

        var lines = app.Logs.Lines;
        foreach (var line in lines.Where(l => l.Category.StartsWith("Guichet", StringComparison.Ordinal))) output.WriteLine($"[{line.Level} {line.Category}] {line.Text}");
        Assert.Contains(lines, l => l.Category.StartsWith("Guichet", StringComparison.Ordinal));   // the capture does see the app's own lines
        var leaks = (from line in lines
                     from secret in secrets.Distinct()
                     where line.Text.Contains(secret, StringComparison.OrdinalIgnoreCase)
                     select $"[{line.Level} {line.Category}] « {secret} » in: {line.Text}").Distinct().ToList();
        output.WriteLine($"{lines.Count} log lines scanned ({lines.Count(l => l.Category.StartsWith("Guichet", StringComparison.Ordinal))} from Guichet.*), "
            + $"{secrets.Distinct().Count()} personal strings looked for.");
        Assert.True(leaks.Count == 0, string.Join("\n", leaks.Take(40)));
    }

    private async Task<XElement> VoiceAsync(string path, Dictionary<string, string> form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", TwilioSignature.Compute(LoggedApp.VoiceToken, "http://localhost" + path, form.Select(f => (f.Key, f.Value))));
        var answer = await app.Client.SendAsync(request);
        Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{path}: {answer.StatusCode}");
        var body = await answer.Content.ReadAsStringAsync();
        return body.Length == 0 ? new XElement("Response") : XDocument.Parse(body).Root!;
    }

    private static Dictionary<string, string> Call(string sid, string from, Dictionary<string, string>? more = null)
    {
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = sid, ["AccountSid"] = "AC0000", ["From"] = from, ["To"] = "+33299000000", ["CallStatus"] = "in-progress", ["Direction"] = "inbound",
        };
        foreach (var (k, v) in more ?? []) form[k] = v;
        return form;
    }
}
