namespace Guichet.Web.Features.Notifications;

/// <summary>Section "Notifications": the outbox dispatcher.</summary>
public sealed class NotificationsOptions
{
    /// <summary>Runs the dispatcher in the background. Tests turn it off and call RunOnceAsync themselves.</summary>
    public bool Enabled { get; set; } = true;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
    public int BatchSize { get; set; } = 50;
    /// <summary>After this many attempts refused by the provider, the message is Failed.</summary>
    public int MaxAttempts { get; set; } = 12;
    /// <summary>How long a claim holds; past it, an unfinished send is known to have been interrupted.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>
    /// How many sends of one batch are under way at once. A send mostly waits for the mail server or the SMS
    /// provider, so a few in parallel multiply what one node gets out; messages about one appointment on one channel
    /// still leave one after the other, in order.
    /// </summary>
    public int SendParallelism { get; set; } = 4;

    public IEnumerable<string> Problems(TimeSpan smtpTimeout)
    {
        if (PollInterval < TimeSpan.FromMilliseconds(100) || PollInterval > TimeSpan.FromHours(1))
            yield return "Notifications:PollInterval doit être compris entre 00:00:00.1 et 01:00:00.";
        if (BatchSize is < 1 or > 1000) yield return "Notifications:BatchSize doit être compris entre 1 et 1000.";
        if (MaxAttempts is < 1 or > 100) yield return "Notifications:MaxAttempts doit être compris entre 1 et 100.";
        if (SendParallelism is < 1 or > 64) yield return "Notifications:SendParallelism doit être compris entre 1 et 64.";
        // A lease shorter than one send would let a live send look interrupted.
        if (Lease < smtpTimeout + TimeSpan.FromSeconds(30))
            yield return "Notifications:Lease doit dépasser d'au moins 30 secondes le délai d'attente SMTP (Mail:Smtp:TimeoutSeconds).";
    }
}

/// <summary>Section "App": what the app needs to know about itself.</summary>
public sealed class AppOptions
{
    /// <summary>The address citizens reach the app at; links in messages start with it.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";

    public IEnumerable<string> Problems()
    {
        if (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            yield return "App:PublicBaseUrl doit être une adresse http(s) complète, par exemple https://rdv.mairie.fr.";
    }
}
