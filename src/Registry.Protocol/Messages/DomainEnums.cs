namespace Registry.Protocol.Messages;

/// <summary>The kind of schema. On the wire a string (<c>"JSON"</c>), as Confluent's API spells it.</summary>
public enum SchemaType
{
    /// <summary>JSON Schema.</summary>
    Json = 0,

    /// <summary>Apache Avro (reserved for later).</summary>
    Avro = 1,

    /// <summary>Protocol Buffers (reserved for later).</summary>
    Protobuf = 2,

    /// <summary>A tool definition in MCP's shape (protocol version 3).</summary>
    Tool = 3,

    /// <summary>An A2A agent card (protocol version 3).</summary>
    AgentCard = 4,

    /// <summary>A prompt template (protocol version 3; served once the registry has the type).</summary>
    Prompt = 5,
}

/// <summary>Where a version is in its life. Wire values are the enum values.</summary>
public enum LifecycleState
{
    /// <summary>Registered but not yet in use.</summary>
    Draft = 0,

    /// <summary>In use.</summary>
    Active = 1,

    /// <summary>Still usable; validation succeeds with a deprecation warning.</summary>
    Deprecated = 2,

    /// <summary>Retired; validation against it is refused.</summary>
    Archived = 3,
}

/// <summary>How a new version must relate to the versions before it. Wire values are the enum values.</summary>
public enum CompatibilityLevel
{
    /// <summary>Nothing is checked.</summary>
    None = 0,

    /// <summary>The new schema accepts every document the latest version accepted.</summary>
    Backward = 1,

    /// <summary>As <see cref="Backward"/>, against every earlier live version.</summary>
    BackwardTransitive = 2,

    /// <summary>The latest version accepts every document the new schema accepts.</summary>
    Forward = 3,

    /// <summary>As <see cref="Forward"/>, against every earlier live version.</summary>
    ForwardTransitive = 4,

    /// <summary>Both <see cref="Backward"/> and <see cref="Forward"/>.</summary>
    Full = 5,

    /// <summary>Both, against every earlier live version.</summary>
    FullTransitive = 6,
}

/// <summary>How strictly an open content model is judged. Wire values are the enum values.</summary>
public enum CompatibilityPolicy
{
    /// <summary>Adding a property to an open content model is incompatible.</summary>
    Strict = 0,

    /// <summary>Adding an optional property to an open content model is compatible.</summary>
    Lenient = 1,
}

/// <summary>What writes a registry or subject accepts. Wire values are the enum values.</summary>
public enum RegistryMode
{
    /// <summary>Reads and writes.</summary>
    ReadWrite = 0,

    /// <summary>Reads only; writes get <see cref="StatusCode.ModeForbids"/>.</summary>
    ReadOnly = 1,

    /// <summary>Registration with explicit ids and versions, for migration and restore.</summary>
    Import = 2,
}

/// <summary>The semantic-version bump a change calls for. Wire values are the enum values.</summary>
public enum VersionBump
{
    /// <summary>No difference at all.</summary>
    None = 0,

    /// <summary>Annotation-only changes.</summary>
    Patch = 1,

    /// <summary>Compatible additions.</summary>
    Minor = 2,

    /// <summary>An incompatible change.</summary>
    Major = 3,
}

/// <summary>Outcome of validating one document. Wire values are the enum values.</summary>
public enum ValidationOutcome
{
    /// <summary>The document is valid.</summary>
    Valid = 0,

    /// <summary>The document is well-formed JSON but does not satisfy the schema.</summary>
    Invalid = 1,

    /// <summary>The document is not well-formed JSON.</summary>
    MalformedJson = 2,

    /// <summary>The document exceeds a size or depth limit of the validator.</summary>
    LimitExceeded = 3,
}

/// <summary>Why a validation response carries a warning. Wire values are the enum values.</summary>
public enum ValidationWarningKind
{
    /// <summary>The version validated against is DEPRECATED.</summary>
    Deprecated = 0,

    /// <summary>The version's sunset date has passed.</summary>
    PastSunset = 1,
}

/// <summary>Wire spelling of <see cref="SchemaType"/> and the enum ranges the readers accept.</summary>
internal static class DomainEnums
{
    public const int MaxLifecycleState = (int)LifecycleState.Archived;
    public const int MaxCompatibilityLevel = (int)CompatibilityLevel.FullTransitive;
    public const int MaxCompatibilityPolicy = (int)CompatibilityPolicy.Lenient;
    public const int MaxRegistryMode = (int)RegistryMode.Import;
    public const int MaxVersionBump = (int)VersionBump.Major;
    public const int MaxValidationOutcome = (int)ValidationOutcome.LimitExceeded;
    public const int MaxValidationWarningKind = (int)ValidationWarningKind.PastSunset;
}
