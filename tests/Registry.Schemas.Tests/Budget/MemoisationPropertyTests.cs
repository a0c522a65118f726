using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Tests.Compatibility;
using Registry.Schemas.Validation;
using Registry.Schemas.Validation.Evaluation;
using Registry.Testing;

namespace Registry.Schemas.Tests.Budget;

/// <summary>
/// Memoisation changes how much work is done, never the answer: for generated schemas whose definitions are shared
/// (applied to the same value along several paths, and to nested values), memoised and plain evaluation give the
/// same verdicts and the same errors, and the checker gives the same verdict and differences with and without
/// reusing compared pairs. The whole official test suite passes with memoisation forced on.
/// </summary>
public sealed class MemoisationPropertyTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(300);

    /// <summary>
    /// A schema applying definition <c>d</c> along several paths at one value (allOf twice, anyOf, not, if) and to
    /// nested values (items, properties, patternProperties), with a second definition referring to the first.
    /// </summary>
    internal static string Shared(string definition) => $$"""
        {
          "$defs": { "d": {{definition}}, "e": { "anyOf": [ { "$ref": "#/$defs/d" }, { "type": "array", "items": { "$ref": "#/$defs/d" } } ] } },
          "anyOf": [
            { "allOf": [ { "$ref": "#/$defs/d" }, { "$ref": "#/$defs/d" }, { "$ref": "#/$defs/e" } ] },
            { "type": "array", "items": { "$ref": "#/$defs/e" }, "contains": { "$ref": "#/$defs/d" } },
            { "type": "object", "properties": { "a": { "$ref": "#/$defs/e" } }, "patternProperties": { "^a": { "$ref": "#/$defs/d" } } },
            { "if": { "$ref": "#/$defs/d" }, "then": { "not": { "$ref": "#/$defs/e" } }, "else": { "type": "string" } }
          ]
        }
        """;

    /// <summary>Documents for <see cref="Shared"/>: samples of the definition, alone, in arrays and under "a".</summary>
    private static IEnumerable<string> Documents(string definition, int seed)
    {
        var samples = InstanceSampler.Samples(definition, seed, 12).ToList();
        foreach (var sample in samples)
        {
            yield return sample;
            yield return $"[{sample}, {sample}]";
            yield return $$"""{"a": {{sample}}, "ab": [{{sample}}]}""";
        }

        yield return "[" + string.Join(",", samples) + "]";
    }

    [Fact]
    public void Memoised_and_plain_validation_give_the_same_verdicts_and_errors_on_shared_definitions()
    {
        Check.One(Quick, Prop.ForAll(SchemaGenerator.Schemas(), definition =>
        {
            var text = Shared(definition);
            var memoised = Compile(text);
            var plain = Compile(text);
            Assert.True(memoised.CanMemoise, "the shared definitions must be memoisable");
            memoised.Memo = MemoPolicy.Always;
            plain.Memo = MemoPolicy.Never;
            foreach (var document in Documents(definition, definition.Length))
            {
                var bytes = Encoding.UTF8.GetBytes(document);
                Assert.True(plain.Evaluate(bytes) == memoised.Evaluate(bytes), $"{document} against {text}");
                var expected = plain.Validate(bytes);
                var actual = memoised.Validate(bytes);
                Assert.Equal(expected.Outcome, actual.Outcome);
                Assert.Equal(expected.Errors, actual.Errors);
            }
        }));
    }

    [Fact]
    public void Memoised_and_plain_comparison_give_the_same_verdicts_and_differences_on_shared_definitions()
    {
        var plain = new CompatibilityOptions { MemoisePairs = false, SkipUnchangedSubtrees = false };
        var memoised = new CompatibilityOptions { SkipUnchangedSubtrees = false };
        Check.One(Quick, Prop.ForAll(SchemaGenerator.Pairs(), pair =>
        {
            var old = Shared(pair.Old);
            var @new = Shared(pair.New);
            foreach (var level in (CompatibilityLevel[])[CompatibilityLevel.Backward, CompatibilityLevel.Forward])
            {
                CompatibilityResult expected;
                try
                {
                    expected = Compat.Check(old, @new, level, options: plain);
                }
                catch (TooComplexException)
                {
                    // Without memoisation some generated pairs (nested alternatives over shared definitions) exceed the
                    // comparison budget, which the memoised comparison stays within: there is no plain verdict to hold
                    // the memoised one to.
                    continue;
                }

                var actual = Compat.Check(old, @new, level, options: memoised);
                Assert.True(expected.IsCompatible == actual.IsCompatible, $"{level}: {pair}{Environment.NewLine}{Compat.Describe(expected)}{Environment.NewLine}{Compat.Describe(actual)}");
                Assert.Equal(Keys(expected), Keys(actual));
            }
        }));
    }

    private static List<(string, string, bool)> Keys(CompatibilityResult result)
        => [.. result.Differences.Select(d => (d.Name, d.Location, d.IsCompatible)).Order()];

    public static TheoryData<string> Drafts() => new("draft4", "draft6", "draft7", "draft2019-09", "draft2020-12");

    [Theory]
    [MemberData(nameof(Drafts))]
    public void The_official_suite_passes_with_memoisation_forced_on(string draft)
    {
        var options = new SchemaCompilerOptions
        {
            Resolver = SharedSchemas.Instance,
            DefaultDraft = draft switch
            {
                "draft4" => JsonSchemaDraft.Draft4,
                "draft6" => JsonSchemaDraft.Draft6,
                "draft7" => JsonSchemaDraft.Draft7,
                "draft2019-09" => JsonSchemaDraft.Draft201909,
                _ => JsonSchemaDraft.Draft202012,
            },
        };
        var failures = new List<string>();
        var memoisable = 0;
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.SharedPath("json-schema-test-suite", "tests", draft), "*.json"))
        {
            foreach (var group in JsonNode.Parse(File.ReadAllText(file))!.AsArray())
            {
                var compilation = SchemaCompiler.Compile(Encoding.UTF8.GetBytes(group!["schema"]?.ToJsonString() ?? "null"), options);
                if (compilation.Schema is not { } schema)
                {
                    continue; // the conformance tests cover compilation
                }

                memoisable += schema.CanMemoise ? 1 : 0;
                schema.Memo = MemoPolicy.Always;
                foreach (var test in group["tests"]!.AsArray())
                {
                    var document = Encoding.UTF8.GetBytes(test!["data"]?.ToJsonString() ?? "null");
                    var expected = test["valid"]!.GetValue<bool>();
                    if ((schema.Evaluate(document) == ValidationOutcome.Valid) != expected
                        || schema.Validate(document).IsValid != expected)
                    {
                        failures.Add($"{Path.GetFileName(file)} / {group["description"]} / {test["description"]}");
                    }
                }
            }
        }

        Assert.True(memoisable > 5, $"only {memoisable} suite schemas have shared subschemas");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private static CompiledSchema Compile(string schema)
    {
        var compilation = SchemaCompiler.Compile(Encoding.UTF8.GetBytes(schema));
        Assert.True(compilation.Succeeded, $"{schema}: {string.Join("; ", compilation.Errors)}");
        return compilation.Schema!;
    }
}
