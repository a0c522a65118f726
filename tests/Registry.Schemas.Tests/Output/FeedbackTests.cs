using System.Text.Json;
using Registry.Schemas.Output;
using Registry.Schemas.Validation;
using TestSchemas = Registry.Schemas.Tests.Validation.Schemas;

namespace Registry.Schemas.Tests.Output;

public sealed class FeedbackTests
{
    private static readonly CompiledSchema Order = TestSchemas.Compile("""
        {
          "type": "object",
          "properties": {
            "id": { "type": "string", "pattern": "^ORD-[0-9]+$" },
            "status": { "enum": ["pending", "shipped", "delivered"] },
            "quantity": { "type": "integer", "minimum": 1 },
            "items": { "type": "array", "maxItems": 2, "items": { "type": "string" } },
            "email": { "type": "string", "minLength": 3 }
          },
          "required": ["id", "status"],
          "additionalProperties": false
        }
        """);

    private static OutputFeedback Feedback(string output, CompiledSchema? schema = null, ModelOutputOptions? options = null)
    {
        var result = Outputs.Check(output, schema ?? Order, options);
        Assert.NotEqual(OutputVerdict.Valid, result.Verdict);
        return result.Feedback!;
    }

    private static FeedbackItem Item(OutputFeedback feedback, string path) => Assert.Single(feedback.Items, i => i.Path == path);

    [Fact]
    public void A_wrong_type_names_the_path_the_expected_type_and_the_value_received()
    {
        var feedback = Feedback("""{"id": "ORD-1", "status": "pending", "quantity": "two"}""");

        var item = Item(feedback, "/quantity");
        Assert.Equal("an integer", item.Expected);
        Assert.Equal("the string \"two\"", item.Received);
        Assert.Contains("/quantity", feedback.Text, StringComparison.Ordinal);
        Assert.Contains("an integer", feedback.Text, StringComparison.Ordinal);
        Assert.Contains("\"two\"", feedback.Text, StringComparison.Ordinal);
        Assert.Equal(RetryAdvice.Retry, feedback.Advice);
    }

    [Fact]
    public void An_enum_violation_lists_the_allowed_values_and_quotes_the_value_received()
    {
        var feedback = Feedback("""{"id": "ORD-1", "status": "sent"}""");

        var item = Item(feedback, "/status");
        Assert.Equal("one of \"pending\", \"shipped\", \"delivered\"", item.Expected);
        Assert.Equal("the string \"sent\"", item.Received);
    }

    [Fact]
    public void A_missing_required_property_is_named()
    {
        var feedback = Feedback("""{"id": "ORD-1"}""");

        var item = Item(feedback, "");
        Assert.Contains("\"status\"", item.Expected, StringComparison.Ordinal);
        Assert.Contains("the required property \"status\" is missing", item.Text, StringComparison.Ordinal);
        Assert.Contains("the root", item.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_property_that_is_not_allowed_is_named_with_the_allowed_ones()
    {
        var feedback = Feedback("""{"id": "ORD-1", "status": "pending", "note": "fragile"}""");

        var item = Item(feedback, "/note");
        Assert.Equal("the property \"note\"", item.Received);
        Assert.Contains("\"quantity\"", item.Expected, StringComparison.Ordinal);
        Assert.Contains("\"note\" is not allowed", item.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Bounds_lengths_patterns_and_counts_say_the_limit_and_the_value()
    {
        var feedback = Feedback("""{"id": "order 1", "status": "pending", "quantity": 0, "items": ["a", "b", "c"], "email": "x"}""");

        Assert.Equal("a string matching the pattern ^ORD-[0-9]+$", Item(feedback, "/id").Expected);
        Assert.Equal("the string \"order 1\"", Item(feedback, "/id").Received);
        Assert.Equal("a number greater than or equal to 1", Item(feedback, "/quantity").Expected);
        Assert.Equal("the number 0", Item(feedback, "/quantity").Received);
        Assert.Equal("at most 2 items", Item(feedback, "/items").Expected);
        Assert.Equal("3 items", Item(feedback, "/items").Received);
        Assert.Equal("a string of at least 3 characters", Item(feedback, "/email").Expected);
        Assert.Contains("(1 character)", Item(feedback, "/email").Received, StringComparison.Ordinal);
    }

    [Fact]
    public void Alternatives_that_all_fail_are_explained_one_by_one()
    {
        var schema = TestSchemas.Compile("""{"properties":{"v":{"anyOf":[{"type":"integer"},{"type":"string","maxLength":2}]}}}""");

        var feedback = Feedback("""{"v": "long"}""", schema);

        var item = Item(feedback, "/v");
        Assert.Contains("at least one of the alternatives", item.Expected, StringComparison.Ordinal);
        Assert.Contains("not of type integer", item.Text, StringComparison.Ordinal);
        Assert.Contains("longer than 2", item.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_models_own_output_is_echoed_when_it_is_short_and_not_when_it_is_long()
    {
        const string output = """{"id": "ORD-1", "status": "lost"}""";

        Assert.Contains(output, Feedback(output).Text, StringComparison.Ordinal);
        var feedback = Feedback(output, options: new ModelOutputOptions { MaxEchoBytes = 10 });
        Assert.DoesNotContain(output, feedback.Text, StringComparison.Ordinal);
        Assert.Contains("first 10 bytes", feedback.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_output_is_pointed_at_by_line_and_column_with_the_line_quoted()
    {
        var feedback = Feedback("{\n  \"id\": \"ORD-1\",\n  \"status\" \"pending\"\n}");

        Assert.Contains("line 3, column 12", feedback.Text, StringComparison.Ordinal);
        Assert.Contains("  \"status\" \"pending\"\n           ^", feedback.Text, StringComparison.Ordinal);
        Assert.Contains("expected ':' after the property name", feedback.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_that_is_not_strict_json_is_told_what_to_fix()
    {
        var feedback = Feedback("{'id': 'ORD-1', 'status': 'pending',}");

        Assert.Contains("single quotes instead of double quotes", feedback.Text, StringComparison.Ordinal);
        Assert.Contains("a comma before a closing bracket", feedback.Text, StringComparison.Ordinal);
        Assert.Contains("line 1, column 1", feedback.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_without_json_is_asked_for_json_only()
    {
        var feedback = Feedback("I'd be happy to help with your order!");

        Assert.Contains("contains no JSON", feedback.Summary, StringComparison.Ordinal);
        Assert.Contains("only the JSON value", feedback.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_output_is_asked_to_continue_from_where_it_stopped()
    {
        var feedback = Feedback("""{"id": "ORD-1", "status": "pending", "items": ["bo""");

        Assert.Equal(RetryAdvice.Continue, feedback.Advice);
        Assert.Contains("/items/0", feedback.Summary, StringComparison.Ordinal);
        Assert.Contains("\"items\": [\"bo", feedback.Text, StringComparison.Ordinal);
        Assert.Contains("Continue exactly where the output stopped", feedback.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("false", "allows no value")]
    [InlineData("""{"allOf":[{"type":"string"},{"type":"number"}]}""", "allows no type")]
    [InlineData("""{"type":"string","enum":[1,2]}""", "allows no type")]
    [InlineData("""{"type":"number","minimum":5,"maximum":1}""", "at least 5 and at most 1")]
    [InlineData("""{"type":"number","exclusiveMinimum":1,"maximum":1}""", "greater than 1 and at most 1")]
    [InlineData("""{"type":"string","minLength":4,"maxLength":2}""", "at least 4 and at most 2")]
    [InlineData("""{"type":"array","minItems":3,"maxItems":1}""", "at least 3 and at most 1")]
    [InlineData("""{"type":"object","properties":{"a":false},"required":["a"]}""", "'a' is not allowed")]
    [InlineData("""{"type":"object","additionalProperties":false,"required":["a"]}""", "'a' is not allowed")]
    [InlineData("""{"type":"object","required":["a","b"],"maxProperties":1}""", "at least 2 and at most 1")]
    [InlineData("""{"$defs":{"n":{"type":"integer","minimum":3,"maximum":2}},"type":"object","properties":{"a":{"$ref":"#/$defs/n"}},"required":["a"]}""", "the required property 'a'")]
    public void A_schema_no_output_can_satisfy_is_not_worth_a_retry(string schemaText, string reason)
    {
        var feedback = Feedback("""{"a": 1}""", TestSchemas.Compile(schemaText));

        Assert.Equal(RetryAdvice.DoNotRetry, feedback.Advice);
        Assert.False(feedback.Retryable);
        Assert.Contains(reason, feedback.NotRetryableReason, StringComparison.Ordinal);
        Assert.Contains("No answer can be accepted", feedback.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":["number","string"],"minimum":5,"maximum":1}""")]
    [InlineData("""{"type":"object","properties":{"a":false}}""")]
    [InlineData("""{"anyOf":[false,{"type":"integer"}]}""")]
    [InlineData("""{"type":"string","pattern":"^$","minLength":1}""")]
    public void A_schema_that_some_output_satisfies_is_worth_a_retry(string schemaText)
    {
        var feedback = Feedback("""{"a": 1}""", TestSchemas.Compile(schemaText));

        Assert.Equal(RetryAdvice.Retry, feedback.Advice);
        Assert.Null(feedback.NotRetryableReason);
    }

    [Fact]
    public void The_openai_message_is_a_tool_message_answering_the_call()
    {
        var feedback = Feedback("""{"id": 1, "status": "pending"}""");

        using var message = JsonDocument.Parse(feedback.OpenAIToolMessage("call_abc"));

        Assert.Equal("tool", message.RootElement.GetProperty("role").GetString());
        Assert.Equal("call_abc", message.RootElement.GetProperty("tool_call_id").GetString());
        Assert.Equal(feedback.Text, message.RootElement.GetProperty("content").GetString());
    }

    [Fact]
    public void The_anthropic_message_is_a_user_turn_with_an_error_tool_result()
    {
        var feedback = Feedback("""{"id": 1, "status": "pending"}""");

        using var message = JsonDocument.Parse(feedback.AnthropicToolResult("toolu_01"));

        Assert.Equal("user", message.RootElement.GetProperty("role").GetString());
        var block = message.RootElement.GetProperty("content")[0];
        Assert.Equal("tool_result", block.GetProperty("type").GetString());
        Assert.Equal("toolu_01", block.GetProperty("tool_use_id").GetString());
        Assert.True(block.GetProperty("is_error").GetBoolean());
        Assert.Equal(feedback.Text, block.GetProperty("content").GetString());
    }

    [Fact]
    public void The_result_as_json_carries_the_verdict_errors_feedback_and_messages()
    {
        var result = Outputs.Check("```json\n{\"id\": \"ORD-1\", \"status\": \"sent\",}\n```", Order, new ModelOutputOptions { Repairs = RepairKinds.Syntax });

        using var json = JsonDocument.Parse(ModelOutputJson.ToJson(result, "call_9"));
        var root = json.RootElement;

        Assert.Equal("invalid", root.GetProperty("verdict").GetString());
        Assert.Equal("fence", root.GetProperty("extraction").GetProperty("source").GetString());
        Assert.Equal("trailing_comma", root.GetProperty("repairs")[0].GetProperty("kind").GetString());
        Assert.Equal("sent", root.GetProperty("value").GetProperty("status").GetString());
        Assert.Equal("/status", root.GetProperty("errors")[0].GetProperty("instance_location").GetString());
        Assert.Equal("invalid", root.GetProperty("validation").GetProperty("outcome").GetString());
        Assert.Equal("retry", root.GetProperty("feedback").GetProperty("advice").GetString());
        Assert.Equal("call_9", root.GetProperty("feedback").GetProperty("messages").GetProperty("openai").GetProperty("tool_call_id").GetString());
    }

    [Fact]
    public void Valid_output_has_no_feedback()
    {
        var result = Outputs.Check("""{"id": "ORD-7", "status": "shipped"}""", Order);

        Assert.True(result.IsValid);
        Assert.Null(result.Feedback);
        Assert.Empty(result.Violations);
    }
}
