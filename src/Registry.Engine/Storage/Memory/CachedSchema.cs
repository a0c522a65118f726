using Registry.Engine.Model;
using Registry.Schemas.Validation;

namespace Registry.Engine.Storage.Memory;

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
/// A schema held in memory: its immutable record, its compiled validator once built, the usability of its id
/// (a mutable fact, refreshed after <see cref="Services.RegistryEngineOptions.UsageRefreshInterval"/> or on invalidation),
/// and, when other processes share the store, until when the id is known to be live (not hard-deleted; see
/// <see cref="ISchemaLiveness"/>).
/// </summary>
public sealed class CachedSchema
{
    // Measured with `tier-load` (docs/performance.md, "Storage tiers"): a 770-byte tool-definition schema costs about
    // 1 KB cached as bytes and about 9 KB once compiled. Its regular expressions are not part of that: their compiled
    // automata belong to the shared pattern cache (Registry.Schemas' PatternCache), which charges each by its measured
    // size against its own byte bound, and a compiled schema holds them only weakly.

    /// <summary>Fixed cost of an entry: the entry, the record, the cache's node, the compiled schema's root objects.</summary>
    public const int EntryOverheadBytes = 1024;

    /// <summary>Bytes held per byte of schema text: the text itself plus the compiled validator built from it.</summary>
    public const int BytesPerContentByte = 12;

    private CompiledSchema? _compiled;
    private UsageStamp? _usage;

    // Until when (a timestamp of the engine's clock) the id is known to be live; never expires unless the store says
    // other processes may hard-delete it (ISchemaLiveness).
    private long _liveUntil = long.MaxValue;

    internal CachedSchema(SchemaRecord record)
    {
        Record = record;
        Weight = EstimateWeight(record.Content.Span);
    }

    /// <summary>
    /// The bytes an entry is charged for: the overhead, the text and its compiled form. Compiled regular expressions are
    /// charged by the shared pattern cache, by their measured size, not here.
    /// </summary>
    public static long EstimateWeight(ReadOnlySpan<byte> content) => EntryOverheadBytes + ((long)content.Length * BytesPerContentByte);

    /// <summary>The memory this entry is counted for against the cache's byte bound (an estimate, fixed on creation).</summary>
    public long Weight { get; }

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

    /// <summary>True while the id is known to be live at <paramref name="now"/> (a timestamp of the engine's clock).</summary>
    internal bool IsLiveAt(long now) => now < Volatile.Read(ref _liveUntil);

    /// <summary>Records until when the id is known to be live (a check began at that time minus the liveness TTL).</summary>
    internal void SetLiveUntil(long until) => Volatile.Write(ref _liveUntil, until);

    private sealed record UsageStamp(SchemaUsability Usability, string? Warning, long ExpiresAt);
}
