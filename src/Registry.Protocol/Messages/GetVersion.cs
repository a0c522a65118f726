using MessagePack;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>
/// GET_VERSION's request: <c>[subject: str, version: int (&gt;= 1, or -1 for latest) | str (an alias), includeDeleted: bool]</c>.
/// </summary>
public sealed record GetVersionRequest : IRequestBody
{
    private const string Shape = "GET_VERSION body";

    /// <inheritdoc />
    public static Opcode Opcode => Opcode.GetVersion;

    /// <summary>The subject.</summary>
    public required string Subject { get; init; }

    /// <summary>The version, or <see cref="VersionSelector.Latest"/>.</summary>
    public int Version { get; init; } = VersionSelector.Latest;

    /// <summary>The alias whose version is asked for (written in place of <see cref="Version"/>), or null.</summary>
    public string? Alias { get; init; }

    /// <summary>Whether a soft-deleted version may be returned.</summary>
    public bool IncludeDeleted { get; init; }

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
        writer.Write(Subject);
        if (Alias is not null)
        {
            writer.Write(Alias);
        }
        else
        {
            writer.Write(Version);
        }

        writer.Write(IncludeDeleted);
    }

    /// <summary>Reads the body.</summary>
    public static GetVersionRequest Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 3);
        var subject = reader.ReadSubject("GET_VERSION.subject");
        var version = VersionSelector.Read(ref reader, "GET_VERSION.version", out var alias);
        var request = new GetVersionRequest
        {
            Subject = subject,
            Version = version,
            Alias = alias,
            IncludeDeleted = reader.ReadBoolean("GET_VERSION.includeDeleted"),
        };
        reader.EndBody(Shape, extra);
        return request;
    }
}

/// <summary>
/// GET_VERSION's response: the ten fields of <see cref="VersionInfo"/> followed by
/// <c>schemaType: str, schema: bin, references: [reference]</c>, as one array of thirteen.
/// </summary>
public sealed record VersionResponse : IResponseBody
{
    private const string Shape = "GET_VERSION response";

    /// <summary>The version's facts.</summary>
    public required VersionInfo Info { get; init; }

    /// <summary>The kind of schema.</summary>
    public SchemaType SchemaType { get; init; }

    /// <summary>The schema's UTF-8 JSON bytes, as registered.</summary>
    public required ReadOnlyMemory<byte> Schema { get; init; }

    /// <summary>The schema's references.</summary>
    public IReadOnlyList<SchemaReference> References { get; init; } = [];

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(VersionInfo.FieldCount + 3);
        Info.WriteFields(ref writer);
        SchemaTypes.Write(ref writer, SchemaType);
        writer.WriteBlob(Schema.Span);
        References.WriteTo(ref writer);
    }

    /// <summary>Reads the body.</summary>
    public static VersionResponse Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, VersionInfo.FieldCount + 3);
        var response = new VersionResponse
        {
            Info = VersionInfo.ReadFields(ref reader),
            SchemaType = SchemaTypes.Read(ref reader, "GET_VERSION.schemaType"),
            Schema = reader.ReadBlobCopy("GET_VERSION.schema"),
            References = SchemaReference.ReadList(ref reader, "GET_VERSION.references"),
        };
        reader.EndBody(Shape, extra);
        return response;
    }
}

/// <summary>Writing of owned lists.</summary>
internal static class ListWriting
{
    public static void WriteTo(this IReadOnlyList<SchemaReference> references, ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(references.Count);
        for (var i = 0; i < references.Count; i++)
        {
            references[i].Write(ref writer);
        }
    }

    public static void WriteTo(this IReadOnlyList<int> values, ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            writer.Write(values[i]);
        }
    }

    public static void WriteTo(this IReadOnlyList<string> values, ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            writer.Write(values[i]);
        }
    }
}
