using System.Text.Json.Serialization;

namespace Registry.Server.Confluent;

// Bodies of the Confluent-compatible API. Property names are camelCase on the wire (with Confluent's two snake_case
// exceptions, error_code and is_compatible); null members are omitted, as Confluent's server omits empty ones.
// Unknown request members are ignored, as Confluent does: its clients send fields this registry has no use for.

/// <summary>A reference from a schema to a version of another subject.</summary>
internal sealed class ConfluentReference
{
    /// <summary>The name the referring schema uses in <c>$ref</c>.</summary>
    public string? Name { get; set; }

    /// <summary>The referenced subject.</summary>
    public string? Subject { get; set; }

    /// <summary>The referenced version; -1 means the latest live one.</summary>
    public int Version { get; set; }
}

/// <summary>
/// Confluent metadata: tags per path, properties, sensitive property names. Read from requests and written in
/// answers (empty members omitted, as Confluent omits them).
/// </summary>
internal sealed class ConfluentMetadata
{
    /// <summary>Tags by path.</summary>
    public Dictionary<string, List<string>>? Tags { get; set; }

    /// <summary>Key-values.</summary>
    public Dictionary<string, string>? Properties { get; set; }

    /// <summary>Sensitive property names.</summary>
    public List<string>? Sensitive { get; set; }
}

/// <summary>Data-contract rules by phase, kept with the version (the registry does not run them; clients do).</summary>
internal sealed class ConfluentRuleSet
{
    /// <summary>Migration rules.</summary>
    public List<ConfluentRule?>? MigrationRules { get; set; }

    /// <summary>Domain rules.</summary>
    public List<ConfluentRule?>? DomainRules { get; set; }

    /// <summary>Encoding rules.</summary>
    public List<ConfluentRule?>? EncodingRules { get; set; }

    /// <summary>Where the rules run, as sent.</summary>
    public string? EnableAt { get; set; }
}

/// <summary>One data-contract rule, every field kept as sent.</summary>
internal sealed class ConfluentRule
{
    public string? Name { get; set; }

    public string? Doc { get; set; }

    public string? Kind { get; set; }

    public string? Mode { get; set; }

    public string? Type { get; set; }

    public List<string>? Tags { get; set; }

    public Dictionary<string, string>? Params { get; set; }

    public string? Expr { get; set; }

    public string? OnSuccess { get; set; }

    public string? OnFailure { get; set; }

    public bool? Disabled { get; set; }
}

/// <summary>Body of register, lookup and compatibility requests.</summary>
internal sealed class ConfluentSchemaRequest
{
    /// <summary>The schema document, as a JSON string.</summary>
    public string? Schema { get; set; }

    /// <summary><c>JSON</c>; absent means AVRO in Confluent's API.</summary>
    public string? SchemaType { get; set; }

    /// <summary>References to other subjects' versions.</summary>
    public List<ConfluentReference?>? References { get; set; }

    /// <summary>Metadata of the new version.</summary>
    public ConfluentMetadata? Metadata { get; set; }

    /// <summary>Data-contract rules of the new version.</summary>
    public ConfluentRuleSet? RuleSet { get; set; }

    /// <summary>IMPORT mode: the id to use.</summary>
    public long? Id { get; set; }

    /// <summary>IMPORT mode: the version to use; otherwise, when given, the next version number.</summary>
    public int? Version { get; set; }
}


/// <summary>A version of a subject with its schema (reads, lookups, <c>GET /schemas</c>).</summary>
internal sealed record ConfluentVersionResponse
{
    public required string Subject { get; init; }

    public required int Version { get; init; }

    public required long Id { get; init; }

    public string SchemaType { get; init; } = "JSON";

    public IReadOnlyList<ConfluentReferenceResponse>? References { get; init; }

    public ConfluentMetadata? Metadata { get; init; }

    public ConfluentRuleSet? RuleSet { get; init; }

    public required string Schema { get; init; }

    /// <summary>Registration time, milliseconds since the epoch.</summary>
    public required long Ts { get; init; }

    public required bool Deleted { get; init; }
}

/// <summary>A reference as returned.</summary>
internal sealed record ConfluentReferenceResponse(string Name, string Subject, int Version);

/// <summary>Response of a registration: no subject, as in Confluent's.</summary>
internal sealed record ConfluentRegisterResponse
{
    public required long Id { get; init; }

    public required int Version { get; init; }

    public string SchemaType { get; init; } = "JSON";

    public IReadOnlyList<ConfluentReferenceResponse>? References { get; init; }

    public ConfluentMetadata? Metadata { get; init; }

    public ConfluentRuleSet? RuleSet { get; init; }

    public required string Schema { get; init; }
}

/// <summary>A schema by id (<c>GET /schemas/ids/{id}</c>), with the data contract that is part of its identity.</summary>
internal sealed record ConfluentSchemaResponse
{
    public string SchemaType { get; init; } = "JSON";

    public IReadOnlyList<ConfluentReferenceResponse>? References { get; init; }

    public ConfluentMetadata? Metadata { get; init; }

    public ConfluentRuleSet? RuleSet { get; init; }

    public required string Schema { get; init; }
}

/// <summary>One subject-version using a schema id.</summary>
internal sealed record ConfluentSubjectVersion(string Subject, int Version);

/// <summary>Response of the compatibility checks.</summary>
internal sealed record ConfluentCompatibilityResponse
{
    [JsonPropertyName("is_compatible")]
    public required bool IsCompatible { get; init; }

    /// <summary>With <c>verbose=true</c>: why not (empty when compatible).</summary>
    public IReadOnlyList<string>? Messages { get; init; }
}

/// <summary>
/// Body of <c>PUT /config</c>: the level under <c>compatibility</c> or <c>compatibilityLevel</c>, and the contract
/// settings. A member left out keeps its stored value; a member sent as null clears it (read from the raw body).
/// </summary>
internal sealed class ConfluentConfigRequest
{
    public string? Compatibility { get; set; }

    /// <summary>The name GET answers with; accepted in a PUT too, so a body read from GET can be sent back.</summary>
    public string? CompatibilityLevel { get; set; }

    public bool? Normalize { get; set; }

    public bool? ValidateFields { get; set; }

    public string? CompatibilityGroup { get; set; }

    public ConfluentMetadata? DefaultMetadata { get; set; }

    public ConfluentMetadata? OverrideMetadata { get; set; }

    public ConfluentRuleSet? DefaultRuleSet { get; set; }

    public ConfluentRuleSet? OverrideRuleSet { get; set; }
}

/// <summary>Response of <c>GET</c> and <c>DELETE /config</c>: the level under <c>compatibilityLevel</c>, and the contract settings.</summary>
internal sealed record ConfluentConfigResponse(string? CompatibilityLevel)
{
    public bool? Normalize { get; init; }

    public bool? ValidateFields { get; init; }

    public string? CompatibilityGroup { get; init; }

    public ConfluentMetadata? DefaultMetadata { get; init; }

    public ConfluentMetadata? OverrideMetadata { get; init; }

    public ConfluentRuleSet? DefaultRuleSet { get; init; }

    public ConfluentRuleSet? OverrideRuleSet { get; init; }
}

/// <summary>Response of <c>PUT /config</c>: the level under <c>compatibility</c>, as in the request, and the contract settings stored.</summary>
internal sealed record ConfluentConfigUpdateResponse(string? Compatibility)
{
    public bool? Normalize { get; init; }

    public bool? ValidateFields { get; init; }

    public string? CompatibilityGroup { get; init; }

    public ConfluentMetadata? DefaultMetadata { get; init; }

    public ConfluentMetadata? OverrideMetadata { get; init; }

    public ConfluentRuleSet? DefaultRuleSet { get; init; }

    public ConfluentRuleSet? OverrideRuleSet { get; init; }
}

/// <summary>Body and response of the mode endpoints.</summary>
internal sealed class ConfluentMode
{
    public string? Mode { get; set; }
}

/// <summary>Response of <c>GET /v1/metadata/id</c>.</summary>
internal sealed record ConfluentClusterIdResponse(ConfluentScope Scope);

/// <summary>The cluster scope of this registry.</summary>
internal sealed record ConfluentScope(IReadOnlyList<string> Path, IReadOnlyDictionary<string, string> Clusters);

/// <summary>Response of <c>GET /v1/metadata/version</c>.</summary>
internal sealed record ConfluentVersionInfo(string Version, string? CommitId);

/// <summary>Every error: a numeric code whose first three digits are the HTTP status, and a message.</summary>
internal sealed record ConfluentError(
    [property: JsonPropertyName("error_code")] int ErrorCode,
    [property: JsonPropertyName("message")] string Message);

/// <summary>The empty object of <c>GET /</c>.</summary>
internal sealed class ConfluentEmpty;
