using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Registry.Server.Confluent;

/// <summary>
/// Source-generated serialisation of the Confluent API's bodies (no reflection: native AOT). camelCase, nulls
/// omitted; separate from the framework-wide options, which are the native API's snake_case.
/// </summary>
[JsonSerializable(typeof(ConfluentSchemaRequest))]
[JsonSerializable(typeof(ConfluentVersionResponse))]
[JsonSerializable(typeof(List<ConfluentVersionResponse>))]
[JsonSerializable(typeof(ConfluentRegisterResponse))]
[JsonSerializable(typeof(ConfluentSchemaResponse))]
[JsonSerializable(typeof(List<ConfluentSubjectVersion>))]
[JsonSerializable(typeof(ConfluentCompatibilityResponse))]
[JsonSerializable(typeof(ConfluentConfigRequest))]
[JsonSerializable(typeof(ConfluentConfigResponse))]
[JsonSerializable(typeof(ConfluentConfigUpdateResponse))]
[JsonSerializable(typeof(ConfluentMode))]
[JsonSerializable(typeof(ConfluentClusterIdResponse))]
[JsonSerializable(typeof(ConfluentVersionInfo))]
[JsonSerializable(typeof(ConfluentError))]
[JsonSerializable(typeof(ConfluentEmpty))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(List<int>))]
[JsonSerializable(typeof(List<long>))]
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
internal sealed partial class ConfluentJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context used for every body: schema text keeps its non-ASCII characters and punctuation as they are (the
    /// default encoder would write them as \u escapes, which is valid but unlike what Confluent returns).
    /// </summary>
    public static ConfluentJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.Strict,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
