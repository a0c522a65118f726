using System.Text.Json;
using Registry.Schemas.Artifacts;

namespace Registry.Schemas.Tests.Artifacts;

/// <summary>The registry's Mustache subset: what each tag renders, standalone lines, escaping, and every parse error with its position.</summary>
public sealed class PromptTemplateTests
{
    /// <summary>Renders without a variables schema: the template's own semantics.</summary>
    private static string Render(string template, string variables, PromptRenderLimits? limits = null, WorkBudget? budget = null)
    {
        using var document = JsonDocument.Parse(variables);
        return PromptRenderer.Render(PromptTemplate.Parse(template), document.RootElement, limits, budget);
    }

    private static PromptVariablesException RenderFails(string template, string variables) =>
        Assert.Throws<PromptVariablesException>(() => Render(template, variables));

    [Fact]
    public void A_variable_is_replaced_by_its_value()
    {
        Assert.Equal("Hello, Ada!", Render("Hello, {{name}}!", """{"name":"Ada"}"""));
    }

    [Fact]
    public void Whitespace_inside_a_tag_is_ignored()
    {
        Assert.Equal("Hello, Ada!", Render("Hello, {{  name }}!", """{"name":"Ada"}"""));
    }

    [Fact]
    public void Numbers_are_written_as_their_json_text_and_booleans_as_true_or_false()
    {
        Assert.Equal("1.50 / 42 / true / false", Render("{{a}} / {{b}} / {{c}} / {{d}}", """{"a":1.50,"b":42,"c":true,"d":false}"""));
    }

    [Fact]
    public void A_dotted_name_reads_a_member_of_a_member()
    {
        Assert.Equal("Oslo, NO", Render("{{user.address.city}}, {{user.address.country}}", """{"user":{"address":{"city":"Oslo","country":"NO"}}}"""));
    }

    [Fact]
    public void A_dotted_name_inside_a_section_is_looked_up_through_the_enclosing_contexts()
    {
        Assert.Equal("Ada at Acme;Bob at Acme;",
            Render("{{#people}}{{name}} at {{company.name}};{{/people}}", """{"company":{"name":"Acme"},"people":[{"name":"Ada"},{"name":"Bob"}]}"""));
    }

    [Theory]
    [InlineData("{{x}}")]
    [InlineData("{{{x}}}")]
    [InlineData("{{& x}}")]
    public void Nothing_is_escaped_whichever_form_of_variable_tag_is_used(string template)
    {
        const string text = """<b>"Tom" & 'Jerry'</b> a < b""";

        Assert.Equal(text, Render(template, """{"x":"<b>\"Tom\" & 'Jerry'</b> a < b"}"""));
    }

    [Fact]
    public void A_section_over_a_list_renders_once_per_item_with_the_item_as_context()
    {
        Assert.Equal("- Ada (36)\n- Bob (41)\n",
            Render("{{#people}}\n- {{name}} ({{age}})\n{{/people}}\n", """{"people":[{"name":"Ada","age":36},{"name":"Bob","age":41}]}"""));
    }

    [Fact]
    public void The_implicit_iterator_writes_the_current_item()
    {
        Assert.Equal("red, green, ", Render("{{#tags}}{{.}}, {{/tags}}", """{"tags":["red","green"]}"""));
    }

    [Fact]
    public void A_section_over_an_object_renders_once_with_the_object_as_context()
    {
        Assert.Equal("Ada <ada@example.com>", Render("{{#user}}{{name}} <{{email}}>{{/user}}", """{"user":{"name":"Ada","email":"ada@example.com"}}"""));
    }

    [Theory]
    [InlineData("true", "[shown]")]
    [InlineData("false", "[]")]
    [InlineData("null", "[]")]
    [InlineData("[]", "[]")]
    [InlineData("0", "[shown]")]
    [InlineData("\"\"", "[shown]")]
    [InlineData("{}", "[shown]")]
    public void A_section_renders_for_every_value_but_false_null_and_the_empty_list(string value, string expected)
    {
        Assert.Equal(expected, Render("[{{#flag}}shown{{/flag}}]", $$"""{"flag":{{value}}}"""));
    }

    [Fact]
    public void A_section_whose_name_is_missing_is_skipped_and_its_inverted_section_rendered()
    {
        Assert.Equal("[][none]", Render("[{{#items}}x{{/items}}][{{^items}}none{{/items}}]", "{}"));
    }

    [Theory]
    [InlineData("false", "[empty]")]
    [InlineData("null", "[empty]")]
    [InlineData("[]", "[empty]")]
    [InlineData("true", "[]")]
    [InlineData("[1]", "[]")]
    [InlineData("\"a\"", "[]")]
    public void An_inverted_section_renders_only_for_false_null_the_empty_list_or_a_missing_name(string value, string expected)
    {
        Assert.Equal(expected, Render("[{{^items}}empty{{/items}}]", $$"""{"items":{{value}}}"""));
    }

    [Fact]
    public void Nested_sections_see_the_outer_items()
    {
        Assert.Equal("a1 a2 b1 ",
            Render("{{#groups}}{{#members}}{{group}}{{id}} {{/members}}{{/groups}}", """{"groups":[{"group":"a","members":[{"id":1},{"id":2}]},{"group":"b","members":[{"id":1}]}]}"""));
    }

    [Fact]
    public void Comments_inline_and_over_several_lines_are_removed()
    {
        Assert.Equal("1234567890", Render("12345{{! a comment }}67890", "{}"));
        Assert.Equal("1234567890\n", Render("12345{{!\n  spanning\n  lines\n}}67890\n", "{}"));
    }

    [Theory]
    [InlineData("Begin.\n{{! comment }}\nEnd.\n", "Begin.\nEnd.\n")]
    [InlineData("Begin.\n   {{! indented }}\nEnd.\n", "Begin.\nEnd.\n")]
    [InlineData("|\r\n{{! crlf }}\r\n|", "|\r\n|")]
    [InlineData("  {{! first line }}\n!", "!")]
    [InlineData("!\n  {{! last line, no newline }}", "!\n")]
    [InlineData("Begin.\n{{#on}}\nInside.\n{{/on}}\nEnd.\n", "Begin.\nInside.\nEnd.\n")]
    [InlineData("Begin.\n\t{{^off}}  \nInside.\n  {{/off}}\t\nEnd.\n", "Begin.\nInside.\nEnd.\n")]
    public void A_standalone_section_or_comment_tag_removes_its_whole_line(string template, string expected)
    {
        Assert.Equal(expected, Render(template, """{"on":true,"off":false}"""));
    }

    [Theory]
    [InlineData(" {{#on}}yes{{/on}}\n", " yes\n")]
    [InlineData("a {{! c }}\nb", "a \nb")]
    [InlineData("{{#on}}{{/on}}\n", "\n")]
    [InlineData("  {{name}}\n", "  Ada\n")]
    public void A_tag_sharing_its_line_with_text_or_another_tag_or_a_variable_tag_is_not_standalone(string template, string expected)
    {
        Assert.Equal(expected, Render(template, """{"on":true,"name":"Ada"}"""));
    }

    [Fact]
    public void A_missing_variable_is_an_error_naming_it_never_an_empty_string()
    {
        var e = RenderFails("Hello, {{name}}!", "{}");

        var problem = Assert.Single(e.Problems);
        Assert.Equal("#/name", problem.Pointer);
        Assert.Contains("'name' is missing", problem.Message, StringComparison.Ordinal);
        Assert.Contains("line 1, column 8", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_member_of_a_dotted_name_is_an_error_naming_the_whole_name()
    {
        var e = RenderFails("{{user.address.city}}", """{"user":{"address":{}}}""");

        Assert.Equal("#/user/address/city", Assert.Single(e.Problems).Pointer);
        Assert.Contains("'user.address.city' is missing", e.Problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_variable_missing_in_one_list_item_is_located_at_that_item()
    {
        var e = RenderFails("{{#people}}{{name}}{{/people}}", """{"people":[{"name":"Ada"},{}]}""");

        Assert.Equal("#/people/1/name", Assert.Single(e.Problems).Pointer);
    }

    [Fact]
    public void Every_missing_variable_is_named_not_only_the_first()
    {
        var e = RenderFails("{{a}} {{b}} {{c}}", """{"b":1}""");

        Assert.Equal(["#/a", "#/c"], e.Problems.Select(p => p.Pointer));
    }

    [Theory]
    [InlineData("null", "null")]
    [InlineData("{}", "an object")]
    [InlineData("[1]", "an array")]
    public void Writing_null_an_object_or_a_list_is_an_error_naming_the_variable(string value, string kind)
    {
        var e = RenderFails("{{x}}", $$"""{"x":{{value}}}""");

        Assert.Contains($"'x' is {kind}", Assert.Single(e.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Variable_names_lists_each_name_once_in_order_of_first_use()
    {
        var template = PromptTemplate.Parse("{{b}}{{#items}}{{a.c}}{{.}}{{/items}}{{b}}{{^x}}{{/x}}");

        Assert.Equal(["b", "items", "a.c", "x"], template.VariableNames);
    }

    public static TheoryData<string, PromptTemplateError, int, int> ParseErrors => new()
    {
        { "Hello {{name", PromptTemplateError.UnclosedTag, 1, 7 },
        { "a\n  {{{raw}}", PromptTemplateError.UnclosedTag, 2, 3 },
        { "x {{}} y", PromptTemplateError.EmptyTag, 1, 3 },
        { "{{#  }}{{/x}}", PromptTemplateError.EmptyTag, 1, 1 },
        { "{{first name}}", PromptTemplateError.InvalidName, 1, 1 },
        { "ok\n{{a..b}}", PromptTemplateError.InvalidName, 2, 1 },
        { "{{a.}}", PromptTemplateError.InvalidName, 1, 1 },
        { "line 1\n  {{#items}}\n{{name}}", PromptTemplateError.UnclosedSection, 2, 3 },
        { "{{#a}}{{#b}}{{/a}}{{/b}}", PromptTemplateError.MismatchedClose, 1, 13 },
        { "text {{/a}}", PromptTemplateError.UnexpectedClose, 1, 6 },
        { "{{> header}}", PromptTemplateError.PartialNotSupported, 1, 1 },
        { "x\n{{=<% %>=}}", PromptTemplateError.DelimiterChangeNotSupported, 2, 1 },
        { "{{<parent}}{{/parent}}", PromptTemplateError.InheritanceNotSupported, 1, 1 },
        { "{{$block}}{{/block}}", PromptTemplateError.InheritanceNotSupported, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(ParseErrors))]
    public void Each_parse_error_is_named_with_its_line_and_column(string template, PromptTemplateError error, int line, int column)
    {
        var e = Assert.Throws<PromptTemplateException>(() => PromptTemplate.Parse(template));

        Assert.Equal((error, line, column), (e.Error, e.Line, e.Column));
        Assert.StartsWith($"line {line}, column {column}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mismatched_close_names_the_section_it_should_close_and_where_it_opened()
    {
        var e = Assert.Throws<PromptTemplateException>(() => PromptTemplate.Parse("{{#a}}\n{{/b}}"));

        Assert.Equal("line 2, column 1: '{{/b}}' does not close the open section '{{#a}}' (line 1, column 1).", e.Message);
    }

    [Fact]
    public void Sections_nested_deeper_than_the_limit_are_refused_when_parsed()
    {
        var depth = PromptTemplate.MaxNesting + 1;
        var template = string.Concat(Enumerable.Range(0, depth).Select(i => $"{{{{#s{i}}}}}")) + string.Concat(Enumerable.Range(0, depth).Reverse().Select(i => $"{{{{/s{i}}}}}"));

        var e = Assert.Throws<PromptTemplateException>(() => PromptTemplate.Parse(template));

        Assert.Equal(PromptTemplateError.NestedTooDeep, e.Error);
    }

    [Fact]
    public void Sections_nested_to_the_limit_parse()
    {
        var depth = PromptTemplate.MaxNesting;
        var template = string.Concat(Enumerable.Range(0, depth).Select(i => $"{{{{#s{i}}}}}")) + string.Concat(Enumerable.Range(0, depth).Reverse().Select(i => $"{{{{/s{i}}}}}"));

        Assert.Equal(depth, PromptTemplate.Parse(template).VariableNames.Count);
    }
}
