using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>
/// The citizen's side of requests beyond the form (issue 6): the acknowledgement letter in PDF, the personal space
/// (/mon-espace), the map and its GeoJSON export (/agent/demandes/carte), retention and data rights
/// (/admin/demandes/donnees and the retention job).
/// </summary>
public static class RequestCitizenFeature
{
    public static WebApplicationBuilder AddRequestCitizen(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Retention").Get<RetentionOptions>() ?? new RetentionOptions();
        var problems = options.Problems().ToList();
        if (problems.Count > 0) throw new InvalidOperationException("Configuration de la conservation invalide : " + string.Join(" ", problems));
        builder.Services.AddSingleton(options);
        builder.Services.AddScoped<AcknowledgementLetter>();
        builder.Services.AddScoped<CitizenSpace>();
        builder.Services.AddScoped<RequestMap>();
        builder.Services.AddScoped<AnonymiseRequest>();
        builder.Services.AddScoped<CitizenDataRights>();
        builder.Services.AddScoped<RetentionJob>();
        if (options.Enabled) builder.Services.AddHostedService<RetentionWorker>();
        return builder;
    }

    public static WebApplication MapRequestCitizen(this WebApplication app)
    {
        // The acknowledgement letter, for agents of the request's organisation; each download is in the history.
        app.MapGet("/agent/demandes/{id}/accuse-reception.pdf", async (string id, CurrentAgent current, GuichetDb db, AcknowledgementLetter letter, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        {
            var agent = await current.GetAsync(ct);
            if (agent is null) return Results.Challenge();
            var request = await db.CitizenRequests.FirstOrDefaultAsync(r => r.Id == id && r.OrganisationId == agent.OrganisationId, ct);
            if (request is null) return Results.NotFound();
            if (request.AnonymisedUtc is not null)
                return Results.Text("Cette demande est anonymisée : son accusé de réception ne peut plus être imprimé.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status410Gone);
            var pdf = await letter.PdfAsync(request, ct);
            RequestHistory.Add(db, request, RequestEventKind.Printed, agent.Id, clock.GetUtcNow().UtcDateTime, "Accusé de réception téléchargé en PDF (courrier).", isPublic: false);
            await db.SaveChangesAsync(ct);
            http.Response.Headers.CacheControl = "no-store";
            return Results.File(pdf, "application/pdf", AcknowledgementLetter.FileName(request));
        }).RequireAuthorization("agenda").ExcludeFromDescription();

        // The map's points as GeoJSON: the agent's organisation only, no personal data; every export is recorded.
        app.MapGet("/agent/demandes/carte.geojson", async (string? statut, string? categorie, string? service, string? du, string? au,
            CurrentAgent current, GuichetDb db, RequestMap map, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        {
            var agent = await current.GetAsync(ct);
            if (agent is null) return Results.Challenge();
            var (filter, error) = RequestMapModel.Parse(statut, categorie, service, du, au);
            if (error is not null) return Problems.Validation("du", error);
            var result = await map.LoadAsync(agent, filter, ct);
            var located = result.Points.Where(p => p.Latitude is not null).ToList();
            db.Add(new RequestDataAction
            {
                Id = Secrets.NewId(), OrganisationId = agent.OrganisationId, AgentId = agent.Id, Kind = DataActionKind.MapExport,
                RequestCount = located.Count, Format = "geojson", AtUtc = clock.GetUtcNow().UtcDateTime,
            });
            await db.SaveChangesAsync(ct);
            http.Response.Headers.CacheControl = "no-store";
            return Results.File(RequestMap.GeoJson(located), "application/geo+json", "demandes.geojson");
        }).RequireAuthorization("agenda").ExcludeFromDescription();
        return app;
    }
}
