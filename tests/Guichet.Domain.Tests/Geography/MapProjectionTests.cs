using Guichet.Domain.Geography;

namespace Guichet.Domain.Tests.Geography;

public sealed class MapProjectionTests
{
    private static readonly (double, double)[] Lorval = [(48.0731, -0.7703), (48.1012, -0.7301), (48.0512, -0.8104)];

    [Fact]
    public void A_click_on_a_drawn_point_gives_back_that_place_within_a_metre()
    {
        var map = MapProjection.Around(Lorval, 0.06);
        foreach (var (lat, lon) in Lorval.Append((48.08, -0.75)))
        {
            var place = map.Place(map.X(lon), map.Y(lat))!.Value;
            Assert.Equal(lat, place.Latitude, 5);
            Assert.Equal(lon, place.Longitude, 5);
        }
    }

    [Fact]
    public void Every_point_it_was_made_for_lies_inside_the_picture_and_a_click_outside_is_no_place()
    {
        var map = MapProjection.Around(Lorval);
        Assert.All(Lorval, p =>
        {
            Assert.InRange(map.X(p.Item2), 0, MapProjection.Width);
            Assert.InRange(map.Y(p.Item1), 0, map.Height);
        });
        Assert.Null(map.Place(-1, 10));
        Assert.Null(map.Place(10, map.Height + 1));
        Assert.Null(map.Place(double.NaN, 1));
    }

    [Fact]
    public void North_is_up_and_east_is_right() 
    {
        var map = MapProjection.Around(Lorval);
        Assert.True(map.Y(48.10) < map.Y(48.05));
        Assert.True(map.X(-0.73) > map.X(-0.81));
    }

    [Fact]
    public void One_site_alone_still_shows_the_minimum_span_and_no_points_show_france() 
    {
        var one = MapProjection.Around([(48.0731, -0.7703)], 0.06);
        var north = one.Place(MapProjection.Width / 2, 0)!.Value.Latitude;
        var south = one.Place(MapProjection.Width / 2, one.Height)!.Value.Latitude;
        Assert.InRange(north - south, 0.06, 0.09);
        Assert.NotNull(MapProjection.Around([]).Place(1, 1));
    }
}
