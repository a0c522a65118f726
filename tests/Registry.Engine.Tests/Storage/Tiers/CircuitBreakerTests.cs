using Registry.Engine.Storage.Tiers;

namespace Registry.Engine.Tests.Storage.Tiers;

public sealed class CircuitBreakerTests
{
    private readonly ManualTime _time = new();

    private CircuitBreaker Breaker() => new("redis", threshold: 3, TimeSpan.FromSeconds(5), _time);

    [Fact]
    public void A_closed_breaker_lets_calls_through_and_a_success_resets_the_failure_count()
    {
        var breaker = Breaker();
        breaker.Failure();
        breaker.Failure();
        breaker.Success();
        breaker.Failure();
        breaker.Failure();

        Assert.True(breaker.TryEnter());
        Assert.False(breaker.IsOpen);
    }

    [Fact]
    public void Consecutive_failures_open_it_and_calls_are_refused_until_the_break_passes()
    {
        var breaker = Breaker();
        var changes = new List<bool>();
        breaker.StateChanged += (_, opened) => changes.Add(opened);

        for (var i = 0; i < 3; i++)
        {
            breaker.Failure();
        }

        Assert.True(breaker.IsOpen);
        Assert.False(breaker.TryEnter());
        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(breaker.TryEnter());
        Assert.Equal([true], changes);
        Assert.Equal(1, breaker.TimesOpened);
    }

    [Fact]
    public void After_the_break_one_probe_goes_through_and_its_success_closes_the_breaker()
    {
        var breaker = Breaker();
        for (var i = 0; i < 3; i++)
        {
            breaker.Failure();
        }

        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.True(breaker.TryEnter());
        Assert.False(breaker.TryEnter());
        breaker.Success();
        Assert.False(breaker.IsOpen);
        Assert.True(breaker.TryEnter());
        Assert.True(breaker.TryEnter());
    }

    [Fact]
    public void A_failed_probe_opens_the_breaker_for_another_whole_break()
    {
        var breaker = Breaker();
        for (var i = 0; i < 3; i++)
        {
            breaker.Failure();
        }

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryEnter());
        breaker.Failure();

        Assert.False(breaker.TryEnter());
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryEnter());
    }

    [Fact]
    public void An_abandoned_probe_frees_the_probe_slot()
    {
        var breaker = Breaker();
        for (var i = 0; i < 3; i++)
        {
            breaker.Failure();
        }

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryEnter());
        breaker.Abandon();

        Assert.True(breaker.TryEnter());
        Assert.True(breaker.IsOpen);
    }
}
