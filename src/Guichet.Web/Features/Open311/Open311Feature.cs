using System.Globalization;
using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Guichet.Web.Features.Requests;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Open311;

/// <summary>
/// Open311 GeoReport v2 under /open311/v2/ (reference/open311.md), JSON or XML by the file extension: discovery,
/// services and their definitions, POST and GET requests, tokens, and the mySociety service request updates. One
/// jurisdiction = one organisation (jurisdiction_id = its id). Writes need an API key bound to one organisation.
/// </summary>
public static class Open311Feature
{
    public const string Prefix = "/open311/v2";

    public static WebApplicationBuilder AddOpen311(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Open311").Get<Open311Options>() ?? new Open311Options();
        var problems = options.Problems().ToList();
        if (problems.Count > 0) throw new InvalidOperationException("Configuration Open311 invalide : " + string.Join(" ", problems));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<Open311Keys>();
        builder.Services.AddScoped<PostServiceRequest>();
        builder.Services.AddScoped<Open311Reads>();
        builder.Services.AddSingleton<Open311MediaFetcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Open311MediaFetcher>());
        return builder;
    }

    public static WebApplication MapOpen311(this WebApplication app)
    {
        var g = app.MapGroup(Prefix).WithTags("Open311 GeoReport v2");

        g.MapGet("/discovery.{format}", (string format, HttpContext http, Open311Options options) =>
            Open311Wire.Format(format) is not { } f ? UnknownFormat() : Open311Wire.Answer(f, Discovery(http, options)))
            .WithSummary("Découverte : spécification, adresse, formats (XML et JSON).");

        g.MapGet("/services.{format}", (string format, HttpContext http, Open311Reads reads, CancellationToken ct) =>
            Run(format, f => reads.ServicesAsync(f, http.Request.Query, ct)))
            .WithSummary("Les catégories de demande actives de la collectivité (jurisdiction_id).");

        g.MapGet("/services/{code}.{format}", (string code, string format, HttpContext http, Open311Reads reads, CancellationToken ct) =>
            Run(format, f => reads.DefinitionAsync(f, code, http.Request.Query, ct)))
            .WithSummary("La définition d'une catégorie : ses questions (attributs), leur type, leur ordre, leurs valeurs.");

        g.MapGet("/requests.{format}", (string format, HttpContext http, Open311Reads reads, CancellationToken ct) =>
            Run(format, f => reads.RequestsAsync(f, http.Request.Query, ct)))
            .WithSummary("Les demandes : service_request_id, service_code, start_date, end_date, status ; 90 derniers jours par défaut, 1 000 au plus.");

        g.MapGet("/requests/{id}.{format}", (string id, string format, HttpContext http, Open311Reads reads, CancellationToken ct) =>
            Run(format, f => reads.RequestAsync(f, id, http.Request.Query, ct)))
            .WithSummary("Une demande par son identifiant.");

        g.MapGet("/tokens/{token}.{format}", (string token, string format, HttpContext http, Open311Reads reads, CancellationToken ct) =>
            Run(format, f => reads.TokenAsync(f, token, http.Request.Query, ct)))
            .WithSummary("Jeton → identifiant de demande (les demandes sont créées à l'instant : le jeton est l'identifiant).");

        g.MapPost("/requests.{format}", (string format, HttpContext http, Open311Reads reads, CancellationToken ct) =>
            Run(format, f => reads.PostRequestAsync(f, http, ct)))
            .WithSummary("Dépose une demande (application/x-www-form-urlencoded, api_key obligatoire).")
            .DisableAntiforgery();

        g.MapGet("/servicerequestupdates.{format}", (string format, HttpContext http, Open311Reads reads, CancellationToken ct) =>
            Run(format, f => reads.UpdatesAsync(f, http.Request.Query, ct)))
            .WithSummary("Extension mySociety : les changements d'état et réponses publiques entre start_date et end_date (api_key obligatoire).");

        g.MapPost("/servicerequestupdates.{format}", (string format, HttpContext http, Open311Reads reads, CancellationToken ct) =>
            Run(format, f => reads.PostUpdateAsync(f, http, ct)))
            .WithSummary("Extension mySociety : un commentaire de l'usager sur une demande existante ; peut rouvrir une demande répondue.")
            .DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> Run(string format, Func<WireFormat, Task<IResult>> handle) =>
        Open311Wire.Format(format) is { } f ? await handle(f) : UnknownFormat();

    private static IResult UnknownFormat() =>
        Results.Text("Format inconnu : terminez l'adresse par .xml ou .json.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);

    private static Open311Wire.Rooted Discovery(HttpContext http, Open311Options options)
    {
        var url = $"{http.Request.Scheme}://{http.Request.Host}{Prefix}/";
        return new("discovery", new WireObject()
            .Add("changeset", "2026-12-02T00:00:00+01:00")
            .Add("contact", options.Contact)
            .Add("key_service", options.KeyService)
            .Add("max_requests", options.MaxResults)
            .Add("endpoints", new WireList("endpoints", "endpoint",
            [
                new WireObject()
                    .Add("specification", Open311Views.Specification)
                    .Add("url", url)
                    .Add("changeset", "2026-12-02T00:00:00+01:00")
                    .Add("type", options.EndpointType)
                    .Add("formats", new WireList("formats", "format", ["text/xml", "application/json"])),
            ])));
    }
}

/// <summary>The Open311 calls' work: tenant resolution, parameter checks, queries, and the wire shapes.</summary>
public sealed class Open311Reads(GuichetDb db, Open311Options options, Open311Keys keys, PostServiceRequest post, TimeProvider clock, ILogger<Open311Reads> log)
{
    private sealed record Tenant(Organisation Organisation, TimeZoneInfo Zone);

    /// <summary>jurisdiction_id → organisation; without it, the key's organisation, or the only one there is.</summary>
    private async Task<(Tenant? Tenant, IResult? Error)> JurisdictionAsync(WireFormat f, string? id, string? fallback, CancellationToken ct, bool withZone = true)
    {
        id = string.IsNullOrWhiteSpace(id) ? fallback : id.Trim();
        Organisation? organisation;
        if (id is null)
        {
            var two = await db.Organisations.AsNoTracking().OrderBy(o => o.Id).Take(2).ToListAsync(ct);
            if (two.Count != 1) return (null, Open311Wire.Error(f, 400, "jurisdiction_id est obligatoire : cette plateforme sert plusieurs collectivités."));
            organisation = two[0];
        }
        else organisation = id.Length > 100 ? null : await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        if (organisation is null) return (null, Open311Wire.Error(f, 404, "jurisdiction_id inconnu."));
        // Writes answer no dates: they skip the look-up of the organisation's zone (ReceiveRequest does its own).
        var zone = withZone ? (await OrganisationCalendar.ForAsync(db, organisation, ct)).Zone : TimeZoneInfo.Utc;
        return (new Tenant(organisation, zone), null);
    }

    private static string? One(IQueryCollection q, string name) => q[name].Count > 0 && q[name][0] is { Length: > 0 } v ? v.Trim() : null;

    public async Task<IResult> ServicesAsync(WireFormat f, IQueryCollection q, CancellationToken ct)
    {
        var (tenant, error) = await JurisdictionAsync(f, One(q, "jurisdiction_id"), null, ct);
        if (tenant is null) return error!;
        // mySociety: lat/long narrow the list to the categories handled there. Every category of an organisation covers
        // its whole territory, so they are only checked.
        if ((One(q, "lat") ?? One(q, "long") ?? One(q, "lon")) is not null
            && (PostServiceRequest.Coordinate(One(q, "lat") ?? "", 90) is null || PostServiceRequest.Coordinate(One(q, "long") ?? One(q, "lon") ?? "", 180) is null))
            return Open311Wire.Error(f, 400, "lat et long doivent être des coordonnées décimales valides.");
        var categories = await db.Set<Category>().AsNoTracking().Where(c => c.OrganisationId == tenant.Organisation.Id && c.Active)
            .OrderBy(c => c.SortOrder).ThenBy(c => c.Name).ToListAsync(ct);
        var units = await UnitsAsync(tenant, ct);
        return Open311Wire.Answer(f, new WireList("services", "service",
            categories.Select(c => (object)Open311Views.Service(c, units[c.UnitId])).ToList()));
    }

    public async Task<IResult> DefinitionAsync(WireFormat f, string code, IQueryCollection q, CancellationToken ct)
    {
        var (tenant, error) = await JurisdictionAsync(f, One(q, "jurisdiction_id"), null, ct);
        if (tenant is null) return error!;
        var category = code.Length > 100 ? null : await db.Set<Category>().AsNoTracking()
            .FirstOrDefaultAsync(c => c.Id == code && c.OrganisationId == tenant.Organisation.Id && c.Active, ct);
        if (category is null) return Open311Wire.Error(f, 404, "service_code inconnu dans cette collectivité.");
        return Open311Wire.Answer(f, new Open311Wire.Rooted("service_definition", Open311Views.Definition(category)));
    }

    public async Task<IResult> RequestAsync(WireFormat f, string id, IQueryCollection q, CancellationToken ct)
    {
        var (tenant, error) = await JurisdictionAsync(f, One(q, "jurisdiction_id"), null, ct);
        if (tenant is null) return error!;
        var rows = id.Length > 64 ? [] : await db.CitizenRequests.AsNoTracking().Where(r => r.Id == id && r.OrganisationId == tenant.Organisation.Id).ToListAsync(ct);
        if (rows.Count == 0) return Open311Wire.Error(f, 404, "service_request_id inconnu dans cette collectivité.");
        return Open311Wire.Answer(f, await RequestListAsync(tenant, rows, ct));
    }

    public async Task<IResult> TokenAsync(WireFormat f, string token, IQueryCollection q, CancellationToken ct)
    {
        var (tenant, error) = await JurisdictionAsync(f, One(q, "jurisdiction_id"), null, ct);
        if (tenant is null) return error!;
        // Requests are created at once (type realtime): a token, when a client asks for one, is the request's id.
        var found = token.Length <= 64 && await db.CitizenRequests.AnyAsync(r => r.Id == token && r.OrganisationId == tenant.Organisation.Id, ct);
        if (!found) return Open311Wire.Error(f, 404, "Jeton inconnu dans cette collectivité.");
        return Open311Wire.Answer(f, new WireList("service_requests", "request",
            [new WireObject().Add("service_request_id", token).Add("token", token)]));
    }

    public async Task<IResult> RequestsAsync(WireFormat f, IQueryCollection q, CancellationToken ct)
    {
        var (tenant, error) = await JurisdictionAsync(f, One(q, "jurisdiction_id"), null, ct);
        if (tenant is null) return error!;
        var org = tenant.Organisation.Id;
        var query = db.CitizenRequests.AsNoTracking().Where(r => r.OrganisationId == org);
        var errors = new List<string>();
        if (One(q, "service_request_id") is { } idList)
        {
            // The spec: a list of ids overrides every other filter.
            var ids = Split(idList);
            if (ids.Count > options.MaxResults || ids.Any(i => i.Length > 64)) return Open311Wire.Error(f, 400, $"service_request_id : au plus {options.MaxResults} identifiants de 64 caractères.");
            query = query.Where(r => ids.Contains(r.Id));
        }
        else
        {
            if (One(q, "service_code") is { } codes)
            {
                var list = Split(codes);
                if (list.Count > 100 || list.Any(c => c.Length > 100)) errors.Add("service_code : au plus 100 codes.");
                else query = query.Where(r => list.Contains(r.CategoryId));
            }
            var start = Instant(One(q, "start_date"), "start_date", errors);
            var end = Instant(One(q, "end_date"), "end_date", errors);
            if (start is null && end is null) start = clock.GetUtcNow().UtcDateTime.AddDays(-options.DefaultWindowDays);
            if (start is { } s) query = query.Where(r => r.ReceivedUtc >= s);
            if (end is { } e) query = query.Where(r => r.ReceivedUtc <= e);
            if (One(q, "status") is { } statusText)
            {
                var wanted = Split(statusText.ToLowerInvariant());
                if (wanted.Any(w => w is not ("open" or "closed"))) errors.Add("status vaut open ou closed.");
                else if (wanted.Distinct().Count() == 1)
                {
                    var open = Enum.GetValues<RequestStatus>().Where(RequestLifecycle.IsOpen).ToList();
                    query = wanted[0] == "open" ? query.Where(r => open.Contains(r.Status)) : query.Where(r => !open.Contains(r.Status));
                }
            }
            if (errors.Count > 0) return Open311Wire.Error(f, 400, errors.ToArray());
        }
        var rows = await query.OrderByDescending(r => r.ReceivedUtc).ThenBy(r => r.Id).Take(options.MaxResults).ToListAsync(ct);
        return Open311Wire.Answer(f, await RequestListAsync(tenant, rows, ct));
    }

    public async Task<IResult> PostRequestAsync(WireFormat f, HttpContext http, CancellationToken ct)
    {
        var (form, formError) = await ReadFormAsync(f, http, ct);
        if (form is null) return formError!;
        var (key, tenant, error) = await AuthoriseAsync(f, form, ct);
        if (key is null || tenant is null) return error!;
        var result = await post.RunAsync(tenant.Organisation, key, form, ct);
        return result switch
        {
            Open311Result.Created c => Open311Wire.Answer(f, new WireList("service_requests", "request",
            [
                new WireObject().Add("service_request_id", c.Request.Id).Add("service_notice", c.Notice).Add("account_id", One(form, "account_id")),
            ]), StatusCodes.Status201Created),
            Open311Result.Failed e => Open311Wire.Error(f, e.Status, e.Errors.ToArray()),
            _ => throw new InvalidOperationException(),
        };
    }

    public async Task<IResult> UpdatesAsync(WireFormat f, IQueryCollection q, CancellationToken ct)
    {
        var (key, tenant, error) = await AuthoriseAsync(f, new Dictionary<string, string?>
        {
            ["api_key"] = One(q, "api_key"), ["jurisdiction_id"] = One(q, "jurisdiction_id"),
        }, ct, countsAsWrite: false);
        if (key is null || tenant is null) return error!;
        var errors = new List<string>();
        var start = Instant(One(q, "start_date"), "start_date", errors) ?? clock.GetUtcNow().UtcDateTime.AddDays(-options.DefaultWindowDays);
        var end = Instant(One(q, "end_date"), "end_date", errors);
        if (errors.Count > 0) return Open311Wire.Error(f, 400, errors.ToArray());
        var org = tenant.Organisation.Id;
        var events = db.Set<RequestEvent>().AsNoTracking().Where(e => e.OrganisationId == org && e.AtUtc >= start
            && ((e.Kind == RequestEventKind.StatusChanged && e.ToStatus != null) || (e.Kind == RequestEventKind.Reply && e.Public)));
        if (end is { } en) events = events.Where(e => e.AtUtc <= en);
        var list = await events.OrderBy(e => e.AtUtc).ThenBy(e => e.Id).Take(options.MaxResults).ToListAsync(ct);
        var ids = list.Select(e => e.RequestId).Distinct().ToList();
        var requests = await db.CitizenRequests.AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        var categories = await db.Set<Category>().AsNoTracking().Where(c => c.OrganisationId == org).ToDictionaryAsync(c => c.Id, ct);
        return Open311Wire.Answer(f, new WireList("service_request_updates", "request_update", list.Select(e =>
        {
            var r = requests[e.RequestId];
            var status = e.ToStatus ?? r.Status;
            var place = Open311Views.IsPublicPlace(categories[r.CategoryId]);
            return (object)new WireObject()
                .Add("update_id", e.Id)
                .Add("service_request_id", e.RequestId)
                .Add("status", Open311Views.ExtendedStatus(status))
                .Add("updated_datetime", Open311Wire.Date(e.AtUtc, tenant.Zone))
                // A reply to a private matter stays with the citizen; the state change is all the world learns.
                .Add("description", e.Kind == RequestEventKind.Reply && place ? e.Text : $"État de la demande : {RequestLifecycle.Label(status)}.")
                .Add("external_status_code", status.ToString());
        }).ToList()));
    }

    public async Task<IResult> PostUpdateAsync(WireFormat f, HttpContext http, CancellationToken ct)
    {
        var (form, formError) = await ReadFormAsync(f, http, ct);
        if (form is null) return formError!;
        var (key, tenant, error) = await AuthoriseAsync(f, form, ct);
        if (key is null || tenant is null) return error!;
        var id = One(form, "service_request_id");
        if (id is null) return Open311Wire.Error(f, 400, "service_request_id est obligatoire.");
        var request = id.Length > 64 ? null : await db.CitizenRequests.FirstOrDefaultAsync(r => r.Id == id && r.OrganisationId == tenant.Organisation.Id, ct);
        if (request is null) return Open311Wire.Error(f, 404, "service_request_id inconnu dans cette collectivité.");
        var text = One(form, "description");
        if (text is null) return Open311Wire.Error(f, 400, "description est obligatoire.");
        if (text.Length > CitizenRequest.MaxTextLength) return Open311Wire.Error(f, 400, $"description dépasse {CitizenRequest.MaxTextLength} caractères.");
        var status = One(form, "status")?.ToUpperInvariant();
        var now = clock.GetUtcNow().UtcDateTime;
        var clientId = One(form, "update_id");
        // The citizen's words may hold personal data: a private note for the agents, never published.
        var note = RequestHistory.Add(db, request, RequestEventKind.Note, null, now,
            $"Commentaire de l'usager reçu par Open311 (application « {key.Client} »{(clientId is null ? "" : $", mise à jour {(clientId.Length > 64 ? clientId[..64] : clientId)}")}) : {text}", isPublic: false);
        if (status is "OPEN" or "REOPEN" && RequestLifecycle.IsAllowed(request.Status, RequestStatus.InProgress) && request.Status == RequestStatus.Answered)
        {
            RequestHistory.Add(db, request, RequestEventKind.StatusChanged, null, now, "Demande rouverte : l'usager a écrit depuis l'application.", isPublic: true,
                from: request.Status, to: RequestStatus.InProgress);
            request.Status = RequestStatus.InProgress;
        }
        request.UpdatedUtc = now;
        await db.SaveChangesAsync(ct);
        log.LogInformation("Open311: update {EventId} on request {RequestId} from client {Client}", note.Id, request.Id, key.Client);
        return Open311Wire.Answer(f, new WireList("service_request_updates", "request_update", [new WireObject().Add("update_id", note.Id)]));
    }

    private async Task<(IFormCollection? Form, IResult? Error)> ReadFormAsync(WireFormat f, HttpContext http, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType) return (null, Open311Wire.Error(f, 400, "Envoyez le corps en application/x-www-form-urlencoded."));
        try { return (await http.Request.ReadFormAsync(ct), null); }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, Open311Wire.Error(f, 400, "Le corps de la requête est mal formé ou trop volumineux."));
        }
    }

    private Task<(Open311ApiKey?, Tenant?, IResult?)> AuthoriseAsync(WireFormat f, IFormCollection form, CancellationToken ct) =>
        AuthoriseAsync(f, new Dictionary<string, string?> { ["api_key"] = One(form, "api_key"), ["jurisdiction_id"] = One(form, "jurisdiction_id") }, ct, countsAsWrite: true);

    /// <summary>The key (constant-time), its organisation against jurisdiction_id, and its write budget.</summary>
    private async Task<(Open311ApiKey?, Tenant?, IResult?)> AuthoriseAsync(WireFormat f, Dictionary<string, string?> p, CancellationToken ct, bool countsAsWrite)
    {
        var presented = p["api_key"];
        if (presented is null) return (null, null, Open311Wire.Error(f, 400, "api_key est obligatoire."));
        var key = presented.Length > 200 ? null : keys.Find(presented);
        if (key is null) return (null, null, Open311Wire.Error(f, 403, "api_key invalide."));
        var asked = p["jurisdiction_id"];
        if (asked is not null && asked != key.Organisation)
            return (null, null, Open311Wire.Error(f, 403, "Cette api_key ne permet pas d'agir pour cette collectivité (jurisdiction_id)."));
        if (countsAsWrite && !keys.TryWrite(key))
        {
            var limited = Open311Wire.Error(f, 429, "Trop de dépôts avec cette api_key : réessayez dans une minute.");
            return (null, null, new RetryAfter(limited));
        }
        var (tenant, error) = await JurisdictionAsync(f, key.Organisation, null, ct, withZone: !countsAsWrite);
        // A key bound to an organisation that does not exist is a configuration mistake; the client only learns its key is not valid.
        if (tenant is null) return (null, null, Open311Wire.Error(f, 403, "api_key invalide."));
        return (key, tenant, error);
    }

    private static string? One(IFormCollection form, string name) => form[name].Count > 0 && form[name][0] is { Length: > 0 } v ? v.Trim() : null;

    private static List<string> Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();

    /// <summary>A W3C date-time (an offset, or UTC when none is given), as UTC; null and an error when unreadable.</summary>
    private static DateTime? Instant(string? text, string name, List<string> errors)
    {
        if (text is null) return null;
        if (text.Length <= 40 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d)
            && d.Year is >= 1900 and <= 9000) return d.UtcDateTime;
        errors.Add($"{name} n'est pas une date W3C (par exemple 2026-12-01T09:00:00+01:00).");
        return null;
    }

    private async Task<Dictionary<string, Unit>> UnitsAsync(Tenant tenant, CancellationToken ct) =>
        await db.Set<Unit>().AsNoTracking().Where(u => u.OrganisationId == tenant.Organisation.Id).ToDictionaryAsync(u => u.Id, ct);

    private async Task<WireList> RequestListAsync(Tenant tenant, List<CitizenRequest> rows, CancellationToken ct)
    {
        var org = tenant.Organisation.Id;
        var categories = await db.Set<Category>().AsNoTracking().Where(c => c.OrganisationId == org).ToDictionaryAsync(c => c.Id, ct);
        var units = await UnitsAsync(tenant, ct);
        var ids = rows.Select(r => r.Id).ToList();
        var replies = ids.Count == 0 ? [] : await db.Set<RequestEvent>().AsNoTracking()
            .Where(e => e.OrganisationId == org && ids.Contains(e.RequestId) && e.Kind == RequestEventKind.Reply && e.Public)
            .Select(e => new { e.RequestId, e.AtUtc, e.Text }).ToListAsync(ct);
        var last = replies.GroupBy(e => e.RequestId).ToDictionary(g => g.Key, g => g.OrderBy(e => e.AtUtc).Last().Text);
        return new WireList("service_requests", "request", rows.Select(r =>
            (object)Open311Views.Request(r, categories[r.CategoryId], units[r.UnitId], last.GetValueOrDefault(r.Id), tenant.Zone)).ToList());
    }

    /// <summary>A 429 with its Retry-After header.</summary>
    private sealed class RetryAfter(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.Headers.RetryAfter = "60";
            return inner.ExecuteAsync(http);
        }
    }
}
