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
