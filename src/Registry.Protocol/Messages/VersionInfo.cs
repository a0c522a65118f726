using MessagePack;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>
/// A subject's version and everything known about it except the schema content: the response body of
/// UPDATE_VERSION, and the first ten fields of GET_VERSION's.
/// Wire: <c>[subject: str, version: int, schemaId: int, state: int, semVer: str | nil, metadata, deprecation | nil,
/// createdAt: int (Unix ms), createdBy: str | nil, deleted: bool]</c>.
/// </summary>
public sealed record VersionInfo : IResponseBody
{
    internal const int FieldCount = 10;

    /// <summary>The subject.</summary>
    public required string Subject { get; init; }

    /// <summary>The version number (1, 2, ...).</summary>
    public required int Version { get; init; }

    /// <summary>The global id of the version's schema.</summary>
    public required int SchemaId { get; init; }

    /// <summary>Lifecycle state.</summary>
    public LifecycleState State { get; init; } = LifecycleState.Active;

    /// <summary>Semantic-version label, if one was given.</summary>
    public string? SemVer { get; init; }

    /// <summary>Description, owner, tags, properties.</summary>
    public VersionMetadata Metadata { get; init; } = VersionMetadata.Empty;

    /// <summary>Deprecation details, when deprecated.</summary>
    public Deprecation? Deprecation { get; init; }

    /// <summary>When the version was registered.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Who registered it, when known.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>True when soft-deleted.</summary>
    public bool Deleted { get; init; }

    /// <summary>Writes the body: the fields as one array.</summary>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(FieldCount);
        WriteFields(ref writer);
    }

    /// <summary>Reads an UPDATE_VERSION response body.</summary>
    public static VersionInfo Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields("UPDATE_VERSION response", FieldCount);
        var info = ReadFields(ref reader);
        reader.EndBody("UPDATE_VERSION response", extra);
        return info;
    }

    /// <summary>Writes the ten fields without an array header, for bodies that extend them.</summary>
    internal void WriteFields(ref MessagePackWriter writer)
    {
        writer.Write(Subject);
        writer.Write(Version);
        writer.Write(SchemaId);
        writer.Write((int)State);
        writer.WriteNullable(SemVer);
        Metadata.Write(ref writer);
        Deprecation.WriteNullable(ref writer, Deprecation);
        writer.WriteTimestamp(CreatedAt);
        writer.WriteNullable(CreatedBy);
        writer.Write(Deleted);
    }

    internal static VersionInfo ReadFields(ref ProtocolReader reader) => new()
    {
        Subject = reader.ReadSubject("version.subject"),
        Version = reader.ReadInt32("version.version", min: 1),
        SchemaId = reader.ReadInt32("version.schemaId", min: 1),
        State = (LifecycleState)reader.ReadEnum("version.state", DomainEnums.MaxLifecycleState),
        SemVer = reader.ReadNullableString("version.semVer", ProtocolLimits.MaxShortStringBytes),
        Metadata = VersionMetadata.Read(ref reader),
        Deprecation = Deprecation.ReadNullable(ref reader),
        CreatedAt = reader.ReadTimestamp("version.createdAt"),
        CreatedBy = reader.ReadNullableString("version.createdBy", ProtocolLimits.MaxShortStringBytes),
        Deleted = reader.ReadBoolean("version.deleted"),
    };
}
