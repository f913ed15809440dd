using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Guichet.Web.Features.Voice;
using Guichet.Web.Tests.Support;
using Guichet.Web.Tests.Voice;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Guichet.Web.Tests;

/// <summary>Every public door open at once: mail to a sink, the e-mail door, Open311, the ANTS hub, SMS webhooks, Twilio and FastAGI.</summary>
public sealed class HostileApp : RequestsApp
{
    public const string MailToken = "jeton-de-test-du-serveur-de-messagerie-hostile-0123";
    public const string Open311Key = "lorval-hostile-0123456789abcdef";
    public const string HubToken = "jeton-du-hub-ants-hostile-0123456789";
    public const string SmsSecret = "secret-des-webhooks-hostiles-0123456789ab";
    public const string TwilioToken = "jeton-twilio-voix-hostile";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Mail:Inbound:Token"] = MailToken,
        ["Open311:ApiKeys:0:Key"] = Open311Key,
        ["Open311:ApiKeys:0:Organisation"] = "mairie-lorval",
        ["Open311:ApiKeys:0:Client"] = "Fuzz",
        ["Open311:PostsPerMinute"] = "100000",
        ["Ants:HubToken"] = HubToken,
        ["Ants:HubCacheDuration"] = "00:00:00",
        ["Ants:SyncEnabled"] = "false",
        ["Sms:Provider"] = "Development",
        ["Sms:WebhookSecret"] = SmsSecret,
        ["Voice:FastAgi:Listen"] = "127.0.0.1:0",
        ["Voice:Twilio:AuthToken"] = TwilioToken,
    };

    public async Task<IPEndPoint> FastAgiAsync() =>
        await Services.GetRequiredService<FastAgiServer>().EndPointAsync ?? throw new InvalidOperationException("FastAGI door not listening");
}

/// <summary>
/// A seeded stream of malformed input fired at each public door (<see cref="HostileInput"/>): no answer is a 5xx,
/// none throws or outlasts its timeout, nothing stored breaks a rule (names, e-mails, phones, dates), no outgoing
/// mail carries an injected header, and memory after the stream stays near memory after its warm-up. The counts
/// per door and per status are written to the test output for the note.
/// </summary>
public sealed class HostileInputStreamTests(HostileApp app, ITestOutputHelper output) : IClassFixture<HostileApp>
{
    private static readonly TimeSpan RequestLimit = TimeSpan.FromSeconds(30);
    /// <summary>Generous: the stream allocates megabytes per round; a leak of a few KB per round over hundreds would still show.</summary>
    private const long MemoryBound = 200L * 1024 * 1024;

    private sealed record Outcome(string Door, int Tried, IReadOnlyDictionary<int, int> ByStatus, long WarmBytes, long EndBytes);

    /// <summary>
    /// Runs <paramref name="rounds"/> hostile requests; the first fifth is the warm-up for the memory comparison.
    /// Fails on any 5xx, exception or timeout, naming the seed and the round to replay.
    /// </summary>
    private async Task<Outcome> FireAsync(string door, int seed, int rounds, Func<HostileInput, CancellationToken, Task<HttpResponseMessage>> send)
    {
        var input = new HostileInput(seed);
        var byStatus = new SortedDictionary<int, int>();
        var failures = new List<string>();
        long warm = 0;
        for (var round = 0; round < rounds; round++)
        {
            if (round == rounds / 5) warm = Memory();
            using var limit = new CancellationTokenSource(RequestLimit);
            try
            {
                using var answer = await send(input, limit.Token);
                var status = (int)answer.StatusCode;
                byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
                if (status >= 500)
                    failures.Add($"round {round}: {status} {HostileInput.Shorten(await answer.Content.ReadAsStringAsync(CancellationToken.None), 300)}");
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested)
            {
                failures.Add($"round {round}: no answer within {RequestLimit.TotalSeconds} s");
            }
            catch (Exception e)
            {
                failures.Add($"round {round}: threw {e.GetType().Name}: {HostileInput.Shorten(e.Message, 300)}");
            }
        }
        var end = Memory();
        var outcome = new Outcome(door, rounds, byStatus, warm, end);
        output.WriteLine($"{door}: {rounds} hostile inputs (seed {seed}); answers {string.Join(", ", byStatus.Select(s => $"{s.Key}×{s.Value}"))}; "
                         + $"managed memory {warm / 1024 / 1024} MB after warm-up, {end / 1024 / 1024} MB at the end");
        Assert.True(failures.Count == 0, $"{door} (seed {seed}): {failures.Count} of {rounds} inputs mishandled:\n" + string.Join("\n", failures.Take(20)));
        Assert.True(end - warm < MemoryBound, $"{door}: managed memory grew by {(end - warm) / 1024 / 1024} MB over the stream");
        // The app still serves ordinary requests after the stream.
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/health/live")).StatusCode);
        return outcome;
    }

    /// <summary>
    /// A hostile path segment. A NUL is taken out: Kestrel itself answers 400 to %00 in a path before any of our code,
    /// but the in-memory test server throws instead, which would test the test host.
    /// </summary>
    private static string Segment(string text) => HostileInput.Escape(text.Replace("\0", ""));

    private static long Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, HttpContent? content, CancellationToken ct, Action<HttpRequestMessage>? headers = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        headers?.Invoke(request);
        return app.Client.SendAsync(request, ct);
    }

    private static ByteArrayContent Body(byte[] bytes, string? contentType)
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var type)) content.Headers.ContentType = type;
        return content;
    }

    private static ByteArrayContent Body(string text, string? contentType) => Body(Encoding.UTF8.GetBytes(text), contentType);

    /// <summary>A form whose values are mostly plausible, with one to three replaced by hostile ones.</summary>
    private static List<KeyValuePair<string, string>> Spoil(HostileInput input, IReadOnlyDictionary<string, string> valid)
    {
        var fields = valid.ToDictionary();
        var keys = fields.Keys.ToList();
        for (var i = 1 + input.Next(3); i > 0; i--)
        {
            var key = input.Pick(keys);
            fields[key] = key.Contains("mail", StringComparison.OrdinalIgnoreCase) || key == "From" ? input.Email() : input.Text(fields[key]);
        }
        if (input.Chance(10)) fields[input.Text("champ")] = input.Text();
        return fields.ToList();
    }

    private static FormUrlEncodedContent? Form(IEnumerable<KeyValuePair<string, string>> fields)
    {
        // FormUrlEncodedContent refuses what it cannot escape (a lone surrogate): such a round sends raw bytes instead.
        try { return new FormUrlEncodedContent(fields); }
        catch (UriFormatException) { return null; }
    }

    private static HttpContent FormOrRaw(HostileInput input, IEnumerable<KeyValuePair<string, string>> fields) =>
        (HttpContent?)Form(fields) ?? Body(input.Bytes(), "application/x-www-form-urlencoded");

    [Fact]
    public async Task The_public_api_survives_a_stream_of_malformed_input()
    {
        var slot = (await app.SlotsAsync(site: "saint-aubin-mairie", from: "2026-12-14", to: "2026-12-14")).First();
        var valid = new Dictionary<string, string>
        {
            ["site"] = slot.Site, ["reason"] = "CNI", ["start"] = slot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            ["persons"] = "1", ["firstName"] = "Camille", ["lastName"] = "Martin", ["email"] = "camille.martin@exemple.fr", ["phone"] = "0612345678",
        };
        await FireAsync("API v1", 9001, 400, (input, ct) => input.Next(7) switch
        {
            0 => app.Client.GetAsync("/api/v1/slots?" + input.Query("site", "reason", "persons", "from", "to", "preRequests"), ct),
            1 => app.Client.GetAsync("/api/v1/reasons?" + input.Query("site"), ct),
            2 => app.Client.GetAsync($"/api/v1/appointments/{Segment(input.Text("12345678"))}?{input.Query("token")}", ct),
            3 => SendAsync(HttpMethod.Post, $"/api/v1/appointments/{Segment(input.Text("12345678"))}/cancel?{input.Query("token")}", null, ct),
            4 => SendAsync(HttpMethod.Post, "/api/v1/appointments", Body(input.Json(), input.ContentType()), ct),
            5 => SendAsync(HttpMethod.Post, "/api/v1/appointments", Body(input.Bytes(), input.Pick(new[] { "application/json", null, "text/plain" })), ct),
            // The valid booking with hostile values in one to three fields; some of them as the wrong JSON type.
            _ => SendAsync(HttpMethod.Post, "/api/v1/appointments", Body(JsonBody(input, Spoil(input, valid)), "application/json"), ct),
        });
        await AssertStoredDataKeepsTheRulesAsync();
    }

    private static string JsonBody(HostileInput input, List<KeyValuePair<string, string>> fields)
    {
        var sb = new StringBuilder("{");
        foreach (var (k, v) in fields)
        {
            if (sb.Length > 1) sb.Append(',');
            sb.Append(JsonSerializer.Serialize(k)).Append(':');
            sb.Append(input.Chance(15) ? input.Pick(new[] { "123", "true", "null", "[]", "{}", "1e400", "-0", "[\"a\"]" }) : JsonSerializer.Serialize(v));
        }
        return sb.Append('}').ToString();
    }

    [Fact]
    public async Task Open311_survives_a_stream_of_malformed_input()
    {
        var valid = new Dictionary<string, string>
        {
            ["api_key"] = HostileApp.Open311Key, ["jurisdiction_id"] = "mairie-lorval", ["service_code"] = "lorval-voirie", ["lat"] = "48.0699",
            ["long"] = "-0.7728", ["address_string"] = "12 rue de la Gare, Lorval", ["description"] = "Un trou profond devant le numéro 12.",
            ["first_name"] = "Camille", ["last_name"] = "Martin", ["email"] = "signal@exemple.fr", ["phone"] = "06 12 34 56 78",
        };
        string Format(HostileInput input) => input.Pick(new[] { "json", "xml", "json", "xml", "html", "JSON", "", "json.xml" });
        await FireAsync("Open311", 9002, 300, (input, ct) => input.Next(6) switch
        {
            0 => app.Client.GetAsync($"/open311/v2/requests.{Format(input)}?" + input.Query("jurisdiction_id", "service_request_id", "service_code", "start_date", "end_date", "status"), ct),
            1 => app.Client.GetAsync($"/open311/v2/services/{Segment(input.Text("lorval-voirie"))}.{Format(input)}?jurisdiction_id=mairie-lorval", ct),
            2 => app.Client.GetAsync($"/open311/v2/services.{Format(input)}?" + input.Query("jurisdiction_id"), ct),
            3 => SendAsync(HttpMethod.Post, $"/open311/v2/requests.{Format(input)}", Body(input.Bytes(), input.ContentType()), ct),
            4 => SendAsync(HttpMethod.Post, "/open311/v2/servicerequestupdates.json", FormOrRaw(input, Spoil(input, new Dictionary<string, string>
            {
                ["api_key"] = HostileApp.Open311Key, ["jurisdiction_id"] = "mairie-lorval", ["service_request_id"] = "x", ["updated_datetime"] = "2026-12-01T09:00:00+01:00",
            })), ct),
            _ => SendAsync(HttpMethod.Post, $"/open311/v2/requests.{Format(input)}", FormOrRaw(input, Spoil(input, valid)), ct),
        });
        await AssertStoredDataKeepsTheRulesAsync();
    }

    [Fact]
    public async Task The_ants_hub_endpoints_survive_a_stream_of_malformed_input()
    {
        await FireAsync("ANTS hub", 9003, 250, (input, ct) => SendAsync(HttpMethod.Get, input.Next(3) switch
        {
            0 => "/api/ants/availableTimeSlots?" + input.Query("meeting_point_ids", "start_date", "end_date", "reason", "documents_number"),
            1 => "/api/ants/searchApplicationIds?" + input.Query("application_ids", "application_ids"),
            _ => "/api/ants/getManagedMeetingPoints?" + input.Query("x"),
        }, null, ct, r =>
        {
            // Mostly the right token, so the input reaches the endpoints; sometimes a hostile one.
            var token = input.Chance(85) ? HostileApp.HubToken : HostileInput.Shorten(input.Text(HostileApp.HubToken), 4000).Replace("\r", "").Replace("\n", "").Replace("\0", "");
            r.Headers.TryAddWithoutValidation("X-HUB-RDV-AUTH-TOKEN", token);
        }));
    }

    [Fact]
    public async Task The_inbound_email_door_survives_a_stream_of_malformed_messages_and_injects_no_header()
    {
        string Message(HostileInput input) => input.Next(4) switch
        {
            0 => Encoding.Latin1.GetString(input.Bytes()),
            1 => $"From: {input.Injection("Camille Martin <camille@exemple.fr>")}\r\nTo: demandes@lorval.demo\r\nSubject: {input.Text("Trottoir")}\r\nMessage-ID: <{input.Next(1_000_000)}@exemple.fr>\r\n\r\nBonjour,\r\nle trottoir est abîmé.\r\n",
            2 => $"From: {input.Email()}\r\nTo: demandes@lorval.demo\r\nSubject: {input.Injection("Trottoir")}\r\nContent-Type: {input.ContentType() ?? "x"}; boundary=\"{input.Text("b")}\"\r\nContent-Transfer-Encoding: {input.Pick(new[] { "base64", "quoted-printable", "8bit", "x-uuencode", "" })}\r\n\r\n{input.Text("Bonjour")}\r\n",
            _ => $"From: =?utf-8?q?{input.Text("Camille")}?= <{input.Text("camille@exemple.fr")}>\r\nReply-To: {input.Email()}\r\nTo: demandes@lorval.demo\r\nSubject: {input.Text("Bonjour")}\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n{input.Text("Bonjour")}\r\n--b\r\nContent-Type: application/pdf; name=\"{input.Text("a.pdf")}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{input.Text("JVBERi0=")}\r\n" + (input.Chance(50) ? "--b--\r\n" : ""),
        };
        await FireAsync("Inbound e-mail", 9004, 250, (input, ct) =>
        {
            var recipient = input.Chance(80) ? "demandes@lorval.demo" : input.Text("demandes@lorval.demo");
            var raw = Encoding.Latin1.GetBytes(input.Chance(10) ? new string('x', 2 * 1024 * 1024) : Message(input));
            var content = Body(raw, input.Chance(85) ? "message/rfc822" : input.ContentType());
            return SendAsync(HttpMethod.Post, "/inbound/email?recipient=" + HostileInput.Escape(recipient) + (input.Chance(20) ? "&" + input.Query("sender") : ""), content, ct,
                r => r.Headers.TryAddWithoutValidation("Authorization", input.Chance(90) ? "Bearer " + HostileApp.MailToken : "Bearer " + HostileInput.Shorten(input.Text("x"), 100).Replace("\r", "").Replace("\n", "")));
        });
        await AssertStoredDataKeepsTheRulesAsync();
        await AssertNoInjectedHeaderLeavesAsync();
    }

    [Fact]
    public async Task The_sms_webhooks_survive_a_stream_of_malformed_input()
    {
        var valid = new Dictionary<string, string> { ["senderid"] = "+33612345678", ["message"] = "Bonjour, où en est ma demande ?", ["id"] = "1", ["to"] = "+33939000000" };
        await FireAsync("Inbound SMS", 9005, 250, (input, ct) =>
        {
            var path = input.Pick(new[] { "inbound", "inbound", "dlr" });
            var provider = input.Pick(new[] { "ovh", "brevo" });
            var fields = Spoil(input, valid);
            if (input.Chance(20)) fields.Add(new("id", input.Text("1")));
            return input.Next(4) switch
            {
                0 => app.Client.GetAsync($"/sms/{path}/{provider}/{HostileApp.SmsSecret}?" + string.Join('&', fields.Select(f => $"{HostileInput.Escape(f.Key)}={HostileInput.Escape(HostileInput.Shorten(f.Value, 5000))}")), ct),
                1 => SendAsync(HttpMethod.Post, $"/sms/{path}/{provider}/{HostileApp.SmsSecret}", FormOrRaw(input, fields), ct),
                2 => SendAsync(HttpMethod.Post, $"/sms/{path}/{provider}/{HostileApp.SmsSecret}", Body(input.Chance(50) ? input.Json() : Encoding.Latin1.GetString(input.Bytes()), input.ContentType()), ct),
                _ => app.Client.GetAsync($"/sms/{path}/{Segment(input.Text("ovh"))}/{Segment(input.Text(HostileApp.SmsSecret))}", ct),
            };
        });
        await AssertStoredDataKeepsTheRulesAsync();
    }

    [Fact]
    public async Task The_twiml_door_survives_a_stream_of_signed_malformed_input()
    {
        var valid = new Dictionary<string, string>
        {
            ["CallSid"] = "CA-fuzz", ["AccountSid"] = "AC0000", ["From"] = "+33612345678", ["To"] = "+33299000000", ["CallStatus"] = "in-progress",
            ["Direction"] = "inbound", ["Digits"] = "1", ["SpeechResult"] = "passeport", ["RecordingUrl"] = "https://api.twilio.com/r/RE1", ["RecordingDuration"] = "9",
        };
        await FireAsync("TwiML", 9006, 300, (input, ct) =>
        {
            var path = "/voice/twilio/" + input.Pick(new[] { "incoming", "gather", "gather", "dial", "record", "status" })
                       + (input.Chance(30) ? "?" + input.Query("organisation", "step") : "?organisation=mairie-lorval");
            var fields = Spoil(input, valid);
            // A fixed call id now and then lets a dialogue go several turns deep on hostile answers.
            if (input.Chance(50)) fields.RemoveAll(f => f.Key == "CallSid");
            if (input.Chance(50)) fields.Add(new("CallSid", $"CA-fuzz-{input.Next(20)}"));
            var form = Form(fields);
            if (form is null || input.Chance(10))
                return SendAsync(HttpMethod.Post, path, Body(input.Bytes(), input.ContentType()), ct);
            var signature = input.Chance(90)
                ? Guichet.Web.Features.Voice.TwilioSignature.Compute(HostileApp.TwilioToken, "http://localhost" + path, fields.Select(f => (f.Key, f.Value)))
                : HostileInput.Shorten(input.Text("sig"), 200).Replace("\r", "").Replace("\n", "");
            return SendAsync(HttpMethod.Post, path, form, ct, r => r.Headers.TryAddWithoutValidation("X-Twilio-Signature", signature));
        });
    }

    [Fact]
    public async Task The_citizen_web_forms_survive_a_stream_of_malformed_posts()
    {
        using var browser = new Browser(app);
        var slot = (await app.SlotsAsync(site: "montclair-mairie", from: "2026-12-15", to: "2026-12-15")).First();
        var contactUrl = "/rendez-vous/coordonnees?site=montclair-mairie&reason=CNI&persons=1&pre=0&start=" + Uri.EscapeDataString(slot.Start.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture));
        var forms = new List<(string Url, IReadOnlyDictionary<string, string> Valid)>();
        foreach (var url in new[] { contactUrl, "/suivi", "/demandes/lorval-voirie", "/liste-attente/inscription?reason=CNI", "/mon-espace", "/connexion" })
        {
            var page = await browser.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            var form = page.Document.QuerySelector("main form[method=post]") as AngleSharp.Html.Dom.IHtmlFormElement;
            Assert.NotNull(form);
            var fields = WebPage.FieldsOf(form).GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.First().Value);
            foreach (var name in new[] { "firstName", "lastName", "email", "phone", "code", "text", "password" }.Where(n => !fields.ContainsKey(n) || fields[n].Length == 0))
                if (form.QuerySelector($"[name={name}]") is not null) fields[name] = name switch { "email" => "camille@exemple.fr", "phone" => "0612345678", "code" => "BCDF GHJK", _ => "Camille Martin" };
            forms.Add((form.Action is { Length: > 0 } action && !action.StartsWith("about:", StringComparison.Ordinal) ? new Uri(action).PathAndQuery : url, fields));
        }
        var getPages = new[] { "/rendez-vous/creneaux", "/rendez-vous", "/pieces-a-fournir", "/demandes", "/liste-attente/inscription", "/rendez-vous/coordonnees", "/suivi" };

        await FireAsync("Citizen pages", 9007, 300, (input, ct) =>
        {
            if (input.Chance(30))
                return browser.Http.GetAsync(input.Pick(getPages) + "?" + input.Query("site", "reason", "persons", "from", "to", "start", "pre", "date", "code"), ct);
            var (url, valid) = input.Pick(forms);
            var fields = Spoil(input, valid);
            if (input.Chance(15)) return browser.Http.PostAsync(url, Body(input.Bytes(), input.ContentType()), ct);
            if (input.Chance(30) && Multipart(input, fields) is { } multipart) return browser.Http.PostAsync(url, multipart, ct);
            return browser.Http.PostAsync(url, FormOrRaw(input, fields), ct);
        });
        await AssertStoredDataKeepsTheRulesAsync();
        await AssertNoInjectedHeaderLeavesAsync();
    }

    /// <summary>The fields as multipart, with a hostile file now and then; null when HttpClient refuses a field name as a header value.</summary>
    private static MultipartFormDataContent? Multipart(HostileInput input, List<KeyValuePair<string, string>> fields)
    {
        var multipart = new MultipartFormDataContent();
        try
        {
            foreach (var (k, v) in fields) multipart.Add(new StringContent(v), k);
            if (input.Chance(50))
                multipart.Add(new ByteArrayContent(input.Bytes()), "attachments", input.Pick(new[] { "piece.png", "../../etc/passwd", "a.exe", "photo.png.exe", "très long " + new string('x', 300) + ".pdf", "%00.png" }));
            return multipart;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            multipart.Dispose();
            return null;
        }
    }

    [Fact]
    public async Task The_fastagi_door_survives_raw_tcp_garbage_and_still_answers_a_real_call()
    {
        var server = await app.FastAgiAsync();
        var input = new HostileInput(9008);
        var kinds = new SortedDictionary<string, int>();
        var failures = new List<string>();
        const int rounds = 120;
        long warm = 0;
        for (var round = 0; round < rounds; round++)
        {
            if (round == rounds / 5) warm = Memory();
            var kind = input.Next(7);
            var name = kind switch
            {
                0 => "random bytes", 1 => "a line without end", 2 => "connect and close", 3 => "environment then garbage replies",
                4 => "an endless environment", 5 => "invalid UTF-8 environment", _ => "hostile environment values",
            };
            kinds[name] = kinds.GetValueOrDefault(name) + 1;
            using var limit = new CancellationTokenSource(RequestLimit);
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(server, limit.Token);
                var stream = tcp.GetStream();
                async Task Write(string text) => await stream.WriteAsync(Encoding.UTF8.GetBytes(text), limit.Token);
                switch (kind)
                {
                    case 0: await stream.WriteAsync(input.RandomBytes(1 + input.Next(64 * 1024)), limit.Token); break;
                    case 1: await stream.WriteAsync(Encoding.ASCII.GetBytes("agi_network: yes" + new string('x', 100_000)), limit.Token); break;
                    case 2: break;
                    case 3:
                        await Write($"agi_network: yes\nagi_uniqueid: fuzz-{round}\nagi_arg_1: mairie-lorval\nagi_callerid: 0612345678\n\n");
                        for (var i = 0; i < 5; i++) await Write(input.Pick(new[] { "200 result=", "200 result=abc", "520-x\n", "999 nonsense", "HANGUP", "200 result=-1 (timeout) endpos=x", "", input.Text("200 result=1") }) + "\n");
                        break;
                    case 4: for (var i = 0; i < 300; i++) await Write($"agi_var_{i}: {i}\n"); break;
                    case 5: await stream.WriteAsync((byte[])[.. Encoding.ASCII.GetBytes("agi_uniqueid: "), 0xC0, 0x80, 0xFF, 0xFE, (byte)'\n', (byte)'\n'], limit.Token); break;
                    default:
                        await Write($"agi_uniqueid: {HostileInput.Shorten(input.Text("u"), 4000).Replace("\n", "")}\nagi_arg_1: {HostileInput.Shorten(input.Text("mairie-lorval"), 4000).Replace("\n", "")}\n"
                                    + $"agi_callerid: {HostileInput.Shorten(input.Text("0612345678"), 4000).Replace("\n", "")}\nagi_dnid: {HostileInput.Shorten(input.Text("0299000000"), 400).Replace("\n", "")}\n\n");
                        break;
                }
                tcp.Client.Shutdown(SocketShutdown.Send);
                // The server must close its side by itself: it answers, gives up on the garbage, and hangs up.
                var buffer = new byte[4096];
                while (await stream.ReadAsync(buffer, limit.Token) > 0) { }
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested)
            {
                failures.Add($"round {round} ({name}): the server kept the socket open beyond {RequestLimit.TotalSeconds} s");
            }
            catch (IOException) { }   // the server reset the connection: fine
            catch (SocketException) { }
        }
        var end = Memory();
        output.WriteLine($"FastAGI: {rounds} raw TCP inputs (seed 9008): {string.Join(", ", kinds.Select(k => $"{k.Key}×{k.Value}"))}; "
                         + $"managed memory {warm / 1024 / 1024} MB after warm-up, {end / 1024 / 1024} MB at the end");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(end - warm < MemoryBound, $"FastAGI: managed memory grew by {(end - warm) / 1024 / 1024} MB");

        // After all that, a real call is still answered.
        app.Clock.Set(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.FromHours(1)));
        await using var call = await FakeAsterisk.CallAsync(server, "after-the-garbage");
        Assert.Equal("ANSWER", await call.NextAsync());
    }

    /// <summary>Whatever got through was within the rules: no control characters, markup or overlong text in what is stored.</summary>
    private async Task AssertStoredDataKeepsTheRulesAsync()
    {
        // Text of a header injection may survive as plain words in a name ("Camille Martin X-Injecte"); its line break may not.
        static bool Clean(string? s, int max) => s is null || (s.Length <= max && !s.Any(c => char.IsControl(c) || c is '<' or '>' or '\uFFFD' or '\u2028' or '\u2029'));
        static bool CleanEmail(string? s) => s is null || (s.Length <= 254 && !s.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is ',' or ';' or '<' or '>') && s.Count(c => c == '@') == 1);
        static bool Phone(string? s) => s is null || System.Text.RegularExpressions.Regex.IsMatch(s, @"^\+[1-9][0-9]{6,14}$");
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var appointments = await app.WithDbAsync(db => db.Appointments.AsNoTracking().ToListAsync());
        var bad = appointments.Where(a => !Clean(a.FirstName, 100) || !Clean(a.LastName, 100) || !CleanEmail(a.Email) || !Phone(a.Phone)
                                          || a.StartUtc < now.AddDays(-1) || a.StartUtc > now.AddDays(400)).Select(a => $"appointment {a.Id}").ToList();
        var requests = await app.WithDbAsync(db => db.CitizenRequests.AsNoTracking().ToListAsync());
        bad.AddRange(requests.Where(r => !Clean(r.FirstName, 100) || !Clean(r.LastName, 200) || !CleanEmail(r.Email) || !Phone(r.Phone))
            .Select(r => $"request {r.Id} ({r.Channel}): '{HostileInput.Shorten(r.FirstName ?? "", 80)}' '{HostileInput.Shorten(r.LastName, 80)}' <{HostileInput.Shorten(r.Email ?? "", 80)}> {r.Phone}"));
        Assert.True(bad.Count == 0, "Stored data breaking a rule:\n" + string.Join("\n", bad.Take(20)));
    }

    /// <summary>Sends what the stream left in the outbox to the SMTP sink and reads every header of every mail.</summary>
    private async Task AssertNoInjectedHeaderLeavesAsync()
    {
        for (var i = 0; i < 20 && await app.Dispatcher.RunOnceAsync(CancellationToken.None) > 0; i++) { }
        var bad = new List<string>();
        foreach (var mail in app.Sink.Messages)
        {
            if (mail.To.Any(t => t.Contains(HostileInput.InjectedDomain, StringComparison.OrdinalIgnoreCase)))
                bad.Add($"a mail went to {string.Join(", ", mail.To)}");
            var headerBlock = mail.Raw[..Math.Max(0, mail.Raw.IndexOf("\r\n\r\n", StringComparison.Ordinal))];
            foreach (var line in headerBlock.Split("\r\n"))
            {
                if (line.StartsWith(HostileInput.InjectedHeader, StringComparison.OrdinalIgnoreCase) || line.StartsWith("Bcc:", StringComparison.OrdinalIgnoreCase)
                    || line.Contains(HostileInput.InjectedDomain, StringComparison.OrdinalIgnoreCase))
                    bad.Add($"injected header line: {HostileInput.Shorten(line, 200)}");
                else if (line.Length > 0 && !char.IsWhiteSpace(line[0]) && !System.Text.RegularExpressions.Regex.IsMatch(line, "^[A-Za-z0-9-]+:"))
                    bad.Add($"a header line that is no header: {HostileInput.Shorten(line, 200)}");
            }
        }
        output.WriteLine($"{app.Sink.Messages.Count} mails reached the SMTP sink; every header line read");
        Assert.True(bad.Count == 0, string.Join("\n", bad.Take(20)));
    }
}
