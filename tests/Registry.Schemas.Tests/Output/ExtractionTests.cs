using System.Text;
using Registry.Schemas.Output;
using Registry.Schemas.Validation;
using TestSchemas = Registry.Schemas.Tests.Validation.Schemas;

namespace Registry.Schemas.Tests.Output;

public sealed class ExtractionTests
{
    private static readonly CompiledSchema Answer = TestSchemas.Compile("""
        {"type":"object","properties":{"answer":{"type":"integer"}},"required":["answer"],"additionalProperties":false}
        """);

    private static string Extracted(string text, ModelOutputResult result)
    {
        var e = result.Extraction!;
        return Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text).AsSpan(e.Start, e.Length));
    }

    [Fact]
    public void The_whole_text_is_the_value_when_it_is_json()
    {
        const string text = "  {\"answer\": 42}\n";

        var result = Outputs.Check(text, Answer);

        Assert.Equal(OutputVerdict.Valid, result.Verdict);
        Assert.Equal(ExtractionSource.Whole, result.Extraction!.Source);
        Assert.Equal("{\"answer\": 42}", Extracted(text, result));
    }

    [Fact]
    public void A_json_fence_inside_prose_is_extracted_with_its_span_and_language()
    {
        const string text = "Sure! Here is the result:\n\n```json\n{\"answer\": 42}\n```\n\nLet me know if you need more.";

        var result = Outputs.Check(text, Answer);

        Assert.Equal(OutputVerdict.Valid, result.Verdict);
        Assert.Equal(ExtractionSource.Fence, result.Extraction!.Source);
        Assert.Equal("json", result.Extraction.Language);
        Assert.Equal("{\"answer\": 42}", Extracted(text, result));
    }

    [Fact]
    public void An_untagged_or_tilde_fence_is_extracted_too()
    {
        Assert.Equal(ExtractionSource.Fence, Outputs.Check("Result:\n```\n{\"answer\": 1}\n```", Answer).Extraction!.Source);
        Assert.Equal(ExtractionSource.Fence, Outputs.Check("Result:\n~~~JSON\n{\"answer\": 1}\n~~~", Answer).Extraction!.Source);
    }

    [Fact]
    public void A_bare_object_after_or_before_prose_is_extracted()
    {
        const string after = "The answer to your question is {\"answer\": 7}.";
        const string before = "{\"answer\": 7}\nI computed this by adding 3 and 4.";

        Assert.Equal("{\"answer\": 7}", Extracted(after, Outputs.Check(after, Answer)));
        var result = Outputs.Check(before, Answer);
        Assert.Equal(ExtractionSource.Text, result.Extraction!.Source);
        Assert.Equal(0, result.Extraction.Start);
        Assert.True(result.IsValid);
    }

    [Fact]
    public void Of_several_candidates_the_first_that_validates_is_taken()
    {
        const string text = "For example {\"foo\": 1} or [1, 2]. The real answer: {\"answer\": 3}";

        var result = Outputs.Check(text, Answer);

        Assert.Equal(OutputVerdict.Valid, result.Verdict);
        Assert.Equal(2, result.Extraction!.Candidate);
        Assert.Equal(3, result.Extraction.Candidates);
        Assert.Equal("{\"answer\": 3}", Extracted(text, result));
    }

    [Fact]
    public void Without_preferring_valid_output_the_first_candidate_is_taken()
    {
        const string text = "For example {\"foo\": 1}. The real answer: {\"answer\": 3}";

        var result = Outputs.Check(text, Answer, new ModelOutputOptions { PreferValid = false });

        Assert.Equal(OutputVerdict.Invalid, result.Verdict);
        Assert.Equal(0, result.Extraction!.Candidate);
    }

    [Fact]
    public void When_no_candidate_validates_the_first_one_is_explained()
    {
        const string text = "{\"answer\": \"3\"} and also {\"answer\": 4.5}";

        var result = Outputs.Check(text, Answer);

        Assert.Equal(OutputVerdict.Invalid, result.Verdict);
        Assert.Equal(0, result.Extraction!.Candidate);
        Assert.Equal("/answer", result.Violations[0].InstanceLocation);
    }

    [Fact]
    public void Json_fences_come_before_other_languages_and_before_prose()
    {
        const string text = "Python version:\n```python\n{'answer': 1}\n```\nAs JSON: {\"answer\": 2}\n```json\n{\"answer\": 3}\n```";

        var result = Outputs.Check(text, Answer, new ModelOutputOptions { PreferValid = false, Repairs = RepairKinds.Syntax });

        Assert.Equal("{\"answer\": 3}", Extracted(text, result));
    }

    [Fact]
    public void Braces_in_prose_that_are_not_json_are_passed_over()
    {
        const string text = "Replace {name} with your name and [x] with a number: {\"answer\": 5}";

        var result = Outputs.Check(text, Answer, new ModelOutputOptions { PreferValid = false });

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Text_without_json_has_no_candidate()
    {
        var result = Outputs.Check("I am sorry, I cannot answer that.", Answer);

        Assert.Equal(OutputVerdict.NoJson, result.Verdict);
        Assert.Null(result.Extraction);
        Assert.NotNull(result.Feedback);
    }

    [Fact]
    public void Without_extraction_the_whole_text_must_be_the_value()
    {
        var result = Outputs.Check("Answer: {\"answer\": 1}", Answer, new ModelOutputOptions { Extract = false });

        Assert.Equal(OutputVerdict.Malformed, result.Verdict);
        Assert.Equal(0, result.Violations[0].ByteOffset);
    }

    [Fact]
    public void A_fence_that_closes_before_its_value_does_is_malformed_not_truncated()
    {
        var result = Outputs.Check("```json\n{\"answer\": \n```\n", Answer);

        Assert.Equal(OutputVerdict.Malformed, result.Verdict);
        Assert.Null(result.Truncation);
    }

    [Fact]
    public void A_fence_left_open_at_the_end_of_the_output_holds_truncated_output()
    {
        var result = Outputs.Check("Here:\n```json\n{\"answer\": 1", Answer);

        Assert.Equal(OutputVerdict.Truncated, result.Verdict);
        Assert.Equal(ExtractionSource.Fence, result.Extraction!.Source);
    }

    [Fact]
    public void A_byte_order_mark_is_skipped()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("{\"answer\": 1}")).ToArray();

        var result = Outputs.Check(bytes, Answer);

        Assert.True(result.IsValid);
        Assert.Equal(3, result.Extraction!.Start);
    }

    [Fact]
    public void Offsets_are_bytes_of_the_original_text_even_after_multibyte_prose()
    {
        const string text = "Voilà — réponse 🐲: {\"answer\": 9}";

        var result = Outputs.Check(text, Answer);

        Assert.Equal("{\"answer\": 9}", Extracted(text, result));
        Assert.Equal(Encoding.UTF8.GetByteCount("Voilà — réponse 🐲: "), result.Extraction!.Start);
    }

    [Fact]
    public void Many_brackets_in_prose_are_bounded_work()
    {
        var text = string.Concat(Enumerable.Repeat("{[{[ not json ", 50_000));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var result = Outputs.Check(text, Answer);

        Assert.True(result.Verdict is OutputVerdict.NoJson or OutputVerdict.LimitExceeded or OutputVerdict.Malformed or OutputVerdict.Truncated);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Output_larger_than_the_limit_is_refused()
    {
        var result = Outputs.Check(new string(' ', 2000) + "{}", Answer, new ModelOutputOptions { MaxOutputBytes = 1000 });

        Assert.Equal(OutputVerdict.LimitExceeded, result.Verdict);
        Assert.Equal("limit", result.Violations[0].Keyword);
    }

    [Fact]
    public void Output_nested_past_the_depth_limit_is_refused()
    {
        var result = Outputs.Check(new string('[', 300) + new string(']', 300), null);

        Assert.Equal(OutputVerdict.LimitExceeded, result.Verdict);
    }

    [Fact]
    public void A_small_work_budget_ends_the_search_as_a_limit()
    {
        var text = string.Concat(Enumerable.Repeat("{\"a\": [1, 2, 3]} ", 100));

        var result = Outputs.Check(text, Answer, new ModelOutputOptions { MaxWorkSteps = 50 });

        Assert.Equal(OutputVerdict.LimitExceeded, result.Verdict);
    }

    [Fact]
    public void Cancellation_stops_the_check()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => ModelOutputChecker.Check("{\"answer\": 1}", Answer, null, cancelled.Token));
    }
}
