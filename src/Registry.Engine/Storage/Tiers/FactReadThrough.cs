using Microsoft.Extensions.Logging;
using Registry.Engine.Model;

namespace Registry.Engine.Storage.Tiers;

/// <summary>
/// Mutable facts (subject snapshots, configurations, schema usages) read through memory, the shared cache and the
/// system of record. Concurrent misses for one fact share one load. A fill of memory or of the shared cache names the
/// generation read before loading and is refused if a write invalidated the fact since, so a reader that loaded an old
/// value can never overwrite the invalidation of a newer write. While the system of record is unavailable, the last
/// fact held in memory is served, however old: no write can commit meanwhile, so it is still the truth.
/// </summary>
internal sealed class FactReadThrough
{
    private readonly GuardedTier<IRegistryStore> _store;
    private readonly GuardedTier<ISharedCache>? _shared;
    private readonly MemoryFacts _facts;
    private readonly SingleFlight<FactKey, object?> _flights = new();
    private readonly TierMetrics _metrics;
    private readonly ILogger _logger;

    public FactReadThrough(GuardedTier<IRegistryStore> store, GuardedTier<ISharedCache>? shared, MemoryFacts facts, TierMetrics metrics, ILogger logger)
    {
        _store = store;
        _shared = shared;
        _facts = facts;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>True when some tier caches facts now (a shared cache, or memory with the invalidation channel up).</summary>
    public bool Caching => _shared is not null || _facts.Enabled;

    /// <summary>The fact, from the fastest tier that holds it; <paramref name="load"/> reads it from the system of record.</summary>
    public async Task<T> ReadAsync<T>(FactKey key, FactCodec<T> codec, Func<IRegistryStore, FactKey, CancellationToken, Task<T>> load, CancellationToken cancellationToken)
    {
        if (_facts.TryGet(key, allowStale: false, out var held))
        {
            _metrics.Hit(Tier.Memory);
            return (T)held!;
        }

        var enabled = _facts.Enabled;
        if (enabled)
        {
            _metrics.Miss(Tier.Memory);
        }

        if (_shared is null && !enabled)
        {
            // Nothing to cache in: straight to the system of record, without single flight (nothing to share).
            return await _store.CallAsync(load, key, cancellationToken).ConfigureAwait(false);
        }

        return await ReadPastMemoryAsync(key, codec, load, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The fact from the shared cache or the system of record, never from memory: for a caller that keeps it in a
    /// memory of its own for the memory TTL, so memory's lifetime is not counted twice.
    /// </summary>
    public async Task<T> ReadPastMemoryAsync<T>(FactKey key, FactCodec<T> codec, Func<IRegistryStore, FactKey, CancellationToken, Task<T>> load, CancellationToken cancellationToken)
    {
        var ticket = _facts.Capture(key);
        var value = await _flights.RunAsync(
            key,
            ticket.Sum,
            static (key, state) => state.self.LoadAsync(key, state.codec, state.load, state.ticket),
            (self: this, codec, load, ticket),
            cancellationToken).ConfigureAwait(false);
        return (T)value!;
    }

    /// <summary>One version from a snapshot (its versions are in ascending order), or null.</summary>
    public static VersionRecord? FindVersion(SubjectSnapshot snapshot, int version)
    {
        var versions = snapshot.Versions;
        int low = 0, high = versions.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var number = versions[middle].Version;
            if (number == version)
            {
                return versions[middle];
            }

            if (number < version)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return null;
    }

    private async Task<object?> LoadAsync<T>(FactKey key, FactCodec<T> codec, Func<IRegistryStore, FactKey, CancellationToken, Task<T>> load, MemoryFacts.Ticket ticket)
    {
        // Both caches count an entry's lifetime from here, before anything was read: a value read here may already be
        // stale (a write whose invalidation never arrived), and how long this load takes must not extend how long it
        // is served. That keeps the staleness bound (memory TTL + shared TTL) whatever the loads cost.
        var started = _facts.Now();
        var since = System.Diagnostics.Stopwatch.GetTimestamp();
        string? generation = null;
        if (_shared is not null)
        {
            var (ok, fact) = await _shared.TryAsync(static (s, key, ct) => s.GetFactAsync(key, ct), key).ConfigureAwait(false);
            if (ok)
            {
                generation = fact.Generation;
                if (fact.Value is { } bytes)
                {
                    if (codec.TryDecode(key, bytes, out var decoded))
                    {
                        _metrics.Hit(Tier.Shared);
                        KeepInMemory(key, decoded, ticket, started);
                        return decoded;
                    }

                    _metrics.IntegrityFailure(Tier.Shared);
                    TierLog.Malformed(_logger, key.Kind.ToString(), key.Name);
                }

                _metrics.Miss(Tier.Shared);
            }
        }

        T value;
        try
        {
            value = await _store.CallAsync(load, key, CancellationToken.None).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.Code == RegistryErrorCode.StoreUnavailable && _facts.TryGet(key, allowStale: true, out var stale))
        {
            // No write can commit while the system of record is down, so the last fact this process was not told to
            // forget is still the truth.
            _metrics.ServedStale();
            return stale;
        }

        _metrics.Hit(Tier.Store);
        if (_shared is not null && generation is not null)
        {
            var age = System.Diagnostics.Stopwatch.GetElapsedTime(since);
            var (ok, stored) = await _shared.TryAsync(
                static (s, a, ct) => s.FillFactAsync(a.key, a.generation, a.bytes, a.age, ct), (key, generation, bytes: codec.Encode(value), age)).ConfigureAwait(false);
            if (ok && !stored)
            {
                _metrics.StaleFillRefused();
            }
        }

        KeepInMemory(key, value, ticket, started);
        return value;
    }

    private void KeepInMemory(FactKey key, object? value, MemoryFacts.Ticket ticket, long loadedAt)
    {
        if (!_facts.Set(key, value, ticket, loadedAt))
        {
            _metrics.StaleFillRefused();
        }
    }
}
