using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Artifacts;

/// <summary>
/// Compatibility of <c>TOOL</c> versions. The rules are the tool's, whatever the subject's level direction: arguments
/// valid for the old version stay valid (BACKWARD on <c>inputSchema</c>), results of the new version stay readable by
/// callers written for the old (FORWARD on <c>outputSchema</c>; removing it is breaking, adding it is not), a rename
/// is breaking, and description, title or annotation changes are patches. The subject's level still says whether to
/// enforce (NONE: nothing is incompatible) and how far back (transitive levels: every earlier version).
/// </summary>
public static class ToolCompatibility
{
    /// <summary>The tool's name changed: every caller's tool call names the old one.</summary>
    public const string Renamed = "TOOL_RENAMED";

    /// <summary>The description changed (a patch).</summary>
    public const string DescriptionChanged = "TOOL_DESCRIPTION_CHANGED";

    /// <summary>The title or annotations changed (a patch).</summary>
    public const string AnnotationsChanged = "TOOL_ANNOTATIONS_CHANGED";

    /// <summary>An output schema was added (callers had none to rely on).</summary>
    public const string OutputSchemaAdded = "TOOL_OUTPUT_SCHEMA_ADDED";

    /// <summary>The output schema was removed: callers' readers lose the guarantee they were written for.</summary>
    public const string OutputSchemaRemoved = "TOOL_OUTPUT_SCHEMA_REMOVED";

    /// <summary>Checks <paramref name="newer"/> against <paramref name="earlier"/> (oldest first).</summary>
    public static CompatibilityResult Check(
        ToolArtifact newer, IReadOnlyList<ToolArtifact> earlier, CompatibilityLevel level, CompatibilityPolicy policy, ISchemaResolver? resolver = null)
    {
        ArgumentNullException.ThrowIfNull(newer);
        ArgumentNullException.ThrowIfNull(earlier);
        return ArtifactCompatibility.Across(earlier.Count, level, (int index, out VersionBump bump) => Compare(earlier[index], newer, index, policy, resolver, out bump));
    }

    private static List<SchemaDifference> Compare(ToolArtifact old, ToolArtifact newer, int index, CompatibilityPolicy policy, ISchemaResolver? resolver, out VersionBump bump)
    {
        var found = new List<SchemaDifference>();
        bump = VersionBump.None;
        if (!string.Equals(old.Name, newer.Name, StringComparison.Ordinal))
        {
            found.Add(new SchemaDifference(Renamed, "#/name", false, $"the tool was renamed from '{old.Name}' to '{newer.Name}': callers call it by the old name", index)
            {
                Remedy = "keep the name, or register the renamed tool under a new subject",
            });
        }

        if (!string.Equals(old.Description, newer.Description, StringComparison.Ordinal))
        {
            found.Add(new SchemaDifference(DescriptionChanged, "#/description", true, "the description changed", index));
        }

        if (!string.Equals(old.Title, newer.Title, StringComparison.Ordinal) || !SameBytes(old.Annotations, newer.Annotations))
        {
            found.Add(new SchemaDifference(AnnotationsChanged, "#/annotations", true, "the title or annotations changed", index));
        }

        bump = found.Count > 0 ? VersionBump.Patch : VersionBump.None;

        // Arguments valid for the old version stay valid: the new input schema reads what the old one accepted.
        var input = CompatibilityChecker.Check(newer.InputSchema, [old.InputSchema], CompatibilityLevel.Backward, policy, resolver);
        Add(found, input, "#/inputSchema", index);
        bump = Max(bump, input.SuggestedBump);

        if (old.OutputSchema is { } oldOutput)
        {
            if (newer.OutputSchema is { } newOutput)
            {
                // Results of the new version stay readable by callers written against the old schema.
                var output = CompatibilityChecker.Check(newOutput, [oldOutput], CompatibilityLevel.Forward, policy, resolver);
                Add(found, output, "#/outputSchema", index);
                bump = Max(bump, output.SuggestedBump);
            }
            else
            {
                found.Add(new SchemaDifference(OutputSchemaRemoved, "#/outputSchema", false, "the output schema was removed: callers can no longer rely on the result's shape", index)
                {
                    Remedy = "keep the output schema (widen it only in ways the old one still accepts)",
                });
            }
        }
        else if (newer.OutputSchema is not null)
        {
            found.Add(new SchemaDifference(OutputSchemaAdded, "#/outputSchema", true, "an output schema was added", index));
            bump = Max(bump, VersionBump.Minor);
        }

        if (!found.TrueForAll(d => d.IsCompatible))
        {
            bump = VersionBump.Major;
        }

        return found;
    }

    private static void Add(List<SchemaDifference> found, CompatibilityResult result, string prefix, int index)
    {
        foreach (var difference in result.Differences)
        {
            var located = difference with { Location = prefix + difference.Location.TrimStart('#'), EarlierVersionIndex = index };
            found.Add(prefix == "#/outputSchema" && IsOutputWidening(difference) ? located with { Remedy = OutputWideningRemedy } : located);
        }
    }

    // A tool's output is always checked FORWARD whatever the subject's level, so the JSON remedy's advice to check
    // another direction does not apply: say what does.
    private const string OutputWideningRemedy =
        "callers written for the earlier output schema would reject results this change allows: keep the earlier constraint, or register the changed tool under a new subject";

    private static bool IsOutputWidening(SchemaDifference difference) =>
        !difference.IsCompatible
        && (difference.Remedy == DifferenceRemedies.Widening || difference.Name == DifferenceNames.PropertyAddedToClosedContentModel);

    private static VersionBump Max(VersionBump a, VersionBump b) => (VersionBump)Math.Max((int)a, (int)b);

    private static bool SameBytes(ReadOnlyMemory<byte>? a, ReadOnlyMemory<byte>? b) =>
        a is null ? b is null : b is not null && a.Value.Span.SequenceEqual(b.Value.Span);
}
