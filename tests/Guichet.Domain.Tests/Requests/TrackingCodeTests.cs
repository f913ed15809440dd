using Guichet.Domain.Requests;

namespace Guichet.Domain.Tests.Requests;

public class TrackingCodeTests
{
    [Fact]
    public void The_alphabet_has_no_vowel_no_digit_and_no_look_alike()
    {
        Assert.Equal(19, TrackingCode.Alphabet.Length);
        Assert.Equal(TrackingCode.Alphabet.Length, TrackingCode.Alphabet.Distinct().Count());
        foreach (var c in "AEIOUY0123456789L") Assert.DoesNotContain(c, TrackingCode.Alphabet);
    }

    [Fact]
    public void A_code_is_eight_letters_drawn_from_the_random_source()
    {
        var draws = new Queue<int>([0, 1, 2, 3, 15, 16, 17, 18]);
        Assert.Equal("BCDFVWXZ", TrackingCode.Generate(n => { Assert.Equal(19, n); return draws.Dequeue(); }));
    }

    [Fact]
    public void A_source_out_of_range_is_a_programming_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TrackingCode.Generate(_ => 19));
    }

    [Fact]
    public void Codes_from_a_real_random_source_are_always_valid()
    {
        var random = new Random(6);
        for (var i = 0; i < 1000; i++)
        {
            var code = TrackingCode.Generate(random.Next);
            Assert.Equal(code, TrackingCode.Normalise(code));
        }
    }

    [Theory]
    [InlineData("BCDFGHJK", "BCDFGHJK")]
    [InlineData("bcdfghjk", "BCDFGHJK")]
    [InlineData(" bcdf ghjk ", "BCDFGHJK")]
    [InlineData("BCDF-GHJK", "BCDFGHJK")]
    [InlineData("bcdf.ghjk", "BCDFGHJK")]
    [InlineData("BCDFGHJ", null)]        // too short
    [InlineData("BCDFGHJKM", null)]      // too long
    [InlineData("BCDFGHJ0", null)]       // a digit
    [InlineData("BCDFGHJO", null)]       // a vowel, O
    [InlineData("BCDFGHJL", null)]       // L reads as I
    [InlineData("BCDFGHJÉ", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void The_normaliser_accepts_lower_case_and_spaces_and_refuses_anything_else(string? typed, string? expected) =>
        Assert.Equal(expected, TrackingCode.Normalise(typed));

    [Fact]
    public void A_code_is_displayed_in_two_groups_of_four() =>
        Assert.Equal("BCDF GHJK", TrackingCode.Display("BCDFGHJK"));
}
