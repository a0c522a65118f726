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
    /// How long a mutable fact is served from memory without asking the shared cache, counted from the moment its load
    /// began. Facts are kept only while the invalidation channel is connected, so this bounds staleness only if an
    /// invalidation is lost (with the shared cache's mutable TTL: together within <c>Registry:Cache:MaxStaleness</c>);
    /// past it, the fact is still served when the system of record is unavailable.
    /// </summary>
    public TimeSpan FactTtl { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Schemas loaded and compiled at start-up, most used first; 0 disables warming.</summary>
    public int WarmupLimit { get; set; } = 10_000;

    /// <summary>Longest time start-up spends warming before the listeners open.</summary>
    public TimeSpan WarmupTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The system of record's circuit breaker (<c>Registry:Storage:Breaker:...</c>).</summary>
public sealed class StoreBreakerOptions
{
    /// <summary>Consecutive "unavailable" failures that open the breaker: calls then fail at once until the break passes.</summary>
    public int Threshold { get; set; } = 3;

    /// <summary>How long the breaker stays open before one call probes again.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(2);
}
