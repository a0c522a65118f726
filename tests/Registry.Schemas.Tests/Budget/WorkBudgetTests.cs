using System.Diagnostics;
using System.Text;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;
using Registry.Schemas.Validation.Evaluation;
using TestSchemas = Registry.Schemas.Tests.Validation.Schemas;

namespace Registry.Schemas.Tests.Budget;

/// <summary>How compilation, validation and comparison spend a <see cref="WorkBudget"/>, and what they say when it runs out.</summary>
public sealed class WorkBudgetTests
{
    [Fact]
    public void Validation_beyond_the_step_budget_ends_with_an_error_naming_what_was_too_costly()
    {
        var schema = TestSchemas.Compile(HostileInputTests.Chain(24));
        schema.Memo = MemoPolicy.Never; // the plain exponential evaluation: only the budget stops it
        var budget = new WorkBudget(new WorkLimits { MaxSteps = 100_000 });

        var e = Assert.Throws<TooComplexException>(() => schema.Evaluate("\"abc\""u8, budget));

        Assert.Equal(WorkResource.Steps, e.Resource);
        Assert.Equal("validating the document", e.Operation);
        Assert.StartsWith("Validating the document needs more than 100,000 steps of work, the most one request may use (at schema location #/$defs/l", e.Message,
            StringComparison.Ordinal);
        Assert.InRange(budget.StepsUsed, 100_000, 100_000 + EvaluationStateStepsPerPoll);
    }

    private const int EvaluationStateStepsPerPoll = EvaluationState.PollInterval + 64;

    [Fact]
    public void Without_a_budget_each_validation_gets_the_schema_limits_work_budget()
    {
        var options = new SchemaCompilerOptions { Limits = new SchemaLimits { Work = new WorkLimits { MaxSteps = 50_000 } } };
        var schema = TestSchemas.Compile(HostileInputTests.Chain(24), options);
        schema.Memo = MemoPolicy.Never;

        var e = Assert.Throws<TooComplexException>(() => schema.Evaluate("\"abc\""u8));
        Assert.Equal(WorkResource.Steps, e.Resource);

        // The same schema memoising (the default) is answered well within the same budget.
        schema.Memo = MemoPolicy.Auto;
        Assert.Equal(ValidationOutcome.Valid, schema.Evaluate("\"abc\""u8));
    }

    [Fact]
    public void A_batch_shares_one_budget()
    {
        var schema = TestSchemas.Compile("""{ "type": "array", "items": { "type": "integer" } }""");
        var document = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Range(0, 1_000)) + "]");
        var one = new WorkBudget();
        schema.Evaluate(document, one);
        var batch = new WorkBudget(new WorkLimits { MaxSteps = one.StepsUsed * 5 / 2 });

        schema.Evaluate(document, batch);
        schema.Evaluate(document, batch);

        Assert.Equal(2 * one.StepsUsed, batch.StepsUsed);
        Assert.Throws<TooComplexException>(() => schema.Validate(document, 10, batch));
    }

    [Fact]
    public void A_cancelled_request_stops_validating()
    {
        var schema = TestSchemas.Compile(HostileInputTests.Chain(40));
        schema.Memo = MemoPolicy.Never; // 2^40 steps: hours, unless stopped
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var budget = new WorkBudget(new WorkLimits { MaxSteps = long.MaxValue / 4 }, cancellation.Token);
        var watch = Stopwatch.StartNew();

        Assert.ThrowsAny<OperationCanceledException>(() => schema.Evaluate("\"abc\""u8, budget));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public void A_request_cancelled_before_it_starts_does_no_work()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        var budget = new WorkBudget(null, cancellation.Token);
        var schema = TestSchemas.Compile("""{ "type": "integer" }""");

        Assert.ThrowsAny<OperationCanceledException>(() => schema.Evaluate("1"u8, budget));
        Assert.ThrowsAny<OperationCanceledException>(() => SchemaCompiler.Compile("""{ "type": "integer" }"""u8, null, budget));
        Assert.ThrowsAny<OperationCanceledException>(() => CompatibilityChecker.Check("{}"u8.ToArray(), ["{}"u8.ToArray()], CompatibilityLevel.Backward,
            CompatibilityPolicy.Strict, CompatibilityOptions.Default, budget));
    }

    [Fact]
    public void A_cancelled_request_stops_comparing()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var budget = new WorkBudget(new WorkLimits { MaxSteps = long.MaxValue / 4 }, cancellation.Token);
        var old = WideAnyOf(3_000, "integer");
        var @new = WideAnyOf(3_000, "number");
        var watch = Stopwatch.StartNew();

        Assert.ThrowsAny<OperationCanceledException>(() => CompatibilityChecker.Check(Encoding.UTF8.GetBytes(@new), [Encoding.UTF8.GetBytes(old)],
            CompatibilityLevel.Full, CompatibilityPolicy.Strict, new CompatibilityOptions { MaxComparisons = int.MaxValue }, budget));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    // anyOf branches of one type each: comparing them pairs every old branch with every new one.
    private static string WideAnyOf(int branches, string type)
        => """{ "anyOf": [""" + string.Join(",", Enumerable.Range(0, branches).Select(i => $$"""{ "type": "{{type}}", "minimum": {{i}}, "maximum": {{i + 1}} }""")) + "] }";

    [Fact]
    public void Compilation_beyond_its_budget_ends_with_an_error_naming_compilation()
    {
        var schema = Encoding.UTF8.GetBytes(HostileInputTests.Chain(200));
        var budget = new WorkBudget(new WorkLimits { MaxSteps = 500 });

        var e = Assert.Throws<TooComplexException>(() => SchemaCompiler.Compile(schema, null, budget));

        Assert.Equal("compiling the schema", e.Operation);
        Assert.StartsWith("Compiling the schema needs more than 500 steps", e.Message, StringComparison.Ordinal);
        Assert.True(SchemaCompiler.Compile(schema).Succeeded);
    }

    [Fact]
    public void The_memo_table_is_charged_against_the_memory_budget()
    {
        // Two paths to every definition, over an array of many values: memoised verdicts for every (definition, item).
        var schema = TestSchemas.Compile(HostileInputTests.Chain(12).Replace("\"$ref\": \"#/$defs/l0\"", "\"items\": { \"$ref\": \"#/$defs/l0\" }", StringComparison.Ordinal));
        schema.Memo = MemoPolicy.Always;
        var document = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat("\"x\"", 20_000)) + "]");
        var budget = new WorkBudget(new WorkLimits { MaxMemoryBytes = 64 * 1024 });

        var e = Assert.Throws<TooComplexException>(() => schema.Evaluate(document, budget));

        Assert.Equal(WorkResource.Memory, e.Resource);
        Assert.Contains("MiB of working memory", e.Message, StringComparison.Ordinal);
        Assert.Equal(ValidationOutcome.Valid, schema.Evaluate(document, new WorkBudget()));
    }

    [Fact]
    public void Honest_schemas_use_a_small_share_of_the_default_budget()
    {
        var schema = TestSchemas.Compile("""
            { "type": "object", "required": ["name"], "properties": {
                "name": { "type": "string", "pattern": "^[a-z_]+$", "maxLength": 64 },
                "arguments": { "type": "object", "additionalProperties": { "$ref": "#/$defs/value" } } },
              "$defs": { "value": { "anyOf": [ { "type": "string" }, { "type": "number" }, { "type": "array", "items": { "$ref": "#/$defs/value" } } ] } } }
            """);
        var budget = new WorkBudget();

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(ValidationOutcome.Valid, schema.Evaluate("""{ "name": "get_weather", "arguments": { "city": "Paris", "days": [1, 2, "x"] } }"""u8, budget));
        }

        Assert.InRange(budget.StepsUsed, 100, WorkLimits.Default.MaxSteps / 1_000);
    }

    [Fact]
    public void Limits_requested_by_a_caller_are_capped_by_the_configured_ones()
    {
        var configured = new WorkLimits { MaxSteps = 1_000, MaxMemoryBytes = 2_000, MaxRegexTime = TimeSpan.FromSeconds(1) };
        var asked = new WorkLimits { MaxSteps = 10, MaxMemoryBytes = 1_000_000, MaxRegexTime = TimeSpan.FromSeconds(5) };

        var capped = asked.CappedBy(configured);

        Assert.Equal(new WorkLimits { MaxSteps = 10, MaxMemoryBytes = 2_000, MaxRegexTime = TimeSpan.FromSeconds(1) }, capped);
    }
}
