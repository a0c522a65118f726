using System.Text;
using System.Text.Json;
using Registry.Schemas.Validation;
using Registry.Schemas.Validation.Keywords;
using Registry.Testing;

namespace Registry.Schemas.Tests.Validation.Patterns;

/// <summary>
/// The SchemaStore catalogue as a yardstick for patterns: <c>schemastore-patterns.json</c> holds every distinct regular
/// expression of the catalogue's schemas with node's verdict and its matches on fixed probe strings (written by
/// <c>tests/js/schemastore/extract-patterns.js</c>), and the registry must accept exactly what JavaScript accepts, in the
/// same grammar, and match the same probes.
/// </summary>
public sealed class SchemaStorePatternTests(ITestOutputHelper output)
{
    private static readonly Lazy<Catalogue> Data = new(Load);

    private sealed record CataloguePattern(string Pattern, string File, string Mode, string? Error, string? Probes);

    private sealed record Catalogue(string Commit, string[] Probes, IReadOnlyList<CataloguePattern> Patterns);

    private static Catalogue Load()
    {
        var path = Path.Combine(RepositoryPaths.Root, "tests", "Registry.Schemas.Tests", "Validation", "Patterns", "schemastore-patterns.json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        var probes = root.GetProperty("probes").EnumerateArray().Select(p => p.GetString()!).ToArray();
        var list = new List<CataloguePattern>();
        foreach (var p in root.GetProperty("patterns").EnumerateArray())
        {
            list.Add(new CataloguePattern(
                p.GetProperty("pattern").GetString()!,
                p.GetProperty("file").GetString()!,
                p.GetProperty("mode").GetString()!,
                p.TryGetProperty("error", out var e) ? e.GetString() : null,
                p.TryGetProperty("probes", out var m) ? m.GetString() : null));
        }

        return new Catalogue(root.GetProperty("source").GetProperty("commit").GetString() ?? "?", probes, list);
    }

    [Fact]
    public void The_registry_accepts_exactly_the_catalogue_patterns_javascript_accepts_in_the_same_grammar()
    {
        var patterns = Data.Value.Patterns;
        var failures = new List<string>();
        int accepted = 0, refused = 0, unicode = 0, annexB = 0, linear = 0;
        foreach (var c in patterns)
        {
            var ok = EcmaPattern.TryCreate(c.Pattern, SchemaLimits.Default, out var pattern, out var error);
            if (!ok)
            {
                refused++;
                if (c.Mode != "error")
                {
                    failures.Add($"{Show(c.Pattern)} ({c.File}): refused ({error!.Value.Reason}), but JavaScript accepts it ({c.Mode})");
                }
                else if (error!.Value.OverLimit)
                {
                    failures.Add($"{Show(c.Pattern)} ({c.File}): refused by a limit, but JavaScript rejects its syntax ({c.Error})");
                }

                continue;
            }

            accepted++;
            unicode += pattern!.IsUnicode ? 1 : 0;
            annexB += pattern.IsUnicode ? 0 : 1;
            linear += pattern.IsLinear ? 1 : 0;
            if (c.Mode == "error")
            {
                failures.Add($"{Show(c.Pattern)} ({c.File}): accepted, but JavaScript says {c.Error}");
            }
            else if (pattern.IsUnicode != (c.Mode == "u"))
            {
                failures.Add($"{Show(c.Pattern)} ({c.File}): read as {(pattern.IsUnicode ? "u" : "annexB")}, JavaScript as {c.Mode}");
            }
        }

        output.WriteLine($"SchemaStore {Data.Value.Commit}: {patterns.Count} distinct patterns; JavaScript accepts {patterns.Count(c => c.Mode != "error")} " +
            $"({patterns.Count(c => c.Mode == "u")} u-mode, {patterns.Count(c => c.Mode == "annexB")} Annex B only), rejects {patterns.Count(c => c.Mode == "error")}; " +
            $"the registry accepts {accepted} ({unicode} u-mode, {annexB} Annex B, {linear} on the linear engine), refuses {refused}");
        Assert.True(patterns.Count > 1_000, $"only {patterns.Count} patterns in the data");
        Assert.True(failures.Count == 0, $"{failures.Count} disagreements:{Environment.NewLine}" + string.Join(Environment.NewLine, failures.Take(80)));
    }

    [Fact]
    public void Every_catalogue_pattern_matches_the_probe_strings_javascript_matches()
    {
        var probes = Data.Value.Probes;
        var failures = new List<string>();
        var pairs = 0;
        foreach (var c in Data.Value.Patterns.Where(c => c.Probes is not null))
        {
            if (!EcmaPattern.TryCreate(c.Pattern, SchemaLimits.Default, out var pattern, out _))
            {
                continue; // reported by the test above
            }

            for (var i = 0; i < probes.Length; i++)
            {
                pairs++;
                var expected = c.Probes![i] == '1';
                var actual = pattern!.IsMatch(probes[i], out var timedOut);
                if (actual != expected || timedOut)
                {
                    failures.Add($"{Show(c.Pattern)} ({c.File}) on {Show(probes[i])}: JavaScript {(expected ? "matches" : "does not match")}, the registry {(timedOut ? "timed out" : actual ? "matches" : "does not")}");
                }
            }
        }

        output.WriteLine($"{pairs} pattern-probe pairs, {failures.Count} disagreements");
        Assert.True(pairs > 40_000, $"only {pairs} pairs");
        Assert.True(failures.Count == 0, $"{failures.Count} disagreements:{Environment.NewLine}" + string.Join(Environment.NewLine, failures.Take(80)));
    }

    [Fact]
    public void Schemas_with_the_catalogue_patterns_compile_and_validate_the_probes_as_javascript_matches_them()
    {
        var probes = Data.Value.Probes;
        var documents = probes.Select(p => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(p))).ToArray();
        var failures = new List<string>();
        foreach (var c in Data.Value.Patterns.Where(c => c.Mode != "error"))
        {
            var schemaText = JsonSerializer.Serialize(new Dictionary<string, string> { ["type"] = "string", ["pattern"] = c.Pattern });
            var compilation = SchemaCompiler.Compile(Encoding.UTF8.GetBytes(schemaText));
            if (!compilation.Succeeded)
            {
                failures.Add($"{Show(c.Pattern)} ({c.File}): {compilation.Errors[0].Message}");
                continue;
            }

            for (var i = 0; i < probes.Length; i++)
            {
                var expected = c.Probes![i] == '1' ? ValidationOutcome.Valid : ValidationOutcome.Invalid;
                var outcome = compilation.Schema!.Evaluate(documents[i]);
                if (outcome != expected)
                {
                    failures.Add($"{Show(c.Pattern)} ({c.File}) on {Show(probes[i])}: expected {expected}, got {outcome}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} disagreements:{Environment.NewLine}" + string.Join(Environment.NewLine, failures.Take(80)));
    }

    private static string Show(string s)
    {
        var json = JsonSerializer.Serialize(s);
        return json.Length > 120 ? json[..117] + "..." : json;
    }
}
