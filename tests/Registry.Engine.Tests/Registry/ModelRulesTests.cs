using Registry.Engine.Model;
using Registry.Schemas.Compatibility;

namespace Registry.Engine.Tests.Registry;

public sealed class ModelRulesTests
{
    [Theory]
    [InlineData(LifecycleState.Draft, LifecycleState.Active, true)]
    [InlineData(LifecycleState.Active, LifecycleState.Deprecated, true)]
    [InlineData(LifecycleState.Deprecated, LifecycleState.Archived, true)]
    [InlineData(LifecycleState.Deprecated, LifecycleState.Active, true)]
    [InlineData(LifecycleState.Active, LifecycleState.Active, true)]
    [InlineData(LifecycleState.Draft, LifecycleState.Deprecated, false)]
    [InlineData(LifecycleState.Draft, LifecycleState.Archived, false)]
    [InlineData(LifecycleState.Active, LifecycleState.Archived, false)]
    [InlineData(LifecycleState.Active, LifecycleState.Draft, false)]
    [InlineData(LifecycleState.Deprecated, LifecycleState.Draft, false)]
    [InlineData(LifecycleState.Archived, LifecycleState.Active, false)]
    [InlineData(LifecycleState.Archived, LifecycleState.Deprecated, false)]
    [InlineData(LifecycleState.Archived, LifecycleState.Draft, false)]
    public void Lifecycle_transitions_follow_the_design(LifecycleState from, LifecycleState to, bool allowed)
    {
        Assert.Equal(allowed, Lifecycle.CanTransition(from, to));
    }

    [Fact]
    public void Every_wire_name_parses_back()
    {
        foreach (var state in Enum.GetValues<LifecycleState>())
        {
            Assert.True(Lifecycle.TryParse(Lifecycle.Name(state).ToLowerInvariant(), out var parsed));
            Assert.Equal(state, parsed);
        }

        foreach (var level in Enum.GetValues<CompatibilityLevel>())
        {
            Assert.True(ConfigNames.TryParseLevel(ConfigNames.Level(level), out var parsed));
            Assert.Equal(level, parsed);
        }

        foreach (var mode in Enum.GetValues<RegistryMode>())
        {
            Assert.True(ConfigNames.TryParseMode(ConfigNames.Mode(mode), out var parsed));
            Assert.Equal(mode, parsed);
        }

        Assert.False(ConfigNames.TryParseLevel("SIDEWAYS", out _));
        Assert.False(ConfigNames.TryParseMode(null, out _));
        Assert.False(Lifecycle.TryParse("RETIRED", out _));
    }

    [Theory]
    [InlineData("latest", 0)]
    [InlineData("LATEST", 0)]
    [InlineData("-1", 0)]
    [InlineData("1", 1)]
    [InlineData("2147483647", int.MaxValue)]
    public void Version_selectors_parse(string text, int number)
    {
        Assert.True(VersionSelector.TryParse(text, out var selector));
        Assert.Equal(number, selector.Number);
        Assert.Equal(number == 0, selector.IsLatest);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1.0")]
    [InlineData("2147483648")]
    [InlineData("")]
    public void Bad_version_selectors_are_refused(string text)
    {
        Assert.False(VersionSelector.TryParse(text, out _));
        Assert.Equal(RegistryErrorCode.InvalidVersion, Assert.Throws<RegistryException>(() => VersionSelector.Parse(text)).Code);
    }

    [Theory]
    [InlineData("orders.created", true)]
    [InlineData("a", true)]
    [InlineData("with space inside", true)]
    [InlineData("ünïcödé/π", true)]
    [InlineData("", false)]
    [InlineData(" leading", false)]
    [InlineData("trailing ", false)]
    [InlineData("new\nline", false)]
    [InlineData("nul\0", false)]
    public void Subject_names_are_checked(string name, bool ok)
    {
        Assert.Equal(ok, SubjectName.Check(name) is null);
    }

    [Fact]
    public void Subject_names_with_unpaired_surrogates_are_refused()
    {
        Assert.NotNull(SubjectName.Check("lone" + '\ud800' + "high"));
        Assert.NotNull(SubjectName.Check("lone" + '\udc00' + "low"));
        Assert.NotNull(SubjectName.Check("end" + '\ud800'));
        Assert.Null(SubjectName.Check("pair\ud83d\ude00"));
    }

    [Fact]
    public void Subject_names_are_limited_to_255_characters()
    {
        Assert.Null(SubjectName.Check(new string('a', 255)));
        Assert.NotNull(SubjectName.Check(new string('a', 256)));
    }

    [Theory]
    [InlineData("1.0.0", "1.0.1")]
    [InlineData("1.0.0", "1.1.0")]
    [InlineData("1.9.0", "1.10.0")]
    [InlineData("1.0.0-alpha", "1.0.0")]
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1")]
    [InlineData("1.0.0-alpha.1", "1.0.0-alpha.beta")]
    [InlineData("1.0.0-beta.2", "1.0.0-beta.11")]
    [InlineData("1.0.0-rc.1", "1.0.0")]
    [InlineData("0.9.9", "1.0.0")]
    public void Semantic_versions_order_by_precedence(string lower, string higher)
    {
        Assert.True(SemanticVersion.TryParse(lower, out var a));
        Assert.True(SemanticVersion.TryParse(higher, out var b));
        Assert.True(a! < b!);
        Assert.True(b! > a!);
    }

    [Fact]
    public void Build_metadata_does_not_change_precedence()
    {
        Assert.True(SemanticVersion.TryParse("1.2.3+build.7", out var a));
        Assert.True(SemanticVersion.TryParse("1.2.3", out var b));
        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("1.2")]
    [InlineData("1.2.3.4")]
    [InlineData("01.2.3")]
    [InlineData("1.2.3-")]
    [InlineData("1.2.3-01")]
    [InlineData("1.2.3-a..b")]
    [InlineData("v1.2.3")]
    [InlineData("1.2.3+")]
    [InlineData("1.2.x")]
    public void Malformed_semantic_versions_are_refused(string text)
    {
        Assert.False(SemanticVersion.TryParse(text, out _));
    }

    [Fact]
    public void A_bump_produces_the_next_label()
    {
        Assert.True(SemanticVersion.TryParse("1.4.2-rc.1", out var v));

        Assert.Equal("2.0.0", v!.Bumped(VersionBump.Major));
        Assert.Equal("1.5.0", v.Bumped(VersionBump.Minor));
        Assert.Equal("1.4.3", v.Bumped(VersionBump.Patch));
        Assert.Equal("1.4.2-rc.1", v.Bumped(VersionBump.None));
    }
}
