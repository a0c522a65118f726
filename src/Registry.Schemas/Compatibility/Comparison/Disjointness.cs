using Registry.Schemas.Compatibility.Model;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>
/// Proves that no instance is valid under both of two schemas (what <c>oneOf</c> exclusivity and <c>not</c> need).
/// Sufficient conditions only: disjoint types, disjoint values, disjoint numeric or length ranges, a required
/// property whose schemas are disjoint (the tagged-union discriminator), through allOf/anyOf/oneOf/$ref.
/// False means "not proven".
/// </summary>
internal static class Disjointness
{
    private const int MaxDepth = 8;

    public static bool AreDisjoint(SchemaComparer comparer, SchemaModel a, SchemaModel b) => AreDisjoint(comparer, a, b, 0);

    private static bool AreDisjoint(SchemaComparer comparer, SchemaModel a, SchemaModel b, int depth)
    {
        a = SchemaComparer.Deref(a);
        b = SchemaComparer.Deref(b);
        if (a.AcceptsNothing || b.AcceptsNothing || comparer.IsEmpty(a) || comparer.IsEmpty(b))
        {
            return true;
        }

        var shared = comparer.EffectiveTypes(a) & comparer.EffectiveTypes(b);
        if (shared == JsonTypeSet.None)
        {
            return true;
        }

        if (depth > MaxDepth)
        {
            return false;
        }

        if ((a.Values is { } aValues && NoneMatch(comparer, aValues, a, b)) || (b.Values is { } bValues && NoneMatch(comparer, bValues, b, a)))
        {
            return true;
        }

        if (OneConjunctDisjoint(comparer, a, b, depth) || OneConjunctDisjoint(comparer, b, a, depth))
        {
            return true;
        }

        if (AllBranchesDisjoint(comparer, a, b, depth) || AllBranchesDisjoint(comparer, b, a, depth))
        {
            return true;
        }

        return shared switch
        {
            JsonTypeSet.Object => DiscriminatorDisjoint(comparer, a, b, depth) || DiscriminatorDisjoint(comparer, b, a, depth),
            JsonTypeSet.String => RangesDisjoint(a.MinLength, a.MaxLength, b.MinLength, b.MaxLength),
            JsonTypeSet.Array => RangesDisjoint(a.MinItems, a.MaxItems, b.MinItems, b.MaxItems),
            _ when (shared & ~JsonTypeSet.Number) == 0 => NumbersDisjoint(a, b),
            _ => false,
        };
    }

    private static bool NoneMatch(SchemaComparer comparer, System.Text.Json.JsonElement[] values, SchemaModel own, SchemaModel other)
    {
        foreach (var value in values)
        {
            if (comparer.Matcher.Matches(other, value) != false && comparer.Matcher.Matches(own, value) != false)
            {
                return false;
            }
        }

        return true;
    }

    private static bool OneConjunctDisjoint(SchemaComparer comparer, SchemaModel a, SchemaModel b, int depth)
    {
        foreach (var member in a.AllOf)
        {
            if (AreDisjoint(comparer, member, b, depth + 1))
            {
                return true;
            }
        }

        return a.RefTarget is { } target && AreDisjoint(comparer, target, b, depth + 1);
    }

    private static bool AllBranchesDisjoint(SchemaComparer comparer, SchemaModel a, SchemaModel b, int depth)
    {
        foreach (var branches in (ReadOnlySpan<SchemaModel[]?>)[a.AnyOf, a.OneOf])
        {
            if (branches is null)
            {
                continue;
            }

            var all = true;
            foreach (var branch in branches)
            {
                if (!AreDisjoint(comparer, branch, b, depth + 1))
                {
                    all = false;
                    break;
                }
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A property every instance of <paramref name="a"/> has, whose value can satisfy no schema <paramref name="b"/> applies to it.</summary>
    private static bool DiscriminatorDisjoint(SchemaComparer comparer, SchemaModel a, SchemaModel b, int depth)
    {
        var guaranteed = ObjectShape.GuaranteedNames(a);
        if (guaranteed.Count == 0)
        {
            return false;
        }

        var aShape = ObjectShape.Of(a, narrowerSide: true);
        var bShape = ObjectShape.Of(b, narrowerSide: true);
        foreach (var name in guaranteed)
        {
            var inB = bShape.Governing(name, comparer.Patterns, out var bCertain);
            var inA = aShape.Governing(name, comparer.Patterns, out var aCertain);
            if (!aCertain || !bCertain)
            {
                continue;
            }

            foreach (var x in inB)
            {
                if (x.Schema.AcceptsNothing)
                {
                    return true;
                }

                foreach (var y in inA)
                {
                    if (AreDisjoint(comparer, y.Schema, x.Schema, depth + 1))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static bool RangesDisjoint(long? aMin, long? aMax, long? bMin, long? bMax)
        => (aMax is { } x && bMin is { } y && x < y) || (bMax is { } p && aMin is { } q && p < q);

    private static bool NumbersDisjoint(SchemaModel a, SchemaModel b) => Below(a, b) || Below(b, a);

    /// <summary>True when every number of <paramref name="a"/> is below every number of <paramref name="b"/>.</summary>
    private static bool Below(SchemaModel a, SchemaModel b)
    {
        var (upper, upperExclusive) = a.ExclusiveMaximum is { } xa && (a.Maximum is not { } ma || xa <= ma) ? (xa, true)
            : a.Maximum is { } m ? (m, false) : (default(SchemaNumber?), false);
        var (lower, lowerExclusive) = b.ExclusiveMinimum is { } xb && (b.Minimum is not { } mb || xb >= mb) ? (xb, true)
            : b.Minimum is { } n ? (n, false) : (default(SchemaNumber?), false);
        if (upper is not { } u || lower is not { } l)
        {
            return false;
        }

        return u < l || (u == l && (upperExclusive || lowerExclusive));
    }
}
