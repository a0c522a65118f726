using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Registry.Server.Http.Native;

/// <summary>Source-generated serialisation of the native API's bodies (no reflection: native AOT).</summary>
[JsonSerializable(typeof(RegisterSchemaRequest))]
[JsonSerializable(typeof(RegisterSchemaResponse))]
[JsonSerializable(typeof(SchemaInputRequest))]
[JsonSerializable(typeof(SchemaResponse))]
[JsonSerializable(typeof(VersionResponse))]
[JsonSerializable(typeof(IReadOnlyList<VersionSummary>))]
[JsonSerializable(typeof(IReadOnlyList<VersionUsageModel>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(MetadataModel))]
[JsonSerializable(typeof(StateChangeRequest))]
[JsonSerializable(typeof(DeleteResponse))]
[JsonSerializable(typeof(CompatibilityResponse))]
[JsonSerializable(typeof(ConfigModel))]
[JsonSerializable(typeof(SubjectConfigResponse))]
[JsonSerializable(typeof(ConfigRequest))]
[JsonSerializable(typeof(ModeRequest))]
[JsonSerializable(typeof(ModeResponse))]
[JsonSerializable(typeof(ValidateResponse))]
[JsonSerializable(typeof(BatchValidateResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(AliasModel))]
[JsonSerializable(typeof(IReadOnlyList<AliasModel>))]
[JsonSerializable(typeof(AliasRequest))]
[JsonSerializable(typeof(IReadOnlyList<AliasMoveModel>))]
[JsonSerializable(typeof(BundleResponse))]
[JsonSerializable(typeof(ToolSetRequest))]
[JsonSerializable(typeof(ToolSetResponse))]
[JsonSerializable(typeof(RenderResponse))]
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    MaxDepth = NativeJsonContext.MaxBodyDepth)]
internal sealed partial class NativeJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Deepest nesting of a request body: a schema may nest up to the engine's depth limit (256 by default) inside
    /// the request object, and gets the engine's clear error beyond it rather than a parser error.
    /// </summary>
    public const int MaxBodyDepth = 300;

    /// <summary>
    /// The context every body is written with: text keeps its apostrophes, accents and other non-ASCII characters as
    /// they are (the default encoder writes them as \u escapes for embedding in HTML, which an API does not need).
    /// </summary>
    public static NativeJsonContext Wire { get; } = new(WireOptions());

    /// <summary>The native API's serialiser options, shared with the framework's (OpenAPI, health).</summary>
    public static JsonSerializerOptions WireOptions() => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.Strict,
        MaxDepth = MaxBodyDepth,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary><c>POST /v1/subjects/{s}/versions/{v}/render</c>: the text, and which version made it (an alias resolved).</summary>
internal sealed record RenderResponse(string Subject, int Version, long Id, string Text);
