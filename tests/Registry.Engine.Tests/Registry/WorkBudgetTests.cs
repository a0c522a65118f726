using System.Diagnostics;
using System.Text;
using Registry.Engine.Services;
using Registry.Schemas;
using Registry.Schemas.Validation;
using static Registry.Engine.Tests.Registry.EngineHarness;

namespace Registry.Engine.Tests.Registry;

/// <summary>
/// The engine runs every compilation, validation and compatibility check of a request under one budget of work
/// (<see cref="SchemaLimits.Work"/>, from <c>Registry:Engine:MaxWorkSteps</c> and its neighbours) and turns an
/// exhausted budget into <see cref="RegistryErrorCode.TooComplex"/> naming what was too costly.
/// </summary>
public sealed class WorkBudgetTests
{
    /// <summary><c>$defs</c> l0 → allOf[l1, l1] → … → l<paramref name="levels"/>: 2^levels paths to the last definition.</summary>
    private static string Chain(int levels, string leaf = """{ "type": "string" }""")
    {
        var sb = new StringBuilder("""{ "$ref": "#/$defs/l0", "$defs": {""");
        for (var i = 0; i < levels; i++)
        {
            sb.Append($$"""  "l{{i}}": { "allOf": [ { "$ref": "#/$defs/l{{i + 1}}" }, { "$ref": "#/$defs/l{{i + 1}}" } ] },""");
        }

        return sb.Append($$"""  "l{{levels}}": {{leaf}} } }""").ToString();
    }

    private static RegistryEngineOptions WithSteps(long steps)
        => new() { Limits = new SchemaLimits { Work = new WorkLimits { MaxSteps = steps } } };

    [Fact]
    public async Task A_batch_that_needs_more_work_than_one_request_may_use_is_too_complex()
    {
        await using var h = await CreateAsync(WithSteps(20_000));
        var id = (await h.RegisterAsync("numbers", """{ "type": "array", "items": { "type": "integer" } }""")).SchemaId;
        var document = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Range(0, 1_000)) + "]");

        var one = await h.Registry.ValidateBatchAsync(ValidationTarget.ById(id), [document, document], Ct);
        Assert.All(one.Results, r => Assert.True(r.IsValid));

        var e = await Assert.ThrowsAsync<RegistryException>(() => h.Registry.ValidateBatchAsync(ValidationTarget.ById(id), [.. Enumerable.Repeat<ReadOnlyMemory<byte>>(document, 20)], Ct));
        Assert.Equal(RegistryErrorCode.TooComplex, e.Code);
        Assert.StartsWith("Validating the document needs more than 20,000 steps of work", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finding_2_shared_definitions_along_2_to_the_30_paths_validate_at_once_through_the_engine()
    {
        await using var h = await CreateAsync();
        var id = (await h.RegisterAsync("chain", Chain(30))).SchemaId;
        var watch = Stopwatch.StartNew();

        var result = await h.Registry.ValidateBatchAsync(ValidationTarget.ById(id), [Encoding.UTF8.GetBytes("\"x\""), Encoding.UTF8.GetBytes("1")], Ct);

        Assert.Equal([ValidationOutcome.Valid, ValidationOutcome.Invalid], result.Results.Select(r => r.Outcome));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Finding_1_a_compatibility_check_of_definitions_shared_along_2_to_the_30_paths_is_answered_at_once()
    {
        await using var h = await CreateAsync();
        await h.RegisterAsync("chain", Chain(30));
        var watch = Stopwatch.StartNew();

        var report = await h.Registry.CheckCompatibilityAsync("chain", new SchemaInput(Encoding.UTF8.GetBytes(Chain(30, """{ "type": ["string", "null"] }"""))), cancellationToken: Ct);

        Assert.True(report.IsCompatible);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_compatibility_check_that_needs_more_work_than_allowed_is_too_complex()
    {
        // Compiling is linear in the branches. Narrowing every branch (number to integer) makes BACKWARD try each old
        // branch against every new one: a million pairs. Every
        // pair compared costs at least a step, so a budget of 150,000 steps runs out before the checker's 100,000 pairs.
        await using var h = await CreateAsync(WithSteps(150_000));
        await h.RegisterAsync("wide", WideAnyOf(1_000, "number"));

        var e = await Assert.ThrowsAsync<RegistryException>(() => h.Registry.CheckCompatibilityAsync("wide",
            new SchemaInput(Encoding.UTF8.GetBytes(WideAnyOf(1_000, "integer"))), cancellationToken: Ct));

        Assert.Equal(RegistryErrorCode.TooComplex, e.Code);
        Assert.StartsWith("Comparing the schemas needs more than 150,000 steps of work", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_compatibility_check_that_needs_more_comparisons_than_allowed_is_too_complex_not_incompatible()
    {
        // Within the default budget of steps, the same check needs more than the checker's 100,000 pairs: it cannot
        // tell, so it must not answer "incompatible".
        await using var h = await CreateAsync();
        await h.RegisterAsync("wide", WideAnyOf(1_000, "number"));

        var e = await Assert.ThrowsAsync<RegistryException>(() => h.Registry.CheckCompatibilityAsync("wide",
            new SchemaInput(Encoding.UTF8.GetBytes(WideAnyOf(1_000, "integer"))), cancellationToken: Ct));

        Assert.Equal(RegistryErrorCode.TooComplex, e.Code);
        Assert.StartsWith("Comparing the schemas needs more than 100,000 comparisons of subschemas", e.Message, StringComparison.Ordinal);
    }

    private static string WideAnyOf(int branches, string type)
        => """{ "anyOf": [""" + string.Join(",", Enumerable.Range(0, branches).Select(i => $$"""{ "type": "{{type}}", "minimum": {{i}}, "maximum": {{i + 1}} }""")) + "] }";

    [Fact]
    public async Task A_registration_whose_compilation_needs_more_work_than_allowed_is_too_complex_not_invalid()
    {
        await using var h = await CreateAsync(WithSteps(2_000));

        var e = await Assert.ThrowsAsync<RegistryException>(() => h.RegisterAsync("big", Chain(300)));

        Assert.Equal(RegistryErrorCode.TooComplex, e.Code);
        Assert.StartsWith("Compiling the schema needs more than 2,000 steps", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_request_stops_validating()
    {
        await using var h = await CreateAsync();
        var id = (await h.RegisterAsync("people", TestSchemas.PersonV1)).SchemaId;
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            h.Registry.ValidateBatchAsync(ValidationTarget.ById(id), [Encoding.UTF8.GetBytes("""{"name":"a"}""")], cancellation.Token));
    }
}
