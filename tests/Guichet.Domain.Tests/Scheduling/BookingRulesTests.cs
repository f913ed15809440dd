using Guichet.Domain.Contacts;
using Guichet.Domain.Scheduling;

namespace Guichet.Domain.Tests.Scheduling;

public sealed class BookingRulesTests
{
    [Theory]
    [InlineData(0, "persons")]
    [InlineData(-3, "persons")]
    [InlineData(7, "persons")]
    [InlineData(1, null)]
    [InlineData(6, null)]
    public void Persons_range_from_one_to_the_reason_maximum(int persons, string? field) =>
        Assert.Equal(field, BookingRules.CheckPersons(persons, 6)?.Field);

    [Theory]
    [InlineData("2026-12-01", "2026-12-31", null)]
    [InlineData("2026-12-01", "2027-03-03", null)]       // 92 days
    [InlineData("2026-12-01", "2027-03-05", "to")]       // 94 days
    [InlineData("2026-12-10", "2026-12-01", "to")]
    [InlineData("2026-01-01", "2026-01-10", "from")]
    [InlineData("2028-01-01", "2028-01-10", "from")]
    public void Searches_are_bounded_in_time(string from, string to, string? field) =>
        Assert.Equal(field, BookingRules.CheckRange(DateOnly.Parse(from), DateOnly.Parse(to), new DateOnly(2026, 11, 30))?.Field);

    [Theory]
    [InlineData("Martin", true)]
    [InlineData("N'Diaye", true)]
    [InlineData("Le Goff-Hervé", true)]
    [InlineData("Øster", true)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData("<script>alert(1)</script>", false)]
    [InlineData("Robert'); DROP TABLE appointments;--", false)]
    [InlineData("-Martin", false)]
    [InlineData("Martin\r\nBcc: x@y.fr", false)]
    [InlineData("4815162342", false)]
    public void Names_are_letters_spaces_hyphens_and_apostrophes(string name, bool ok) =>
        Assert.Equal(ok, BookingRules.CheckName("lastName", name, "nom") is null);

    [Fact]
    public void A_hundred_kilobyte_name_is_refused_with_its_limit() =>
        Assert.Contains("100", BookingRules.CheckName("lastName", new string('a', 100_000), "nom")!.Message);

    [Theory]
    [InlineData("camille.martin@exemple.fr", true)]
    [InlineData("c+tag@mairie-lorval.fr", true)]
    [InlineData("camille@exemple", false)]
    [InlineData("camille martin@exemple.fr", false)]
    [InlineData("x@y.fr\r\nBcc: z@w.fr", false)]
    [InlineData("<x@y.fr>", false)]
    public void Emails_are_checked_for_shape_and_header_injection(string email, bool ok) =>
        Assert.Equal(ok, BookingRules.CheckEmail(email) is null);

    [Fact]
    public void A_citizen_leaves_an_email_or_a_mobile_and_never_a_landline_for_sms()
    {
        Assert.Contains(BookingRules.CheckContact("Camille", "Martin", null, null, true), e => e.Field == "email");
        Assert.Empty(BookingRules.CheckContact("Camille", "Martin", null, "06 12 34 56 78", true));
        var landline = BookingRules.CheckContact("Camille", "Martin", null, "02 43 98 12 00", true).Single();
        Assert.Equal("phone", landline.Field);
        Assert.Contains("portable", landline.Message);
        Assert.Empty(BookingRules.CheckContact("Camille", "Martin", null, "02 43 98 12 00", false));
    }

    [Theory]
    [InlineData("AB12CD34EF", 1, null)]
    [InlineData("ab12cd34ef", 1, null)]                   // normalised to upper case
    [InlineData("AB12CD34EF GH56IJ78KL", 1, "preRequestNumbers")]   // more numbers than persons
    [InlineData("AB12CD34E", 1, "preRequestNumbers")]
    [InlineData("AB12CD34EF AB12CD34EF", 2, "preRequestNumbers")]
    [InlineData("AB12-D34EF", 1, "preRequestNumbers")]
    public void Pre_request_numbers_are_ten_letters_or_digits_one_per_person(string text, int persons, string? field) =>
        Assert.Equal(field, BookingRules.CheckPreRequests(BookingRules.ParsePreRequests(text), persons)?.Field);

    [Theory]
    [InlineData("06 12 34 56 78", "+33612345678", PhoneKind.Mobile)]
    [InlineData("+33 7 12 34 56 78", "+33712345678", PhoneKind.Mobile)]
    [InlineData("0033612345678", "+33612345678", PhoneKind.Mobile)]
    [InlineData("+33 (0)6 12 34 56 78", "+33612345678", PhoneKind.Mobile)]
    [InlineData("02.43.98.12.00", "+33243981200", PhoneKind.Landline)]
    [InlineData("0690 12 34 56", "+590690123456", PhoneKind.Mobile)]    // Guadeloupe
    [InlineData("0692 12 34 56", "+262692123456", PhoneKind.Mobile)]    // La Réunion
    [InlineData("0262 12 34 56", "+262262123456", PhoneKind.Landline)]
    [InlineData("0639 12 34 56", "+262639123456", PhoneKind.Mobile)]    // Mayotte
    [InlineData("0810 12 34 56", "+33810123456", PhoneKind.Other)]
    public void French_numbers_are_normalised_to_e164_and_typed(string input, string e164, PhoneKind kind)
    {
        var phone = FrenchPhone.Parse(input);
        Assert.NotNull(phone);
        Assert.Equal(e164, phone.Value.E164);
        Assert.Equal(kind, phone.Value.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("06 12 34 56 7")]
    [InlineData("+44 20 7946 0958")]
    [InlineData("00 12 34 56 78")]
    [InlineData("06 12 34 56 78 ; DROP")]
    [InlineData("06\r\n12345678")]
    public void Anything_else_is_not_a_french_number(string input) => Assert.Null(FrenchPhone.Parse(input));

    [Fact]
    public void A_number_reads_back_in_pairs() =>
        Assert.Equal("06 12 34 56 78", FrenchPhone.Parse("+33612345678")!.Value.National);
}
