using Registry.Engine.Compatibility;

namespace Registry.Engine.Tests.Compatibility;

public sealed class CompatibilityCheckerTests
{
    [Fact]
    public void Narrowing_a_property_type_is_incompatible_backward_and_named_at_the_property()
    {
        var result = Compat.Check(
            """{"type":"object","properties":{"age":{"type":"number"}}}""",
            """{"type":"object","properties":{"age":{"type":"integer"}}}""");

        Assert.False(result.IsCompatible, Compat.Describe(result));
        var difference = Assert.Single(result.Differences);
        Assert.Equal("TYPE_NARROWED", difference.Name);
        Assert.Equal("#/properties/age/type", difference.Location);
        Assert.Equal(VersionBump.Major, result.SuggestedBump);
    }

    [Fact]
    public void Widening_integer_to_number_is_compatible_backward_and_a_minor_bump()
    {
        var result = Compat.Check("""{"type":"integer"}""", """{"type":"number"}""");

        Assert.True(result.IsCompatible, Compat.Describe(result));
        Assert.Equal("TYPE_EXTENDED", Assert.Single(result.Differences).Name);
        Assert.Equal(VersionBump.Minor, result.SuggestedBump);
    }

    [Fact]
    public void Forward_is_backward_with_the_arguments_swapped()
    {
        var forward = Compat.Check("""{"type":"integer"}""", """{"type":"number"}""", CompatibilityLevel.Forward);

        Assert.False(forward.IsCompatible, Compat.Describe(forward));
    }

    [Fact]
    public void Title_change_only_suggests_a_patch()
    {
        var result = Compat.Check("""{"title":"A","type":"string"}""", """{"title":"B","type":"string"}""", CompatibilityLevel.Full);

        Assert.True(result.IsCompatible);
        Assert.Equal("TITLE_CHANGED", Assert.Single(result.Differences).Name);
        Assert.Equal(VersionBump.Patch, result.SuggestedBump);
    }

    [Fact]
    public void Adding_a_required_property_is_incompatible_and_points_into_required()
    {
        var result = Compat.Check(
            """{"type":"object","properties":{"a":{},"b":{}},"required":["a"],"additionalProperties":false}""",
            """{"type":"object","properties":{"a":{},"b":{}},"required":["a","b"],"additionalProperties":false}""");

        Assert.False(result.IsCompatible);
        var difference = Assert.Single(result.Differences);
        Assert.Equal("REQUIRED_ATTRIBUTE_ADDED", difference.Name);
        Assert.Equal("#/required/1", difference.Location);
    }

    [Fact]
    public void Adding_an_optional_property_to_an_open_model_depends_on_the_policy()
    {
        const string old = """{"type":"object","properties":{"a":{"type":"string"}}}""";
        const string @new = """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}}""";

        var strict = Compat.Check(old, @new);
        var lenient = Compat.Check(old, @new, policy: CompatibilityPolicy.Lenient);

        Assert.False(strict.IsCompatible, Compat.Describe(strict));
        Assert.True(lenient.IsCompatible, Compat.Describe(lenient));
        Assert.Equal("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", Assert.Single(strict.Differences).Name);
    }

    [Fact]
    public void Adding_an_optional_property_to_a_closed_model_is_compatible_backward_not_forward()
    {
        const string old = """{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}""";
        const string @new = """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"additionalProperties":false}""";

        Assert.True(Compat.Check(old, @new).IsCompatible);
        Assert.False(Compat.Check(old, @new, CompatibilityLevel.Forward).IsCompatible);
    }

    [Fact]
    public void Recursive_schemas_terminate()
    {
        const string tree = """{"$defs":{"node":{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#/$defs/node"}},"name":{"type":"string","maxLength":10}}}},"$ref":"#/$defs/node"}""";
        const string wider = """{"$defs":{"node":{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#/$defs/node"}},"name":{"type":"string","maxLength":20}}}},"$ref":"#/$defs/node"}""";

        var result = Compat.Check(tree, wider, CompatibilityLevel.Full);

        Assert.False(result.IsCompatible);
        Assert.Equal("MAX_LENGTH_INCREASED", Assert.Single(result.Differences).Name);
        Assert.True(Compat.Check(tree, wider).IsCompatible);
    }
}
