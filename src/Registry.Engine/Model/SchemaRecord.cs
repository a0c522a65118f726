using Registry.Schemas.Validation;

namespace Registry.Engine.Model;

/// <summary>
/// An immutable registered schema: its global id, type, content as first registered, references, and the SHA-256
/// of its canonical form. Safe to cache forever (ids are never reused for other content).
/// <para>
/// A JSON schema that names no <c>$schema</c> is read in the dialect that was in force where it was registered
/// (<see cref="DefaultDraft"/>). That dialect is part of its identity: stores keep it in the type tag
/// (<see cref="StoredType"/>: <c>JSON</c> for 2020-12 or a schema naming its own <c>$schema</c>, <c>JSON;draft-07</c>
/// and the like otherwise), which the fingerprint covers, so the same text read in two dialects gets two ids.
/// </para>
/// </summary>
public sealed class SchemaRecord
{
    private const char DialectSeparator = ';';

    /// <summary>Creates a record.</summary>
    /// <param name="id">The global id.</param>
    /// <param name="schemaType">The type as stored (<see cref="StoredType"/>): the type, with its dialect tag when it has one.</param>
    /// <param name="content">The content.</param>
    /// <param name="contentHash">SHA-256 of the canonical form.</param>
    /// <param name="references">The references, sorted by name.</param>
    public SchemaRecord(long id, string schemaType, ReadOnlyMemory<byte> content, ReadOnlyMemory<byte> contentHash, IReadOnlyList<SchemaReference> references)
    {
        ArgumentNullException.ThrowIfNull(schemaType);
        Id = id;
        StoredType = schemaType;
        SchemaType = SplitStoredType(schemaType, out var draft);
        DefaultDraft = draft ?? JsonSchemaDraft.Draft202012;

        Content = content;
        ContentHash = contentHash;
        References = references;
    }

    /// <summary>The global id.</summary>
    public long Id { get; }

    /// <summary><c>JSON</c>, <c>TOOL</c>, ... (without the dialect tag).</summary>
    public string SchemaType { get; }

    /// <summary>The type with its dialect tag, as stores keep it and as the fingerprint covers it (see the class summary).</summary>
    public string StoredType { get; }

    /// <summary>The draft the content is read in where it names no <c>$schema</c> (2020-12 unless registered under another default).</summary>
    public JsonSchemaDraft DefaultDraft { get; } = JsonSchemaDraft.Draft202012;

    /// <summary>The schema text (UTF-8) as first registered, or its canonical form when registered with normalisation.</summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>SHA-256 of the canonical form (32 bytes).</summary>
    public ReadOnlyMemory<byte> ContentHash { get; }

    /// <summary>The schemas this one references, sorted by name.</summary>
    public IReadOnlyList<SchemaReference> References { get; }

    /// <summary>The content hash as lower-case hex.</summary>
    public string ContentHashHex => Convert.ToHexStringLower(ContentHash.Span);

    /// <summary>
    /// The stored type of a schema of <paramref name="schemaType"/> read in <paramref name="defaultDraft"/> where it
    /// names no <c>$schema</c>: the type alone for 2020-12 (or null: the schema names its own), else the type tagged
    /// with the draft, e.g. <c>JSON;draft-07</c>.
    /// </summary>
    public static string StoredTypeOf(string schemaType, JsonSchemaDraft? defaultDraft) =>
        defaultDraft is null or JsonSchemaDraft.Draft202012 ? schemaType : schemaType + DialectSeparator + JsonSchemaDrafts.Name(defaultDraft.Value);

    /// <summary>The type of a stored type tag; <paramref name="defaultDraft"/> is its dialect, null when untagged.</summary>
    public static string SplitStoredType(string storedType, out JsonSchemaDraft? defaultDraft)
    {
        ArgumentNullException.ThrowIfNull(storedType);
        var separator = storedType.IndexOf(DialectSeparator, StringComparison.Ordinal);
        defaultDraft = separator > 0 ? JsonSchemaDrafts.Parse(storedType[(separator + 1)..]) : null;
        return defaultDraft is null ? storedType : storedType[..separator];
    }
}
