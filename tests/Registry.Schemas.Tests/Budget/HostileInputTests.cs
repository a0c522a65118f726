using System.Diagnostics;
using System.Text;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Tests.Compatibility;
using Registry.Schemas.Validation;
using Registry.Schemas.Validation.Json;
using TestSchemas = Registry.Schemas.Tests.Validation.Schemas;

namespace Registry.Schemas.Tests.Budget;

/// <summary>
/// The findings of the hostile-input review (issue 13), each as a regression test that asserts its bound: a work
/// counter, a budget error, or a generous wall-clock bound. Before the fixes, findings 1 and 2 took seconds at
/// 22–24 levels and exhausted the process at 30; finding 5 cost 4 s of CPU per request; findings 6, 7 and 10 were
/// quadratic or worse.
/// </summary>
public sealed class HostileInputTests
{
    /// <summary><c>$defs</c> l0 → allOf[l1, l1] → … → l<paramref name="levels"/>: 2^levels paths to the last definition.</summary>
    internal static string Chain(int levels, string leaf = """{ "type": "string" }""")
    {
        var sb = new StringBuilder("""{ "$ref": "#/$defs/l0", "$defs": {""");
        for (var i = 0; i < levels; i++)
        {
            sb.Append($$"""  "l{{i}}": { "allOf": [ { "$ref": "#/$defs/l{{i + 1}}" }, { "$ref": "#/$defs/l{{i + 1}}" } ] },""");
        }

        sb.Append($$"""  "l{{levels}}": {{leaf}} } }""");
        return sb.ToString();
    }

    [Fact]
    public void Finding_1_comparing_definitions_shared_along_2_to_the_30_paths_compares_each_pair_once()
    {
        var (result, budget) = CompareChains(30);
        var (_, half) = CompareChains(15);

        Assert.False(result.IsCompatible); // forward: null is new
        Assert.Contains(result.Differences, d => d.Name == "TYPE_EXTENDED" && !d.IsCompatible);
        Assert.Contains(result.Differences, d => d.Name == "TITLE_CHANGED");
        Assert.InRange(budget.StepsUsed, 1, 100_000);
        Assert.True(budget.StepsUsed < 3 * half.StepsUsed, $"30 levels: {budget.StepsUsed} steps, 15 levels: {half.StepsUsed}"); // linear, not 2^15 times
        Assert.InRange(budget.PeakMemoryBytes, 1, 4 * 1024 * 1024);
    }

    private static (CompatibilityResult, WorkBudget) CompareChains(int levels)
    {
        var old = Chain(levels, """{ "type": "string", "title": "before" }""");
        var @new = Chain(levels, """{ "type": ["string", "null"], "title": "after" }""");
        var budget = new WorkBudget();
        var result = CompatibilityChecker.Check(Encoding.UTF8.GetBytes(@new), [Encoding.UTF8.GetBytes(old)], CompatibilityLevel.Full,
            CompatibilityPolicy.Strict, CompatibilityOptions.Default, budget);
        return (result, budget);
    }

    [Fact]
    public void Finding_1_the_compatibility_check_refuses_more_work_than_its_budget_with_a_clear_error()
    {
        var schema = Chain(30, """{ "type": "string" }""");
        var other = Chain(30, """{ "type": "integer" }""");
        var tiny = new WorkBudget(new WorkLimits { MaxSteps = 100 });

        var e = Assert.Throws<TooComplexException>(() => CompatibilityChecker.Check(Encoding.UTF8.GetBytes(other), [Encoding.UTF8.GetBytes(schema)],
            CompatibilityLevel.Backward, CompatibilityPolicy.Strict, CompatibilityOptions.Default, tiny));

        Assert.Equal(WorkResource.Steps, e.Resource);
        Assert.StartsWith("Comparing the schemas needs more than 100 steps of work", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Finding_2_validating_against_definitions_shared_along_2_to_the_30_paths_evaluates_each_at_a_value_once()
    {
        var schema = TestSchemas.Compile(Chain(30));
        var budget = new WorkBudget();

        Assert.Equal(ValidationOutcome.Valid, schema.Evaluate("\"abc\""u8, budget));
        Assert.Equal(ValidationOutcome.Invalid, schema.Evaluate("12"u8, budget));
        var full = schema.Validate("12"u8, 100, budget);

        Assert.Equal(ValidationOutcome.Invalid, full.Outcome);
        Assert.NotEmpty(full.Errors);
        Assert.InRange(budget.StepsUsed, 1, 3 * 20_000); // 2^30 node visits without memoisation
    }

    [Fact]
    public void Finding_2_nested_values_memoise_per_instance_location()
    {
        // The same shape one level into the document per definition: each definition applies to a different value.
        var sb = new StringBuilder("""{ "$ref": "#/$defs/l0", "$defs": {""");
        for (var i = 0; i < 30; i++)
        {
            sb.Append($$"""  "l{{i}}": { "type": "object", "properties": { "a": { "$ref": "#/$defs/l{{i + 1}}" } }, "patternProperties": { "^a$": { "$ref": "#/$defs/l{{i + 1}}" } } },""");
        }

        sb.Append(""" "l30": { "type": "integer" } } }""");
        var schema = TestSchemas.Compile(sb.ToString());
        var document = string.Concat(Enumerable.Repeat("{\"a\":", 30)) + "7" + new string('}', 30);
        var budget = new WorkBudget();

        Assert.Equal(ValidationOutcome.Valid, schema.Evaluate(Encoding.UTF8.GetBytes(document), budget));
        Assert.InRange(budget.StepsUsed, 1, 30_000);
    }

    [Fact]
    public void Finding_5_backtracking_time_outs_are_summed_over_the_request_not_paid_per_item()
    {
        // Each string makes the backtracking engine time out (100 ms); 40 of them used to cost 4 s per request.
        var schema = TestSchemas.Compile("""{ "type": "array", "items": { "pattern": "^(a+)+\\1$" } }""");
        var document = "[" + string.Join(",", Enumerable.Repeat("\"" + new string('a', 30) + "!\"", 40)) + "]";
        var budget = new WorkBudget(new WorkLimits { MaxRegexTime = TimeSpan.FromMilliseconds(250) });
        var watch = Stopwatch.StartNew();

        var e = Assert.Throws<TooComplexException>(() => schema.Validate(Encoding.UTF8.GetBytes(document), 100, budget));

        Assert.Equal(WorkResource.RegexTime, e.Resource);
        Assert.Contains("matching regular expressions", e.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
        Assert.InRange(budget.RegexTimeUsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void Finding_5_one_budget_covers_every_document_of_a_batch()
    {
        var schema = TestSchemas.Compile("""{ "pattern": "^(a+)+\\1$" }""");
        var document = Encoding.UTF8.GetBytes("\"" + new string('a', 30) + "!\"");
        var budget = new WorkBudget(new WorkLimits { MaxRegexTime = TimeSpan.FromMilliseconds(250) });

        var e = Assert.Throws<TooComplexException>(() =>
        {
            for (var i = 0; i < 40; i++)
            {
                schema.Evaluate(document, budget);
            }
        });

        Assert.Equal(WorkResource.RegexTime, e.Resource);
    }

    [Fact]
    public void Finding_6_comparing_enums_of_100_000_values_is_linear()
    {
        var values = Enumerable.Range(0, 100_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var old = """{ "enum": [""" + string.Join(",", values) + "] }";
        var @new = """{ "enum": [""" + string.Join(",", values) + ", \"more\"] }";
        var budget = new WorkBudget();
        var watch = Stopwatch.StartNew();

        var result = CompatibilityChecker.Check(Encoding.UTF8.GetBytes(@new), [Encoding.UTF8.GetBytes(old)], CompatibilityLevel.Backward,
            CompatibilityPolicy.Strict, CompatibilityOptions.Default, budget);

        Assert.True(result.IsCompatible, Compat.Describe(result));
        Assert.Contains(result.Differences, d => d.Name == "ENUM_EXTENDED" && d.IsCompatible);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}"); // 10k values took 9.5 s before
        Assert.InRange(budget.StepsUsed, 1, 1_000_000);
    }

    [Fact]
    public void Finding_7_arrays_of_null_and_booleans_that_collide_under_a_linear_hash_do_not_collide_here()
    {
        var crafted = LinearHashCollisions.Arrays(8_192);
        Assert.Equal(8_192, crafted.Distinct().Count());
        Assert.Single(crafted.Select(LinearHashCollisions.OldHash).Distinct()); // what made uniqueItems quadratic

        var hashes = new HashSet<ulong>();
        foreach (var item in crafted)
        {
            var tape = new JsonTape();
            int[]? stack = null;
            var bytes = Encoding.UTF8.GetBytes(item);
            Assert.Equal(TapeStatus.Ok, JsonTapeBuilder.Build(tape, bytes, 64, ref stack, out _));
            hashes.Add(JsonValueHash.Of(tape, bytes, 0));
        }

        Assert.Equal(crafted.Count, hashes.Count);
    }

    [Fact]
    public void Finding_7_unique_items_over_crafted_colliding_arrays_costs_what_random_ones_cost()
    {
        var schema = TestSchemas.Compile("""{ "uniqueItems": true }""");
        var crafted = Encoding.UTF8.GetBytes("[" + string.Join(",", LinearHashCollisions.Arrays(8_192)) + "]");
        var random = new Random(7);
        var randomItems = Enumerable.Range(0, 8_192).Select(_ => LinearHashCollisions.RandomArray(random)).Distinct().ToList();
        var plain = Encoding.UTF8.GetBytes("[" + string.Join(",", randomItems) + "]");
        Assert.Equal(ValidationOutcome.Valid, schema.Evaluate(crafted));
        Assert.Equal(ValidationOutcome.Valid, schema.Evaluate(plain));

        var craftedTime = Time(() => schema.Evaluate(crafted));
        var plainTime = Time(() => schema.Evaluate(plain));

        // 8.8 s against 0.1 s before; now the same order (10x and 50 ms of slack for a busy machine).
        Assert.True(craftedTime < (plainTime * 10) + TimeSpan.FromMilliseconds(50), $"crafted {craftedTime}, random {plainTime}");
    }

    [Fact]
    public void Finding_7_enum_of_many_arrays_finds_values_by_keyed_hash()
    {
        var crafted = LinearHashCollisions.Arrays(4_096);
        var schema = TestSchemas.Compile("""{ "items": { "enum": [""" + string.Join(",", crafted) + "] } }");
        var document = Encoding.UTF8.GetBytes("[" + string.Join(",", crafted) + "]");
        var budget = new WorkBudget();
        var watch = Stopwatch.StartNew();

        Assert.Equal(ValidationOutcome.Valid, schema.Evaluate(document, budget));
        Assert.Equal(ValidationOutcome.Invalid, schema.Evaluate("[[true]]"u8));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.InRange(budget.StepsUsed, 1, 1_000_000); // 4,096 lookups of ~60 tokens, not 4,096² comparisons
    }

    [Theory]
    [InlineData("""{ "multipleOf": 7 }""", "7", true)]
    [InlineData("""{ "multipleOf": 0.5 }""", "0.", false)]
    [InlineData("""{ "multipleOf": 123456789012345678901234567890 }""", "", false)]
    public void Finding_10_multiple_of_on_a_number_with_millions_of_digits_is_linear(string schemaText, string prefix, bool sevens)
    {
        var schema = TestSchemas.Compile(schemaText);
        var digits = sevens ? new string('7', 4_000_000) : "1" + new string('3', 4_000_000);
        var document = Encoding.UTF8.GetBytes(prefix + digits);
        var budget = new WorkBudget();
        var watch = Stopwatch.StartNew();

        var outcome = schema.Evaluate(document, budget);

        Assert.Equal(sevens ? ValidationOutcome.Valid : ValidationOutcome.Invalid, outcome);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}"); // 16 MB took ~40 s before
        Assert.InRange(budget.StepsUsed, 1, 10_000_000);
    }

    [Fact]
    public void Finding_10_exact_multiple_of_still_holds_for_long_literals()
    {
        var schema = TestSchemas.Compile("""{ "multipleOf": 123456789012345678901234567890 }""");
        var multiple = System.Numerics.BigInteger.Parse("123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture)
                       * System.Numerics.BigInteger.Pow(7, 300);

        Assert.Equal(ValidationOutcome.Valid, schema.Evaluate(Encoding.UTF8.GetBytes(multiple.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(ValidationOutcome.Invalid, schema.Evaluate(Encoding.UTF8.GetBytes((multiple + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(ValidationOutcome.Valid, schema.Evaluate(Encoding.UTF8.GetBytes(multiple.ToString(System.Globalization.CultureInfo.InvariantCulture) + "e5")));
        Assert.Equal(ValidationOutcome.Invalid, TestSchemas.Compile("""{ "multipleOf": 0.25 }""").Evaluate("0.125"u8));
        Assert.Equal(ValidationOutcome.Valid, TestSchemas.Compile("""{ "multipleOf": 0.25 }""").Evaluate("1.75"u8));
    }

    private static TimeSpan Time(Action action)
    {
        action();
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            best = watch.Elapsed < best ? watch.Elapsed : best;
        }

        return best;
    }
}
