using System.Text;

namespace Registry.Benchmarks.Validation;

/// <summary>The schema sizes the validation benchmarks run on, with one valid document each.</summary>
public enum SchemaSize
{
    /// <summary>An LLM tool definition (about 1 KB): a handful of typed, constrained properties.</summary>
    Small,

    /// <summary>The corpus's <c>pulumi</c> schema (8 KB): nested definitions and references.</summary>
    Medium,

    /// <summary>The corpus's <c>cmake-presets</c> schema (86 KB): large, oneOf across versions, many references.</summary>
    Large,
}

internal static class BenchmarkSchemas
{
    private const string SmallSchema = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object",
          "properties": {
            "name": { "type": "string", "pattern": "^[a-z_][a-z0-9_]*$", "maxLength": 64 },
            "description": { "type": "string", "maxLength": 1024 },
            "strict": { "type": "boolean" },
            "parameters": {
              "type": "object",
              "properties": {
                "city": { "type": "string", "minLength": 1 },
                "units": { "enum": ["metric", "imperial"] },
                "days": { "type": "integer", "minimum": 1, "maximum": 14 },
                "coordinates": { "type": "array", "items": { "type": "number" }, "minItems": 2, "maxItems": 2 }
              },
              "required": ["city"],
              "additionalProperties": false
            }
          },
          "required": ["name", "parameters"],
          "additionalProperties": false
        }
        """;

    private const string SmallDocument = """
        {"name":"get_weather","description":"Current weather and forecast for a city.","strict":true,
         "parameters":{"city":"Zürich","units":"metric","days":3,"coordinates":[47.3769,8.5417]}}
        """;

    public static (byte[] Schema, byte[] Document) Load(SchemaSize size)
    {
        if (size == SchemaSize.Small)
        {
            return (Encoding.UTF8.GetBytes(SmallSchema), Encoding.UTF8.GetBytes(SmallDocument));
        }

        var name = size == SchemaSize.Medium ? "pulumi" : "cmake-presets";
        var directory = Path.Combine(CorpusDirectory(), name);
        var lines = File.ReadAllLines(Path.Combine(directory, "instances.jsonl")).Where(l => l.Length > 0).OrderBy(l => l.Length).ToArray();
        var median = lines[lines.Length / 2];
        return (File.ReadAllBytes(Path.Combine(directory, "schema.json")), Encoding.UTF8.GetBytes(median));
    }

    /// <summary><c>$REGISTRY_SHARED_DIR/validation-corpus</c>, or <c>../shared/validation-corpus</c> beside the repository.</summary>
    public static string CorpusDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("REGISTRY_SHARED_DIR");
        if (!string.IsNullOrEmpty(configured))
        {
            return Path.Combine(configured, "validation-corpus");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SchemaRegistry.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "validation-corpus"));
            }
        }

        throw new DirectoryNotFoundException("validation-corpus not found; set REGISTRY_SHARED_DIR.");
    }
}
