namespace Guichet.Web.Platform.Sms;

public enum SmsProvider { Development, Ovh, Brevo, Twilio }

/// <summary>Section "Sms". Keys, tokens and the webhook secret come from the environment (Sms__Twilio__AuthToken…), never from the repository.</summary>
public sealed class SmsOptions
{
    public SmsProvider Provider { get; set; } = SmsProvider.Development;
    /// <summary>Alphanumeric sender shown on the phone (11 characters at most, one-way: ARCEP 2022-1583).</summary>
    public string Sender { get; set; } = "MAIRIE";
    /// <summary>Deadline of one call to the provider. Past it the outcome is unknown and the SMS is not sent again.</summary>
    public int TimeoutSeconds { get; set; } = 15;
    /// <summary>
    /// Secret path segment of the OVH and Brevo webhooks (/sms/dlr/ovh/{secret}, /sms/inbound/ovh/{secret}): those
    /// providers do not sign their calls. 32 characters at least; empty turns those webhooks off.
    /// </summary>
    public string? WebhookSecret { get; set; }
    public OvhSmsOptions Ovh { get; set; } = new();
    public BrevoSmsOptions Brevo { get; set; } = new();
    public TwilioSmsOptions Twilio { get; set; } = new();

    /// <summary>French reasons why the configuration cannot be used; empty when it can.</summary>
    public IEnumerable<string> Problems(bool production, TimeSpan lease)
    {
        if (!Enum.IsDefined(Provider)) yield return "Sms:Provider doit valoir Ovh, Brevo, Twilio ou Development.";
        if (production && Provider == SmsProvider.Development)
            yield return "Sms:Provider=Development n'envoie rien : choisissez Ovh, Brevo ou Twilio en production.";
        if (string.IsNullOrWhiteSpace(Sender) || Sender.Length > 11 || !Sender.All(c => char.IsAsciiLetterOrDigit(c) || c == ' '))
            yield return "Sms:Sender doit compter de 1 à 11 lettres ou chiffres sans accent (exemple : MAIRIE).";
        else if (Sender.All(char.IsAsciiDigit))
            yield return "Sms:Sender doit contenir au moins une lettre : un expéditeur fait seulement de chiffres ressemble à un numéro.";
        if (TimeoutSeconds is < 1 or > 120) yield return "Sms:TimeoutSeconds doit être compris entre 1 et 120 (délai en secondes d'un appel au fournisseur).";
        else if (TimeSpan.FromSeconds(TimeoutSeconds) + TimeSpan.FromSeconds(30) > lease)
            yield return "Notifications:Lease doit dépasser d'au moins 30 secondes le délai d'attente SMS (Sms:TimeoutSeconds).";
        if (!string.IsNullOrEmpty(WebhookSecret) && (WebhookSecret.Length < 32 || !WebhookSecret.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            yield return "Sms:WebhookSecret doit compter au moins 32 lettres, chiffres, - ou _ (il figure dans l'adresse des webhooks).";
        if (production && Provider is SmsProvider.Ovh or SmsProvider.Brevo && string.IsNullOrEmpty(WebhookSecret))
            yield return $"Sms:WebhookSecret est obligatoire avec Sms:Provider={Provider} : sans lui, les accusés de réception ne sont pas reçus.";
        var problems = Provider switch
        {
            SmsProvider.Ovh => Ovh.Problems(),
            SmsProvider.Brevo => Brevo.Problems(),
            SmsProvider.Twilio => Twilio.Problems(),
            _ => [],
        };
        foreach (var p in problems) yield return p;
    }

    internal static bool IsHttpUrl(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}

public sealed class OvhSmsOptions
{
    /// <summary>API root, signed as part of each URL. Tests point it at a local fake.</summary>
    public string BaseUrl { get; set; } = "https://eu.api.ovh.com/1.0";
    public string? ApplicationKey { get; set; }
    public string? ApplicationSecret { get; set; }
    public string? ConsumerKey { get; set; }
    /// <summary>The SMS account, e.g. sms-ab12345-1.</summary>
    public string? ServiceName { get; set; }
    /// <summary>Sends from OVH's short number instead of Sms:Sender, so citizens can answer STOP or ANNULER.</summary>
    public bool SenderForResponse { get; set; }

    public IEnumerable<string> Problems()
    {
        if (!SmsOptions.IsHttpUrl(BaseUrl)) yield return "Sms:Ovh:BaseUrl doit être une adresse http(s) absolue (https://eu.api.ovh.com/1.0).";
        if (string.IsNullOrWhiteSpace(ApplicationKey)) yield return "Sms:Ovh:ApplicationKey est obligatoire avec Sms:Provider=Ovh (clé de l'application créée chez OVH).";
        if (string.IsNullOrWhiteSpace(ApplicationSecret)) yield return "Sms:Ovh:ApplicationSecret est obligatoire avec Sms:Provider=Ovh (secret de l'application créée chez OVH).";
        if (string.IsNullOrWhiteSpace(ConsumerKey)) yield return "Sms:Ovh:ConsumerKey est obligatoire avec Sms:Provider=Ovh (clé d'accès donnée par OVH au compte).";
        if (string.IsNullOrWhiteSpace(ServiceName) || !ServiceName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            yield return "Sms:Ovh:ServiceName est obligatoire avec Sms:Provider=Ovh (nom du compte SMS, par exemple sms-ab12345-1).";
    }
}

public sealed class BrevoSmsOptions
{
    public string BaseUrl { get; set; } = "https://api.brevo.com/v3";
    public string? ApiKey { get; set; }

    public IEnumerable<string> Problems()
    {
        if (!SmsOptions.IsHttpUrl(BaseUrl)) yield return "Sms:Brevo:BaseUrl doit être une adresse http(s) absolue (https://api.brevo.com/v3).";
        if (string.IsNullOrWhiteSpace(ApiKey)) yield return "Sms:Brevo:ApiKey est obligatoire avec Sms:Provider=Brevo (clé d'API du compte Brevo).";
    }
}

public sealed class TwilioSmsOptions
{
    public string BaseUrl { get; set; } = "https://api.twilio.com/2010-04-01";
    public string? AccountSid { get; set; }
    /// <summary>Signs Twilio's webhooks (X-Twilio-Signature); also the API password unless an API key is set.</summary>
    public string? AuthToken { get; set; }
    public string? ApiKeySid { get; set; }
    public string? ApiKeySecret { get; set; }
    /// <summary>Either a Messaging Service (preferred: it holds the sender pool) or Sms:Sender / a number as From.</summary>
    public string? MessagingServiceSid { get; set; }
    /// <summary>A Twilio number for two-way SMS; empty: Sms:Sender (alphanumeric, one-way).</summary>
    public string? From { get; set; }

    public IEnumerable<string> Problems()
    {
        if (!SmsOptions.IsHttpUrl(BaseUrl)) yield return "Sms:Twilio:BaseUrl doit être une adresse http(s) absolue (https://api.twilio.com/2010-04-01).";
        if (string.IsNullOrWhiteSpace(AccountSid) || !AccountSid.All(char.IsAsciiLetterOrDigit))
            yield return "Sms:Twilio:AccountSid est obligatoire avec Sms:Provider=Twilio : c'est l'identifiant du compte (AC…).";
        if (string.IsNullOrWhiteSpace(AuthToken)) yield return "Sms:Twilio:AuthToken est obligatoire avec Sms:Provider=Twilio : il vérifie la signature des webhooks.";
        if (string.IsNullOrEmpty(ApiKeySid) != string.IsNullOrEmpty(ApiKeySecret))
            yield return "Sms:Twilio:ApiKeySid et Sms:Twilio:ApiKeySecret vont ensemble : renseignez les deux ou aucun.";
    }
}
