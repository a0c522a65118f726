using System.Text;
using System.Text.Json;
using Registry.Schemas.Output;
using Registry.Schemas.Validation;
using TestSchemas = Registry.Schemas.Tests.Validation.Schemas;

namespace Registry.Schemas.Tests.Output;

public sealed class TruncationTests
{
    private const string Schema = """
        {
          "type": "object",
          "properties": {
            "name": { "type": "string" },
            "done": { "type": "boolean" },
            "score": { "type": "number" },
            "steps": { "type": "array", "items": { "type": "object", "properties": { "say": { "type": "string" }, "n": { "type": "integer" } }, "required": ["say"] } },
            "owner": { "type": ["string", "null"] }
          },
          "required": ["name", "steps"],
          "additionalProperties": false
        }
        """;

    private const string Document = """
        {"name": "plan \"A\" \u00e9", "done": false, "score": -1.25e2, "steps": [{"say": "hi", "n": 1}, {"say": "ok"}], "owner": null}
        """;

    private static readonly CompiledSchema Compiled = TestSchemas.Compile(Schema);

    [Fact]
    public void Output_cut_at_every_byte_is_truncated_never_invalid_and_what_was_complete_is_valid_json()
    {
        var bytes = Encoding.UTF8.GetBytes(Document.Trim());
        Assert.True(Compiled.Validate(bytes).IsValid);
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var result = Outputs.Check(bytes.AsSpan(0, cut), Compiled);

            Assert.True(result.Verdict == OutputVerdict.Truncated, $"cut at {cut}: {result.Verdict} {string.Join("; ", result.Violations.Select(v => v.Message))}");
            var truncation = result.Truncation!;
            Assert.True(truncation.CanStillBeValid);
            Assert.Equal(cut, truncation.CutOffset);
            using var completed = JsonDocument.Parse(truncation.Completed);
            Assert.Equal(JsonValueKind.Object, completed.RootElement.ValueKind);
            Assert.Equal(RetryAdvice.Continue, result.Feedback!.Advice);
        }
    }

    [Fact]
    public void Output_cut_at_every_byte_and_closed_is_either_valid_or_still_truncated_and_closes_into_json()
    {
        var bytes = Encoding.UTF8.GetBytes(Document.Trim());
        var options = new ModelOutputOptions { Repairs = RepairKinds.All };
        var valid = 0;
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var result = Outputs.Check(bytes.AsSpan(0, cut), Compiled, options);

            Assert.True(result.Verdict is OutputVerdict.Truncated or OutputVerdict.Valid, $"cut at {cut}: {result.Verdict}");
            using var closed = JsonDocument.Parse(result.Json);
            Assert.NotNull(result.Truncation);
            if (result.IsValid)
            {
                valid++;
                Assert.Contains(result.Repairs, r => (r.Kind & RepairKinds.CloseTruncated) != 0);
            }
        }

        Assert.True(valid > 10);
    }

    [Fact]
    public void In_partial_mode_a_prefix_that_can_still_become_valid_is_incomplete()
    {
        var bytes = Encoding.UTF8.GetBytes(Document.Trim());
        var options = new ModelOutputOptions { Partial = true };
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var result = Outputs.Check(bytes.AsSpan(0, cut), Compiled, options);

            Assert.Equal(OutputVerdict.Incomplete, result.Verdict);
            Assert.Null(result.Feedback);
        }

        Assert.Equal(OutputVerdict.Valid, Outputs.Check(bytes, Compiled, options).Verdict);
    }

    [Fact]
    public void The_truncation_names_the_value_being_written_what_was_complete_and_what_closes_it()
    {
        var result = Outputs.Check("""{"name": "x", "steps": [{"say": "hel""", Compiled);

        var t = result.Truncation!;
        Assert.Equal(OutputVerdict.Truncated, result.Verdict);
        Assert.Equal("/steps/0/say", t.Path);
        Assert.Equal("""{"name": "x", "steps": [{}]}""", t.CompletedText);
        Assert.Equal("\"}]}", t.Closing);
    }

    [Fact]
    public void A_member_cut_after_its_name_is_dropped_from_what_was_complete()
    {
        var result = Outputs.Check("""{"name": "x", "done": true, "score":""", Compiled, new ModelOutputOptions { Repairs = RepairKinds.All });

        Assert.Equal("""{"name": "x", "done": true}""", result.Truncation!.CompletedText);
        Assert.Equal("""{"name": "x", "done": true}""", result.JsonText);
        Assert.Contains(result.Repairs, r => r.Kind == RepairKinds.IncompleteTail);
        Assert.Equal(OutputVerdict.Truncated, result.Verdict); // closed, it lacks "steps"
    }

    [Fact]
    public void A_number_at_the_cut_may_be_incomplete_and_is_left_out_of_what_was_complete()
    {
        var result = Outputs.Check("""{"name": "x", "steps": [], "score": 12""", Compiled);

        Assert.Equal("""{"name": "x", "steps": []}""", result.Truncation!.CompletedText);
        Assert.Equal("/score", result.Truncation.Path);
    }

    [Fact]
    public void A_violation_in_what_was_written_makes_cut_off_output_invalid_rather_than_truncated()
    {
        var result = Outputs.Check("""{"name": 5, "steps": [{"say": "hel""", Compiled);

        Assert.Equal(OutputVerdict.Invalid, result.Verdict);
        Assert.False(result.Truncation!.CanStillBeValid);
        Assert.Equal("/name", result.Violations[0].InstanceLocation);
        Assert.Equal(RetryAdvice.Retry, result.Feedback!.Advice);
        Assert.Contains("cut off", result.Feedback.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_property_a_closed_object_refuses_is_found_even_when_its_name_was_cut()
    {
        var result = Outputs.Check("""{"name": "x", "colou""", Compiled, new ModelOutputOptions { Partial = true });

        Assert.Equal(OutputVerdict.Invalid, result.Verdict);
        Assert.Equal("additionalProperties", result.Violations[0].Keyword);
    }
}
