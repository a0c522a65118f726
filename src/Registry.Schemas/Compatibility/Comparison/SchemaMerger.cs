using System.Text.Json;
using Registry.Schemas.Compatibility.Model;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>
/// Builds the conjunction of two schemas as one schema, when the keywords combine without loss (bounds take the
/// tighter value, properties merge name by name under each side's content model, required lists join). Returns
/// null when they do not (two different patterns, two anyOf, unevaluated* beside the other side's keywords), and
/// the caller then has no proof. Used on the narrower side only: to compare <c>allOf: [A, B]</c> or
/// <c>C ∧ anyOf: [X, Y]</c> with a schema that spells the same constraints in one place.
/// </summary>
internal sealed class SchemaMerger(WorkBudget budget)
{
    private const int MaxDepth = 8;

    /// <summary>The node with its allOf members and sibling $ref merged in; the node itself when it has none; null when they do not merge.</summary>
    public SchemaModel? Flatten(SchemaModel node) => Flatten(node, 0);

    private SchemaModel? Flatten(SchemaModel node, int depth)
    {
        node = SchemaComparer.Deref(node);
        budget.Charge(1, WorkOperations.Compare, node.Location);
        if (node.AllOf.Length == 0 && node.RefTarget is null)
        {
            return node;
        }

        if (depth > MaxDepth)
        {
            return null;
        }

        var merged = node.Clone();
        merged.AllOf = [];
        merged.Ref = null;
        merged.RefTarget = null;
        merged.RecomputeAssertions();
        foreach (var member in node.AllOf)
        {
            var flat = Flatten(member, depth + 1);
            var next = flat is null ? null : Merge(merged, flat, depth + 1);
            if (next is null)
            {
                return null;
            }

            merged = next;
        }

        if (node.RefTarget is { } target)
        {
            var flat = Flatten(target, depth + 1);
            return flat is null ? null : Merge(merged, flat, depth + 1);
        }

        return merged;
    }

    /// <summary><paramref name="node"/> without the disjunction <paramref name="branch"/> belongs to, conjoined with that branch.</summary>
    public SchemaModel? WithoutDisjunction(SchemaModel node, SchemaModel branch)
    {
        var rest = node.Clone();
        if (node.AnyOf is not null && Array.IndexOf(node.AnyOf, branch) >= 0)
        {
            rest.AnyOf = null;
        }
        else
        {
            rest.OneOf = null;
        }

        rest.RecomputeAssertions();
        var flatRest = Flatten(rest, 0);
        var flatBranch = Flatten(branch, 0);
        return flatRest is null || flatBranch is null ? null : Merge(flatRest, flatBranch, 0);
    }

    private SchemaModel? Merge(SchemaModel a, SchemaModel b, int depth)
    {
        budget.Charge(1, WorkOperations.Compare, a.Location);
        if (depth > MaxDepth)
        {
            return null;
        }

        var fa = Flatten(a, depth + 1);
        var fb = Flatten(b, depth + 1);
        if (fa is null || fb is null)
        {
            return null;
        }

        a = fa;
        b = fb;
        if (a.BooleanValue == false || b.BooleanValue == false)
        {
            return SchemaModel.Synthetic(false, a.Location);
        }

        if (a.AcceptsEverything)
        {
            return b;
        }

        if (b.AcceptsEverything)
        {
            return a;
        }

        var m = a.Clone();
        m.DeclaredTypes = a.DeclaredTypes & b.DeclaredTypes;
        m.HasType = a.HasType || b.HasType;
        if (!MergeValues(m, a, b)
            || !MergeStrings(m, a, b)
            || !MergeNumbers(m, a, b)
            || !MergeObjects(m, a, b, depth)
            || !MergeArrays(m, a, b, depth)
            || !MergeApplicators(m, a, b))
        {
            return null;
        }

        m.ComputeValues();
        m.RecomputeAssertions();
        return m;
    }

    private static bool MergeValues(SchemaModel m, SchemaModel a, SchemaModel b)
    {
        if (a.Enum is not null && b.Enum is not null)
        {
            var common = new List<JsonElement>();
            foreach (var value in a.Enum)
            {
                if (JsonValueSets.Contains(b.Enum, value))
                {
                    common.Add(value);
                }
            }

            m.Enum = [.. common];
        }
        else
        {
            m.Enum = a.Enum ?? b.Enum;
        }

        if (a.HasConst && b.HasConst && !JsonElement.DeepEquals(a.Const, b.Const))
        {
            m.Enum = [];
        }

        m.HasConst = a.HasConst || b.HasConst;
        m.Const = a.HasConst ? a.Const : b.Const;
        return true;
    }

    private static bool MergeStrings(SchemaModel m, SchemaModel a, SchemaModel b)
    {
        m.MinLength = Max(a.MinLength, b.MinLength);
        m.MaxLength = Min(a.MaxLength, b.MaxLength);
        if (!Same(a.Pattern, b.Pattern, out var pattern) || !Same(a.Format, b.Format, out var format))
        {
            return false;
        }

        m.Pattern = pattern;
        m.Format = format;
        return true;
    }

    private static bool MergeNumbers(SchemaModel m, SchemaModel a, SchemaModel b)
    {
        m.Minimum = Max(a.Minimum, b.Minimum);
        m.Maximum = Min(a.Maximum, b.Maximum);
        m.ExclusiveMinimum = Max(a.ExclusiveMinimum, b.ExclusiveMinimum);
        m.ExclusiveMaximum = Min(a.ExclusiveMaximum, b.ExclusiveMaximum);
        if (a.MultipleOf is { } x && b.MultipleOf is { } y)
        {
            if (x.IsMultipleOf(y))
            {
                m.MultipleOf = x;
            }
            else if (y.IsMultipleOf(x))
            {
                m.MultipleOf = y;
            }
            else
            {
                return false;
            }
        }
        else
        {
            m.MultipleOf = a.MultipleOf ?? b.MultipleOf;
        }

        return true;
    }

    private bool MergeObjects(SchemaModel m, SchemaModel a, SchemaModel b, int depth)
    {
        var objectsA = a.HasObjectKeywords;
        var objectsB = b.HasObjectKeywords;
        if (!objectsA || !objectsB)
        {
            if (objectsB)
            {
                CopyObject(m, b);
            }

            return true;
        }

        if (a.UnevaluatedProperties is not null || b.UnevaluatedProperties is not null
            || (a.PatternProperties.Length > 0 && b.PatternProperties.Length > 0))
        {
            return false;
        }

        var properties = new List<NamedSchema>();
        foreach (var property in (ReadOnlySpan<NamedSchema>)[.. a.Properties, .. b.Properties])
        {
            if (properties.Exists(p => p.Name == property.Name))
            {
                continue;
            }

            if (!Governing(a, property.Name, out var inA) || !Governing(b, property.Name, out var inB))
            {
                return false;
            }

            var merged = inA is null ? inB : inB is null ? inA : Merge(inA, inB, depth + 1);
            if (merged is null)
            {
                return false;
            }

            properties.Add(new NamedSchema(property.Name, merged));
        }

        m.Properties = [.. properties];
        m.PatternProperties = a.PatternProperties.Length > 0 ? a.PatternProperties : b.PatternProperties;
        if (!MergeOptional(a.AdditionalProperties, b.AdditionalProperties, depth, out var additional)
            || !MergeOptional(a.PropertyNames, b.PropertyNames, depth, out var names))
        {
            return false;
        }

        m.AdditionalProperties = additional;
        m.PropertyNames = names;
        m.Required = [.. a.Required.Union(b.Required, StringComparer.Ordinal)];
        m.MinProperties = Max(a.MinProperties, b.MinProperties);
        m.MaxProperties = Min(a.MaxProperties, b.MaxProperties);
        m.DependentRequired = [.. a.DependentRequired, .. b.DependentRequired];
        foreach (var dependent in b.DependentSchemas)
        {
            if (Array.Exists(a.DependentSchemas, d => d.Name == dependent.Name))
            {
                return false;
            }
        }

        m.DependentSchemas = [.. a.DependentSchemas, .. b.DependentSchemas];
        return true;
    }

    /// <summary>The schema <paramref name="node"/> applies to a property: declared, or the rest; false when a pattern may apply.</summary>
    private static bool Governing(SchemaModel node, string name, out SchemaModel? schema)
    {
        schema = node.PropertySchema(name);
        if (schema is not null)
        {
            return true;
        }

        if (node.PatternProperties.Length > 0)
        {
            return false;
        }

        schema = node.AdditionalProperties;
        return true;
    }

    private static void CopyObject(SchemaModel m, SchemaModel from)
    {
        m.Properties = from.Properties;
        m.PatternProperties = from.PatternProperties;
        m.AdditionalProperties = from.AdditionalProperties;
        m.UnevaluatedProperties = from.UnevaluatedProperties;
        m.PropertyNames = from.PropertyNames;
        m.Required = from.Required;
        m.MinProperties = from.MinProperties;
        m.MaxProperties = from.MaxProperties;
        m.DependentRequired = from.DependentRequired;
        m.DependentSchemas = from.DependentSchemas;
        m.DependentRequiredKeyword = from.DependentRequiredKeyword;
        m.DependentSchemasKeyword = from.DependentSchemasKeyword;
    }

    private bool MergeArrays(SchemaModel m, SchemaModel a, SchemaModel b, int depth)
    {
        var arraysA = a.HasArrayKeywords;
        var arraysB = b.HasArrayKeywords;
        if (!arraysA || !arraysB)
        {
            if (arraysB)
            {
                CopyArray(m, b);
            }

            return true;
        }

        if (a.UnevaluatedItems is not null || b.UnevaluatedItems is not null || (a.Contains is not null && b.Contains is not null))
        {
            return false;
        }

        var length = Math.Max(a.PrefixItems.Length, b.PrefixItems.Length);
        var prefix = new SchemaModel[length];
        for (var i = 0; i < length; i++)
        {
            var inA = i < a.PrefixItems.Length ? a.PrefixItems[i] : a.Items;
            var inB = i < b.PrefixItems.Length ? b.PrefixItems[i] : b.Items;
            var merged = inA is null ? inB : inB is null ? inA : Merge(inA, inB, depth + 1);
            if (merged is null)
            {
                return false;
            }

            prefix[i] = merged;
        }

        if (!MergeOptional(a.Items, b.Items, depth, out var items))
        {
            return false;
        }

        m.PrefixItems = prefix;
        m.PrefixItemsKeyword = a.PrefixItems.Length > 0 ? a.PrefixItemsKeyword : b.PrefixItemsKeyword;
        m.Items = items;
        m.ItemsKeyword = a.Items is not null ? a.ItemsKeyword : b.ItemsKeyword;
        var containing = a.Contains is not null ? a : b;
        m.Contains = containing.Contains;
        m.MinContains = containing.MinContains;
        m.MaxContains = containing.MaxContains;
        m.MinItems = Max(a.MinItems, b.MinItems);
        m.MaxItems = Min(a.MaxItems, b.MaxItems);
        m.UniqueItems = a.UniqueItems || b.UniqueItems;
        return true;
    }

    private static void CopyArray(SchemaModel m, SchemaModel from)
    {
        m.PrefixItems = from.PrefixItems;
        m.PrefixItemsKeyword = from.PrefixItemsKeyword;
        m.Items = from.Items;
        m.ItemsKeyword = from.ItemsKeyword;
        m.UnevaluatedItems = from.UnevaluatedItems;
        m.Contains = from.Contains;
        m.MinContains = from.MinContains;
        m.MaxContains = from.MaxContains;
        m.MinItems = from.MinItems;
        m.MaxItems = from.MaxItems;
        m.UniqueItems = from.UniqueItems;
    }

    private static bool MergeApplicators(SchemaModel m, SchemaModel a, SchemaModel b)
    {
        if ((a.AnyOf is not null && b.AnyOf is not null) || (a.OneOf is not null && b.OneOf is not null)
            || (a.Not is not null && b.Not is not null) || (a.If is not null && b.If is not null))
        {
            return false;
        }

        m.AllOf = [.. a.AllOf, .. b.AllOf];
        m.AnyOf = a.AnyOf ?? b.AnyOf;
        m.OneOf = a.OneOf ?? b.OneOf;
        m.Not = a.Not ?? b.Not;
        var conditional = a.If is not null ? a : b;
        m.If = conditional.If;
        m.Then = conditional.Then;
        m.Else = conditional.Else;
        m.Ref = null;
        m.RefTarget = null;
        return true;
    }

    private bool MergeOptional(SchemaModel? a, SchemaModel? b, int depth, out SchemaModel? merged)
    {
        merged = a is null ? b : b is null ? a : Merge(a, b, depth + 1);
        return a is null || b is null || merged is not null;
    }

    private static bool Same(string? a, string? b, out string? value)
    {
        value = a ?? b;
        return a is null || b is null || string.Equals(a, b, StringComparison.Ordinal);
    }

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    private static SchemaNumber? Max(SchemaNumber? a, SchemaNumber? b) => a is null ? b : b is null ? a : a.Value >= b.Value ? a : b;

    private static SchemaNumber? Min(SchemaNumber? a, SchemaNumber? b) => a is null ? b : b is null ? a : a.Value <= b.Value ? a : b;
}
