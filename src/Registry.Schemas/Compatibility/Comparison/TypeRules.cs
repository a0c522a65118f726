using System.Text.Json;
using Registry.Schemas.Compatibility.Model;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary><c>type</c>, <c>enum</c> and <c>const</c>: which values and JSON types a schema admits at all.</summary>
internal static class TypeRules
{
    /// <summary>
    /// Compares the admitted types (declared types narrowed by enum/const; integer is a subset of number), so
    /// integer → number is a widening and <c>enum: [1, 2]</c> → <c>type: integer</c> changes no type.
    /// </summary>
    public static bool CompareTypes(SchemaComparer comparer, SchemaModel old, SchemaModel @new)
    {
        // Named by what each side admits in effect (anyOf of string and null admits [string, null]); decided by
        // the wider side's own keyword, which is what an instance must pass.
        var before = comparer.EffectiveTypes(old);
        var after = comparer.EffectiveTypes(@new);
        if (before == after)
        {
            return true;
        }

        var included = comparer.Sup(old, @new).Types.Includes(comparer.Backward ? before : after);
        if (included && !RestrictsTypes(old) && !RestrictsTypes(@new))
        {
            // Neither side says anything about types itself (the change comes from branches or members, reported
            // there): nothing to add.
            return true;
        }

        var name = after.Includes(before) ? DifferenceNames.TypeExtended
            : before.Includes(after) ? DifferenceNames.TypeNarrowed
            : DifferenceNames.TypeChanged;
        comparer.Report(name, @new.At("type"), included, $"type changed from {before.Describe()} to {after.Describe()}");
        return included;
    }

    private static bool RestrictsTypes(SchemaModel node) => node.HasType || node.Values is not null || node.BooleanValue is not null;

    public static bool CompareValues(SchemaComparer comparer, SchemaModel old, SchemaModel @new)
    {
        if (old.Values is null && @new.Values is null)
        {
            return true;
        }

        var sub = comparer.Sub(old, @new);
        var sup = comparer.Sup(old, @new);
        var included = sup.Values is null || (sub.Values is not null && IsSubset(sub.Values, sup.Values));
        var reported = ReportEnum(comparer, old, @new, included);
        reported |= ReportConst(comparer, old, @new, included);
        if (!included && !reported)
        {
            comparer.Report(DifferenceNames.EnumChanged, @new.At(@new.Enum is not null ? "enum" : "const"), false,
                "the admitted values changed (enum and const with the declared type)");
        }

        return included;
    }

    private static bool ReportEnum(SchemaComparer comparer, SchemaModel old, SchemaModel @new, bool included)
    {
        var location = @new.At("enum");
        switch (old.Enum, @new.Enum)
        {
            case (null, null):
                return false;
            case (null, { } added):
                comparer.Report(DifferenceNames.EnumAdded, location, included, $"enum added with {added.Length} value(s)");
                return true;
            case ({ } removed, null):
                comparer.Report(DifferenceNames.EnumRemoved, location, included, $"enum of {removed.Length} value(s) removed");
                return true;
        }

        var gained = Missing(@new.Enum!, old.Enum!);
        var lost = Missing(old.Enum!, @new.Enum!);
        if (gained.Count == 0 && lost.Count == 0)
        {
            return false;
        }

        var name = lost.Count == 0 ? DifferenceNames.EnumExtended
            : gained.Count == 0 ? DifferenceNames.EnumNarrowed
            : DifferenceNames.EnumChanged;
        var parts = new List<string>(2);
        if (gained.Count > 0)
        {
            parts.Add("added " + List(gained));
        }

        if (lost.Count > 0)
        {
            parts.Add("removed " + List(lost));
        }

        comparer.Report(name, location, included, "enum " + string.Join(", ", parts));
        return true;
    }

    private static bool ReportConst(SchemaComparer comparer, SchemaModel old, SchemaModel @new, bool included)
    {
        var location = @new.At("const");
        if (!old.HasConst && @new.HasConst)
        {
            comparer.Report(DifferenceNames.ConstAdded, location, included, $"const {AnnotationRules.Short(@new.Const)} added");
            return true;
        }

        if (old.HasConst && !@new.HasConst)
        {
            comparer.Report(DifferenceNames.ConstRemoved, location, included, $"const {AnnotationRules.Short(old.Const)} removed");
            return true;
        }

        if (old.HasConst && !JsonElement.DeepEquals(old.Const, @new.Const))
        {
            comparer.Report(DifferenceNames.ConstChanged, location, included,
                $"const changed from {AnnotationRules.Short(old.Const)} to {AnnotationRules.Short(@new.Const)}");
            return true;
        }

        return false;
    }

    private static bool IsSubset(JsonElement[] values, JsonElement[] of)
    {
        foreach (var value in values)
        {
            if (!JsonValueSets.Contains(of, value))
            {
                return false;
            }
        }

        return true;
    }

    private static List<JsonElement> Missing(JsonElement[] values, JsonElement[] from)
    {
        var missing = new List<JsonElement>();
        foreach (var value in values)
        {
            if (!JsonValueSets.Contains(from, value))
            {
                missing.Add(value);
            }
        }

        return missing;
    }

    private static string List(List<JsonElement> values)
    {
        var shown = new List<string>(Math.Min(values.Count, 5));
        for (var i = 0; i < values.Count && i < 5; i++)
        {
            shown.Add(AnnotationRules.Short(values[i]));
        }

        return string.Join(", ", shown) + (values.Count > 5 ? $" and {values.Count - 5} more" : string.Empty);
    }
}
