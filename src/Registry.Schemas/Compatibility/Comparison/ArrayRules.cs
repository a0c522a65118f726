using Registry.Schemas.Compatibility.Model;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>Array keywords: positional items under the content model, the remaining items, counts, uniqueness, contains.</summary>
internal static class ArrayRules
{
    public static bool Compare(SchemaComparer comparer, SchemaModel old, SchemaModel @new)
    {
        // As for objects: positions with the narrower side generous and the wider side strict; the remaining items
        // strictly on both sides when the same applicators and contains leave them to unevaluatedItems on both.
        var oldShape = ArrayShape.Of(old, narrowerSide: comparer.Backward);
        var newShape = ArrayShape.Of(@new, narrowerSide: !comparer.Backward);
        var alike = (old.Items is null) == (@new.Items is null) && comparer.SameSchema(old.Contains, @new.Contains)
                    && comparer.ApplicatorsIdentical(old, @new);
        var oldRest = alike && comparer.Backward ? ArrayShape.Of(old, narrowerSide: false) : oldShape;
        var newRest = alike && !comparer.Backward ? ArrayShape.Of(@new, narrowerSide: false) : newShape;
        var sub = comparer.Sub(old, @new);
        var subShape = comparer.Backward ? oldShape : newShape;
        var subMax = subShape.MaxItems;
        for (var i = 0; i < subShape.PrefixLength && (subMax is null || i < subMax); i++)
        {
            // An item that can have no value ends every instance before it.
            if (comparer.IsEmpty(subShape.Node.PrefixItems[i]))
            {
                subMax = i;
            }
        }

        var included = ComparePositions(comparer, old, @new, oldShape, newShape, oldRest, newRest, subMax, out var positions);
        included &= CompareRest(comparer, old, @new, oldRest, newRest, subMax is null || subMax > positions);
        included &= ScalarRules.LowerLimit(comparer, @new.At("minItems"), "MIN_ITEMS", "minItems", old.MinItems, @new.MinItems,
            Math.Max(sub.MinItems ?? 0, sub.Contains is not null && sub.MinContains != 0 ? sub.MinContains ?? 1 : 0));
        included &= ScalarRules.UpperLimit(comparer, @new.At("maxItems"), "MAX_ITEMS", "maxItems", old.MaxItems, @new.MaxItems, subMax);
        included &= CompareUnique(comparer, old, @new, subMax);
        included &= CompareContains(comparer, old, @new, subShape, subMax);
        return included;
    }

    private static bool ComparePositions(SchemaComparer comparer, SchemaModel old, SchemaModel @new, ArrayShape oldShape, ArrayShape newShape,
        ArrayShape oldRest, ArrayShape newRest, long? subMax, out int positions)
    {
        positions = Math.Max(Math.Max(oldShape.PrefixLength, newShape.PrefixLength), Math.Max(oldRest.EvaluatedPrefix, newRest.EvaluatedPrefix));
        var keyword = @new.PrefixItems.Length > 0 ? @new.PrefixItemsKeyword : old.PrefixItemsKeyword;
        var included = true;
        for (var i = 0; i < positions; i++)
        {
            var relevant = subMax is null || i < subMax;
            var location = JsonPointer.Append(@new.At(keyword), i);
            var inOld = i < oldShape.PrefixLength;
            var inNew = i < newShape.PrefixLength;
            bool ok;
            if (inOld && inNew)
            {
                ok = comparer.Compare(old.PrefixItems[i], @new.PrefixItems[i]) || !relevant;
            }
            else if (inNew)
            {
                var model = oldShape.ModelAt(i);
                ok = !relevant || ObjectRules.IncludesAll(comparer, oldShape.At(i), newShape.At(i), location, commit: model == ContentModel.PartiallyOpen);
                comparer.Report(model switch
                {
                    ContentModel.Open => DifferenceNames.ItemAddedToOpenContentModel,
                    ContentModel.Closed => DifferenceNames.ItemAddedToClosedContentModel,
                    _ => DifferenceNames.ItemAddedToPartiallyOpenContentModel,
                }, location, ok, $"a schema for item {i} added; the old schema {Admitted(model, past: true)}");
            }
            else if (inOld)
            {
                var model = newShape.ModelAt(i);
                ok = !relevant || ObjectRules.IncludesAll(comparer, oldShape.At(i), newShape.At(i), location, commit: model == ContentModel.PartiallyOpen);
                comparer.Report(model switch
                {
                    ContentModel.Open => DifferenceNames.ItemRemovedFromOpenContentModel,
                    ContentModel.Closed => DifferenceNames.ItemRemovedFromClosedContentModel,
                    _ => DifferenceNames.ItemRemovedFromPartiallyOpenContentModel,
                }, location, ok, $"the schema for item {i} removed; the new schema {Admitted(model, past: false)}");
            }
            else
            {
                // Neither declares the position: as for the remaining items (alike when the applicators are the same).
                ok = !relevant || ObjectRules.IncludesAll(comparer, oldRest.At(i), newRest.At(i), location, commit: false);
            }

            included &= ok;
        }

        return included;
    }

    private static string Admitted(ContentModel model, bool past) => (model, past) switch
    {
        (ContentModel.Open, true) => "admitted any item there",
        (ContentModel.Open, false) => "admits any item there",
        (ContentModel.Closed, true) => "admitted no item there",
        (ContentModel.Closed, false) => "admits no item there",
        (_, true) => "applied its items schema there",
        _ => "applies its items schema there",
    };

    private static bool CompareRest(SchemaComparer comparer, SchemaModel old, SchemaModel @new, ArrayShape oldShape, ArrayShape newShape, bool relevant)
    {
        bool ok;
        if (oldShape.Rest is { BooleanValue: null } before && newShape.Rest is { BooleanValue: null } after)
        {
            ok = comparer.Compare(before, after) || !relevant;
        }
        else
        {
            List<Governing> oldRest = oldShape.Rest is null ? [] : [new Governing(oldShape.Rest, "rest")];
            List<Governing> newRest = newShape.Rest is null ? [] : [new Governing(newShape.Rest, "rest")];
            ok = !relevant || ObjectRules.IncludesAll(comparer, oldRest, newRest, @new.At(@new.ItemsKeyword), commit: false);
        }

        ObjectRules.ReportRest(comparer, old.Items, @new.Items, @new.At(@new.Items is not null ? @new.ItemsKeyword : old.ItemsKeyword),
            DifferenceNames.ItemsNarrowed, DifferenceNames.ItemsExtended, @new.Items is not null ? @new.ItemsKeyword : old.ItemsKeyword, ok);
        ObjectRules.ReportRest(comparer, old.UnevaluatedItems, @new.UnevaluatedItems, @new.At("unevaluatedItems"),
            DifferenceNames.UnevaluatedItemsNarrowed, DifferenceNames.UnevaluatedItemsExtended, "unevaluatedItems", ok);
        return ok;
    }

    private static bool CompareUnique(SchemaComparer comparer, SchemaModel old, SchemaModel @new, long? subMax)
    {
        if (old.UniqueItems == @new.UniqueItems)
        {
            return true;
        }

        var sub = comparer.Sub(old, @new);
        var sup = comparer.Sup(old, @new);
        var ok = !sup.UniqueItems || sub.UniqueItems || subMax <= 1;
        comparer.Report(@new.UniqueItems ? DifferenceNames.UniqueItemsAdded : DifferenceNames.UniqueItemsRemoved, @new.At("uniqueItems"), ok,
            @new.UniqueItems ? "uniqueItems added: items must be distinct" : "uniqueItems removed");
        return ok;
    }

    private static bool CompareContains(SchemaComparer comparer, SchemaModel old, SchemaModel @new, ArrayShape subShape, long? subMax)
    {
        if (old.Contains is null && @new.Contains is null)
        {
            return true;
        }

        var sub = comparer.Sub(old, @new);
        var sup = comparer.Sup(old, @new);
        bool ok;
        if (sup.Contains is not { } wider)
        {
            ok = true;
        }
        else
        {
            var supMin = sup.MinContains ?? 1;
            var supMax = sup.MaxContains;
            var maxOk = supMax is null || subMax <= supMax;
            if (sub.Contains is { } narrower)
            {
                var subMin = sub.MinContains ?? 1;
                var matches = old.Contains is not null && @new.Contains is not null
                    ? comparer.Compare(old.Contains, @new.Contains)
                    : comparer.Backward ? comparer.Probe(narrower, wider) : comparer.Probe(wider, narrower);
                ok = supMin == 0 || (matches && subMin >= supMin);

                // Capping the matches of the wider side needs every one of them to be a match of the narrower side.
                if (ok && !maxOk)
                {
                    var reverse = comparer.Backward ? comparer.ProbeFlipped(narrower, wider) : comparer.ProbeFlipped(wider, narrower);
                    ok = reverse && sub.MaxContains is { } subMaxContains && subMaxContains <= supMax;
                }
            }
            else
            {
                ok = maxOk && (supMin == 0 || (Math.Max(sub.MinItems ?? 0, 0) >= supMin && EveryItemMatches(comparer, subShape, wider)));
            }
        }

        var location = @new.At("contains");
        if (old.Contains is null)
        {
            comparer.Report(DifferenceNames.ContainsAdded, location, ok, "contains added");
        }
        else if (@new.Contains is null)
        {
            comparer.Report(DifferenceNames.ContainsRemoved, location, ok, "contains removed");
        }

        ScalarRules.ReportLimit(comparer, @new.At("minContains"), "MIN_CONTAINS", "minContains", old.MinContains, @new.MinContains, ok);
        ScalarRules.ReportLimit(comparer, @new.At("maxContains"), "MAX_CONTAINS", "maxContains", old.MaxContains, @new.MaxContains, ok);
        return ok;
    }

    /// <summary>True when every item an instance of the narrower side can have is matched by <paramref name="contains"/>.</summary>
    private static bool EveryItemMatches(SchemaComparer comparer, ArrayShape shape, SchemaModel contains)
    {
        List<Governing> wider = [new Governing(contains, "contains")];
        var prefix = Math.Max(shape.PrefixLength, shape.EvaluatedPrefix);
        for (var i = 0; i < prefix; i++)
        {
            if (!Included(comparer, shape.At(i), wider, contains.Location))
            {
                return false;
            }
        }

        return shape.MaxItems <= prefix
               || Included(comparer, shape.Rest is null ? [] : [new Governing(shape.Rest, "rest")], wider, contains.Location);
    }

    /// <summary><see cref="ObjectRules.IncludesAll(SchemaComparer, List{Governing}, List{Governing}, string, bool)"/> with the lists given as narrower and wider.</summary>
    private static bool Included(SchemaComparer comparer, List<Governing> narrower, List<Governing> wider, string location)
        => comparer.Backward
            ? ObjectRules.IncludesAll(comparer, narrower, wider, location, commit: false)
            : ObjectRules.IncludesAll(comparer, wider, narrower, location, commit: false);
}
