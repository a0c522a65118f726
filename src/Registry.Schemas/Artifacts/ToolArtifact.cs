using System.Buffers;
using System.Text.Json;
using Registry.Schemas.Profiles;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Artifacts;

/// <summary>The JSON shapes a tool definition is written in.</summary>
public enum ToolFormat
{
    /// <summary>MCP's <c>Tool</c>: <c>{name, title?, description?, inputSchema, outputSchema?, annotations?}</c>; the canonical form.</summary>
    Mcp,

    /// <summary>OpenAI's function tool: <c>{"type":"function","function":{name, description?, parameters, strict?}}</c> (also accepted flat, as the Responses API writes it).</summary>
    OpenAi,

    /// <summary>Anthropic's tool: <c>{name, description?, input_schema}</c>.</summary>
    Anthropic,
}

/// <summary>One reason a tool definition is refused: where (a JSON pointer into the definition as sent) and why.</summary>
/// <param name="Pointer">Where, e.g. <c>#/inputSchema/type</c>.</param>
/// <param name="Message">Why.</param>
public sealed record ToolProblem(string Pointer, string Message);

/// <summary>A tool definition that cannot be registered; <see cref="Problems"/> names every reason.</summary>
public sealed class ToolDefinitionException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public ToolDefinitionException(IReadOnlyList<ToolProblem> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    /// <summary>Creates the exception with one problem at the root.</summary>
    public ToolDefinitionException(string message)
        : this([new ToolProblem("#", message)])
    {
    }

    /// <summary>Creates an exception with a plain message.</summary>
    public ToolDefinitionException()
        : this("The tool definition is not valid.")
    {
    }

    /// <summary>Creates an exception with a plain message and a cause.</summary>
    public ToolDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [new ToolProblem("#", message)];
    }

    /// <summary>Every reason, in document order.</summary>
    public IReadOnlyList<ToolProblem> Problems { get; }

    private static string Describe(IReadOnlyList<ToolProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Count == 0 ? "The tool definition is not valid." : string.Join("; ", problems.Select(p => $"{p.Pointer}: {p.Message}"));
    }
}

/// <summary>
/// A tool (function) definition in MCP's shape, the registry's canonical form for the <c>TOOL</c> artifact type.
/// <see cref="Parse(ReadOnlyMemory{byte}, SchemaCompilerOptions?)"/> accepts MCP, OpenAI and Anthropic JSON and checks it: the name by MCP's rule (the
/// <c>mcp-tool</c> profile's name rule), <c>inputSchema</c> (and <c>outputSchema</c>) a valid JSON Schema whose root is
/// <c>type: "object"</c>, nothing unknown. <see cref="ToCanonical"/> writes the MCP form; <see cref="Export"/> any format.
/// </summary>
public sealed class ToolArtifact
{
    private ToolArtifact(string name, string? title, string? description, byte[] inputSchema, byte[]? outputSchema, byte[]? annotations)
    {
        Name = name;
        Title = title;
        Description = description;
        InputSchema = inputSchema;
        // A null array (and the null literal) would convert to an empty, not a null, memory.
        OutputSchema = outputSchema is null ? (ReadOnlyMemory<byte>?)null : outputSchema;
        Annotations = annotations is null ? (ReadOnlyMemory<byte>?)null : annotations;
    }

    /// <summary>The tool's name.</summary>
    public string Name { get; }

    /// <summary>MCP's display title, or null.</summary>
    public string? Title { get; }

    /// <summary>What the tool does, for the model, or null.</summary>
    public string? Description { get; }

    /// <summary>The JSON Schema of the arguments (UTF-8 JSON, as sent).</summary>
    public ReadOnlyMemory<byte> InputSchema { get; }

    /// <summary>The JSON Schema of the structured result (MCP <c>outputSchema</c>), or null.</summary>
    public ReadOnlyMemory<byte>? OutputSchema { get; }

    /// <summary>MCP's annotations object (hints such as <c>readOnlyHint</c>), as sent, or null.</summary>
    public ReadOnlyMemory<byte>? Annotations { get; }

    /// <summary>The rule tool names are checked against: MCP's (letters, digits, <c>_</c>, <c>-</c>, <c>.</c>, 1 to 128).</summary>
    public static NameRule NameRule => ProviderProfiles.McpTool.ToolNames!;

    /// <summary>Reads a tool definition in any <see cref="ToolFormat"/>; throws <see cref="ToolDefinitionException"/> naming every problem.</summary>
    public static ToolArtifact Parse(ReadOnlyMemory<byte> json, SchemaCompilerOptions? compilerOptions = null) =>
        Parse(json, out _, compilerOptions);

    /// <summary>As <see cref="Parse(ReadOnlyMemory{byte}, SchemaCompilerOptions?)"/>, saying which format was read.</summary>
    public static ToolArtifact Parse(ReadOnlyMemory<byte> json, out ToolFormat format, SchemaCompilerOptions? compilerOptions = null) =>
        Parse(json, out format, compilerOptions, compile: true);

    /// <summary>
    /// Reads a tool already checked (a registered version's canonical form) without compiling its schemas again: they
    /// may reference documents that only the version's references resolve.
    /// </summary>
    public static ToolArtifact ReadChecked(ReadOnlyMemory<byte> canonical) => Parse(canonical, out _, null, compile: false);

    private static ToolArtifact Parse(ReadOnlyMemory<byte> json, out ToolFormat format, SchemaCompilerOptions? compilerOptions, bool compile)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new ToolDefinitionException($"The tool definition is not JSON (at {JsonPosition.Of(e)}).", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ToolDefinitionException("A tool definition is a JSON object.");
            }

            var problems = new List<ToolProblem>();
            var prefix = "#";
            var body = root;
            string inputKey;
            string[] allowed;
            if (root.TryGetProperty("function", out var function) || (root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.ValueEquals("function")))
            {
                format = ToolFormat.OpenAi;
                Unknown(root, problems, "#", function.ValueKind == JsonValueKind.Undefined ? ["type", "name", "description", "parameters", "strict"] : ["type", "function"]);
                if (function.ValueKind != JsonValueKind.Undefined)
                {
                    if (function.ValueKind != JsonValueKind.Object)
                    {
                        throw new ToolDefinitionException([new ToolProblem("#/function", "'function' is an object.")]);
                    }

                    body = function;
                    prefix = "#/function";
                }

                inputKey = "parameters";
                allowed = ["type", "name", "description", "parameters", "strict"];
            }
            else if (root.TryGetProperty("input_schema", out _))
            {
                format = ToolFormat.Anthropic;
                inputKey = "input_schema";
                allowed = ["name", "description", "input_schema", "type", "cache_control", "strict"];
            }
            else
            {
                format = ToolFormat.Mcp;
                inputKey = "inputSchema";
                allowed = ["name", "title", "description", "inputSchema", "outputSchema", "annotations", "_meta", "icons"];
            }

            // A flat OpenAI tool's members were checked with the root's.
            if (format != ToolFormat.OpenAi || function.ValueKind != JsonValueKind.Undefined)
            {
                Unknown(body, problems, prefix, allowed);
            }

            var name = String(body, "name", prefix, problems, required: true);
            if (name is not null && !NameRule.Accepts(name))
            {
                problems.Add(new ToolProblem($"{prefix}/name", $"'{Shorten(name)}' is not a valid tool name: {NameRule.Describe()} (MCP's rule)."));
            }

            var title = format == ToolFormat.Mcp ? String(body, "title", prefix, problems, required: false) : null;
            var description = String(body, "description", prefix, problems, required: false);
            var input = Schema(body, inputKey, prefix, problems, required: true, compile ? compilerOptions ?? new SchemaCompilerOptions() : null);
            var output = format == ToolFormat.Mcp ? Schema(body, "outputSchema", prefix, problems, required: false, compile ? compilerOptions ?? new SchemaCompilerOptions() : null) : null;
            byte[]? annotations = null;
            if (format == ToolFormat.Mcp && body.TryGetProperty("annotations", out var a))
            {
                if (a.ValueKind != JsonValueKind.Object)
                {
                    problems.Add(new ToolProblem($"{prefix}/annotations", "'annotations' is an object."));
                }
                else
                {
                    annotations = Raw(a);
                }
            }

            if (problems.Count > 0)
            {
                throw new ToolDefinitionException(problems);
            }

            return new ToolArtifact(name!, title, description, input!, output, annotations);
        }
    }

    /// <summary>The canonical (MCP) form: members in a fixed order, schemas as sent.</summary>
    public byte[] ToCanonical() => Export(ToolFormat.Mcp);

    /// <summary>
    /// The tool in <paramref name="format"/>. OpenAI and Anthropic have no place for <c>title</c>, <c>outputSchema</c>
    /// or <c>annotations</c>: those are left out (<see cref="LosesInExport"/> says whether anything is).
    /// </summary>
    public byte[] Export(ToolFormat format)
    {
        var buffer = new ArrayBufferWriter<byte>(InputSchema.Length + (OutputSchema?.Length ?? 0) + 256);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false }))
        {
            w.WriteStartObject();
            switch (format)
            {
                case ToolFormat.OpenAi:
                    w.WriteString("type", "function");
                    w.WriteStartObject("function");
                    WriteNameAndDescription(w);
                    w.WritePropertyName("parameters");
                    w.WriteRawValue(InputSchema.Span, skipInputValidation: true);
                    w.WriteEndObject();
                    break;
                case ToolFormat.Anthropic:
                    WriteNameAndDescription(w);
                    w.WritePropertyName("input_schema");
                    w.WriteRawValue(InputSchema.Span, skipInputValidation: true);
                    break;
                default:
                    w.WriteString("name", Name);
                    if (Title is not null)
                    {
                        w.WriteString("title", Title);
                    }

                    if (Description is not null)
                    {
                        w.WriteString("description", Description);
                    }

                    w.WritePropertyName("inputSchema");
                    w.WriteRawValue(InputSchema.Span, skipInputValidation: true);
                    if (OutputSchema is { } output)
                    {
                        w.WritePropertyName("outputSchema");
                        w.WriteRawValue(output.Span, skipInputValidation: true);
                    }

                    if (Annotations is { } annotations)
                    {
                        w.WritePropertyName("annotations");
                        w.WriteRawValue(annotations.Span, skipInputValidation: true);
                    }

                    break;
            }

            w.WriteEndObject();
            w.Flush();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>True when exporting to <paramref name="format"/> leaves something out (title, outputSchema, annotations).</summary>
    public bool LosesInExport(ToolFormat format) => format != ToolFormat.Mcp && (Title is not null || OutputSchema is not null || Annotations is not null);

    /// <summary>Parses a format name: <c>mcp</c>, <c>openai</c>, <c>anthropic</c> (any case).</summary>
    public static bool TryParseFormat(string? text, out ToolFormat format)
    {
        format = ToolFormat.Mcp;
        switch (text?.ToUpperInvariant())
        {
            case "MCP":
                return true;
            case "OPENAI":
                format = ToolFormat.OpenAi;
                return true;
            case "ANTHROPIC":
                format = ToolFormat.Anthropic;
                return true;
            default:
                return false;
        }
    }

    private void WriteNameAndDescription(Utf8JsonWriter w)
    {
        w.WriteString("name", Name);
        if (Description is not null)
        {
            w.WriteString("description", Description);
        }
    }

    private static void Unknown(JsonElement body, List<ToolProblem> problems, string prefix, string[] allowed)
    {
        foreach (var member in body.EnumerateObject())
        {
            if (Array.IndexOf(allowed, member.Name) < 0)
            {
                problems.Add(new ToolProblem($"{prefix}/{Escape(member.Name)}", $"unknown member '{Shorten(member.Name)}'; a tool in this format has {string.Join(", ", allowed)}."));
            }
        }
    }

    private static string? String(JsonElement body, string key, string prefix, List<ToolProblem> problems, bool required)
    {
        if (!body.TryGetProperty(key, out var value))
        {
            if (required)
            {
                problems.Add(new ToolProblem($"{prefix}/{key}", $"'{key}' is required."));
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add(new ToolProblem($"{prefix}/{key}", $"'{key}' is a string."));
            return null;
        }

        return value.GetString();
    }

    private static byte[]? Schema(JsonElement body, string key, string prefix, List<ToolProblem> problems, bool required, SchemaCompilerOptions? options)
    {
        var pointer = $"{prefix}/{key}";
        if (!body.TryGetProperty(key, out var value))
        {
            if (required)
            {
                problems.Add(new ToolProblem(pointer, $"'{key}' is required: the JSON Schema of the tool's {(key == "outputSchema" ? "result" : "arguments")}."));
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ToolProblem(pointer, $"'{key}' is a JSON Schema object."));
            return null;
        }

        if (!value.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || !type.ValueEquals("object"))
        {
            problems.Add(new ToolProblem($"{pointer}/type", $"'{key}' must have \"type\": \"object\" at its root (MCP)."));
        }

        var raw = Raw(value);
        if (options is null)
        {
            return raw; // Already checked: a registered version's canonical form.
        }

        var compiled = SchemaCompiler.Compile(raw, options);
        foreach (var error in compiled.Errors)
        {
            problems.Add(new ToolProblem(pointer + error.SchemaLocation.TrimStart('#'), error.Message));
        }

        return raw;
    }

    private static byte[] Raw(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            value.WriteTo(w);
            w.Flush();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "...");
}
