using Registry.Engine.Validation;

namespace Registry.Engine.Compatibility;

/// <summary>One difference between two schemas, named and located.</summary>
/// <param name="Name">Stable name, e.g. <c>TYPE_NARROWED</c>, <c>REQUIRED_ATTRIBUTE_ADDED</c>.</param>
/// <param name="Location">JSON pointer into the schema, e.g. <c>#/properties/age</c>.</param>
/// <param name="IsCompatible">Whether this difference is compatible under the level and policy checked.</param>
/// <param name="Message">Human-readable explanation.</param>
/// <param name="EarlierVersionIndex">Index, in the list of earlier versions given, of the version this difference is against.</param>
public sealed record SchemaDifference(string Name, string Location, bool IsCompatible, string Message, int EarlierVersionIndex);

/// <summary>Verdict of a compatibility check.</summary>
public sealed class CompatibilityResult
{
    /// <summary>Creates a result.</summary>
    public CompatibilityResult(bool isCompatible, IReadOnlyList<SchemaDifference> differences, VersionBump suggestedBump)
    {
        IsCompatible = isCompatible;
        Differences = differences;
        SuggestedBump = suggestedBump;
    }

    /// <summary>True when no difference is incompatible.</summary>
    public bool IsCompatible { get; }

    /// <summary>Every difference found, compatible or not.</summary>
    public IReadOnlyList<SchemaDifference> Differences { get; }

    /// <summary>Major for an incompatible change, minor for compatible additions, patch for annotation-only changes.</summary>
    public VersionBump SuggestedBump { get; }
}

/// <summary>Decides whether a new schema may follow earlier ones.</summary>
public static class CompatibilityChecker
{
    /// <summary>
    /// Checks <paramref name="newSchema"/> against <paramref name="earlierSchemas"/> (oldest first) at
    /// <paramref name="level"/>: non-transitive levels compare with the last one only. The suggested bump is the
    /// one from the latest earlier schema to the new one. Throws <see cref="ArgumentException"/> when a schema is
    /// not valid JSON.
    /// </summary>
    public static CompatibilityResult Check(
        ReadOnlyMemory<byte> newSchema,
        IReadOnlyList<ReadOnlyMemory<byte>> earlierSchemas,
        CompatibilityLevel level,
        CompatibilityPolicy policy,
        ISchemaResolver? resolver = null)
        => throw new NotImplementedException("The compatibility checker is not built yet.");
}
