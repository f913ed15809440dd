using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Guichet.Web.Data;
using Guichet.Web.Features.Nearby;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Appointments;

public sealed record SiteDto(string Id, string Name, string Address, string PostalCode, string City, double Latitude, double Longitude, string TimeZone)
{
    public static SiteDto From(Site s) => new(s.Id, s.Name, s.Address, s.PostalCode, s.City, s.Latitude, s.Longitude, s.TimeZone);
}

public sealed record ReasonDto(string Code, string Name, int MinutesPerPerson, int MinutesWithPreRequest, int MaxPersons);
public sealed record SlotDto(string Site, DateTimeOffset Start, DateTimeOffset End,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? DistanceKm = null);
public sealed record SlotsDto(IReadOnlyList<SlotDto> Slots);

public sealed record CreateAppointmentDto(
    string? Site, string? Reason, string? Start, int? Persons, string? FirstName, string? LastName,
    string? Email, string? Phone, List<string>? PreRequestNumbers);

public sealed record CreatedAppointmentDto(string Id, string Code, string Site, string Reason, DateTimeOffset Start, DateTimeOffset End, string ManageUrl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Warnings = null);

public sealed record AppointmentDto(
    string Id, string Code, string Status, string Site, string SiteName, string Address, string Reason,
    DateTimeOffset Start, DateTimeOffset End, int Persons, string FirstName, string LastName,
    string? Email, string? Phone, IReadOnlyList<string> PreRequestNumbers);

public sealed record CancelledDto(string Status);

[JsonSerializable(typeof(CreateAppointmentDto))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, MaxDepth = 16)]
internal sealed partial class ApiJson : JsonSerializerContext;

/// <summary>Public JSON API v1: the stable contract of DESIGN.md.</summary>
public static class PublicApi
{
    private const int MaxBodyBytes = 32 * 1024;

    public static void MapPublicApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("API publique v1").RequireRateLimiting("public-api");

        api.MapGet("/sites", async (GuichetDb db, CancellationToken ct) =>
            (await db.Sites.AsNoTracking().Where(s => s.Active).OrderBy(s => s.Name).ToListAsync(ct)).Select(SiteDto.From))
            .WithSummary("Lieux d'accueil");

        api.MapGet("/reasons", async (string? site, GuichetDb db, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(site)) return Problems.Validation("site", "Indiquez le lieu d'accueil (paramètre site).");
            var found = await db.Sites.AsNoTracking().FirstOrDefaultAsync(s => s.Id == site && s.Active, ct);
            if (found is null) return Problems.NotFound("Ce lieu d'accueil n'existe pas.");
            var reasons = await db.Reasons.AsNoTracking().Where(r => r.OrganisationId == found.OrganisationId)
                .OrderBy(r => r.SortOrder).ToListAsync(ct);
            return Results.Ok(reasons.Select(r => new ReasonDto(r.Code, r.Name, r.MinutesPerPerson, r.MinutesWithPreRequest, r.MaxPersons)));
        }).WithSummary("Motifs d'un lieu");

        api.MapGet("/slots", async (HttpRequest http, FindSlots finder, Nearby.FindPlace places, TimeProvider clock, CancellationToken ct) =>
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var q = http.Query;
            var errors = new List<Domain.Scheduling.FieldError>();
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var from = ParseDate(q["from"], "from", today, errors);
            // A from at the very end of the calendar has no 30 days after it; the range check refuses it below.
            var to = ParseDate(q["to"], "to", from <= DateOnly.MaxValue.AddDays(-30) ? from.AddDays(30) : DateOnly.MaxValue, errors);
            var persons = ParseInt(q["persons"], "persons", 1, errors);
            string reason = q["reason"].ToString();
            if (string.IsNullOrWhiteSpace(reason)) errors.Add(new("reason", "Indiquez le motif (paramètre reason : CNI, PASSPORT, CNI-PASSPORT ou WITHDRAWAL)."));
            var preRequests = ParseInt(q["preRequests"], "preRequests", 0, errors);
            if (preRequests < 0 || preRequests > persons) errors.Add(new("preRequests", "Le nombre de pré-demandes va de 0 au nombre de personnes."));
            var siteIds = q["site"].Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!).ToList();
            if (siteIds.Count > 200) errors.Add(new("site", "Indiquez 200 lieux au plus."));
            var limit = ParseInt(q["limit"], "limit", 500, errors);
            if (limit is < 1 or > 500) errors.Add(new("limit", "Le paramètre limit va de 1 à 500."));
            var radius = q["radiusKm"].Count > 0 ? ParseInt(q["radiusKm"], "radiusKm", 0, errors) : (int?)null;
            if (radius is < 1 or > 1000) errors.Add(new("radiusKm", "Le rayon (radiusKm) va de 1 à 1000 kilomètres."));
            Nearby.Place? near = null;
            if (q["near"].Count > 0)
            {
                switch (await places.RunAsync(q["near"].ToString(), ct))
                {
                    case Nearby.PlaceResult.Refused refused: errors.Add(refused.Error); break;
                    case Nearby.PlaceResult.Found found: near = found.Place; break;
                }
            }
            else if (radius is not null) errors.Add(new("near", "Un rayon (radiusKm) se mesure autour d'un lieu : indiquez aussi near (code postal ou commune)."));
            if (errors.Count > 0) return Problems.Validation(errors);

            var result = await finder.RunAsync(new SlotQuery(siteIds, reason, persons, preRequests, from, to, limit, near?.Point, radius), ct);
            // How long the search took in the app, before the body travels (read by bench/ territory).
            http.HttpContext.Response.Headers["Server-Timing"] = $"slots;dur={watch.Elapsed.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)}";
            return result switch
            {
                SlotSearchResult.Found f => Results.Ok(new SlotsDto(f.Slots.Select(s => new SlotDto(
                    s.Site.Id, FrenchDates.ToOffset(s.StartUtc, s.Site.TimeZone), FrenchDates.ToOffset(s.EndUtc, s.Site.TimeZone),
                    s.DistanceKm is { } km ? Math.Round(km, 1) : null)).ToList())),
                SlotSearchResult.Refused r => Problems.Validation([r.Error]),
                _ => throw new InvalidOperationException(),
            };
        }).WithSummary("Créneaux libres, du plus proche au plus lointain (ou par jour puis par distance avec near)").WithSlotQueryParameters();

        api.MapPost("/appointments", async (HttpContext http, BookAppointment book, CancellationToken ct) =>
        {
            var (body, problem) = await ReadJsonAsync(http.Request, ct);
            if (problem is not null) return problem;
            var errors = new List<Domain.Scheduling.FieldError>();
            DateTimeOffset? start = null;
            if (string.IsNullOrWhiteSpace(body!.Start)) errors.Add(new("start", "Indiquez le début du créneau (start)."));
            else if (!DateTimeOffset.TryParse(body.Start, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) || !HasOffset(body.Start))
                errors.Add(new("start", "Le début du créneau doit être une date ISO 8601 avec son décalage horaire, par exemple 2026-12-01T09:00:00+01:00."));
            else start = parsed;
            if (body.Persons is null) errors.Add(new("persons", "Indiquez le nombre de personnes (persons)."));
            if (errors.Count > 0) return Problems.Validation(errors);

            var request = new BookingRequest(body.Site, body.Reason, start, body.Persons!.Value, body.FirstName, body.LastName,
                body.Email, body.Phone, body.PreRequestNumbers?.Where(n => n is not null).ToList() ?? []);
            return await book.RunAsync(request, Booker.Citizen, ct) switch
            {
                BookingResult.Booked b => Results.Created($"/api/v1/appointments/{b.Appointment.Code}", new CreatedAppointmentDto(
                    b.Appointment.Id, b.Appointment.Code, b.Site.Id, b.Reason.Code,
                    FrenchDates.ToOffset(b.Appointment.StartUtc, b.Site.TimeZone), FrenchDates.ToOffset(b.Appointment.EndUtc, b.Site.TimeZone),
                    ManageUrl(http.Request, b.Appointment.Code, b.ManageToken), b.Warnings is { Count: > 0 } w ? w : null)),
                BookingResult.SlotTaken => Problems.Conflict("Ce créneau vient d'être pris. Choisissez-en un autre."),
                BookingResult.Duplicate d => Duplicates.DuplicateProblem.For(d.Message),
                BookingResult.Refused r => Problems.Validation(r.Errors),
                _ => throw new InvalidOperationException(),
            };
        }).WithSummary("Prendre un rendez-vous").RequireRateLimiting("booking");

        api.MapGet("/appointments/{code}", async (string code, string? token, GuichetDb db, CancellationToken ct) =>
        {
            var a = await CancelAppointment.FindByTokenAsync(db, code, token, ct);
            if (a is null) return NotFoundAppointment();
            var site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == a.SiteId, ct);
            return Results.Ok(ToDto(a, site));
        }).WithSummary("Voir un rendez-vous (code et jeton du lien de gestion)").RequireRateLimiting("manage");

        api.MapPost("/appointments/{code}/cancel", async (string code, string? token, CancelAppointment cancel, CancellationToken ct) =>
            await cancel.ByCitizenAsync(code, token, ct) switch
            {
                CancelResult.Cancelled => Results.Ok(new CancelledDto("cancelled")),
                CancelResult.NotFound => NotFoundAppointment(),
                CancelResult.TooLate t => Problems.Conflict(t.Message),
                _ => throw new InvalidOperationException(),
            }).WithSummary("Annuler un rendez-vous").RequireRateLimiting("manage");
    }

    public static string ManageUrl(HttpRequest request, string code, string token) =>
        $"{request.Scheme}://{request.Host}/rendez-vous/{code}?token={Uri.EscapeDataString(token)}";

    public static AppointmentDto ToDto(Appointment a, Site site) => new(
        a.Id, a.Code, Agenda.AppointmentStates.ApiStatus(a), site.Id, site.Name,
        $"{site.Address}, {site.PostalCode} {site.City}", a.ReasonCode,
        FrenchDates.ToOffset(a.StartUtc, site.TimeZone), FrenchDates.ToOffset(a.EndUtc, site.TimeZone), a.Persons,
        a.FirstName, a.LastName, a.Email, a.Phone,
        a.PreRequestNumbers.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static IResult NotFoundAppointment() =>
        Problems.NotFound("Aucun rendez-vous ne correspond à ce code et à ce lien. Vérifiez le lien reçu lors de la réservation.");

    private static async Task<(CreateAppointmentDto? Body, IResult? Problem)> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return (null, Problems.UnsupportedMediaType());
        if (request.ContentLength > MaxBodyBytes)
            return (null, Results.Problem(title: "Requête trop volumineuse.", detail: "Le corps de la requête dépasse 32 Ko.", statusCode: 413));
        try
        {
            // Read at most MaxBodyBytes even when the client lies about (or omits) the length.
            using var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxBodyBytes)
                    return (null, Results.Problem(title: "Requête trop volumineuse.", detail: "Le corps de la requête dépasse 32 Ko.", statusCode: 413));
            }
            var body = JsonSerializer.Deserialize(buffer.ToArray(), ApiJson.Default.CreateAppointmentDto);
            if (body is null) return (null, Problems.BadRequest("Le corps de la requête est vide."));
            // Like the query string (see the platform), no field may hold a NUL: PostgreSQL could not even compare it.
            string?[] texts = [body.Site, body.Reason, body.Start, body.FirstName, body.LastName, body.Email, body.Phone, .. body.PreRequestNumbers ?? []];
            return texts.Any(t => t?.Contains('\0') == true)
                ? (null, Problems.BadRequest("Un champ contient un caractère nul (\\u0000), qui n'est accepté nulle part."))
                : (body, null);
        }
        catch (JsonException)
        {
            return (null, Problems.BadRequest("Le corps de la requête n'est pas un JSON valide ou un champ n'a pas le bon type (persons est un nombre, les autres champs du texte)."));
        }
    }

    private static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && (text[^6] == '+' || text[^6] == '-') && text[^3] == ':');

    private static DateOnly ParseDate(string? text, string field, DateOnly fallback, List<Domain.Scheduling.FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        errors.Add(new(field, $"La date {field} doit s'écrire AAAA-MM-JJ, par exemple 2026-12-01."));
        return fallback;
    }

    private static int ParseInt(string? text, string field, int fallback, List<Domain.Scheduling.FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
        errors.Add(new(field, $"Le paramètre {field} doit être un nombre entier."));
        return fallback;
    }
}
