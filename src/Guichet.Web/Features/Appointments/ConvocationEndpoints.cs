using Guichet.Web.Data;
using Guichet.Web.Features.Notifications;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Appointments;

/// <summary>
/// Downloads of the convocation: by the citizen with the code and the manage token (a wrong code or token is a 404,
/// never telling which), and by agents of the organisation or of the partner town hall that booked it (anyone else:
/// 404, as if it did not exist).
/// </summary>
public static class ConvocationEndpoints
{
    public const string PdfType = "application/pdf";
    public const string CalendarType = "text/calendar; charset=utf-8";

    public static WebApplication MapConvocations(this WebApplication app)
    {
        var citizen = app.MapGroup("/rendez-vous/{code}").RequireRateLimiting("manage").ExcludeFromDescription();
        citizen.MapGet("/convocation.pdf", async (string code, string? token, GuichetDb db, Convocation convocation, AppOptions options, HttpContext http, CancellationToken ct) =>
        {
            var appointment = await CancelAppointment.FindByTokenAsync(db, code, token, ct);
            if (appointment is null) return NotFound();
            if (appointment.Status == AppointmentStatus.Cancelled) return Gone();
            var pdf = await convocation.PdfAsync(appointment, ManageUrl(options, appointment, token!), ct);
            return File(http, pdf, PdfType, Convocation.FileName(appointment));
        });
        citizen.MapGet("/rendez-vous.ics", async (string code, string? token, GuichetDb db, Convocation convocation, AppOptions options, HttpContext http, CancellationToken ct) =>
        {
            var appointment = await CancelAppointment.FindByTokenAsync(db, code, token, ct);
            if (appointment is null) return NotFound();
            if (appointment.Status == AppointmentStatus.Cancelled) return Gone();
            var ics = await convocation.CalendarAsync(appointment, ManageUrl(options, appointment, token!), ct);
            return File(http, System.Text.Encoding.UTF8.GetBytes(ics), CalendarType, $"rendez-vous-{appointment.Code}.ics");
        });

        app.MapGet("/agent/rendez-vous/{id}/convocation.pdf", async (string id, CurrentAgent current, GuichetDb db, Convocation convocation, HttpContext http, CancellationToken ct) =>
        {
            var agent = await current.GetAsync(ct);
            if (agent is null) return Results.Challenge();
            // The host's agents and the partner town hall that booked it; nobody else learns it exists.
            var appointment = await db.Appointments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id
                && (a.OrganisationId == agent.OrganisationId || a.PartnerOrganisationId == agent.OrganisationId), ct);
            if (appointment is null) return NotFound();
            if (appointment.Status == AppointmentStatus.Cancelled) return Gone();
            var pdf = await convocation.PdfAsync(appointment, manageUrl: null, ct);
            return File(http, pdf, PdfType, Convocation.FileName(appointment));
        }).RequireAuthorization().ExcludeFromDescription();
        return app;
    }

    private static string ManageUrl(AppOptions options, Appointment a, string token) =>
        $"{options.PublicBaseUrl.TrimEnd('/')}/rendez-vous/{a.Code}?token={Uri.EscapeDataString(token)}";

    private static IResult File(HttpContext http, byte[] content, string type, string name)
    {
        // Personal data: never kept by a cache on the way.
        http.Response.Headers.CacheControl = "no-store";
        return Results.File(content, type, name);
    }

    private static IResult NotFound() => Results.Text(
        "Aucun rendez-vous ne correspond à ce lien. Vérifiez que vous avez copié le lien complet reçu lors de la réservation.",
        "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);

    private static IResult Gone() => Results.Text(
        "Ce rendez-vous est annulé : il n'a plus de convocation.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status410Gone);
}
