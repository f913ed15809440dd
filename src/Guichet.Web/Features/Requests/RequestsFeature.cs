using System.Threading.RateLimiting;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>
/// Citizen requests: units and categories (/admin/demandes), the web form (/demandes), tracking (/suivi), the agents'
/// inbox (/agent/demandes). Every channel files through <see cref="ReceiveRequest"/>.
/// </summary>
public static class RequestsFeature
{
    public const string IntakePolicy = "request-intake";
    public const string TrackingPolicy = "request-tracking";

    public static WebApplicationBuilder AddRequests(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Requests").Get<RequestsOptions>() ?? new RequestsOptions();
        var problems = options.Problems().ToList();
        if (problems.Count > 0) throw new InvalidOperationException("Configuration des demandes invalide : " + string.Join(" ", problems));
        builder.Services.AddSingleton(options);
        builder.Services.AddScoped<RequestMessages>();
        builder.Services.AddScoped<ReceiveRequest>();
        builder.Services.AddScoped<HandleRequest>();
        builder.Services.AddScoped<RequestDocuments>();
        builder.Services.AddScoped<ConfigureRequests>();
        // Same shape as the platform's limits: reading a form is free, sending it is counted per client address.
        builder.Services.Configure<RateLimiterOptions>(o =>
        {
            o.AddPolicy(IntakePolicy, http => IsRead(http) ? RateLimitPartition.GetNoLimiter("read") : PerAddress(http, IntakePolicy, options.IntakePerMinute));
            o.AddPolicy(TrackingPolicy, http => IsRead(http) ? RateLimitPartition.GetNoLimiter("read")
                : TwoWindowLimiter.Partition($"{TrackingPolicy}:{http.Connection.RemoteIpAddress}", options.TrackingPerMinute, options.TrackingPerDay));
        });
        return builder;
    }

    public static WebApplication MapRequests(this WebApplication app)
    {
        // An attachment, for agents of the request's organisation only; any other id or organisation is a 404.
        PlacePicker.Map(app);   // the plan of the request form (GET /demandes/{category}/plan.svg)
        app.MapGet("/agent/demandes/{id}/pieces/{attachmentId}", async (string id, string attachmentId, CurrentAgent current, GuichetDb db, TimeProvider clock, CancellationToken ct) =>
        {
            var agent = await current.GetAsync(ct);
            if (agent is null) return Results.NotFound();
            var file = await db.Set<RequestAttachment>().AsNoTracking()
                .FirstOrDefaultAsync(a => a.Id == attachmentId && a.RequestId == id && a.OrganisationId == agent.OrganisationId, ct);
            if (file is null) return Results.NotFound();
            var request = await db.CitizenRequests.FirstAsync(r => r.Id == id, ct);
            // Reading a citizen's document is recorded, like any other look at the request.
            RequestHistory.Add(db, request, RequestEventKind.Viewed, agent.Id, clock.GetUtcNow().UtcDateTime, $"Pièce jointe ouverte : {file.FileName}", isPublic: false);
            await db.SaveChangesAsync(ct);
            return Results.File(file.Content, file.ContentType, file.FileName);
        }).RequireAuthorization("agenda");
        return app;
    }

    private static bool IsRead(HttpContext http) => HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);

    private static RateLimitPartition<string> PerAddress(HttpContext http, string name, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter($"{name}:{http.Connection.RemoteIpAddress}", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, perMinute),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
}
