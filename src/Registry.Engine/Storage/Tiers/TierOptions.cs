namespace Registry.Engine.Storage.Tiers;

/// <summary>The in-memory tier (<c>Registry:Cache:Memory:...</c>).</summary>
public sealed class MemoryTierOptions
{
    /// <summary>Most schemas (bytes and compiled validators) kept in memory.</summary>
    public int MaxSchemas { get; set; } = 10_000;

    /// <summary>Most bytes the cached schemas may weigh (content plus an estimate of the compiled validator).</summary>
    public long MaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Most mutable facts (subject snapshots, configurations, schema usages) kept in memory; 0 disables.</summary>
    public int MaxFacts { get; set; } = 10_000;

    /// <summary>
    /// How long a mutable fact is served from memory without asking the shared cache. Facts are kept only while the
    /// invalidation channel is connected, so this bounds staleness only if an invalidation is lost; past it, the fact
    /// is still served when the system of record is unavailable.
    /// </summary>
    public TimeSpan FactTtl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Schemas loaded and compiled at start-up, most used first; 0 disables warming.</summary>
    public int WarmupLimit { get; set; } = 10_000;

    /// <summary>Longest time start-up spends warming before the listeners open.</summary>
    public TimeSpan WarmupTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The shared cache and invalidation channel (<c>Registry:Cache:Redis:...</c>).</summary>
public sealed class RedisTierOptions
{
    /// <summary>StackExchange.Redis configuration string (e.g. <c>127.0.0.1:6379,password=...</c>); empty disables the tier.</summary>
    public string Configuration { get; set; } = string.Empty;

    /// <summary>Prefix of every key and channel, so several registries can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "registry:";

    /// <summary>Lifetime of immutable entries (schemas by id, content by SHA-256, ids by fingerprint).</summary>
    public TimeSpan ImmutableTtl { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Lifetime of mutable entries (subject snapshots, configurations, schema usages).</summary>
    public TimeSpan MutableTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Longest time one Redis call may take before the tier is skipped for that read.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest time to connect.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest time a write waits for the other replicas to acknowledge its invalidation.</summary>
    public TimeSpan AcknowledgementTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive failures that open the circuit breaker.</summary>
    public int BreakerThreshold { get; set; } = 3;

    /// <summary>How long the breaker stays open before one call probes again.</summary>
    public TimeSpan BreakerDuration { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>The content tier (<c>Registry:ContentStore:S3:...</c>).</summary>
public sealed class S3TierOptions
{
    /// <summary>Service URL of the S3 endpoint (e.g. <c>https://s3.eu-west-1.amazonaws.com</c> or a MinIO URL); empty disables the tier.</summary>
    public string ServiceUrl { get; set; } = string.Empty;

    /// <summary>The bucket; created when missing.</summary>
    public string Bucket { get; set; } = "schema-registry";

    /// <summary>Prefix of every object key.</summary>
    public string KeyPrefix { get; set; } = "schemas/sha256/";

    /// <summary>Access key (empty: the SDK's default credential chain).</summary>
    public string AccessKey { get; set; } = string.Empty;

    /// <summary>Secret key.</summary>
    public string SecretKey { get; set; } = string.Empty;

    /// <summary>Signing region.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Path-style addressing (<c>host/bucket/key</c>), needed by most S3-compatible servers.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>Read schema content from S3 on a shared-cache miss (metadata then comes from the system of record's index).</summary>
    public bool ReadThrough { get; set; } = true;

    /// <summary>Longest time one S3 call may take before the tier is skipped for that read.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Most connections to the S3 endpoint.</summary>
    public int MaxConnections { get; set; } = 32;

    /// <summary>Consecutive failures that open the circuit breaker.</summary>
    public int BreakerThreshold { get; set; } = 3;

    /// <summary>How long the breaker stays open before one call probes again.</summary>
    public TimeSpan BreakerDuration { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The system of record's circuit breaker (<c>Registry:Storage:Breaker:...</c>).</summary>
public sealed class StoreBreakerOptions
{
    /// <summary>Consecutive "unavailable" failures that open the breaker: calls then fail at once until the break passes.</summary>
    public int Threshold { get; set; } = 3;

    /// <summary>How long the breaker stays open before one call probes again.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(2);
}
