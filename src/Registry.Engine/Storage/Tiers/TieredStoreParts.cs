using Microsoft.Extensions.Logging;
using Registry.Engine.Storage.Redis;
using Registry.Engine.Storage.S3;

namespace Registry.Engine.Storage.Tiers;

/// <summary>The parts of a <see cref="TieredRegistryStore"/>; only the system of record is required.</summary>
public sealed class TieredStoreParts
{
    /// <summary>The system of record.</summary>
    public required IRegistryStore Store { get; init; }

    /// <summary>Memory settings (mutable facts, fingerprints).</summary>
    public MemoryTierOptions Memory { get; init; } = new();

    /// <summary>The system of record's circuit breaker.</summary>
    public StoreBreakerOptions StoreBreaker { get; init; } = new();

    /// <summary>The shared cache (Redis), or null.</summary>
    public ISharedCache? Shared { get; init; }

    /// <summary>The invalidation channel (Redis pub/sub), or null.</summary>
    public IInvalidationBus? Bus { get; init; }

    /// <summary>Breaker settings of the shared cache.</summary>
    public RedisTierOptions SharedOptions { get; init; } = new();

    /// <summary>The content tier (S3), or null.</summary>
    public IContentStore? Content { get; init; }

    /// <summary>Settings of the content tier.</summary>
    public S3TierOptions ContentOptions { get; init; } = new();

    /// <summary>Disposed last, after the tiers (e.g. the Redis connection they share).</summary>
    public IReadOnlyList<IAsyncDisposable> Owned { get; init; } = [];

    /// <summary>Counters.</summary>
    public TierMetrics Metrics { get; init; } = new();

    /// <summary>Logs.</summary>
    public ILogger Logger { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>Clock of the breakers and of memory freshness.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
