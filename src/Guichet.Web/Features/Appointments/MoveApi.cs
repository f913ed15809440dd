using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Guichet.Web.Platform;

namespace Guichet.Web.Features.Appointments;

public sealed record MoveAppointmentDto(string? Start);

public sealed record MovedAppointmentDto(string Id, string Code, string Status, string Site, DateTimeOffset Start, DateTimeOffset End, DateTimeOffset PreviousStart);

[JsonSerializable(typeof(MoveAppointmentDto))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, MaxDepth = 4)]
internal sealed partial class MoveJson : JsonSerializerContext;

/// <summary><c>POST /api/v1/appointments/{code}/move?token=T {start}</c>: the citizen's move over the public API.</summary>
public static class MoveApi
{
    private const int MaxBodyBytes = 4 * 1024;

    public static void MapMoveApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/appointments/{code}/move", async (string code, string? token, HttpRequest http, MoveAppointment move, CancellationToken ct) =>
        {
            if (http.ContentType is null || !http.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
                return Problems.UnsupportedMediaType();
            var (start, problem) = await ReadStartAsync(http, ct);
            if (problem is not null) return problem;
            return await move.ByCitizenAsync(code, token, start, ct) switch
            {
                MoveResult.Moved m => Results.Ok(new MovedAppointmentDto(m.Appointment.Id, m.Appointment.Code, "booked", m.Site.Id,
                    FrenchDates.ToOffset(m.Appointment.StartUtc, m.Site.TimeZone), FrenchDates.ToOffset(m.Appointment.EndUtc, m.Site.TimeZone),
                    FrenchDates.ToOffset(m.Move.FromStartUtc, m.Site.TimeZone))),
                MoveResult.NotFound => Problems.NotFound("Aucun rendez-vous ne correspond à ce code et à ce lien. Vérifiez le lien reçu lors de la réservation."),
                MoveResult.SlotTaken => Problems.Conflict("Ce créneau vient d'être pris. Votre rendez-vous reste à son heure : choisissez un autre créneau."),
                MoveResult.Refused r => Problems.Validation(r.Field, r.Message),
                _ => throw new InvalidOperationException(),
            };
        }).WithTags("API publique v1").WithSummary("Déplacer un rendez-vous (l'ancien créneau n'est libéré que si le nouveau est réservé)")
          .RequireRateLimiting("public-api").RequireRateLimiting("manage");
    }

    private static async Task<(DateTimeOffset? Start, IResult? Problem)> ReadStartAsync(HttpRequest request, CancellationToken ct)
    {
        var tooLarge = Results.Problem(title: "Requête trop volumineuse.", detail: "Le corps de la requête dépasse 4 Ko.", statusCode: 413);
        if (request.ContentLength > MaxBodyBytes) return (null, tooLarge);
        using var buffer = new MemoryStream();
        var chunk = new byte[1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes) return (null, tooLarge);
        }
        MoveAppointmentDto? body;
        try { body = JsonSerializer.Deserialize(buffer.ToArray(), MoveJson.Default.MoveAppointmentDto); }
        catch (JsonException) { return (null, Problems.BadRequest("Le corps de la requête n'est pas un JSON valide : {\"start\": \"2026-12-01T09:00:00+01:00\"}.")); }
        if (string.IsNullOrWhiteSpace(body?.Start)) return (null, Problems.Validation("start", "Indiquez le début du nouveau créneau (start)."));
        var text = body.Start;
        var hasOffset = text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && (text[^6] == '+' || text[^6] == '-') && text[^3] == ':');
        if (!hasOffset || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var start))
            return (null, Problems.Validation("start", "Le début du créneau doit être une date ISO 8601 avec son décalage horaire, par exemple 2026-12-01T09:00:00+01:00."));
        return (start, null);
    }
}
