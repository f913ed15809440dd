using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Guichet.Web.Features.Ants;

/// <summary>Statuses of a pre-request number at ANTS (reference/ants.md, B1).</summary>
public enum ApplicationStatus
{
    Validated,
    Declared,
    Consumed,
    Expired,
    Unknown,
    /// <summary>A value the reference does not list (a test fake says "in_progress"): the number cannot be verified.</summary>
    Unrecognised,
}

/// <summary>An appointment ANTS holds for a number, declared by any editor.</summary>
public sealed record AntsAppointment(string? ManagementUrl, string? MeetingPoint, string? AppointmentDate, string? EditorComment);

public sealed record ApplicationState(ApplicationStatus Status, string RawStatus, IReadOnlyList<AntsAppointment> Appointments);

/// <summary>What an appointment is declared as: the meeting point's name and the site's wall-clock time.</summary>
public sealed record AntsDeclaration(string ApplicationId, string MeetingPointId, string MeetingPoint, DateTime LocalStart, string ManagementUrl);

/// <summary>The outcome of a call. ANTS being down or slow is expected, so it is a value, never an exception.</summary>
public abstract record AntsResult<T>
{
    public sealed record Ok(T Value) : AntsResult<T>;
    /// <summary>Timeout, network failure or 5xx: worth retrying later.</summary>
    public sealed record Unavailable(string Reason) : AntsResult<T>;
    /// <summary>ANTS answered no (4xx: bad token, bad parameters, "Already exists in database"): retrying the same call will not help.</summary>
    public sealed record Refused(int StatusCode, string Detail) : AntsResult<T>;
}

/// <summary>
/// Typed client of the ANTS coordination API: status, declare, delete. Every parameter goes in the query string,
/// POST and DELETE included, and meeting_point_id goes with every call, as ANTS asks (reference/ants.md, B).
/// </summary>
public sealed class CoordinationClient(HttpClient http, IOptions<AntsOptions> options, ILogger<CoordinationClient> log, IServer? server = null)
{
    public const string TokenHeader = "x-rdv-opt-auth-token";

    public bool Configured => !string.IsNullOrEmpty(options.Value.CoordinationUrl);

    public Task<AntsResult<IReadOnlyDictionary<string, ApplicationState>>> StatusAsync(
        IReadOnlyList<string> applicationIds, string meetingPointId, CancellationToken ct)
    {
        var query = applicationIds.Select(id => ("application_ids", id)).Append(("meeting_point_id", meetingPointId));
        return SendAsync(HttpMethod.Get, "status", query, ReadStatuses, ct);
    }

    public Task<AntsResult<bool>> DeclareAsync(AntsDeclaration a, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, "appointments",
        [
            ("application_id", a.ApplicationId), ("meeting_point_id", a.MeetingPointId), ("meeting_point", a.MeetingPoint),
            ("appointment_date", AppointmentDate(a.LocalStart)), ("management_url", a.ManagementUrl),
        ], doc => doc.RootElement.TryGetProperty("success", out var s) && s.ValueKind == JsonValueKind.True, ct);

    /// <summary>The number of rows ANTS removed; more than one happens (invisible duplicates) and is only logged.</summary>
    public async Task<AntsResult<int>> DeleteAsync(AntsDeclaration a, CancellationToken ct)
    {
        var result = await SendAsync(HttpMethod.Delete, "appointments",
        [
            ("application_id", a.ApplicationId), ("meeting_point", a.MeetingPoint),
            ("appointment_date", AppointmentDate(a.LocalStart)), ("meeting_point_id", a.MeetingPointId),
        ], doc => doc.RootElement.TryGetProperty("rowcount", out var n) && n.TryGetInt32(out var count) ? count : 0, ct);
        if (result is AntsResult<int>.Ok { Value: > 1 } many)
            log.LogWarning("ANTS deleted {RowCount} appointments for one declaration at meeting point {MeetingPointId}", many.Value, a.MeetingPointId);
        return result;
    }

    /// <summary>An absolute URL as configured; a path (the local fake's, in the demo) on this app's own first address.</summary>
    private string BaseUrl(string configured)
    {
        if (!configured.StartsWith('/')) return configured;
        var own = server?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:5080";
        // Kestrel lists what it listens on: a wildcard host is reached on loopback.
        var uri = new UriBuilder(own.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://[::]", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1"));
        return uri.Uri.GetLeftPart(UriPartial.Authority) + configured;
    }

    /// <summary>Site wall-clock time, "2026-03-19 09:00:00": the pattern the coordination API checks.</summary>
    public static string AppointmentDate(DateTime localStart) => localStart.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private async Task<AntsResult<T>> SendAsync<T>(HttpMethod method, string path, IEnumerable<(string Key, string Value)> query,
        Func<JsonDocument, T> read, CancellationToken ct)
    {
        var o = options.Value;
        if (string.IsNullOrEmpty(o.CoordinationUrl)) return new AntsResult<T>.Unavailable("API de coordination ANTS non configurée (Ants:CoordinationUrl).");
        var url = $"{BaseUrl(o.CoordinationUrl).TrimEnd('/')}/{path}?" + string.Join('&', query.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
        using var request = new HttpRequestMessage(method, url);
        request.Headers.TryAddWithoutValidation(TokenHeader, o.CoordinationToken ?? "");
        // Our own deadline, not HttpClient's: it tells a timeout apart from the caller giving up.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(o.CoordinationTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
            var body = await response.Content.ReadAsStringAsync(deadline.Token);
            if ((int)response.StatusCode >= 500)
            {
                log.LogWarning("ANTS coordination {Method} {Path} answered {Status}", method, path, (int)response.StatusCode);
                return new AntsResult<T>.Unavailable($"L'ANTS a répondu {(int)response.StatusCode}.");
            }
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests)
            {
                // Our token refused (ANTS renewed it, or a typo) or our quota spent: our side to fix, not the citizen's
                // number. Treated as an outage so that bookings go through flagged and declarations wait for the fix.
                log.LogError("ANTS coordination {Method} {Path} refused our credentials or quota with {Status}: check Ants:CoordinationToken",
                    method, path, (int)response.StatusCode);
                return new AntsResult<T>.Unavailable(response.StatusCode == HttpStatusCode.TooManyRequests
                    ? "L'ANTS limite nos appels pour le moment (429)."
                    : $"L'ANTS refuse notre jeton ({(int)response.StatusCode}) : l'administrateur doit vérifier Ants:CoordinationToken.");
            }
            if (!response.IsSuccessStatusCode)
            {
                log.LogWarning("ANTS coordination {Method} {Path} refused with {Status}", method, path, (int)response.StatusCode);
                return new AntsResult<T>.Refused((int)response.StatusCode, Detail(body));
            }
            using var doc = JsonDocument.Parse(body);
            return new AntsResult<T>.Ok(read(doc));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            log.LogWarning("ANTS coordination {Method} {Path} timed out after {Timeout}", method, path, o.CoordinationTimeout);
            return new AntsResult<T>.Unavailable($"L'ANTS n'a pas répondu en {o.CoordinationTimeout.TotalSeconds.ToString("0.#", CultureInfo.GetCultureInfo("fr-FR"))} s.");
        }
        catch (HttpRequestException e)
        {
            log.LogWarning("ANTS coordination {Method} {Path} unreachable: {Error}", method, path, e.Message);
            return new AntsResult<T>.Unavailable("L'ANTS est injoignable.");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            // A 200 we cannot read is as good as no answer: the number stays to be checked later.
            log.LogWarning("ANTS coordination {Method} {Path} answered unreadable JSON: {Error}", method, path, e.Message);
            return new AntsResult<T>.Unavailable("Réponse de l'ANTS illisible.");
        }
    }

    private IReadOnlyDictionary<string, ApplicationState> ReadStatuses(JsonDocument doc)
    {
        var states = new Dictionary<string, ApplicationState>(StringComparer.Ordinal);
        foreach (var entry in doc.RootElement.EnumerateObject())
        {
            var raw = entry.Value.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "";
            var status = raw switch
            {
                "validated" => ApplicationStatus.Validated,
                "declared" => ApplicationStatus.Declared,
                "consumed" => ApplicationStatus.Consumed,
                "expired" => ApplicationStatus.Expired,
                "unknown" => ApplicationStatus.Unknown,
                _ => ApplicationStatus.Unrecognised,
            };
            if (status == ApplicationStatus.Unrecognised)
                log.LogWarning("ANTS gave the unlisted status {Status} for a pre-request number", raw);
            var appointments = new List<AntsAppointment>();
            if (entry.Value.TryGetProperty("appointments", out var list) && list.ValueKind == JsonValueKind.Array)
                foreach (var a in list.EnumerateArray())
                    appointments.Add(new AntsAppointment(Text(a, "management_url"), Text(a, "meeting_point"), Text(a, "appointment_date"), Text(a, "editor_comment")));
            states[entry.Name] = new ApplicationState(status, raw, appointments);
        }
        return states;
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Detail(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("detail", out var d))
                return d.ValueKind == JsonValueKind.String ? d.GetString()! : d.GetRawText();
        }
        catch (JsonException) { }
        return body.Length > 300 ? body[..300] : body;
    }
}
