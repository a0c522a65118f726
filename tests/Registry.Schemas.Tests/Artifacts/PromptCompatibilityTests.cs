using System.Text;
using System.Text.Json;
using Registry.Schemas.Artifacts;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Tests.Artifacts;

/// <summary>PROMPT compatibility: BACKWARD on the variables schema with the variables object that proves a break, and how the other parts count.</summary>
public sealed class PromptCompatibilityTests
{
    private const string City = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";

    private static PromptArtifact Prompt(string template, string? variables = null, string? extra = null)
    {
        var json = new StringBuilder("{\"template\":").Append(JsonSerializer.Serialize(template, PromptTestJson.Default.String));
        if (variables is not null)
        {
            json.Append(",\"variables\":").Append(variables);
        }

        if (extra is not null)
        {
            json.Append(',').Append(extra);
        }

        return PromptArtifact.Parse(Encoding.UTF8.GetBytes(json.Append('}').ToString()));
    }

    private static CompatibilityResult Check(PromptArtifact old, PromptArtifact newer, CompatibilityLevel level = CompatibilityLevel.Backward, CompatibilityPolicy policy = CompatibilityPolicy.Strict) =>
        PromptCompatibility.Check(newer, [old], level, policy);

    private static bool Accepts(PromptArtifact prompt, byte[] variables) => prompt.Validator.Validate(variables).IsValid;

    public static TheoryData<string, string?, string, string?, CompatibilityPolicy, bool, string?> Table => new()
    {
        // old template, old variables, new template, new variables, policy, compatible, a difference expected
        // A new variable in the template: inferred as required, so {"city":...} alone is refused now.
        { "Weather in {{city}}", null, "Weather in {{city}} in {{unit}}", null, CompatibilityPolicy.Strict, false, "#/variables" },
        // A variable the template no longer uses: the inferred schema is open, every old object stays valid.
        { "Weather in {{city}} in {{unit}}", null, "Weather in {{city}}", null, CompatibilityPolicy.Strict, true, null },
        // A new optional variable in a closed schema: every old object stays valid.
        { "{{city}}", """{"type":"object","properties":{"city":{"type":"string"}},"additionalProperties":false}""", "{{city}}{{#days}} {{days}}{{/days}}", """{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"additionalProperties":false}""", CompatibilityPolicy.Strict, true, "#/variables/properties/days" },
        // The same in an open schema, strict: {"city":..,"days":"x"} was valid and is not any more.
        { "{{city}}", City, "{{city}}{{#days}} {{days}}{{/days}}", """{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city"]}""", CompatibilityPolicy.Strict, false, "#/variables" },
        // An optional variable made required.
        { "{{city}}{{#days}} {{days}}{{/days}}", """{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city"]}""", "{{city}} {{days}}", """{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city","days"]}""", CompatibilityPolicy.Strict, false, "#/variables" },
        // A narrowed type: a string city is refused now.
        { "{{city}}", City, "{{city}}", """{"type":"object","properties":{"city":{"type":"integer"}},"required":["city"]}""", CompatibilityPolicy.Strict, false, "#/variables/properties/city" },
        // A widened type: every old object stays valid.
        { "{{city}}", City, "{{city}}", """{"type":"object","properties":{"city":{"type":["string","integer"]}},"required":["city"]}""", CompatibilityPolicy.Strict, true, "#/variables/properties/city" },
        // A tighter constraint on a list item's member.
        { "{{#items}}{{sku}}{{/items}}", """{"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"}}}}}}""", "{{#items}}{{sku}}{{/items}}", """{"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string","maxLength":3}}}}}}""", CompatibilityPolicy.Strict, false, "#/variables/properties/items/items/properties/sku" },
        // Only the template's text changed: a patch.
        { "Weather in {{city}}", City, "What is the weather in {{city}}?", City, CompatibilityPolicy.Strict, true, "#/template" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void The_variables_schema_is_checked_backward_with_the_proving_variables_object(
        string oldTemplate, string? oldVariables, string newTemplate, string? newVariables, CompatibilityPolicy policy, bool compatible, string? location)
    {
        var old = Prompt(oldTemplate, oldVariables);
        var newer = Prompt(newTemplate, newVariables);

        var result = Check(old, newer, policy: policy);
        var proof = PromptCompatibility.ProveBreak(old, newer);

        Assert.Equal(compatible, result.IsCompatible);
        if (location is not null)
        {
            Assert.Contains(result.Differences, d => d.Location.StartsWith(location, StringComparison.Ordinal));
        }

        if (compatible)
        {
            Assert.Null(proof);
            Assert.NotEqual(VersionBump.Major, result.SuggestedBump);
        }
        else
        {
            // The proof: accepted by the old version's schema, refused by the new one's, and shown in the verdict.
            Assert.NotNull(proof);
            Assert.True(Accepts(old, proof), Encoding.UTF8.GetString(proof));
            Assert.False(Accepts(newer, proof), Encoding.UTF8.GetString(proof));
            var refused = Assert.Single(result.Differences, d => d.Name == PromptCompatibility.VariablesRefused);
            Assert.Contains(Encoding.UTF8.GetString(proof), refused.Message, StringComparison.Ordinal);
            Assert.False(refused.IsCompatible);
            Assert.Equal(VersionBump.Major, result.SuggestedBump);
        }
    }

    [Fact]
    public void A_new_required_variable_is_proved_by_the_old_minimal_variables()
    {
        var proof = PromptCompatibility.ProveBreak(Prompt("Weather in {{city}}"), Prompt("Weather in {{city}} in {{unit}}"));

        Assert.Equal("""{"city":"x"}""", Encoding.UTF8.GetString(proof!));
    }

    [Fact]
    public void A_template_only_change_is_a_patch()
    {
        var result = Check(Prompt("Weather in {{city}}", City), Prompt("Tell me the weather in {{city}}.", City));

        Assert.True(result.IsCompatible);
        Assert.Equal([PromptCompatibility.TemplateChanged], result.Differences.Select(d => d.Name));
        Assert.Equal(VersionBump.Patch, result.SuggestedBump);
    }

    [Fact]
    public void Model_settings_and_description_changes_are_patches()
    {
        var result = Check(
            Prompt("{{city}}", City, """ "model":{"name":"a","temperature":0.1},"description":"old" """),
            Prompt("{{city}}", City, """ "model":{"name":"b","temperature":0.1},"description":"new" """));

        Assert.True(result.IsCompatible);
        Assert.Equal([PromptCompatibility.ModelChanged, PromptCompatibility.DescriptionChanged], result.Differences.Select(d => d.Name));
        Assert.Equal(VersionBump.Patch, result.SuggestedBump);
    }

    [Fact]
    public void An_identical_prompt_has_no_difference()
    {
        var result = Check(Prompt("{{city}}", City), Prompt("{{city}}", City));

        Assert.True(result.IsCompatible);
        Assert.Empty(result.Differences);
        Assert.Equal(VersionBump.None, result.SuggestedBump);
    }

    [Theory]
    [InlineData(""" "output":{"subject":"out.a","version":1} """, """ "output":{"subject":"out.a","version":2} """, "from 'out.a' version 1 to 'out.a' version 2")]
    [InlineData(""" "output":{"subject":"out.a","alias":"production"} """, """ "output":{"subject":"out.b"} """, "from 'out.a' @production to 'out.b' (latest)")]
    [InlineData(null, """ "output":{"subject":"out.a"} """, "from none to 'out.a' (latest)")]
    [InlineData(""" "output":{"subject":"out.a"} """, null, "from 'out.a' (latest) to none")]
    public void A_changed_output_reference_is_reported_for_the_caller_to_decide(string? oldOutput, string? newOutput, string message)
    {
        var result = Check(Prompt("{{city}}", City, oldOutput), Prompt("{{city}}", City, newOutput));

        var change = Assert.Single(result.Differences);
        Assert.Equal((PromptCompatibility.OutputChanged, "#/output", true), (change.Name, change.Location, change.IsCompatible));
        Assert.Contains(message, change.Message, StringComparison.Ordinal);
        Assert.Equal(VersionBump.Minor, result.SuggestedBump);
    }

    [Fact]
    public void Level_none_reports_a_break_without_enforcing_it()
    {
        var result = Check(Prompt("{{city}}"), Prompt("{{city}} {{unit}}"), CompatibilityLevel.None);

        Assert.True(result.IsCompatible);
        Assert.Contains(result.Differences, d => d.Name == PromptCompatibility.VariablesRefused);
    }

    [Fact]
    public void A_transitive_level_checks_every_earlier_version_and_a_plain_one_only_the_latest()
    {
        var v1 = Prompt("{{city}}", """{"type":"object","properties":{"city":{"type":["string","integer"]}},"required":["city"]}""");
        var v2 = Prompt("{{city}}", City);
        var v3 = Prompt("Weather: {{city}}", City);

        var plain = PromptCompatibility.Check(v3, [v1, v2], CompatibilityLevel.Backward, CompatibilityPolicy.Strict);
        var transitive = PromptCompatibility.Check(v3, [v1, v2], CompatibilityLevel.BackwardTransitive, CompatibilityPolicy.Strict);

        Assert.True(plain.IsCompatible);
        Assert.False(transitive.IsCompatible);
        var refused = Assert.Single(transitive.Differences, d => d.Name == PromptCompatibility.VariablesRefused);
        Assert.Equal(0, refused.EarlierVersionIndex);
    }

    [Fact]
    public void A_first_version_has_nothing_to_be_compatible_with()
    {
        var result = PromptCompatibility.Check(Prompt("{{city}}"), [], CompatibilityLevel.Backward, CompatibilityPolicy.Strict);

        Assert.True(result.IsCompatible);
        Assert.Empty(result.Differences);
    }

    [Fact]
    public void The_check_is_charged_to_the_request_budget()
    {
        var budget = new WorkBudget(new WorkLimits { MaxSteps = 10 });

        Assert.Throws<TooComplexException>(() =>
            PromptCompatibility.Check(Prompt("{{city}} {{unit}}"), [Prompt("{{city}}")], CompatibilityLevel.Backward, CompatibilityPolicy.Strict, null, budget));
    }

    [Fact]
    public void A_proof_needs_no_resolver_and_validates_with_the_prompts_own_validators()
    {
        var old = Prompt("{{n}}", """{"type":"object","properties":{"n":{"type":"integer","minimum":5}},"required":["n"]}""");
        var newer = Prompt("{{n}}", """{"type":"object","properties":{"n":{"type":"integer","minimum":10}},"required":["n"]}""");

        var proof = PromptCompatibility.ProveBreak(old, newer);

        Assert.Equal("""{"n":5}""", Encoding.UTF8.GetString(proof!));
        Assert.Equal(ValidationOutcome.Invalid, newer.Validator.Evaluate(proof));
    }
}
