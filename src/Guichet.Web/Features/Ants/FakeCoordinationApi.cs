using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Guichet.Web.Features.Ants;

/// <summary>
/// An in-memory ANTS coordination API with the shapes of reference/ants.md (part B), for the demo and the tests:
/// no real ANTS endpoint is reachable from a development machine. Keep its fixtures in sync with that page.
/// </summary>
public sealed partial class FakeCoordinationApi
{
    /// <summary>Where the app serves it when Ants:UseLocalFake is on; point Ants:CoordinationUrl at &lt;app&gt;/dev/ants-coordination/api.</summary>
    public const string BasePath = "/dev/ants-coordination/api";
    public const string DefaultToken = "jeton-de-coordination-factice";

    private readonly ConcurrentDictionary<string, string> statuses = new(StringComparer.Ordinal);
    private readonly List<Row> rows = [];
    private readonly Lock gate = new();

    public FakeCoordinationApi(string? token = null)
    {
        Token = string.IsNullOrEmpty(token) ? DefaultToken : token;
        Reset();
    }

    public string Token { get; }
    /// <summary>Answers wait this long first: lets a test see the client give up.</summary>
    public TimeSpan Delay { get; set; }
    /// <summary>When set, every call answers this status (e.g. 503) with a JSON detail, like an ANTS outage.</summary>
    public int? FailWith { get; set; }
    /// <summary>Every call received, as "METHOD path?query", for tests that check what was sent.</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    public sealed record Row(string ApplicationId, string MeetingPointId, string MeetingPoint, string AppointmentDate, string ManagementUrl);

    public IReadOnlyList<Row> Appointments
    {
        get { lock (gate) return rows.ToList(); }
    }

    /// <summary>
    /// ANTS's published integration ids (gitlab issue 83) without their overlap: SOLOCAL001–003 validated, 004–006
    /// declared, 007–009 consumed, 010–012 expired; SOLOCAL013 answers in_progress like the Lutece fake. Others: unknown.
    /// </summary>
    public void Reset()
    {
        statuses.Clear();
        for (var i = 1; i <= 13; i++)
            statuses[$"SOLOCAL{i:000}"] = i switch { <= 3 => "validated", <= 6 => "declared", <= 9 => "consumed", <= 12 => "expired", _ => "in_progress" };
        lock (gate) rows.Clear();
        Delay = TimeSpan.Zero;
        FailWith = null;
        Calls.Clear();
    }

    public void SetStatus(string applicationId, string status) => statuses[applicationId] = status;

    public void Map(IEndpointRouteBuilder app, string basePath)
    {
        var api = app.MapGroup(basePath).ExcludeFromDescription().AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            Calls.Enqueue($"{http.Request.Method} {http.Request.Path.Value![basePath.Length..]}{http.Request.QueryString}");
            if (Delay > TimeSpan.Zero) await Task.Delay(Delay, http.RequestAborted);
            if (FailWith is { } status) return Results.Json(new { detail = "Service indisponible (panne simulée)." }, statusCode: status);
            // FastAPI's header lookup is case-insensitive, as is ASP.NET Core's.
            if (http.Request.Headers[CoordinationClient.TokenHeader].ToString() != Token)
                return Results.Json(new { detail = "X-RDV-OPT-AUTH-TOKEN header invalid" }, statusCode: 401);
            return await next(context);
        });

        api.MapGet("/status", (HttpRequest request) =>
        {
            var ids = request.Query["application_ids"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
            if (ids.Count == 0 || string.IsNullOrEmpty(request.Query["meeting_point_id"]))
                return Missing("application_ids, meeting_point_id");
            lock (gate)
                return Results.Json(ids.Distinct().ToDictionary(id => id, id => new
                {
                    status = statuses.GetValueOrDefault(id, "unknown"),
                    // Every editor's appointments, without their meeting_point_id: this is the cross-commune check.
                    appointments = rows.Where(r => r.ApplicationId == id).Select(r => new
                    {
                        management_url = r.ManagementUrl, meeting_point = r.MeetingPoint, appointment_date = r.AppointmentDate, editor_comment = (string?)null,
                    }).ToList(),
                }));
        });

        api.MapPost("/appointments", (HttpRequest request) =>
        {
            var q = request.Query;
            string id = q["application_id"].ToString(), point = q["meeting_point_id"].ToString(), name = q["meeting_point"].ToString(),
                date = q["appointment_date"].ToString(), url = q["management_url"].ToString();
            if (id.Length == 0 || point.Length == 0 || name.Length == 0 || date.Length == 0 || url.Length == 0)
                return Missing("application_id, meeting_point_id, meeting_point, appointment_date, management_url");
            if (Normalise(date) is not { } when) return Results.Json(new { detail = "appointment_date : format attendu YYYY-MM-DD HH:MM:SS" }, statusCode: 422);
            if (statuses.GetValueOrDefault(id) == "consumed")
                return Results.Json(new { detail = "Application ID already consumed" }, statusCode: 400);
            lock (gate)
            {
                if (rows.Any(r => r.ManagementUrl == url)) return Results.Json(new { detail = "Already exists in database" }, statusCode: 400);
                rows.Add(new Row(id, point, name, when, url));
            }
            return Results.Json(new { success = true });
        });

        api.MapDelete("/appointments", (HttpRequest request) =>
        {
            var q = request.Query;
            string id = q["application_id"].ToString(), name = q["meeting_point"].ToString(), date = q["appointment_date"].ToString();
            if (id.Length == 0 || name.Length == 0 || date.Length == 0 || string.IsNullOrEmpty(q["meeting_point_id"]))
                return Missing("application_id, meeting_point, appointment_date, meeting_point_id");
            if (Normalise(date) is not { } when) return Results.Json(new { detail = "appointment_date : format attendu YYYY-MM-DD HH:MM:SS" }, statusCode: 422);
            if (statuses.GetValueOrDefault(id) == "consumed")
                return Results.Json(new { detail = "Application ID already consumed" }, statusCode: 400);
            int removed;
            lock (gate) removed = rows.RemoveAll(r => r.ApplicationId == id && r.MeetingPoint == name && r.AppointmentDate == when);
            return Results.Json(new { rowcount = removed });
        });
    }

    private static IResult Missing(string fields) =>
        Results.Json(new { detail = $"Paramètres obligatoires manquants : {fields}" }, statusCode: 422);

    /// <summary>Accepts what real clients send (space or T, seconds optional, a trailing Z); stores "2026-03-19T09:00:00".</summary>
    private static string? Normalise(string date)
    {
        var m = DatePattern().Match(date);
        if (!m.Success) return null;
        var text = $"{m.Groups[1].Value}T{m.Groups[2].Value}:{(m.Groups[3].Success ? m.Groups[3].Value : "00")}";
        return DateTime.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? text : null;
    }

    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(?::(\d{2}))?Z?$")]
    private static partial Regex DatePattern();
}
