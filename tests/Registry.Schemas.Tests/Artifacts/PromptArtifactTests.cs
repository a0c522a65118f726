using System.Text;
using System.Text.Json;
using Registry.Schemas.Artifacts;

namespace Registry.Schemas.Tests.Artifacts;

/// <summary>PROMPT artifacts: the canonical form, refusals per rule, the inferred and the declared variables schema, and rendering with validation and budgets.</summary>
public sealed class PromptArtifactTests
{
    private const string Declared = """{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer","minimum":1}},"required":["city"]}""";

    private static PromptArtifact Parse(string json) => PromptArtifact.Parse(Encoding.UTF8.GetBytes(json));

    private static PromptArtifact Prompt(string template, string? variables = null) =>
        Parse(variables is null ? $$"""{"template":{{Quote(template)}}}""" : $$"""{"template":{{Quote(template)}},"variables":{{variables}}}""");

    private static string Quote(string text) => JsonSerializer.Serialize(text, PromptTestJson.Default.String);

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private static string Render(PromptArtifact prompt, string variables) => prompt.Render(Encoding.UTF8.GetBytes(variables));

    private static PromptVariablesException RenderFails(PromptArtifact prompt, string variables) =>
        Assert.Throws<PromptVariablesException>(() => Render(prompt, variables));

    private static PromptDefinitionException Refused(string json) => Assert.Throws<PromptDefinitionException>(() => Parse(json));

    // Canonical form

    [Fact]
    public void The_canonical_form_has_a_fixed_member_order_whatever_order_was_sent()
    {
        var prompt = Parse($$$"""{"description":"Weather","model":{"top_p":0.9,"max_tokens":200,"name":"gpt-x","temperature":0.2,"seed":7},"output":{"version":3,"subject":"out.weather"},"variables":{{{Declared}}},"template":"Weather in {{city}}"}""");

        Assert.Equal(
            $$$"""{"template":"Weather in {{city}}","variables":{{{Declared}}},"output":{"subject":"out.weather","version":3},"model":{"name":"gpt-x","temperature":0.2,"max_tokens":200,"seed":7,"top_p":0.9},"description":"Weather"}""",
            Text(prompt.ToCanonical()));
    }

    [Theory]
    [InlineData("""{"template":"Hi {{name}}"}""")]
    [InlineData($$$"""{"template":"Weather in {{city}}","variables":{{{Declared}}},"output":{"subject":"out","alias":"production"},"model":{"name":"m","extra":{"b":1,"a":[1,2]}},"description":"d"}""")]
    [InlineData("""{"template":"no variables, \"quoted\" & <marked> é 😀"}""")]
    public void The_canonical_form_reads_back_into_the_same_canonical_form(string json)
    {
        var canonical = Parse(json).ToCanonical();

        var back = PromptArtifact.Parse(canonical);

        Assert.Equal(Text(canonical), Text(back.ToCanonical()));
        Assert.False(back.VariablesInferred);
    }

    [Fact]
    public void An_inferred_variables_schema_is_stored_in_the_canonical_form()
    {
        var prompt = Prompt("Hi {{name}}");

        Assert.True(prompt.VariablesInferred);
        Assert.Equal("""{"template":"Hi {{name}}","variables":{"type":"object","properties":{"name":{"type":["string","number","boolean"]}},"required":["name"]}}""", Text(prompt.ToCanonical()));
    }

    // Refusals

    public static TheoryData<string, string, string> Refusals => new()
    {
        // prompt, pointer, a part of the message
        { "[1]", "#", "a JSON object" },
        { "{\"template\":", "#", "not JSON" },
        { "{\"template\":\"a\",\n  x}", "#", "(at line 2, byte 3)" },
        { """{"template":"a","template":"b"}""", "#", "a member twice" },
        { """{"template":"x","temperature":1}""", "#/temperature", "unknown member 'temperature'" },
        { """{"variables":{"type":"object"}}""", "#/template", "'template' is required" },
        { """{"template":42}""", "#/template", "'template' is a string" },
        { """{"template":"Hi {{name"}""", "#/template", "line 1, column 4: '{{' has no closing '}}'" },
        { """{"template":"{{#a}}\n{{/b}}"}""", "#/template", "line 2, column 1: '{{/b}}' does not close" },
        { """{"template":"{{> other}}"}""", "#/template", "partials" },
        { """{"template":"x","variables":[]}""", "#/variables", "'variables' is a JSON Schema object" },
        { """{"template":"x","variables":{"type":"array"}}""", "#/variables/type", "\"type\": \"object\"" },
        { """{"template":"x","variables":{"type":"object","properties":{"a":{"type":"text"}}}}""", "#/variables/properties/a/type", "" },
        { """{"template":"Hi {{name}}","variables":{"type":"object","properties":{"nom":{"type":"string"}}}}""", "#/variables/properties/name", "'{{name}}' (line 1, column 4) uses the variable 'name', which the variables schema does not declare" },
        { """{"template":"{{user.email}}","variables":{"type":"object","properties":{"user":{"type":"object","properties":{"name":{}}}}}}""", "#/variables/properties/user/properties/email", "does not declare the member 'email' of 'user'" },
        { """{"template":"{{#items}}{{sku}}{{/items}}","variables":{"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{"id":{}}}}}}}""", "#/variables/properties/items/items/properties/sku", "uses the variable 'sku'" },
        { """{"template":"x","output":"out"}""", "#/output", "'output' is an object" },
        { """{"template":"x","output":{"version":1}}""", "#/output/subject", "'subject' is required" },
        { """{"template":"x","output":{"subject":"o","version":0}}""", "#/output/version", "an integer from 1" },
        { """{"template":"x","output":{"subject":"o","version":1,"alias":"prod"}}""", "#/output", "not both" },
        { """{"template":"x","output":{"subject":"o","label":"prod"}}""", "#/output/label", "unknown member 'label'" },
        { """{"template":"x","model":"gpt"}""", "#/model", "'model' is an object" },
        { """{"template":"x","model":{"temperature":-1}}""", "#/model/temperature", "0 or more" },
        { """{"template":"x","model":{"max_tokens":1.5}}""", "#/model/max_tokens", "an integer, 1 or more" },
        { """{"template":"x","model":{"name":""}}""", "#/model/name", "non-empty" },
        { """{"template":"x","description":7}""", "#/description", "'description' is a string" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_malformed_prompt_is_refused_with_the_problem_located(string json, string pointer, string message)
    {
        var e = Refused(json);

        Assert.Contains(e.Problems, p => p.Pointer == pointer && p.Message.Contains(message, StringComparison.Ordinal));
        // The words are the registry's own: no parser's property names or exception types.
        Assert.DoesNotContain(e.Problems, p => p.Message.Contains("LineNumber", StringComparison.Ordinal) || p.Message.Contains("Exception", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_named_at_once()
    {
        var e = Refused("""{"template":"{{a}}","variables":{"type":"object"},"model":{"temperature":"hot"},"extra":1}""");

        Assert.Equal(["#/extra", "#/variables/properties/a", "#/model/temperature"], e.Problems.Select(p => p.Pointer));
    }

    // The declared schema against the template

    [Theory]
    [InlineData("""{"type":"object","allOf":[{"properties":{"city":{"type":"string"}}}]}""")]
    [InlineData("""{"type":"object","$ref":"#/$defs/v","$defs":{"v":{"properties":{"city":{"type":"string"}}}}}""")]
    [InlineData("""{"type":"object","anyOf":[{"properties":{"city":{"type":"string"}}},{"properties":{"town":{}}}]}""")]
    public void A_name_declared_in_a_branch_or_through_a_local_reference_counts_as_declared(string variables)
    {
        var prompt = Prompt("Weather in {{city}}", variables);

        Assert.Equal("Weather in Oslo", Render(prompt, """{"city":"Oslo"}"""));
    }

    [Fact]
    public void A_name_inside_a_section_may_be_declared_on_the_item_or_on_an_enclosing_level()
    {
        const string variables = """{"type":"object","properties":{"shop":{"type":"string"},"items":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"}}}}}}""";

        var prompt = Prompt("{{#items}}{{sku}}@{{shop}} {{/items}}", variables);

        Assert.Equal("a@s b@s ", Render(prompt, """{"shop":"s","items":[{"sku":"a"},{"sku":"b"}]}"""));
    }

    [Fact]
    public void A_declared_schema_whose_branches_share_definitions_is_searched_once_per_definition()
    {
        // Each level's two branches refer to the same definition: 2^24 paths, 24 definitions.
        var definitions = string.Join(',', Enumerable.Range(0, 24).Select(i => "\"d" + i + "\":{\"allOf\":[{\"$ref\":\"#/$defs/d" + (i + 1) + "\"},{\"$ref\":\"#/$defs/d" + (i + 1) + "\"}]}"));
        var variables = "{\"type\":\"object\",\"$defs\":{" + definitions + ",\"d24\":{\"properties\":{\"y\":{}}}},\"allOf\":[{\"$ref\":\"#/$defs/d0\"}]}";

        var e = Refused("{\"template\":\"{{y}}{{x}}\",\"variables\":" + variables + "}");

        Assert.Equal("#/variables/properties/x", Assert.Single(e.Problems).Pointer);
    }

    // Inference

    public static TheoryData<string, string> Inferences => new()
    {
        // A name written is a string, number or boolean; every name is required.
        { "{{a}} {{b}}", """{"type":"object","properties":{"a":{"type":["string","number","boolean"]},"b":{"type":["string","number","boolean"]}},"required":["a","b"]}""" },
        // A section with nothing inside, or an inverted section, is a boolean.
        { "{{#vip}}VIP{{/vip}}{{^late}}on time{{/late}}", """{"type":"object","properties":{"vip":{"type":"boolean"},"late":{"type":"boolean"}},"required":["vip","late"]}""" },
        // A section writing {{.}} is a list of scalars.
        { "{{#tags}}{{.}},{{/tags}}", """{"type":"object","properties":{"tags":{"type":"array","items":{"type":["string","number","boolean"]}}},"required":["tags"]}""" },
        // A section with names inside is a list of objects or one object with those members.
        { "{{#items}}{{sku}} x{{qty}}{{/items}}", """{"type":"object","properties":{"items":{"type":["array","object"],"items":{"type":"object","properties":{"sku":{"type":["string","number","boolean"]},"qty":{"type":["string","number","boolean"]}},"required":["sku","qty"]},"properties":{"sku":{"type":["string","number","boolean"]},"qty":{"type":["string","number","boolean"]}},"required":["sku","qty"]}},"required":["items"]}""" },
        // Dotted names are members of nested objects.
        { "{{user.name}} {{user.address.city}}", """{"type":"object","properties":{"user":{"type":"object","properties":{"name":{"type":["string","number","boolean"]},"address":{"type":"object","properties":{"city":{"type":["string","number","boolean"]}},"required":["city"]}},"required":["name","address"]}},"required":["user"]}""" },
        // A name also used outside every section is the top-level one, not a member of the item.
        { "{{shop}}:{{#items}}{{sku}}@{{shop}}{{/items}}", """{"type":"object","properties":{"shop":{"type":["string","number","boolean"]},"items":{"type":["array","object"],"items":{"type":"object","properties":{"sku":{"type":["string","number","boolean"]}},"required":["sku"]},"properties":{"sku":{"type":["string","number","boolean"]}},"required":["sku"]}},"required":["shop","items"]}""" },
        // A name that names an enclosing section is looked up where that section is.
        { "{{#user}}{{user.id}}{{/user}}", """{"type":"object","properties":{"user":{"type":"object","properties":{"id":{"type":["string","number","boolean"]}},"required":["id"]}},"required":["user"]}""" },
        // Names inside an inverted section belong where the inverted section is.
        { "{{^items}}none for {{who}}{{/items}}", """{"type":"object","properties":{"items":{"type":"boolean"},"who":{"type":["string","number","boolean"]}},"required":["items","who"]}""" },
        // A value written and also used as a section is a scalar (a conditional on its presence).
        { "{{#nick}}aka {{nick}}{{/nick}}", """{"type":"object","properties":{"nick":{"type":["string","number","boolean"]}},"required":["nick"]}""" },
        // Contradictory uses (written as a value and as an object) are left unconstrained.
        { "{{a}} {{a.b}}", """{"type":"object","properties":{"a":{}},"required":["a"]}""" },
        // No variables: an object with none required.
        { "plain text", """{"type":"object","properties":{},"required":[]}""" },
    };

    [Theory]
    [MemberData(nameof(Inferences))]
    public void The_variables_schema_is_inferred_from_the_template_by_the_documented_rules(string template, string expected)
    {
        var prompt = Prompt(template);

        Assert.True(prompt.VariablesInferred);
        Assert.Equal(expected, Text(prompt.Variables.ToArray()));
    }

    [Fact]
    public void An_inferred_section_accepts_a_list_or_one_object()
    {
        var prompt = Prompt("{{#items}}[{{sku}}]{{/items}}");

        Assert.Equal("[a][b]", Render(prompt, """{"items":[{"sku":"a"},{"sku":"b"}]}"""));
        Assert.Equal("[c]", Render(prompt, """{"items":{"sku":"c"}}"""));
        Assert.Equal("", Render(prompt, """{"items":[]}"""));
    }

    // Rendering: validation first

    [Fact]
    public void Valid_variables_render_the_text()
    {
        var prompt = Prompt("Weather in {{city}}{{#days}} for {{days}} days{{/days}}.", Declared);

        Assert.Equal("Weather in Oslo for 3 days.", Render(prompt, """{"city":"Oslo","days":3}"""));
        Assert.Equal("Weather in Oslo.", Render(prompt, """{"city":"Oslo"}"""));
    }

    [Fact]
    public void A_missing_required_variable_fails_validation_naming_it()
    {
        var e = RenderFails(Prompt("Weather in {{city}}", Declared), """{"days":3}""");

        var problem = Assert.Single(e.Problems);
        Assert.Equal("#", problem.Pointer);
        Assert.Contains("city", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_optional_variable_that_the_template_writes_is_an_error_not_an_empty_string()
    {
        var e = RenderFails(Prompt("Weather in {{city}} for {{days}} days", Declared), """{"city":"Oslo"}""");

        var problem = Assert.Single(e.Problems);
        Assert.Equal("#/days", problem.Pointer);
        Assert.Contains("'days' is missing", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_inferred_variable_fails_validation_naming_it()
    {
        var e = RenderFails(Prompt("{{greeting}}, {{name}}"), """{"greeting":"Hi"}""");

        Assert.Contains(e.Problems, p => p.Message.Contains("name", StringComparison.Ordinal));
    }

    [Fact]
    public void Extra_variables_are_allowed_when_the_schema_allows_them()
    {
        Assert.Equal("Weather in Oslo", Render(Prompt("Weather in {{city}}", Declared), """{"city":"Oslo","unused":[1,2],"mood":"sunny"}"""));
        Assert.Equal("Hi Ada", Render(Prompt("Hi {{name}}"), """{"name":"Ada","unused":{}}"""));
    }

    [Fact]
    public void Extra_variables_are_refused_with_their_pointer_when_the_schema_closes_the_object()
    {
        var prompt = Prompt("Weather in {{city}}", """{"type":"object","properties":{"city":{"type":"string"}},"additionalProperties":false}""");

        var e = RenderFails(prompt, """{"city":"Oslo","mood":"sunny"}""");

        Assert.Contains(e.Problems, p => p.Pointer is "#/mood" or "#" && p.Message.Contains("mood", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"city":42}""", "#/city")]
    [InlineData("""{"city":"Oslo","days":"three"}""", "#/days")]
    [InlineData("""{"city":"Oslo","days":0}""", "#/days")]
    [InlineData("""[]""", "#")]
    public void An_ill_typed_variable_fails_validation_with_its_pointer(string variables, string pointer)
    {
        var e = RenderFails(Prompt("Weather in {{city}}", Declared), variables);

        Assert.Contains(e.Problems, p => p.Pointer == pointer);
    }

    [Fact]
    public void An_ill_typed_member_of_a_list_item_is_located_at_that_item()
    {
        var e = RenderFails(Prompt("{{#items}}{{sku}}{{/items}}"), """{"items":[{"sku":"a"},{"sku":{"nested":true}}]}""");

        Assert.Contains(e.Problems, p => p.Pointer == "#/items/1/sku");
    }

    [Fact]
    public void An_inferred_scalar_refuses_an_object_before_rendering()
    {
        var e = RenderFails(Prompt("Hi {{name}}"), """{"name":{"first":"Ada"}}""");

        Assert.Equal("#/name", Assert.Single(e.Problems).Pointer);
    }

    [Fact]
    public void Malformed_variables_are_refused()
    {
        var e = RenderFails(Prompt("Hi {{name}}"), """{"name":""");

        Assert.Contains("not valid JSON", Assert.Single(e.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rendered_values_are_not_escaped()
    {
        Assert.Equal("Q: a < b && \"c\" > 'd'", Render(Prompt("Q: {{q}}"), """{"q":"a < b && \"c\" > 'd'"}"""));
    }

    // Budgets

    [Fact]
    public void Iterating_beyond_the_step_budget_is_a_budget_error()
    {
        var prompt = Prompt("{{#a}}{{#a}}{{#a}}{{.}}{{/a}}{{/a}}{{/a}}", """{"type":"object","properties":{"a":{"type":"array"}}}""");
        var items = "[" + string.Join(',', Enumerable.Range(0, 100)) + "]";
        var budget = new WorkBudget(new WorkLimits { MaxSteps = 10_000 });

        var e = Assert.Throws<TooComplexException>(() => prompt.Render(Encoding.UTF8.GetBytes($$"""{"a":{{items}}}"""), budget));

        Assert.StartsWith("Rendering the prompt needs more than 10,000 steps of work", e.Message, StringComparison.Ordinal);
        Assert.InRange(budget.StepsUsed, 1, 10_000);
    }

    [Fact]
    public void Nested_sections_over_a_long_list_end_with_a_budget_error_before_the_output_limit()
    {
        var prompt = Prompt("{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}", """{"type":"object","properties":{"a":{"type":"array"}}}""");
        var items = "[" + string.Join(',', Enumerable.Range(0, 1000)) + "]";
        var budget = new WorkBudget(new WorkLimits { MaxSteps = 1_000_000 });

        // 1000^5 iterations writing nothing: only the steps stop it.
        var e = Assert.Throws<TooComplexException>(() => prompt.Render(Encoding.UTF8.GetBytes($$"""{"a":{{items}}}"""), budget, new PromptRenderLimits { MaxOutputBytes = int.MaxValue }));

        Assert.Contains("1,000,000 steps of work", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sections_open_deeper_than_the_render_limit_are_a_budget_error()
    {
        var prompt = Prompt("{{#a}}{{#b}}{{#c}}{{d}}{{/c}}{{/b}}{{/a}}");
        var variables = Encoding.UTF8.GetBytes("""{"a":{"b":{"c":{"d":1}}}}""");

        Assert.Equal("1", prompt.Render(variables, null, new PromptRenderLimits { MaxSectionDepth = 3 }));
        var e = Assert.Throws<TooComplexException>(() => prompt.Render(variables, null, new PromptRenderLimits { MaxSectionDepth = 2 }));

        Assert.StartsWith("Rendering the prompt opens more than 2 nested sections", e.Message, StringComparison.Ordinal);
        Assert.Contains("'{{#c}}', line 1, column 13", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inverted_sections_count_towards_the_depth_limit()
    {
        var prompt = Prompt("{{^a}}{{^b}}x{{/b}}{{/a}}");

        Assert.Throws<TooComplexException>(() => prompt.Render("""{"a":false,"b":false}"""u8, null, new PromptRenderLimits { MaxSectionDepth = 1 }));
    }

    [Fact]
    public void Output_larger_than_the_limit_is_a_budget_error()
    {
        var prompt = Prompt("{{#rows}}{{.}}\n{{/rows}}");
        var rows = "[" + string.Join(',', Enumerable.Repeat("\"0123456789\"", 20)) + "]";
        var variables = Encoding.UTF8.GetBytes($$"""{"rows":{{rows}}}""");

        Assert.Equal(220, prompt.Render(variables, null, new PromptRenderLimits { MaxOutputBytes = 220 }).Length);
        var e = Assert.Throws<TooComplexException>(() => prompt.Render(variables, null, new PromptRenderLimits { MaxOutputBytes = 219 }));

        Assert.Equal("Rendering the prompt writes more than 219 bytes of text, the most one render may write.", e.Message);
    }

    [Fact]
    public void The_output_limit_counts_utf8_bytes_not_characters()
    {
        var prompt = Prompt("{{s}}");

        // Four characters of three bytes each.
        Assert.Throws<TooComplexException>(() => prompt.Render("""{"s":"€€€€"}"""u8, null, new PromptRenderLimits { MaxOutputBytes = 11 }));
        Assert.Equal("€€€€", prompt.Render("""{"s":"€€€€"}"""u8, null, new PromptRenderLimits { MaxOutputBytes = 12 }));
    }

    [Fact]
    public void A_cancelled_request_stops_rendering()
    {
        var prompt = Prompt("{{#a}}{{.}}{{/a}}", """{"type":"object","properties":{"a":{"type":"array"}}}""");
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => prompt.Render("""{"a":[1,2,3]}"""u8, cancellation.Token));
    }
}

/// <summary>Source-generated JSON for the prompt tests (no reflection).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class PromptTestJson : System.Text.Json.Serialization.JsonSerializerContext;
