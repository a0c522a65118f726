using System.Globalization;
using System.Text.Json;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Profiles.Tools;

/// <summary>One tool of a set: its name, description and input schema (UTF-8 JSON).</summary>
/// <param name="Name">The tool (function) name.</param>
/// <param name="Description">What the tool does, for the model.</param>
/// <param name="InputSchema">The JSON Schema of its arguments.</param>
/// <param name="Strict">Whether the tool is sent in strict mode (OpenAI <c>strict</c>, Anthropic <c>strict</c>); the strict profiles check only strict tools.</param>
public sealed record ToolDefinition(string Name, string? Description, ReadOnlyMemory<byte> InputSchema, bool Strict = true);

/// <summary>One tool's result within a tool-set check.</summary>
/// <param name="Index">Its position in the set.</param>
/// <param name="Name">Its name.</param>
/// <param name="Checked">False when the profile does not apply to it (a non-strict tool under a strict profile).</param>
/// <param name="Lint">Its schema's lint (pointers are into that schema); request-wide totals are reported on the set instead.</param>
public sealed record ToolCheck(int Index, string Name, bool Checked, ProfileLintResult Lint);

/// <summary>The totals of a set that per-request limits are stated in.</summary>
public sealed record ToolSetTotals
{
    /// <summary>Tools in the set.</summary>
    public int Tools { get; init; }

    /// <summary>Tools sent in strict mode.</summary>
    public int StrictTools { get; init; }

    /// <summary>Optional properties across the checked tools' schemas.</summary>
    public int OptionalParameters { get; init; }

    /// <summary>Union-typed schemas across the checked tools' schemas.</summary>
    public int UnionParameters { get; init; }

    /// <summary>Object properties across the checked tools' schemas.</summary>
    public int Properties { get; init; }

    /// <summary>Characters of property names, definition names, enum and const values across the checked tools' schemas.</summary>
    public long StringCharacters { get; init; }

    /// <summary>Enum values across the checked tools' schemas.</summary>
    public int EnumValues { get; init; }

    /// <summary>Writes the totals as a JSON object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("tools", Tools);
        writer.WriteNumber("strictTools", StrictTools);
        writer.WriteNumber("optionalParameters", OptionalParameters);
        writer.WriteNumber("unionParameters", UnionParameters);
        writer.WriteNumber("properties", Properties);
        writer.WriteNumber("stringCharacters", StringCharacters);
        writer.WriteNumber("enumValues", EnumValues);
        writer.WriteEndObject();
    }
}

/// <summary>A tool set checked as one request against one profile.</summary>
public sealed class ToolSetReport
{
    internal ToolSetReport(Profile profile, IReadOnlyList<ToolCheck> tools, IReadOnlyList<ProfileViolation> violations, ToolSetTotals totals)
    {
        Profile = profile;
        Tools = tools;
        Violations = violations;
        Totals = totals;
    }

    /// <summary>The profile.</summary>
    public Profile Profile { get; }

    /// <summary>Each tool's own check.</summary>
    public IReadOnlyList<ToolCheck> Tools { get; }

    /// <summary>Violations of the request as a whole (names, duplicates, per-request totals), with pointers such as <c>#/tools/2/name</c>.</summary>
    public IReadOnlyList<ProfileViolation> Violations { get; }

    /// <summary>The request's totals.</summary>
    public ToolSetTotals Totals { get; }

    /// <summary>True when neither the request nor any checked tool would be rejected.</summary>
    public bool IsAccepted => Violations.All(v => v.Effect != ViolationEffect.Rejected) && Tools.All(t => !t.Checked || t.Lint.IsAccepted);

    /// <summary>Writes the report as a JSON object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("profile", Profile.Name);
        writer.WriteString("profileVersion", Profile.Version);
        writer.WriteBoolean("accepted", IsAccepted);
        writer.WriteStartArray("violations");
        foreach (var violation in Violations)
        {
            violation.WriteTo(writer);
        }

        writer.WriteEndArray();
        writer.WritePropertyName("totals");
        Totals.WriteTo(writer);
        writer.WriteStartArray("tools");
        foreach (var tool in Tools)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", tool.Index);
            writer.WriteString("name", tool.Name);
            writer.WriteBoolean("checked", tool.Checked);
            writer.WritePropertyName("lint");
            tool.Lint.WriteTo(writer);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}

/// <summary>
/// Checks a set of tools as one request to a provider: each schema against the profile, the names against the
/// provider's rules and each other, and the per-request totals (Anthropic's strict tools, optional and union-typed
/// parameters; OpenAI's number of tools).
/// </summary>
public static class ToolSetChecker
{
    /// <summary>Checks <paramref name="tools"/> against <paramref name="profile"/>.</summary>
    public static ToolSetReport Check(
        IReadOnlyList<ToolDefinition> tools,
        Profile profile,
        ISchemaResolver? resolver = null,
        ProfileLintOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(profile);
        var checks = new List<ToolCheck>(tools.Count);
        var violations = new List<ProfileViolation>();
        var strictOnly = profile.StrictOnly;
        int strict = 0, optional = 0, unions = 0, properties = 0, enumValues = 0;
        long chars = 0;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < tools.Count; i++)
        {
            var tool = tools[i];
            ArgumentNullException.ThrowIfNull(tool);
            if (tool.Strict)
            {
                strict++;
            }

            var applies = !strictOnly || tool.Strict;
            var lint = ProfileLinter.Lint(tool.InputSchema, profile, resolver, options, cancellationToken);
            if (applies)
            {
                optional += lint.Statistics.OptionalProperties;
                unions += lint.Statistics.UnionSchemas;
                properties += lint.Statistics.Properties;
                chars += lint.Statistics.StringCharacters;
                enumValues += lint.Statistics.EnumValues;
                lint = WithoutRequestTotals(lint, profile);
            }

            checks.Add(new ToolCheck(i, tool.Name, applies, lint));
            var namePointer = $"#/tools/{i.ToString(CultureInfo.InvariantCulture)}/name";
            if (profile.ToolNames is { } names && !names.Accepts(tool.Name))
            {
                violations.Add(new ProfileViolation(ViolationNames.ToolNameInvalid, namePointer, names.Effect,
                    $"the tool name '{Shorten(tool.Name)}' breaks the rule: {names.Describe()}", null, names.Describe(), Shorten(tool.Name), "tool-names", names.Source));
            }

            if (!seen.TryAdd(tool.Name, i) && profile.Rule(RuleKind.ToolNamesUnique) is { } unique)
            {
                violations.Add(new ProfileViolation(unique.Violation, namePointer, unique.Effect,
                    $"the tool name '{Shorten(tool.Name)}' is also used by tool {seen[tool.Name].ToString(CultureInfo.InvariantCulture)}", null, null, Shorten(tool.Name), unique.Id, unique.Source));
            }
        }

        Total(violations, profile.Rule(RuleKind.MaxTools), tools.Count, "the request has {0} tools");
        Total(violations, profile.Rule(RuleKind.MaxStrictTools), strict, "the request has {0} strict tools");
        Total(violations, profile.Rule(RuleKind.RequestOptional), optional, "the strict schemas of the request have {0} optional parameters in total");
        Total(violations, profile.Rule(RuleKind.RequestUnion), unions, "the strict schemas of the request have {0} union-typed parameters in total");
        var totals = new ToolSetTotals
        {
            Tools = tools.Count,
            StrictTools = strict,
            OptionalParameters = optional,
            UnionParameters = unions,
            Properties = properties,
            StringCharacters = chars,
            EnumValues = enumValues,
        };
        return new ToolSetReport(profile, checks, violations, totals);
    }

    /// <summary>The per-schema counts of limits stated per request are reported once, on the set.</summary>
    private static ProfileLintResult WithoutRequestTotals(ProfileLintResult lint, Profile profile)
    {
        var requestWide = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kind in (ReadOnlySpan<RuleKind>)[RuleKind.MaxOptional, RuleKind.MaxUnion])
        {
            if (profile.Rule(kind) is { } rule && profile.Has(kind == RuleKind.MaxOptional ? RuleKind.RequestOptional : RuleKind.RequestUnion))
            {
                requestWide.Add(rule.Id);
            }
        }

        if (requestWide.Count == 0 || !lint.Violations.Any(v => requestWide.Contains(v.Rule)))
        {
            return lint;
        }

        return new ProfileLintResult(lint.Profile, lint.Status, lint.Violations.Where(v => !requestWide.Contains(v.Rule)).ToArray(), lint.Statistics, lint.Error);
    }

    private static void Total(List<ProfileViolation> violations, ProfileRule? rule, long actual, string format)
    {
        if (rule is { Limit: { } limit } && actual > limit)
        {
            violations.Add(new ProfileViolation(rule.Violation, "#/tools", rule.Effect,
                string.Format(CultureInfo.InvariantCulture, format, actual) + string.Format(CultureInfo.InvariantCulture, "; the limit is {0}", limit),
                null, limit.ToString(CultureInfo.InvariantCulture), actual.ToString(CultureInfo.InvariantCulture), rule.Id, rule.Source));
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
