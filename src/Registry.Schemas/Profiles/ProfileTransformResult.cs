using System.Text.Json;

namespace Registry.Schemas.Profiles;

/// <summary>The stable names of the changes the transformer makes (see docs/providers.md).</summary>
public static class TransformChangeNames
{
    /// <summary><c>additionalProperties: false</c> set on an object schema.</summary>
    public const string ObjectClosed = "OBJECT_CLOSED";

    /// <summary>An optional property made required and nullable; a <c>null</c> in the output means "absent".</summary>
    public const string PropertyMadeRequired = "PROPERTY_MADE_REQUIRED";

    /// <summary><c>oneOf</c> rewritten as <c>anyOf</c>.</summary>
    public const string OneOfToAnyOf = "ONE_OF_TO_ANY_OF";

    /// <summary><c>allOf</c> merged into the schema that holds it.</summary>
    public const string AllOfMerged = "ALL_OF_MERGED";

    /// <summary>Keywords beside <c>anyOf</c> copied into each of its branches.</summary>
    public const string UnionSiblingsDistributed = "UNION_SIBLINGS_DISTRIBUTED";

    /// <summary>A constraint removed and described in <c>description</c>.</summary>
    public const string ConstraintMovedToDescription = "CONSTRAINT_MOVED_TO_DESCRIPTION";

    /// <summary>An annotation or unknown keyword removed.</summary>
    public const string KeywordRemoved = "KEYWORD_REMOVED";

    /// <summary>A <c>$ref</c> replaced by a copy of its target.</summary>
    public const string RefInlined = "REF_INLINED";

    /// <summary>A <c>$ref</c> pointed at a definition moved into the root's <c>$defs</c>.</summary>
    public const string RefRewritten = "REF_REWRITTEN";

    /// <summary>A <c>$ref</c> with sibling keywords wrapped in <c>anyOf</c> so that it stands alone.</summary>
    public const string RefWrapped = "REF_WRAPPED";

    /// <summary>A recursive schema unrolled to a fixed depth and cut below it.</summary>
    public const string RecursionUnrolled = "RECURSION_UNROLLED";

    /// <summary>A type array rewritten as one type plus <c>nullable</c>, or as <c>anyOf</c>.</summary>
    public const string TypeArraySplit = "TYPE_ARRAY_SPLIT";

    /// <summary><c>const</c> rewritten as a one-value <c>enum</c>.</summary>
    public const string ConstToEnum = "CONST_TO_ENUM";

    /// <summary>A <c>type</c> added where the schema had none (inferred from its keywords).</summary>
    public const string TypeAdded = "TYPE_ADDED";

    /// <summary>A schema that admitted any value now admits only scalars (strings, numbers, booleans, null).</summary>
    public const string SchemaNarrowed = "SCHEMA_NARROWED";

    /// <summary><c>items</c> added to an array schema that had none.</summary>
    public const string ItemsAdded = "ITEMS_ADDED";

    /// <summary>An integer's exclusive bound rewritten as the equivalent inclusive bound.</summary>
    public const string BoundMadeInclusive = "BOUND_MADE_INCLUSIVE";

    /// <summary>A definition no <c>$ref</c> uses, not carried over.</summary>
    public const string UnusedDefinitionRemoved = "UNUSED_DEFINITION_REMOVED";

    /// <summary>A boolean subschema replaced by an equivalent (or narrower) schema object.</summary>
    public const string BooleanSchemaReplaced = "BOOLEAN_SCHEMA_REPLACED";
}

/// <summary>One change the transformer made.</summary>
/// <param name="Name">Stable name (see <see cref="TransformChangeNames"/>).</param>
/// <param name="Pointer">Where, in the original schema (<c>#/properties/a</c>).</param>
/// <param name="Message">Human-readable explanation.</param>
/// <param name="ConstraintLost">True when the provider will no longer enforce a constraint of the original here: only the original schema, applied to the output afterwards, still does.</param>
/// <param name="Keyword">The keyword concerned, when there is one.</param>
/// <param name="Value">The removed keyword's value as JSON text, for lost constraints.</param>
public sealed record TransformChange(string Name, string Pointer, string Message, bool ConstraintLost, string? Keyword = null, string? Value = null)
{
    /// <summary>The change as one line.</summary>
    public override string ToString() => $"{Name} {Pointer}{(ConstraintLost ? " (not enforced)" : "")}: {Message}";

    /// <summary>Writes the change as a JSON object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("name", Name);
        writer.WriteString("pointer", Pointer);
        writer.WriteString("message", Message);
        writer.WriteBoolean("constraintLost", ConstraintLost);
        if (Keyword is not null)
        {
            writer.WriteString("keyword", Keyword);
        }

        if (Value is not null)
        {
            writer.WriteString("value", Value);
        }

        writer.WriteEndObject();
    }
}

/// <summary>The strict form of a schema for one profile, what changed, and what the provider will no longer enforce.</summary>
public sealed class ProfileTransformResult
{
    internal ProfileTransformResult(Profile profile, LintStatus status, byte[]? schema, IReadOnlyList<TransformChange> changes, ProfileLintResult? inputLint, ProfileLintResult? outputLint, string? error)
    {
        Profile = profile;
        Status = status;
        Schema = schema;
        Changes = changes;
        InputLint = inputLint;
        OutputLint = outputLint;
        Error = error;
    }

    /// <summary>The profile transformed for.</summary>
    public Profile Profile { get; }

    /// <summary>Whether the transform finished.</summary>
    public LintStatus Status { get; }

    /// <summary>The transformed schema as UTF-8 JSON, when <see cref="Status"/> is <see cref="LintStatus.Completed"/>.</summary>
    public byte[]? Schema { get; }

    /// <summary>Every change made, in document order.</summary>
    public IReadOnlyList<TransformChange> Changes { get; }

    /// <summary>The constraints of the original the provider will no longer enforce (changes with <see cref="TransformChange.ConstraintLost"/>).</summary>
    public IReadOnlyList<TransformChange> LostConstraints => Changes.Where(c => c.ConstraintLost).ToArray();

    /// <summary>The original schema's lint against the profile.</summary>
    public ProfileLintResult? InputLint { get; }

    /// <summary>The transformed schema's lint against the profile: what could not be fixed without changing the documents' shape (a non-object root, limits).</summary>
    public ProfileLintResult? OutputLint { get; }

    /// <summary>Why there is no result, for <see cref="LintStatus.InvalidSchema"/> and <see cref="LintStatus.TooComplex"/>.</summary>
    public string? Error { get; }

    /// <summary>True when the transform finished and the provider accepts its output.</summary>
    public bool IsAccepted => Status == LintStatus.Completed && OutputLint is { IsAccepted: true };

    /// <summary>Writes the result as a JSON object: profile, status, schema, changes, lost constraints, and the output's remaining violations.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("profile", Profile.Name);
        writer.WriteString("profileVersion", Profile.Version);
        writer.WriteString("status", Status switch
        {
            LintStatus.Completed => "completed",
            LintStatus.InvalidSchema => "invalid_schema",
            _ => "too_complex",
        });
        writer.WriteBoolean("accepted", IsAccepted);
        if (Error is not null)
        {
            writer.WriteString("error", Error);
        }

        if (Schema is not null)
        {
            writer.WritePropertyName("schema");
            writer.WriteRawValue(Schema, skipInputValidation: true);
        }

        writer.WriteStartArray("changes");
        foreach (var change in Changes)
        {
            change.WriteTo(writer);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("remainingViolations");
        foreach (var violation in OutputLint?.Violations ?? [])
        {
            violation.WriteTo(writer);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}

/// <summary>Options of the transformer.</summary>
public sealed record ProfileTransformOptions
{
    /// <summary>The defaults.</summary>
    public static ProfileTransformOptions Default { get; } = new();

    /// <summary>How many times a recursive definition is unrolled for profiles that cannot express recursion.</summary>
    public int RecursionUnrollDepth { get; init; } = 3;

    /// <summary>Limits on the work (shared with the linter, which the transformer runs on its input and output).</summary>
    public ProfileLintOptions Lint { get; init; } = ProfileLintOptions.Default;

    /// <summary>Longest text added to one schema's description for the constraints moved there.</summary>
    public int MaxDescriptionAddition { get; init; } = 2000;
}
