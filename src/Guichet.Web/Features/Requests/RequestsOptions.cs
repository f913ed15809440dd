namespace Guichet.Web.Features.Requests;

/// <summary>Section "Requests": citizen requests (intake limits, tracking, acknowledgement links).</summary>
public sealed class RequestsOptions
{
    /// <summary>Where a citizen finds help near home; printed on every acknowledgement.</summary>
    public string FranceServicesUrl { get; set; } = "https://www.france-services.gouv.fr/";
    public int MaxAttachments { get; set; } = 3;
    public int MaxAttachmentBytes { get; set; } = 5 * 1024 * 1024;
    /// <summary>Requests sent per minute and per client address (the web form).</summary>
    public int IntakePerMinute { get; set; } = 10;
    /// <summary>Tracking look-ups per minute and per client address.</summary>
    public int TrackingPerMinute { get; set; } = 10;
    /// <summary>Tracking look-ups per day and per client address: what a patient guesser gets (RateLimitTests computes the odds).</summary>
    public int TrackingPerDay { get; set; } = 50;

    /// <summary>The largest multipart body the form accepts: every file at its limit, plus the fields.</summary>
    public const long MaxFormBytes = 20L * 1024 * 1024;

    public IEnumerable<string> Problems()
    {
        if (!Uri.TryCreate(FranceServicesUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            yield return "Requests:FranceServicesUrl doit être une adresse http(s) complète.";
        if (MaxAttachments is < 0 or > 10) yield return "Requests:MaxAttachments doit être compris entre 0 et 10.";
        if (MaxAttachmentBytes < 1024 || (long)MaxAttachmentBytes * MaxAttachments > MaxFormBytes - 1024 * 1024)
            yield return "Requests:MaxAttachmentBytes est hors limites (au moins 1 Ko, et toutes les pièces ensemble sous 19 Mo).";
        if (IntakePerMinute < 1 || TrackingPerMinute < 1 || TrackingPerDay < 1) yield return "Requests:IntakePerMinute, TrackingPerMinute et TrackingPerDay valent au moins 1.";
    }
}
