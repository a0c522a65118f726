using System.Text.Json;
using Registry.Schemas.Compatibility.Model;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>
/// Decides whether one JSON value is valid under a <see cref="SchemaModel"/>, in three-valued logic: true, false, or
/// null when it cannot tell (a <c>format</c>, a pattern that cannot be evaluated, <c>unevaluated*</c> beside
/// applicators, recursion too deep). The checker uses it to prove inclusion for schemas that admit finitely many
/// values (<c>enum</c>, <c>const</c>, booleans and null), so "unknown" always counts as "no proof".
/// This is not the registry's validator; it only needs to be exact where it answers.
/// </summary>
internal sealed class InstanceMatcher(PatternMatcher patterns, WorkBudget budget)
{
    private const int MaxDepth = 64;

    public bool? Matches(SchemaModel node, JsonElement value) => Matches(node, value, 0);

    private bool? Matches(SchemaModel node, JsonElement value, int depth)
    {
        if (depth > MaxDepth)
        {
            return null;
        }

        budget.Charge(1, WorkOperations.Compare, node.Location);

        if (node.BooleanValue is { } constant)
        {
            return constant;
        }

        bool? result = true;
        if (node.RefTarget is not null)
        {
            result = Matches(node.RefTarget, value, depth + 1);
            if (node.IsPureRef || result == false)
            {
                return result;
            }
        }

        var type = JsonTypeSetExtensions.TypeOf(value);
        if (!node.DeclaredTypes.Includes(type))
        {
            return false;
        }

        if (node.Values is { } values && !JsonValueSets.Contains(values, value))
        {
            return false;
        }

        result = And(result, type switch
        {
            JsonTypeSet.String => String(node, value),
            JsonTypeSet.Integer or JsonTypeSet.Fraction => Number(node, value),
            JsonTypeSet.Object => Object(node, value, depth),
            JsonTypeSet.Array => Array(node, value, depth),
            _ => true,
        });
        if (result == false)
        {
            return false;
        }

        return And(result, Applicators(node, value, depth));
    }

    private bool? String(SchemaModel node, JsonElement value)
    {
        var text = value.GetString()!;
        if (node.MinLength is not null || node.MaxLength is not null)
        {
            long length = 0;
            foreach (var _ in text.EnumerateRunes())
            {
                length++;
            }

            if (length < (node.MinLength ?? 0) || length > (node.MaxLength ?? long.MaxValue))
            {
                return false;
            }
        }

        bool? result = true;
        if (node.Pattern is not null)
        {
            result = patterns.IsMatch(node.Pattern, text);
            if (result == false)
            {
                return false;
            }
        }

        // Formats are not evaluated here: unknown, which proves nothing.
        return node.Format is null ? result : And(result, null);
    }

    private static bool? Number(SchemaModel node, JsonElement value)
    {
        var number = SchemaNumber.From(value);
        if ((node.Minimum is { } min && number < min) || (node.Maximum is { } max && number > max)
            || (node.ExclusiveMinimum is { } xmin && number <= xmin) || (node.ExclusiveMaximum is { } xmax && number >= xmax))
        {
            return false;
        }

        if (node.MultipleOf is { } divisor)
        {
            if (number.IsMultipleOf(divisor))
            {
                return true;
            }

            return number.IsExact && divisor.IsExact ? false : null;
        }

        return true;
    }

    private bool? Object(SchemaModel node, JsonElement value, int depth)
    {
        long count = 0;
        bool? result = true;
        foreach (var property in value.EnumerateObject())
        {
            count++;
            var matched = false;
            if (node.PropertySchema(property.Name) is { } declared)
            {
                matched = true;
                result = And(result, Matches(declared, property.Value, depth + 1));
            }

            foreach (var pattern in node.PatternProperties)
            {
                var isMatch = patterns.IsMatch(pattern.Name, property.Name);
                if (isMatch is null)
                {
                    result = And(result, null);
                }
                else if (isMatch == true)
                {
                    matched = true;
                    result = And(result, Matches(pattern.Schema, property.Value, depth + 1));
                }
            }

            if (!matched)
            {
                if (node.AdditionalProperties is { } additional)
                {
                    result = And(result, Matches(additional, property.Value, depth + 1));
                }
                else if (node.UnevaluatedProperties is { } unevaluated)
                {
                    result = And(result, node.HasInPlaceApplicators ? null : Matches(unevaluated, property.Value, depth + 1));
                }
            }

            if (node.PropertyNames is { } names)
            {
                result = And(result, Matches(names, FiniteInstances.String(property.Name), depth + 1));
            }

            if (result == false)
            {
                return false;
            }
        }

        if (count < (node.MinProperties ?? 0) || count > (node.MaxProperties ?? long.MaxValue))
        {
            return false;
        }

        foreach (var name in node.Required)
        {
            if (!value.TryGetProperty(name, out _))
            {
                return false;
            }
        }

        foreach (var dependency in node.DependentRequired)
        {
            if (value.TryGetProperty(dependency.Name, out _))
            {
                foreach (var name in dependency.Required)
                {
                    if (!value.TryGetProperty(name, out _))
                    {
                        return false;
                    }
                }
            }
        }

        foreach (var dependency in node.DependentSchemas)
        {
            if (value.TryGetProperty(dependency.Name, out _))
            {
                result = And(result, Matches(dependency.Schema, value, depth + 1));
            }
        }

        return result;
    }

    private bool? Array(SchemaModel node, JsonElement value, int depth)
    {
        var length = value.GetArrayLength();
        if (length < (node.MinItems ?? 0) || length > (node.MaxItems ?? long.MaxValue))
        {
            return false;
        }

        bool? result = true;
        long contained = 0;
        var containsUnknown = false;
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (index < node.PrefixItems.Length)
            {
                result = And(result, Matches(node.PrefixItems[index], item, depth + 1));
            }
            else if (node.Items is { } items)
            {
                result = And(result, Matches(items, item, depth + 1));
            }
            else if (node.UnevaluatedItems is { } unevaluated)
            {
                result = And(result, node.HasInPlaceApplicators || node.Contains is not null ? null : Matches(unevaluated, item, depth + 1));
            }

            if (node.Contains is { } contains)
            {
                var isMatch = Matches(contains, item, depth + 1);
                if (isMatch == true)
                {
                    contained++;
                }
                else if (isMatch is null)
                {
                    containsUnknown = true;
                }
            }

            if (result == false)
            {
                return false;
            }

            index++;
        }

        if (node.Contains is not null)
        {
            var minimum = node.MinContains ?? 1;
            var maximum = node.MaxContains ?? long.MaxValue;
            if (containsUnknown)
            {
                result = And(result, null);
            }
            else if (contained < minimum || contained > maximum)
            {
                return false;
            }
        }

        if (node.UniqueItems)
        {
            var seen = new HashSet<JsonElement>(JsonValueComparer.Instance);
            foreach (var item in value.EnumerateArray())
            {
                if (!seen.Add(item))
                {
                    return false;
                }
            }
        }

        return result;
    }

    private bool? Applicators(SchemaModel node, JsonElement value, int depth)
    {
        bool? result = true;
        foreach (var member in node.AllOf)
        {
            result = And(result, Matches(member, value, depth + 1));
            if (result == false)
            {
                return false;
            }
        }

        if (node.AnyOf is { } anyOf)
        {
            bool? any = false;
            foreach (var branch in anyOf)
            {
                any = Or(any, Matches(branch, value, depth + 1));
                if (any == true)
                {
                    break;
                }
            }

            result = And(result, any);
        }

        if (node.OneOf is { } oneOf)
        {
            var matches = 0;
            var unknown = false;
            foreach (var branch in oneOf)
            {
                var isMatch = Matches(branch, value, depth + 1);
                if (isMatch == true)
                {
                    matches++;
                }
                else if (isMatch is null)
                {
                    unknown = true;
                }
            }

            result = And(result, matches > 1 ? false : unknown ? null : matches == 1);
        }

        if (node.Not is { } not)
        {
            var isMatch = Matches(not, value, depth + 1);
            result = And(result, isMatch is null ? null : !isMatch.Value);
        }

        if (node.If is { } condition)
        {
            var holds = Matches(condition, value, depth + 1);
            if (holds is null)
            {
                result = And(result, null);
            }
            else if ((holds.Value ? node.Then : node.Else) is { } branch)
            {
                result = And(result, Matches(branch, value, depth + 1));
            }
        }

        return result;
    }

    private static bool? And(bool? a, bool? b) => a == false || b == false ? false : a is null || b is null ? null : true;

    private static bool? Or(bool? a, bool? b) => a == true || b == true ? true : a is null || b is null ? null : false;
}
