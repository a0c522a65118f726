using BitFaster.Caching.Lru;
using Registry.Engine.Model;
using Registry.Engine.Validation;

namespace Registry.Engine.Services;

/// <summary>How the versions behind a schema id allow it to be used for validation.</summary>
public enum SchemaUsability
{
    /// <summary>At least one version is DRAFT or ACTIVE.</summary>
    Usable,

    /// <summary>No DRAFT or ACTIVE version, at least one DEPRECATED: usable with a warning.</summary>
    Deprecated,

    /// <summary>Every version is ARCHIVED: validation is refused.</summary>
    Archived,
}

/// <summary>
/// A schema held in memory: its immutable record, its compiled validator once built, and the usability of its id
/// (a mutable fact, refreshed after <see cref="RegistryEngineOptions.UsageRefreshInterval"/> or on invalidation).
/// </summary>
public sealed class CachedSchema
{
    private CompiledSchema? _compiled;
    private UsageStamp? _usage;

    internal CachedSchema(SchemaRecord record) => Record = record;

    /// <summary>The schema.</summary>
    public SchemaRecord Record { get; }

    /// <summary>The compiled validator, or null until first needed.</summary>
    public CompiledSchema? Compiled => Volatile.Read(ref _compiled);

    internal void SetCompiled(CompiledSchema compiled) => Interlocked.CompareExchange(ref _compiled, compiled, null);

    internal bool TryGetUsability(long nowTicks, out SchemaUsability usability, out string? warning)
    {
        var stamp = Volatile.Read(ref _usage);
        if (stamp is not null && nowTicks < stamp.ExpiresAt)
        {
            usability = stamp.Usability;
            warning = stamp.Warning;
            return true;
        }

        usability = default;
        warning = null;
        return false;
    }

    internal void SetUsability(SchemaUsability usability, string? warning, long expiresAt) =>
        Volatile.Write(ref _usage, new UsageStamp(usability, warning, expiresAt));

    internal void ForgetUsability() => Volatile.Write(ref _usage, null);

    private sealed record UsageStamp(SchemaUsability Usability, string? Warning, long ExpiresAt);
}

/// <summary>
/// The in-memory tier: schemas by id, bounded by count (LRU). Ids and content are immutable, so entries never go
/// stale; only the usability stamp inside an entry does, and a hard delete removes the entry.
/// </summary>
public sealed class SchemaCache
{
    private readonly ConcurrentLru<long, CachedSchema> _byId;

    /// <summary>Creates a cache holding up to <paramref name="capacity"/> schemas.</summary>
    public SchemaCache(int capacity) => _byId = new ConcurrentLru<long, CachedSchema>(Math.Max(3, capacity));

    /// <summary>Entries held.</summary>
    public int Count => _byId.Count;

    /// <summary>Finds a cached schema without allocating.</summary>
    public bool TryGet(long id, out CachedSchema entry) => _byId.TryGet(id, out entry!);

    /// <summary>Caches a record (or returns the entry another caller cached first).</summary>
    public CachedSchema Add(SchemaRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return _byId.GetOrAdd(record.Id, static (_, r) => new CachedSchema(r), record);
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
}
