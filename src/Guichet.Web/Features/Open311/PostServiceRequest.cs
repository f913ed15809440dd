using System.Globalization;
using System.Text.RegularExpressions;
using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Guichet.Web.Features.Requests;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Open311;

public abstract record Open311Result
{
    public sealed record Created(CitizenRequest Request, string Notice) : Open311Result;
    public sealed record Failed(int Status, IReadOnlyList<string> Errors) : Open311Result;

    public static Failed Bad(params string[] errors) => new(StatusCodes.Status400BadRequest, errors);
}

/// <summary>
/// POST /requests: turns the form an Open311 client sends into an <see cref="IncomingRequest"/> on channel Open311 and
/// files it through <see cref="ReceiveRequest"/> (which owns every rule of a request). This adapter only reads the
/// Open311 names (lat/long or lon, address_string, address_id, attribute[CODE], attribute[CODE][]), checks what Open311
/// makes mandatory (a place, the required attributes), and records which client sent it.
/// </summary>
public sealed partial class PostServiceRequest(GuichetDb db, ReceiveRequest receive, TimeProvider clock, ILogger<PostServiceRequest> log)
{
    /// <summary>
    /// Open311 makes the reporter's name optional; our requests need a surname (the tracking page's second proof). A
    /// report without one is filed under this word, which the acknowledgement then shows.
    /// </summary>
    public const string NoName = "Anonyme";
    public const string NotPinpointed = "#NOTPINPOINTED#";
    public const int MaxUrlLength = 2000;

    [GeneratedRegex(@"^attribute\[([^\[\]]{1,64})\](\[\])?$")]
    private static partial Regex AttributeName();

    public async Task<Open311Result> RunAsync(Organisation organisation, Open311ApiKey key, IFormCollection form, CancellationToken ct)
    {
        string? One(string name)
        {
            var v = form[name];
            return v.Count == 0 ? null : v[0]?.Trim() is { Length: > 0 } s ? s : null;
        }

        var code = One("service_code");
        if (code is null) return Open311Result.Bad("service_code est obligatoire.");
        var category = code.Length > 100 ? null : await db.Set<Category>().AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == code && c.OrganisationId == organisation.Id && c.Active, ct);
        if (category is null) return new Open311Result.Failed(StatusCodes.Status404NotFound, ["service_code inconnu dans cette collectivité."]);

        var errors = new List<string>();

        // The place: lat and long (lon accepted), or an address, or a BAN address id.
        var latText = One("lat");
        var lonText = One("long") ?? One("lon");
        double? lat = null, lon = null;
        if (latText is not null || lonText is not null)
        {
            if (latText is null || lonText is null) errors.Add("lat et long vont ensemble : donnez les deux, ou seulement une adresse.");
            else
            {
                lat = Coordinate(latText, 90);
                lon = Coordinate(lonText, 180);
                if (lat is null) errors.Add("lat n'est pas une latitude : un nombre décimal entre -90 et 90 (point décimal), par exemple 48.0699.");
                if (lon is null) errors.Add("long n'est pas une longitude : un nombre décimal entre -180 et 180 (point décimal), par exemple -0.7728.");
            }
        }
        var address = One("address_string");
        var addressId = One("address_id");
        var notPinpointed = addressId == NotPinpointed;
        if (addressId is not null && !notPinpointed && (addressId.Length > 100 || addressId.Any(char.IsControl)))
            errors.Add("address_id n'est pas un identifiant d'adresse BAN (100 caractères au plus).");
        if (address is not null && address.Length > 300) errors.Add("address_string dépasse 300 caractères.");
        if (latText is null && lonText is null && address is null && addressId is null)
            errors.Add("Indiquez le lieu : lat et long, ou address_string, ou address_id.");

        // Answers to the category's questions, by the codes its definition gives.
        var answers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, values) in form)
        {
            var m = AttributeName().Match(name);
            if (!m.Success) continue;
            var list = answers.TryGetValue(m.Groups[1].Value, out var l) ? l : answers[m.Groups[1].Value] = [];
            list.AddRange(values.OfType<string>().Select(v => v.Trim()).Where(v => v.Length > 0));
        }
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (_, attributeCode, field) in Open311Views.Attributes(category))
        {
            var given = answers.GetValueOrDefault(attributeCode) ?? [];
            if (given.Count == 0)
            {
                if (field.Required) errors.Add($"attribute[{attributeCode}] ({field.Label}) est obligatoire.");
                continue;
            }
            if (given.Count > 1) { errors.Add($"attribute[{attributeCode}] ({field.Label}) n'accepte qu'une valeur."); continue; }
            var value = given[0];
            switch (field.Kind)
            {
                case FieldKind.Choice:
                    var byKey = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k >= 1 && k <= field.Choices.Count ? field.Choices[k - 1] : null;
                    var chosen = byKey ?? field.Choices.FirstOrDefault(c => c == value);
                    if (chosen is null) errors.Add($"attribute[{attributeCode}] ({field.Label}) : « {Short(value)} » n'est pas une des valeurs proposées.");
                    else fields[attributeCode] = chosen;
                    break;
                case FieldKind.Date:
                    if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) fields[attributeCode] = d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    else if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dt)) fields[attributeCode] = dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    else errors.Add($"attribute[{attributeCode}] ({field.Label}) n'est pas une date (2026-12-24 ou ISO 8601).");
                    break;
                default:
                    fields[attributeCode] = value;
                    break;
            }
        }

        var email = One("email");
        var phone = One("phone");
        // We answer and acknowledge by e-mail or SMS; a report with neither could never be answered nor acknowledged.
        if (email is null && phone is null) errors.Add("Indiquez email ou phone : l'accusé de réception et la réponse partent par là.");

        var mediaUrl = One("media_url");
        if (mediaUrl is not null && (mediaUrl.Length > MaxUrlLength || !Uri.TryCreate(mediaUrl, UriKind.Absolute, out var media) || media.Scheme is not ("http" or "https")))
            errors.Add("media_url n'est pas une adresse http(s) complète.");
        if (errors.Count > 0) return new Open311Result.Failed(StatusCodes.Status400BadRequest, errors);

        var description = One("description") ?? $"Signalement « {category.Name} » reçu par Open311, sans description.";
        var placeText = address ?? (notPinpointed ? "Lieu non pointé sur la carte" : addressId is not null ? $"Adresse BAN {addressId}" : null);

        // Which application sent it (its name, never its key), and what the agents must know about the place: written
        // with the request, in the same transaction.
        var facts = new List<string> { $"Reçue par Open311 de l'application « {key.Client} »." };
        if (One("account_id") is { } account) facts.Add($"Compte chez l'application : {Short(account, 100)}.");
        if (One("device_id") is { } device) facts.Add($"Appareil : {Short(device, 100)}.");
        if (addressId is not null && !notPinpointed) facts.Add($"Identifiant d'adresse BAN : {addressId}.");
        if (notPinpointed || (lat is null && address is not null && IsOnlyPostcode(address)))
            facts.Add("À trier : le lieu n'a pas été pointé sur la carte.");
        if (mediaUrl is not null) facts.Add("Une photo est annoncée : elle sera récupérée et jointe.");

        var incoming = new IncomingRequest(organisation.Id, category.Id, RequestChannel.Open311,
            new CitizenContact(One("first_name"), One("last_name") ?? NoName, email, phone),
            description, fields, [], new RequestLocation(lat, lon, placeText), PrivateNote: string.Join(" ", facts));
        var result = await receive.RunAsync(incoming, ct);
        if (result is ReceiveResult.Refused refused)
            return new Open311Result.Failed(StatusCodes.Status400BadRequest, refused.Errors.Select(e => $"{WireName(e.Field)} : {e.Message}").ToList());
        var request = ((ReceiveResult.Received)result).Request;
        if (mediaUrl is not null)
        {
            // The fetch needs the request's id: queued right after it (if this fails, the note above says a photo was announced).
            Open311Media.Queue(db, request, mediaUrl, clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(ct);
        }
        log.LogInformation("Open311: request {RequestId} filed by client {Client}", request.Id, key.Client);
        return new Open311Result.Created(request, Open311Views.Notice(category.DaysFor(RequestChannel.Open311), request.DueDate));
    }

    /// <summary>A coordinate written with a decimal point, finite and within ±<paramref name="limit"/>.</summary>
    public static double? Coordinate(string text, double limit) =>
        text.Length <= 40 && double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var v)
        && double.IsFinite(v) && Math.Abs(v) <= limit ? v : null;

    private static bool IsOnlyPostcode(string address) => address.Length == 5 && address.All(char.IsAsciiDigit);

    private static string Short(string s, int max = 60) => s.Length <= max ? s : s[..max] + "…";

    /// <summary>Our field names, as the Open311 client knows them.</summary>
    private static string WireName(string field) => field switch
    {
        "text" => "description",
        "lastName" => "last_name",
        "firstName" => "first_name",
        "latitude" => "lat",
        "locationAddress" => "address_string",
        "email" => "email",
        "phone" => "phone",
        "category" => "service_code",
        _ when field.StartsWith("champ", StringComparison.Ordinal) => $"attribute[{field}]",
        _ => field,
    };
}
