using BitFaster.Caching.Lru;
using Registry.Engine.Model;

namespace Registry.Engine.Storage.Memory;

/// <summary>
/// The in-memory tier: schemas by id, bounded by count (LRU) and by the bytes they weigh (each entry counts its
/// <see cref="CachedSchema.Weight"/>; above the bound the coldest entries are trimmed). Ids and content are immutable,
/// so entries never go stale; only the usability stamp inside an entry does, and a hard delete removes the entry.
/// Hits and misses are counted by the cache itself (the memory tier's hit rate).
/// </summary>
public sealed class SchemaCache
{
    private readonly ConcurrentLru<long, CachedSchema> _byId;
    private readonly long _maxBytes;
    private long _bytes;

    // The cache counts the lookup inside GetOrAdd too; these take the adds back out, so only lookups are counted.
    private long _addsInserted;
    private long _addsFound;

    /// <summary>Creates a cache holding up to <paramref name="capacity"/> schemas weighing up to <paramref name="maxBytes"/>.</summary>
    public SchemaCache(int capacity, long maxBytes = long.MaxValue)
    {
        _byId = new ConcurrentLru<long, CachedSchema>(Math.Max(3, capacity));
        _maxBytes = Math.Max(1, maxBytes);

        // Every way out of the cache (eviction, trim, removal, clear) is reported here, so the byte count follows.
        _byId.Events.Value!.ItemRemoved += (_, e) => Interlocked.Add(ref _bytes, -e.Value!.Weight);
    }

    /// <summary>Entries held.</summary>
    public int Count => _byId.Count;

    /// <summary>Sum of the weights of the entries held.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>The byte bound.</summary>
    public long MaxBytes => _maxBytes;

    /// <summary>Lookups that found their schema.</summary>
    public long Hits => _byId.Metrics.Value!.Hits - Volatile.Read(ref _addsFound);

    /// <summary>Lookups that did not.</summary>
    public long Misses => _byId.Metrics.Value!.Misses - Volatile.Read(ref _addsInserted);

    /// <summary>Finds a cached schema without allocating.</summary>
    public bool TryGet(long id, out CachedSchema entry) => _byId.TryGet(id, out entry!);

    /// <summary>Caches a record (or returns the entry another caller cached first).</summary>
    public CachedSchema Add(SchemaRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var created = new CachedSchema(record);
        var entry = _byId.GetOrAdd(record.Id, static (_, e) => e, created);
        if (!ReferenceEquals(entry, created))
        {
            Interlocked.Increment(ref _addsFound);
        }
        else if (Interlocked.Increment(ref _addsInserted) > 0 && Interlocked.Add(ref _bytes, created.Weight) > _maxBytes)
        {
            TrimToBytes();
        }

        return entry;
    }

    /// <summary>Drops the usability stamp of an id (its versions changed state).</summary>
    public void ForgetUsability(long id)
    {
        if (_byId.TryGet(id, out var entry))
        {
            entry.ForgetUsability();
        }
    }

    /// <summary>Drops an id entirely (its last version may have been hard-deleted).</summary>
    public void Remove(long id) => _byId.TryRemove(id);

    /// <summary>Drops everything.</summary>
    public void Clear() => _byId.Clear();

    /// <summary>Trims the coldest entries until the weights fit the byte bound again.</summary>
    private void TrimToBytes()
    {
        var eviction = _byId.Policy.Eviction.Value!;
        for (var round = 0; round < 64; round++)
        {
            var bytes = Volatile.Read(ref _bytes);
            var count = _byId.Count;
            if (bytes <= _maxBytes || count == 0)
            {
                return;
            }

            var average = Math.Max(1, bytes / count);
            eviction.Trim((int)Math.Clamp(((bytes - _maxBytes) / average) + 1, 1, count));
        }
    }
}
