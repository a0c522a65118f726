using Registry.Engine.Storage.Tiers;

namespace Registry.Engine.Tests.Storage.Tiers;

public sealed class SingleFlightTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_thousand_concurrent_callers_share_one_load()
    {
        var flights = new SingleFlight<long, string>();
        var loads = 0;
        var release = new TaskCompletionSource();

        var callers = Enumerable.Range(0, 1000).Select(_ => flights.RunAsync(7, 0, async (key, _) =>
        {
            Interlocked.Increment(ref loads);
            await release.Task;
            return $"schema {key}";
        }, 0, Ct)).ToArray();
        release.SetResult();
        var values = await Task.WhenAll(callers);

        Assert.Equal(1, loads);
        Assert.All(values, v => Assert.Equal("schema 7", v));
        Assert.Equal(0, flights.InFlight);
    }

    [Fact]
    public async Task A_caller_of_a_newer_generation_does_not_join_an_older_load()
    {
        var flights = new SingleFlight<string, int>();
        var release = new TaskCompletionSource();
        var old = flights.RunAsync("orders", 1, async (_, _) => { await release.Task; return 1; }, 0, Ct);

        var newer = await flights.RunAsync("orders", 2, (_, _) => Task.FromResult(2), 0, Ct);
        release.SetResult();

        Assert.Equal(2, newer);
        Assert.Equal(1, await old);
    }

    [Fact]
    public async Task One_caller_giving_up_does_not_cancel_the_load_for_the_others()
    {
        var flights = new SingleFlight<int, int>();
        var release = new TaskCompletionSource();
        using var impatient = new CancellationTokenSource();
        var first = flights.RunAsync(1, 0, async (_, _) => { await release.Task; return 42; }, 0, impatient.Token);
        var second = flights.RunAsync(1, 0, (_, _) => Task.FromResult(-1), 0, Ct);

        await impatient.CancelAsync();
        release.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal(42, await second);
    }

    [Fact]
    public async Task A_failed_load_fails_its_callers_and_the_next_call_loads_again()
    {
        var flights = new SingleFlight<int, int>();
        var attempts = 0;
        Task<int> Load(int key, int state)
        {
            return Interlocked.Increment(ref attempts) == 1
                ? Task.FromException<int>(new InvalidOperationException("down"))
                : Task.FromResult(5);
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => flights.RunAsync(1, 0, Load, 0, Ct));

        Assert.Equal(5, await flights.RunAsync(1, 0, Load, 0, Ct));
    }
}
