using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;

namespace Guichet.Web.Platform.Sms;

/// <summary>
/// One call to a provider with our own deadline, and what its failure means for the outbox: refused before a byte
/// left, or answered 429/5xx, is "not sent" (retry later); a 4xx is "not sent" for good; a time-out or a cut
/// connection leaves the outcome unknown, so the exception goes up untouched and the SMS is never sent twice.
/// </summary>
internal static class SmsHttp
{
    public static async Task<JsonElement> SendAsync(HttpClient http, HttpRequestMessage request, string provider, int timeoutSeconds, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
        }
        catch (HttpRequestException e) when (NeverConnected(e))
        {
            throw new SmsNotSentException($"Le fournisseur SMS {provider} est injoignable pour le moment.", permanent: false, e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"Le fournisseur SMS {provider} n'a pas répondu en {timeoutSeconds} s.", e);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    using var doc = JsonDocument.Parse(body);
                    return doc.RootElement.Clone();
                }
                catch (JsonException e)
                {
                    // Accepted, but we cannot tell the id: the outcome is as good as unknown.
                    throw new InvalidOperationException($"Réponse illisible du fournisseur SMS {provider} ({status}).", e);
                }
            }
            var code = ErrorCode(body);
            var detail = code is null ? $"{status}" : $"{status}, code {code}";
            // 401/403: wrong keys, fixed by an administrator, after which waiting messages must still go.
            var temporary = status is 401 or 403 or 408 or 429 || status >= 500;
            throw new SmsNotSentException(
                temporary ? $"Le fournisseur SMS {provider} est indisponible ou refuse l'accès pour le moment ({detail})."
                          : $"Le fournisseur SMS {provider} a refusé le message ({detail}).",
                permanent: !temporary);
        }
    }

    /// <summary>The provider's error code only: its message may quote the number.</summary>
    private static string? ErrorCode(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            foreach (var name in new[] { "code", "errorCode", "class" })
                if (doc.RootElement.TryGetProperty(name, out var v))
                {
                    var text = v.ValueKind switch
                    {
                        JsonValueKind.Number => v.GetRawText(),
                        JsonValueKind.String => v.GetString(),
                        _ => null,
                    };
                    if (text is { Length: > 0 and <= 40 } && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')) return text;
                }
        }
        catch (JsonException) { }
        return null;
    }

    private static bool NeverConnected(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable
                or SocketError.NetworkUnreachable or SocketError.TryAgain or SocketError.NoData })
                return true;
        // A connection cut once the request was on its way comes as an IOException: that outcome is unknown.
        return e is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError }
            && e.InnerException is not IOException;
    }

    public static string Text(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString() ?? "",
        JsonValueKind.Number => e.GetRawText(),
        _ => "",
    };

    public static int? Int(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v)
            ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n
              : v.ValueKind == JsonValueKind.String && int.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m
              : null
            : null;

    public static string BaseUrl(string configured) => configured.TrimEnd('/');
}
