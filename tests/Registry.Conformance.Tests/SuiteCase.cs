using System.Text;
using System.Text.Json;
using Registry.Schemas.Validation;
using Registry.Testing;

namespace Registry.Conformance.Tests;

/// <summary>One file of the JSON-Schema-Test-Suite, run as a unit: every group compiled, every test evaluated.</summary>
internal static class SuiteRunner
{
    public static readonly (string Folder, JsonSchemaDraft Draft)[] Drafts =
    [
        ("draft4", JsonSchemaDraft.Draft4),
        ("draft6", JsonSchemaDraft.Draft6),
        ("draft7", JsonSchemaDraft.Draft7),
        ("draft2019-09", JsonSchemaDraft.Draft201909),
        ("draft2020-12", JsonSchemaDraft.Draft202012),
    ];

    public static string TestsRoot => RepositoryPaths.SharedPath("json-schema-test-suite", "tests");

    /// <summary>Relative paths (draft/file.json) of the required files, or of the optional ones.</summary>
    public static IEnumerable<string> Files(bool optional)
    {
        foreach (var (folder, _) in Drafts)
        {
            var root = Path.Combine(TestsRoot, folder);
            foreach (var file in Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var relative = Path.GetRelativePath(TestsRoot, file).Replace('\\', '/');
                if (relative.Contains("/optional/", StringComparison.Ordinal) == optional)
                {
                    yield return relative;
                }
            }
        }
    }

    public sealed record Outcome(int Passed, int Total, List<string> Failures);

    /// <summary>Runs one suite file; a failure names the group and the test.</summary>
    public static Outcome Run(string relative)
    {
        var folder = relative[..relative.IndexOf('/', StringComparison.Ordinal)];
        var draft = Drafts.First(d => d.Folder == folder).Draft;
        var options = new SchemaCompilerOptions
        {
            DefaultDraft = draft,
            Resolver = SuiteRemotes.Instance,
            FormatAssertion = relative.Contains("/optional/format/", StringComparison.Ordinal),
        };
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestsRoot, relative)));
        var failures = new List<string>();
        int passed = 0, total = 0;
        foreach (var group in json.RootElement.EnumerateArray())
        {
            var description = group.GetProperty("description").GetString();
            var schemaBytes = Encoding.UTF8.GetBytes(group.GetProperty("schema").GetRawText());
            var compilation = SchemaCompiler.Compile(schemaBytes, options);
            foreach (var test in group.GetProperty("tests").EnumerateArray())
            {
                total++;
                var name = $"{relative} | {description} | {test.GetProperty("description").GetString()}";
                if (!compilation.Succeeded)
                {
                    failures.Add($"{name}: schema did not compile: {string.Join("; ", compilation.Errors.Select(e => e.SchemaLocation + " " + e.Message))}");
                    continue;
                }

                var data = Encoding.UTF8.GetBytes(test.GetProperty("data").GetRawText());
                var expected = test.GetProperty("valid").GetBoolean();
                var outcome = compilation.Schema!.Evaluate(data);
                var full = compilation.Schema.Validate(data);
                if ((outcome == ValidationOutcome.Valid) != expected)
                {
                    failures.Add($"{name}: expected {(expected ? "valid" : "invalid")}, got {outcome}");
                }
                else if (full.Outcome != outcome || (full.Errors.Count == 0) != (outcome == ValidationOutcome.Valid))
                {
                    failures.Add($"{name}: full mode disagrees ({full.Outcome}, {full.Errors.Count} errors) with pass/fail ({outcome})");
                }
                else
                {
                    passed++;
                }
            }
        }

        return new Outcome(passed, total, failures);
    }
}
