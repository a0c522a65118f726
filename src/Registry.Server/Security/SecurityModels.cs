using System.Text.Json.Serialization;
using Registry.Server.Http;

namespace Registry.Server.Security;

/// <summary><c>POST /v1/keys</c>.</summary>
internal sealed record KeyRequest
{
    public string? Role { get; init; }

    public IReadOnlyList<string>? Grants { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public string? Description { get; init; }
}

/// <summary>A key as listed; <see cref="Key"/> (the whole key) only in the answer that created it.</summary>
internal sealed record KeyModel
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Key { get; init; }

    public required string KeyId { get; init; }

    public required string Role { get; init; }

    public required IReadOnlyList<string> Grants { get; init; }

    public string? Description { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public string? CreatedBy { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }
}

/// <summary><c>GET /v1/keys</c>.</summary>
internal sealed record KeyListResponse(IReadOnlyList<KeyModel> Keys);

/// <summary>One audit row.</summary>
internal sealed record AuditModel
{
    public required long Sequence { get; init; }

    public required DateTimeOffset Time { get; init; }

    public required string Principal { get; init; }

    public required string Source { get; init; }

    public required string Operation { get; init; }

    public string? Subject { get; init; }

    public int? Version { get; init; }

    public string? Target { get; init; }

    public required string Outcome { get; init; }

    public required string Hash { get; init; }
}

/// <summary><c>GET /v1/audit</c>: a page of rows; <see cref="Next"/> is the <c>after</c> of the next page, null at the end.</summary>
internal sealed record AuditListResponse(IReadOnlyList<AuditModel> Entries, long? Next);

/// <summary><c>GET /v1/audit/verify</c>.</summary>
internal sealed record AuditVerifyResponse(long Rows, bool Intact, long? BrokenAt, string? Reason);

/// <summary>Source-generated serialisation of the security endpoints' bodies, with the native API's conventions.</summary>
[JsonSerializable(typeof(KeyRequest))]
[JsonSerializable(typeof(KeyModel))]
[JsonSerializable(typeof(KeyListResponse))]
[JsonSerializable(typeof(AuditListResponse))]
[JsonSerializable(typeof(AuditVerifyResponse))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class SecurityJsonContext : JsonSerializerContext
{
    public static SecurityJsonContext Wire { get; } = new(Http.Native.NativeJsonContext.WireOptions());

    public static readonly BodyShape KeyBody = new("a key request", UnknownFields.Refuse,
        new BodyField("role", FieldKind.String, "admin, developer, service or reader", Required: true),
        new BodyField("grants", FieldKind.Strings, "subject patterns such as orders.*"),
        new BodyField("expires_at", FieldKind.DateTime),
        new BodyField("description", FieldKind.String));
}
