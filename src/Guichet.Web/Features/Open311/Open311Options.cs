namespace Guichet.Web.Features.Open311;

/// <summary>One client application allowed to post: its secret key, the organisation it posts into, its name for the history.</summary>
public sealed class Open311ApiKey
{
    /// <summary>The secret the client sends as the <c>api_key</c> form field (at least 24 characters). Never logged.</summary>
    public string Key { get; set; } = "";
    /// <summary>The organisation (jurisdiction) the key posts into; a key never reaches another one.</summary>
    public string Organisation { get; set; } = "";
    /// <summary>The client's name, written in each request's history (never the key).</summary>
    public string Client { get; set; } = "";
    /// <summary>Set to false to revoke the key without deleting its line.</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>Section "Open311": the GeoReport v2 door (/open311/v2/).</summary>
public sealed class Open311Options
{
    public const int MinKeyLength = 24;

    public List<Open311ApiKey> ApiKeys { get; set; } = [];
    /// <summary>Writes (POST requests and updates) per minute and per key.</summary>
    public int PostsPerMinute { get; set; } = 120;
    /// <summary>At most this many requests or updates in one GET answer (FixMyStreet caps at 1,000).</summary>
    public int MaxResults { get; set; } = 1000;
    /// <summary>Without start_date or end_date, GET requests covers this many days back from now.</summary>
    public int DefaultWindowDays { get; set; } = 90;
    /// <summary>Who to contact about the endpoint, shown by discovery.</summary>
    public string Contact { get; set; } = "Contactez l'administrateur de la plateforme Guichet de votre collectivité.";
    /// <summary>How to obtain a key, shown by discovery.</summary>
    public string KeyService { get; set; } = "Les clés sont délivrées par l'administrateur de la plateforme, une par application et par collectivité.";
    /// <summary>Lets media_url point to loopback and private addresses. For tests only: otherwise a client could make us fetch inside our network.</summary>
    public bool MediaAllowPrivateHosts { get; set; }
    /// <summary>"production" or "test", shown by discovery.</summary>
    public string EndpointType { get; set; } = "production";

    public IEnumerable<string> Problems()
    {
        if (PostsPerMinute < 1) yield return "Open311:PostsPerMinute vaut au moins 1.";
        if (MaxResults is < 1 or > 10_000) yield return "Open311:MaxResults est compris entre 1 et 10000.";
        if (DefaultWindowDays is < 1 or > 3660) yield return "Open311:DefaultWindowDays est compris entre 1 et 3660.";
        if (EndpointType is not ("production" or "test")) yield return "Open311:EndpointType vaut « production » ou « test ».";
        for (var i = 0; i < ApiKeys.Count; i++)
        {
            var k = ApiKeys[i];
            // The key itself is never repeated in a message: only its position.
            if (k.Key.Length < MinKeyLength || k.Key.Any(char.IsWhiteSpace))
                yield return $"Open311:ApiKeys:{i}:Key doit faire au moins {MinKeyLength} caractères, sans espace.";
            if (string.IsNullOrWhiteSpace(k.Organisation)) yield return $"Open311:ApiKeys:{i}:Organisation est obligatoire.";
            if (string.IsNullOrWhiteSpace(k.Client) || k.Client.Length > 100) yield return $"Open311:ApiKeys:{i}:Client est obligatoire (100 caractères au plus).";
        }
        if (ApiKeys.GroupBy(k => k.Key, StringComparer.Ordinal).Any(g => g.Count() > 1)) yield return "Open311:ApiKeys contient deux fois la même clé.";
    }
}
