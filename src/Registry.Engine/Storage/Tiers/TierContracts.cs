using Registry.Engine.Model;

namespace Registry.Engine.Storage.Tiers;

/// <summary>The kinds of mutable facts the caches hold, each invalidated on every write that changes it.</summary>
public enum FactKind : byte
{
    /// <summary>A subject's snapshot (revision and versions), keyed by subject name.</summary>
    Subject,

    /// <summary>The configuration of a scope, keyed by subject name ('' for the registry).</summary>
    Config,

    /// <summary>The versions using a schema id, keyed by the id.</summary>
    Usage,

    /// <summary>A schema by id: immutable, but gone once its last version is hard-deleted.</summary>
    Schema,
}

/// <summary>A mutable fact's key.</summary>
/// <param name="Kind">What kind of fact.</param>
/// <param name="Name">Subject or scope name, or the id in decimal.</param>
public readonly record struct FactKey(FactKind Kind, string Name)
{
    /// <summary>A subject's snapshot.</summary>
    public static FactKey Subject(string subject) => new(FactKind.Subject, subject);

    /// <summary>A scope's configuration (null: the registry's).</summary>
    public static FactKey Config(string? scope) => new(FactKind.Config, scope ?? string.Empty);

    /// <summary>The usage of a schema id.</summary>
    public static FactKey Usage(long id) => new(FactKind.Usage, id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A schema by id.</summary>
    public static FactKey Schema(long id) => new(FactKind.Schema, id.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>A mutable fact read from the shared cache: its bytes (null on a miss) and the generation to fill under.</summary>
/// <param name="Value">The encoded fact, or null.</param>
/// <param name="Generation">The fact's generation when read; a fill succeeds only while it is unchanged.</param>
public readonly record struct SharedFact(byte[]? Value, string Generation);

/// <summary>A schema read from the shared cache: metadata and content when cached, and the generation to fill under.</summary>
/// <param name="Entry">The metadata (with the content's SHA-256), or null on a miss.</param>
/// <param name="Content">The content, or null when it is not cached.</param>
/// <param name="Generation">The schema's generation when read (it changes when its last version is hard-deleted).</param>
public readonly record struct SharedSchema(SchemaEntry? Entry, byte[]? Content, string Generation);

/// <summary>
/// The shared cache tier (L2), seen by every replica. Immutable values (schemas by id and content by SHA-256, ids by
/// fingerprint) are set freely. Mutable facts are versioned: a write bumps the fact's generation and deletes the
/// value; a fill names the generation it read before loading and is refused if a write happened since, so a reader
/// that loaded an old value from the system of record can never overwrite the invalidation of a newer write.
/// Every call may throw (unreachable, timed out): the tiered store counts and skips.
/// </summary>
public interface ISharedCache : IAsyncDisposable
{
    /// <summary>A schema's metadata and content (each null when not cached), with its generation.</summary>
    Task<SharedSchema> GetSchemaAsync(long id, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a schema's metadata under its id and its content under its SHA-256, if the schema's generation is still
    /// <paramref name="generation"/> (null: unconditionally, for a schema just created); false when refused.
    /// </summary>
    Task<bool> SetSchemaAsync(SchemaEntry entry, ReadOnlyMemory<byte> content, string? generation, CancellationToken cancellationToken);

    /// <summary>The id of a fingerprint, or null.</summary>
    Task<long?> GetSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, CancellationToken cancellationToken);

    /// <summary>Stores the id of a fingerprint (immutable).</summary>
    Task SetSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, long id, CancellationToken cancellationToken);

    /// <summary>A mutable fact with its generation.</summary>
    Task<SharedFact> GetFactAsync(FactKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a fact if its generation is still <paramref name="generation"/>; false when refused. <paramref name="age"/>
    /// is how long ago the generation was read: the entry lives for the mutable TTL counted from then (not at all when
    /// that has passed), so a slow load never makes a possibly stale value outlive the staleness bound.
    /// </summary>
    Task<bool> FillFactAsync(FactKey key, string generation, ReadOnlyMemory<byte> value, TimeSpan age, CancellationToken cancellationToken);

    /// <summary>Bumps the generations of the facts and deletes their values, atomically.</summary>
    Task InvalidateAsync(IReadOnlyList<FactKey> keys, CancellationToken cancellationToken);
}

/// <summary>
/// The channel over which replicas tell each other what to forget. <see cref="PublishAsync"/> returns only once every
/// other connected replica has acknowledged applying the message (or the acknowledgement time-out passed), so a
/// write is answered after every replica has dropped what the write made stale.
/// </summary>
public interface IInvalidationBus : IAsyncDisposable
{
    /// <summary>This replica's identity on the bus.</summary>
    Guid Origin { get; }

    /// <summary>True while subscribed: only then may mutable facts be kept in memory.</summary>
    bool IsConnected { get; }

    /// <summary>Raised, one message at a time, for each invalidation from another replica; the acknowledgement is sent after the handler returns.</summary>
    event Action<Invalidation>? Received;

    /// <summary>Raised when the subscription was lost: messages may have been missed, so memory must forget every mutable fact.</summary>
    event Action? Lost;

    /// <summary>Raised when the subscription is back.</summary>
    event Action? Restored;

    /// <summary>Starts the subscription.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Sends the message and waits for the other replicas' acknowledgements; returns how many acknowledged.</summary>
    Task<int> PublishAsync(InvalidationKind kind, string? subject, IReadOnlyList<long> schemaIds, CancellationToken cancellationToken);
}

/// <summary>The content tier (L3): schema bytes stored once under their SHA-256, immutable.</summary>
public interface IContentStore : IAsyncDisposable
{
    /// <summary>Prepares the store (creates the bucket when missing). Failures are reported, not fatal.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The bytes stored under <paramref name="sha256"/>, or null when absent.</summary>
    Task<byte[]?> GetAsync(ReadOnlyMemory<byte> sha256, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="content"/> under <paramref name="sha256"/> (the same bytes every time: idempotent).</summary>
    Task PutAsync(ReadOnlyMemory<byte> sha256, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);
}
