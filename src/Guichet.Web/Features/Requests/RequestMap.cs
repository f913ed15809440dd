using System.Globalization;
using System.Text;
using System.Text.Json;
using Guichet.Domain.Geography;
using Guichet.Domain.Requests;
using Guichet.Web.Data;
using Guichet.Web.Platform;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>The map's filters, as the inbox names them in the query string (statut, categorie, service, du, au).</summary>
public sealed record MapFilter(string? Statut, string? Categorie, string? Service, DateOnly? Du, DateOnly? Au)
{
    public string QueryString()
    {
        var parts = new List<string>();
        void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) parts.Add($"{name}={Uri.EscapeDataString(value)}"); }
        Add("statut", Statut);
        Add("categorie", Categorie);
        Add("service", Service);
        Add("du", Du?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("au", Au?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}

/// <summary>
/// The requests of one organisation for the map and its GeoJSON export, filtered like the inbox. Only the agent's
/// organisation, never a citizen's name, contact, text or typed address: a point, its category, unit, status,
/// channel and dates.
/// </summary>
public sealed class RequestMap(GuichetDb db)
{
    public const int MaxPoints = 5000;

    public sealed record Point(string Id, string TrackingCode, double? Latitude, double? Longitude, string CategoryName, string UnitName,
        RequestStatus Status, RequestChannel Channel, DateOnly ReceivedOn, DateOnly DueDate);

    public sealed record SitePoint(string Name, double Latitude, double Longitude);

    public sealed record Result(IReadOnlyList<Point> Points, IReadOnlyList<SitePoint> Sites, IReadOnlyList<Category> Categories, IReadOnlyList<Unit> Units, bool Truncated);

    public async Task<Result> LoadAsync(Agent agent, MapFilter filter, CancellationToken ct)
    {
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == agent.OrganisationId, ct);
        var (zone, _) = await OrganisationCalendar.ForAsync(db, organisation, ct);
        var categories = await db.Set<Category>().AsNoTracking().Where(c => c.OrganisationId == agent.OrganisationId).OrderBy(c => c.SortOrder).ThenBy(c => c.Name).ToListAsync(ct);
        var units = await db.Set<Unit>().AsNoTracking().Where(u => u.OrganisationId == agent.OrganisationId).OrderBy(u => u.Name).ToListAsync(ct);
        var sites = await db.Sites.AsNoTracking().Where(s => s.OrganisationId == agent.OrganisationId)
            .Select(s => new SitePoint(s.Name, s.Latitude, s.Longitude)).ToListAsync(ct);

        var query = db.CitizenRequests.AsNoTracking().Where(r => r.OrganisationId == agent.OrganisationId);
        RequestStatus[] open = [RequestStatus.Received, RequestStatus.Assigned, RequestStatus.InProgress, RequestStatus.AwaitingApproval];
        if (Enum.TryParse<RequestStatus>(filter.Statut, out var status) && Enum.IsDefined(status)) query = query.Where(r => r.Status == status);
        else if (filter.Statut != "toutes") query = query.Where(r => open.Contains(r.Status));
        if (!string.IsNullOrEmpty(filter.Categorie)) query = query.Where(r => r.CategoryId == filter.Categorie);
        if (!string.IsNullOrEmpty(filter.Service)) query = query.Where(r => r.UnitId == filter.Service);
        // The period is in local days of the organisation; stored instants are UTC.
        if (filter.Du is { } from) query = query.Where(r => r.ReceivedUtc >= LocalMidnightUtc(from, zone));
        if (filter.Au is { } to) query = query.Where(r => r.ReceivedUtc < LocalMidnightUtc(to.AddDays(1), zone));
        var rows = await query.OrderByDescending(r => r.ReceivedUtc).Take(MaxPoints + 1)
            .Select(r => new { r.Id, r.TrackingCode, r.Latitude, r.Longitude, r.CategoryId, r.UnitId, r.Status, r.Channel, r.ReceivedUtc, r.DueDate })
            .ToListAsync(ct);
        var categoryNames = categories.ToDictionary(c => c.Id, c => c.Name);
        var unitNames = units.ToDictionary(u => u.Id, u => u.Name);
        var points = rows.Take(MaxPoints).Select(r => new Point(r.Id, r.TrackingCode, r.Latitude, r.Longitude, categoryNames.GetValueOrDefault(r.CategoryId, ""),
            unitNames.GetValueOrDefault(r.UnitId, ""), r.Status, r.Channel, Deadline.ReceivedOn(r.ReceivedUtc, zone), r.DueDate)).ToList();
        return new Result(points, sites, categories, units, rows.Count > MaxPoints);
    }

    private static DateTime LocalMidnightUtc(DateOnly day, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(day.ToDateTime(TimeOnly.MinValue), DateTimeKind.Unspecified), zone);

    /// <summary>RFC 7946 FeatureCollection of the located points; longitude first, as the format wants.</summary>
    public static byte[] GeoJson(IEnumerable<Point> points)
    {
        var doc = new
        {
            type = "FeatureCollection",
            features = points.Where(p => p.Latitude is not null && p.Longitude is not null).Select(p => new
            {
                type = "Feature",
                id = p.Id,
                geometry = new { type = "Point", coordinates = new[] { Math.Round(p.Longitude!.Value, 6), Math.Round(p.Latitude!.Value, 6) } },
                properties = new
                {
                    category = p.CategoryName,
                    unit = p.UnitName,
                    status = p.Status.ToString(),
                    statusLabel = RequestLifecycle.Label(p.Status),
                    channel = p.Channel.ToString(),
                    receivedOn = p.ReceivedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    dueDate = p.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                },
            }),
        };
        return JsonSerializer.SerializeToUtf8Bytes(doc);
    }

    /// <summary>The points drawn on a <see cref="MapProjection"/> of the organisation's area (its sites and the points). No tiles, no script: an SVG in the page.</summary>
    public static string Svg(IReadOnlyList<Point> points, IReadOnlyList<SitePoint> sites, string titleId, string descId)
    {
        var located = points.Where(p => p.Latitude is not null && p.Longitude is not null).ToList();
        var map = MapProjection.Around(located.Select(p => (p.Latitude!.Value, p.Longitude!.Value)).Concat(sites.Select(s => (s.Latitude, s.Longitude))).ToList());
        const double width = MapProjection.Width;
        var height = map.Height;
        string X(double lon) => map.X(lon).ToString("0.0", CultureInfo.InvariantCulture);
        string Y(double lat) => map.Y(lat).ToString("0.0", CultureInfo.InvariantCulture);
        var h = System.Text.Encodings.Web.HtmlEncoder.Default;
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"<svg class=\"request-map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:0} {height:0}\" role=\"img\" aria-labelledby=\"{titleId} {descId}\" width=\"100%\" style=\"max-width:{width:0}px;border:1px solid #6b6b6b;background:#f4f6f4\">");
        b.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"0\" width=\"{width:0}\" height=\"{height:0}\" fill=\"#f4f6f4\"/>");
        foreach (var s in sites)
            b.Append($"<g><rect x=\"{X(s.Longitude)}\" y=\"{Y(s.Latitude)}\" width=\"10\" height=\"10\" transform=\"translate(-5,-5)\" fill=\"#1d3f8f\"/>")
             .Append($"<text x=\"{X(s.Longitude)}\" y=\"{Y(s.Latitude)}\" dx=\"8\" dy=\"4\" font-size=\"12\" fill=\"#1d3f8f\">{h.Encode(s.Name)}</text></g>");
        foreach (var p in located)
        {
            var colour = RequestLifecycle.IsOpen(p.Status) ? "#b3261e" : "#2e6b30";
            b.Append($"<circle cx=\"{X(p.Longitude!.Value)}\" cy=\"{Y(p.Latitude!.Value)}\" r=\"6\" fill=\"{colour}\" stroke=\"#ffffff\" stroke-width=\"1.5\">")
             .Append($"<title>{h.Encode($"{TrackingCode.Display(p.TrackingCode)} — {p.CategoryName} — {RequestLifecycle.Label(p.Status)}")}</title></circle>");
        }
        b.Append("</svg>");
        return b.ToString();
    }
}
