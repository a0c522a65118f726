using System.Buffers;
using System.Text.Json;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Profiles.Tools;

/// <summary>The providers' tool-definition formats.</summary>
public enum ToolFormat
{
    /// <summary>OpenAI Chat Completions <c>tools</c>: <c>[{"type": "function", "function": {name, description, parameters, strict}}]</c>.</summary>
    OpenAi,

    /// <summary>Anthropic Messages <c>tools</c>: <c>[{name, description, input_schema, strict}]</c>.</summary>
    Anthropic,

    /// <summary>Gemini <c>tools</c>: <c>[{"functionDeclarations": [{name, description, parametersJsonSchema}]}]</c>.</summary>
    Gemini,

    /// <summary>MCP <c>tools/list</c> result: <c>{"tools": [{name, description, inputSchema}]}</c>.</summary>
    Mcp,
}

/// <summary>A tool set written in a provider's format, with the transform of each schema when one was applied.</summary>
/// <param name="Json">The UTF-8 JSON.</param>
/// <param name="Transforms">Each tool's transform result (empty when the schemas were written as given).</param>
public sealed record ToolSetExport(byte[] Json, IReadOnlyList<ProfileTransformResult> Transforms);

/// <summary>Writes a tool set in each provider's tools format.</summary>
public static class ToolSetExporter
{
    /// <summary>The format named <paramref name="name"/> (<c>openai</c>, <c>anthropic</c>, <c>gemini</c>, <c>mcp</c>; case ignored).</summary>
    public static bool TryParseFormat(string? name, out ToolFormat format)
    {
        switch (name?.ToUpperInvariant())
        {
            case "OPENAI":
                format = ToolFormat.OpenAi;
                return true;
            case "ANTHROPIC":
                format = ToolFormat.Anthropic;
                return true;
            case "GEMINI":
                format = ToolFormat.Gemini;
                return true;
            case "MCP":
                format = ToolFormat.Mcp;
                return true;
            default:
                format = default;
                return false;
        }
    }

    /// <summary>The profile whose strict form a format's schemas are transformed to: openai-strict, anthropic-strict, gemini-json-schema, mcp-tool.</summary>
    public static Profile ProfileFor(ToolFormat format) => format switch
    {
        ToolFormat.OpenAi => ProviderProfiles.OpenAiStrict,
        ToolFormat.Anthropic => ProviderProfiles.AnthropicStrict,
        ToolFormat.Gemini => ProviderProfiles.GeminiJsonSchema,
        _ => ProviderProfiles.McpTool,
    };

    /// <summary>
    /// Writes <paramref name="tools"/> in <paramref name="format"/>, each schema as given. Throws
    /// <see cref="ArgumentException"/> when a schema is not valid JSON.
    /// </summary>
    public static byte[] Export(IReadOnlyList<ToolDefinition> tools, ToolFormat format)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, tools, format, null);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Writes <paramref name="tools"/> in <paramref name="format"/>, each strict tool's schema transformed to the
    /// format's profile (<see cref="ProfileFor"/>); non-strict tools keep their schema. Throws
    /// <see cref="ArgumentException"/> when a schema cannot be transformed (invalid JSON, unresolvable reference, too complex).
    /// </summary>
    public static ToolSetExport ExportTransformed(
        IReadOnlyList<ToolDefinition> tools,
        ToolFormat format,
        ISchemaResolver? resolver = null,
        ProfileTransformOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var profile = ProfileFor(format);
        var schemas = new ReadOnlyMemory<byte>[tools.Count];
        var transforms = new List<ProfileTransformResult>(tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            var tool = tools[i];
            if (!tool.Strict && profile.StrictOnly)
            {
                schemas[i] = tool.InputSchema;
                continue;
            }

            var result = ProfileTransformer.Transform(tool.InputSchema, profile, resolver, options, cancellationToken);
            if (result.Schema is null)
            {
                throw new ArgumentException($"The schema of tool '{tool.Name}' cannot be transformed: {result.Error}", nameof(tools));
            }

            transforms.Add(result);
            schemas[i] = result.Schema;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, tools, format, schemas);
        }

        return new ToolSetExport(buffer.WrittenSpan.ToArray(), transforms);
    }

    /// <summary>Writes <paramref name="tools"/> in <paramref name="format"/> to <paramref name="writer"/>, with <paramref name="schemas"/> in place of the tools' own when given.</summary>
    public static void Write(Utf8JsonWriter writer, IReadOnlyList<ToolDefinition> tools, ToolFormat format, IReadOnlyList<ReadOnlyMemory<byte>>? schemas = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(tools);
        switch (format)
        {
            case ToolFormat.OpenAi:
                writer.WriteStartArray();
                for (var i = 0; i < tools.Count; i++)
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", "function");
                    writer.WriteStartObject("function");
                    WriteNameAndDescription(writer, tools[i]);
                    WriteSchema(writer, "parameters", tools[i], schemas?[i]);
                    writer.WriteBoolean("strict", tools[i].Strict);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                break;
            case ToolFormat.Anthropic:
                writer.WriteStartArray();
                for (var i = 0; i < tools.Count; i++)
                {
                    writer.WriteStartObject();
                    WriteNameAndDescription(writer, tools[i]);
                    WriteSchema(writer, "input_schema", tools[i], schemas?[i]);
                    if (tools[i].Strict)
                    {
                        writer.WriteBoolean("strict", true);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                break;
            case ToolFormat.Gemini:
                writer.WriteStartArray();
                writer.WriteStartObject();
                writer.WriteStartArray("functionDeclarations");
                for (var i = 0; i < tools.Count; i++)
                {
                    writer.WriteStartObject();
                    WriteNameAndDescription(writer, tools[i]);
                    WriteSchema(writer, "parametersJsonSchema", tools[i], schemas?[i]);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.WriteEndArray();
                break;
            default:
                writer.WriteStartObject();
                writer.WriteStartArray("tools");
                for (var i = 0; i < tools.Count; i++)
                {
                    writer.WriteStartObject();
                    WriteNameAndDescription(writer, tools[i]);
                    WriteSchema(writer, "inputSchema", tools[i], schemas?[i]);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
        }
    }

    private static void WriteNameAndDescription(Utf8JsonWriter writer, ToolDefinition tool)
    {
        writer.WriteString("name", tool.Name);
        if (tool.Description is not null)
        {
            writer.WriteString("description", tool.Description);
        }
    }

    private static void WriteSchema(Utf8JsonWriter writer, string property, ToolDefinition tool, ReadOnlyMemory<byte>? schema)
    {
        writer.WritePropertyName(property);
        try
        {
            writer.WriteRawValue((schema ?? tool.InputSchema).Span);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new ArgumentException($"The schema of tool '{tool.Name}' is not valid JSON.", nameof(tool), e);
        }
    }
}
