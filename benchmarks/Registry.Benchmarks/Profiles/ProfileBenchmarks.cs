using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Registry.Benchmarks.Validation;
using Registry.Schemas.Profiles;

namespace Registry.Benchmarks.Profiles;

/// <summary>The schemas the profile benchmarks run on.</summary>
internal static class ProfileBenchmarkSchemas
{
    /// <summary>A tool's parameters as an SDK generates them (about 900 bytes): optional fields, bounds, an enum, a nested object, a definition.</summary>
    public const string Tool = """
        {
          "type": "object",
          "description": "Current weather and forecast for a city.",
          "properties": {
            "city": { "type": "string", "description": "City name, e.g. Zurich", "minLength": 1 },
            "country": { "type": "string", "description": "ISO 3166 alpha-2 code", "pattern": "^[A-Z]{2}$" },
            "units": { "type": "string", "enum": ["metric", "imperial"], "default": "metric" },
            "days": { "type": "integer", "minimum": 1, "maximum": 14 },
            "include": { "type": "array", "items": { "type": "string", "enum": ["hourly", "alerts", "air_quality"] }, "maxItems": 3 },
            "location": { "$ref": "#/$defs/coordinates" },
            "options": {
              "type": "object",
              "properties": { "language": { "type": "string" }, "round": { "type": "boolean" } },
              "additionalProperties": false
            }
          },
          "required": ["city"],
          "additionalProperties": false,
          "$defs": {
            "coordinates": {
              "type": "object",
              "properties": { "lat": { "type": "number", "minimum": -90, "maximum": 90 }, "lon": { "type": "number", "minimum": -180, "maximum": 180 } },
              "required": ["lat", "lon"],
              "additionalProperties": false
            }
          }
        }
        """;

    public static byte[] Load(string name)
        => name == "tool" ? Encoding.UTF8.GetBytes(Tool) : File.ReadAllBytes(Path.Combine(BenchmarkSchemas.CorpusDirectory(), name, "schema.json"));
}

/// <summary>
/// Lint time for a tool schema and for the corpus's cmake-presets schema (86 KB), parsing included, against parsing
/// alone (the floor). Goal: a tool schema in under 20 µs, so that lint can run on every registration and request.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class ProfileLintBenchmarks
{
    private byte[] _schema = [];
    private Profile _profile = ProviderProfiles.OpenAiStrict;

    [Params("tool", "cmake-presets")]
    public string Schema { get; set; } = "tool";

    [Params("openai-strict", "anthropic-strict")]
    public string Profile { get; set; } = "openai-strict";

    [GlobalSetup]
    public void Setup()
    {
        _schema = ProfileBenchmarkSchemas.Load(Schema);
        if (!ProviderProfiles.TryGet(Profile, out var profile))
        {
            throw new InvalidOperationException($"no profile {Profile}");
        }

        _profile = profile;
        var result = ProfileLinter.Lint(_schema, _profile);
        if (result.Status != LintStatus.Completed)
        {
            throw new InvalidOperationException($"the benchmark schema does not lint: {result.Error}");
        }
    }

    [Benchmark(Baseline = true, Description = "parse only")]
    public int ParseOnly()
    {
        using var document = JsonDocument.Parse(_schema);
        return document.RootElement.GetPropertyCount();
    }

    [Benchmark(Description = "lint")]
    public int Lint() => ProfileLinter.Lint(_schema, _profile).Violations.Count;
}

/// <summary>Transform time (lint of the input, rewrite, serialisation and lint of the output) for the same schemas.</summary>
[Config(typeof(BenchmarkConfig))]
public class ProfileTransformBenchmarks
{
    private byte[] _schema = [];
    private Profile _profile = ProviderProfiles.OpenAiStrict;

    [Params("tool", "cmake-presets")]
    public string Schema { get; set; } = "tool";

    [Params("openai-strict", "anthropic-strict")]
    public string Profile { get; set; } = "openai-strict";

    [GlobalSetup]
    public void Setup()
    {
        _schema = ProfileBenchmarkSchemas.Load(Schema);
        if (!ProviderProfiles.TryGet(Profile, out var profile))
        {
            throw new InvalidOperationException($"no profile {Profile}");
        }

        _profile = profile;
        var result = ProfileTransformer.Transform(_schema, _profile);
        if (result.Status != LintStatus.Completed)
        {
            throw new InvalidOperationException($"the benchmark schema does not transform: {result.Error}");
        }
    }

    [Benchmark(Description = "transform")]
    public int Transform() => ProfileTransformer.Transform(_schema, _profile).Schema!.Length;
}
