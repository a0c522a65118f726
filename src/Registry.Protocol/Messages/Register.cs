using MessagePack;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>
/// REGISTER's request: <c>[subject: str, schemaType: str, schema: bin, references: [reference], semVer: str | nil,
/// metadata | nil, state: int | nil, importSchemaId: int | nil, importVersion: int | nil]</c>. The import fields are
/// only accepted in IMPORT mode.
/// </summary>
public sealed record RegisterRequest : IRequestBody
{
    private const string Shape = "REGISTER body";

    /// <inheritdoc />
    public static Opcode Opcode => Opcode.Register;

    /// <summary>The subject to register under.</summary>
    public required string Subject { get; init; }

    /// <summary>The kind of schema.</summary>
    public SchemaType SchemaType { get; init; }

    /// <summary>The schema's UTF-8 JSON bytes, stored as given.</summary>
    public required ReadOnlyMemory<byte> Schema { get; init; }

    /// <summary>Other subjects' versions the schema refers to.</summary>
    public IReadOnlyList<SchemaReference> References { get; init; } = [];

    /// <summary>Semantic-version label for the new version; must increase over the previous label.</summary>
    public string? SemVer { get; init; }

    /// <summary>Metadata for the new version.</summary>
    public VersionMetadata? Metadata { get; init; }

    /// <summary>Initial lifecycle state (DRAFT or ACTIVE); null for the server's default, ACTIVE.</summary>
    public LifecycleState? State { get; init; }

    /// <summary>IMPORT mode: the id to give the schema.</summary>
    public int? ImportSchemaId { get; init; }

    /// <summary>IMPORT mode: the version number to give it.</summary>
    public int? ImportVersion { get; init; }

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(9);
        writer.Write(Subject);
        SchemaTypes.Write(ref writer, SchemaType);
        writer.WriteBlob(Schema.Span);
        References.WriteTo(ref writer);
        writer.WriteNullable(SemVer);
        if (Metadata is null)
        {
            writer.WriteNil();
        }
        else
        {
            Metadata.Write(ref writer);
        }

        writer.WriteNullable((int?)State);
        writer.WriteNullable(ImportSchemaId);
        writer.WriteNullable(ImportVersion);
    }

    /// <summary>Reads the body.</summary>
    public static RegisterRequest Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 9);
        var request = new RegisterRequest
        {
            Subject = reader.ReadSubject("REGISTER.subject"),
            SchemaType = SchemaTypes.Read(ref reader, "REGISTER.schemaType"),
            Schema = reader.ReadBlobCopy("REGISTER.schema"),
            References = SchemaReference.ReadList(ref reader, "REGISTER.references"),
            SemVer = reader.ReadNullableString("REGISTER.semVer", ProtocolLimits.MaxShortStringBytes),
            Metadata = reader.TryReadNil() ? null : VersionMetadata.Read(ref reader),
            State = (LifecycleState?)reader.ReadNullableEnum("REGISTER.state", DomainEnums.MaxLifecycleState),
            ImportSchemaId = reader.ReadNullableInt32("REGISTER.importSchemaId", min: 1),
            ImportVersion = reader.ReadNullableInt32("REGISTER.importVersion", min: 1),
        };
        reader.EndBody(Shape, extra);
        return request;
    }
}

/// <summary>
/// REGISTER's response: <c>[schemaId: int, version: int, suggestedBump: int, created: bool]</c>. A refusal for
/// incompatibility is not this body but <see cref="StatusCode.Incompatible"/> with the differences.
/// </summary>
public sealed record RegisterResponse : IResponseBody
{
    private const string Shape = "REGISTER response";

    /// <summary>The schema's global id (the existing one when the content was registered before, under any subject).</summary>
    public required int SchemaId { get; init; }

    /// <summary>The subject's version holding it.</summary>
    public required int Version { get; init; }

    /// <summary>The semantic-version bump the change from the previous version calls for.</summary>
    public VersionBump SuggestedBump { get; init; }

    /// <summary>False when the subject's latest version already had this content and was returned as is.</summary>
    public bool Created { get; init; }

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.Write(SchemaId);
        writer.Write(Version);
        writer.Write((int)SuggestedBump);
        writer.Write(Created);
    }

    /// <summary>Reads the body.</summary>
    public static RegisterResponse Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 4);
        var response = new RegisterResponse
        {
            SchemaId = reader.ReadInt32("REGISTER.schemaId", min: 1),
            Version = reader.ReadInt32("REGISTER.version", min: 1),
            SuggestedBump = (VersionBump)reader.ReadEnum("REGISTER.suggestedBump", DomainEnums.MaxVersionBump),
            Created = reader.ReadBoolean("REGISTER.created"),
        };
        reader.EndBody(Shape, extra);
        return response;
    }
}

/// <summary>
/// CHECK_COMPATIBILITY's request: <c>[subject: str, version: int | nil, schemaType: str, schema: bin,
/// references: [reference]]</c>. A null version checks as REGISTER would (against the versions the subject's level
/// names); a number or -1 checks against that one version.
/// </summary>
public sealed record CheckCompatibilityRequest : IRequestBody
{
    private const string Shape = "CHECK_COMPATIBILITY body";

    /// <inheritdoc />
    public static Opcode Opcode => Opcode.CheckCompatibility;

    /// <summary>The subject.</summary>
    public required string Subject { get; init; }

    /// <summary>One version to check against, or null for what the subject's level prescribes.</summary>
    public int? Version { get; init; }

    /// <summary>The kind of schema.</summary>
    public SchemaType SchemaType { get; init; }

    /// <summary>The candidate schema's UTF-8 JSON bytes.</summary>
    public required ReadOnlyMemory<byte> Schema { get; init; }

    /// <summary>The candidate's references.</summary>
    public IReadOnlyList<SchemaReference> References { get; init; } = [];

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(5);
        writer.Write(Subject);
        writer.WriteNullable(Version);
        SchemaTypes.Write(ref writer, SchemaType);
        writer.WriteBlob(Schema.Span);
        References.WriteTo(ref writer);
    }

    /// <summary>Reads the body.</summary>
    public static CheckCompatibilityRequest Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 5);
        var request = new CheckCompatibilityRequest
        {
            Subject = reader.ReadSubject("CHECK_COMPATIBILITY.subject"),
            Version = VersionSelector.ReadNullable(ref reader, "CHECK_COMPATIBILITY.version"),
            SchemaType = SchemaTypes.Read(ref reader, "CHECK_COMPATIBILITY.schemaType"),
            Schema = reader.ReadBlobCopy("CHECK_COMPATIBILITY.schema"),
            References = SchemaReference.ReadList(ref reader, "CHECK_COMPATIBILITY.references"),
        };
        reader.EndBody(Shape, extra);
        return request;
    }
}

/// <summary>CHECK_COMPATIBILITY's response: <c>[compatible: bool, suggestedBump: int, differences: [difference]]</c>.</summary>
public sealed record CheckCompatibilityResponse : IResponseBody
{
    private const string Shape = "CHECK_COMPATIBILITY response";

    /// <summary>True when no difference is incompatible.</summary>
    public required bool IsCompatible { get; init; }

    /// <summary>The semantic-version bump the change calls for.</summary>
    public VersionBump SuggestedBump { get; init; }

    /// <summary>Every difference found, compatible or not.</summary>
    public IReadOnlyList<SchemaDifference> Differences { get; init; } = [];

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
        writer.Write(IsCompatible);
        writer.Write((int)SuggestedBump);
        SchemaDifference.WriteList(ref writer, Differences);
    }

    /// <summary>Reads the body.</summary>
    public static CheckCompatibilityResponse Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 3);
        var response = new CheckCompatibilityResponse
        {
            IsCompatible = reader.ReadBoolean("CHECK_COMPATIBILITY.compatible"),
            SuggestedBump = (VersionBump)reader.ReadEnum("CHECK_COMPATIBILITY.suggestedBump", DomainEnums.MaxVersionBump),
            Differences = SchemaDifference.ReadList(ref reader, "CHECK_COMPATIBILITY.differences"),
        };
        reader.EndBody(Shape, extra);
        return response;
    }
}
