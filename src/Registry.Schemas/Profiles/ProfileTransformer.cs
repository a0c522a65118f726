using System.Buffers;
using System.Text.Json;
using Registry.Schemas.Profiles.Lint;
using Registry.Schemas.Profiles.Transform;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Profiles;

/// <summary>
/// Produces the strict form of a schema for a profile: closed objects, every property required with optional ones
/// made nullable (where the profile demands it), <c>oneOf</c> as <c>anyOf</c>, unsupported constraints moved into
/// <c>description</c>, <c>$ref</c>s kept as local definitions or inlined where the profile cannot follow them. The
/// result lists every change and every constraint the provider will no longer enforce; the original schema stays the
/// validator of the model's output (see <see cref="ProfileOutputMapper"/>). Deterministic.
/// </summary>
public static class ProfileTransformer
{
    /// <summary>
    /// Transforms <paramref name="schema"/> (UTF-8 JSON) for <paramref name="profile"/>. Never throws for bad input:
    /// invalid JSON or an unresolvable reference give <see cref="LintStatus.InvalidSchema"/>, an exhausted budget
    /// <see cref="LintStatus.TooComplex"/>. Throws <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public static ProfileTransformResult Transform(
        ReadOnlyMemory<byte> schema,
        Profile profile,
        ISchemaResolver? resolver = null,
        ProfileTransformOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        options ??= ProfileTransformOptions.Default;
        var lintOptions = options.Lint;
        if (schema.Length > lintOptions.MaxSchemaBytes)
        {
            return Failed(profile, LintStatus.InvalidSchema, $"the schema is {schema.Length} bytes, more than the limit of {lintOptions.MaxSchemaBytes}", null);
        }

        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(schema, new JsonDocumentOptions { MaxDepth = lintOptions.MaxDepth });
        }
        catch (JsonException e)
        {
            return Failed(profile, LintStatus.InvalidSchema, $"the schema is not valid JSON ({JsonPosition.Of(e)})", null);
        }

        var budget = new LintBudget(lintOptions.MaxSteps, cancellationToken);
        using var linter = new SchemaLinter(profile, lintOptions, resolver, budget);
        try
        {
            linter.Run(json, schema);
            var inputLint = new ProfileLintResult(profile, LintStatus.Completed, [.. linter.Violations], linter.Statistics, null);
            var unresolvable = linter.Violations.FirstOrDefault(v => v.Name is ViolationNames.RefUnresolvable or ViolationNames.SchemaInvalid);
            if (unresolvable is not null)
            {
                return Failed(profile, LintStatus.InvalidSchema, $"{unresolvable.Pointer}: {unresolvable.Message}", inputLint);
            }

            var cycleThroughRequired = linter.Violations.Where(v => v.Name == ViolationNames.RefCycleThroughRequired).Select(v => v.Pointer).ToHashSet(StringComparer.Ordinal);
            var rewriter = new SchemaRewriter(profile, options, budget, linter, cycleThroughRequired);
            var output = rewriter.Run();
            var buffer = new ArrayBufferWriter<byte>(Math.Max(256, schema.Length));
            using (var writer = new Utf8JsonWriter(buffer))
            {
                if (output is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    output.WriteTo(writer);
                }
            }

            var bytes = buffer.WrittenSpan.ToArray();
            var outputLint = ProfileLinter.Lint(bytes, profile, resolver: null, lintOptions, cancellationToken);
            return new ProfileTransformResult(profile, LintStatus.Completed, bytes, rewriter.Changes, inputLint, outputLint, null);
        }
        catch (StepBudgetExceededException)
        {
            return Failed(profile, LintStatus.TooComplex, $"the schema needs more than {lintOptions.MaxSteps} steps to transform", null);
        }
        catch (InsufficientExecutionStackException)
        {
            return Failed(profile, LintStatus.TooComplex, "the schema nests too deeply to transform", null);
        }
    }

    private static ProfileTransformResult Failed(Profile profile, LintStatus status, string error, ProfileLintResult? inputLint)
        => new(profile, status, null, [], inputLint, null, error);
}
