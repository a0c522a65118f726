using Registry.Schemas.Compatibility;

namespace Registry.Schemas.Tests.Compatibility;

/// <summary>Incompatible differences say what to do; compatible ones carry nothing.</summary>
public sealed class DifferenceRemedyTests
{
    [Fact]
    public void A_property_added_to_an_open_model_under_strict_carries_the_closed_model_and_lenient_remedy()
    {
        var result = Compat.Check(
            """{"type":"object","properties":{"q":{"type":"string"}}}""",
            """{"type":"object","properties":{"q":{"type":"string"},"limit":{"type":"integer"}}}""");

        var difference = Assert.Single(result.Differences);
        Assert.False(difference.IsCompatible);
        Assert.Contains("additionalProperties", difference.Remedy, StringComparison.Ordinal);
        Assert.Contains("LENIENT", difference.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_required_property_is_told_to_be_optional_not_to_take_a_default()
    {
        var result = Compat.Check(
            """{"type":"object","properties":{"q":{"type":"string"}},"additionalProperties":false}""",
            """{"type":"object","properties":{"q":{"type":"string"}},"required":["q"],"additionalProperties":false}""");

        var difference = Assert.Single(result.Differences, d => !d.IsCompatible);
        Assert.Equal(DifferenceNames.RequiredAttributeAdded, difference.Name);
        Assert.Contains("\"required\"", difference.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void Compatible_differences_carry_no_remedy()
    {
        var result = Compat.Check(
            """{"type":"object","properties":{"q":{"type":"string"}},"additionalProperties":false}""",
            """{"type":"object","properties":{"q":{"type":"string"},"n":{"type":"integer"}},"additionalProperties":false}""");

        Assert.True(result.IsCompatible);
        Assert.All(result.Differences, d => Assert.Null(d.Remedy));
    }

    [Fact]
    public void Every_name_that_can_be_incompatible_is_classified_or_deliberately_left_without_a_remedy()
    {
        string[] withoutRemedy = [DifferenceNames.SchemaChanged, DifferenceNames.ConditionChanged,
            DifferenceNames.PropertyAddedToPartiallyOpenContentModel, DifferenceNames.PropertyRemovedFromPartiallyOpenContentModel,
            DifferenceNames.ItemAddedToPartiallyOpenContentModel, DifferenceNames.ItemRemovedFromPartiallyOpenContentModel,
            DifferenceNames.PatternPropertyAdded, DifferenceNames.PatternPropertyRemoved];
        foreach (var info in DifferenceNames.All)
        {
            if (info.Kind == DifferenceKind.Constraint && Array.IndexOf(withoutRemedy, info.Name) < 0)
            {
                Assert.True(DifferenceRemedies.For(info.Name) is not null, $"{info.Name} has no remedy");
            }
        }
    }
}
