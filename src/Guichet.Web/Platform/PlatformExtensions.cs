using System.Security.Claims;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Guichet.Web.Data;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Platform;

public sealed class RateLimitOptions
{
    /// <summary>Bookings per minute and per client address.</summary>
    public int BookingsPerMinute { get; set; } = 20;
    /// <summary>Look-ups of an appointment by code and token per minute and per address.</summary>
    public int ManagePerMinute { get; set; } = 30;
    public int PublicApiPerMinute { get; set; } = 600;
    public int SignInsPerMinute { get; set; } = 10;
}

public static class Roles
{
    public const string Agent = nameof(AgentRole.Agent);
    public const string Supervisor = nameof(AgentRole.Supervisor);
    public const string Administrator = nameof(AgentRole.Administrator);
    public const string Partner = nameof(AgentRole.Partner);
    public const string OrganisationClaim = "org";
}

public static class PlatformExtensions
{
    /// <summary>Pages reached by a secret link: reads are limited like manage look-ups, posts like bookings.</summary>
    public const string TokenLinkPolicy = "token-link";

    public static WebApplicationBuilder AddPlatform(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Features";
            o.Conventions.AuthorizeFolder("/Agenda");
            o.Conventions.AuthorizeFolder("/Administration", "administrator");
        }).AddMvcOptions(o =>
        {
            // jQuery-style keys ("a[b]") are used by no form here, and a key with an unclosed bracket made those two
            // providers throw: any page post with a field named "x[" answered 500 (found by HostileInputStreamTests).
            foreach (var jquery in o.ValueProviderFactories.Where(f => f is Microsoft.AspNetCore.Mvc.ModelBinding.JQueryFormValueProviderFactory
                         or Microsoft.AspNetCore.Mvc.ModelBinding.JQueryQueryStringValueProviderFactory).ToList())
                o.ValueProviderFactories.Remove(jquery);
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "guichet-af";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.Cookie.Name = "guichet-agent";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/connexion";
            o.AccessDeniedPath = "/acces-refuse";
            o.ExpireTimeSpan = TimeSpan.FromHours(10);
            o.SlidingExpiration = true;
        });
        services.AddAuthorizationBuilder()
            .AddPolicy("administrator", p => p.RequireRole(Roles.Administrator))
            .AddPolicy("agenda", p => p.RequireRole(Roles.Agent, Roles.Supervisor, Roles.Administrator));

        builder.AddReverseProxy();
        var limits = builder.Configuration.GetSection("RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = "60";
                if (http.Request.Path.StartsWithSegments("/api"))
                    await http.Response.WriteAsJsonAsync(new
                    {
                        title = "Trop de demandes.",
                        detail = "Vous avez fait trop de demandes en peu de temps. Réessayez dans une minute.",
                        status = 429,
                    }, ct);
                else
                {
                    http.Response.ContentType = "text/plain; charset=utf-8";
                    await http.Response.WriteAsync("Trop de demandes en peu de temps. Réessayez dans une minute.", ct);
                }
            };
            // Pages carry their policy at page level: reading the form is free, sending it is counted.
            o.AddPolicy("booking", http => IsRead(http) ? RateLimitPartition.GetNoLimiter("read") : PerAddress(http, "booking", limits.BookingsPerMinute));
            o.AddPolicy("manage", http => PerAddress(http, "manage", limits.ManagePerMinute));
            o.AddPolicy("public-api", http => PerAddress(http, "api", limits.PublicApiPerMinute));
            // Secret links opened by GET (an offer, a withdrawal): the look-up counts as a manage look-up, sending as a booking.
            o.AddPolicy(TokenLinkPolicy, http => IsRead(http) ? PerAddress(http, "manage", limits.ManagePerMinute) : PerAddress(http, "booking", limits.BookingsPerMinute));
            o.AddPolicy("sign-in", http => IsRead(http) ? RateLimitPartition.GetNoLimiter("read") : PerAddress(http, "sign-in", limits.SignInsPerMinute));
        });
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Guichet — API publique";
            doc.Info.Version = "v1";
            doc.Info.Description = "Lieux, motifs, créneaux et rendez-vous. Erreurs au format application/problem+json, messages en français.";
            return Task.CompletedTask;
        }));
        services.AddHttpContextAccessor();
        services.AddScoped<CurrentAgent>();
        // At Trace, Razor Pages log every handler's arguments (names, e-mails, replies typed by agents): never below Debug,
        // even when an operator turns Microsoft.AspNetCore up to Trace to debug something (LogScanTests).
        builder.Logging.AddFilter(LogPrivacy.PageArgumentsCategory, LogLevel.Debug);
        return builder;
    }

    private static bool IsRead(HttpContext http) => HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method);

    private static RateLimitPartition<string> PerAddress(HttpContext http, string name, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter($"{name}:{http.Connection.RemoteIpAddress}", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, perMinute),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    public static WebApplication UsePlatform(this WebApplication app)
    {
        // First of all: the client's address and scheme as the reverse proxy saw them (rate limits, HSTS, secure cookies).
        app.UseReverseProxy();
        app.UseExceptionHandler(error => error.Run(async http =>
        {
            var feature = http.Features.Get<IExceptionHandlerFeature>();
            var log = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Guichet.Errors");
            // Bad requests that reach here (malformed form posts, oversized bodies) are the client's, not ours.
            if (feature?.Error is BadHttpRequestException bad)
            {
                http.Response.StatusCode = bad.StatusCode;
                await WriteErrorAsync(http, bad.StatusCode, "Requête incorrecte.", "La requête est mal formée ou trop volumineuse.");
                return;
            }
            // A form a door reads itself (ReadFormAsync) that breaks the form rules (a NUL, too many or too long fields,
            // a multipart without boundary) fails with InvalidDataException: the client's fault too.
            if (feature?.Error is InvalidDataException)
            {
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                await WriteErrorAsync(http, 400, "Requête incorrecte.", "Le formulaire envoyé est illisible : caractère interdit, champ trop long ou trop de champs.");
                return;
            }
            log.LogError(feature?.Error, "Unhandled error on {Path}", http.Request.Path.Value);
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await WriteErrorAsync(http, 500, "Erreur inattendue.", "Une erreur inattendue s'est produite. Réessayez ; si elle persiste, contactez la mairie.");
        }));
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            if (http.Response.HasStarted || http.Response.ContentLength > 0 || http.Response.ContentType is not null) return;
            var (title, detail) = http.Response.StatusCode switch
            {
                404 => ("Page introuvable.", "Cette adresse ne correspond à aucune page."),
                405 => ("Méthode non permise.", "Cette adresse n'accepte pas cette méthode."),
                415 => ("Format non pris en charge.", "Le format du corps de la requête n'est pas accepté."),
                400 => ("Requête incorrecte.", "La requête est mal formée."),
                _ => ("Erreur.", "La requête n'a pas abouti."),
            };
            await WriteErrorAsync(http, http.Response.StatusCode, title, detail);
        });
        app.Use(async (http, next) =>
        {
            var h = http.Response.Headers;
            h.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'self'";
            h.XContentTypeOptions = "nosniff";
            h["Referrer-Policy"] = "no-referrer";
            h.XFrameOptions = "DENY";
            await next();
        });
        app.Use(async (http, next) =>
        {
            // A NUL character means nothing in any parameter, and PostgreSQL refuses text holding one: refuse it here,
            // as ASP.NET already does for paths and posted forms, instead of failing deep in a query.
            if (http.Request.QueryString.Value?.Contains("%00", StringComparison.Ordinal) == true
                && http.Request.Query.Any(p => p.Key.Contains('\0') || p.Value.Any(v => v?.Contains('\0') == true)))
            {
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                await WriteErrorAsync(http, 400, "Requête incorrecte.", "L'adresse contient un caractère nul (%00), qui n'est accepté dans aucun paramètre.");
                return;
            }
            await next();
        });
        // HSTS on every HTTPS answer (directly or through a trusted proxy), never on plain HTTP, as RFC 6797 says.
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = async (http, report) =>
            {
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsJsonAsync(new
                {
                    status = report.Status.ToString(),
                    database = report.Entries.TryGetValue("database", out var d)
                        ? new { status = d.Status.ToString(), provider = d.Data.GetValueOrDefault("provider"), description = d.Description }
                        : null,
                });
            },
        });
        // Liveness only: never touches the database. Also the benchmarks' bare-endpoint baseline.
        app.MapGet("/health/live", () => Results.Text("ok", "text/plain")).ExcludeFromDescription();
        app.MapRazorPages();
        return app;
    }

    private static async Task WriteErrorAsync(HttpContext http, int status, string title, string detail)
    {
        if (http.Request.Path.StartsWithSegments("/api") || http.Request.Path.StartsWithSegments("/openapi"))
        {
            http.Response.ContentType = "application/problem+json";
            await http.Response.WriteAsJsonAsync(new { title, detail, status }, options: null, contentType: "application/problem+json");
        }
        else
        {
            http.Response.ContentType = "text/html; charset=utf-8";
            var encoder = System.Text.Encodings.Web.HtmlEncoder.Default;
            await http.Response.WriteAsync($"""
                <!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>{encoder.Encode(title)} – Guichet</title><link rel="stylesheet" href="/css/site.css"></head>
                <body><main id="contenu"><h1>{encoder.Encode(title)}</h1><p>{encoder.Encode(detail)}</p><p><a href="/">Retour à l'accueil</a></p></main></body></html>
                """);
        }
    }
}

/// <summary>The signed-in agent, loaded once per request. The tenant always comes from here, never from a form.</summary>
public sealed class CurrentAgent(IHttpContextAccessor accessor, GuichetDb db)
{
    private Agent? agent;
    private bool loaded;

    public async Task<Agent?> GetAsync(CancellationToken ct)
    {
        if (loaded) return agent;
        loaded = true;
        var id = accessor.HttpContext?.User.FindFirstValue(ClaimTypes.NameIdentifier);
        if (id is null) return null;
        agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.Active, ct);
        return agent;
    }
}
