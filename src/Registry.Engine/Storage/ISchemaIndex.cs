using Registry.Engine.Model;

namespace Registry.Engine.Storage;

/// <summary>
/// Optional capability of a system of record: a schema's metadata without its content, so that the content can come
/// from the content tier (S3) keyed by <see cref="SchemaEntry.ContentSha256"/>.
/// </summary>
public interface ISchemaIndex
{
    /// <summary>The schema's metadata, or null under the same rule as <see cref="IRegistryStore.GetSchemaAsync"/>.</summary>
    Task<SchemaEntry?> GetSchemaEntryAsync(long id, CancellationToken cancellationToken);
}

/// <summary>Optional capability of a system of record: which schemas to load into memory first at start-up.</summary>
public interface IWarmupSource
{
    /// <summary>
    /// Up to <paramref name="limit"/> schema ids, most used first: ids behind the latest live version of the most
    /// subjects, then ids used by the most live versions, then the newest.
    /// </summary>
    Task<IReadOnlyList<long>> GetWarmupSchemaIdsAsync(int limit, CancellationToken cancellationToken);
}

/// <summary>A schema without its content.</summary>
/// <param name="Id">The global id.</param>
/// <param name="SchemaType"><c>JSON</c>.</param>
/// <param name="ContentHash">SHA-256 of the canonical form.</param>
/// <param name="ContentSha256">SHA-256 of the stored bytes: the content tier's key and the check of what it returns.</param>
/// <param name="References">The references, sorted by name.</param>
public sealed record SchemaEntry(long Id, string SchemaType, ReadOnlyMemory<byte> ContentHash, ReadOnlyMemory<byte> ContentSha256, IReadOnlyList<SchemaReference> References);

/// <summary>
/// Optional capability of a store shared by several processes: whether a schema id is still live (some version, live
/// or soft-deleted, uses it), read as a mutable fact. The schema's content never changes, but a hard delete takes the
/// id away; a process that missed the invalidation of that delete learns it from here. The engine serves an id from
/// memory for at most <see cref="LivenessTtl"/> after its last check began, then asks again.
/// </summary>
public interface ISchemaLiveness
{
    /// <summary>
    /// How long the engine may serve a schema from memory after a check that it is live began;
    /// <see cref="Timeout.InfiniteTimeSpan"/> when every delete reaches the engine directly (nothing else writes).
    /// </summary>
    TimeSpan LivenessTtl { get; }

    /// <summary>
    /// True when a version uses the id, false when none does (hard-deleted, or never registered), null when it cannot
    /// be told now (the system of record is unavailable).
    /// </summary>
    Task<bool?> IsSchemaLiveAsync(long id, CancellationToken cancellationToken);
}
