using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Guichet.Web.Features.Ants;

// Field names are the hub's (snake_case), hence the explicit names over the app's camelCase default.
public sealed record HubMeetingPoint(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("longitude")] double Longitude,
    [property: JsonPropertyName("latitude")] double Latitude,
    [property: JsonPropertyName("public_entry_address")] string PublicEntryAddress,
    [property: JsonPropertyName("zip_code")] string ZipCode,
    [property: JsonPropertyName("city_name")] string CityName);

public sealed record HubAppointment(
    [property: JsonPropertyName("meeting_point")] string MeetingPoint,
    [property: JsonPropertyName("datetime")] string DateTime,
    [property: JsonPropertyName("management_url")] string ManagementUrl,
    [property: JsonPropertyName("cancel_url")] string CancelUrl);

/// <summary>
/// The three GET endpoints the ANTS hub calls (reference/ants.md, part A). Arrays come as repeated keys; dates
/// go out as the site's wall-clock time followed by a literal Z, because the hub displays exactly that text.
/// </summary>
public static partial class HubApi
{
    public const string TokenHeader = "X-HUB-RDV-AUTH-TOKEN";
    /// <summary>Deposit motifs only: a withdrawal cannot be booked from the ANTS site.</summary>
    public static readonly string[] Reasons = ["CNI", "PASSPORT", "CNI-PASSPORT"];
    private const int MaxMeetingPoints = 200;
    private const int MaxApplicationIds = 50;

    public static void MapHubApi(this IEndpointRouteBuilder app)
    {
        // No per-address rate limit: every citizen search on the ANTS site arrives from the hub's few addresses.
        var hub = app.MapGroup("/api/ants").WithTags("ANTS (éditeur)").AddEndpointFilter(CheckTokenAsync);

        hub.MapGet("/getManagedMeetingPoints", async (GuichetDb db, CancellationToken ct) =>
        {
            var sites = await ConnectedSites(db).OrderBy(s => s.Id).ToListAsync(ct);
            var offered = await SitesOfferingDepositsAsync(db, sites, ct);
            return Results.Ok(sites.Where(s => offered.Contains(s.Id)).Select(s =>
                new HubMeetingPoint(s.Id, s.Name, s.Longitude, s.Latitude, s.Address, s.PostalCode, s.City)));
        }).WithSummary("Lieux d'accueil proposés sur le site de l'ANTS");

        hub.MapGet("/availableTimeSlots", async (HttpRequest http, HubAvailability availability, GuichetDb db, CancellationToken ct) =>
        {
            var q = http.Query;
            var ids = q["meeting_point_ids"].Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()).Distinct(StringComparer.Ordinal).ToList();
            if (ids.Count == 0) return Problems.BadRequest("Indiquez au moins un lieu (paramètre meeting_point_ids, répété pour chaque lieu).");
            if (ids.Count > MaxMeetingPoints) return Problems.BadRequest($"Indiquez {MaxMeetingPoints} lieux au plus.");
            if (!TryDate(q["start_date"], out var from) || !TryDate(q["end_date"], out var to))
                return Problems.BadRequest("Les dates start_date et end_date sont obligatoires et s'écrivent AAAA-MM-JJ, par exemple 2026-12-01.");
            if (from > to) return Problems.BadRequest("La date de début (start_date) doit précéder la date de fin (end_date) ou lui être égale.");
            string reason = q["reason"].ToString();
            if (!Reasons.Contains(reason, StringComparer.Ordinal))
                return Problems.BadRequest("Le motif (paramètre reason) doit être CNI, PASSPORT ou CNI-PASSPORT.");
            var documentsText = q["documents_number"].ToString();
            var documents = 1;
            if (documentsText.Length > 0 && (!int.TryParse(documentsText, NumberStyles.None, CultureInfo.InvariantCulture, out documents) || documents < 1))
                return Problems.BadRequest("documents_number est un nombre entier au moins égal à 1 (nombre de demandes, une par personne).");

            var known = await ConnectedSites(db).Where(s => ids.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
            var unknown = ids.Except(known, StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
                return Results.Problem(title: "Lieu d'accueil inconnu.", statusCode: StatusCodes.Status404NotFound,
                    detail: $"Unknown Meeting Point ID : {string.Join(", ", unknown)} (lieu inconnu, fermé ou non relié à l'ANTS).");

            var search = Stopwatch.StartNew();
            var slots = await availability.SlotsJsonAsync(ids, reason, documents, from, to, availability.BaseUrl(http), ct);
            // Lets an operator (and the bench) see the server's share of the hub's 15-second budget: all of it, and the search alone.
            http.HttpContext.Response.Headers["Server-Timing"] = $"slots;dur={search.Elapsed.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)}, search;dur={availability.SearchTime.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)}";
            return Results.Stream(async body =>
            {
                // {"id":[…],"id":[…]}: the per-site arrays are already JSON, kept as bytes.
                await body.WriteAsync("{"u8.ToArray(), ct);
                var first = true;
                foreach (var id in ids)
                {
                    if (!first) await body.WriteAsync(","u8.ToArray(), ct);
                    first = false;
                    await body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(id), ct);
                    await body.WriteAsync(":"u8.ToArray(), ct);
                    await body.WriteAsync(slots[id], ct);
                }
                await body.WriteAsync("}"u8.ToArray(), ct);
            }, "application/json; charset=utf-8");
        }).WithSummary("Créneaux libres par lieu, pour le site de l'ANTS");

        hub.MapGet("/searchApplicationIds", async (HttpRequest http, HubAvailability availability, GuichetDb db, TimeProvider clock, CancellationToken ct) =>
        {
            // The hub accepts several numbers pasted in one field with separators: accept them here too.
            var ids = http.Query["application_ids"]
                .SelectMany(v => Separators().Split(v ?? ""))
                .Select(v => v.Trim().ToUpperInvariant()).Where(v => v.Length > 0)
                .Distinct(StringComparer.Ordinal).ToList();
            if (ids.Count == 0) return Problems.BadRequest("Indiquez au moins un numéro de pré-demande (paramètre application_ids, répété pour chaque numéro).");
            if (ids.Count > MaxApplicationIds) return Problems.BadRequest($"Indiquez {MaxApplicationIds} numéros au plus.");

            var now = clock.GetUtcNow().UtcDateTime;
            var baseUrl = availability.BaseUrl(http);
            var answer = new Dictionary<string, List<HubAppointment>>(StringComparer.Ordinal);
            foreach (var id in ids)
            {
                answer[id] = [];
                // Anything but 10 letters or digits cannot be a number we stored; it is also what keeps LIKE wildcards out.
                if (!ApplicationId().IsMatch(id)) continue;
                // The column holds numbers separated by single spaces: padding both sides with a space matches whole
                // numbers only, never a number that merely contains this one.
                var found = await db.Appointments.AsNoTracking()
                    .Where(a => a.Status == AppointmentStatus.Booked && a.EndUtc > now
                                && EF.Functions.Like(" " + a.PreRequestNumbers + " ", "% " + id + " %"))
                    .Join(db.Sites.AsNoTracking(), a => a.SiteId, s => s.Id, (a, s) => new { a.Code, a.StartUtc, a.PreRequestNumbers, s.Name, s.TimeZone })
                    .OrderBy(x => x.StartUtc)
                    .ToListAsync(ct);
                foreach (var a in found.Where(a => a.PreRequestNumbers.Split(' ').Contains(id, StringComparer.Ordinal)))
                {
                    // The manage link's token is stored hashed and cannot be rebuilt: the appointment's own page asks for it.
                    var url = $"{baseUrl}/rendez-vous/{a.Code}";
                    answer[id].Add(new HubAppointment(a.Name, WallClockZ(FrenchDates.ToOffset(a.StartUtc, a.TimeZone)), url, url));
                }
            }
            return Results.Ok(answer);
        }).WithSummary("Rendez-vous connus pour des numéros de pré-demande");
    }

    /// <summary>Sites shown to ANTS: open, and marked "connected to ANTS" by an administrator.</summary>
    internal static IQueryable<Site> ConnectedSites(GuichetDb db) => db.Sites.AsNoTracking().Where(s => s.Active && s.AntsConnected);

    /// <summary>Sites whose organisation has a deposit motif and where an open station has opening hours for one.</summary>
    private static async Task<HashSet<string>> SitesOfferingDepositsAsync(GuichetDb db, List<Site> sites, CancellationToken ct)
    {
        var organisationIds = sites.Select(s => s.OrganisationId).Distinct().ToList();
        var withReason = (await db.Reasons.AsNoTracking()
            .Where(r => organisationIds.Contains(r.OrganisationId) && Reasons.Contains(r.Code))
            .Select(r => r.OrganisationId).ToListAsync(ct)).ToHashSet();
        var siteIds = sites.Select(s => s.Id).ToList();
        var rules = await db.Stations.AsNoTracking()
            .Where(st => st.Active && siteIds.Contains(st.SiteId))
            .Join(db.OpeningRules.AsNoTracking(), st => st.Id, r => r.StationId, (st, r) => new { st.SiteId, r.ReasonCodes })
            .ToListAsync(ct);
        var withHours = rules.Where(r => r.ReasonCodes.Split(' ').Intersect(Reasons).Any()).Select(r => r.SiteId).ToHashSet();
        return sites.Where(s => withReason.Contains(s.OrganisationId) && withHours.Contains(s.Id)).Select(s => s.Id).ToHashSet();
    }

    /// <summary>"2026-03-19T09:00Z" for 9:00 in the site's time zone: the hub shows this text as it is (see reference, date quirk).</summary>
    public static string WallClockZ(DateTimeOffset local) => local.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) + "Z";

    private static bool TryDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static async ValueTask<object?> CheckTokenAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var expected = http.RequestServices.GetRequiredService<IOptions<AntsOptions>>().Value.HubToken;
        var sent = http.Request.Headers[TokenHeader].ToString();
        // No token configured means "not registered with ANTS": nobody gets in, not even with an empty header.
        if (string.IsNullOrEmpty(expected) || sent.Length == 0 || !SameSecret(sent, expected))
            return Results.Problem(title: "Jeton ANTS absent ou invalide.", detail: "X-HUB-RDV-AUTH-TOKEN header invalid",
                statusCode: StatusCodes.Status401Unauthorized);
        return await next(context);
    }

    /// <summary>Constant time, also in the length: both sides are hashed to 32 bytes before the comparison.</summary>
    private static bool SameSecret(string sent, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(sent)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    [GeneratedRegex("^[A-Z0-9]{10}$")]
    private static partial Regex ApplicationId();

    [GeneratedRegex(@"[,;:\-/.\s]+")]
    private static partial Regex Separators();
}
