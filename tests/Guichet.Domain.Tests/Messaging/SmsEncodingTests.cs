using Guichet.Domain.Messaging;

namespace Guichet.Domain.Tests.Messaging;

public sealed class SmsEncodingTests
{
    // The measured examples of reference/sms-email.md §2, the elided link filled in to the measured length.
    private const string Trifouillis =
        "Mairie de Trifouillis: RDV carte d'identité mardi 3 décembre à 9h30. Code 4827. Pour annuler: https://rdv.trifouillis.fr/a/4827 répondez ANNULER.";
    private const string HotelDeVille = "Hôtel de ville: rappel RDV passeport le jeudi 5 décembre à 10h15, 2 place du Marché.";

    [Theory]
    [InlineData(Trifouillis, SmsAlphabet.Gsm7, 145, 1)]
    [InlineData("Timbre fiscal 86€", SmsAlphabet.Gsm7, 18, 1)]                       // € costs two septets
    [InlineData(HotelDeVille, SmsAlphabet.Ucs2, 84, 2)]                               // ô forces UCS-2
    [InlineData("", SmsAlphabet.Gsm7, 0, 0)]
    [InlineData("é è ù ì ò à Ç É ä ö ü Ä Ö Ü æ Æ '", SmsAlphabet.Gsm7, 33, 1)]       // all in the basic table
    [InlineData("{}[]~|^\\", SmsAlphabet.Gsm7, 16, 1)]
    [InlineData("Rendez-vous confirmé 👍", SmsAlphabet.Ucs2, 23, 1)]                   // the emoji is two UTF-16 units
    public void Texts_are_measured_as_the_reference_measured_them(string text, SmsAlphabet alphabet, int units, int segments)
    {
        var a = SmsEncoding.Analyze(text);
        Assert.Equal(alphabet, a.Alphabet);
        Assert.Equal(units, a.Units);
        Assert.Equal(segments, a.Segments);
    }

    [Fact]
    public void The_same_text_with_a_typographic_apostrophe_goes_ucs2_in_three_segments_and_names_the_apostrophe()
    {
        var a = SmsEncoding.Analyze(Trifouillis.Replace("d'identité", "d’identité"));
        Assert.Equal(SmsAlphabet.Ucs2, a.Alphabet);
        Assert.Equal(145, a.Units);
        Assert.Equal(3, a.Segments);
        Assert.Equal(["’"], a.NotGsm);
    }

    [Theory]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]   // 2 × 153
    [InlineData(307, 3)]
    [InlineData(459, 3)]
    [InlineData(460, 4)]
    public void Gsm_texts_hold_160_septets_alone_and_153_per_part(int length, int segments) =>
        Assert.Equal(segments, SmsEncoding.Analyze(new string('a', length)).Segments);

    [Theory]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]   // 2 × 67
    [InlineData(135, 3)]
    [InlineData(201, 3)]
    [InlineData(202, 4)]
    public void Ucs2_texts_hold_70_units_alone_and_67_per_part(int length, int segments) =>
        Assert.Equal(segments, SmsEncoding.Analyze("ô" + new string('a', length - 1)).Segments);

    [Fact]
    public void An_extension_character_is_never_cut_between_two_parts()
    {
        // 152 septets then €: 154 in all, so two parts; the € would straddle 153, so it opens the second part.
        var text = new string('a', 152) + "€" + new string('a', 152);
        var a = SmsEncoding.Analyze(text);
        Assert.Equal(306, a.Units);
        Assert.Equal(3, a.Segments);   // 152 | € + 151 | 1
        Assert.Equal(['€'], a.Extended);
        Assert.Equal(2, SmsEncoding.Analyze(new string('a', 151) + "€" + new string('a', 153)).Segments);
    }

    [Fact]
    public void An_emoji_is_never_cut_between_two_parts()
    {
        var text = "ô" + new string('a', 65) + "😀" + new string('a', 66);   // 66 units, then a pair at 67–68
        var a = SmsEncoding.Analyze(text);
        Assert.Equal(134, a.Units);
        Assert.Equal(3, a.Segments);
        Assert.Equal(["ô", "😀"], a.NotGsm);
    }

    [Theory]
    [InlineData("â"), InlineData("ç"), InlineData("ê"), InlineData("ë"), InlineData("î"), InlineData("ï"), InlineData("ô"), InlineData("û")]
    [InlineData("ÿ"), InlineData("œ"), InlineData("À"), InlineData("Â"), InlineData("È"), InlineData("Ê"), InlineData("Ë"), InlineData("Î")]
    [InlineData("Ï"), InlineData("Ô"), InlineData("Ù"), InlineData("Û"), InlineData("Ÿ"), InlineData("Œ"), InlineData("«"), InlineData("»")]
    [InlineData("’"), InlineData("°"), InlineData("–"), InlineData("—"), InlineData("…"), InlineData("\u00A0")]
    public void The_characters_the_reference_lists_force_ucs2(string c)
    {
        var a = SmsEncoding.Analyze("RDV " + c);
        Assert.Equal(SmsAlphabet.Ucs2, a.Alphabet);
        Assert.Equal([c], a.NotGsm);
    }

    [Theory]
    [InlineData("Rendez-vous d’identité", "Rendez-vous d'identité")]
    [InlineData("« Hôtel de ville »", "\" Hotel de ville \"")]
    [InlineData("Attendez…", "Attendez...")]
    [InlineData("9h30 – 10h — fin", "9h30 - 10h - fin")]
    [InlineData("12\u00A0rue", "12 rue")]
    [InlineData("Cœur ŒUVRE", "Coeur OEUVRE")]
    [InlineData("fête château île hôtel sûr Noël naïf", "fete chateau ile hotel sur Noel naif")]
    [InlineData("garçon", "garcon")]
    [InlineData("ÂÊÎÔÛËÏŸÀÈÙ", "AEIOUEIYAEU")]
    [InlineData("n° 12", "no 12")]
    [InlineData("é è à ù É Ç ä", "é è à ù É Ç ä")]        // already GSM: untouched
    [InlineData("Merci 👍", "Merci 👍")]                   // no GSM form: left for Analyze to show
    public void The_gsm_safe_rewrite_follows_the_reference(string input, string expected) =>
        Assert.Equal(expected, SmsEncoding.ToGsmSafe(input));

    [Fact]
    public void A_rewritten_french_reminder_is_gsm_and_fits_one_sms()
    {
        var text = SmsEncoding.ToGsmSafe("Hôtel de ville : rappel RDV passeport le jeudi 5 décembre à 10h15. Code 4827. « Annuler » : répondez ANNULER 4827…");
        var a = SmsEncoding.Analyze(text);
        Assert.Equal(SmsAlphabet.Gsm7, a.Alphabet);
        Assert.Equal(1, a.Segments);
        Assert.Empty(a.NotGsm);
    }
}
