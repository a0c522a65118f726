using MessagePack;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>
/// LIST_SUBJECTS' request: <c>[prefix: str | nil, includeDeleted: bool, offset: int &gt;= 0, limit: int 1..10000]</c>.
/// Subjects are listed in ordinal order of their names.
/// </summary>
public sealed record ListSubjectsRequest : IRequestBody
{
    private const string Shape = "LIST_SUBJECTS body";

    /// <inheritdoc />
    public static Opcode Opcode => Opcode.ListSubjects;

    /// <summary>Only subjects whose name starts with this (ordinal); null for all.</summary>
    public string? Prefix { get; init; }

    /// <summary>Whether soft-deleted subjects are listed.</summary>
    public bool IncludeDeleted { get; init; }

    /// <summary>How many matching subjects to pass over.</summary>
    public int Offset { get; init; }

    /// <summary>Most subjects to return.</summary>
    public int Limit { get; init; } = 1000;

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.WriteNullable(Prefix);
        writer.Write(IncludeDeleted);
        writer.Write(Offset);
        writer.Write(Limit);
    }

    /// <summary>Reads the body.</summary>
    public static ListSubjectsRequest Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 4);
        var request = new ListSubjectsRequest
        {
            Prefix = reader.ReadNullableString("LIST_SUBJECTS.prefix", ProtocolLimits.MaxSubjectBytes),
            IncludeDeleted = reader.ReadBoolean("LIST_SUBJECTS.includeDeleted"),
            Offset = reader.ReadInt32("LIST_SUBJECTS.offset", min: 0),
            Limit = reader.ReadInt32("LIST_SUBJECTS.limit", min: 1, max: ProtocolLimits.MaxPageSize),
        };
        reader.EndBody(Shape, extra);
        return request;
    }
}

/// <summary>LIST_SUBJECTS' response: <c>[subjects: [str], hasMore: bool]</c>.</summary>
public sealed record ListSubjectsResponse : IResponseBody
{
    private const string Shape = "LIST_SUBJECTS response";

    /// <summary>One page of subject names, in ordinal order.</summary>
    public IReadOnlyList<string> Subjects { get; init; } = [];

    /// <summary>True when more subjects follow this page.</summary>
    public bool HasMore { get; init; }

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        Subjects.WriteTo(ref writer);
        writer.Write(HasMore);
    }

    /// <summary>Reads the body.</summary>
    public static ListSubjectsResponse Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 2);
        var count = reader.ReadArrayHeader("LIST_SUBJECTS.subjects", ProtocolLimits.MaxPageSize, minElementBytes: 2);
        string[] subjects = count == 0 ? [] : new string[count];
        for (var i = 0; i < subjects.Length; i++)
        {
            subjects[i] = reader.ReadSubject("LIST_SUBJECTS.subjects[]");
        }

        var hasMore = reader.ReadBoolean("LIST_SUBJECTS.hasMore");
        reader.EndBody(Shape, extra);
        return new ListSubjectsResponse { Subjects = subjects, HasMore = hasMore };
    }
}

/// <summary>LIST_VERSIONS' request: <c>[subject: str, includeDeleted: bool]</c>.</summary>
public sealed record ListVersionsRequest : IRequestBody
{
    private const string Shape = "LIST_VERSIONS body";

    /// <inheritdoc />
    public static Opcode Opcode => Opcode.ListVersions;

    /// <summary>The subject.</summary>
    public required string Subject { get; init; }

    /// <summary>Whether soft-deleted versions are listed.</summary>
    public bool IncludeDeleted { get; init; }

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.Write(Subject);
        writer.Write(IncludeDeleted);
    }

    /// <summary>Reads the body.</summary>
    public static ListVersionsRequest Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 2);
        var request = new ListVersionsRequest
        {
            Subject = reader.ReadSubject("LIST_VERSIONS.subject"),
            IncludeDeleted = reader.ReadBoolean("LIST_VERSIONS.includeDeleted"),
        };
        reader.EndBody(Shape, extra);
        return request;
    }
}

/// <summary>The response of LIST_VERSIONS and DELETE: <c>[versions: [int]]</c>, ascending.</summary>
public sealed record VersionListResponse : IResponseBody
{
    private const string Shape = "version list response";

    /// <summary>Version numbers, ascending.</summary>
    public IReadOnlyList<int> Versions { get; init; } = [];

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        Versions.WriteTo(ref writer);
    }

    /// <summary>Reads the body.</summary>
    public static VersionListResponse Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 1);
        var count = reader.ReadArrayHeader("versions", ProtocolLimits.MaxListItems);
        int[] versions = count == 0 ? [] : new int[count];
        for (var i = 0; i < versions.Length; i++)
        {
            versions[i] = reader.ReadInt32("versions[]", min: 1);
        }

        reader.EndBody(Shape, extra);
        return new VersionListResponse { Versions = versions };
    }
}

/// <summary>LIST_SCHEMA_USAGES' request: <c>[schemaId: int &gt;= 1]</c>.</summary>
/// <param name="SchemaId">The schema's global id.</param>
public sealed record ListSchemaUsagesRequest(int SchemaId) : IRequestBody
{
    private const string Shape = "LIST_SCHEMA_USAGES body";

    /// <inheritdoc />
    public static Opcode Opcode => Opcode.ListSchemaUsages;

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.Write(SchemaId);
    }

    /// <summary>Reads the body.</summary>
    public static ListSchemaUsagesRequest Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 1);
        var id = reader.ReadInt32("LIST_SCHEMA_USAGES.schemaId", min: 1);
        reader.EndBody(Shape, extra);
        return new ListSchemaUsagesRequest(id);
    }
}

/// <summary>LIST_REFERENCED_BY's request: <c>[subject: str, version: int (&gt;= 1, or -1 for latest)]</c>.</summary>
/// <param name="Subject">The referenced subject.</param>
/// <param name="Version">The referenced version, or <see cref="VersionSelector.Latest"/>.</param>
public sealed record ListReferencedByRequest(string Subject, int Version) : IRequestBody
{
    private const string Shape = "LIST_REFERENCED_BY body";

    /// <inheritdoc />
    public static Opcode Opcode => Opcode.ListReferencedBy;

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.Write(Subject);
        writer.Write(Version);
    }

    /// <summary>Reads the body.</summary>
    public static ListReferencedByRequest Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 2);
        var subject = reader.ReadSubject("LIST_REFERENCED_BY.subject");
        var version = VersionSelector.Read(ref reader, "LIST_REFERENCED_BY.version");
        reader.EndBody(Shape, extra);
        return new ListReferencedByRequest(subject, version);
    }
}

/// <summary>The response of LIST_SCHEMA_USAGES and LIST_REFERENCED_BY: <c>[items: [[subject, version]]]</c>.</summary>
public sealed record SubjectVersionListResponse : IResponseBody
{
    private const string Shape = "subject-version list response";

    /// <summary>The subjects and versions, ordered by subject then version.</summary>
    public IReadOnlyList<SubjectVersion> Items { get; init; } = [];

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.WriteArrayHeader(Items.Count);
        for (var i = 0; i < Items.Count; i++)
        {
            Items[i].Write(ref writer);
        }
    }

    /// <summary>Reads the body.</summary>
    public static SubjectVersionListResponse Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 1);
        var count = reader.ReadArrayHeader("items", ProtocolLimits.MaxListItems, SubjectVersion.MinEncodedBytes);
        SubjectVersion[] items = count == 0 ? [] : new SubjectVersion[count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = SubjectVersion.Read(ref reader);
        }

        reader.EndBody(Shape, extra);
        return new SubjectVersionListResponse { Items = items };
    }
}
