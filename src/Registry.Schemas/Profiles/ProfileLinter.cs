using System.Text.Json;
using Registry.Schemas.Profiles.Lint;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Profiles;

/// <summary>
/// Checks a JSON Schema against a provider profile: every violation with a stable name, a JSON pointer, the limit and
/// the value found, and whether the provider rejects it or ignores it. <c>$ref</c>s are followed (local pointers,
/// <c>$id</c>, <c>$anchor</c>, other documents through an <see cref="ISchemaResolver"/>), cycles included. The work is
/// bounded by <see cref="ProfileLintOptions.MaxSteps"/> and stops when the token is cancelled.
/// </summary>
public static class ProfileLinter
{
    /// <summary>
    /// Lints <paramref name="schema"/> (UTF-8 JSON) against <paramref name="profile"/>. Never throws for bad input:
    /// invalid JSON gives <see cref="LintStatus.InvalidSchema"/>, an exhausted budget <see cref="LintStatus.TooComplex"/>.
    /// Throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public static ProfileLintResult Lint(
        ReadOnlyMemory<byte> schema,
        Profile profile,
        ISchemaResolver? resolver = null,
        ProfileLintOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        options ??= ProfileLintOptions.Default;
        if (schema.Length > options.MaxSchemaBytes)
        {
            return Failed(profile, LintStatus.InvalidSchema, $"the schema is {schema.Length} bytes, more than the limit of {options.MaxSchemaBytes}");
        }

        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(schema, new JsonDocumentOptions { MaxDepth = options.MaxDepth });
        }
        catch (JsonException e)
        {
            return Failed(profile, LintStatus.InvalidSchema, $"the schema is not valid JSON ({JsonPosition.Of(e)})");
        }

        var budget = new LintBudget(options.MaxSteps, cancellationToken);
        using var linter = new SchemaLinter(profile, options, resolver, budget);
        var status = LintStatus.Completed;
        string? error = null;
        try
        {
            linter.Run(json, schema);
        }
        catch (StepBudgetExceededException)
        {
            status = LintStatus.TooComplex;
            error = $"the schema needs more than {options.MaxSteps} steps to check";
        }
        catch (InsufficientExecutionStackException)
        {
            status = LintStatus.TooComplex;
            error = "the schema nests too deeply to check";
        }

        var violations = new List<ProfileViolation>(linter.Violations);
        if (status == LintStatus.Completed && profile.Has(RuleKind.SchemaValid) && options.CheckSchemaValidity)
        {
            AddCompilationErrors(schema.Span, profile, resolver, options, violations);
        }

        return new ProfileLintResult(profile, status, violations, linter.Statistics, error, linter.Dropped);
    }

    /// <summary>Lints <paramref name="schema"/> against every profile in <paramref name="profiles"/>.</summary>
    public static IReadOnlyList<ProfileLintResult> LintAll(
        ReadOnlyMemory<byte> schema,
        IReadOnlyList<Profile> profiles,
        ISchemaResolver? resolver = null,
        ProfileLintOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var results = new ProfileLintResult[profiles.Count];
        for (var i = 0; i < profiles.Count; i++)
        {
            results[i] = Lint(schema, profiles[i], resolver, options, cancellationToken);
        }

        return results;
    }

    private static ProfileLintResult Failed(Profile profile, LintStatus status, string error)
        => new(profile, status, [], new SchemaStatistics(), error);

    /// <summary>For profiles that require a valid JSON Schema (MCP): the compiler's verdict, as violations.</summary>
    private static void AddCompilationErrors(ReadOnlySpan<byte> schema, Profile profile, ISchemaResolver? resolver, ProfileLintOptions options, List<ProfileViolation> violations)
    {
        var rule = profile.Rule(RuleKind.SchemaValid)!;
        var compilation = SchemaCompiler.Compile(schema, new SchemaCompilerOptions { Resolver = resolver, BaseUri = options.BaseUri ?? ReferenceResolver.BaseUri });
        if (compilation.Succeeded)
        {
            return;
        }

        foreach (var error in compilation.Errors.Take(10))
        {
            var pointer = error.SchemaLocation.StartsWith('#') ? error.SchemaLocation : "#" + error.SchemaLocation;
            violations.Add(new ProfileViolation(rule.Violation, pointer, rule.Effect, $"not a valid JSON Schema: {error.Message}", null, null, null, rule.Id, rule.Source));
        }
    }
}
