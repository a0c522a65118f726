using System.Text;
using System.Text.Json.Nodes;
using Registry.Schemas.Profiles;
using Registry.Testing;

namespace Registry.Schemas.Tests.Profiles;

/// <summary>
/// The table of cases in profile-cases.json, taken from the providers' documents (and, where a rule is known only
/// from users' reports, from those): for each profile one accepted schema and one case per rule it breaks, with
/// every expected violation as <c>NAME pointer effect</c>.
/// </summary>
public sealed class ProfileCaseTableTests
{
    private static readonly Lazy<JsonArray> Cases = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "Registry.Schemas.Tests", "Profiles", "profile-cases.json")))!.AsArray());

    public static TheoryData<string, string> Names()
    {
        var data = new TheoryData<string, string>();
        foreach (var entry in Cases.Value)
        {
            data.Add(entry!["profile"]!.GetValue<string>(), entry["name"]!.GetValue<string>());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Case_gives_exactly_the_expected_violations(string profileName, string name)
    {
        var entry = Find(profileName, name);
        Assert.True(ProviderProfiles.TryGet(profileName, out var profile));

        var result = TestProfiles.Lint(Encoding.UTF8.GetBytes(entry["schema"]!.ToJsonString()), profile, Resolver(entry));

        var expected = entry["violations"]!.AsArray().Select(v => v!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        var actual = result.Violations.Select(v => $"{v.Name} {v.Pointer} {ProfileViolation.EffectName(v.Effect)}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(LintStatus.Completed, result.Status);
        Assert.Equal(expected, actual);
        Assert.Equal(expected.Count == 0, result.IsClean);
        Assert.Equal(!expected.Any(e => e.EndsWith(" rejected", StringComparison.Ordinal)), result.IsAccepted);
    }

    [Fact]
    public void Every_profile_has_an_accepted_schema_and_cases_that_break_it()
    {
        foreach (var profile in ProviderProfiles.All)
        {
            var cases = Cases.Value.Where(c => c!["profile"]!.GetValue<string>() == profile.Name).ToList();
            Assert.Contains(cases, c => c!["violations"]!.AsArray().Count == 0 && c["name"]!.GetValue<string>().StartsWith("accepted", StringComparison.Ordinal));
            Assert.True(cases.Count(c => c!["violations"]!.AsArray().Count > 0) >= 4, $"{profile.Name} has too few breaking cases");
        }
    }

    [Fact]
    public void Every_schema_rule_of_every_profile_is_broken_by_a_case_or_a_limit_test()
    {
        // Rules over whole requests are exercised by the tool-set tests, limits by the linter tests (their schemas are large).
        string[] elsewhere = ["max-tools", "max-strict-tools", "request-optional", "request-union", "unique-tool-names", "max-properties", "max-nesting",
            "string-budget", "max-enum-values", "large-string-enum", "max-optional", "max-union", "valid-schema"];
        foreach (var profile in ProviderProfiles.All)
        {
            var broken = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in Cases.Value.Where(c => c!["profile"]!.GetValue<string>() == profile.Name))
            {
                var result = TestProfiles.Lint(Encoding.UTF8.GetBytes(entry!["schema"]!.ToJsonString()), profile, Resolver(entry.AsObject()));
                broken.UnionWith(result.Violations.Select(v => v.Rule));
            }

            var missing = profile.Rules.Select(r => r.Id).Where(id => !broken.Contains(id) && !elsewhere.Contains(id)).ToList();
            Assert.True(missing.Count == 0, $"{profile.Name}: no case breaks {string.Join(", ", missing)}");
        }
    }

    [Fact]
    public void Case_names_are_unique_per_profile()
    {
        var keys = Cases.Value.Select(c => c!["profile"]!.GetValue<string>() + "/" + c["name"]!.GetValue<string>()).ToList();
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.True(keys.Count >= 100, $"{keys.Count} cases");
    }

    internal static ReferenceResolver? Resolver(JsonObject entry)
    {
        if (entry["references"] is not JsonObject references)
        {
            return null;
        }

        return new ReferenceResolver(references.Select(r => new KeyValuePair<string, ReadOnlyMemory<byte>>(r.Key, Encoding.UTF8.GetBytes(r.Value!.ToJsonString()))).ToList());
    }

    private static JsonObject Find(string profile, string name)
        => Cases.Value.Select(c => c!.AsObject()).Single(c => c["profile"]!.GetValue<string>() == profile && c["name"]!.GetValue<string>() == name);
}
