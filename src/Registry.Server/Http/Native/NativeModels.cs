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

    /// <summary>
    /// In answers: the data contract the version was registered with through the Confluent API (Confluent's
    /// <c>metadata</c> and <c>ruleSet</c>, in Confluent's member names), when it has one. Part of the schema's identity;
    /// never changed by a metadata update, and not taken from requests.
    /// </summary>
    public System.Text.Json.JsonElement? Contract { get; init; }
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

    /// <summary>The version's lint result for each profile its subject requires (only on a version read; absent elsewhere).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<VersionLintModel>? Lint { get; init; }
}

/// <summary>A version's lint result for one profile: whether the provider accepts it, and each violation in short.</summary>
/// <param name="Profile">The profile.</param>
/// <param name="ProfileVersion">The profile's version (the date of its rule set).</param>
/// <param name="Status">completed, invalid_schema or too_complex.</param>
/// <param name="Accepted">True when no violation is one the provider rejects and the check finished.</param>
/// <param name="Violations">Each violation: name, pointer, effect, limit and actual value.</param>
/// <param name="ViolationsDropped">Violations beyond the reporting limit, not listed.</param>
public sealed record VersionLintModel(string Profile, string ProfileVersion, string Status, bool Accepted, IReadOnlyList<VersionLintViolationModel> Violations, int ViolationsDropped);

/// <summary>One violation in a version's lint result (the full form, with message and source, is <c>POST .../lint</c>'s).</summary>
/// <param name="Name">Its stable name.</param>
/// <param name="Pointer">Where, as a JSON pointer into the schema.</param>
/// <param name="Effect">rejected, ignored or advisory.</param>
/// <param name="Limit">The profile's limit, when the rule has one.</param>
/// <param name="Actual">The schema's value, when the rule has one.</param>
public sealed record VersionLintViolationModel(
    string Name,
    string Pointer,
    string Effect,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Limit,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Actual);

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
/// <param name="DefaultDraft">The draft new versions are read in when they name no <c>$schema</c> (draft-04 ... 2020-12).</param>
public sealed record ConfigModel(string? Compatibility, string? Policy, string? Mode, bool? FormatAssertion = null, string? DefaultDraft = null);

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

    /// <summary>
    /// Per subject: the draft its new versions are read in when they name no <c>$schema</c> (draft-04, draft-06,
    /// draft-07, 2019-09 or 2020-12), on every API; versions already registered keep theirs.
    /// </summary>
    public string? DefaultDraft { get; init; }
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

/// <summary>Body of <c>PUT /v1/toolsets/{name}</c>.</summary>
public sealed record ToolSetRequest
{
    /// <summary>The tools, in the order they are sent.</summary>
    public required IReadOnlyList<ToolSetMemberModel> Tools { get; init; }
}

/// <summary>One tool of a set: a subject's schema as the input schema.</summary>
public sealed record ToolSetMemberModel
{
    /// <summary>The subject.</summary>
    public required string Subject { get; init; }

    /// <summary>A version number, <c>latest</c> (the default) or <c>@alias</c>, resolved whenever the set is read.</summary>
    public string? Version { get; init; }

    /// <summary>The tool name sent to the provider (default: the subject).</summary>
    public string? Name { get; init; }

    /// <summary>What the tool does, for the model.</summary>
    public string? Description { get; init; }

    /// <summary>Whether the tool is sent in strict mode (default true).</summary>
    public bool? Strict { get; init; }
}

/// <summary>A stored tool set.</summary>
public sealed record ToolSetResponse
{
    /// <summary>The set's name.</summary>
    public required string Name { get; init; }

    /// <summary>Its tools as stored (versions as written: a number, latest or @alias).</summary>
    public required IReadOnlyList<ToolSetMemberModel> Tools { get; init; }

    /// <summary>Last write.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Who wrote it last, when known.</summary>
    public string? UpdatedBy { get; init; }
}
