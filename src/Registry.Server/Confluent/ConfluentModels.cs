using System.Text.Json;
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

/// <summary>Confluent metadata: tags per path, properties, sensitive property names.</summary>
internal sealed class ConfluentMetadata
{
    /// <summary>Tags by path (not supported: refused when non-empty).</summary>
    public Dictionary<string, List<string>>? Tags { get; set; }

    /// <summary>Key-values, kept with the version.</summary>
    public Dictionary<string, string>? Properties { get; set; }

    /// <summary>Sensitive property names (not supported: refused when non-empty).</summary>
    public List<string>? Sensitive { get; set; }
}

/// <summary>Data-contract rules; not supported, so only recognised to refuse non-empty ones clearly.</summary>
internal sealed class ConfluentRuleSet
{
    /// <summary>Migration rules.</summary>
    public List<JsonElement>? MigrationRules { get; set; }

    /// <summary>Domain rules.</summary>
    public List<JsonElement>? DomainRules { get; set; }

    /// <summary>Encoding rules.</summary>
    public List<JsonElement>? EncodingRules { get; set; }

    /// <summary>True when no rule is given.</summary>
    [JsonIgnore]
    public bool IsEmpty => (MigrationRules?.Count ?? 0) == 0 && (DomainRules?.Count ?? 0) == 0 && (EncodingRules?.Count ?? 0) == 0;
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

    /// <summary>Rules (refused when non-empty).</summary>
    public ConfluentRuleSet? RuleSet { get; set; }

    /// <summary>IMPORT mode: the id to use.</summary>
    public long? Id { get; set; }

    /// <summary>IMPORT mode: the version to use; otherwise, when given, the next version number.</summary>
    public int? Version { get; set; }
}

/// <summary>Metadata as returned: only the properties this registry keeps.</summary>
internal sealed record ConfluentMetadataResponse(IReadOnlyDictionary<string, string> Properties);

/// <summary>A version of a subject with its schema (reads, lookups, <c>GET /schemas</c>).</summary>
internal sealed record ConfluentVersionResponse
{
    public required string Subject { get; init; }

    public required int Version { get; init; }

    public required long Id { get; init; }

    public string SchemaType { get; init; } = "JSON";

    public IReadOnlyList<ConfluentReferenceResponse>? References { get; init; }

    public ConfluentMetadataResponse? Metadata { get; init; }

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

    public ConfluentMetadataResponse? Metadata { get; init; }

    public required string Schema { get; init; }
}

/// <summary>A schema by id (<c>GET /schemas/ids/{id}</c>).</summary>
internal sealed record ConfluentSchemaResponse
{
    public string SchemaType { get; init; } = "JSON";

    public IReadOnlyList<ConfluentReferenceResponse>? References { get; init; }

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

/// <summary>Body of <c>PUT /config</c>: the level under <c>compatibility</c> or <c>compatibilityLevel</c>.</summary>
internal sealed class ConfluentConfigRequest
{
    public string? Compatibility { get; set; }

    /// <summary>The name GET answers with; accepted in a PUT too, so a body read from GET can be sent back.</summary>
    public string? CompatibilityLevel { get; set; }
}

/// <summary>Response of <c>GET</c> and <c>DELETE /config</c>: the level under <c>compatibilityLevel</c>.</summary>
internal sealed record ConfluentConfigResponse(string CompatibilityLevel);

/// <summary>Response of <c>PUT /config</c>: the level under <c>compatibility</c>, as in the request.</summary>
internal sealed record ConfluentConfigUpdateResponse(string Compatibility);

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
