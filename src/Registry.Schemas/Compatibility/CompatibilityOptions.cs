using Registry.Schemas.Validation;

namespace Registry.Schemas.Compatibility;

/// <summary>How <see cref="CompatibilityChecker"/> reads and compares schemas.</summary>
public sealed record CompatibilityOptions
{
    /// <summary>The defaults: no resolver, the default base URI, a generous comparison limit.</summary>
    public static CompatibilityOptions Default { get; } = new();

    /// <summary>Resolves references to other documents; null resolves only references inside each schema.</summary>
    public ISchemaResolver? Resolver { get; init; }

    /// <summary>
    /// Base URI of a schema that has no <c>$id</c>, against which its relative references resolve; null uses
    /// the registry's (<see cref="ReferenceResolver.BaseUri"/>), so reference names resolve as in the compiler.
    /// </summary>
    public Uri? BaseUri { get; init; }

    /// <summary>
    /// Most schema pairs compared per earlier version and direction: a check that needs more ends with
    /// <see cref="TooComplexException"/> (<see cref="WorkResource.Comparisons"/>), as one that needs more nesting
    /// than 400 levels of comparisons does. Bounds the work a hostile schema can cause.
    /// </summary>
    public int MaxComparisons { get; init; } = 100_000;

    /// <summary>
    /// Size and depth limits of the schemas read, and (<see cref="SchemaLimits.Work"/>) the budget of a check when
    /// the caller passes no <see cref="WorkBudget"/> of its own.
    /// </summary>
    public SchemaLimits Limits { get; init; } = SchemaLimits.Default;

    /// <summary>
    /// The draft of a document without <c>$schema</c> (the schemas compared and the documents they reference), as
    /// <see cref="SchemaCompilerOptions.DefaultDraft"/> is for the compiler: keep both the same so that the checker
    /// reads every schema as the validator does.
    /// </summary>
    public JsonSchemaDraft DefaultDraft { get; init; } = JsonSchemaDraft.Draft202012;

    /// <summary>
    /// Per earlier schema (same order as given to the checker), the draft it is read in when it names no
    /// <c>$schema</c>, when that differs from <see cref="DefaultDraft"/> (which then applies to the new schema only);
    /// null, or a list shorter than the earlier schemas, leaves the rest to <see cref="DefaultDraft"/>. A registry
    /// whose versions were registered under different defaults compares each in the dialect it was registered in.
    /// </summary>
    public IReadOnlyList<JsonSchemaDraft>? EarlierDefaultDrafts { get; init; }

    /// <summary>
    /// When true (the default), parts of the schemas that are the same JSON at the same place are not compared
    /// keyword by keyword. Tests turn it off to exercise the comparison on unchanged schemas.
    /// </summary>
    internal bool SkipUnchangedSubtrees { get; init; } = true;

    /// <summary>When false, the checker compares a pair of subschemas again each time it meets it (tests only).</summary>
    internal bool MemoisePairs { get; init; } = true;
}
