using System.Text;
using System.Text.Json.Nodes;
using Registry.Schemas.Compatibility;
using Registry.Testing;

namespace Registry.Schemas.Tests.Compatibility;

/// <summary>
/// The table of cases in compatibility-cases.json, written from the JSON Schema semantics: for each, the schemas,
/// the level and policy, the expected verdict and every expected difference (<c>!</c> marks an incompatible one,
/// <c>@i</c> the earlier version when there are several), and a one-line reason.
/// </summary>
public sealed class CompatibilityTableTests
{
    private static readonly Lazy<JsonArray> Cases = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "Registry.Schemas.Tests", "Compatibility", "compatibility-cases.json")))!.AsArray());

    public static TheoryData<string> Reasons()
    {
        var data = new TheoryData<string>();
        foreach (var entry in Cases.Value)
        {
            data.Add(entry!["reason"]!.GetValue<string>());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Reasons))]
    public void Case_gives_the_expected_verdict_and_differences(string reason)
    {
        var entry = Find(reason);
        var earlier = entry["earlier"] is JsonArray versions
            ? versions.Select(v => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(v!.ToJsonString())).ToArray()
            : [Encoding.UTF8.GetBytes(entry["old"]!.ToJsonString())];
        var options = new CompatibilityOptions { MaxComparisons = entry["maxComparisons"]?.GetValue<int>() ?? CompatibilityOptions.Default.MaxComparisons };

        var result = CompatibilityChecker.Check(Encoding.UTF8.GetBytes(entry["new"]!.ToJsonString()), earlier,
            ParseLevel(entry["level"]!.GetValue<string>()), Enum.Parse<CompatibilityPolicy>(entry["policy"]!.GetValue<string>(), ignoreCase: true), options);

        var expected = entry["differences"]!.AsArray().Select(d => d!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        var actual = result.Differences
            .Select(d => $"{(d.IsCompatible ? "" : "!")}{d.Name} {d.Location}{(earlier.Length > 1 ? $" @{d.EarlierVersionIndex}" : "")}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(entry["compatible"]!.GetValue<bool>(), result.IsCompatible);
        Assert.Equal(expected, actual);
        Assert.Equal(result.IsCompatible, !result.Differences.Any(d => !d.IsCompatible));
    }

    [Fact]
    public void The_table_has_at_least_150_cases_each_with_a_distinct_reason()
    {
        var reasons = Cases.Value.Select(c => c!["reason"]!.GetValue<string>()).ToList();

        Assert.True(reasons.Count >= 150, $"{reasons.Count} cases");
        Assert.All(reasons, r => Assert.False(string.IsNullOrWhiteSpace(r)));
        Assert.Equal(reasons.Count, reasons.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Every_difference_name_appears_in_at_least_one_case()
    {
        var used = Cases.Value
            .SelectMany(c => c!["differences"]!.AsArray())
            .Select(d => d!.GetValue<string>().TrimStart('!').Split(' ')[0])
            .ToHashSet(StringComparer.Ordinal);

        var missing = DifferenceNames.All.Select(i => i.Name).Where(n => !used.Contains(n)).ToList();

        Assert.True(missing.Count == 0, "not in any case: " + string.Join(", ", missing));
        Assert.All(used, n => Assert.True(DifferenceNames.TryGet(n, out _), $"{n} is not in the catalogue"));
    }

    [Fact]
    public void The_table_covers_every_level_and_both_policies_and_both_verdicts()
    {
        var levels = Cases.Value.Select(c => ParseLevel(c!["level"]!.GetValue<string>())).ToHashSet();
        var policies = Cases.Value.Select(c => c!["policy"]!.GetValue<string>()).ToHashSet();
        var verdicts = Cases.Value.Select(c => c!["compatible"]!.GetValue<bool>()).ToHashSet();

        Assert.Equal(Enum.GetValues<CompatibilityLevel>().ToHashSet(), levels);
        Assert.Equal(2, policies.Count);
        Assert.Equal(2, verdicts.Count);
    }

    internal static CompatibilityLevel ParseLevel(string text) => Enum.Parse<CompatibilityLevel>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);

    private static JsonObject Find(string reason)
        => Cases.Value.Select(c => c!.AsObject()).Single(c => c["reason"]!.GetValue<string>() == reason);
}
