using Guichet.Domain.Voice;

namespace Guichet.Domain.Tests.Voice;

public sealed class FrenchSpeechTests
{
    [Theory]
    [InlineData(0, "zéro")]
    [InlineData(1, "un")]
    [InlineData(16, "seize")]
    [InlineData(17, "dix-sept")]
    [InlineData(21, "vingt et un")]
    [InlineData(22, "vingt-deux")]
    [InlineData(30, "trente")]
    [InlineData(61, "soixante et un")]
    [InlineData(70, "soixante-dix")]
    [InlineData(71, "soixante et onze")]
    [InlineData(77, "soixante-dix-sept")]
    [InlineData(80, "quatre-vingts")]
    [InlineData(81, "quatre-vingt-un")]
    [InlineData(90, "quatre-vingt-dix")]
    [InlineData(91, "quatre-vingt-onze")]
    [InlineData(99, "quatre-vingt-dix-neuf")]
    [InlineData(100, "cent")]
    [InlineData(101, "cent un")]
    [InlineData(200, "deux cents")]
    [InlineData(280, "deux cent quatre-vingts")]
    [InlineData(1000, "mille")]
    [InlineData(1980, "mille neuf cent quatre-vingts")]
    [InlineData(2000, "deux mille")]
    [InlineData(2026, "deux mille vingt-six")]
    [InlineData(80000, "quatre-vingt mille")]
    [InlineData(200000, "deux cent mille")]
    [InlineData(1000000, "un million")]
    [InlineData(-5, "moins cinq")]
    public void Numbers_are_written_out_in_french(long n, string words) => Assert.Equal(words, FrenchSpeech.Number(n));

    [Theory]
    [InlineData(1, "une")]
    [InlineData(21, "vingt et une")]
    [InlineData(31, "trente et une")]
    [InlineData(81, "quatre-vingt-une")]
    [InlineData(2, "deux")]
    [InlineData(11, "onze")]
    public void Feminine_numbers_end_in_une(long n, string words) => Assert.Equal(words, FrenchSpeech.Number(n, feminine: true));

    [Theory]
    [InlineData(9, 30, "neuf heures trente")]
    [InlineData(9, 0, "neuf heures")]
    [InlineData(9, 5, "neuf heures cinq")]
    [InlineData(1, 0, "une heure")]
    [InlineData(0, 15, "zéro heure quinze")]
    [InlineData(12, 0, "douze heures")]
    [InlineData(13, 45, "treize heures quarante-cinq")]
    [InlineData(21, 1, "vingt et une heures une")]
    [InlineData(16, 21, "seize heures vingt et une")]
    public void Times_are_said_in_the_24_hour_administrative_style(int h, int m, string words) =>
        Assert.Equal(words, FrenchSpeech.Time(new TimeOnly(h, m)));

    [Theory]
    [InlineData("2026-12-03", "jeudi trois décembre")]
    [InlineData("2026-12-01", "mardi premier décembre")]
    [InlineData("2026-12-21", "lundi vingt et un décembre")]
    [InlineData("2027-01-01", "vendredi premier janvier deux mille vingt-sept")]
    [InlineData("2026-08-15", "samedi quinze août")]
    public void Dates_name_the_weekday_and_the_year_only_when_it_is_not_this_one(string date, string words) =>
        Assert.Equal(words, FrenchSpeech.Date(DateOnly.Parse(date), new DateOnly(2026, 11, 30)));

    [Fact]
    public void A_slot_reads_as_a_sentence() =>
        Assert.Equal("mardi premier décembre à neuf heures trente",
            FrenchSpeech.DateAndTime(new DateTime(2026, 12, 1, 9, 30, 0), new DateOnly(2026, 11, 30)));

    [Theory]
    [InlineData("4827", "quatre, huit, deux, sept")]
    [InlineData("04100239", "zéro, quatre, un, zéro, zéro, deux, trois, neuf")]
    [InlineData("1*#", "un, étoile, dièse")]
    public void Codes_are_read_digit_by_digit(string code, string words) => Assert.Equal(words, FrenchSpeech.Digits(code));

    [Theory]
    [InlineData("0612345678", "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit")]
    [InlineData("06 01 80 71 00", "zéro six, zéro un, quatre-vingts, soixante et onze, zéro zéro")]
    [InlineData("+33612345678", "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit")]
    [InlineData("123", "un, deux, trois")]
    public void Phone_numbers_are_read_by_pairs(string number, string words) => Assert.Equal(words, FrenchSpeech.PhoneNumber(number));

    [Theory]
    [InlineData("Je voudrais prendre un rendez-vous", 1, "1")]
    [InlineData("Annuler mon rendez-vous", 1, "2")]
    [InlineData("les pièces à apporter", 1, "3")]
    [InlineData("Vos HORAIRES ?", 1, "4")]
    [InlineData("un conseiller s'il vous plaît", 1, "0")]
    [InlineData("oui", 1, "1")]
    [InlineData("non", 1, "2")]
    [InlineData("les autres créneaux", 1, "9")]
    [InlineData("3", 1, "3")]
    [InlineData("blabla", 1, "")]
    [InlineData("06 12 34 56 78", 10, "0612345678")]
    public void Speech_becomes_the_keys_the_caller_would_have_typed(string text, int maxDigits, string keys) =>
        Assert.Equal(keys, FrenchIntent.ToKeys(text, maxDigits));
}
