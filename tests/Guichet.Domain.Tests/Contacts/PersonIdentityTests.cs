using Guichet.Domain.Contacts;

namespace Guichet.Domain.Tests.Contacts;

public sealed class PersonIdentityTests
{
    [Theory]
    [InlineData("Jean-Loïc", "Le Goff-Hervé", "jean loic", "LE GOFF HERVE")]
    [InlineData("Chloé", "N'Diaye", "CHLOE", "ndiaye")]
    [InlineData("Chloé", "N’Diaye", "Chloe", "N'DIAYE")]
    [InlineData("Zoé", "Lefèvre", " zoe ", "  lefevre")]
    [InlineData("Anne-Sophie", "Dupont", "Anne Sophie", "Du-Pont")]
    [InlineData("Laetitia", "Cœur", "Lætitia", "Coeur")]
    [InlineData("J.", "Saint-Exupéry", "j", "Saint Exupery")]
    [InlineData("Noël", "Müller", "NOEL", "MULLER")]
    public void Names_that_differ_only_in_case_accents_spaces_hyphens_and_apostrophes_give_one_key(
        string first, string last, string otherFirst, string otherLast) =>
        Assert.Equal(PersonIdentity.NameKey(first, last), PersonIdentity.NameKey(otherFirst, otherLast));

    [Theory]
    [InlineData("Marie", "Martin", "Martin", "Marie")]      // first and last names are not swapped silently
    [InlineData("Marie", "Martin", "Maria", "Martin")]
    [InlineData("Léa", "Martin", "Léo", "Martin")]
    [InlineData("Jean", "Pierre", "Jeanp", "Ierre")]        // the boundary between first and last name counts
    public void Different_names_give_different_keys(string first, string last, string otherFirst, string otherLast) =>
        Assert.NotEqual(PersonIdentity.NameKey(first, last), PersonIdentity.NameKey(otherFirst, otherLast));

    [Theory]
    [InlineData(" Camille.Martin@Exemple.FR ", "camille.martin@exemple.fr")]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData(null, null)]
    public void Emails_are_compared_without_case_or_spaces(string? email, string? key) =>
        Assert.Equal(key, PersonIdentity.EmailKey(email));

    private static PersonFacts Person(string first, string last, string? email, string? phone, params string[] ids) =>
        new(PersonIdentity.NameKey(first, last), PersonIdentity.EmailKey(email), phone, ids);

    public static TheoryData<string, PersonFacts, PersonFacts, DuplicateKind> Cases => new()
    {
        { "same name and same e-mail", Person("Camille", "Martin", "c.martin@exemple.fr", null), Person("CAMILLE", "MARTIN", "C.Martin@exemple.fr", "+33612345678"), DuplicateKind.SamePerson },
        { "same name and same phone", Person("Jean-Loïc", "Le Goff", null, "+33612345678"), Person("Jean Loic", "LE GOFF", "jl@exemple.fr", "+33612345678"), DuplicateKind.SamePerson },
        { "same name, other e-mail and phone", Person("Camille", "Martin", "a@exemple.fr", "+33612345678"), Person("Camille", "Martin", "b@exemple.fr", "+33687654321"), DuplicateKind.None },
        { "same name, nothing to compare", Person("Camille", "Martin", null, null), Person("Camille", "Martin", null, null), DuplicateKind.None },
        { "same e-mail, other name (a family address)", Person("Léa", "Martin", "famille@exemple.fr", null), Person("Hugo", "Martin", "famille@exemple.fr", null), DuplicateKind.None },
        { "same phone, other name", Person("Léa", "Martin", null, "+33612345678"), Person("Hugo", "Martin", null, "+33612345678"), DuplicateKind.None },
        { "same number, other person", Person("Léa", "Martin", "a@exemple.fr", null, "AB12CD34EF"), Person("Hugo", "Durand", "b@exemple.fr", null, "XY98ZW76UV", "AB12CD34EF"), DuplicateKind.SameApplication },
        { "other numbers, other person", Person("Léa", "Martin", "a@exemple.fr", null, "AB12CD34EF"), Person("Hugo", "Durand", "b@exemple.fr", null, "XY98ZW76UV"), DuplicateKind.None },
        { "same number wins over same person", Person("Léa", "Martin", "a@exemple.fr", null, "AB12CD34EF"), Person("Léa", "Martin", "a@exemple.fr", null, "AB12CD34EF"), DuplicateKind.SameApplication },
        { "empty names never match", Person("", "", "a@exemple.fr", null), Person(" ", "-", "a@exemple.fr", null), DuplicateKind.None },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_duplicate_rule_needs_the_same_number_or_the_same_name_with_the_same_email_or_phone(
        string situation, PersonFacts wanted, PersonFacts existing, DuplicateKind expected) =>
        Assert.True(expected == PersonIdentity.Compare(wanted, existing), situation);
}
