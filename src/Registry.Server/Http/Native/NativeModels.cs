using System.Text.Json.Serialization;

namespace Registry.Server.Http.Native;

// Request and response bodies of the native API (/v1). Property names are snake_case on the wire. Request types
// refuse unknown members, so a misspelt field is a 400 rather than silently ignored.

/// <summary>A reference to a version of another subject.</summary>
/// <param name="Name">The URI the referring schema uses in <c>$ref</c>.</param>
/// <param name="Subject">The referenced subject.</param>
/// <param name="Version">The referenced version.</param>
public sealed record ReferenceModel(string Name, string Subject, int Version);

/// <summary>Descriptive metadata of a version.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MetadataModel
{
    /// <summary>What the schema is for.</summary>
    public string? Description { get; init; }

    /// <summary>Who owns it.</summary>
    public string? Owner { get; init; }

    /// <summary>Labels.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Key-values.</summary>
    public IReadOnlyDictionary<string, string>? Properties { get; init; }
}

/// <summary>Deprecation info of a version.</summary>
public sealed record DeprecationModel(string? Reason, DateTimeOffset? Sunset, string? Replacement);

/// <summary>Body of <c>POST /v1/subjects/{subject}/versions</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RegisterSchemaRequest
{
    /// <summary>The JSON Schema, as a JSON value (or a string holding it).</summary>
    public required RawJson Schema { get; init; }

    /// <summary><c>JSON</c> (the default).</summary>
    public string? SchemaType { get; init; }

    /// <summary>References to other subjects' versions.</summary>
    public IReadOnlyList<ReferenceModel>? References { get; init; }

    /// <summary>Metadata of the new version.</summary>
    public MetadataModel? Metadata { get; init; }

    /// <summary>Semantic-version label; must increase.</summary>
    public string? Semver { get; init; }

    /// <summary><c>ACTIVE</c> (default) or <c>DRAFT</c>.</summary>
    public string? State { get; init; }

    /// <summary>Store the canonical form rather than the text as sent.</summary>
    public bool? Normalize { get; init; }

    /// <summary>IMPORT mode: the schema id.</summary>
    public long? Id { get; init; }

    /// <summary>IMPORT mode: the version number.</summary>
    public int? Version { get; init; }
}

/// <summary>Body of lookup and compatibility requests: a schema and its references.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SchemaInputRequest
{
    /// <summary>The JSON Schema, as a JSON value (or a string holding it).</summary>
    public required RawJson Schema { get; init; }

    /// <summary><c>JSON</c> (the default).</summary>
    public string? SchemaType { get; init; }

    /// <summary>References to other subjects' versions.</summary>
    public IReadOnlyList<ReferenceModel>? References { get; init; }
}

/// <summary>One difference found by the compatibility checker.</summary>
/// <param name="Name">The stable name, e.g. <c>TYPE_NARROWED</c> (docs/compatibility.md).</param>
/// <param name="Location">A JSON pointer into the new schema.</param>
/// <param name="Compatible">False when the difference breaks the level checked.</param>
/// <param name="Message">The difference for humans.</param>
/// <param name="Version">The earlier version it was found against.</param>
/// <param name="Remedy">For an incompatible difference whose kind has a standard remedy: what to do about it.</param>
public sealed record DifferenceModel(string Name, string Location, bool Compatible, string Message, int? Version, string? Remedy = null);

/// <summary>Response of a registration.</summary>
public sealed record RegisterSchemaResponse
{
    /// <summary>The subject.</summary>
    public required string Subject { get; init; }

    /// <summary>The version holding the schema.</summary>
    public required int Version { get; init; }

    /// <summary>The global schema id.</summary>
    public required long Id { get; init; }

    /// <summary>False when the subject already had this content (nothing was written).</summary>
    public required bool Created { get; init; }

    /// <summary>NONE, PATCH, MINOR or MAJOR.</summary>
    public required string SuggestedBump { get; init; }

    /// <summary>The subject's highest label bumped accordingly, when it has labels.</summary>
    public string? SuggestedSemver { get; init; }

    /// <summary>The version's label.</summary>
    public string? Semver { get; init; }

    /// <summary>Compatible differences from the versions compared.</summary>
    public required IReadOnlyList<DifferenceModel> Differences { get; init; }
}

/// <summary>A schema by id.</summary>
public sealed record SchemaResponse
{
    /// <summary>The global id.</summary>
    public required long Id { get; init; }

    /// <summary><c>JSON</c>.</summary>
    public required string SchemaType { get; init; }

    /// <summary>The schema.</summary>
    public required RawJson Schema { get; init; }

    /// <summary>Its references.</summary>
    public required IReadOnlyList<ReferenceModel> References { get; init; }

    /// <summary>SHA-256 of the canonical form, hex.</summary>
    public required string ContentHash { get; init; }
}

/// <summary>A version of a subject with its schema.</summary>
public sealed record VersionResponse
{
    /// <summary>The subject.</summary>
    public required string Subject { get; init; }

    /// <summary>The version.</summary>
    public required int Version { get; init; }

    /// <summary>The schema id.</summary>
    public required long Id { get; init; }

    /// <summary><c>JSON</c>.</summary>
    public required string SchemaType { get; init; }

    /// <summary>The schema.</summary>
    public required RawJson Schema { get; init; }

    /// <summary>Its references.</summary>
    public required IReadOnlyList<ReferenceModel> References { get; init; }

    /// <summary>DRAFT, ACTIVE, DEPRECATED or ARCHIVED.</summary>
    public required string State { get; init; }

    /// <summary>True when soft-deleted.</summary>
    public required bool Deleted { get; init; }

    /// <summary>Semantic-version label.</summary>
    public string? Semver { get; init; }

    /// <summary>Metadata.</summary>
    public required MetadataModel Metadata { get; init; }

    /// <summary>Deprecation info.</summary>
    public DeprecationModel? Deprecation { get; init; }

    /// <summary>SHA-256 of the canonical form, hex.</summary>
    public required string ContentHash { get; init; }

    /// <summary>Registration time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Who registered it.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>Last change of state, metadata or deletion.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>One version in a listing.</summary>
public sealed record VersionSummary(int Version, long Id, string State, bool Deleted, string? Semver);

/// <summary>A version that uses a schema id or references a version.</summary>
public sealed record VersionUsageModel(string Subject, int Version, long Id, string State, bool Deleted);

/// <summary>Body of <c>PUT .../state</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record StateChangeRequest
{
    /// <summary>DRAFT, ACTIVE, DEPRECATED or ARCHIVED.</summary>
    public required string State { get; init; }

    /// <summary>Why (with DEPRECATED).</summary>
    public string? Reason { get; init; }

    /// <summary>Until when it may be used (with DEPRECATED).</summary>
    public DateTimeOffset? Sunset { get; init; }

    /// <summary>What replaces it (with DEPRECATED).</summary>
    public string? Replacement { get; init; }
}

/// <summary>Response of a deletion.</summary>
public sealed record DeleteResponse(string Subject, IReadOnlyList<int> Versions, bool Permanent);

/// <summary>Response of a compatibility check.</summary>
public sealed record CompatibilityResponse
{
    /// <summary>True when the schema could be registered.</summary>
    public required bool IsCompatible { get; init; }

    /// <summary>Level checked.</summary>
    public required string Level { get; init; }

    /// <summary>Policy applied.</summary>
    public required string Policy { get; init; }

    /// <summary>Versions compared with.</summary>
    public required IReadOnlyList<int> ComparedVersions { get; init; }

    /// <summary>Every difference found.</summary>
    public required IReadOnlyList<DifferenceModel> Differences { get; init; }

    /// <summary>NONE, PATCH, MINOR or MAJOR.</summary>
    public required string SuggestedBump { get; init; }
}

/// <summary>Settings of a scope.</summary>
/// <param name="Compatibility">The compatibility level.</param>
/// <param name="Policy">STRICT or LENIENT.</param>
/// <param name="Mode">READWRITE, READONLY or IMPORT.</param>
/// <param name="FormatAssertion">Whether <c>format</c> is asserted when validating against the subject's versions.</param>
public sealed record ConfigModel(string? Compatibility, string? Policy, string? Mode, bool? FormatAssertion = null);

/// <summary>Settings stored for a subject and those in force.</summary>
public sealed record SubjectConfigResponse(string Subject, ConfigModel Stored, ConfigModel Effective);

/// <summary>Body of <c>PUT /v1/config</c> and <c>PUT /v1/config/{subject}</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ConfigRequest
{
    /// <summary>NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE.</summary>
    public string? Compatibility { get; init; }

    /// <summary>STRICT or LENIENT.</summary>
    public string? Policy { get; init; }

    /// <summary>Per subject: whether <c>format</c> is asserted when validating against its versions.</summary>
    public bool? FormatAssertion { get; init; }
}

/// <summary>Body of <c>PUT /v1/mode</c> and <c>PUT /v1/mode/{subject}</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ModeRequest
{
    /// <summary>READWRITE, READONLY or IMPORT.</summary>
    public required string Mode { get; init; }
}

/// <summary>A mode.</summary>
public sealed record ModeResponse(string Mode);

/// <summary>One validation error.</summary>
public sealed record ValidationErrorModel(string InstanceLocation, string KeywordLocation, string Message);

/// <summary>Result of validating one document.</summary>
public sealed record ValidateResponse
{
    /// <summary>True when the document is valid.</summary>
    public required bool Valid { get; init; }

    /// <summary>valid, invalid, malformed_json or limit_exceeded.</summary>
    public required string Outcome { get; init; }

    /// <summary>The schema id validated against.</summary>
    public required long SchemaId { get; init; }

    /// <summary>The subject, when validated by subject.</summary>
    public string? Subject { get; init; }

    /// <summary>The version, when validated by subject.</summary>
    public int? Version { get; init; }

    /// <summary>Set when the version is DEPRECATED.</summary>
    public string? Warning { get; init; }

    /// <summary>Why it is invalid.</summary>
    public required IReadOnlyList<ValidationErrorModel> Errors { get; init; }

    /// <summary>True when more errors existed than reported.</summary>
    public required bool Truncated { get; init; }
}

/// <summary>Result of one document in a batch.</summary>
public sealed record BatchItemResponse(int Index, bool Valid, string Outcome, IReadOnlyList<ValidationErrorModel> Errors, bool Truncated);

/// <summary>Result of a batch validation.</summary>
public sealed record BatchValidateResponse
{
    /// <summary>The schema id validated against.</summary>
    public required long SchemaId { get; init; }

    /// <summary>The subject, when validated by subject.</summary>
    public string? Subject { get; init; }

    /// <summary>The version, when validated by subject.</summary>
    public int? Version { get; init; }

    /// <summary>Set when the version is DEPRECATED.</summary>
    public string? Warning { get; init; }

    /// <summary>Documents that are valid.</summary>
    public required int ValidCount { get; init; }

    /// <summary>Documents that are not.</summary>
    public required int InvalidCount { get; init; }

    /// <summary>One result per document, in order.</summary>
    public required IReadOnlyList<BatchItemResponse> Results { get; init; }
}

/// <summary>Body of every error response.</summary>
public sealed record ErrorResponse
{
    /// <summary>Stable snake_case reason, e.g. <c>subject_not_found</c>.</summary>
    public required string ErrorCode { get; init; }

    /// <summary>Explanation for humans.</summary>
    public required string Message { get; init; }

    /// <summary>For <c>incompatible</c>: the incompatible differences.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<DifferenceModel>? Differences { get; init; }

    /// <summary>For <c>invalid_schema</c>: where the schema is wrong.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SchemaErrorModel>? Errors { get; init; }
}

/// <summary>One reason a schema is not valid.</summary>
public sealed record SchemaErrorModel(string SchemaLocation, string Message);
