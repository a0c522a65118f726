using Registry.Schemas.Compatibility;
using Registry.Testing;

namespace Registry.Schemas.Tests.Compatibility;

public sealed class CompatibilityDocumentationTests
{
    private static readonly Lazy<string> Documentation = new(() => File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "compatibility.md")));

    [Fact]
    public void Every_difference_name_is_documented_with_its_classification_per_direction()
    {
        var missing = DifferenceNames.All
            .Where(info => !Documentation.Value.Contains($"| `{info.Name}` |", StringComparison.Ordinal))
            .Select(info => info.Name)
            .ToList();

        Assert.True(missing.Count == 0, "not in docs/compatibility.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_documentation_names_the_default_policy()
    {
        Assert.Contains("**STRICT is the default**", Documentation.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_in_the_catalogue_are_unique_upper_snake_case_with_a_meaning()
    {
        Assert.Equal(DifferenceNames.All.Count, DifferenceNames.All.Select(i => i.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(DifferenceNames.All, info =>
        {
            Assert.Matches("^[A-Z]+(_[A-Z]+)*$", info.Name);
            Assert.False(string.IsNullOrWhiteSpace(info.Meaning));
            Assert.True(DifferenceNames.TryGet(info.Name, out var found) && ReferenceEquals(found, info));
        });
    }
}
