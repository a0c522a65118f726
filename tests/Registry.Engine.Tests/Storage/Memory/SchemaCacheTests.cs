using Registry.Engine.Model;
using Registry.Engine.Storage.Memory;

namespace Registry.Engine.Tests.Storage.Memory;

public sealed class SchemaCacheTests
{
    private static SchemaRecord Record(long id, int bytes) => new(id, "JSON", new byte[bytes], new byte[32], []);

    private static long WeightOf(int bytes) => CachedSchema.EntryOverheadBytes + ((long)bytes * CachedSchema.BytesPerContentByte);

    [Fact]
    public void A_schema_is_weighed_by_its_text_and_its_regular_expressions_are_left_to_the_pattern_cache()
    {
        var plain = """{"type":"object","properties":{"a":{"type":"string"}}}"""u8;
        var patterned = """{"type":"object","properties":{"a":{"type":"string","pattern":"^a+$"}},"patternProperties":{"^x-":{}}}"""u8;

        Assert.Equal(WeightOf(plain.Length), CachedSchema.EstimateWeight(plain));
        Assert.Equal(WeightOf(patterned.Length), CachedSchema.EstimateWeight(patterned));
    }

    [Fact]
    public void Entries_are_weighed_by_their_bytes_and_the_byte_bound_trims_the_coldest()
    {
        var cache = new SchemaCache(capacity: 1000, maxBytes: 10 * WeightOf(1000));

        for (var id = 1; id <= 30; id++)
        {
            cache.Add(Record(id, 1000));
        }

        Assert.True(cache.Bytes <= cache.MaxBytes, $"{cache.Bytes} > {cache.MaxBytes}");
        Assert.Equal(cache.Count * WeightOf(1000), cache.Bytes);
        Assert.InRange(cache.Count, 1, 10);
        Assert.True(cache.TryGet(30, out _));
        Assert.False(cache.TryGet(1, out _));
    }

    [Fact]
    public void The_count_bound_holds_for_small_entries()
    {
        var cache = new SchemaCache(capacity: 50);

        for (var id = 1; id <= 500; id++)
        {
            cache.Add(Record(id, 10));
        }

        Assert.InRange(cache.Count, 1, 50);
        Assert.Equal(cache.Count * WeightOf(10), cache.Bytes);
    }

    [Fact]
    public void Removing_and_clearing_give_the_bytes_back()
    {
        var cache = new SchemaCache(capacity: 100);
        cache.Add(Record(1, 100));
        cache.Add(Record(2, 200));

        cache.Remove(1);
        Assert.Equal(WeightOf(200), cache.Bytes);
        cache.Clear();

        Assert.Equal(0, cache.Bytes);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Adding_an_id_twice_keeps_one_entry_and_counts_it_once()
    {
        var cache = new SchemaCache(capacity: 100);

        var first = cache.Add(Record(1, 100));
        var second = cache.Add(Record(1, 100));

        Assert.Same(first, second);
        Assert.Equal(WeightOf(100), cache.Bytes);
    }

    [Fact]
    public void Hits_and_misses_are_counted()
    {
        var cache = new SchemaCache(capacity: 100);
        cache.Add(Record(1, 10));

        cache.TryGet(1, out _);
        cache.TryGet(1, out _);
        cache.TryGet(2, out _);

        Assert.Equal((2L, 1L), (cache.Hits, cache.Misses));
    }
}
