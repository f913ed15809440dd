using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Guichet.Domain.Messaging;
using Guichet.Web.Platform;
using Guichet.Web.Platform.Sms;
using Microsoft.AspNetCore.Http.Features;

namespace Guichet.Web.Features.Notifications;

/// <summary>
/// The providers' calls: delivery reports (POST /sms/dlr/{provider}) and citizens' SMS (POST /sms/inbound/{provider}).
/// Twilio signs its calls (X-Twilio-Signature); OVH and Brevo do not, so their addresses carry Sms:WebhookSecret as
/// a last path segment. A call that fails its check gets 403 (Twilio) or 404 (a wrong secret: the address does not
/// exist); an unreadable one 400; none ever reaches a 500.
/// </summary>
public static class SmsWebhooks
{
    private const int MaxBody = 64 * 1024;

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/sms").ExcludeFromDescription().DisableAntiforgery();
        group.MapPost("/dlr/twilio", (HttpContext http, RecordSmsReport record, SmsOptions options, AppOptions self, CancellationToken ct) =>
            TwilioAsync(http, options, self, async call => Report(await record.RunAsync(call, ct)), ct));
        group.MapPost("/inbound/twilio", (HttpContext http, ReceiveSmsReply receive, SmsOptions options, AppOptions self, CancellationToken ct) =>
            TwilioAsync(http, options, self, async call => TwiMl(await receive.RunAsync(call, ct)), ct));
        group.MapMethods("/dlr/{provider}/{secret}", ["GET", "POST"], (string provider, string secret, HttpContext http, RecordSmsReport record, SmsOptions options, CancellationToken ct) =>
            SecretAsync(provider, secret, http, options, async call => Report(await record.RunAsync(call, ct)), ct));
        group.MapMethods("/inbound/{provider}/{secret}", ["GET", "POST"], (string provider, string secret, HttpContext http, ReceiveSmsReply receive, SmsOptions options, CancellationToken ct) =>
            SecretAsync(provider, secret, http, options, async call => await receive.RunAsync(call, ct) is null ? NoSender() : Results.Text("ok"), ct));
    }

    private static async Task<IResult> TwilioAsync(HttpContext http, SmsOptions options, AppOptions self, Func<SmsWebhookCall, Task<IResult>> handle, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(options.Twilio.AuthToken)) return Results.NotFound();
        if (!http.Request.HasFormContentType) return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        var read = await ReadAsync(http, ct);
        if (read is null) return Results.BadRequest();
        // Signed over the address Twilio called: our public one, as a proxy in front would hide it.
        var url = self.PublicBaseUrl.TrimEnd('/') + http.Request.Path + http.Request.QueryString;
        var signature = http.Request.Headers[TwilioSignature.Header].ToString();
        if (!TwilioSignature.IsValid(options.Twilio.AuthToken, url, read.Value.Form, signature))
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        return await handle(new SmsWebhookCall("twilio", read.Value.Form, read.Value.Raw));
    }

    private static async Task<IResult> SecretAsync(string provider, string secret, HttpContext http, SmsOptions options,
        Func<SmsWebhookCall, Task<IResult>> handle, CancellationToken ct)
    {
        if (provider is not ("ovh" or "brevo") || string.IsNullOrEmpty(options.WebhookSecret)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(options.WebhookSecret)))
            return Results.NotFound();
        IReadOnlyList<KeyValuePair<string, string>> fields;
        string raw;
        if (HttpMethods.IsGet(http.Request.Method) || http.Request.ContentLength == 0)
        {
            fields = http.Request.Query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? ""))).ToList();
            raw = http.Request.QueryString.Value ?? "";
        }
        else if (http.Request.HasFormContentType)
        {
            if (await ReadAsync(http, ct) is not { } read) return Results.BadRequest();
            (fields, raw) = read;
        }
        else if (http.Request.HasJsonContentType())
        {
            raw = await ReadTextAsync(http, ct) ?? "";
            if (raw.Length == 0 || Flatten(raw) is not { } json) return Unreadable();
            fields = json;
        }
        else return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        if (raw.Contains('\0')) return Unreadable();
        return await handle(new SmsWebhookCall(provider, fields, raw));
    }

    private static IResult Report(SmsReportResult result) => result switch
    {
        SmsReportResult.Unreadable u => Problems.BadRequest(u.Message),
        _ => Results.NoContent(),
    };

    /// <summary>Twilio reads TwiML back: a Message element answers the citizen, an empty Response says nothing.</summary>
    private static IResult TwiMl(SmsReplyResult? result)
    {
        if (result is null) return NoSender();
        var response = new XElement("Response");
        if (result.Answer is { } answer) response.Add(new XElement("Message", SmsEncoding.ToGsmSafe(answer)));
        var xml = new XDocument(new XDeclaration("1.0", "utf-8", null), response);
        return Results.Text(xml.Declaration + xml.ToString(SaveOptions.DisableFormatting), "text/xml", Encoding.UTF8);
    }

    private static IResult NoSender() => Problems.BadRequest("Le numéro de l'expéditeur du SMS manque.");

    private static IResult Unreadable() => Problems.BadRequest("Le corps de la requête est illisible.");

    private static async Task<(IReadOnlyList<KeyValuePair<string, string>> Form, string Raw)?> ReadAsync(HttpContext http, CancellationToken ct)
    {
        var raw = await ReadTextAsync(http, ct);
        // PostgreSQL text cannot hold a NUL, and no provider sends one: refused here rather than failing in the INSERT.
        if (raw is null || raw.Contains('\0') || raw.Contains("%00", StringComparison.Ordinal)) return null;
        try
        {
            var parsed = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(raw.StartsWith('?') ? raw : "?" + raw);
            return (parsed.SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? ""))).ToList(), raw);
        }
        catch (Exception e) when (e is FormatException or ArgumentException) { return null; }
    }

    /// <summary>The body as text, refused (null) past 64 KB or when it is not UTF-8.</summary>
    private static async Task<string?> ReadTextAsync(HttpContext http, CancellationToken ct)
    {
        if (http.Request.ContentLength > MaxBody) return null;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = MaxBody;
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        try
        {
            while ((n = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > MaxBody) return null;
            }
        }
        catch (BadHttpRequestException) { return null; }
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.ToArray()); }
        catch (DecoderFallbackException) { return null; }
    }

    /// <summary>A JSON object's top-level scalar fields (Brevo's events are flat); null when it is not an object.</summary>
    private static List<KeyValuePair<string, string>>? Flatten(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            var fields = new List<KeyValuePair<string, string>>();
            foreach (var p in doc.RootElement.EnumerateObject())
                if (p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                    fields.Add(new(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()));
            // "\u0000" is valid JSON but a NUL once decoded.
            return fields.Any(f => f.Key.Contains('\0') || f.Value.Contains('\0')) ? null : fields;
        }
        catch (JsonException) { return null; }
    }
}
