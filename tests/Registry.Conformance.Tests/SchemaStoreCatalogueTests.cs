using System.Text;
using Registry.Schemas.Validation;
using Registry.Testing;

namespace Registry.Conformance.Tests;

/// <summary>
/// The SchemaStore catalogue (<c>SchemaStore/schemastore</c>, Apache-2.0) as a yardstick: each schema of
/// <c>src/schemas/json</c> compiles, each JSON file of <c>src/test/&lt;name&gt;/</c> is valid and each of
/// <c>src/negative_test/&lt;name&gt;/</c> invalid. A small subset is committed (<c>SchemaStore/</c>, with the catalogue's
/// licence notice) and runs everywhere; the whole catalogue runs on demand, from a checkout named by
/// <c>REGISTRY_SCHEMASTORE_DIR</c>, and writes its counts to <c>artifacts/conformance/schemastore.txt</c>. As in the
/// catalogue's own CI, <c>format</c> is asserted and a schema without <c>$schema</c> is read as draft-07.
/// </summary>
public sealed class SchemaStoreCatalogueTests(ITestOutputHelper output)
{
    private static readonly string Vendored = Path.Combine(RepositoryPaths.Root, "tests", "Registry.Conformance.Tests", "SchemaStore");

    [Fact]
    public void The_committed_catalogue_schemas_compile_and_their_test_files_agree()
    {
        var outcome = Run(Vendored);

        output.WriteLine(outcome.Summary);
        Assert.True(outcome.Schemas >= 5, $"only {outcome.Schemas} schemas committed");
        Assert.True(outcome.Positive + outcome.Negative >= 5, "no test files committed");
        Assert.True(outcome.Failures.Count == 0, string.Join(Environment.NewLine, outcome.Failures));
    }

    [Fact]
    public void The_whole_catalogue_runs_when_a_checkout_is_given_and_no_schema_is_refused_for_a_pattern()
    {
        var root = Environment.GetEnvironmentVariable("REGISTRY_SCHEMASTORE_DIR");
        if (string.IsNullOrEmpty(root))
        {
            Assert.Skip("REGISTRY_SCHEMASTORE_DIR is not set (a checkout of SchemaStore/schemastore)");
        }

        var outcome = Run(root);

        output.WriteLine(outcome.Summary);
        var directory = Path.Combine(RepositoryPaths.Root, "artifacts", "conformance");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "schemastore.txt"), outcome.Summary + Environment.NewLine + string.Join(Environment.NewLine, outcome.Failures) + Environment.NewLine);
        Assert.True(outcome.Schemas > 500, $"only {outcome.Schemas} schemas found under {root}");
        var patternFailures = outcome.Failures.Where(f => f.Contains("regular expression", StringComparison.Ordinal) || f.Contains("the pattern '", StringComparison.Ordinal)).ToList();
        Assert.True(patternFailures.Count == 0, string.Join(Environment.NewLine, patternFailures.Take(50)));
    }

    private sealed record Outcome(int Schemas, int Compiled, int Positive, int PositiveAgreed, int Negative, int NegativeAgreed, List<string> Failures)
    {
        public string Summary =>
            $"schemas {Compiled}/{Schemas} compiled; positive tests {PositiveAgreed}/{Positive} valid; negative tests {NegativeAgreed}/{Negative} invalid";
    }

    private static Outcome Run(string root)
    {
        var schemas = Path.Combine(root, "src", "schemas", "json");
        var resolver = new CatalogueResolver(schemas);
        var failures = new List<string>();
        int count = 0, compiled = 0, positive = 0, positiveAgreed = 0, negative = 0, negativeAgreed = 0;
        foreach (var file in Directory.EnumerateFiles(schemas, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            count++;
            var compilation = SchemaCompiler.Compile(
                StripBom(File.ReadAllBytes(file)),
                new SchemaCompilerOptions { Resolver = resolver, BaseUri = new Uri(CatalogueResolver.Prefix + name + ".json"), DefaultDraft = JsonSchemaDraft.Draft7, FormatAssertion = true });
            if (!compilation.Succeeded)
            {
                failures.Add($"{name}: does not compile: {compilation.Errors[0].SchemaLocation} {compilation.Errors[0].Message}");
                continue;
            }

            compiled++;
            foreach (var (folder, valid) in new[] { ("test", true), ("negative_test", false) })
            {
                var tests = Path.Combine(root, "src", folder, name);
                if (!Directory.Exists(tests))
                {
                    continue;
                }

                foreach (var test in Directory.EnumerateFiles(tests, "*.json").Order(StringComparer.Ordinal))
                {
                    var outcome = compilation.Schema!.Evaluate(StripBom(File.ReadAllBytes(test)));
                    var agreed = outcome == (valid ? ValidationOutcome.Valid : ValidationOutcome.Invalid);
                    if (valid)
                    {
                        positive++;
                        positiveAgreed += agreed ? 1 : 0;
                    }
                    else
                    {
                        negative++;
                        negativeAgreed += agreed ? 1 : 0;
                    }

                    if (!agreed)
                    {
                        failures.Add($"{name}: {folder}/{name}/{Path.GetFileName(test)} is {outcome}, expected {(valid ? "valid" : "invalid")}");
                    }
                }
            }
        }

        return new Outcome(count, compiled, positive, positiveAgreed, negative, negativeAgreed, failures);
    }

    private static byte[] StripBom(byte[] bytes) =>
        bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? bytes[3..] : bytes;

    /// <summary>Serves the catalogue's schemas at the addresses they refer to each other by (<c>https://json.schemastore.org/&lt;name&gt;.json</c>).</summary>
    private sealed class CatalogueResolver(string schemas) : ISchemaResolver
    {
        public const string Prefix = "https://json.schemastore.org/";

        public bool TryResolve(Uri documentUri, out ReadOnlyMemory<byte> utf8Schema)
        {
            utf8Schema = default;
            var text = documentUri.OriginalString;
            if (!text.StartsWith(Prefix, StringComparison.Ordinal) && !text.StartsWith("http://json.schemastore.org/", StringComparison.Ordinal))
            {
                return false;
            }

            var name = text[(text.IndexOf(".org/", StringComparison.Ordinal) + 5)..];
            if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
            {
                return false;
            }

            var path = Path.Combine(schemas, name.EndsWith(".json", StringComparison.Ordinal) ? name : name + ".json");
            if (!File.Exists(path))
            {
                return false;
            }

            utf8Schema = StripBom(File.ReadAllBytes(path));
            return true;
        }
    }
}
