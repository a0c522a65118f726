using Registry.Schemas.Compatibility.Model;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>String and number constraints, and the shared rules for numeric limits on any type.</summary>
internal static class ScalarRules
{
    public static bool CompareStrings(SchemaComparer comparer, SchemaModel old, SchemaModel @new)
    {
        var included = LowerLimit(comparer, @new.At("minLength"), "MIN_LENGTH", "minLength", old.MinLength, @new.MinLength);
        included &= UpperLimit(comparer, @new.At("maxLength"), "MAX_LENGTH", "maxLength", old.MaxLength, @new.MaxLength);
        included &= ComparePattern(comparer, old, @new);
        included &= CompareFormat(comparer, old, @new);
        return included;
    }

    private static bool ComparePattern(SchemaComparer comparer, SchemaModel old, SchemaModel @new)
    {
        if (string.Equals(old.Pattern, @new.Pattern, StringComparison.Ordinal))
        {
            return true;
        }

        // Inclusion of regular languages is not decided: any pattern on the wider side must be the same one.
        var included = comparer.Sup(old, @new).Pattern is null;
        var location = @new.At("pattern");
        if (old.Pattern is null)
        {
            comparer.Report(DifferenceNames.PatternAdded, location, included, $"pattern '{@new.Pattern}' added");
        }
        else if (@new.Pattern is null)
        {
            comparer.Report(DifferenceNames.PatternRemoved, location, included, $"pattern '{old.Pattern}' removed");
        }
        else
        {
            comparer.Report(DifferenceNames.PatternChanged, location, included, $"pattern changed from '{old.Pattern}' to '{@new.Pattern}'");
        }

        return included;
    }

    private static bool CompareFormat(SchemaComparer comparer, SchemaModel old, SchemaModel @new)
    {
        if (string.Equals(old.Format, @new.Format, StringComparison.Ordinal))
        {
            return true;
        }

        var sub = comparer.Sub(old, @new).Format;
        var sup = comparer.Sup(old, @new).Format;
        var included = sup is null || (sub is not null && FormatWidens(sub, sup));
        var location = @new.At("format");
        if (old.Format is null)
        {
            comparer.Report(DifferenceNames.FormatAdded, location, included, $"format '{@new.Format}' added");
        }
        else if (@new.Format is null)
        {
            comparer.Report(DifferenceNames.FormatRemoved, location, included, $"format '{old.Format}' removed");
        }
        else
        {
            comparer.Report(DifferenceNames.FormatChanged, location, included, $"format changed from '{old.Format}' to '{@new.Format}'");
        }

        return included;
    }

    /// <summary>Formats whose every valid string is valid for another: the internationalised forms contain the ASCII ones.</summary>
    private static bool FormatWidens(string from, string to) => (from, to) switch
    {
        ("email", "idn-email") => true,
        ("hostname", "idn-hostname") => true,
        ("uri", "iri") => true,
        ("uri", "uri-reference") => true,
        ("uri", "iri-reference") => true,
        ("iri", "iri-reference") => true,
        ("uri-reference", "iri-reference") => true,
        _ => false,
    };

    public static bool CompareNumbers(SchemaComparer comparer, SchemaModel old, SchemaModel @new)
    {
        var sub = comparer.Sub(old, @new);
        var sup = comparer.Sup(old, @new);

        // Bounds are compared as one effective bound per side, so minimum 5 → exclusiveMinimum 4 on integers is no change.
        var integersOnly = (sub.Types & JsonTypeSet.Number) == JsonTypeSet.Integer;
        var lowerIncluded = LowerBoundIncluded(Lower(sub), Lower(sup), integersOnly);
        var upperIncluded = UpperBoundIncluded(Upper(sub), Upper(sup), integersOnly);
        Bound(comparer, @new, "minimum", "MINIMUM", old.Minimum, @new.Minimum, lowerIncluded);
        Bound(comparer, @new, "exclusiveMinimum", "EXCLUSIVE_MINIMUM", old.ExclusiveMinimum, @new.ExclusiveMinimum, lowerIncluded);
        Bound(comparer, @new, "maximum", "MAXIMUM", old.Maximum, @new.Maximum, upperIncluded);
        Bound(comparer, @new, "exclusiveMaximum", "EXCLUSIVE_MAXIMUM", old.ExclusiveMaximum, @new.ExclusiveMaximum, upperIncluded);
        return lowerIncluded & upperIncluded & CompareMultipleOf(comparer, old, @new, sub, sup, integersOnly);
    }

    private static bool CompareMultipleOf(SchemaComparer comparer, SchemaModel old, SchemaModel @new, SchemaModel sub, SchemaModel sup, bool integersOnly)
    {
        if (old.MultipleOf == @new.MultipleOf)
        {
            return true;
        }

        var included = sup.MultipleOf is not { } divisor
            || (sub.MultipleOf is { } multiple && multiple.IsMultipleOf(divisor))
            || (integersOnly && SchemaNumber.FromInteger(1).IsMultipleOf(divisor));
        var location = @new.At("multipleOf");
        switch (old.MultipleOf, @new.MultipleOf)
        {
            case (null, { } added):
                comparer.Report(DifferenceNames.MultipleOfAdded, location, included, $"multipleOf {added} added");
                break;
            case ({ } removed, null):
                comparer.Report(DifferenceNames.MultipleOfRemoved, location, included, $"multipleOf {removed} removed");
                break;
            case ({ } before, { } after):
                var name = after.IsMultipleOf(before) ? DifferenceNames.MultipleOfExpanded
                    : before.IsMultipleOf(after) ? DifferenceNames.MultipleOfReduced
                    : DifferenceNames.MultipleOfChanged;
                comparer.Report(name, location, included, $"multipleOf changed from {before} to {after}");
                break;
        }

        return included;
    }

    private readonly record struct NumberBound(SchemaNumber Value, bool Exclusive);

    private static NumberBound? Lower(SchemaModel node) => Tighter(node.Minimum, node.ExclusiveMinimum, lower: true);

    private static NumberBound? Upper(SchemaModel node) => Tighter(node.Maximum, node.ExclusiveMaximum, lower: false);

    private static NumberBound? Tighter(SchemaNumber? inclusive, SchemaNumber? exclusive, bool lower)
    {
        if (inclusive is null)
        {
            return exclusive is { } e ? new NumberBound(e, true) : null;
        }

        if (exclusive is null)
        {
            return new NumberBound(inclusive.Value, false);
        }

        var i = inclusive.Value;
        var x = exclusive.Value;
        // At a tie the exclusive bound is the tighter one.
        return lower
            ? (x >= i ? new NumberBound(x, true) : new NumberBound(i, false))
            : (x <= i ? new NumberBound(x, true) : new NumberBound(i, false));
    }

    /// <summary>For integers only, a bound is the same as an inclusive integer bound: &gt; 4 is ≥ 5, ≥ 4.5 is ≥ 5.</summary>
    private static NumberBound ToIntegerLower(NumberBound bound)
        => new(bound.Exclusive ? bound.Value.Floor().AddOne() : bound.Value.Ceiling(), false);

    private static NumberBound ToIntegerUpper(NumberBound bound)
        => new(bound.Exclusive ? bound.Value.Ceiling().SubtractOne() : bound.Value.Floor(), false);

    private static bool LowerBoundIncluded(NumberBound? sub, NumberBound? sup, bool integersOnly)
    {
        if (sup is not { } wider)
        {
            return true;
        }

        if (sub is not { } narrower)
        {
            return false;
        }

        if (integersOnly)
        {
            narrower = ToIntegerLower(narrower);
            wider = ToIntegerLower(wider);
        }

        return narrower.Value > wider.Value || (narrower.Value == wider.Value && (narrower.Exclusive || !wider.Exclusive));
    }

    private static bool UpperBoundIncluded(NumberBound? sub, NumberBound? sup, bool integersOnly)
    {
        if (sup is not { } wider)
        {
            return true;
        }

        if (sub is not { } narrower)
        {
            return false;
        }

        if (integersOnly)
        {
            narrower = ToIntegerUpper(narrower);
            wider = ToIntegerUpper(wider);
        }

        return narrower.Value < wider.Value || (narrower.Value == wider.Value && (narrower.Exclusive || !wider.Exclusive));
    }

    private static void Bound(SchemaComparer comparer, SchemaModel @new, string keyword, string prefix, SchemaNumber? before, SchemaNumber? after, bool included)
    {
        if (before == after)
        {
            return;
        }

        var location = @new.At(keyword);
        switch (before, after)
        {
            case (null, { } added):
                comparer.Report(prefix + "_ADDED", location, included, $"{keyword} {added} added");
                break;
            case ({ } removed, null):
                comparer.Report(prefix + "_REMOVED", location, included, $"{keyword} {removed} removed");
                break;
            case ({ } b, { } a):
                comparer.Report(prefix + (a > b ? "_INCREASED" : "_DECREASED"), location, included, $"{keyword} changed from {b} to {a}");
                break;
        }
    }

    /// <summary>A lower limit on a count (minLength, minItems, ...): absent is 0.</summary>
    public static bool LowerLimit(SchemaComparer comparer, string location, string prefix, string keyword, long? before, long? after, long? subEffective = null)
    {
        var subValue = subEffective ?? (comparer.Backward ? before : after) ?? 0;
        var supValue = comparer.Backward ? after : before;
        var included = supValue is null || subValue >= supValue;
        ReportLimit(comparer, location, prefix, keyword, before, after, included);
        return included;
    }

    /// <summary>An upper limit on a count (maxLength, maxItems, ...): absent is unbounded.</summary>
    public static bool UpperLimit(SchemaComparer comparer, string location, string prefix, string keyword, long? before, long? after, long? subEffective = null)
    {
        var subValue = subEffective ?? (comparer.Backward ? before : after);
        var supValue = comparer.Backward ? after : before;
        var included = supValue is null || (subValue is not null && subValue <= supValue);
        ReportLimit(comparer, location, prefix, keyword, before, after, included);
        return included;
    }

    public static void ReportLimit(SchemaComparer comparer, string location, string prefix, string keyword, long? before, long? after, bool included)
    {
        switch (before, after)
        {
            case (null, null):
                return;
            case (null, { } added):
                comparer.Report(prefix + "_ADDED", location, included, $"{keyword} {added} added");
                return;
            case ({ } removed, null):
                comparer.Report(prefix + "_REMOVED", location, included, $"{keyword} {removed} removed");
                return;
            case ({ } b, { } a) when a != b:
                comparer.Report(prefix + (a > b ? "_INCREASED" : "_DECREASED"), location, included, $"{keyword} changed from {b} to {a}");
                return;
        }
    }
}
