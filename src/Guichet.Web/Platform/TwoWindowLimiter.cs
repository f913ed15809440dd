using System.Threading.RateLimiting;

namespace Guichet.Web.Platform;

/// <summary>
/// A per-minute limit and a per-day limit on the same address, both to pass. The minute stops a burst; the day
/// bounds what a patient guesser gets in a year (see RateLimitTests: guessing a tracking code).
/// </summary>
public sealed class TwoWindowLimiter(int perMinute, int perDay) : RateLimiter
{
    private readonly FixedWindowRateLimiter minute = new(new FixedWindowRateLimiterOptions
    {
        PermitLimit = Math.Max(1, perMinute), Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
    });
    private readonly FixedWindowRateLimiter day = new(new FixedWindowRateLimiterOptions
    {
        PermitLimit = Math.Max(1, perDay), Window = TimeSpan.FromDays(1), QueueLimit = 0,
    });

    public static RateLimitPartition<string> Partition(string key, int perMinute, int perDay) =>
        RateLimitPartition.Get(key, _ => new TwoWindowLimiter(perMinute, perDay));

    // Idle (and so disposable by the partitioned limiter) only when the day window is idle too: forgetting it earlier
    // would hand a guesser a fresh day.
    public override TimeSpan? IdleDuration => day.IdleDuration is { } d && minute.IdleDuration is { } m ? (d < m ? d : m) : null;

    public override RateLimiterStatistics? GetStatistics() => day.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        var first = minute.AttemptAcquire(permitCount);
        if (!first.IsAcquired) return first;
        var second = day.AttemptAcquire(permitCount);
        if (!second.IsAcquired) first.Dispose();
        return second.IsAcquired ? new Both(first, second) : second;
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            minute.Dispose();
            day.Dispose();
        }
        base.Dispose(disposing);
    }

    private sealed class Both(RateLimitLease a, RateLimitLease b) : RateLimitLease
    {
        public override bool IsAcquired => true;
        public override IEnumerable<string> MetadataNames => [];
        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            a.Dispose();
            b.Dispose();
            base.Dispose(disposing);
        }
    }
}
