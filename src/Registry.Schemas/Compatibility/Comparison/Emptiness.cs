using Registry.Schemas.Compatibility.Model;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>
/// Proves, type by type, that a schema's own keywords leave no value of that type: contradictory bounds, an
/// integral multipleOf (no fractions), a required property that can have no value, a closed object with fewer
/// admissible names than minProperties, an array that must hold more items than it may. With
/// <see cref="SchemaComparer.EffectiveTypes"/> (which adds the applicators) this proves a schema empty, and an empty
/// schema is included in every schema whatever its keywords say. Sufficient conditions only: a type kept means "not
/// proven empty".
/// </summary>
internal static class Emptiness
{
    /// <summary>The node's types minus those its own keywords leave no value of.</summary>
    public static JsonTypeSet AdmittedTypes(SchemaComparer comparer, SchemaModel node)
    {
        var types = node.Types;
        if ((types & JsonTypeSet.String) != 0 && node.MinLength > node.MaxLength)
        {
            types &= ~JsonTypeSet.String;
        }

        if ((types & JsonTypeSet.Integer) != 0 && NoInteger(node))
        {
            types &= ~JsonTypeSet.Integer;
        }

        if ((types & JsonTypeSet.Fraction) != 0 && NoFraction(node))
        {
            types &= ~JsonTypeSet.Fraction;
        }

        if ((types & JsonTypeSet.Object) != 0 && NoObject(comparer, node))
        {
            types &= ~JsonTypeSet.Object;
        }

        if ((types & JsonTypeSet.Array) != 0 && NoArray(comparer, node))
        {
            types &= ~JsonTypeSet.Array;
        }

        return types;
    }

    private static bool NoInteger(SchemaModel node)
    {
        var low = node.Minimum?.Ceiling();
        if (node.ExclusiveMinimum is { } xmin && (low is null || xmin.Floor().AddOne() > low.Value))
        {
            low = xmin.Floor().AddOne();
        }

        var high = node.Maximum?.Floor();
        if (node.ExclusiveMaximum is { } xmax && (high is null || xmax.Ceiling().SubtractOne() < high.Value))
        {
            high = xmax.Ceiling().SubtractOne();
        }

        return low is { } l && high is { } h && l > h;
    }

    private static bool NoFraction(SchemaModel node)
    {
        // A multipleOf that is an integer admits integers only.
        if (node.MultipleOf is { IsInteger: true })
        {
            return true;
        }

        var (low, lowExclusive) = Lower(node);
        var (high, highExclusive) = Upper(node);
        if (low is not { } l || high is not { } h)
        {
            return false;
        }

        // Empty interval, or a single point that is an integer.
        return l > h || (l == h && (lowExclusive || highExclusive || l.IsInteger));
    }

    private static (SchemaNumber?, bool) Lower(SchemaModel node)
    {
        if (node.ExclusiveMinimum is { } x && (node.Minimum is not { } m || x >= m))
        {
            return (x, true);
        }

        return (node.Minimum, false);
    }

    private static (SchemaNumber?, bool) Upper(SchemaModel node)
    {
        if (node.ExclusiveMaximum is { } x && (node.Maximum is not { } m || x <= m))
        {
            return (x, true);
        }

        return (node.Maximum, false);
    }

    private static bool NoObject(SchemaComparer comparer, SchemaModel node)
    {
        if (node.MinProperties > node.MaxProperties || node.Required.Length > node.MaxProperties)
        {
            return true;
        }

        var shape = ObjectShape.Of(node, narrowerSide: true);
        foreach (var name in node.Required)
        {
            if (node.PropertyNames is { } names && comparer.Matcher.Matches(names, FiniteInstances.String(name)) == false)
            {
                return true;
            }

            foreach (var governing in shape.Governing(name, comparer.Patterns, out var certain))
            {
                if (certain && comparer.IsEmpty(governing.Schema))
                {
                    return true;
                }
            }
        }

        if (!shape.IsClosed)
        {
            return false;
        }

        long admissible = 0;
        foreach (var property in node.Properties)
        {
            if (!comparer.IsEmpty(property.Schema))
            {
                admissible++;
            }
        }

        if (admissible < (node.MinProperties ?? 0))
        {
            return true;
        }

        foreach (var name in node.Required)
        {
            if (node.PropertySchema(name) is null)
            {
                return true;
            }
        }

        return false;
    }

    private static bool NoArray(SchemaComparer comparer, SchemaModel node)
    {
        if (node.MinItems > node.MaxItems || (node.Contains is not null && node.MinContains > node.MaxContains))
        {
            return true;
        }

        // The most items an instance can have: maxItems, or the prefix when no further item is admitted.
        var restEmpty = node.Items is { } rest && comparer.IsEmpty(rest);
        var most = node.MaxItems;
        if (restEmpty)
        {
            most = most is null ? node.PrefixItems.Length : Math.Min(most.Value, node.PrefixItems.Length);
        }

        var minimum = node.MinItems ?? 0;
        var neededByContains = node.Contains is null ? 0 : node.MinContains ?? 1;
        if (most < Math.Max(minimum, neededByContains))
        {
            return true;
        }

        for (var i = 0; i < node.PrefixItems.Length && i < minimum; i++)
        {
            if (comparer.IsEmpty(node.PrefixItems[i]))
            {
                return true;
            }
        }

        if (node.Contains is not { } contains || neededByContains == 0)
        {
            return false;
        }

        if (comparer.IsEmpty(contains))
        {
            return true;
        }

        // No item can match "contains": every positional schema and the rest are disjoint from it.
        foreach (var item in node.PrefixItems)
        {
            if (!Disjointness.AreDisjoint(comparer, item, contains))
            {
                return false;
            }
        }

        return node.Items is { } items && Disjointness.AreDisjoint(comparer, items, contains);
    }
}
