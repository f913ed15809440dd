using Guichet.Domain.Requests;

namespace Guichet.Domain.Tests.Requests;

public sealed class SectorRoutingTests
{
    private static readonly SectorRoute[] Routes =
    [
        new("53120", "nord"), new("53200", "sud"), new("Saint-Aubin-sur-Lorne", "saint-aubin"), new("Vernay", "vernay"),
    ];

    [Theory]
    [InlineData("12 rue des Lilas, 53120 Lorval", null, "nord")]
    [InlineData("Place de l'Église, 53200 Lorval", null, "sud")]
    [InlineData("chemin du Moulin, saint aubin sur lorne", null, "saint-aubin")]
    [InlineData("Route de VERNAY", null, "vernay")]
    [InlineData(null, "3 allée des Roses 53200 Lorval", "sud")]
    [InlineData("devant la poste", "3 allée des Roses 53200 Lorval", "sud")]   // the place names no sector: the postal address does
    [InlineData("1 rue Haute 53120 Lorval", "3 allée des Roses 53200 Lorval", "nord")]   // the place comes first
    [InlineData("531200 inconnu", null, null)]   // six digits are no postal code
    [InlineData("rue de Vernayville", null, null)]   // a whole word only
    [InlineData(null, null, null)]
    public void The_unit_is_the_first_sector_the_place_then_the_postal_address_names(string? place, string? postal, string? unit) =>
        Assert.Equal(unit, SectorRouting.UnitFor(Routes, place, postal));

    [Fact]
    public void Lines_name_a_sector_and_a_service_and_bad_lines_say_which_and_why()
    {
        var (lines, problems) = SectorRouting.Parse("# quartiers\n53120 : Service technique Nord\n\nVernay: Mairie de Vernay\n5312 : X\nsans service\n vernay : Autre\n");
        Assert.Equal([("53120", "Service technique Nord"), ("Vernay", "Mairie de Vernay")], lines);
        Assert.Equal(3, problems.Count);
        Assert.StartsWith("Ligne 5 : un code postal compte 5 chiffres", problems[0]);
        Assert.StartsWith("Ligne 6 :", problems[1]);
        Assert.Contains("déjà routé", problems[2]);
    }

    [Fact]
    public void No_routes_route_nothing() => Assert.Null(SectorRouting.UnitFor([], "53120 Lorval"));
}
