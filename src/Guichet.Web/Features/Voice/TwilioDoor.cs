using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Guichet.Domain.Voice;
using Microsoft.Extensions.Options;

namespace Guichet.Web.Features.Voice;

/// <summary>
/// The TwiML door (Twilio and compatible clouds): every turn is a signed webhook; the state stays in the database
/// keyed by CallSid and the action URLs carry only the step's name. Answers are TwiML documents.
/// </summary>
public static class TwilioDoor
{
    public const string Base = "/voice/twilio";
    public const string PromptsBase = "/voice/prompts";

    public static void Map(WebApplication app)
    {
        // Recordings are what every caller hears: public, like the number itself. Only catalog prompts of a well-formed
        // organisation folder are served, so no path outside the prompts directory can be named.
        app.MapGet(PromptsBase + "/{folder}/{file}", (string folder, string file, IOptions<VoiceOptions> options) =>
        {
            if (!file.EndsWith(".wav", StringComparison.Ordinal) || VoicePromptCatalog.Find(file[..^4]) is null
                || !System.Text.RegularExpressions.Regex.IsMatch(folder, "^org-[a-z0-9-]{1,70}$")) return Results.NotFound();
            var path = Path.Combine(options.Value.PromptsPath, folder, file);
            return File.Exists(path) ? Results.File(path, "audio/wav") : Results.NotFound();
        }).ExcludeFromDescription();
        var group = app.MapGroup(Base).ExcludeFromDescription();
        group.MapPost("/incoming", (HttpContext http, RunVoiceTurn turn, IOptions<VoiceOptions> options, CancellationToken ct) =>
            HandleAsync(http, options.Value, ct, (form, callId) => turn.StartAsync(callId, "twilio", http.Request.Query["organisation"].FirstOrDefault(),
                form["From"].FirstOrDefault(), form["To"].FirstOrDefault(), ct)));
        group.MapPost("/gather", (HttpContext http, RunVoiceTurn turn, IOptions<VoiceOptions> options, CancellationToken ct) =>
            HandleAsync(http, options.Value, ct, (form, callId) => turn.RunAsync(callId, GatherEvent(form), ct)));
        group.MapPost("/dial", (HttpContext http, RunVoiceTurn turn, IOptions<VoiceOptions> options, CancellationToken ct) =>
            HandleAsync(http, options.Value, ct, (form, callId) => turn.RunAsync(callId,
                new VoiceEvent.TransferResult(form["DialCallStatus"].FirstOrDefault() == "completed"), ct)));
        group.MapPost("/record", (HttpContext http, RunVoiceTurn turn, IOptions<VoiceOptions> options, CancellationToken ct) =>
            HandleAsync(http, options.Value, ct, (form, callId) =>
            {
                var url = form["RecordingUrl"].FirstOrDefault();
                _ = int.TryParse(form["RecordingDuration"].FirstOrDefault(), out var seconds);
                return turn.RunAsync(callId, new VoiceEvent.RecordingDone(string.IsNullOrWhiteSpace(url) ? null : url, seconds), ct);
            }));
        // The call's status callback: at its end the caller has hung up, whatever the dialogue was waiting for.
        group.MapPost("/status", (HttpContext http, RunVoiceTurn turn, IOptions<VoiceOptions> options, CancellationToken ct) =>
            HandleAsync(http, options.Value, ct, (form, callId) =>
                form["CallStatus"].FirstOrDefault() is "completed" or "busy" or "no-answer" or "failed" or "canceled"
                    ? turn.RunAsync(callId, new VoiceEvent.HangUp(), ct)
                    : Task.FromResult<IReadOnlyList<VoiceAction>>([])));
    }

    private static VoiceEvent GatherEvent(IFormCollection form)
    {
        var digits = form["Digits"].FirstOrDefault();
        if (!string.IsNullOrEmpty(digits)) return new VoiceEvent.Digits(digits);
        var speech = form["SpeechResult"].FirstOrDefault();
        if (!string.IsNullOrWhiteSpace(speech))
            return new VoiceEvent.Speech(speech, double.TryParse(form["Confidence"].FirstOrDefault(), System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out var c) ? c : 0);
        return new VoiceEvent.NoInput();
    }

    private static async Task<IResult> HandleAsync(HttpContext http, VoiceOptions options, CancellationToken ct,
        Func<IFormCollection, string, Task<IReadOnlyList<VoiceAction>>> run)
    {
        if (string.IsNullOrEmpty(options.Twilio.AuthToken)) return Results.NotFound();
        if (!http.Request.HasFormContentType) return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        var form = await http.Request.ReadFormAsync(ct);
        var url = PublicUrl(http.Request, options.Twilio.PublicBaseUrl);
        var signature = http.Request.Headers["X-Twilio-Signature"].FirstOrDefault();
        if (!TwilioSignature.IsValid(options.Twilio.AuthToken, url, form.Select(f => (f.Key, f.Value.ToString())), signature))
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        var sid = form["CallSid"].FirstOrDefault();
        if (string.IsNullOrEmpty(sid) || sid.Length > 50 || !sid.All(char.IsAsciiLetterOrDigit))
            return Results.Problem(statusCode: 400, title: "CallSid manquant ou invalide.");
        var actions = await run(form, "twilio-" + sid);
        var origin = string.IsNullOrWhiteSpace(options.Twilio.PublicBaseUrl) ? $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}" : options.Twilio.PublicBaseUrl.TrimEnd('/');
        return Results.Content(TwiML(actions, origin), "text/xml; charset=utf-8");
    }

    /// <summary>The URL exactly as the provider called it: behind a proxy, from the configured public base.</summary>
    public static string PublicUrl(HttpRequest request, string? publicBaseUrl) =>
        (string.IsNullOrWhiteSpace(publicBaseUrl) ? $"{request.Scheme}://{request.Host}{request.PathBase}" : publicBaseUrl.TrimEnd('/'))
        + request.Path + request.QueryString;

    /// <param name="origin">where the provider fetches our recordings: the public base URL, without a trailing slash.</param>
    public static string TwiML(IReadOnlyList<VoiceAction> actions, string origin)
    {
        var response = new XElement("Response");
        var pending = new List<XElement>();
        foreach (var action in actions)
        {
            switch (action)
            {
                // Twilio beeps itself before recording (playBeep): our own bip prompt is for Asterisk.
                case VoiceAction.Play { PromptId: "beep" }:
                    break;
                // A prompt the organisation recorded (see RunVoiceTurn): the provider fetches and plays our WAV.
                case VoiceAction.Play p when p.PromptId.Contains('/'):
                    pending.Add(new XElement("Play", $"{origin}{PromptsBase}/{p.PromptId}.wav"));
                    break;
                case VoiceAction.Play or VoiceAction.Say:
                    pending.Add(new XElement("Say", new XAttribute("language", "fr-FR"), VoicePrompts.Text(action)));
                    break;
                case VoiceAction.Gather g:
                    // Prompts inside the Gather so that a key interrupts them; silence still calls back.
                    response.Add(new XElement("Gather",
                        new XAttribute("input", "dtmf speech"), new XAttribute("language", "fr-FR"),
                        new XAttribute("numDigits", g.MaxDigits), new XAttribute("timeout", g.TimeoutSeconds), new XAttribute("finishOnKey", "#"),
                        new XAttribute("speechTimeout", "auto"), new XAttribute("hints", "rendez-vous, annuler, conseiller, horaires, pièces, oui, non"),
                        new XAttribute("actionOnEmptyResult", "true"), new XAttribute("action", Base + "/gather"), new XAttribute("method", "POST"),
                        pending));
                    pending = [];
                    break;
                case VoiceAction.Transfer t:
                    response.Add(pending);
                    pending = [];
                    response.Add(new XElement("Dial", new XAttribute("action", Base + "/dial"), new XAttribute("method", "POST"),
                        new XAttribute("timeout", t.TimeoutSeconds),
                        t.Target.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) ? new XElement("Sip", t.Target) : new XElement("Number", t.Target)));
                    break;
                case VoiceAction.Record r:
                    response.Add(pending);
                    pending = [];
                    response.Add(new XElement("Record", new XAttribute("action", Base + "/record"), new XAttribute("method", "POST"),
                        new XAttribute("maxLength", r.MaxSeconds), new XAttribute("timeout", r.SilenceSeconds), new XAttribute("finishOnKey", "#"),
                        new XAttribute("playBeep", "true"), new XAttribute("trim", "trim-silence")));
                    break;
                case VoiceAction.Hangup:
                    response.Add(pending);
                    pending = [];
                    response.Add(new XElement("Hangup"));
                    break;
            }
        }
        response.Add(pending);
        return new XDeclaration("1.0", "UTF-8", null) + Environment.NewLine + response.ToString(SaveOptions.DisableFormatting);
    }
}

/// <summary>X-Twilio-Signature: Base64(HMAC-SHA1(auth token, URL + each POST parameter sorted by name, as name+value)).</summary>
public static class TwilioSignature
{
    public static string Compute(string authToken, string url, IEnumerable<(string Name, string Value)> parameters)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in parameters.OrderBy(p => p.Name, StringComparer.Ordinal)) data.Append(name).Append(value);
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    public static bool IsValid(string authToken, string url, IEnumerable<(string Name, string Value)> parameters, string? signature)
    {
        if (string.IsNullOrEmpty(signature)) return false;
        var expected = Encoding.ASCII.GetBytes(Compute(authToken, url, parameters));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}
