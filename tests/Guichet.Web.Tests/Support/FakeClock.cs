namespace Guichet.Web.Tests.Support;

/// <summary>A clock the test moves by hand. Timers are not needed by the features under test yet.</summary>
public sealed class FakeClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;
    private readonly Lock gate = new();

    public override DateTimeOffset GetUtcNow() { lock (gate) return now; }

    public void Advance(TimeSpan by) { lock (gate) now += by; }

    public void Set(DateTimeOffset to) { lock (gate) now = to; }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
