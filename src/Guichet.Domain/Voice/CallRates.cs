namespace Guichet.Domain.Voice;

/// <summary>
/// Answered and abandoned rates of a set of calls. A call is answered when the caller got what they came for
/// (booked, cancelled, heard the information, reached a person, left a message) and abandoned when they hung up
/// before; calls still going (or whose end was never heard) are left out of both rates.
/// </summary>
public sealed record CallRates(int Calls, int Answered, int Abandoned, int Unfinished)
{
    public static CallRates From(IReadOnlyDictionary<VoiceOutcome, int> byOutcome)
    {
        int Count(VoiceOutcome o) => byOutcome.TryGetValue(o, out var n) ? n : 0;
        var abandoned = Count(VoiceOutcome.Abandoned);
        var unfinished = Count(VoiceOutcome.None);
        var total = byOutcome.Values.Sum();
        return new CallRates(total, total - abandoned - unfinished, abandoned, unfinished);
    }

    private int Finished => Answered + Abandoned;

    /// <summary>In percent, rounded; null when no call ended.</summary>
    public int? AnsweredPercent => Finished == 0 ? null : (int)Math.Round(100.0 * Answered / Finished, MidpointRounding.AwayFromZero);
    public int? AbandonedPercent => Finished == 0 ? null : 100 - AnsweredPercent;
}
