using System.Text;
using Registry.Schemas.Output;
using Registry.Schemas.Output.Repair;
using Registry.Schemas.Validation;
using TestSchemas = Registry.Schemas.Tests.Validation.Schemas;

namespace Registry.Schemas.Tests.Output;

/// <summary>
/// The work of extraction and repair is counted in steps against a budget that grows with the input (the default is
/// 32 steps a byte plus 65,536), stops with <see cref="OutputVerdict.LimitExceeded"/> when spent, and checks for
/// cancellation while it runs; streaming sessions hold at most their document limit.
/// </summary>
public sealed class OutputBudgetTests
{
    private static readonly CompiledSchema Answer = TestSchemas.Compile("""
        {"type":"object","properties":{"answer":{"type":"integer"}},"required":["answer"]}
        """);

    public static TheoryData<string> HostileTexts => new()
    {
        "brackets in prose",
        "unclosed fences",
        "deep unclosed arrays",
        "many small values",
        "unterminated strings",
        "repairs everywhere",
    };

    private static byte[] Hostile(string kind, int bytes)
    {
        var unit = kind switch
        {
            "brackets in prose" => "{[{[ not json ",
            "unclosed fences" => "```json\n{\"a\": [1, ",
            "deep unclosed arrays" => "[[[[[[[[[[[[[[[[",
            "many small values" => "{\"a\": [1, 2, 3]} ",
            "unterminated strings" => "{\"a\": \"xx",
            _ => "{a: 'b', c: True, d: None, // c\n e: [1,,],}",
        };
        var sb = new StringBuilder(bytes + unit.Length);
        while (sb.Length < bytes)
        {
            sb.Append(unit);
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    [Theory]
    [MemberData(nameof(HostileTexts))]
    public void Extraction_work_on_hostile_text_is_linear_in_its_size(string kind)
    {
        // Unlimited budget: what the search really costs, which must stay within a constant number of steps a byte.
        foreach (var size in new[] { 10_000, 200_000 })
        {
            var text = Hostile(kind, size);
            var budget = new RepairBudget(long.MaxValue, TestContext.Current.CancellationToken);

            JsonExtractor.Find(text, extract: true, maxDepth: 256, maxCandidates: 16, budget);

            Assert.True(budget.Spent <= 48L * text.Length, $"{kind}, {text.Length} bytes: {budget.Spent} steps");
        }
    }

    [Theory]
    [MemberData(nameof(HostileTexts))]
    public void The_default_budget_ends_the_check_of_hostile_text_within_its_steps(string kind)
    {
        var text = Hostile(kind, 1_000_000);
        var limit = (32L * text.Length) + 65536;
        var budget = new RepairBudget(limit, TestContext.Current.CancellationToken);

        JsonExtractor.Find(text, extract: true, maxDepth: 256, maxCandidates: 16, budget);

        // A charge is made after the work it pays for, so the budget is passed by at most one parse of the text.
        Assert.True(budget.Spent <= limit + text.Length, $"{kind}: {budget.Spent} steps for a budget of {limit}");
        var result = ModelOutputChecker.Check(text, Answer, new ModelOutputOptions { Repairs = RepairKinds.All }, TestContext.Current.CancellationToken);
        Assert.NotEqual(OutputVerdict.Valid, result.Verdict);
    }

    [Fact]
    public void A_budget_smaller_than_the_text_gives_a_limit_verdict_naming_the_work()
    {
        // One value of 100 KB that needs a repair every few bytes: parsing it costs more than 10,000 steps.
        var text = "{" + string.Concat(Enumerable.Repeat("k: 'v', ", 12_500)) + "}";

        var result = ModelOutputChecker.Check(text, Answer, new ModelOutputOptions { Repairs = RepairKinds.All, MaxWorkSteps = 10_000 }, TestContext.Current.CancellationToken);

        Assert.Equal(OutputVerdict.LimitExceeded, result.Verdict);
        Assert.Contains("work", result.Violations[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancellation_is_observed_while_the_text_is_being_searched_not_only_before()
    {
        // The token is checked every 4,096 steps: a search longer than that throws even though Find itself does not
        // look at the token before it starts.
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var text = Hostile("repairs everywhere", 100_000);
        var budget = new RepairBudget(long.MaxValue, cancelled.Token);

        Assert.Throws<OperationCanceledException>(() => JsonExtractor.Find(text, extract: true, maxDepth: 256, maxCandidates: 16, budget));
        Assert.InRange(budget.Spent, 1, 8192 + text.Length);
    }

    [Fact]
    public void A_streaming_session_never_holds_more_than_its_document_limit()
    {
        var session = new StreamingValidationSession(TestSchemas.Compile("{}"), new StreamingOptions { MaxDocumentBytes = 4096 });
        var chunk = Encoding.UTF8.GetBytes("[" + new string('1', 1000));

        for (var i = 0; i < 100; i++)
        {
            session.Feed(chunk.AsSpan(i == 0 ? 0 : 1));
        }

        Assert.False(session.CanStillBeValid);
        Assert.Equal("limit", session.Violations[0].Keyword);
        Assert.True(session.Document.Length <= 4096, $"holds {session.Document.Length} bytes");
        Assert.Equal(ValidationOutcome.LimitExceeded, session.Complete().Outcome);
    }

    [Fact]
    public void Validating_the_extracted_value_is_bounded_by_the_schemas_work_budget()
    {
        // 20,000 items each cost a step or more: past a budget of 5,000 steps the check ends as too complex.
        var options = new SchemaCompilerOptions { Limits = new SchemaLimits { Work = new WorkLimits { MaxSteps = 5_000 } } };
        var schema = TestSchemas.Compile("""{"type":"array","items":{"type":"integer"}}""", options);
        var text = "```json\n[" + string.Join(",", Enumerable.Repeat("1", 20_000)) + "]\n```";

        var e = Assert.Throws<TooComplexException>(() => ModelOutputChecker.Check(text, schema, cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("5,000", e.Message, StringComparison.Ordinal);
        Assert.True(ModelOutputChecker.Check("[1,2,3]", schema, cancellationToken: TestContext.Current.CancellationToken).IsValid);
    }

    [Fact]
    public void The_final_validation_of_a_stream_is_bounded_by_the_schemas_work_budget()
    {
        var options = new SchemaCompilerOptions { Limits = new SchemaLimits { Work = new WorkLimits { MaxSteps = 5_000 } } };
        var schema = TestSchemas.Compile("""{"type":"array","items":{"type":"integer"}}""", options);
        var session = new StreamingValidationSession(schema);
        session.Feed(Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat("1", 20_000)) + "]"));

        Assert.True(session.CanStillBeValid);
        Assert.Throws<TooComplexException>(() => session.Complete());
    }
}
