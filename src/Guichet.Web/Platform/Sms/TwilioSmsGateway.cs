using System.Net.Http.Headers;
using System.Text;
using Guichet.Domain.Messaging;
using Guichet.Web.Features.Notifications;

namespace Guichet.Web.Platform.Sms;

/// <summary>
/// Twilio Programmable Messaging: a form POST to Accounts/{sid}/Messages.json with HTTP Basic authentication, and a
/// StatusCallback to our signed delivery-report webhook (no Twilio SDK is available here).
/// </summary>
public sealed class TwilioSmsGateway(HttpClient http, SmsOptions options, AppOptions app) : ISmsGateway
{
    public string Name => "twilio";

    public async Task<SmsAccepted> SendAsync(OutgoingSms sms, CancellationToken ct)
    {
        var o = options.Twilio;
        var url = $"{SmsHttp.BaseUrl(o.BaseUrl)}/Accounts/{Uri.EscapeDataString(o.AccountSid!)}/Messages.json";
        var form = new List<KeyValuePair<string, string>> { new("To", sms.To) };
        if (!string.IsNullOrEmpty(o.MessagingServiceSid)) form.Add(new("MessagingServiceSid", o.MessagingServiceSid));
        else form.Add(new("From", string.IsNullOrEmpty(o.From) ? options.Sender : o.From));
        form.Add(new("Body", sms.Text));
        form.Add(new("StatusCallback", StatusCallbackUrl(app)));
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        var user = string.IsNullOrEmpty(o.ApiKeySid) ? o.AccountSid! : o.ApiKeySid;
        var password = string.IsNullOrEmpty(o.ApiKeySid) ? o.AuthToken! : o.ApiKeySecret!;
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        var answer = await SmsHttp.SendAsync(http, request, "Twilio", options.TimeoutSeconds, ct);
        var sid = answer.TryGetProperty("sid", out var s) ? SmsHttp.Text(s) : "";
        if (sid.Length == 0) throw new InvalidOperationException("Twilio a accepté le message sans donner son identifiant (sid).");
        return new SmsAccepted(sid, SmsHttp.Int(answer, "num_segments") ?? SmsEncoding.Analyze(sms.Text).Segments);
    }

    public static string StatusCallbackUrl(AppOptions app) => app.PublicBaseUrl.TrimEnd('/') + "/sms/dlr/twilio";
}
