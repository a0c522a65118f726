using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Artifacts;

/// <summary>
/// The <c>PROMPT</c> schema type: a Mustache-subset template with the JSON Schema of its variables (inferred when absent),
/// an optional output subject and model settings (<see cref="PromptArtifact"/>). Documents validated against a version
/// are variables objects; rendering validates them first. Versions are compared by <see cref="PromptCompatibility"/>
/// (BACKWARD on the variables schema, proved with a variables object); its variables schema may reference JSON subjects.
/// </summary>
public sealed class PromptArtifactType : ArtifactType
{
    /// <summary>The type's name.</summary>
    public const string TypeName = "PROMPT";

    /// <inheritdoc/>
    public override string Name => TypeName;

    /// <inheritdoc/>
    public override string DocumentKind => "variables objects (validated against the prompt's variables schema)";

    /// <inheritdoc/>
    public override byte[] Canonicalize(ReadOnlyMemory<byte> content, SchemaCompilerOptions? options)
    {
        try
        {
            return PromptArtifact.Parse(content, options).ToCanonical();
        }
        catch (PromptDefinitionException e)
        {
            throw Refused(e.Problems, static p => new ArtifactProblem(p.Pointer, p.Message));
        }
    }

    /// <inheritdoc/>
    public override ReadOnlyMemory<byte>? DocumentSchema(ReadOnlyMemory<byte> canonical) => Variables(canonical);

    /// <inheritdoc/>
    public override IReadOnlyList<ArtifactSchema> Schemas(ReadOnlyMemory<byte> canonical) => [new ArtifactSchema("#/variables", Variables(canonical))];

    /// <summary>The variables schema of a canonical prompt (always present there: inferred at registration when absent), without compiling it.</summary>
    public static byte[] Variables(ReadOnlyMemory<byte> canonical)
    {
        using var document = System.Text.Json.JsonDocument.Parse(canonical);
        return document.RootElement.TryGetProperty("variables", out var variables)
            ? System.Text.Encoding.UTF8.GetBytes(variables.GetRawText())
            : throw new InvalidOperationException("A stored prompt has no variables schema.");
    }

    /// <inheritdoc/>
    public override bool MayReference(string schemaType) => string.Equals(schemaType, ArtifactTypes.Json, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override CompatibilityResult Check(
        ReadOnlyMemory<byte> newer, IReadOnlyList<ReadOnlyMemory<byte>> earlier, CompatibilityLevel level, CompatibilityPolicy policy, ISchemaResolver? resolver)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        // The variables schemas compile against the versions' references (the resolver holds them).
        var options = resolver is null ? null : new SchemaCompilerOptions { Resolver = resolver };
        var prompts = new PromptArtifact[earlier.Count];
        for (var i = 0; i < prompts.Length; i++)
        {
            prompts[i] = PromptArtifact.Parse(earlier[i], options);
        }

        return PromptCompatibility.Check(PromptArtifact.Parse(newer, options), prompts, level, policy, resolver);
    }
}
