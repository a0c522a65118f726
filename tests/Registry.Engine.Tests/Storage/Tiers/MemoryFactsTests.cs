using Registry.Engine.Storage.Tiers;

namespace Registry.Engine.Tests.Storage.Tiers;

public sealed class MemoryFactsTests
{
    private readonly ManualTime _time = new();
    private bool _connected = true;

    private MemoryFacts Facts() => new(100, TimeSpan.FromSeconds(10), () => _connected, _time);

    [Fact]
    public void A_fact_loaded_before_an_invalidation_is_never_served_after_it()
    {
        var facts = Facts();
        var key = FactKey.Subject("orders");
        var ticket = facts.Capture(key);

        facts.Invalidate(key);
        var kept = facts.Set(key, "old snapshot", ticket);

        Assert.False(kept);
        Assert.False(facts.TryGet(key, allowStale: true, out _));
    }

    [Fact]
    public void A_fact_a_write_produced_is_kept_only_when_the_writes_own_invalidation_is_the_one_change_since_it_began()
    {
        var facts = Facts();
        var key = FactKey.Subject("orders");

        // Only the write's own invalidation came between: kept and served, until the next invalidation.
        var before = facts.Capture(key);
        facts.Invalidate(key);
        Assert.True(facts.SetAfterOwnInvalidation(key, "revision 2", before, facts.Now(), ownSteps: 1));
        Assert.True(facts.TryGet(key, allowStale: false, out var held));
        Assert.Equal("revision 2", held);
        facts.Apply(new Invalidation(Guid.NewGuid(), 1, InvalidationKind.Subject, "orders", []));
        Assert.False(facts.TryGet(key, allowStale: true, out _));

        // Another replica's invalidation arrived between the commit and the write's own: never overwritten.
        before = facts.Capture(key);
        facts.Apply(new Invalidation(Guid.NewGuid(), 2, InvalidationKind.Subject, "orders", []));
        facts.Invalidate(key);
        Assert.False(facts.SetAfterOwnInvalidation(key, "revision 3", before, facts.Now(), ownSteps: 1));
        Assert.False(facts.TryGet(key, allowStale: true, out _));

        // Nor after "forget everything", nor without the write's own invalidation at all.
        before = facts.Capture(key);
        facts.InvalidateAll();
        facts.Invalidate(key);
        Assert.False(facts.SetAfterOwnInvalidation(key, "revision 4", before, facts.Now(), ownSteps: 1));
        before = facts.Capture(key);
        Assert.False(facts.SetAfterOwnInvalidation(key, "revision 4", before, facts.Now(), ownSteps: 1));
        Assert.False(facts.TryGet(key, allowStale: true, out _));
    }

    [Fact]
    public void A_facts_freshness_is_counted_from_before_its_load_so_a_slow_load_does_not_extend_it()
    {
        var facts = Facts();
        var key = FactKey.Subject("orders");
        var ticket = facts.Capture(key);
        var started = facts.Now();

        _time.Advance(TimeSpan.FromSeconds(8)); // the load takes 8 of the 10 s
        Assert.True(facts.Set(key, "snapshot", ticket, started));
        Assert.True(facts.TryGet(key, allowStale: false, out _));
        _time.Advance(TimeSpan.FromSeconds(2.5));

        Assert.False(facts.TryGet(key, allowStale: false, out _));
        Assert.True(facts.TryGet(key, allowStale: true, out var stale));
        Assert.Equal("snapshot", stale);
    }

    [Fact]
    public void A_fresh_fact_is_served_until_its_ttl_then_only_when_stale_is_allowed()
    {
        var facts = Facts();
        var key = FactKey.Config("orders");
        Assert.True(facts.Set(key, "config", facts.Capture(key)));

        Assert.True(facts.TryGet(key, allowStale: false, out var fresh));
        _time.Advance(TimeSpan.FromSeconds(11));

        Assert.Equal("config", fresh);
        Assert.False(facts.TryGet(key, allowStale: false, out _));
        Assert.True(facts.TryGet(key, allowStale: true, out var stale));
        Assert.Equal("config", stale);
    }

    [Fact]
    public void Invalidating_everything_or_losing_the_channel_makes_every_fact_unservable()
    {
        var facts = Facts();
        var a = FactKey.Subject("a");
        var b = FactKey.Usage(7);
        facts.Set(a, 1, facts.Capture(a));
        facts.Set(b, 2, facts.Capture(b));

        _connected = false;
        Assert.False(facts.Enabled);
        Assert.False(facts.TryGet(a, allowStale: true, out _));
        _connected = true;
        facts.InvalidateAll();

        Assert.False(facts.TryGet(a, allowStale: true, out _));
        Assert.False(facts.TryGet(b, allowStale: true, out _));
    }
}
