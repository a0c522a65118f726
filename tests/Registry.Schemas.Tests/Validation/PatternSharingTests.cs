using Registry.Schemas.Validation;
using Registry.Schemas.Validation.Keywords;

namespace Registry.Schemas.Tests.Validation;

/// <summary>One compiled regular expression per distinct pattern serves every schema that uses it.</summary>
public sealed class PatternSharingTests
{
    private static readonly SchemaLimits Limits = SchemaLimits.Default;
    private static readonly SchemaLimits ShorterTimeOut = new() { PatternMatchTimeout = TimeSpan.FromMilliseconds(20) };

    [Fact]
    public void The_same_pattern_compiled_twice_is_one_shared_instance()
    {
        var source = "^sharing-" + Guid.NewGuid().ToString("N") + "-[0-9]{3}$";

        Assert.True(EcmaPattern.TryCreate(source, Limits, out var first, out _));
        Assert.True(EcmaPattern.TryCreate(source, Limits, out var second, out _));

        Assert.Same(first!.Automaton, second!.Automaton);
        Assert.True(first!.IsMatch("sharing-" + source[9..41] + "-123", out _));
    }

    [Fact]
    public void Different_patterns_or_time_outs_are_not_shared()
    {
        var source = "^(a+)+\\1$" + Guid.NewGuid().ToString("N");

        Assert.True(EcmaPattern.TryCreate(source, Limits, out var first, out _));
        Assert.True(EcmaPattern.TryCreate(source, ShorterTimeOut, out var shorter, out _));
        Assert.True(EcmaPattern.TryCreate(source + "b", Limits, out var other, out _));

        Assert.NotSame(first!.Automaton, shorter!.Automaton);
        Assert.NotSame(first.Automaton, other!.Automaton);
        Assert.Equal(source + "b", other!.Source);
    }

    [Fact]
    public void An_invalid_pattern_is_refused_every_time_and_never_cached()
    {
        var source = "([" + Guid.NewGuid().ToString("N");

        Assert.False(EcmaPattern.TryCreate(source, Limits, out var first, out var error));
        Assert.False(EcmaPattern.TryCreate(source, Limits, out _, out var again));

        Assert.Null(first);
        Assert.False(string.IsNullOrEmpty(error!.Value.Reason));
        Assert.Equal(error, again);
    }

    [Fact]
    public void Two_schemas_with_one_pattern_validate_independently_through_the_shared_instance()
    {
        var pattern = "^[A-Z]{3}-" + Guid.NewGuid().ToString("N")[..4] + "$";
        var a = Schemas.Compile($$"""{ "type": "string", "pattern": "{{pattern}}", "maxLength": 8 }""");
        var b = Schemas.Compile($$"""{ "properties": { "code": { "pattern": "{{pattern}}" } } }""");
        var match = "ABC-" + pattern[10..14];

        Assert.Equal(ValidationOutcome.Valid, a.Evaluate("\"" + match + "\""));
        Assert.Equal(ValidationOutcome.Invalid, a.Evaluate("\"abc-" + pattern[10..14] + "\""));
        Assert.Equal(ValidationOutcome.Valid, b.Evaluate("{\"code\":\"" + match + "\"}"));
        Assert.Equal(ValidationOutcome.Invalid, b.Evaluate("{\"code\":\"" + match + "x\"}"));
    }
}
