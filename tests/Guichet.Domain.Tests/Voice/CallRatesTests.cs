using Guichet.Domain.Voice;

namespace Guichet.Domain.Tests.Voice;

public sealed class CallRatesTests
{
    /// <summary>booked, information, message, abandoned, unfinished → answered %, abandoned %.</summary>
    [Theory]
    [InlineData(3, 0, 0, 1, 0, 75, 25)]
    [InlineData(1, 1, 1, 0, 5, 100, 0)]       // calls still going count in neither rate
    [InlineData(0, 0, 0, 2, 0, 0, 100)]
    [InlineData(1, 0, 0, 2, 0, 33, 67)]       // the two rates always add up to 100
    [InlineData(0, 0, 0, 0, 3, null, null)]
    public void Rates_count_the_calls_that_ended(int booked, int info, int message, int abandoned, int unfinished, int? answeredPercent, int? abandonedPercent)
    {
        var rates = CallRates.From(new Dictionary<VoiceOutcome, int>
        {
            [VoiceOutcome.Booked] = booked, [VoiceOutcome.Information] = info, [VoiceOutcome.Message] = message,
            [VoiceOutcome.Abandoned] = abandoned, [VoiceOutcome.None] = unfinished,
        });
        Assert.Equal((answeredPercent, abandonedPercent), (rates.AnsweredPercent, rates.AbandonedPercent));
        Assert.Equal(booked + info + message + abandoned + unfinished, rates.Calls);
    }
}
