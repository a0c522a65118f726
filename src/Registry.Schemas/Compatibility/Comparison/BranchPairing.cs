using Registry.Schemas.Compatibility.Model;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>
/// Pairs the members of an old and a new list of subschemas (allOf, anyOf, oneOf) for reporting: identical JSON
/// first, then the same admitted types in order, then what is left in order. Pairing names the differences
/// ("branch 2 changed" rather than "branch removed, branch added"); it never decides compatibility, which is
/// proved against every member.
/// </summary>
internal sealed class BranchPairing
{
    private BranchPairing(int[] newForOld, int[] oldForNew)
    {
        NewForOld = newForOld;
        OldForNew = oldForNew;
    }

    /// <summary>For each old member, the index of its new partner, or -1.</summary>
    public int[] NewForOld { get; }

    /// <summary>For each new member, the index of its old partner, or -1.</summary>
    public int[] OldForNew { get; }

    /// <summary>
    /// Pairs each old member, in order, with the first unpaired new member of identical JSON; then the rest by equal
    /// admitted types; then, when both lists are as long, in order. Buckets keep it linear in the members.
    /// </summary>
    public static BranchPairing Of(SchemaModel[] old, SchemaModel[] @new)
    {
        var newForOld = new int[old.Length];
        var oldForNew = new int[@new.Length];
        Array.Fill(newForOld, -1);
        Array.Fill(oldForNew, -1);

        var byJson = new Dictionary<JsonRef, Queue<int>>(JsonRefComparer.Instance);
        for (var j = 0; j < @new.Length; j++)
        {
            if (@new[j].Json is { } json)
            {
                Bucket(byJson, json).Enqueue(j);
            }
        }

        for (var i = 0; i < old.Length; i++)
        {
            if (old[i].Json is { } json && byJson.TryGetValue(json, out var same))
            {
                Pair(same, i, newForOld, oldForNew);
            }
        }

        var byTypes = new Dictionary<JsonTypeSet, Queue<int>>();
        for (var j = 0; j < @new.Length; j++)
        {
            if (oldForNew[j] < 0)
            {
                Bucket(byTypes, SchemaComparer.Deref(@new[j]).Types).Enqueue(j);
            }
        }

        for (var i = 0; i < old.Length; i++)
        {
            if (newForOld[i] < 0 && byTypes.TryGetValue(SchemaComparer.Deref(old[i]).Types, out var alike))
            {
                Pair(alike, i, newForOld, oldForNew);
            }
        }

        // Pairing leftovers blindly only makes sense when the counts match (an edit, not an insertion).
        if (old.Length == @new.Length)
        {
            var next = 0;
            for (var i = 0; i < old.Length; i++)
            {
                if (newForOld[i] >= 0)
                {
                    continue;
                }

                while (next < @new.Length && oldForNew[next] >= 0)
                {
                    next++;
                }

                if (next < @new.Length)
                {
                    newForOld[i] = next;
                    oldForNew[next] = i;
                }
            }
        }

        return new BranchPairing(newForOld, oldForNew);
    }

    private static Queue<int> Bucket<TKey>(Dictionary<TKey, Queue<int>> buckets, TKey key)
        where TKey : notnull
    {
        if (!buckets.TryGetValue(key, out var bucket))
        {
            bucket = new Queue<int>();
            buckets[key] = bucket;
        }

        return bucket;
    }

    /// <summary>Pairs old member <paramref name="i"/> with the first member of the bucket not paired yet (buckets hold indexes in order).</summary>
    private static void Pair(Queue<int> bucket, int i, int[] newForOld, int[] oldForNew)
    {
        while (bucket.TryDequeue(out var j))
        {
            if (oldForNew[j] < 0)
            {
                newForOld[i] = j;
                oldForNew[j] = i;
                return;
            }
        }
    }
}
