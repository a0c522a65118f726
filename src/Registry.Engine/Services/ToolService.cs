using Registry.Schemas.Artifacts;
using Registry.Schemas.Validation;

namespace Registry.Engine.Services;

/// <summary>
/// TOOL definitions outside the store: reading any provider's JSON into the canonical (MCP) form with the registration
/// rules of the TOOL type, and writing it in another format. Registered TOOL versions are exported here too.
/// </summary>
internal static class ToolService
{
    /// <summary>The tool in <paramref name="formatName"/> (mcp, openai, anthropic), after every check of <see cref="ToolArtifact.Parse(ReadOnlyMemory{byte}, SchemaCompilerOptions?)"/>.</summary>
    public static ToolConversion Convert(ReadOnlyMemory<byte> tool, string? formatName, int maxBytes)
    {
        var format = Format(formatName);
        if (tool.Length > maxBytes)
        {
            RegistryThrow.Error(RegistryErrorCode.TooLarge, $"The tool is {tool.Length} bytes; the limit is {maxBytes}.");
        }

        ToolArtifact parsed;
        ToolFormat read;
        try
        {
            parsed = ToolArtifact.Parse(tool, out read);
        }
        catch (ToolDefinitionException e)
        {
            var errors = new List<SchemaCompilationError>(e.Problems.Count);
            foreach (var problem in e.Problems)
            {
                errors.Add(new SchemaCompilationError(problem.Pointer, problem.Message));
            }

            RegistryThrow.InvalidSchema($"The tool definition is not valid: {e.Problems.Count} problem(s). First: {e.Problems[0].Pointer}: {e.Problems[0].Message}", errors);
            return null!;
        }

        return new ToolConversion(parsed.Export(format), read, format, parsed.LosesInExport(format));
    }

    /// <summary>The format named (mcp, openai, anthropic); <see cref="RegistryErrorCode.InvalidRequest"/> otherwise.</summary>
    public static ToolFormat Format(string? formatName)
    {
        if (!ToolArtifact.TryParseFormat(formatName, out var format))
        {
            RegistryThrow.InvalidRequest("Name the format to write: mcp, openai or anthropic.");
        }

        return format;
    }

    /// <summary>A registered TOOL version (its canonical form) written in <paramref name="format"/>.</summary>
    public static ToolConversion Export(Model.SchemaRecord schema, ToolFormat format)
    {
        if (!string.Equals(schema.SchemaType, ToolArtifactType.TypeName, StringComparison.Ordinal))
        {
            RegistryThrow.Error(RegistryErrorCode.SchemaTypeMismatch, $"Schema {schema.Id} is {schema.SchemaType}, not a TOOL: only TOOL versions export as tools.");
        }

        var tool = ToolArtifact.ReadChecked(schema.Content);
        return new ToolConversion(tool.Export(format), ToolFormat.Mcp, format, tool.LosesInExport(format));
    }
}

/// <summary>A tool written in another format.</summary>
/// <param name="Content">The tool in <paramref name="To"/>'s shape (UTF-8 JSON).</param>
/// <param name="From">The format it was read in.</param>
/// <param name="To">The format written.</param>
/// <param name="Lossy">True when the target format has no place for the tool's title, output schema or annotations, which were left out.</param>
public sealed record ToolConversion(byte[] Content, ToolFormat From, ToolFormat To, bool Lossy);
