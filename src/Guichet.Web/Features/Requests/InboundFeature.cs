using System.Security.Cryptography;
using System.Text;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.Http.Features;

namespace Guichet.Web.Features.Requests;

/// <summary>
/// The e-mail, SMS and voice doors into citizen requests. E-mail: POST /inbound/email, the raw message as body, called
/// by the town hall's mail server (docs/inbound-email.md). SMS and voice come through their own features' webhooks and
/// call <see cref="FileInboundSms"/> and <see cref="FileVoiceMessage"/>.
/// </summary>
public static class InboundFeature
{
    public static WebApplicationBuilder AddInbound(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Mail:Inbound").Get<InboundMailOptions>() ?? new InboundMailOptions();
        var problems = options.Problems().ToList();
        if (problems.Count > 0) throw new InvalidOperationException("Configuration de la réception des courriels invalide : " + string.Join(" ", problems));
        builder.Services.AddSingleton(options);
        builder.Services.AddScoped<AppendCitizenMessage>();
        builder.Services.AddScoped<ReceiveInboundEmail>();
        builder.Services.AddScoped<FileInboundSms>();
        builder.Services.AddScoped<FileVoiceMessage>();
        builder.Services.AddScoped<ConfigureIntake>();
        var imap = builder.Configuration.GetSection("Mail:Imap").Get<ImapOptions>() ?? new ImapOptions();
        var imapProblems = imap.Problems().ToList();
        if (imapProblems.Count > 0) throw new InvalidOperationException("Configuration de la relève IMAP invalide : " + string.Join(" ", imapProblems));
        builder.Services.AddSingleton(imap);
        builder.Services.AddSingleton<ImapPolling>();
        if (imap.Enabled && imap.Mailboxes.Count > 0) builder.Services.AddHostedService<ImapPollingWorker>();
        return builder;
    }

    public static WebApplication MapInbound(this WebApplication app)
    {
        app.MapPost("/inbound/email", PostEmailAsync).ExcludeFromDescription().DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> PostEmailAsync(HttpContext http, InboundMailOptions options, ReceiveInboundEmail receive,
        string? recipient, string? sender, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(options.Token))
            return Results.Text("La réception des courriels est fermée : Mail:Inbound:Token n'est pas configuré. / Inbound e-mail is not configured.",
                "text/plain; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable);
        if (!Authorised(http.Request.Headers.Authorization.ToString(), options.Token))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem(title: "Non autorisé.", detail: "Jeton absent ou incorrect (Authorization: Bearer). / Missing or wrong token.",
                statusCode: StatusCodes.Status401Unauthorized);
        }
        var type = http.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (type is not (null or "" or "message/rfc822" or "application/octet-stream" or "text/plain"))
            return Results.Problem(title: "Format non pris en charge.", detail: "Envoyez le message brut (Content-Type: message/rfc822). / Send the raw message as message/rfc822.",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        if (http.Request.ContentLength > options.MaxBytes) return TooLarge(options);
        var raw = await ReadAsync(http, options.MaxBytes, ct);
        if (raw is null) return TooLarge(options);
        if (raw.Length == 0) return Problems.BadRequest("Le corps est vide : envoyez le message brut. / Empty body.");

        // Postfix passes ${recipient} and ${sender}; other MTAs may set X-Original-To on the HTTP call.
        var to = !string.IsNullOrWhiteSpace(recipient) ? recipient : http.Request.Headers["X-Original-To"].ToString();
        var from = !string.IsNullOrEmpty(sender) ? sender : http.Request.Headers["X-Envelope-From"].FirstOrDefault();
        // Postfix gives an empty ${sender} for bounces: "<>" is what the classifier knows as the null return path.
        if (sender is not null && sender.Length == 0) from = "<>";
        return await receive.RunAsync(raw, to, from, ct) switch
        {
            InboundEmailResult.Created c => Results.Json(new { outcome = "created", requestId = c.RequestId }, statusCode: StatusCodes.Status201Created),
            InboundEmailResult.Appended a => Results.Json(new { outcome = "appended", requestId = a.RequestId, reopened = a.Reopened }),
            InboundEmailResult.Duplicate d => Results.Json(new { outcome = "duplicate", requestId = d.RequestId }),
            InboundEmailResult.Ignored i => Results.Json(new { outcome = "ignored", reason = i.Reason }, statusCode: StatusCodes.Status202Accepted),
            InboundEmailResult.UnknownRecipient => Problems.NotFound("Aucune collectivité ne reçoit de demandes à cette adresse. / Unknown recipient."),
            InboundEmailResult.Malformed => Problems.BadRequest("Ce n'est pas un courriel lisible (message RFC 5322 attendu). / Not a readable e-mail message."),
            InboundEmailResult.Refused r => Problems.Validation(r.Errors),
            _ => throw new InvalidOperationException(),
        };
    }

    /// <summary>Compares hashes, so neither the token's content nor its length leaks through timing.</summary>
    private static bool Authorised(string header, string token)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }

    private static IResult TooLarge(InboundMailOptions options) =>
        Results.Problem(title: "Message trop volumineux.", detail: $"Le message dépasse {options.MaxBytes / 1024} Ko. / Message too large.",
            statusCode: StatusCodes.Status413PayloadTooLarge);

    /// <summary>The body, or null past the limit (read no further than limit + 1 byte).</summary>
    private static async Task<byte[]?> ReadAsync(HttpContext http, long limit, CancellationToken ct)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit + 1;
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > limit) return null;
            }
        }
        catch (BadHttpRequestException) { return null; }
        return buffer.ToArray();
    }
}
