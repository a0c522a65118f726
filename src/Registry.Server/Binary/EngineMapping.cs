using System.Globalization;
using MessagePack;
using Registry.Engine;
using Registry.Engine.Model;
using Registry.Protocol;
using Registry.Protocol.Messages;
using P = Registry.Protocol.Messages;

namespace Registry.Server.Binary;

/// <summary>
/// Conversions between the engine's model and the protocol's messages. The enums share their numeric values
/// (checked by tests), so they convert by cast.
/// </summary>
internal static class EngineMapping
{
    /// <summary>A protocol version selector (a number, or -1) as the engine's.</summary>
    public static Engine.Model.VersionSelector Version(int version) =>
        version == P.VersionSelector.Latest ? Engine.Model.VersionSelector.Latest : Engine.Model.VersionSelector.Of(version);

    /// <summary>A protocol version selector that may name an alias instead of a number.</summary>
    public static Engine.Model.VersionSelector Version(int version, string? alias) =>
        alias is not null ? Engine.Model.VersionSelector.Alias(alias) : Version(version);

    /// <summary>An engine schema id as the protocol's int; ids beyond int are a defect of the store, not of the request.</summary>
    public static int SchemaId(long id) => id is > 0 and <= int.MaxValue
        ? (int)id
        : throw new RegistryException(RegistryErrorCode.StoreError, string.Create(CultureInfo.InvariantCulture, $"Schema id {id} does not fit the protocol."));

    /// <summary>The protocol's name of a schema type as the engine spells it.</summary>
    public static string SchemaTypeName(SchemaType type) => SchemaTypes.GetName(type);

    /// <summary>The engine's schema type string as the protocol's enum; unknown types fail as a store defect.</summary>
    public static SchemaType SchemaType(string type) => type switch
    {
        "JSON" => P.SchemaType.Json,
        "AVRO" => P.SchemaType.Avro,
        "PROTOBUF" => P.SchemaType.Protobuf,
        "TOOL" => P.SchemaType.Tool,
        "AGENT_CARD" => P.SchemaType.AgentCard,
        "PROMPT" => P.SchemaType.Prompt,
        _ => throw new RegistryException(RegistryErrorCode.StoreError, $"Schema type '{type}' is not known to the protocol."),
    };

    /// <summary>
    /// Whether a connection of <paramref name="protocolVersion"/> can read the schema's type: a client older than
    /// protocol version 3 knows JSON (and the reserved AVRO, PROTOBUF) only, and would fail to read TOOL.
    /// </summary>
    public static bool IsReadable(SchemaRecord schema, int protocolVersion) =>
        protocolVersion >= ProtocolVersions.ArtifactTypes || !Registry.Schemas.Artifacts.ArtifactTypes.TryGet(schema.SchemaType, out _);

    /// <summary>Refuses, as <see cref="RegistryErrorCode.SchemaTypeMismatch"/>, a schema a connection's client could not read.</summary>
    public static void RequireReadable(SchemaRecord schema, int protocolVersion)
    {
        if (!IsReadable(schema, protocolVersion))
        {
            throw new RegistryException(RegistryErrorCode.SchemaTypeMismatch, string.Create(CultureInfo.InvariantCulture,
                $"Schema {schema.Id} is a {schema.SchemaType}; this connection speaks protocol version {protocolVersion}, and schema types other than JSON need version {ProtocolVersions.ArtifactTypes}: upgrade the client."));
        }
    }

    public static IReadOnlyList<Engine.Model.SchemaReference> References(IReadOnlyList<P.SchemaReference> references)
    {
        if (references.Count == 0)
        {
            return [];
        }

        var list = new Engine.Model.SchemaReference[references.Count];
        for (var i = 0; i < list.Length; i++)
        {
            var r = references[i];
            list[i] = new Engine.Model.SchemaReference(r.Name, r.Subject, r.Version);
        }

        return list;
    }

    public static IReadOnlyList<P.SchemaReference> References(IReadOnlyList<Engine.Model.SchemaReference> references)
    {
        if (references.Count == 0)
        {
            return [];
        }

        var list = new P.SchemaReference[references.Count];
        for (var i = 0; i < list.Length; i++)
        {
            var r = references[i];
            list[i] = new P.SchemaReference(r.Name, r.Subject, r.Version);
        }

        return list;
    }

    /// <summary>
    /// Writes an engine reference list in the protocol's shape without converting it first: the GET_SCHEMA_BY_ID
    /// hot path must not allocate.
    /// </summary>
    public static void WriteReferences(ref MessagePackWriter writer, IReadOnlyList<Engine.Model.SchemaReference> references)
    {
        writer.WriteArrayHeader(references.Count);
        for (var i = 0; i < references.Count; i++)
        {
            var r = references[i];
            writer.WriteArrayHeader(3);
            writer.Write(r.Name);
            writer.Write(r.Subject);
            writer.Write(r.Version);
        }
    }

    public static Engine.Model.VersionMetadata Metadata(P.VersionMetadata? metadata) => metadata is null
        ? Engine.Model.VersionMetadata.Empty
        : new Engine.Model.VersionMetadata
        {
            Description = metadata.Description,
            Owner = metadata.Owner,
            Tags = metadata.Tags,
            Properties = metadata.Properties,
        };

    public static P.VersionMetadata Metadata(Engine.Model.VersionMetadata metadata) => metadata.IsEmpty
        ? P.VersionMetadata.Empty
        : new P.VersionMetadata
        {
            Description = metadata.Description,
            Owner = metadata.Owner,
            Tags = metadata.Tags,
            Properties = metadata.Properties,
        };

    /// <summary>
    /// The protocol's deprecation as the engine's: the replacement subject and version become the engine's
    /// <c>subject:version</c> text (the spelling the HTTP API uses).
    /// </summary>
    public static Engine.Model.Deprecation Deprecation(P.Deprecation deprecation) => new()
    {
        Reason = deprecation.Reason,
        Sunset = deprecation.SunsetAt,
        Replacement = deprecation.ReplacementSubject is null
            ? null
            : deprecation.ReplacementVersion is { } v
                ? string.Create(CultureInfo.InvariantCulture, $"{deprecation.ReplacementSubject}:{v}")
                : deprecation.ReplacementSubject,
    };

    public static P.Deprecation? Deprecation(Engine.Model.Deprecation? deprecation)
    {
        if (deprecation is null)
        {
            return null;
        }

        string? subject = deprecation.Replacement;
        int? version = null;
        if (subject is not null)
        {
            var colon = subject.LastIndexOf(':');
            if (colon > 0 && int.TryParse(subject.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= 1)
            {
                version = v;
                subject = subject[..colon];
            }

            // A replacement that is not a valid subject name cannot travel in the subject field.
            if (SubjectName.Check(subject) is not null)
            {
                subject = null;
                version = null;
            }
        }

        return new P.Deprecation { Reason = deprecation.Reason, SunsetAt = deprecation.Sunset, ReplacementSubject = subject, ReplacementVersion = version };
    }

    public static VersionInfo Info(VersionRecord record) => new()
    {
        Subject = record.Subject,
        Version = record.Version,
        SchemaId = SchemaId(record.SchemaId),
        State = (P.LifecycleState)record.State,
        SemVer = record.Semver,
        Metadata = Metadata(record.Metadata),
        Deprecation = Deprecation(record.Deprecation),
        CreatedAt = record.CreatedAt,
        CreatedBy = record.CreatedBy,
        Deleted = record.IsDeleted,
    };

    public static VersionResponse Version(Engine.Model.SubjectVersion version) => new()
    {
        Info = Info(version.Info),
        SchemaType = SchemaType(version.Schema.SchemaType),
        Schema = version.Schema.Content,
        References = References(version.Schema.References),
    };

    public static ConfigResponse Config(ConfigRecord record) => new()
    {
        Level = (P.CompatibilityLevel?)record.Compatibility,
        Policy = (P.CompatibilityPolicy?)record.Policy,
        Mode = (P.RegistryMode?)record.Mode,
    };

    public static ConfigResponse Config(EffectiveConfig config) => new()
    {
        Level = (P.CompatibilityLevel)config.Compatibility,
        Policy = (P.CompatibilityPolicy)config.Policy,
        Mode = (P.RegistryMode)config.Mode,
    };

    public static SubjectVersionListResponse Usages(IReadOnlyList<VersionUsage> usages)
    {
        var items = new P.SubjectVersion[usages.Count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = new P.SubjectVersion(usages[i].Subject, usages[i].Version);
        }

        return new SubjectVersionListResponse { Items = items };
    }

    /// <summary>The protocol's validation outcome (same values as the engine's).</summary>
    public static P.ValidationOutcome Outcome(Schemas.Validation.ValidationOutcome outcome) => (P.ValidationOutcome)outcome;

    /// <summary>An engine lint result in the protocol's shape.</summary>
    public static P.ProfileLintReport Lint(Schemas.Profiles.ProfileLintResult result)
    {
        var violations = new P.LintViolation[result.Violations.Count];
        for (var i = 0; i < violations.Length; i++)
        {
            var v = result.Violations[i];
            violations[i] = new P.LintViolation(v.Name, v.Pointer, (P.LintEffect)(int)v.Effect, v.Message, v.Keyword, v.Limit, v.Actual);
        }

        return new P.ProfileLintReport
        {
            Profile = result.Profile.Name,
            ProfileVersion = result.Profile.Version,
            Status = result.Status switch
            {
                Schemas.Profiles.LintStatus.Completed => P.LintCheckStatus.Completed,
                Schemas.Profiles.LintStatus.InvalidSchema => P.LintCheckStatus.InvalidSchema,
                _ => P.LintCheckStatus.TooComplex,
            },
            Accepted = result.IsAccepted,
            Violations = violations,
            Error = result.Error,
        };
    }

    /// <summary>A stored tool set in the protocol's shape.</summary>
    public static P.ToolSetBody ToolSet(ToolSetRecord set)
    {
        var tools = new P.ToolSetTool[set.Tools.Count];
        for (var i = 0; i < tools.Length; i++)
        {
            var t = set.Tools[i];
            tools[i] = new P.ToolSetTool(t.Subject, t.Version, t.Name, t.Description, t.Strict);
        }

        return new P.ToolSetBody { Name = set.Name, Tools = tools, UpdatedAt = set.UpdatedAt, UpdatedBy = set.UpdatedBy };
    }
}
