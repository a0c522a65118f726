using System.Text;
using System.Text.Json;
using Registry.Schemas.Validation;
using Registry.Schemas.Validation.Keywords;
using Registry.Testing;

namespace Registry.Schemas.Tests.Validation.Patterns;

/// <summary>
/// The registry reads patterns as JavaScript does: <c>ecma-regex-cases.json</c> holds node's verdicts (written by
/// <c>tests/js/regex/generate.js</c>) for every pattern and probe string, and the registry must give the same ones.
/// </summary>
public sealed class EcmaRegexDifferentialTests
{
    private static readonly Lazy<IReadOnlyList<RegexCase>> Cases = new(Load);

    private sealed record RegexCase(string Group, string Pattern, string Mode, string? Error, string[] Matches, string[] NonMatches);

    private static IReadOnlyList<RegexCase> Load()
    {
        var path = Path.Combine(RepositoryPaths.Root, "tests", "Registry.Schemas.Tests", "Validation", "Patterns", "ecma-regex-cases.json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var list = new List<RegexCase>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            string[] Strings(string name) => c.TryGetProperty(name, out var a) ? [.. a.EnumerateArray().Select(s => s.GetString()!)] : [];
            list.Add(new RegexCase(
                c.GetProperty("group").GetString()!,
                c.GetProperty("pattern").GetString()!,
                c.GetProperty("mode").GetString()!,
                c.TryGetProperty("error", out var e) ? e.GetString() : null,
                Strings("matches"),
                Strings("nonMatches")));
        }

        return list;
    }

    [Fact]
    public void The_data_covers_both_grammars_and_syntax_errors()
    {
        Assert.True(Cases.Value.Count(c => c.Mode == "u") >= 100);
        Assert.True(Cases.Value.Count(c => c.Mode == "annexB") >= 50);
        Assert.True(Cases.Value.Count(c => c.Mode == "error") >= 30);
    }

    [Fact]
    public void Every_pattern_javascript_accepts_compiles_in_the_same_mode_and_every_one_it_rejects_is_a_syntax_error()
    {
        var failures = new List<string>();
        foreach (var c in Cases.Value)
        {
            var ok = EcmaPattern.TryCreate(c.Pattern, SchemaLimits.Default, out var pattern, out var error);
            if (c.Mode == "error")
            {
                if (ok)
                {
                    failures.Add($"{c.Pattern}: accepted, but JavaScript says {c.Error}");
                }
                else if (error!.Value.OverLimit || string.IsNullOrEmpty(error.Value.Reason))
                {
                    failures.Add($"{c.Pattern}: refused without a syntax reason ({error.Value.Reason})");
                }

                continue;
            }

            if (!ok)
            {
                failures.Add($"{c.Pattern}: refused ({error!.Value.Reason}), but JavaScript accepts it ({c.Mode})");
            }
            else if (pattern!.IsUnicode != (c.Mode == "u"))
            {
                failures.Add($"{c.Pattern}: read as {(pattern.IsUnicode ? "u" : "annexB")}, JavaScript as {c.Mode}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void Every_probe_string_matches_exactly_when_javascript_says_it_does()
    {
        var failures = new List<string>();
        var checkedPairs = 0;
        foreach (var c in Cases.Value.Where(c => c.Mode != "error"))
        {
            if (!EcmaPattern.TryCreate(c.Pattern, SchemaLimits.Default, out var pattern, out _))
            {
                continue; // reported by the test above
            }

            foreach (var (strings, expected) in new[] { (c.Matches, true), (c.NonMatches, false) })
            {
                foreach (var s in strings)
                {
                    checkedPairs++;
                    var actual = pattern!.IsMatch(s, out var timedOut);
                    if (actual != expected || timedOut)
                    {
                        failures.Add($"{Show(c.Pattern)} on {Show(s)}: JavaScript {(expected ? "matches" : "does not match")}, the registry {(timedOut ? "timed out" : actual ? "matches" : "does not")} [{c.Group}]");
                    }
                }
            }
        }

        Assert.True(checkedPairs > 4000, $"only {checkedPairs} pairs");
        Assert.True(failures.Count == 0, $"{failures.Count} disagreements:{Environment.NewLine}" + string.Join(Environment.NewLine, failures.Take(80)));
    }

    [Fact]
    public void Schemas_with_these_patterns_validate_the_probe_strings_as_javascript_matches_them()
    {
        var failures = new List<string>();
        foreach (var c in Cases.Value.Where(c => c.Mode != "error"))
        {
            var schemaText = JsonSerializer.Serialize(new Dictionary<string, string> { ["pattern"] = c.Pattern });
            var compilation = SchemaCompiler.Compile(Encoding.UTF8.GetBytes(schemaText));
            if (!compilation.Succeeded)
            {
                failures.Add($"{Show(c.Pattern)}: {compilation.Errors[0].Message}");
                continue;
            }

            foreach (var (strings, expected) in new[] { (c.Matches, true), (c.NonMatches, false) })
            {
                foreach (var s in strings)
                {
                    var document = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(s));
                    var outcome = compilation.Schema!.Evaluate(document);
                    if (outcome != (expected ? ValidationOutcome.Valid : ValidationOutcome.Invalid))
                    {
                        failures.Add($"{Show(c.Pattern)} on {Show(s)}: expected {(expected ? "valid" : "invalid")}, got {outcome}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(80)));
    }

    private static string Show(string s) => JsonSerializer.Serialize(s);
}
