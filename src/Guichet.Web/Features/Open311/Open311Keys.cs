using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;

namespace Guichet.Web.Features.Open311;

/// <summary>
/// The configured API keys, held as SHA-256 hashes and compared in constant time against every key (no early exit), so
/// neither the answer time nor a log tells anything about a key. Each key has its own write budget per minute.
/// </summary>
public sealed class Open311Keys : IDisposable
{
    private readonly (byte[] Hash, Open311ApiKey Key, FixedWindowRateLimiter Limiter)[] keys;

    public Open311Keys(Open311Options options)
    {
        keys = options.ApiKeys.Select(k => (Hash(k.Key), k, new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.PostsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        }))).ToArray();
    }

    /// <summary>The enabled key equal to <paramref name="presented"/>, or null.</summary>
    public Open311ApiKey? Find(string presented) => FindEntry(presented)?.Key;

    /// <summary>Takes one write from the key's budget; false when it is spent for this minute.</summary>
    public bool TryWrite(Open311ApiKey key)
    {
        foreach (var k in keys)
            if (ReferenceEquals(k.Key, key))
            {
                using var lease = k.Limiter.AttemptAcquire();
                return lease.IsAcquired;
            }
        return false;
    }

    private (byte[] Hash, Open311ApiKey Key, FixedWindowRateLimiter Limiter)? FindEntry(string presented)
    {
        var hash = Hash(presented);
        (byte[], Open311ApiKey, FixedWindowRateLimiter)? found = null;
        foreach (var k in keys)
            if (CryptographicOperations.FixedTimeEquals(hash, k.Hash) && k.Key.Enabled && found is null) found = k;
        return found;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public void Dispose()
    {
        foreach (var k in keys) k.Limiter.Dispose();
    }
}
