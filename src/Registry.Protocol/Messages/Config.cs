using MessagePack;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>
/// GET_CONFIG's request: <c>[subject: str | nil, effective: bool]</c>. A null subject reads the global
/// configuration. With <see cref="Effective"/>, settings a subject does not override come from the global ones;
/// without it, they come back null.
/// </summary>
public sealed record GetConfigRequest : IRequestBody
{
    private const string Shape = "GET_CONFIG body";

    /// <inheritdoc />
    public static Opcode Opcode => Opcode.GetConfig;

    /// <summary>The subject, or null for the global configuration.</summary>
    public string? Subject { get; init; }

    /// <summary>Whether to fill what the subject does not set from the global configuration.</summary>
    public bool Effective { get; init; } = true;

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.WriteNullable(Subject);
        writer.Write(Effective);
    }

    /// <summary>Reads the body.</summary>
    public static GetConfigRequest Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 2);
        var request = new GetConfigRequest
        {
            Subject = reader.ReadNullableSubject("GET_CONFIG.subject"),
            Effective = reader.ReadBoolean("GET_CONFIG.effective"),
        };
        reader.EndBody(Shape, extra);
        return request;
    }
}

/// <summary>
/// SET_CONFIG's request: <c>[subject: str | nil, level: int | nil, policy: int | nil, mode: int | nil]</c>. Null
/// settings are left as they are. The response is the scope's <see cref="ConfigResponse"/> after the change.
/// </summary>
public sealed record SetConfigRequest : IRequestBody
{
    private const string Shape = "SET_CONFIG body";

    /// <inheritdoc />
    public static Opcode Opcode => Opcode.SetConfig;

    /// <summary>The subject, or null for the global configuration.</summary>
    public string? Subject { get; init; }

    /// <summary>The new compatibility level.</summary>
    public CompatibilityLevel? Level { get; init; }

    /// <summary>The new compatibility policy.</summary>
    public CompatibilityPolicy? Policy { get; init; }

    /// <summary>The new mode.</summary>
    public RegistryMode? Mode { get; init; }

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.WriteNullable(Subject);
        writer.WriteNullable((int?)Level);
        writer.WriteNullable((int?)Policy);
        writer.WriteNullable((int?)Mode);
    }

    /// <summary>Reads the body.</summary>
    public static SetConfigRequest Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 4);
        var request = new SetConfigRequest
        {
            Subject = reader.ReadNullableSubject("SET_CONFIG.subject"),
            Level = (CompatibilityLevel?)reader.ReadNullableEnum("SET_CONFIG.level", DomainEnums.MaxCompatibilityLevel),
            Policy = (CompatibilityPolicy?)reader.ReadNullableEnum("SET_CONFIG.policy", DomainEnums.MaxCompatibilityPolicy),
            Mode = (RegistryMode?)reader.ReadNullableEnum("SET_CONFIG.mode", DomainEnums.MaxRegistryMode),
        };
        reader.EndBody(Shape, extra);
        return request;
    }
}

/// <summary>The response of GET_CONFIG and SET_CONFIG: <c>[level: int | nil, policy: int | nil, mode: int | nil]</c>.</summary>
public sealed record ConfigResponse : IResponseBody
{
    private const string Shape = "config response";

    /// <summary>The compatibility level, or null when not set at this scope.</summary>
    public CompatibilityLevel? Level { get; init; }

    /// <summary>The compatibility policy, or null when not set at this scope.</summary>
    public CompatibilityPolicy? Policy { get; init; }

    /// <summary>The mode, or null when not set at this scope.</summary>
    public RegistryMode? Mode { get; init; }

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
        writer.WriteNullable((int?)Level);
        writer.WriteNullable((int?)Policy);
        writer.WriteNullable((int?)Mode);
    }

    /// <summary>Reads the body.</summary>
    public static ConfigResponse Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 3);
        var response = new ConfigResponse
        {
            Level = (CompatibilityLevel?)reader.ReadNullableEnum("config.level", DomainEnums.MaxCompatibilityLevel),
            Policy = (CompatibilityPolicy?)reader.ReadNullableEnum("config.policy", DomainEnums.MaxCompatibilityPolicy),
            Mode = (RegistryMode?)reader.ReadNullableEnum("config.mode", DomainEnums.MaxRegistryMode),
        };
        reader.EndBody(Shape, extra);
        return response;
    }
}
