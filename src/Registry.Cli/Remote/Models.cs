using System.Text.Json;
using System.Text.Json.Serialization;

namespace Registry.Cli.Remote;

// What the remote commands read from a server and print with --json. The shapes and snake_case names are those of
// the native HTTP API (/v1), whichever transport answered: over HTTP they are the server's own bodies; over the binary
// protocol they are filled from its messages, and fields that protocol does not carry stay null.

/// <summary>A reference to a version of another subject.</summary>
internal sealed record ReferenceModel(string Name, string Subject, int Version);

/// <summary>Descriptive metadata of a version.</summary>
internal sealed record MetadataModel
{
    public string? Description { get; init; }

    public string? Owner { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    public IReadOnlyDictionary<string, string>? Properties { get; init; }
}

/// <summary>Deprecation details of a version.</summary>
internal sealed record DeprecationModel(string? Reason, DateTimeOffset? Sunset, string? Replacement);

/// <summary>One version in a listing.</summary>
internal sealed record VersionSummary(int Version, long Id, string State, bool Deleted, string? Semver);

/// <summary>A version with its schema.</summary>
internal sealed record VersionModel
{
    public required string Subject { get; init; }

    public required int Version { get; init; }

    public required long Id { get; init; }

    public string SchemaType { get; init; } = "JSON";

    public required JsonElement Schema { get; init; }

    public IReadOnlyList<ReferenceModel> References { get; init; } = [];

    public required string State { get; init; }

    public bool Deleted { get; init; }

    public string? Semver { get; init; }

    public MetadataModel Metadata { get; init; } = new();

    public DeprecationModel? Deprecation { get; init; }

    public string? ContentHash { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public string? CreatedBy { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>A schema by global id.</summary>
internal sealed record SchemaModel
{
    public required long Id { get; init; }

    public string SchemaType { get; init; } = "JSON";

    public required JsonElement Schema { get; init; }

    public IReadOnlyList<ReferenceModel> References { get; init; } = [];

    public string? ContentHash { get; init; }
}

/// <summary>A version that uses a schema id or references a version.</summary>
internal sealed record VersionUsageModel(string Subject, int Version, long? Id, string? State, bool? Deleted);

/// <summary>One difference found by the compatibility checker.</summary>
internal sealed record DifferenceModel(string Name, string Location, bool Compatible, string Message, int? Version);

/// <summary>The answer to a registration.</summary>
internal sealed record RegisterResultModel
{
    public required string Subject { get; init; }

    public required int Version { get; init; }

    public required long Id { get; init; }

    public required bool Created { get; init; }

    public required string SuggestedBump { get; init; }

    public string? SuggestedSemver { get; init; }

    public string? Semver { get; init; }

    public IReadOnlyList<DifferenceModel> Differences { get; init; } = [];
}

/// <summary>The answer to a compatibility check.</summary>
internal sealed record CompatibilityModel
{
    public required bool IsCompatible { get; init; }

    public string? Level { get; init; }

    public string? Policy { get; init; }

    public IReadOnlyList<int> ComparedVersions { get; init; } = [];

    public IReadOnlyList<DifferenceModel> Differences { get; init; } = [];

    public required string SuggestedBump { get; init; }
}

/// <summary>Settings of a scope.</summary>
internal sealed record ConfigModel(string? Compatibility, string? Policy, string? Mode);

/// <summary>Settings a subject stores and those in force for it.</summary>
internal sealed record SubjectConfigModel(string Subject, ConfigModel Stored, ConfigModel Effective);

/// <summary>A mode.</summary>
internal sealed record ModeModel(string Mode);

/// <summary>The answer to a deletion.</summary>
internal sealed record DeleteModel(string Subject, IReadOnlyList<int> Versions, bool Permanent);

/// <summary>One validation error.</summary>
internal sealed record ValidationErrorModel(string InstanceLocation, string KeywordLocation, string Message);

/// <summary>The server's verdict on one document.</summary>
internal sealed record ValidateModel
{
    public required bool Valid { get; init; }

    public required string Outcome { get; init; }

    public long SchemaId { get; init; }

    public string? Subject { get; init; }

    public int? Version { get; init; }

    public string? Warning { get; init; }

    public IReadOnlyList<ValidationErrorModel> Errors { get; init; } = [];

    public bool Truncated { get; init; }
}

/// <summary>An error answer of the server.</summary>
internal sealed record ErrorModel
{
    public required string ErrorCode { get; init; }

    public required string Message { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<DifferenceModel>? Differences { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SchemaErrorModel>? Errors { get; init; }
}

/// <summary>One reason a schema is not valid.</summary>
internal sealed record SchemaErrorModel(string SchemaLocation, string Message);

/// <summary><c>registry subjects show</c>: a subject's settings in force and its versions.</summary>
internal sealed record SubjectOverview(string Subject, ConfigModel Config, IReadOnlyList<VersionSummary> Versions);

/// <summary><c>registry versions diff</c>: two versions, the server's compatibility verdict and a line diff.</summary>
internal sealed record VersionDiffModel
{
    public required string Subject { get; init; }

    public required int From { get; init; }

    public required int To { get; init; }

    public required CompatibilityModel Compatibility { get; init; }

    public required IReadOnlyList<string> Diff { get; init; }
}

/// <summary>Results of validating several documents (local or remote), in the batch shape of the HTTP API.</summary>
internal sealed record ValidationRunModel
{
    public long? SchemaId { get; init; }

    public string? Subject { get; init; }

    public int? Version { get; init; }

    public required int ValidCount { get; init; }

    public required int InvalidCount { get; init; }

    public required int MalformedCount { get; init; }

    public required IReadOnlyList<DocumentResultModel> Results { get; init; }
}

/// <summary>The verdict on one document of a run, labelled with where it came from.</summary>
internal sealed record DocumentResultModel
{
    public required int Index { get; init; }

    public required string File { get; init; }

    public int? Line { get; init; }

    public required bool Valid { get; init; }

    public required string Outcome { get; init; }

    public IReadOnlyList<ValidationErrorModel> Errors { get; init; } = [];

    public bool Truncated { get; init; }

    public string? Warning { get; init; }
}

/// <summary><c>registry health</c>: the server's answer and how long it took.</summary>
internal sealed record HealthModel(string Status, string? Version, double RoundTripMs);

/// <summary>One profile's lint of a registered version (the native API's <c>POST .../lint</c> body; LINT over the binary protocol).</summary>
internal sealed record LintReportModel
{
    public required string Profile { get; init; }

    public required string ProfileVersion { get; init; }

    public required bool Accepted { get; init; }

    public string? Subject { get; init; }

    public int? Version { get; init; }

    public long? SchemaId { get; init; }

    public IReadOnlyList<LintViolationModel> Violations { get; init; } = [];

    public int ViolationsDropped { get; init; }
}

/// <summary>One violation: its stable name, pointer, effect (rejected, ignored, advisory), message, limit and actual value.</summary>
internal sealed record LintViolationModel(string Name, string Pointer, string Effect, string Message, string? Limit, string? Actual);

/// <summary>An API key as the server lists it; <see cref="Key"/> (id and secret) only in the answer that created it.</summary>
internal sealed record KeyModel
{
    public string? Key { get; init; }

    public string KeyId { get; init; } = "";

    public string Role { get; init; } = "";

    public IReadOnlyList<string> Grants { get; init; } = [];

    public string? Description { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public string? CreatedBy { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }
}

/// <summary><c>GET /v1/keys</c>.</summary>
internal sealed record KeyListModel(IReadOnlyList<KeyModel> Keys);

/// <summary>One audit row.</summary>
internal sealed record AuditEntryModel
{
    public long Sequence { get; init; }

    public DateTimeOffset Time { get; init; }

    public string Principal { get; init; } = "";

    public string Source { get; init; } = "";

    public string Operation { get; init; } = "";

    public string? Subject { get; init; }

    public int? Version { get; init; }

    public string? Target { get; init; }

    public string Outcome { get; init; } = "";

    public string Hash { get; init; } = "";
}

/// <summary><c>GET /v1/audit</c>: a page; <see cref="Next"/> is where the next page starts, null at the end.</summary>
internal sealed record AuditPageModel(IReadOnlyList<AuditEntryModel> Entries, long? Next);

/// <summary><c>GET /v1/audit/verify</c>.</summary>
internal sealed record AuditVerifyModel(long Rows, bool Intact, long? BrokenAt, string? Reason);

/// <summary>One tool of a set, as the native API spells it (<c>PUT /v1/toolsets/{name}</c> takes a list of these).</summary>
internal sealed record ToolSetToolModel
{
    /// <summary>The subject (empty when a file leaves it out; refused before anything is sent).</summary>
    public string Subject { get; init; } = "";

    /// <summary>A number, <c>latest</c> (the default) or <c>@alias</c>.</summary>
    public string? Version { get; init; }

    /// <summary>The tool name sent to the provider (default: the subject).</summary>
    public string? Name { get; init; }

    public string? Description { get; init; }

    /// <summary>Strict mode (default true).</summary>
    public bool? Strict { get; init; }
}

/// <summary>What <c>registry toolsets put</c> reads from its file: the body of <c>PUT /v1/toolsets/{name}</c>.</summary>
internal sealed record ToolSetInputModel
{
    public IReadOnlyList<ToolSetToolModel?>? Tools { get; init; }
}

/// <summary>A stored tool set (<c>GET /v1/toolsets/{name}</c>; TOOLSET GET over the binary protocol).</summary>
internal sealed record ToolSetModel
{
    public required string Name { get; init; }

    public required IReadOnlyList<ToolSetToolModel> Tools { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public string? UpdatedBy { get; init; }
}

/// <summary>Source-generated JSON of the models (no reflection: the tool is compiled with native AOT).</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyList<VersionSummary>))]
[JsonSerializable(typeof(VersionModel))]
[JsonSerializable(typeof(SchemaModel))]
[JsonSerializable(typeof(IReadOnlyList<VersionUsageModel>))]
[JsonSerializable(typeof(RegisterResultModel))]
[JsonSerializable(typeof(CompatibilityModel))]
[JsonSerializable(typeof(ConfigModel))]
[JsonSerializable(typeof(SubjectConfigModel))]
[JsonSerializable(typeof(ModeModel))]
[JsonSerializable(typeof(DeleteModel))]
[JsonSerializable(typeof(ValidateModel))]
[JsonSerializable(typeof(ErrorModel))]
[JsonSerializable(typeof(MetadataModel))]
[JsonSerializable(typeof(SubjectOverview))]
[JsonSerializable(typeof(VersionDiffModel))]
[JsonSerializable(typeof(ValidationRunModel))]
[JsonSerializable(typeof(HealthModel))]
[JsonSerializable(typeof(LintReportModel))]
[JsonSerializable(typeof(IReadOnlyList<LintReportModel>))]
[JsonSerializable(typeof(KeyModel))]
[JsonSerializable(typeof(KeyListModel))]
[JsonSerializable(typeof(IReadOnlyList<KeyModel>))]
[JsonSerializable(typeof(AuditPageModel))]
[JsonSerializable(typeof(IReadOnlyList<AuditEntryModel>))]
[JsonSerializable(typeof(AuditVerifyModel))]
[JsonSerializable(typeof(ToolSetInputModel))]
[JsonSerializable(typeof(ToolSetModel))]
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    MaxDepth = 512)]
internal sealed partial class CliJsonContext : JsonSerializerContext;
