using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Registry.Engine.Model;

namespace Registry.Engine.Schemas;

/// <summary>
/// What decides whether two registrations are the same schema (and so get the same global id): the schema type (as
/// stored, with the dialect tag of a JSON schema read in another default draft than 2020-12:
/// <see cref="SchemaRecord.StoredType"/>), the canonical content, the references and the data contract (Confluent
/// metadata and rule set), when there is one. Holds the canonical bytes, their SHA-256 (the content hash) and the
/// SHA-256 over all three (the fingerprint, unique per schema id in the store).
/// </summary>
public sealed class SchemaIdentity
{
    private SchemaIdentity(string schemaType, byte[] canonical, byte[] contentHash, byte[] fingerprint, IReadOnlyList<SchemaReference> references)
    {
        SchemaType = schemaType;
        Canonical = canonical;
        ContentHash = contentHash;
        Fingerprint = fingerprint;
        References = references;
    }

    /// <summary>The schema type, upper case.</summary>
    public string SchemaType { get; }

    /// <summary>The canonical form of the content.</summary>
    public byte[] Canonical { get; }

    /// <summary>SHA-256 of <see cref="Canonical"/>.</summary>
    public byte[] ContentHash { get; }

    /// <summary>SHA-256 over type, content hash and references: the identity key of a schema id.</summary>
    public byte[] Fingerprint { get; }

    /// <summary>The references sorted by name.</summary>
    public IReadOnlyList<SchemaReference> References { get; }

    /// <summary>
    /// Computes the identity; throws <see cref="RegistryErrorCode.InvalidSchema"/> when the content is not JSON and
    /// <see cref="RegistryErrorCode.InvalidRequest"/> when two references share a name.
    /// </summary>
    public static SchemaIdentity Compute(string schemaType, ReadOnlyMemory<byte> content, IReadOnlyList<SchemaReference> references, int maxDepth)
    {
        var canonical = CanonicalJson.Canonicalize(content, maxDepth);
        var sorted = SortReferences(references);
        var contentHash = SHA256.HashData(canonical);
        return new SchemaIdentity(schemaType, canonical, contentHash, Fingerprinted(schemaType, contentHash, sorted, null), sorted);
    }

    /// <summary>
    /// The data contract this identity includes (Confluent metadata and rule set, normalized); null when none. Two
    /// registrations of the same schema with different contracts are different schemas, with different ids, as in
    /// Confluent.
    /// </summary>
    public DataContract? Contract { get; private init; }

    /// <summary>
    /// The same schema with <paramref name="contract"/> (normalized) in its fingerprint. Without a contract the
    /// fingerprint is the one computed without (so schemas registered before contracts existed keep their ids).
    /// </summary>
    public SchemaIdentity WithContract(DataContract? contract)
    {
        if (contract is { IsEmpty: true })
        {
            contract = null;
        }

        return new SchemaIdentity(SchemaType, Canonical, ContentHash, Fingerprinted(SchemaType, ContentHash, References, contract), References) { Contract = contract };
    }

    private static byte[] Fingerprinted(string schemaType, byte[] contentHash, IReadOnlyList<SchemaReference> sorted, DataContract? contract)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(schemaType));
        hash.AppendData([0]);
        hash.AppendData(contentHash);
        foreach (var reference in sorted)
        {
            hash.AppendData([0]);
            hash.AppendData(Encoding.UTF8.GetBytes(reference.Name));
            hash.AppendData([0]);
            hash.AppendData(Encoding.UTF8.GetBytes(reference.Subject));
            hash.AppendData([0]);
            hash.AppendData(Encoding.UTF8.GetBytes(reference.Version.ToString(CultureInfo.InvariantCulture)));
        }

        if (contract is not null)
        {
            // A marker no reference can produce (names and subjects hold no NUL-1 pair), then the canonical contract.
            hash.AppendData([0, 1]);
            hash.AppendData(Encoding.UTF8.GetBytes(Storage.ContractJson.ToJson(contract)));
        }

        return hash.GetHashAndReset();
    }

    private static SchemaReference[] SortReferences(IReadOnlyList<SchemaReference> references)
    {
        var sorted = new SchemaReference[references.Count];
        for (var i = 0; i < sorted.Length; i++)
        {
            sorted[i] = references[i];
        }

        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (var i = 1; i < sorted.Length; i++)
        {
            if (string.Equals(sorted[i].Name, sorted[i - 1].Name, StringComparison.Ordinal))
            {
                RegistryThrow.InvalidRequest($"Two references are named '{sorted[i].Name}'.");
            }
        }

        return sorted;
    }
}
