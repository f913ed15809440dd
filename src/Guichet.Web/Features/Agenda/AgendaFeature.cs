using Guichet.Web.Data;
using Guichet.Web.Features.Appointments;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Agenda;

/// <summary>The agents' agenda beyond the day view: outcomes at the counter, week view, day sheet, calendar feeds.</summary>
public static class AgendaFeature
{
    public static WebApplicationBuilder AddAgenda(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<RecordOutcome>();
        builder.Services.AddScoped<CalendarFeeds>();
        return builder;
    }

    public static WebApplication MapAgenda(this WebApplication app)
    {
        // The secret address is the only key: calendar applications cannot sign in. Unknown, renewed or revoked: 404.
        app.MapGet("/agenda/flux/{token}.ics", async (string token, CalendarFeeds feeds, HttpContext http, CancellationToken ct) =>
        {
            var ics = await feeds.WriteAsync(token, ct);
            if (ics is null) return Results.Text("Ce lien d'agenda n'existe pas ou a été renouvelé.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
            http.Response.Headers.CacheControl = "no-store";
            return Results.Text(ics, "text/calendar; charset=utf-8");
        }).RequireRateLimiting("manage").ExcludeFromDescription();

        // One appointment as an .ics for the agent's own calendar: host agents and the partner town hall that booked it.
        app.MapGet("/agent/rendez-vous/{id}/rendez-vous.ics", async (string id, CurrentAgent current, GuichetDb db, Convocation convocation, HttpContext http, CancellationToken ct) =>
        {
            var agent = await current.GetAsync(ct);
            if (agent is null) return Results.Challenge();
            var appointment = await db.Appointments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id
                && (a.OrganisationId == agent.OrganisationId || a.PartnerOrganisationId == agent.OrganisationId), ct);
            if (appointment is null || appointment.Status == AppointmentStatus.Cancelled)
                return Results.Text("Aucun rendez-vous à venir ne correspond.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
            var ics = await convocation.CalendarAsync(appointment, manageUrl: null, ct);
            http.Response.Headers.CacheControl = "no-store";
            return Results.File(System.Text.Encoding.UTF8.GetBytes(ics), "text/calendar; charset=utf-8", $"rendez-vous-{appointment.Code}.ics");
        }).RequireAuthorization().ExcludeFromDescription();
        return app;
    }
}
