using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Artifacts;

/// <summary>
/// The <c>TOOL</c> schema type: a tool definition read from MCP, OpenAI or Anthropic JSON (<see cref="ToolArtifact"/>),
/// stored in MCP's shape; documents validated against a version are tool-call arguments (its <c>inputSchema</c>);
/// versions compared by <see cref="ToolCompatibility"/>; it may reference JSON subjects from its schemas.
/// </summary>
public sealed class ToolArtifactType : ArtifactType
{
    /// <summary>The type's name.</summary>
    public const string TypeName = "TOOL";

    /// <inheritdoc/>
    public override string Name => TypeName;

    /// <inheritdoc/>
    public override string DocumentKind => "tool-call arguments (validated against the tool's inputSchema)";

    /// <inheritdoc/>
    public override byte[] Canonicalize(ReadOnlyMemory<byte> content, SchemaCompilerOptions? options)
    {
        try
        {
            return ToolArtifact.Parse(content, options).ToCanonical();
        }
        catch (ToolDefinitionException e)
        {
            throw Refused(e.Problems, static p => new ArtifactProblem(p.Pointer, p.Message));
        }
    }

    /// <inheritdoc/>
    public override ReadOnlyMemory<byte>? DocumentSchema(ReadOnlyMemory<byte> canonical) => ToolArtifact.ReadChecked(canonical).InputSchema;

    /// <inheritdoc/>
    public override IReadOnlyList<ArtifactSchema> Schemas(ReadOnlyMemory<byte> canonical)
    {
        var tool = ToolArtifact.ReadChecked(canonical);
        return tool.OutputSchema is { } output
            ? [new ArtifactSchema("#/inputSchema", tool.InputSchema), new ArtifactSchema("#/outputSchema", output)]
            : [new ArtifactSchema("#/inputSchema", tool.InputSchema)];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<ArtifactName> ToolNames(ReadOnlyMemory<byte> canonical) => [new ArtifactName("#/name", ToolArtifact.ReadChecked(canonical).Name)];

    /// <inheritdoc/>
    public override bool MayReference(string schemaType) => string.Equals(schemaType, ArtifactTypes.Json, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override CompatibilityResult Check(
        ReadOnlyMemory<byte> newer, IReadOnlyList<ReadOnlyMemory<byte>> earlier, CompatibilityLevel level, CompatibilityPolicy policy, ISchemaResolver? resolver)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        var tools = new ToolArtifact[earlier.Count];
        for (var i = 0; i < tools.Length; i++)
        {
            tools[i] = ToolArtifact.ReadChecked(earlier[i]);
        }

        return ToolCompatibility.Check(ToolArtifact.ReadChecked(newer), tools, level, policy, resolver);
    }
}
