namespace Registry.Engine.Model;

/// <summary>The facts about one version of a subject, without the schema content.</summary>
public sealed record VersionRecord
{
    /// <summary>The subject.</summary>
    public required string Subject { get; init; }

    /// <summary>The version number, from 1.</summary>
    public required int Version { get; init; }

    /// <summary>The global id of the schema this version points at.</summary>
    public required long SchemaId { get; init; }

    /// <summary>Lifecycle state.</summary>
    public required LifecycleState State { get; init; }

    /// <summary>True once soft-deleted.</summary>
    public bool IsDeleted { get; init; }

    /// <summary>Optional semantic-version label, e.g. <c>1.4.0</c>.</summary>
    public string? Semver { get; init; }

    /// <summary>Descriptive metadata.</summary>
    public VersionMetadata Metadata { get; init; } = VersionMetadata.Empty;

    /// <summary>Set while the version is DEPRECATED or ARCHIVED (when given at deprecation).</summary>
    public Deprecation? Deprecation { get; init; }

    /// <summary>When the version was registered.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Who registered it, when known.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>When the state, metadata or deleted flag last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A version together with its schema: what a read by subject and version returns.</summary>
/// <param name="Info">The version's facts.</param>
/// <param name="Schema">The schema it points at.</param>
public sealed record SubjectVersion(VersionRecord Info, SchemaRecord Schema)
{
    /// <summary>The subject.</summary>
    public string Subject => Info.Subject;

    /// <summary>The version number.</summary>
    public int Version => Info.Version;

    /// <summary>The schema id.</summary>
    public long SchemaId => Info.SchemaId;
}

/// <summary>A version that uses a schema id or references a version, with the state that decides how it may be used.</summary>
/// <param name="Subject">The subject.</param>
/// <param name="Version">The version.</param>
/// <param name="SchemaId">The version's schema id.</param>
/// <param name="State">Its lifecycle state.</param>
/// <param name="IsDeleted">True when soft-deleted.</param>
public sealed record VersionUsage(string Subject, int Version, long SchemaId, LifecycleState State, bool IsDeleted);
