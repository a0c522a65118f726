namespace Registry.Engine.Model;

/// <summary>
/// An immutable registered schema: its global id, type, content as first registered, references, and the SHA-256
/// of its canonical form. Safe to cache forever (ids are never reused for other content).
/// </summary>
public sealed class SchemaRecord
{
    /// <summary>Creates a record.</summary>
    public SchemaRecord(long id, string schemaType, ReadOnlyMemory<byte> content, ReadOnlyMemory<byte> contentHash, IReadOnlyList<SchemaReference> references)
    {
        Id = id;
        SchemaType = schemaType;
        Content = content;
        ContentHash = contentHash;
        References = references;
    }

    /// <summary>The global id.</summary>
    public long Id { get; }

    /// <summary><c>JSON</c>.</summary>
    public string SchemaType { get; }

    /// <summary>The schema text (UTF-8) as first registered, or its canonical form when registered with normalisation.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>SHA-256 of the canonical form (32 bytes).</summary>
    public ReadOnlyMemory<byte> ContentHash { get; }

    /// <summary>The schemas this one references, sorted by name.</summary>
    public IReadOnlyList<SchemaReference> References { get; }

    /// <summary>The content hash as lower-case hex.</summary>
    public string ContentHashHex => Convert.ToHexStringLower(ContentHash.Span);
}
