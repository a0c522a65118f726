using BitFaster.Caching.Lru;

namespace Registry.Engine.Storage.Tiers;

/// <summary>
/// Mutable facts (subject snapshots, configurations, schema usages) in process memory, bounded by count (LRU).
/// Kept only while an invalidation channel connects this process to the others (its owner decides: the channel is
/// connected and the shared tier it shares a connection with is not being skipped): without one, a write by another
/// replica could not reach this memory, so nothing mutable is kept.
/// <para>
/// Staleness is decided by generations, not by removal: each key hashes to one of many stripes with a counter,
/// and there is one epoch for everything. An entry records the stripe counter and the epoch read before its value
/// was loaded, and is served only while both are unchanged. An invalidation increments the stripe counter (an
/// "invalidate everything" increments the epoch), so a load that started before a write can never be served after
/// it, however the threads interleave: no check-then-act race between filling and invalidating.
/// </para>
/// </summary>
public sealed class MemoryFacts
{
    private const int Stripes = 4096;

    private readonly long[] _stripes = new long[Stripes];
    private readonly ConcurrentLru<FactKey, Entry>? _entries;
    private readonly Func<bool> _connected;
    private readonly TimeProvider _time;
    private readonly long _ttlTicks;
    private long _epoch;

    /// <summary>Creates the cache; <paramref name="connected"/> says whether the invalidation channel is up right now.</summary>
    public MemoryFacts(int capacity, TimeSpan ttl, Func<bool> connected, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(connected);
        _entries = capacity > 0 ? new ConcurrentLru<FactKey, Entry>(Math.Max(3, capacity)) : null;
        _connected = connected;
        _time = time ?? TimeProvider.System;
        _ttlTicks = (long)(ttl.TotalSeconds * _time.TimestampFrequency);
    }

    /// <summary>True while facts may be kept: memory is configured and the invalidation channel is connected.</summary>
    public bool Enabled => _entries is not null && _connected();

    /// <summary>Facts held (some may no longer be servable).</summary>
    public int Count => _entries?.Count ?? 0;

    /// <summary>The generation of a key now: to be read before loading its value, and passed back to <see cref="Set"/>.</summary>
    public Ticket Capture(FactKey key) => new(Volatile.Read(ref _stripes[Stripe(key)]), Volatile.Read(ref _epoch));

    /// <summary>
    /// The fact, if held and not invalidated since it was loaded: fresh (younger than the TTL), or with
    /// <paramref name="allowStale"/> of any age (for when the system of record cannot be asked).
    /// </summary>
    public bool TryGet(FactKey key, bool allowStale, out object? value) => TryGet(key, allowStale, out value, out _);

    /// <summary>As <see cref="TryGet(FactKey, bool, out object?)"/>, with when the fact's load began (its freshness counts from then).</summary>
    public bool TryGet(FactKey key, bool allowStale, out object? value, out long loadedAt)
    {
        value = null;
        loadedAt = 0;
        if (_entries is null || !_entries.TryGet(key, out var entry) || !_connected())
        {
            return false;
        }

        if (entry.Ticket != Capture(key) || (!allowStale && _time.GetTimestamp() - entry.LoadedAt > _ttlTicks))
        {
            return false;
        }

        value = entry.Value;
        loadedAt = entry.LoadedAt;
        return true;
    }

    /// <summary>This memory's clock now (a timestamp of its time provider), to be read before loading a fact.</summary>
    public long Now() => _time.GetTimestamp();

    /// <summary>
    /// Keeps a loaded fact, unless the key was invalidated since <paramref name="ticket"/>; false then. Its freshness is
    /// counted from <paramref name="loadedAt"/> (<see cref="Now"/> read before the load began, so the time the load took
    /// counts against the TTL: a value older than the TTL is never served as fresh however long its load took); by
    /// default, from now.
    /// </summary>
    public bool Set(FactKey key, object? value, Ticket ticket, long? loadedAt = null)
    {
        if (_entries is null || !_connected())
        {
            return true;
        }

        if (ticket != Capture(key))
        {
            return false;
        }

        _entries.AddOrUpdate(key, new Entry(value, ticket, loadedAt ?? _time.GetTimestamp()));
        return true;
    }

    /// <summary>
    /// Keeps the fact a write of this process has just produced, such as a subject's snapshot with the version it
    /// appended. <paramref name="before"/> is the key's generation read before the write committed; the fact is kept
    /// only if the write's own invalidation is the one change since (<paramref name="ownSteps"/> steps of the stripe,
    /// the same epoch), so that an invalidation from another replica that came in between is never overwritten. Its
    /// freshness counts from <paramref name="loadedAt"/>. False when not kept.
    /// </summary>
    public bool SetAfterOwnInvalidation(FactKey key, object? value, Ticket before, long loadedAt, int ownSteps)
    {
        if (_entries is null || !_connected())
        {
            return false;
        }

        var expected = before with { Stripe = before.Stripe + ownSteps };
        if (Capture(key) != expected)
        {
            return false;
        }

        // An invalidation after this check changes the generation, and the entry is not served after it.
        _entries.AddOrUpdate(key, new Entry(value, expected, loadedAt));
        return true;
    }

    /// <summary>Makes the fact unservable (and drops it).</summary>
    public void Invalidate(FactKey key)
    {
        Interlocked.Increment(ref _stripes[Stripe(key)]);
        _entries?.TryRemove(key);
    }

    /// <summary>Makes every fact unservable (and drops them all).</summary>
    public void InvalidateAll()
    {
        Interlocked.Increment(ref _epoch);
        _entries?.Clear();
    }

    /// <summary>Forgets what a write by another replica made stale (see <see cref="InvalidationKind"/>).</summary>
    public void Apply(Invalidation message)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (message.Kind)
        {
            case InvalidationKind.All:
                InvalidateAll();
                break;
            case InvalidationKind.Config:
                Invalidate(FactKey.Config(message.Subject));
                break;
            default:
                if (message.Subject is not null)
                {
                    Invalidate(FactKey.Subject(message.Subject));
                    if (message.Kind == InvalidationKind.SubjectHardDeleted)
                    {
                        Invalidate(FactKey.Config(message.Subject));
                    }
                }

                foreach (var id in message.SchemaIds)
                {
                    Invalidate(FactKey.Usage(id));
                    if (message.Kind == InvalidationKind.SubjectHardDeleted)
                    {
                        Invalidate(FactKey.Schema(id));
                    }
                }

                break;
        }
    }

    private static int Stripe(FactKey key) => (int)((uint)key.GetHashCode() % Stripes);

    /// <summary>The generation of a key: its stripe counter and the epoch.</summary>
    /// <param name="Stripe">The stripe counter.</param>
    /// <param name="Epoch">The epoch.</param>
    public readonly record struct Ticket(long Stripe, long Epoch)
    {
        /// <summary>One number that grows whenever either part does (for single-flight generations).</summary>
        public long Sum => Stripe + Epoch;
    }

    private sealed record Entry(object? Value, Ticket Ticket, long LoadedAt);
}
