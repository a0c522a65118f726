using System.Globalization;
using System.Threading.RateLimiting;
using Registry.Engine;
using Registry.Engine.Security;
using Registry.Server.Hosting;

namespace Registry.Server.Security;

/// <summary>
/// Rate limits for both transports (System.Threading.RateLimiting token buckets, partitioned by key): reads and writes
/// of each principal have separate budgets, and failed authentications are counted per source address, so that
/// guessing keys is slow and one caller's burst does not use another's budget. A refusal is
/// <see cref="RegistryErrorCode.RateLimited"/>, with the time to wait (HTTP <c>Retry-After</c>).
/// </summary>
internal sealed class RequestBudgets : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _reads;
    private readonly PartitionedRateLimiter<string>? _writes;
    private readonly PartitionedRateLimiter<string>? _failures;
    private readonly TimeSpan _failureWait;

    public RequestBudgets(ServerOptions options)
    {
        var limits = options.Security.RateLimit;
        _reads = Bucket(limits.ReadsPerSecond, limits.ReadBurst, TimeSpan.FromSeconds(1));
        _writes = Bucket(limits.WritesPerSecond, limits.WriteBurst, TimeSpan.FromSeconds(1));
        _failures = Bucket(limits.FailedAuthenticationsPerMinute, limits.FailedAuthenticationsPerMinute, TimeSpan.FromMinutes(1));

        // Tokens come back continuously (a fraction at each tick), so the check asks for a whole one; the wait is one token's time.
        _failureWait = TimeSpan.FromSeconds(60.0 / Math.Max(1, limits.FailedAuthenticationsPerMinute));
    }

    /// <summary>Takes one request from the principal's budget for its kind of operation; the time to wait when there is none left.</summary>
    public TimeSpan? Spend(Principal principal, SecuredOperation operation)
    {
        var limiter = operation is SecuredOperation.Read or SecuredOperation.Validate ? _reads : _writes;
        return limiter is null ? null : Take(limiter, principal.Name, 1);
    }

    /// <summary>The time to wait when a source address has failed authentication too often lately.</summary>
    public TimeSpan? CheckFailures(string source) =>
        _failures?.GetStatistics(source) is { CurrentAvailablePermits: < 1 } ? _failureWait : null;

    /// <summary>Counts a failed authentication from a source address.</summary>
    public void CountFailure(string source)
    {
        if (_failures is not null)
        {
            using var lease = _failures.AttemptAcquire(source);
        }
    }

    /// <summary>The refusal for a budget that is used up, in whole seconds to wait.</summary>
    public static RegistryException Refusal(TimeSpan retryAfter, string who) =>
        new(RegistryErrorCode.RateLimited, string.Create(CultureInfo.InvariantCulture, $"The request budget of {who} is used up; retry after {Seconds(retryAfter)} s."));

    /// <summary>Whole seconds, at least 1, as <c>Retry-After</c> gives them.</summary>
    public static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    public void Dispose()
    {
        _reads?.Dispose();
        _writes?.Dispose();
        _failures?.Dispose();
    }

    private static TimeSpan? Take(PartitionedRateLimiter<string> limiter, string key, int permits)
    {
        using var lease = limiter.AttemptAcquire(key, permits);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromSeconds(1);
    }

    private static PartitionedRateLimiter<string>? Bucket(int rate, int burst, TimeSpan period) => rate <= 0
        ? null
        : PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst > 0 ? burst : 2 * rate,
            TokensPerPeriod = rate,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            // The partitioned limiter replenishes its partitions on its own timer (every 100 ms); a partition that also
            // auto-replenishes would add a period's tokens at each of those ticks.
            AutoReplenishment = false,
        }), StringComparer.Ordinal);
}
