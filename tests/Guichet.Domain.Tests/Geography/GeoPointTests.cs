using Guichet.Domain.Geography;

namespace Guichet.Domain.Tests.Geography;

public sealed class GeoPointTests
{
    [Theory]
    [InlineData(48.8566, 2.3522, 48.8566, 2.3522, 0.0, 0.001)]          // the same point
    [InlineData(48.8566, 2.3522, 45.7640, 4.8357, 391.5, 1.5)]          // Paris – Lyon
    [InlineData(48.8566, 2.3522, 43.2965, 5.3698, 660.5, 2.0)]          // Paris – Marseille
    [InlineData(0.0, 0.0, 0.0, 1.0, 111.19, 0.05)]                      // one degree on the equator
    [InlineData(0.0, 0.0, 0.0, 180.0, 20015.1, 1.0)]                    // antipodes: half the circumference
    [InlineData(48.3021, -0.6174, 48.4127, -0.3981, 20.0, 0.5)]        // Lorval – Saint-Aubin (demo)
    [InlineData(48.3021, -0.6174, 48.1863, -0.8215, 20.1, 0.5)]        // Lorval – Montclair (demo)
    public void Great_circle_distances_in_kilometres(double lat1, double lon1, double lat2, double lon2, double km, double tolerance)
    {
        var a = new GeoPoint(lat1, lon1);
        var b = new GeoPoint(lat2, lon2);
        Assert.InRange(a.DistanceKm(b), km - tolerance, km + tolerance);
        Assert.Equal(a.DistanceKm(b), b.DistanceKm(a), 9);
    }

    [Theory]
    [InlineData(48.0, 2.0, true)]
    [InlineData(-21.1, 55.5, true)]
    [InlineData(91.0, 2.0, false)]
    [InlineData(48.0, 181.0, false)]
    [InlineData(double.NaN, 2.0, false)]
    public void Coordinates_are_checked(double lat, double lon, bool valid) =>
        Assert.Equal(valid, new GeoPoint(lat, lon).IsValid);

    [Theory]
    [InlineData("53120", true)]
    [InlineData("97400", true)]
    [InlineData("5312", false)]
    [InlineData("531200", false)]
    [InlineData("2A004", false)]
    [InlineData("Lorval", false)]
    public void Postcodes_are_five_digits(string text, bool postcode) => Assert.Equal(postcode, PlaceNames.IsPostcode(text));

    [Theory]
    [InlineData("Saint-Aubin-sur-Lorne", "saint aubin sur lorne")]
    [InlineData("  st aubin  SUR lorne ", "saint aubin sur lorne")]
    [InlineData("Bréhan-la-Forêt", "brehan la foret")]
    [InlineData("Les Essarts-de-Lorne", "les essarts de lorne")]
    [InlineData("L'Hôpital", "l hopital")]
    [InlineData("Ste-Marie", "sainte marie")]
    public void Commune_names_meet_whatever_the_accents_case_and_hyphens(string name, string key) =>
        Assert.Equal(key, PlaceNames.Key(name));
}
