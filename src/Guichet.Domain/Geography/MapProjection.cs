namespace Guichet.Domain.Geography;

/// <summary>
/// A plain equirectangular projection of an area onto a picture <see cref="Width"/> wide: longitudes shrunk by the
/// cosine of the mean latitude so distances look right at French latitudes, a margin around the points, a minimum
/// span. Both ways: the agents' map draws points with it, and the citizen's plan turns a click back into a place,
/// without tiles or script.
/// </summary>
public sealed class MapProjection
{
    public const double Width = 640;
    private readonly double k, cx, cy, scale;

    public double Height { get; }

    private MapProjection(double k, double cx, double cy, double scale, double height) =>
        (this.k, this.cx, this.cy, this.scale, Height) = (k, cx, cy, scale, height);

    /// <param name="points">what the picture must show (latitude, longitude); none: the middle of France.</param>
    /// <param name="minSpanDegrees">the least height (and width, once shrunk) shown, in degrees of latitude.</param>
    public static MapProjection Around(IReadOnlyCollection<(double Latitude, double Longitude)> points, double minSpanDegrees = 0.02)
    {
        var list = points.Count == 0 ? [(46.6, 2.4)] : points;
        double minLat = list.Min(p => p.Latitude), maxLat = list.Max(p => p.Latitude);
        double minLon = list.Min(p => p.Longitude), maxLon = list.Max(p => p.Longitude);
        var k = Math.Cos((minLat + maxLat) / 2 * Math.PI / 180);
        // At least the minimum span, then a 10 % margin on each side.
        var spanX = Math.Max((maxLon - minLon) * k, minSpanDegrees) * 1.2;
        var spanY = Math.Max(maxLat - minLat, minSpanDegrees) * 1.2;
        var height = Math.Round(Math.Clamp(Width * spanY / spanX, 240, 640));
        var scale = Math.Min(Width / spanX, height / spanY);
        return new MapProjection(k, (minLon + maxLon) / 2 * k, (minLat + maxLat) / 2, scale, height);
    }

    /// <summary>Picture pixels for one kilometre (a degree of latitude is about 111.2 km).</summary>
    public double PixelsPerKilometre => scale / 111.2;

    public double X(double longitude) => Width / 2 + (longitude * k - cx) * scale;
    public double Y(double latitude) => Height / 2 - (latitude - cy) * scale;

    /// <summary>The place under a point of the picture, or null outside it.</summary>
    public (double Latitude, double Longitude)? Place(double x, double y)
    {
        if (x < 0 || y < 0 || x > Width || y > Height || double.IsNaN(x) || double.IsNaN(y)) return null;
        var latitude = cy + (Height / 2 - y) / scale;
        var longitude = (cx + (x - Width / 2) / scale) / k;
        return (Math.Round(latitude, 6), Math.Round(longitude, 6));
    }
}
