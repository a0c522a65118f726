using Registry.Schemas.Profiles;
using Registry.Testing;

namespace Registry.Schemas.Tests.Profiles;

public sealed class ProvidersDocumentationTests
{
    private static readonly Lazy<string> Documentation = new(() => File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "providers.md")));

    [Fact]
    public void Every_profile_is_documented_with_its_version()
    {
        foreach (var profile in ProviderProfiles.All)
        {
            Assert.Contains($"## `{profile.Name}`", Documentation.Value, StringComparison.Ordinal);
            Assert.Contains(profile.Version, Documentation.Value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_rule_of_every_profile_is_documented_with_its_source()
    {
        foreach (var profile in ProviderProfiles.All)
        {
            var section = Section(profile.Name);
            foreach (var rule in profile.Rules)
            {
                Assert.True(section.Contains($"`{rule.Id}`", StringComparison.Ordinal), $"{profile.Name}: rule {rule.Id} is not documented");
                Assert.True(section.Contains(rule.Source.Url, StringComparison.Ordinal), $"{profile.Name}: the source of {rule.Id} is not documented");
            }

            foreach (var keyword in profile.Keywords.Where(k => k.Support != KeywordSupport.Supported))
            {
                Assert.True(section.Contains($"`{keyword.Keyword}`", StringComparison.Ordinal), $"{profile.Name}: keyword {keyword.Keyword} is not documented");
            }
        }
    }

    [Fact]
    public void Every_violation_name_and_change_name_is_documented()
    {
        foreach (var info in ViolationNames.All)
        {
            Assert.True(Documentation.Value.Contains($"| `{info.Name}` |", StringComparison.Ordinal), $"{info.Name} is not documented");
        }

        foreach (var field in typeof(TransformChangeNames).GetFields())
        {
            var name = (string)field.GetValue(null)!;
            Assert.True(Documentation.Value.Contains($"| `{name}` |", StringComparison.Ordinal), $"{name} is not documented");
        }
    }

    [Fact]
    public void Violation_names_are_unique_upper_snake_case()
    {
        Assert.Equal(ViolationNames.All.Count, ViolationNames.All.Select(i => i.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(ViolationNames.All, info => Assert.Matches("^[A-Z]+(_[A-Z]+)*$", info.Name));
    }

    private static string Section(string profile)
    {
        var text = Documentation.Value;
        var start = text.IndexOf($"## `{profile}`", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section for {profile}");
        var end = text.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return end < 0 ? text[start..] : text[start..end];
    }
}
