using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Artifacts;

/// <summary>One reason an artifact is refused: where (a JSON pointer into the artifact as sent) and why.</summary>
/// <param name="Pointer">Where, e.g. <c>#/skills/0/id</c>.</param>
/// <param name="Message">Why.</param>
public sealed record ArtifactProblem(string Pointer, string Message);

/// <summary>An artifact (tool, agent card, ...) that cannot be registered; <see cref="Problems"/> names every reason.</summary>
public sealed class ArtifactDefinitionException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public ArtifactDefinitionException(IReadOnlyList<ArtifactProblem> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    /// <summary>Creates the exception with one problem at the root.</summary>
    public ArtifactDefinitionException(string message)
        : this([new ArtifactProblem("#", message)])
    {
    }

    /// <summary>Creates an exception with a plain message.</summary>
    public ArtifactDefinitionException()
        : this("The artifact is not valid.")
    {
    }

    /// <summary>Creates an exception with a plain message and a cause.</summary>
    public ArtifactDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [new ArtifactProblem("#", message)];
    }

    /// <summary>Every reason, in document order.</summary>
    public IReadOnlyList<ArtifactProblem> Problems { get; }

    private static string Describe(IReadOnlyList<ArtifactProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Count == 0 ? "The artifact is not valid." : string.Join("; ", problems.Select(p => $"{p.Pointer}: {p.Message}"));
    }
}

/// <summary>A JSON Schema inside an artifact (a tool's <c>inputSchema</c>), with where it sits.</summary>
/// <param name="Pointer">Where in the canonical artifact, e.g. <c>#/inputSchema</c>.</param>
/// <param name="Schema">The schema (UTF-8 JSON).</param>
public sealed record ArtifactSchema(string Pointer, ReadOnlyMemory<byte> Schema);

/// <summary>A name inside an artifact that a provider's name rule must accept (a tool's <c>name</c>), with where it sits.</summary>
/// <param name="Pointer">Where in the canonical artifact, e.g. <c>#/name</c>.</param>
/// <param name="Name">The name.</param>
public sealed record ArtifactName(string Pointer, string Name);

/// <summary>
/// A schema type beside <c>JSON</c> (<c>TOOL</c>, <c>AGENT_CARD</c>, ...): everything the registry needs to know about
/// it, in one class. The engine calls nothing type-specific: it canonicalizes with <see cref="Canonicalize"/> (whose
/// bytes are stored and fingerprinted), compiles <see cref="DocumentSchema"/> to validate documents, lints
/// <see cref="Schemas"/> and checks <see cref="ToolNames"/> against the profiles a subject requires, compares versions
/// with <see cref="Check"/>, and allows references by <see cref="MayReference"/> and <see cref="ReferenceProblems"/>.
/// A new type is one subclass listed in <see cref="ArtifactTypes"/>.
/// </summary>
public abstract class ArtifactType
{
    /// <summary>The schema type's name, upper case (<c>TOOL</c>).</summary>
    public abstract string Name { get; }

    /// <summary>What a document validated against a version of this type is, for messages and docs (<c>tool-call arguments</c>).</summary>
    public abstract string DocumentKind { get; }

    /// <summary>
    /// Reads the artifact in any form the type accepts, checks it, and returns its canonical form (UTF-8 JSON, members
    /// in a fixed order). Throws <see cref="ArtifactDefinitionException"/> naming every problem with a pointer.
    /// <paramref name="options"/> compile the schemas inside (with the version's references resolved).
    /// </summary>
    public abstract byte[] Canonicalize(ReadOnlyMemory<byte> content, SchemaCompilerOptions? options);

    /// <summary>The JSON Schema documents are validated against (a tool's <c>inputSchema</c>), or null when the type has none.</summary>
    public abstract ReadOnlyMemory<byte>? DocumentSchema(ReadOnlyMemory<byte> canonical);

    /// <summary>The JSON Schemas inside the canonical artifact that provider profiles lint.</summary>
    public virtual IReadOnlyList<ArtifactSchema> Schemas(ReadOnlyMemory<byte> canonical) => [];

    /// <summary>The names inside the canonical artifact that a required profile's tool-name rule must accept.</summary>
    public virtual IReadOnlyList<ArtifactName> ToolNames(ReadOnlyMemory<byte> canonical) => [];

    /// <summary>Whether a version of this type may reference a version of <paramref name="schemaType"/>.</summary>
    public abstract bool MayReference(string schemaType);

    /// <summary>Problems with the names of the version's references (e.g. an agent card's must name one of its skills).</summary>
    public virtual IReadOnlyList<ArtifactProblem> ReferenceProblems(ReadOnlyMemory<byte> canonical, IReadOnlyList<string> referenceNames) => [];

    /// <summary>The refusal of an artifact whose reader named <paramref name="problems"/>, each converted by <paramref name="convert"/>.</summary>
    protected static ArtifactDefinitionException Refused<TProblem>(IReadOnlyList<TProblem> problems, Func<TProblem, ArtifactProblem> convert)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(convert);
        var converted = new List<ArtifactProblem>(problems.Count);
        foreach (var problem in problems)
        {
            converted.Add(convert(problem));
        }

        return new ArtifactDefinitionException(converted);
    }

    /// <summary>
    /// Compares <paramref name="newer"/> with <paramref name="earlier"/> (canonical forms, oldest first) by the type's
    /// rules; the level says whether to enforce (NONE: nothing is incompatible) and how far back (transitive: all).
    /// </summary>
    public abstract CompatibilityResult Check(
        ReadOnlyMemory<byte> newer, IReadOnlyList<ReadOnlyMemory<byte>> earlier, CompatibilityLevel level, CompatibilityPolicy policy, ISchemaResolver? resolver);
}

/// <summary>The schema types beside <c>JSON</c>, by name. Adding a type is adding its <see cref="ArtifactType"/> here.</summary>
public static class ArtifactTypes
{
    /// <summary>The JSON Schema type's name.</summary>
    public const string Json = "JSON";

    private static readonly ArtifactType[] Known = [new ToolArtifactType(), new AgentCardArtifactType(), new PromptArtifactType()];

    /// <summary>Every artifact type, in a fixed order.</summary>
    public static IReadOnlyList<ArtifactType> All => Known;

    /// <summary>The type called <paramref name="name"/> (upper case), or false (also for <c>JSON</c>, which is not an artifact type).</summary>
    public static bool TryGet(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ArtifactType? type)
    {
        foreach (var known in Known)
        {
            if (string.Equals(known.Name, name, StringComparison.Ordinal))
            {
                type = known;
                return true;
            }
        }

        type = null;
        return false;
    }

    /// <summary>Whether a version of type <paramref name="from"/> may reference one of type <paramref name="to"/>: JSON only JSON; an artifact type by its rule.</summary>
    public static bool MayReference(string from, string to) =>
        TryGet(from, out var type) ? type.MayReference(to) : string.Equals(to, Json, StringComparison.Ordinal);
}

/// <summary>One pass over earlier versions for every artifact type's compatibility rules.</summary>
internal static class ArtifactCompatibility
{
    /// <summary>The differences between the earlier version at <paramref name="index"/> and the newer one, and the bump they suggest.</summary>
    public delegate List<SchemaDifference> Comparison(int index, out VersionBump bump);

    /// <summary>
    /// Compares the newer version with the latest of <paramref name="earlierCount"/> earlier ones, or with all of them
    /// under a transitive level; under NONE every difference is reported as compatible. The bump is the latest's.
    /// </summary>
    public static CompatibilityResult Across(int earlierCount, CompatibilityLevel level, Comparison compare)
    {
        if (earlierCount == 0)
        {
            return new CompatibilityResult(true, [], VersionBump.None);
        }

        var latest = earlierCount - 1;
        var transitive = level is CompatibilityLevel.BackwardTransitive or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.FullTransitive;
        var differences = new List<SchemaDifference>();
        var bump = VersionBump.None;
        for (var index = transitive ? 0 : latest; index < earlierCount; index++)
        {
            var found = compare(index, out var indexBump);
            if (level == CompatibilityLevel.None)
            {
                found = found.ConvertAll(d => d with { IsCompatible = true });
            }

            differences.AddRange(found);
            if (index == latest)
            {
                bump = indexBump;
            }
        }

        return new CompatibilityResult(differences.TrueForAll(d => d.IsCompatible), differences, bump);
    }
}
