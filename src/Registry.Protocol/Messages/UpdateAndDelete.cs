using MessagePack;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>
/// UPDATE_VERSION's request: <c>[subject: str, version: int (&gt;= 1, or -1), state: int | nil, semVer: str | nil,
/// metadata | nil, deprecation | nil]</c>. Null fields are left as they are; metadata and deprecation, when given,
/// replace the old ones whole. The response is the updated <see cref="VersionInfo"/>.
/// </summary>
public sealed record UpdateVersionRequest : IRequestBody
{
    private const string Shape = "UPDATE_VERSION body";

    /// <inheritdoc />
    public static Opcode Opcode => Opcode.UpdateVersion;

    /// <summary>The subject.</summary>
    public required string Subject { get; init; }

    /// <summary>The version, or <see cref="VersionSelector.Latest"/>.</summary>
    public required int Version { get; init; }

    /// <summary>The new lifecycle state; the transition must be allowed.</summary>
    public LifecycleState? State { get; init; }

    /// <summary>The new semantic-version label.</summary>
    public string? SemVer { get; init; }

    /// <summary>The new metadata, replacing the old.</summary>
    public VersionMetadata? Metadata { get; init; }

    /// <summary>The new deprecation details, replacing the old.</summary>
    public Deprecation? Deprecation { get; init; }

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(6);
        writer.Write(Subject);
        writer.Write(Version);
        writer.WriteNullable((int?)State);
        writer.WriteNullable(SemVer);
        if (Metadata is null)
        {
            writer.WriteNil();
        }
        else
        {
            Metadata.Write(ref writer);
        }

        Deprecation.WriteNullable(ref writer, Deprecation);
    }

    /// <summary>Reads the body.</summary>
    public static UpdateVersionRequest Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 6);
        var request = new UpdateVersionRequest
        {
            Subject = reader.ReadSubject("UPDATE_VERSION.subject"),
            Version = VersionSelector.Read(ref reader, "UPDATE_VERSION.version"),
            State = (LifecycleState?)reader.ReadNullableEnum("UPDATE_VERSION.state", DomainEnums.MaxLifecycleState),
            SemVer = reader.ReadNullableString("UPDATE_VERSION.semVer", ProtocolLimits.MaxShortStringBytes),
            Metadata = reader.TryReadNil() ? null : VersionMetadata.Read(ref reader),
            Deprecation = Deprecation.ReadNullable(ref reader),
        };
        reader.EndBody(Shape, extra);
        return request;
    }
}

/// <summary>
/// DELETE's request: <c>[subject: str, version: int | nil, permanent: bool]</c>. A null version deletes the whole
/// subject. Permanent (hard) deletion needs a soft deletion first. The response is a
/// <see cref="VersionListResponse"/> of the versions deleted.
/// </summary>
public sealed record DeleteRequest : IRequestBody
{
    private const string Shape = "DELETE body";

    /// <inheritdoc />
    public static Opcode Opcode => Opcode.Delete;

    /// <summary>The subject.</summary>
    public required string Subject { get; init; }

    /// <summary>The version (or <see cref="VersionSelector.Latest"/>), or null for the whole subject.</summary>
    public int? Version { get; init; }

    /// <summary>False for a soft delete, true for a hard (permanent) one.</summary>
    public bool Permanent { get; init; }

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
        writer.Write(Subject);
        writer.WriteNullable(Version);
        writer.Write(Permanent);
    }

    /// <summary>Reads the body.</summary>
    public static DeleteRequest Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 3);
        var request = new DeleteRequest
        {
            Subject = reader.ReadSubject("DELETE.subject"),
            Version = VersionSelector.ReadNullable(ref reader, "DELETE.version"),
            Permanent = reader.ReadBoolean("DELETE.permanent"),
        };
        reader.EndBody(Shape, extra);
        return request;
    }
}
