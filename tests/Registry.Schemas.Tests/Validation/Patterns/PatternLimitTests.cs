using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Registry.Schemas.Validation;
using Registry.Schemas.Validation.Keywords;
using Registry.Schemas.Validation.Patterns;

namespace Registry.Schemas.Tests.Validation.Patterns;

/// <summary>
/// Issue 13, findings 3 and 4: a hostile pattern ends in a clear compile error or in bounded time and memory, and the
/// compiled automata are charged by their measured size against bounded caches. The heap is measured process-wide, so
/// these tests run alone (<see cref="MeasuresTheHeap"/>).
/// </summary>
[Collection(nameof(MeasuresTheHeap))]
public sealed class PatternLimitTests
{
    private static CompiledSchemaOrError Compile(string pattern, SchemaLimits? limits = null)
    {
        var schema = JsonSerializer.Serialize(new Dictionary<string, string> { ["type"] = "string", ["pattern"] = pattern });
        var compilation = SchemaCompiler.Compile(Encoding.UTF8.GetBytes(schema), new SchemaCompilerOptions { Limits = limits ?? SchemaLimits.Default });
        return new CompiledSchemaOrError(compilation.Schema, compilation.Succeeded ? null : compilation.Errors[0].Message);
    }

    private sealed record CompiledSchemaOrError(CompiledSchema? Schema, string? Error);

    private static string Alternation(int length, int seed = 13)
    {
        var random = new Random(seed);
        var sb = new StringBuilder("^(?:");
        while (sb.Length < length - 2)
        {
            if (sb.Length > 4)
            {
                sb.Append('|');
            }

            for (var i = 0; i < 8; i++)
            {
                sb.Append((char)('a' + random.Next(26)));
            }
        }

        return sb.Append(")$").ToString();
    }

    // ---- Finding 3: repeat counts ---------------------------------------------------------------------------------

    [Fact]
    public void A_group_repeated_2000_times_is_refused_at_compile_time_naming_the_pattern_and_the_limit()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();

        var result = Compile("(.*a){2000}");

        clock.Stop();
        Assert.Null(result.Schema);
        Assert.Contains("the pattern '(.*a){2000}'", result.Error, StringComparison.Ordinal);
        Assert.Contains("2000 times (4000 in all), more than the limit of 64", result.Error, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}"); // about a millisecond; it took 95 s to match before
        Assert.True(GC.GetTotalMemory(forceFullCollection: true) - before < 16 << 20);
    }

    [Fact]
    public void The_costliest_repetition_the_limits_accept_validates_a_5KB_document_within_its_time_out_and_memory()
    {
        var result = Compile("(.*a){32}");
        Assert.NotNull(result.Schema);
        var document = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new string('a', 5_000)));
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();

        var outcome = result.Schema!.Validate(document);

        clock.Stop();
        var grown = GC.GetTotalMemory(forceFullCollection: true) - before;

        // Valid (the automaton is about 3 MB and 0.2 s to build) or, on a starved machine, the match time-out's error.
        Assert.True(outcome.IsValid || outcome.Errors[0].Message.Contains("timed out", StringComparison.Ordinal));
        Assert.True(clock.Elapsed < SchemaLimits.Default.LinearPatternMatchTimeout * 10, $"took {clock.Elapsed}");
        Assert.True(grown < SchemaLimits.Default.MaxPatternAutomatonBytes * 2, $"grew {grown} bytes");
    }

    [Theory]
    [InlineData("^(a{1,32}){31}$")]
    [InlineData("(a|aa){333}")]
    [InlineData("(a?){1000}a{1000}")]
    public void The_costliest_bounded_group_repetitions_the_limits_accept_validate_a_5KB_document_within_bounds(string pattern)
    {
        var result = Compile(pattern);
        Assert.NotNull(result.Schema);
        var document = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new string('a', 5_000)));
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();

        var outcome = result.Schema!.Validate(document);

        clock.Stop();
        var grown = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.True(outcome.IsValid != outcome.Errors.Count > 0);
        Assert.True(clock.Elapsed < SchemaLimits.Default.LinearPatternMatchTimeout * 10, $"took {clock.Elapsed}");
        Assert.True(grown < SchemaLimits.Default.MaxPatternAutomatonBytes * 2, $"grew {grown} bytes");
    }

    [Fact]
    public void A_linear_pattern_slower_than_its_time_out_stops_and_counts_as_no_match()
    {
        var limits = new SchemaLimits { MaxPatternGroupRepeat = 1_000, LinearPatternMatchTimeout = TimeSpan.FromMilliseconds(50) };
        var cache = new PatternAutomatonCache();
        Assert.True(EcmaPattern.TryCreate("(.*a){300}", limits, cache, out var pattern, out var error), error?.Reason);
        Assert.True(pattern!.IsLinear);
        var clock = Stopwatch.StartNew();

        var matched = pattern.IsMatch(new string('a', 5_000), out var timedOut);

        clock.Stop();
        Assert.False(matched);
        Assert.True(timedOut);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}"); // one automaton state past the time-out
    }

    [Theory]
    [InlineData("a{1001}", "'a{1001}' repeats one character 1001 times, more than the limit of 1000")]
    [InlineData("[0-9a-f]{64}x{2,1001}", "'x{2,1001}' repeats one character 1001 times, more than the limit of 1000")]
    [InlineData("(?:ab){501}", "'(?:ab){501}' repeats a group of 2 characters 501 times (1002 in all), more than the limit of 1000")]
    [InlineData("^(a+,){33}$", "'(a+,){33}' repeats a group of variable length (2 characters or classes) 33 times (66 in all), more than the limit of 64")]
    [InlineData("((a|bc){4}){90}", "'((a|bc){4}){90}' repeats a group of up to 12 characters or classes 90 times (1080 in all), more than the limit of 1000")]
    [InlineData("((a+|bc){4}){9}", "'((a+|bc){4}){9}' repeats a group of variable length (12 characters or classes) 9 times (108 in all), more than the limit of 64")]
    [InlineData("(.*a){65,}", "65 times (130 in all), more than the limit of 64")]
    public void Every_repeat_bound_is_a_compile_error_naming_the_pattern_and_the_limit(string pattern, string expected)
    {
        var result = Compile(pattern);

        Assert.Null(result.Schema);
        Assert.StartsWith($"the pattern '{pattern}' is too costly to compile: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("^(?:[A-F0-9]{2}:){31}[A-F0-9]{2}$")]
    [InlineData("^([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}$")]
    [InlineData("^[^\\s@\"]{1,64}@[^\\s@]{1,255}$")]
    [InlineData("^(\\d{1,3}\\.){3}\\d{1,3}$")]
    [InlineData("^[a-f0-9]{1000}$")]
    [InlineData("(.*a){32}")]
    [InlineData("^[^\\.\\s\\\\/:\\*\\?\"<>\\|\\x01-\\x1f]{1,32}(\\.[^\\.\\s\\\\/:\\*\\?\"<>\\|\\x01-\\x1f]{1,32}){1,3}$")] // SchemaStore, winget-pkgs-installer
    [InlineData("^(0|[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])(\\.(0|[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])){0,3}$")]
    public void Repetitions_as_real_schemas_write_them_are_within_the_default_bounds(string pattern)
    {
        Assert.Null(Compile(pattern).Error);
    }

    [Fact]
    public void Patterns_nested_too_deeply_or_expanding_too_far_are_limit_errors()
    {
        var deep = new string('(', 300) + "a" + new string(')', 300);
        var wide = string.Concat(Enumerable.Repeat("[\\p{L}\\p{N}]", 400));

        var deepResult = Compile(deep);
        var wideResult = Compile(wide);

        Assert.Contains("is too costly to compile: groups are nested more than 256 deep", deepResult.Error, StringComparison.Ordinal);
        Assert.Contains("expands to", wideResult.Error, StringComparison.Ordinal);
        Assert.Contains("more than the limit of 1048576", wideResult.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_apply_to_pattern_properties_as_well()
    {
        var schema = """{ "patternProperties": { "(.*a){2000}": { "type": "string" } } }"""u8;

        var compilation = SchemaCompiler.Compile(schema);

        Assert.False(compilation.Succeeded);
        Assert.Contains("more than the limit of 64", compilation.Errors[0].Message, StringComparison.Ordinal);
    }

    // ---- Finding 4: pattern construction ------------------------------------------------------------------------

    [Fact]
    public void A_900KB_alternation_is_refused_by_its_length_before_anything_is_built()
    {
        var pattern = Alternation(900_000);
        var clock = Stopwatch.StartNew();

        var result = Compile(pattern);

        clock.Stop();
        Assert.Null(result.Schema);
        Assert.Contains($"({pattern.Length} characters) is too costly to compile: it is {pattern.Length} characters long, more than the limit of 65536",
            result.Error, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}"); // it took 91 s to register before
    }

    [Fact]
    public void An_alternation_at_the_length_limit_compiles_and_matches_in_bounded_time()
    {
        var pattern = Alternation(65_000, seed: 4);
        var word = pattern.Substring(4 + (9 * 1000), 8);
        var clock = Stopwatch.StartNew();

        var result = Compile(pattern);
        var valid = result.Schema?.Evaluate(Encoding.UTF8.GetBytes($"\"{word}\""));
        var invalid = result.Schema?.Evaluate("\"zzzzzzzzz\""u8);

        clock.Stop();
        Assert.Null(result.Error);
        Assert.Equal(ValidationOutcome.Valid, valid);
        Assert.Equal(ValidationOutcome.Invalid, invalid);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}"); // about 50 ms
    }

    [Fact]
    public void A_pattern_too_large_for_the_linear_engine_is_not_handed_to_it()
    {
        var bounds = new PatternBounds(1_000, 64, 1 << 20);

        Assert.True(EcmaPattern.TryTranslate(Alternation(65_000), PatternVariant.Whole, bounds, out _, out var large, out _));
        Assert.True(EcmaPattern.TryTranslate("^[a-z]+(-[a-z]+)*$", PatternVariant.Whole, bounds, out _, out var small, out _));

        // .NET refuses automata estimated above 10,000 only after building its tree, in superlinear time (a 300 KB
        // alternation took 149 s to be refused): the estimate is made here first.
        Assert.False(large!.FitsLinearEngine);
        Assert.True(large.NonBacktrackingSize > PatternTranslation.DotNetNonBacktrackingLimit);
        Assert.True(small!.FitsLinearEngine);
    }

    [Fact]
    public void A_compatibility_check_comparing_an_alternation_at_the_length_limit_ends_in_bounded_time()
    {
        // The checker matches property names against the other version's patternProperties; it uses the same bounded
        // automata as validation, not a fresh .NET linear-time construction of the raw pattern.
        var alternation = Alternation(65_000, seed: 5);
        var name = alternation.Substring(4 + (9 * 2000), 8);
        var older = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = "object",
            ["properties"] = new Dictionary<string, object> { [name] = new Dictionary<string, string> { ["type"] = "integer" } },
        });
        var newer = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = "object",
            ["properties"] = new Dictionary<string, object> { [name] = new Dictionary<string, string> { ["type"] = "integer" } },
            ["patternProperties"] = new Dictionary<string, object> { [alternation] = new Dictionary<string, string> { ["type"] = "string" } },
        });
        var clock = Stopwatch.StartNew();

        var result = Registry.Schemas.Tests.Compatibility.Compat.Check(older, newer);

        clock.Stop();
        // The name matches the new pattern, which wants a string: the integer the old version allowed is refused now.
        Assert.False(result.IsCompatible);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    // ---- The automata's memory ----------------------------------------------------------------------------------

    [Fact]
    public void Each_automaton_is_charged_its_measured_size_and_the_cache_total_is_their_sum()
    {
        var cache = new PatternAutomatonCache();
        var patterns = new List<EcmaPattern>();
        for (var i = 0; i < 20; i++)
        {
            Assert.True(EcmaPattern.TryCreate($"^id-{i}-[a-z]+$", SchemaLimits.Default, cache, out var pattern, out _));
            patterns.Add(pattern!);
        }

        var automata = patterns.Select(p => p.Automaton).ToList();
        Assert.All(automata, a => Assert.InRange(a.Bytes, 1_000, SchemaLimits.Default.MaxPatternAutomatonBytes));
        Assert.Equal(automata.Sum(a => a.Bytes), cache.Bytes);
        Assert.Equal(20, cache.Count);
    }

    [Fact]
    public void The_cache_lets_go_of_the_coldest_automata_beyond_its_byte_bound_and_patterns_still_match()
    {
        var cache = new PatternAutomatonCache(maxBytes: 2 << 20);
        var patterns = new List<EcmaPattern>();
        for (var i = 0; i < 200; i++)
        {
            Assert.True(EcmaPattern.TryCreate($"^key-{i}-[0-9]+$", SchemaLimits.Default, cache, out var pattern, out _));
            patterns.Add(pattern!);
            Assert.True(cache.Bytes <= cache.MaxBytes, $"{cache.Bytes} > {cache.MaxBytes} after {i + 1}");
        }

        Assert.InRange(cache.Count, 1, 199);
        for (var i = 0; i < patterns.Count; i += 37)
        {
            Assert.True(patterns[i].IsMatch($"key-{i}-42", out _));
            Assert.False(patterns[i].IsMatch($"key-{i + 1}-42", out _));
            Assert.True(cache.Bytes <= cache.MaxBytes);
        }
    }

    [Fact]
    public void Growth_while_matching_is_charged_and_an_automaton_over_its_budget_is_let_go_and_rebuilt()
    {
        // (a|b)*a(a|b){10}: up to 2^11 automaton states, built one by one as inputs need them.
        const string source = "(a|b)*a(a|b){10}$";
        var random = new Random(7);
        string Input() => new([.. Enumerable.Range(0, 64).Select(_ => random.Next(2) == 0 ? 'a' : 'b')]);

        var measuring = new PatternAutomatonCache();
        Assert.True(EcmaPattern.TryCreate(source, SchemaLimits.Default, measuring, out var unbudgeted, out _));
        var built = unbudgeted!.Automaton.Bytes;
        for (var i = 0; i < 200; i++)
        {
            unbudgeted.IsMatch(Input(), out _);
        }

        Assert.True(unbudgeted.Automaton.Bytes > built, "matching grew the automaton, and the growth was charged");
        Assert.Equal(unbudgeted.Automaton.Bytes, measuring.Bytes);

        var cache = new PatternAutomatonCache();
        var limits = new SchemaLimits { MaxPatternAutomatonBytes = built + (built / 2) };
        Assert.True(EcmaPattern.TryCreate(source, limits, cache, out var budgeted, out var error), error?.Reason);
        var first = budgeted!.Automaton;
        for (var i = 0; i < 400 && !first.Retired; i++)
        {
            budgeted.IsMatch(Input(), out _);
        }

        Assert.True(first.Retired, "the automaton went over its budget and was let go of");
        Assert.True(budgeted.IsMatch("bbbbabbbbbbbbbb", out _));
        Assert.False(budgeted.IsMatch("bbbbbbbbbbbbbbb", out _));
        Assert.NotSame(first, budgeted.Automaton);
        Assert.True(cache.Bytes <= limits.MaxPatternAutomatonBytes);
    }

    [Fact]
    public void A_schema_does_not_keep_an_automaton_the_cache_let_go_of_alive()
    {
        var cache = new PatternAutomatonCache();
        Assert.True(EcmaPattern.TryCreate("^weakly-[a-z]+$", SchemaLimits.Default, cache, out var pattern, out _));
        var weak = WeakReferenceTo(pattern!);

        cache.Clear();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(weak.TryGetTarget(out _), "the evicted automaton was collected although the pattern is alive");
        Assert.True(pattern!.IsMatch("weakly-held", out _));
        Assert.False(pattern.IsMatch("strongly-held!", out _));
        Assert.Equal(1, cache.Count);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<PatternAutomaton> WeakReferenceTo(EcmaPattern pattern) => new(pattern.Automaton);

    [Fact]
    public void A_construction_over_the_automaton_budget_is_a_compile_error()
    {
        var result = Compile("^[a-z]+@[a-z]+$", new SchemaLimits { MaxPatternAutomatonBytes = 1_000 });

        Assert.Null(result.Schema);
        Assert.Matches("its automaton takes [0-9]+ bytes, more than the limit of 1000 for one pattern", result.Error!);
    }

    [Fact]
    public void Large_property_classes_build_a_small_linear_automaton_and_match_astral_letters_on_a_second_one()
    {
        var cache = new PatternAutomatonCache();
        var clock = Stopwatch.StartNew();

        Assert.True(EcmaPattern.TryCreate("^[\\p{L}\\p{N}_-]+$", SchemaLimits.Default, cache, out var pattern, out var error), error?.Reason);

        clock.Stop();
        Assert.True(pattern!.IsLinear);
        Assert.True(pattern.Automaton.Bytes < 8 << 20, $"{pattern.Automaton.Bytes} bytes"); // the exact linear automaton held 36 MB
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.True(pattern.IsMatch("héllo_wörld-42", out _));
        Assert.True(pattern.IsMatch("𝐀𝐁𞤀", out _));
        Assert.False(pattern.IsMatch("a😀", out _));
        Assert.False(pattern.IsMatch("a b", out _));
        Assert.Equal(2, cache.Count);
    }
}

/// <summary>Tests that measure the process's heap: run after the parallel tests, one at a time.</summary>
[CollectionDefinition(nameof(MeasuresTheHeap), DisableParallelization = true)]
public sealed class MeasuresTheHeap;
