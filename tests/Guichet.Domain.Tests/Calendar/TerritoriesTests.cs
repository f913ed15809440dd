using Guichet.Domain.Calendar;

namespace Guichet.Domain.Tests.Calendar;

public class TerritoriesTests
{
    [Theory]
    [InlineData("57", Territory.AlsaceMoselle)]
    [InlineData("67", Territory.AlsaceMoselle)]
    [InlineData("68", Territory.AlsaceMoselle)]
    [InlineData("971", Territory.Guadeloupe)]
    [InlineData("972", Territory.Martinique)]
    [InlineData("973", Territory.Guyane)]
    [InlineData("974", Territory.Reunion)]
    [InlineData("976", Territory.Mayotte)]
    [InlineData("977", Territory.SaintBarthelemy)]
    [InlineData("978", Territory.SaintMartin)]
    [InlineData("75", Territory.Metropolitan)]
    [InlineData("01", Territory.Metropolitan)]
    [InlineData("2A", Territory.Metropolitan)]
    [InlineData("2B", Territory.Metropolitan)]
    [InlineData("58", Territory.Metropolitan)]
    [InlineData(" 67 ", Territory.AlsaceMoselle)]
    public void A_department_code_gives_its_holiday_territory(string code, Territory expected)
    {
        Assert.Equal(expected, Territories.FromDepartment(code));
    }

    [Theory]
    [InlineData("75001", Territory.Metropolitan)]
    [InlineData("01000", Territory.Metropolitan)]
    [InlineData("20000", Territory.Metropolitan)] // Ajaccio, Corsica
    [InlineData("57000", Territory.AlsaceMoselle)] // Metz
    [InlineData("67000", Territory.AlsaceMoselle)] // Strasbourg
    [InlineData("68100", Territory.AlsaceMoselle)] // Mulhouse
    [InlineData("97110", Territory.Guadeloupe)]    // Pointe-à-Pitre
    [InlineData("97200", Territory.Martinique)]    // Fort-de-France
    [InlineData("97300", Territory.Guyane)]        // Cayenne
    [InlineData("97400", Territory.Reunion)]       // Saint-Denis
    [InlineData("97600", Territory.Mayotte)]       // Mamoudzou
    [InlineData("97133", Territory.SaintBarthelemy)] // still a 971 postal code
    [InlineData("97150", Territory.SaintMartin)]     // still a 971 postal code
    public void A_postal_code_gives_its_holiday_territory(string postalCode, Territory expected)
    {
        Assert.Equal(expected, Territories.FromPostalCode(postalCode));
    }

    [Theory]
    [InlineData("")]
    [InlineData("7500")]
    [InlineData("750011")]
    [InlineData("75 01")]
    [InlineData("2A000")]
    [InlineData("abcde")]
    [InlineData("７５００１")] // full-width digits are not ASCII digits
    public void A_malformed_postal_code_is_refused_with_a_clear_message(string postalCode)
    {
        var error = Assert.Throws<ArgumentException>(() => Territories.FromPostalCode(postalCode));

        Assert.Contains("five digits", error.Message);
        Assert.Equal("postalCode", error.ParamName);
    }

    [Fact]
    public void A_missing_postal_code_or_department_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => Territories.FromPostalCode(null!));
        Assert.Throws<ArgumentNullException>(() => Territories.FromDepartment(null!));
    }

    [Theory]
    [InlineData("Metropolitan", Territory.Metropolitan)]
    [InlineData("alsacemoselle", Territory.AlsaceMoselle)]
    [InlineData("REUNION", Territory.Reunion)]
    [InlineData("SaintBarthelemy", Territory.SaintBarthelemy)]
    public void A_territory_name_parses_whatever_its_case(string value, Territory expected)
    {
        Assert.True(Territories.TryParse(value, out var territory));
        Assert.Equal(expected, territory);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("Alsace")]
    [InlineData("La Réunion")]
    [InlineData("Metropolitan,Mayotte")]
    public void Anything_but_a_territory_name_does_not_parse(string? value)
    {
        Assert.False(Territories.TryParse(value, out var territory));
        Assert.Equal(default, territory);
    }
}
