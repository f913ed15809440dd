using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Guichet.Bench;

/// <summary>HTTP timing shared by the scenarios that read the app's Server-Timing header.</summary>
public static class BenchHttp
{
    /// <summary>Client-side milliseconds, the body, and the server's own duration from <c>Server-Timing: …;dur=N</c> when present.</summary>
    public static async Task<(double Ms, byte[] Body, double? Server)> TimedGetAsync(HttpClient client, string path, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        using var response = await client.GetAsync(path, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        var ms = watch.Elapsed.TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"GET {path[..Math.Min(path.Length, 120)]}… answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        double? server = null;
        if (response.Headers.TryGetValues("Server-Timing", out var timings)
            && timings.FirstOrDefault() is { } timing && timing.IndexOf("dur=", StringComparison.Ordinal) is var at and >= 0
            && double.TryParse(timing[(at + 4)..].Split(',', ';')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var dur))
            server = dur;
        return (ms, body, server);
    }
}
