using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Registry.Engine.Model;
using Registry.Engine.Services;

namespace Registry.Server.Confluent;

/// <summary>Conversions from engine records to the Confluent API's bodies.</summary>
internal static class ConfluentMapping
{
    public static string Text(SchemaRecord schema) => Encoding.UTF8.GetString(schema.Content.Span);

    /// <summary>References as returned; null (omitted) when there are none, as Confluent omits empty lists.</summary>
    public static List<ConfluentReferenceResponse>? References(IReadOnlyList<SchemaReference> references)
    {
        if (references.Count == 0)
        {
            return null;
        }

        var list = new List<ConfluentReferenceResponse>(references.Count);
        foreach (var r in references)
        {
            list.Add(new ConfluentReferenceResponse(r.Name, r.Subject, r.Version));
        }

        return list;
    }

    /// <summary>The property that carries a version's lifecycle state, so that Confluent tools can see it.</summary>
    public const string StateProperty = MetadataRules.ReservedPrefix + "state";

    /// <summary>
    /// The version's metadata properties, with its lifecycle state under <see cref="StateProperty"/> (Confluent has no
    /// field for it; properties are where its serializers and tools look for version facts).
    /// </summary>
    public static ConfluentMetadataResponse Metadata(VersionRecord info)
    {
        var properties = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in info.Metadata.Properties)
        {
            properties[key] = value;
        }

        properties[StateProperty] = Lifecycle.Name(info.State);
        return new ConfluentMetadataResponse(properties);
    }

    public static ConfluentVersionResponse Version(VersionRecord info, SchemaRecord schema) => new()
    {
        Subject = info.Subject,
        Version = info.Version,
        Id = info.SchemaId,
        References = References(schema.References),
        Metadata = Metadata(info),
        Schema = Text(schema),
        Ts = info.CreatedAt.ToUnixTimeMilliseconds(),
        Deleted = info.IsDeleted,
    };

    public static ConfluentVersionResponse Version(SubjectVersion version) => Version(version.Info, version.Schema);
}

/// <summary>
/// The serialised body of <c>GET /schemas/ids/{id}</c>, kept beside the engine's cached record of the schema: a warm
/// read writes prepared bytes and allocates nothing. Keyed by the record instance, so an entry lives exactly as
/// long as the engine keeps that record (a hard delete evicts the record, and the bytes go with it).
/// </summary>
internal sealed class SchemaIdResponses
{
    private static readonly ConditionalWeakTable<SchemaRecord, byte[]>.CreateValueCallback Build = static schema =>
        JsonSerializer.SerializeToUtf8Bytes(
            new ConfluentSchemaResponse { References = ConfluentMapping.References(schema.References), Schema = ConfluentMapping.Text(schema) },
            ConfluentJsonContext.Wire.ConfluentSchemaResponse);

    private readonly ConditionalWeakTable<SchemaRecord, byte[]> _bodies = [];

    public byte[] Body(SchemaRecord schema) => _bodies.TryGetValue(schema, out var body) ? body : _bodies.GetValue(schema, Build);
}
