namespace Registry.Engine.Storage.Redis;

/// <summary>The shared cache and invalidation channel (<c>Registry:Cache:Redis:...</c>).</summary>
public sealed class RedisTierOptions
{
    /// <summary>StackExchange.Redis configuration string (e.g. <c>127.0.0.1:6379,password=...</c>); empty disables the tier.</summary>
    public string Configuration { get; set; } = string.Empty;

    /// <summary>Prefix of every key and channel, so several registries can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "registry:";

    /// <summary>Lifetime of immutable entries (schemas by id, content by SHA-256, ids by fingerprint).</summary>
    public TimeSpan ImmutableTtl { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Lifetime of mutable entries (subject snapshots, configurations, schema usages), counted from the moment the
    /// filling reader read the entry's generation, before it loaded the value. With the memory tier's fact TTL it bounds
    /// how long a replica can serve a fact after a write whose invalidation never reached Redis (the writer cut off
    /// from it): the two together must not exceed <c>Registry:Cache:MaxStaleness</c>.
    /// </summary>
    public TimeSpan MutableTtl { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Longest time one Redis call may take before the tier is skipped for that read.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest time to connect.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Longest time a write waits for each Redis call it makes after its commit (the new schema written through, the
    /// shared cache's entries invalidated, the invalidation published). A call past it counts as a failure against the
    /// breaker, and what it was to send is kept and replayed; the write is answered all the same.
    /// </summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest time a write waits for the other replicas to acknowledge its invalidation.</summary>
    public TimeSpan AcknowledgementTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive failures that open the circuit breaker.</summary>
    public int BreakerThreshold { get; set; } = 3;

    /// <summary>How long the breaker stays open before one call probes again.</summary>
    public TimeSpan BreakerDuration { get; set; } = TimeSpan.FromSeconds(5);
}
