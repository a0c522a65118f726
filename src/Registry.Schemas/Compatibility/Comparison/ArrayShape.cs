using Registry.Schemas.Compatibility.Model;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>
/// The array content model of one schema: which schema governs the item at each index. As for objects,
/// <c>unevaluatedItems</c> beside applicators is modelled generously on the narrower side and strictly on the
/// wider side (see <see cref="ObjectShape"/>).
/// </summary>
internal sealed class ArrayShape
{
    private ArrayShape(SchemaModel node, SchemaModel? rest, int evaluatedPrefix)
    {
        Node = node;
        Rest = rest;
        EvaluatedPrefix = evaluatedPrefix;
    }

    public SchemaModel Node { get; }

    /// <summary>The schema for items past the prefixes; null admits anything.</summary>
    public SchemaModel? Rest { get; }

    /// <summary>Items before this index that the node's own prefix does not cover are evaluated by applicators (unevaluatedItems does not see them).</summary>
    public int EvaluatedPrefix { get; }

    public int PrefixLength => Node.PrefixItems.Length;

    /// <summary>The most items any instance can have, when known.</summary>
    public long? MaxItems
    {
        get
        {
            var max = Node.MaxItems;
            if (Rest is { AcceptsNothing: true })
            {
                long prefix = Math.Max(PrefixLength, EvaluatedPrefix);
                max = max is null ? prefix : Math.Min(max.Value, prefix);
            }

            return max;
        }
    }

    public static ArrayShape Of(SchemaModel node, bool narrowerSide)
    {
        if (node.Items is { } items)
        {
            return new ArrayShape(node, items, 0);
        }

        if (node.UnevaluatedItems is not { } unevaluated)
        {
            return new ArrayShape(node, null, 0);
        }

        if (!node.HasInPlaceApplicators && node.Contains is null)
        {
            return new ArrayShape(node, unevaluated, 0);
        }

        var everything = narrowerSide && node.Contains is not null;
        var prefix = 0;
        Collect(node, narrowerSide, ref prefix, ref everything, new HashSet<SchemaModel>(ReferenceEqualityComparer.Instance), 0, isRoot: true);
        return new ArrayShape(node, everything ? null : unevaluated, prefix);
    }

    private static void Collect(SchemaModel node, bool narrowerSide, ref int prefix, ref bool everything, HashSet<SchemaModel> seen, int depth, bool isRoot)
    {
        if (everything || depth > 32 || !seen.Add(node))
        {
            return;
        }

        if (!isRoot)
        {
            prefix = Math.Max(prefix, node.PrefixItems.Length);
            if (node.Items is not null || node.UnevaluatedItems is not null || (narrowerSide && node.Contains is not null))
            {
                everything = true;
                return;
            }
        }

        foreach (var member in node.AllOf)
        {
            Collect(member, narrowerSide, ref prefix, ref everything, seen, depth + 1, false);
        }

        if (node.RefTarget is { } target)
        {
            Collect(target, narrowerSide, ref prefix, ref everything, seen, depth + 1, false);
        }

        if (!narrowerSide)
        {
            return;
        }

        foreach (var branch in (ReadOnlySpan<SchemaModel>)[.. node.AnyOf ?? [], .. node.OneOf ?? []])
        {
            Collect(branch, narrowerSide, ref prefix, ref everything, seen, depth + 1, false);
        }

        foreach (var conditional in (ReadOnlySpan<SchemaModel?>)[node.If, node.Then, node.Else])
        {
            if (conditional is not null)
            {
                Collect(conditional, narrowerSide, ref prefix, ref everything, seen, depth + 1, false);
            }
        }
    }

    /// <summary>The schemas that apply to the item at <paramref name="index"/>; empty admits anything.</summary>
    public List<Governing> At(int index)
    {
        if (index < PrefixLength)
        {
            return [new Governing(Node.PrefixItems[index], "p")];
        }

        if (index < EvaluatedPrefix || Rest is null)
        {
            return [];
        }

        return [new Governing(Rest, "rest")];
    }

    public ContentModel ModelAt(int index)
    {
        if (index < EvaluatedPrefix || Rest is null || Rest.AcceptsEverything)
        {
            return ContentModel.Open;
        }

        return Rest.AcceptsNothing ? ContentModel.Closed : ContentModel.PartiallyOpen;
    }
}
