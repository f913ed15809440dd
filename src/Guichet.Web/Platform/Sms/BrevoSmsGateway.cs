using System.Net.Http.Json;
using Guichet.Domain.Messaging;
using Guichet.Web.Features.Notifications;

namespace Guichet.Web.Platform.Sms;

/// <summary>
/// Brevo transactional SMS: POST transactionalSMS/send (the older /transactionalSMS/sms is deprecated) with the
/// api-key header. type=transactional and no STOP mention: a STOP in the text would make it marketing.
/// </summary>
public sealed class BrevoSmsGateway(HttpClient http, SmsOptions options, AppOptions app) : ISmsGateway
{
    public string Name => "brevo";

    public async Task<SmsAccepted> SendAsync(OutgoingSms sms, CancellationToken ct)
    {
        var analysis = SmsEncoding.Analyze(sms.Text);
        var body = new Dictionary<string, object?>
        {
            ["sender"] = options.Sender,
            // Brevo wants the number with its country code and without the plus.
            ["recipient"] = sms.To.TrimStart('+'),
            ["content"] = sms.Text,
            ["type"] = "transactional",
            ["tag"] = sms.Reference,
            ["unicodeEnabled"] = analysis.Alphabet == SmsAlphabet.Ucs2,
        };
        if (!string.IsNullOrEmpty(options.WebhookSecret))
            body["webUrl"] = $"{app.PublicBaseUrl.TrimEnd('/')}/sms/dlr/brevo/{options.WebhookSecret}";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{SmsHttp.BaseUrl(options.Brevo.BaseUrl)}/transactionalSMS/send")
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.TryAddWithoutValidation("api-key", options.Brevo.ApiKey);
        request.Headers.Accept.ParseAdd("application/json");
        var answer = await SmsHttp.SendAsync(http, request, "Brevo", options.TimeoutSeconds, ct);
        var id = answer.TryGetProperty("messageId", out var m) ? SmsHttp.Text(m) : "";
        if (id.Length == 0) throw new InvalidOperationException("Brevo a accepté le message sans donner son identifiant (messageId).");
        return new SmsAccepted(id, SmsHttp.Int(answer, "smsCount") ?? analysis.Segments);
    }
}
