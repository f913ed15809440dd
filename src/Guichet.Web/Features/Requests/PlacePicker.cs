using System.Globalization;
using System.Text;
using Guichet.Domain.Geography;
using Guichet.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Guichet.Web.Features.Requests;

/// <summary>Where the citizen's form draws its plan: the picture's address and size (the click's coordinates are in its pixels).</summary>
public sealed record PlacePickerView(string PlanUrl, double Width, double Height);

/// <summary>
/// Picking the place of a request on a plan, without JavaScript or map tiles: the form shows a plan of the
/// organisation's area as an image button (<c>&lt;input type="image" name="plan"&gt;</c>); a click submits the form
/// with <c>plan.x</c> and <c>plan.y</c>, the page turns them back into a latitude and a longitude, fills them in and
/// shows the form again, with the point on the plan, for the citizen to check and send.
/// </summary>
public static class PlacePicker
{
    public const string InputName = "plan";
    /// <summary>About 6 km across at least: a commune and its surroundings around a single town hall.</summary>
    private const double MinSpanDegrees = 0.06;

    public static async Task<(MapProjection Map, List<(string Name, double Latitude, double Longitude)> Sites)> AreaAsync(
        GuichetDb db, string organisationId, CancellationToken ct)
    {
        var sites = (await db.Sites.AsNoTracking().Where(s => s.OrganisationId == organisationId && s.Active)
            .Select(s => new { s.Name, s.Latitude, s.Longitude }).ToListAsync(ct))
            .Where(s => s.Latitude != 0 || s.Longitude != 0).Select(s => (s.Name, s.Latitude, s.Longitude)).ToList();
        return (MapProjection.Around(sites.Select(s => (s.Latitude, s.Longitude)).ToList(), MinSpanDegrees), sites);
    }

    public static PlacePickerView View(string categoryId, MapProjection map, double? latitude, double? longitude)
    {
        var url = $"/demandes/{Uri.EscapeDataString(categoryId)}/plan.svg";
        if (latitude is { } lat && longitude is { } lon)
            url += string.Create(CultureInfo.InvariantCulture, $"?lat={lat:0.######}&lon={lon:0.######}");
        return new PlacePickerView(url, MapProjection.Width, map.Height);
    }

    /// <summary>The place clicked, when the form was sent by a click on the plan; null otherwise or outside it.</summary>
    public static (double Latitude, double Longitude)? Clicked(IFormCollection form, MapProjection map)
    {
        if (!double.TryParse(form[InputName + ".x"], NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            || !double.TryParse(form[InputName + ".y"], NumberStyles.Float, CultureInfo.InvariantCulture, out var y)) return null;
        return map.Place(x, y);
    }

    public static bool WasClicked(IFormCollection form) => form.ContainsKey(InputName + ".x");

    /// <summary>The plan: a light grid every kilometre or so, the town halls named, the chosen point if any.</summary>
    public static string Svg(MapProjection map, IReadOnlyList<(string Name, double Latitude, double Longitude)> sites, double? latitude, double? longitude)
    {
        var inv = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {MapProjection.Width:0} {map.Height:0}\" width=\"{MapProjection.Width:0}\" height=\"{map.Height:0}\">");
        b.Append(inv, $"<rect width=\"{MapProjection.Width:0}\" height=\"{map.Height:0}\" fill=\"#f4f6f4\"/>");
        for (var x = 40; x < MapProjection.Width; x += 40) b.Append(inv, $"<path d=\"M{x} 0V{map.Height:0}\" stroke=\"#d9dfd9\"/>");
        for (var y = 40; y < map.Height; y += 40) b.Append(inv, $"<path d=\"M0 {y}H{MapProjection.Width:0}\" stroke=\"#d9dfd9\"/>");
        foreach (var s in sites)
            b.Append(inv, $"<rect x=\"{map.X(s.Longitude) - 5:0.0}\" y=\"{map.Y(s.Latitude) - 5:0.0}\" width=\"10\" height=\"10\" fill=\"#1d3f8f\"/>")
             .Append(inv, $"<text x=\"{map.X(s.Longitude) + 8:0.0}\" y=\"{map.Y(s.Latitude) + 4:0.0}\" font-family=\"sans-serif\" font-size=\"13\" fill=\"#1d3f8f\">{System.Security.SecurityElement.Escape(s.Name)}</text>");
        if (latitude is { } lat && longitude is { } lon)
            b.Append(inv, $"<circle cx=\"{map.X(lon):0.0}\" cy=\"{map.Y(lat):0.0}\" r=\"8\" fill=\"#b3261e\" stroke=\"#ffffff\" stroke-width=\"2\"/>");
        b.Append(inv, $"<text x=\"8\" y=\"{map.Height - 8:0}\" font-family=\"sans-serif\" font-size=\"12\" fill=\"#3d3d3d\">Nord en haut · un carreau ≈ {40 / map.PixelsPerKilometre:0.0} km</text>");
        b.Append("</svg>");
        return b.ToString();
    }

    public static void Map(WebApplication app) =>
        app.MapGet("/demandes/{category}/plan.svg", async (string category, double? lat, double? lon, GuichetDb db, CancellationToken ct) =>
        {
            var organisationId = await db.Set<Category>().AsNoTracking().Where(c => c.Id == category && c.Active).Select(c => c.OrganisationId).FirstOrDefaultAsync(ct);
            if (organisationId is null) return Results.NotFound();
            var (map, sites) = await AreaAsync(db, organisationId, ct);
            var point = lat is { } a && lon is { } o && double.IsFinite(a) && double.IsFinite(o) && Math.Abs(a) <= 90 && Math.Abs(o) <= 180 ? (a, o) : ((double, double)?)null;
            return Results.Text(Svg(map, sites, point?.Item1, point?.Item2), "image/svg+xml; charset=utf-8");
        });
}
