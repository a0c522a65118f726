using System.Text;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Artifacts;

/// <summary>
/// Compatibility of <c>PROMPT</c> versions, whatever the subject's level direction: a new version must accept every
/// variables object the old one accepted (BACKWARD on the variables schema, by the schema library's checker, with a
/// proving variables object when one is found); template, model settings and description changes are patches; a
/// changed output reference is reported (<see cref="OutputChanged"/>, compatible here: whether the new output schema may
/// follow the old is decided by the output subject's own rules, which the caller applies). The subject's level still
/// says whether to enforce (NONE: nothing is incompatible) and how far back (transitive levels: every earlier version).
/// </summary>
public static class PromptCompatibility
{
    /// <summary>A variables object the earlier version accepted is refused by the new one; the message shows it.</summary>
    public const string VariablesRefused = "PROMPT_VARIABLES_REFUSED";

    /// <summary>The template text changed (a patch: the variables schema says what callers must send).</summary>
    public const string TemplateChanged = "PROMPT_TEMPLATE_CHANGED";

    /// <summary>The model settings changed (a patch).</summary>
    public const string ModelChanged = "PROMPT_MODEL_CHANGED";

    /// <summary>The description changed (a patch).</summary>
    public const string DescriptionChanged = "PROMPT_DESCRIPTION_CHANGED";

    /// <summary>The output reference (subject, version or alias) was added, removed or changed.</summary>
    public const string OutputChanged = "PROMPT_OUTPUT_CHANGED";

    /// <summary>Checks <paramref name="newer"/> against <paramref name="earlier"/> (oldest first), charged to <paramref name="budget"/> when given.</summary>
    public static CompatibilityResult Check(
        PromptArtifact newer,
        IReadOnlyList<PromptArtifact> earlier,
        CompatibilityLevel level,
        CompatibilityPolicy policy,
        ISchemaResolver? resolver = null,
        WorkBudget? budget = null)
    {
        ArgumentNullException.ThrowIfNull(newer);
        ArgumentNullException.ThrowIfNull(earlier);
        budget ??= new WorkBudget();
        return ArtifactCompatibility.Across(earlier.Count, level, (int index, out VersionBump bump) => Compare(earlier[index], newer, index, policy, resolver, budget, out bump));
    }

    /// <summary>
    /// A variables object (UTF-8 JSON) that <paramref name="earlier"/>'s schema accepts and <paramref name="newer"/>'s
    /// refuses, or null when none is found (which proves nothing: the search tries a bounded set of candidates).
    /// </summary>
    public static byte[]? ProveBreak(PromptArtifact earlier, PromptArtifact newer, WorkBudget? budget = null)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(newer);
        return PromptBreakProof.Find(earlier, newer, budget ?? new WorkBudget());
    }

    private static List<SchemaDifference> Compare(
        PromptArtifact old, PromptArtifact newer, int index, CompatibilityPolicy policy, ISchemaResolver? resolver, WorkBudget budget, out VersionBump bump)
    {
        var found = new List<SchemaDifference>();
        if (!string.Equals(old.Template.Text, newer.Template.Text, StringComparison.Ordinal))
        {
            found.Add(new SchemaDifference(TemplateChanged, "#/template", true, "the template changed", index));
        }

        if (!SameBytes(old.Model, newer.Model))
        {
            found.Add(new SchemaDifference(ModelChanged, "#/model", true, "the model settings changed", index));
        }

        if (!string.Equals(old.Description, newer.Description, StringComparison.Ordinal))
        {
            found.Add(new SchemaDifference(DescriptionChanged, "#/description", true, "the description changed", index));
        }

        bump = found.Count > 0 ? VersionBump.Patch : VersionBump.None;
        if (old.Output != newer.Output)
        {
            found.Add(new SchemaDifference(OutputChanged, "#/output", true,
                $"the output reference changed from {Describe(old.Output)} to {Describe(newer.Output)}: the output subject's rules decide whether answers stay readable", index));
            bump = Max(bump, VersionBump.Minor);
        }

        // Every variables object the old version accepted is accepted by the new one.
        var options = resolver is null ? CompatibilityOptions.Default : new CompatibilityOptions { Resolver = resolver };
        var variables = CompatibilityChecker.Check(newer.Variables, [old.Variables], CompatibilityLevel.Backward, policy, options, budget);
        foreach (var difference in variables.Differences)
        {
            found.Add(difference with { Location = "#/variables" + difference.Location.TrimStart('#'), EarlierVersionIndex = index });
        }

        bump = Max(bump, variables.SuggestedBump);

        // The proof is a fact found by validation, so it stands even where the checker saw no break.
        if (PromptBreakProof.Find(old, newer, budget) is { } proof)
        {
            found.Add(new SchemaDifference(VariablesRefused, "#/variables", false,
                $"the variables {Encoding.UTF8.GetString(proof)} were accepted by the earlier version and are refused by this one", index)
            {
                Remedy = "accept what the earlier version accepted: make new variables optional, keep types as wide as they were",
            });
        }

        if (!found.TrueForAll(d => d.IsCompatible))
        {
            bump = VersionBump.Major;
        }

        return found;
    }

    private static string Describe(PromptOutputReference? output) => output switch
    {
        null => "none",
        { Version: { } version } => $"'{output.Subject}' version {version}",
        { Alias: { } alias } => $"'{output.Subject}' @{alias}",
        _ => $"'{output.Subject}' (latest)",
    };

    private static VersionBump Max(VersionBump a, VersionBump b) => (VersionBump)Math.Max((int)a, (int)b);

    private static bool SameBytes(ReadOnlyMemory<byte>? a, ReadOnlyMemory<byte>? b) =>
        a is null ? b is null : b is not null && a.Value.Span.SequenceEqual(b.Value.Span);
}
