using System.Text.Json;

namespace Registry.Schemas.Profiles;

/// <summary>One way a schema breaks a provider profile.</summary>
/// <param name="Name">Stable name, e.g. <c>ADDITIONAL_PROPERTIES_NOT_FALSE</c> (see <see cref="ViolationNames"/>).</param>
/// <param name="Pointer">JSON pointer of the offending part, e.g. <c>#/properties/age</c> (<c>uri#/...</c> in a referenced document; <c>#/tools/2</c> for a tool-set rule).</param>
/// <param name="Effect">Whether the provider rejects it, ignores it, or it is advisory.</param>
/// <param name="Message">Human-readable explanation.</param>
/// <param name="Keyword">The keyword concerned, when there is one.</param>
/// <param name="Limit">The profile's limit or allowed values, when the rule has one.</param>
/// <param name="Actual">The value found, when the rule has a limit.</param>
/// <param name="Rule">The profile rule that was broken (its <see cref="ProfileRule.Id"/>, or <c>keyword:</c> + keyword for keyword support).</param>
/// <param name="Source">Where the rule comes from.</param>
public sealed record ProfileViolation(
    string Name,
    string Pointer,
    ViolationEffect Effect,
    string Message,
    string? Keyword,
    string? Limit,
    string? Actual,
    string Rule,
    ProfileSource Source)
{
    /// <summary>The violation as one line: <c>NESTING_TOO_DEEP #/properties/a (rejected): ...</c>.</summary>
    public override string ToString() => $"{Name} {Pointer} ({EffectName(Effect)}): {Message}";

    /// <summary>The effect as written in JSON and messages: <c>rejected</c>, <c>ignored</c>, <c>advisory</c>.</summary>
    public static string EffectName(ViolationEffect effect) => effect switch
    {
        ViolationEffect.Rejected => "rejected",
        ViolationEffect.Ignored => "ignored",
        _ => "advisory",
    };

    /// <summary>Writes the violation as a JSON object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("name", Name);
        writer.WriteString("pointer", Pointer);
        writer.WriteString("effect", EffectName(Effect));
        writer.WriteString("message", Message);
        if (Keyword is not null)
        {
            writer.WriteString("keyword", Keyword);
        }

        if (Limit is not null)
        {
            writer.WriteString("limit", Limit);
        }

        if (Actual is not null)
        {
            writer.WriteString("actual", Actual);
        }

        writer.WriteString("rule", Rule);
        WriteSource(writer, Source);
        writer.WriteEndObject();
    }

    internal static void WriteSource(Utf8JsonWriter writer, ProfileSource source)
    {
        writer.WriteStartObject("source");
        writer.WriteString("document", source.Document);
        writer.WriteString("url", source.Url);
        writer.WriteString("date", source.Date);
        writer.WriteBoolean("userReport", source.Kind == SourceKind.UserReport);
        writer.WriteEndObject();
    }
}

/// <summary>Counts over a schema that provider limits are stated in (each definition counted once).</summary>
public sealed record SchemaStatistics
{
    /// <summary>Entries of every <c>properties</c>.</summary>
    public int Properties { get; init; }

    /// <summary>Properties not listed in their object's <c>required</c>.</summary>
    public int OptionalProperties { get; init; }

    /// <summary>Schemas using <c>anyOf</c>/<c>oneOf</c> or a <c>type</c> array of two or more types.</summary>
    public int UnionSchemas { get; init; }

    /// <summary>Values of every <c>enum</c>.</summary>
    public int EnumValues { get; init; }

    /// <summary>Characters of property names, definition names, enum values and const values.</summary>
    public long StringCharacters { get; init; }

    /// <summary>Deepest object nesting (the root object is level 1; <c>$ref</c>s are followed, cycles counted once).</summary>
    public int NestingDepth { get; init; }

    /// <summary>Sum of every <c>maxItems</c>.</summary>
    public long MaxItemsSum { get; init; }

    /// <summary>Subschemas visited.</summary>
    public int Schemas { get; init; }

    /// <summary>True when a <c>$ref</c> cycle makes the schema recursive.</summary>
    public bool Recursive { get; init; }

    /// <summary>Writes the statistics as a JSON object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("properties", Properties);
        writer.WriteNumber("optionalProperties", OptionalProperties);
        writer.WriteNumber("unionSchemas", UnionSchemas);
        writer.WriteNumber("enumValues", EnumValues);
        writer.WriteNumber("stringCharacters", StringCharacters);
        writer.WriteNumber("nestingDepth", NestingDepth);
        writer.WriteNumber("maxItemsSum", MaxItemsSum);
        writer.WriteNumber("schemas", Schemas);
        writer.WriteBoolean("recursive", Recursive);
        writer.WriteEndObject();
    }
}

/// <summary>Whether the linter finished.</summary>
public enum LintStatus
{
    /// <summary>The whole schema was checked.</summary>
    Completed,

    /// <summary>The input is not JSON, or not a schema at all; <see cref="ProfileLintResult.Error"/> says why.</summary>
    InvalidSchema,

    /// <summary>The step budget ran out (a hostile or enormous schema); the violations found so far are kept.</summary>
    TooComplex,
}

/// <summary>The result of linting one schema against one profile.</summary>
public sealed class ProfileLintResult
{
    internal ProfileLintResult(Profile profile, LintStatus status, IReadOnlyList<ProfileViolation> violations, SchemaStatistics statistics, string? error, int violationsDropped = 0)
    {
        Profile = profile;
        Status = status;
        Violations = violations;
        Statistics = statistics;
        Error = error;
        ViolationsDropped = violationsDropped;
    }

    /// <summary>The profile checked against.</summary>
    public Profile Profile { get; }

    /// <summary>Whether the check finished.</summary>
    public LintStatus Status { get; }

    /// <summary>Every violation found, in document order, then those found over the whole schema.</summary>
    public IReadOnlyList<ProfileViolation> Violations { get; }

    /// <summary>The counts the provider's limits are stated in.</summary>
    public SchemaStatistics Statistics { get; }

    /// <summary>Why the schema could not be checked, for <see cref="LintStatus.InvalidSchema"/> and <see cref="LintStatus.TooComplex"/>.</summary>
    public string? Error { get; }

    /// <summary>Violations found beyond <see cref="ProfileLintOptions.MaxViolations"/> and not listed.</summary>
    public int ViolationsDropped { get; }

    /// <summary>True when the check finished and the provider would not reject the schema (ignored and advisory violations allowed).</summary>
    public bool IsAccepted => Status == LintStatus.Completed && !Violations.Any(v => v.Effect == ViolationEffect.Rejected);

    /// <summary>True when the check finished without any violation.</summary>
    public bool IsClean => Status == LintStatus.Completed && Violations.Count == 0;

    /// <summary>Writes the result as a JSON object: profile, version, status, accepted, violations, statistics.</summary>
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

        writer.WriteStartArray("violations");
        foreach (var violation in Violations)
        {
            violation.WriteTo(writer);
        }

        writer.WriteEndArray();
        writer.WriteNumber("violationsDropped", ViolationsDropped);
        writer.WritePropertyName("statistics");
        Statistics.WriteTo(writer);
        writer.WriteEndObject();
    }
}

/// <summary>Limits on the linter's work, which protect the process from hostile schemas.</summary>
public sealed record ProfileLintOptions
{
    /// <summary>The defaults.</summary>
    public static ProfileLintOptions Default { get; } = new();

    /// <summary>Work steps (subschemas, keywords, references, graph edges) before the check stops with <see cref="LintStatus.TooComplex"/>.</summary>
    public int MaxSteps { get; init; } = 2_000_000;

    /// <summary>Largest schema document, in bytes.</summary>
    public int MaxSchemaBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Deepest JSON nesting of a schema document.</summary>
    public int MaxDepth { get; init; } = 256;

    /// <summary>Most documents a schema may pull in through <c>$ref</c>.</summary>
    public int MaxDocuments { get; init; } = 64;

    /// <summary>Most violations kept; further ones are counted but not listed.</summary>
    public int MaxViolations { get; init; } = 1000;

    /// <summary>
    /// For profiles that require a valid JSON Schema (<c>mcp-tool</c>): compile the schema to check it. Callers that
    /// have compiled it already (the registry does at registration) may turn this off; it is most of the cost of such a lint.
    /// </summary>
    public bool CheckSchemaValidity { get; init; } = true;

    /// <summary>Retrieval URI of the root schema when it has no <c>$id</c>; <see cref="ReferenceResolver.BaseUri"/> by default.</summary>
    public Uri? BaseUri { get; init; }
}
