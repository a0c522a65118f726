using System.Text;
using System.Text.Json.Nodes;
using Registry.Schemas.Compatibility;
using Registry.Testing;

namespace Registry.Schemas.Tests.Compatibility;

/// <summary>
/// Every schema of the JSON-Schema-Test-Suite (all drafts) and of the validation corpus loads, and is compatible
/// with itself at FULL_TRANSITIVE when compared keyword by keyword (unchanged parts are not skipped), with no
/// difference reported: the checker's own reading of each keyword and reference is consistent.
/// </summary>
public sealed class CompatibilitySuiteTests
{
    private static readonly CompatibilityOptions ComparedInFull = new() { Resolver = SharedSchemas.Instance, SkipUnchangedSubtrees = false };

    public static TheoryData<string> Drafts() => new("draft4", "draft6", "draft7", "draft2019-09", "draft2020-12");

    [Theory]
    [MemberData(nameof(Drafts))]
    public void Every_suite_schema_is_compatible_with_itself_compared_in_full(string draft)
    {
        var dialect = draft switch
        {
            "draft4" => "http://json-schema.org/draft-04/schema#",
            "draft6" => "http://json-schema.org/draft-06/schema#",
            "draft7" => "http://json-schema.org/draft-07/schema#",
            "draft2019-09" => "https://json-schema.org/draft/2019-09/schema",
            _ => "https://json-schema.org/draft/2020-12/schema",
        };
        var failures = new List<string>();
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.SharedPath("json-schema-test-suite", "tests", draft), "*.json", SearchOption.AllDirectories))
        {
            foreach (var group in JsonNode.Parse(File.ReadAllText(file))!.AsArray())
            {
                var schema = group!["schema"]!.DeepClone();
                if (schema is JsonObject obj && !obj.ContainsKey("$schema"))
                {
                    obj["$schema"] = dialect;
                }

                var bytes = Encoding.UTF8.GetBytes(schema.ToJsonString());
                count++;
                try
                {
                    var result = CompatibilityChecker.Check(bytes, [bytes], CompatibilityLevel.FullTransitive, CompatibilityPolicy.Strict,
                        ComparedInFull with { DefaultDraft = Draft(draft) });
                    if (!result.IsCompatible || result.Differences.Count > 0)
                    {
                        failures.Add($"{Path.GetFileName(file)} / {group["description"]}: {string.Join("; ", result.Messages)}");
                    }
                }
                catch (InvalidSchemaException e)
                {
                    failures.Add($"{Path.GetFileName(file)} / {group["description"]}: {e.Message}");
                }
            }
        }

        Assert.True(count > 50, $"only {count} schemas found");
        Assert.True(failures.Count == 0, $"{failures.Count} of {count}:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
    }

    // Documents without $schema (the suite's remotes) are read in the suite's draft, as the conformance tests compile them.
    private static Registry.Schemas.Validation.JsonSchemaDraft Draft(string draft) => draft switch
    {
        "draft4" => Registry.Schemas.Validation.JsonSchemaDraft.Draft4,
        "draft6" => Registry.Schemas.Validation.JsonSchemaDraft.Draft6,
        "draft7" => Registry.Schemas.Validation.JsonSchemaDraft.Draft7,
        "draft2019-09" => Registry.Schemas.Validation.JsonSchemaDraft.Draft201909,
        _ => Registry.Schemas.Validation.JsonSchemaDraft.Draft202012,
    };

    public static TheoryData<string> CorpusSchemas()
    {
        var data = new TheoryData<string>();
        foreach (var folder in Directory.EnumerateDirectories(RepositoryPaths.SharedPath("validation-corpus")))
        {
            data.Add(Path.GetFileName(folder));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusSchemas))]
    public void Every_corpus_schema_is_compatible_with_itself_compared_in_full(string name)
    {
        var bytes = File.ReadAllBytes(RepositoryPaths.SharedPath("validation-corpus", name, "schema.json"));

        var result = CompatibilityChecker.Check(bytes, [bytes], CompatibilityLevel.Full, CompatibilityPolicy.Strict, ComparedInFull);

        Assert.True(result.IsCompatible && result.Differences.Count == 0, string.Join(Environment.NewLine, result.Messages));
    }
}
