using Microsoft.Extensions.Options;

namespace Guichet.Web.Features.Ants;

/// <summary>The <c>Ants</c> section: both ANTS systems of reference/ants.md. Secrets come from configuration or environment.</summary>
public sealed class AntsOptions
{
    /// <summary>
    /// Token the ANTS hub sends in <c>X-HUB-RDV-AUTH-TOKEN</c>. Empty: the editor endpoints refuse every call,
    /// which is what an installation not (yet) registered with ANTS wants.
    /// </summary>
    public string? HubToken { get; set; }

    /// <summary>
    /// Address the hub's citizens are sent back to (callback and management URLs), e.g. https://rdv.lorval.fr.
    /// Empty: the address the hub called, which is wrong only behind a proxy that rewrites the host.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>How long an answer to the hub may be reused. The hub sends bursts of identical queries (one per citizen search).</summary>
    public TimeSpan HubCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Coordination API base, e.g. https://api-coordination.rendezvouspasseport.ants.gouv.fr/api.</summary>
    public string? CoordinationUrl { get; set; }

    /// <summary>Token sent in <c>x-rdv-opt-auth-token</c>.</summary>
    public string? CoordinationToken { get; set; }

    /// <summary>4 s is what RDV Service Public runs in production: a counter agent never waits longer on ANTS.</summary>
    public TimeSpan CoordinationTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Runs the ANTS sync job (declare, delete, re-check) in the background. Tests turn it off and run it by hand.</summary>
    public bool SyncEnabled { get; set; } = true;

    /// <summary>How often the sync job looks for due work.</summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Jobs claimed per run: each may take up to CoordinationTimeout.</summary>
    public int SyncBatchSize { get; set; } = 20;

    /// <summary>Serves an in-memory coordination API under <see cref="FakeCoordinationApi.BasePath"/>, for the demo and tests.</summary>
    public bool UseLocalFake { get; set; }
}

/// <summary>Start-up validation: a wrong ANTS setting stops the app with a French message instead of failing on the first call.</summary>
public sealed class AntsOptionsValidator(IHostEnvironment environment) : IValidateOptions<AntsOptions>
{
    public ValidateOptionsResult Validate(string? name, AntsOptions o)
    {
        var errors = new List<string>();
        if (!string.IsNullOrEmpty(o.HubToken) && o.HubToken.Length < 16)
            errors.Add("Ants:HubToken doit compter au moins 16 caractères (jeton fourni par l'ANTS).");
        if (!IsHttpUrl(o.PublicBaseUrl, allowEmpty: true))
            errors.Add("Ants:PublicBaseUrl doit être une adresse http(s) absolue, par exemple https://rdv.ma-mairie.fr.");
        if (o.HubCacheDuration < TimeSpan.Zero || o.HubCacheDuration > TimeSpan.FromMinutes(10))
            errors.Add("Ants:HubCacheDuration va de 00:00:00 (pas de cache) à 00:10:00.");
        // The local fake may be named by its path on this app (the demo's default).
        if (!IsHttpUrl(o.CoordinationUrl, allowEmpty: true) && !(o.UseLocalFake && o.CoordinationUrl == FakeCoordinationApi.BasePath))
            errors.Add("Ants:CoordinationUrl doit être une adresse http(s) absolue, par exemple https://api-coordination.rendezvouspasseport.ants.gouv.fr/api.");
        if (!string.IsNullOrEmpty(o.CoordinationUrl) && string.IsNullOrEmpty(o.CoordinationToken))
            errors.Add("Ants:CoordinationUrl demande Ants:CoordinationToken (jeton fourni par l'ANTS).");
        if (o.CoordinationTimeout <= TimeSpan.Zero || o.CoordinationTimeout > TimeSpan.FromSeconds(30))
            errors.Add("Ants:CoordinationTimeout va de 00:00:00.001 à 00:00:30 (4 secondes conseillées).");
        if (o.SyncInterval < TimeSpan.FromSeconds(1) || o.SyncInterval > TimeSpan.FromHours(1))
            errors.Add("Ants:SyncInterval va de 00:00:01 à 01:00:00.");
        if (o.SyncBatchSize is < 1 or > 500)
            errors.Add("Ants:SyncBatchSize va de 1 à 500.");
        if (o.UseLocalFake && environment.IsProduction())
            errors.Add("Ants:UseLocalFake est réservé au développement et aux tests : il ne peut pas être activé en production.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsHttpUrl(string? text, bool allowEmpty) =>
        string.IsNullOrEmpty(text) ? allowEmpty
        : Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
