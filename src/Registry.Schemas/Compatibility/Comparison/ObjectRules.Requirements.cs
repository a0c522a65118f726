using Registry.Schemas.Compatibility.Model;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>Object rules for what must or may be present: required, propertyNames, dependentRequired and dependentSchemas.</summary>
internal static partial class ObjectRules
{
    private static bool CompareRequired(SchemaComparer comparer, SchemaModel old, SchemaModel @new, HashSet<string> guaranteed)
    {
        var included = true;
        for (var i = 0; i < @new.Required.Length; i++)
        {
            var name = @new.Required[i];
            if (Array.IndexOf(old.Required, name) >= 0)
            {
                continue;
            }

            var ok = !comparer.Backward || guaranteed.Contains(name);
            var withDefault = @new.PropertySchema(name) is { } schema && SchemaComparer.Deref(schema).Default is not null;
            comparer.Report(withDefault ? DifferenceNames.RequiredAttributeWithDefaultAdded : DifferenceNames.RequiredAttributeAdded,
                JsonPointer.Append(@new.At("required"), i), ok,
                withDefault ? $"property '{name}' is now required (its default is not inserted by validation)" : $"property '{name}' is now required");
            included &= ok;
        }

        foreach (var name in old.Required)
        {
            if (Array.IndexOf(@new.Required, name) >= 0)
            {
                continue;
            }

            var ok = comparer.Backward || guaranteed.Contains(name);
            comparer.Report(DifferenceNames.RequiredAttributeRemoved, @new.At("properties", name), ok, $"property '{name}' is no longer required");
            included &= ok;
        }

        return included;
    }

    private static bool ComparePropertyNames(SchemaComparer comparer, SchemaModel old, SchemaModel @new, ObjectShape subShape)
    {
        if (old.PropertyNames is null && @new.PropertyNames is null)
        {
            return true;
        }

        if (old.PropertyNames is { } before && @new.PropertyNames is { } after)
        {
            // Property names are strings: only what each schema says about strings matters.
            return comparer.Compare(comparer.RestrictTo(before, JsonTypeSet.String), comparer.RestrictTo(after, JsonTypeSet.String));
        }

        var sup = comparer.Sup(old, @new).PropertyNames;
        var included = sup is null || DeclaredNamesPass(comparer, subShape, sup);
        if (@new.PropertyNames is not null)
        {
            comparer.Report(DifferenceNames.PropertyNamesAdded, @new.At("propertyNames"), included, "propertyNames added");
        }
        else
        {
            comparer.Report(DifferenceNames.PropertyNamesRemoved, @new.At("propertyNames"), included, "propertyNames removed");
        }

        return included;
    }

    /// <summary>A closed model admits only its declared names: they can be checked one by one.</summary>
    private static bool DeclaredNamesPass(SchemaComparer comparer, ObjectShape shape, SchemaModel names)
    {
        if (!shape.IsClosed)
        {
            return false;
        }

        foreach (var property in shape.Node.Properties)
        {
            if (!property.Schema.AcceptsNothing && comparer.Matcher.Matches(names, FiniteInstances.String(property.Name)) != true)
            {
                return false;
            }
        }

        return true;
    }

    private static bool CompareDependentRequired(SchemaComparer comparer, SchemaModel old, SchemaModel @new, HashSet<string> guaranteed)
    {
        if (old.DependentRequired.Length == 0 && @new.DependentRequired.Length == 0)
        {
            return true;
        }

        var included = true;
        var keys = new List<string>();
        foreach (var entry in old.DependentRequired)
        {
            keys.Add(entry.Name);
        }

        foreach (var entry in @new.DependentRequired)
        {
            if (!keys.Contains(entry.Name))
            {
                keys.Add(entry.Name);
            }
        }

        foreach (var key in keys)
        {
            var before = Find(old.DependentRequired, key);
            var after = Find(@new.DependentRequired, key);
            var sub = comparer.Backward ? before : after;
            var sup = comparer.Backward ? after : before;
            var ok = true;
            foreach (var name in sup ?? [])
            {
                if (name != key && !guaranteed.Contains(name) && (sub is null || Array.IndexOf(sub, name) < 0))
                {
                    ok = false;
                }
            }

            var location = @new.At(@new.DependentRequired.Length > 0 ? @new.DependentRequiredKeyword : old.DependentRequiredKeyword, key);
            string? difference = null;
            if (before is null)
            {
                difference = DifferenceNames.DependentRequiredAdded;
            }
            else if (after is null)
            {
                difference = DifferenceNames.DependentRequiredRemoved;
            }
            else
            {
                var gained = Except(after, before);
                var lost = Except(before, after);
                difference = gained && lost ? DifferenceNames.DependentRequiredChanged
                    : gained ? DifferenceNames.DependentRequiredExtended
                    : lost ? DifferenceNames.DependentRequiredNarrowed
                    : null;
            }

            if (difference is not null)
            {
                comparer.Report(difference, location, ok,
                    $"when '{key}' is present, required changed from [{string.Join(", ", before ?? [])}] to [{string.Join(", ", after ?? [])}]");
            }

            included &= ok;
        }

        return included;
    }

    private static string[]? Find(NamedRequirement[] entries, string key)
    {
        foreach (var entry in entries)
        {
            if (entry.Name == key)
            {
                return entry.Required;
            }
        }

        return null;
    }

    private static bool Except(string[] a, string[] b)
    {
        foreach (var name in a)
        {
            if (Array.IndexOf(b, name) < 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool CompareDependentSchemas(SchemaComparer comparer, SchemaModel old, SchemaModel @new)
    {
        if (old.DependentSchemas.Length == 0 && @new.DependentSchemas.Length == 0)
        {
            return true;
        }

        var included = true;
        foreach (var entry in old.DependentSchemas)
        {
            var location = @new.At(@new.DependentSchemas.Length > 0 ? @new.DependentSchemasKeyword : old.DependentSchemasKeyword, entry.Name);
            if (FindSchema(@new.DependentSchemas, entry.Name) is { } after)
            {
                included &= comparer.Compare(entry.Schema, after);
                continue;
            }

            // Forward: instances of the new schema that have the key must still satisfy the old dependent schema.
            var ok = comparer.Backward || comparer.Probe(entry.Schema, @new);
            comparer.Report(DifferenceNames.DependentSchemaRemoved, location, ok, $"dependent schema for '{entry.Name}' removed");
            included &= ok;
        }

        foreach (var entry in @new.DependentSchemas)
        {
            if (FindSchema(old.DependentSchemas, entry.Name) is not null)
            {
                continue;
            }

            var ok = !comparer.Backward || comparer.Probe(old, entry.Schema);
            comparer.Report(DifferenceNames.DependentSchemaAdded, @new.At(@new.DependentSchemasKeyword, entry.Name), ok, $"dependent schema for '{entry.Name}' added");
            included &= ok;
        }

        return included;
    }

    private static SchemaModel? FindSchema(NamedSchema[] entries, string key)
    {
        foreach (var entry in entries)
        {
            if (entry.Name == key)
            {
                return entry.Schema;
            }
        }

        return null;
    }
}
