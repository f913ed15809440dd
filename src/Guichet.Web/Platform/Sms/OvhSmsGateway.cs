using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Guichet.Domain.Messaging;

namespace Guichet.Web.Platform.Sms;

/// <summary>
/// OVHcloud SMS: POST /sms/{serviceName}/jobs, signed with the application secret and the consumer key. The
/// timestamp is OVH's own clock (GET /auth/time): the signature is refused when ours drifts.
/// </summary>
public sealed class OvhSmsGateway(HttpClient http, SmsOptions options, TimeProvider clock) : ISmsGateway
{
    private readonly Lock gate = new();
    private (TimeSpan Offset, DateTimeOffset CheckedAt)? serverClock;

    public string Name => "ovh";

    public async Task<SmsAccepted> SendAsync(OutgoingSms sms, CancellationToken ct)
    {
        var o = options.Ovh;
        var analysis = SmsEncoding.Analyze(sms.Text);
        var body = new Dictionary<string, object?>
        {
            ["message"] = sms.Text,
            ["receivers"] = new[] { sms.To },
            // Transactional: no "STOP au 36xxx" (CPCE L34-5 asks it of marketing only).
            ["noStopClause"] = true,
            ["senderForResponse"] = o.SenderForResponse,
            ["charset"] = "UTF-8",
            ["coding"] = analysis.Alphabet == SmsAlphabet.Gsm7 ? "7bit" : "8bit",
            ["priority"] = "high",
            ["validityPeriod"] = 2880,
            ["differedPeriod"] = 0,
            ["class"] = "phoneDisplay",
            ["tag"] = sms.Reference.Length > 128 ? sms.Reference[..128] : sms.Reference,
        };
        // With senderForResponse OVH sends from its short number, and a sender is refused.
        if (!o.SenderForResponse) body["sender"] = options.Sender;
        var json = JsonSerializer.Serialize(body);
        var url = $"{SmsHttp.BaseUrl(o.BaseUrl)}/sms/{Uri.EscapeDataString(o.ServiceName!)}/jobs";
        var timestamp = await ServerTimeAsync(ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("X-Ovh-Application", o.ApplicationKey);
        request.Headers.TryAddWithoutValidation("X-Ovh-Consumer", o.ConsumerKey);
        request.Headers.TryAddWithoutValidation("X-Ovh-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("X-Ovh-Signature", Signature(o.ApplicationSecret!, o.ConsumerKey!, "POST", url, json, timestamp));
        var answer = await SmsHttp.SendAsync(http, request, "OVH", options.TimeoutSeconds, ct);

        if (answer.TryGetProperty("invalidReceivers", out var invalid) && invalid.ValueKind == JsonValueKind.Array && invalid.GetArrayLength() > 0)
            throw new SmsNotSentException("OVH a refusé le numéro du destinataire (invalidReceivers).", permanent: true);
        var id = answer.TryGetProperty("ids", out var ids) && ids.ValueKind == JsonValueKind.Array && ids.GetArrayLength() > 0
            ? SmsHttp.Text(ids[0]) : "";
        if (id.Length == 0) throw new InvalidOperationException("OVH a accepté le message sans donner son identifiant (ids).");
        return new SmsAccepted(id, analysis.Segments);
    }

    /// <summary>"$1$" + hex SHA-1 of AS+CK+METHOD+URL+BODY+TIMESTAMP joined with "+".</summary>
    public static string Signature(string applicationSecret, string consumerKey, string method, string url, string body, long timestamp) =>
        "$1$" + Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(
            string.Join('+', applicationSecret, consumerKey, method, url, body, timestamp.ToString(CultureInfo.InvariantCulture)))));

    /// <summary>OVH's clock in Unix seconds: asked once, then kept as an offset from ours and asked again every hour.</summary>
    private async Task<long> ServerTimeAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        lock (gate)
            if (serverClock is { } known && now - known.CheckedAt < TimeSpan.FromHours(1))
                return (now + known.Offset).ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{SmsHttp.BaseUrl(options.Ovh.BaseUrl)}/auth/time");
        var answer = await SmsHttp.SendAsync(http, request, "OVH", options.TimeoutSeconds, ct);
        if (answer.ValueKind != JsonValueKind.Number || !answer.TryGetInt64(out var seconds))
            throw new SmsNotSentException("OVH a donné une heure illisible (GET /auth/time).", permanent: false);
        lock (gate) serverClock = (DateTimeOffset.FromUnixTimeSeconds(seconds) - now, now);
        return seconds;
    }
}
