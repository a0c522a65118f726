using System.Buffers;
using MessagePack;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>GET_SCHEMA_BY_ID's request: <c>[schemaId: int &gt;= 1]</c>. Hot path: reads and writes allocate nothing.</summary>
/// <param name="SchemaId">The schema's global id.</param>
public readonly record struct GetSchemaByIdRequest(int SchemaId) : IRequestBody
{
    private const string Shape = "GET_SCHEMA_BY_ID body";

    /// <inheritdoc />
    public static Opcode Opcode => Opcode.GetSchemaById;

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer) => Write(ref writer, SchemaId);

    /// <summary>Writes the body.</summary>
    public static void Write(ref MessagePackWriter writer, int schemaId)
    {
        writer.WriteArrayHeader(1);
        writer.Write(schemaId);
    }

    /// <summary>Reads the body.</summary>
    public static GetSchemaByIdRequest Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 1);
        var id = reader.ReadInt32("GET_SCHEMA_BY_ID.schemaId", min: 1);
        reader.EndBody(Shape, extra);
        return new GetSchemaByIdRequest(id);
    }
}

/// <summary>
/// GET_SCHEMA_BY_ID's response, read in place: <c>[schemaId: int, schemaType: str, schema: bin, references: [reference]]</c>.
/// The schema bytes travel exactly as registered (UTF-8 JSON, never re-encoded). Hot path: the writer takes spans,
/// the reader returns slices of the payload, and neither allocates.
/// </summary>
public readonly ref struct SchemaResponse
{
    private const string Shape = "GET_SCHEMA_BY_ID response";

    private SchemaResponse(int schemaId, SchemaType schemaType, ReadOnlySequence<byte> schema, PayloadList<SchemaReferenceView> references)
    {
        SchemaId = schemaId;
        SchemaType = schemaType;
        Schema = schema;
        References = references;
    }

    /// <summary>The schema's global id.</summary>
    public int SchemaId { get; }

    /// <summary>The kind of schema.</summary>
    public SchemaType SchemaType { get; }

    /// <summary>The schema's UTF-8 JSON bytes, a slice of the payload.</summary>
    public ReadOnlySequence<byte> Schema { get; }

    /// <summary>The schema's references, as views over the payload.</summary>
    public PayloadList<SchemaReferenceView> References { get; }

    /// <summary>Writes the body.</summary>
    public static void Write(
        ref MessagePackWriter writer, int schemaId, SchemaType schemaType, ReadOnlySpan<byte> schema, ReadOnlySpan<SchemaReference> references)
    {
        writer.WriteArrayHeader(4);
        writer.Write(schemaId);
        SchemaTypes.Write(ref writer, schemaType);
        writer.WriteBlob(schema);
        SchemaReference.WriteList(ref writer, references);
    }

    /// <summary>Writes the body from a schema held in a sequence.</summary>
    public static void Write(
        ref MessagePackWriter writer, int schemaId, SchemaType schemaType, in ReadOnlySequence<byte> schema, ReadOnlySpan<SchemaReference> references)
    {
        writer.WriteArrayHeader(4);
        writer.Write(schemaId);
        SchemaTypes.Write(ref writer, schemaType);
        writer.WriteBlob(schema);
        SchemaReference.WriteList(ref writer, references);
    }

    /// <summary>Reads the body.</summary>
    public static SchemaResponse Read(scoped ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 4);
        var id = reader.ReadInt32("GET_SCHEMA_BY_ID.schemaId", min: 1);
        var type = SchemaTypes.Read(ref reader, "GET_SCHEMA_BY_ID.schemaType");
        var schema = reader.ReadBlob("GET_SCHEMA_BY_ID.schema");
        var references = PayloadList<SchemaReferenceView>.Read(
            ref reader, "GET_SCHEMA_BY_ID.references", ProtocolLimits.MaxReferences, SchemaReference.MinEncodedBytes);
        reader.EndBody(Shape, extra);
        return new SchemaResponse(id, type, schema, references);
    }
}
