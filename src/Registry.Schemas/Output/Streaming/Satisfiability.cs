using Registry.Schemas.Validation;
using Registry.Schemas.Validation.Json;
using Registry.Schemas.Validation.Keywords;

namespace Registry.Schemas.Output.Streaming;

/// <summary>
/// Decides, conservatively, that no document can satisfy a schema: <c>false</c>, or constraints that contradict each
/// other on every kind of value (type against enum, minimum above maximum, a required property the object may not
/// have, ...), following properties, items, allOf and $ref. Anything it cannot decide counts as satisfiable, so a retry
/// is never wrongly discouraged.
/// </summary>
internal static class Satisfiability
{
    private const int MaxDepth = 8;

    /// <summary>Why no document satisfies the schema, or null when one may.</summary>
    public static string? Unsatisfiable(CompiledSchema schema)
    {
        var plan = new StreamPlan(schema.Parts.Root);
        return Reason(plan, plan.Root, 0, "the schema");
    }

    private static string? Reason(StreamPlan plan, ApplicableSet set, int depth, string what)
    {
        if (set.IsEmpty || depth > MaxDepth)
        {
            return null;
        }

        if (set.HasFalse)
        {
            return $"{what} is false: it allows no value at all";
        }

        var kinds = set.Kinds;
        if (kinds == KindMask.None)
        {
            return $"{what} allows no type of value (its type, enum, const and allOf parts contradict each other)";
        }

        var reasons = new List<string>();
        foreach (var kind in new[] { KindMask.String, KindMask.Number, KindMask.Object, KindMask.Array })
        {
            if ((kinds & kind) == 0)
            {
                continue;
            }

            var reason = kind switch
            {
                KindMask.String => StringReason(set),
                KindMask.Number => NumberReason(set),
                KindMask.Object => ObjectReason(plan, set, depth),
                _ => ArrayReason(plan, set, depth),
            };
            if (reason is null)
            {
                return null; // this kind may satisfy it
            }

            reasons.Add(reason);
            kinds &= ~kind;
        }

        if (kinds != KindMask.None)
        {
            return null; // null or boolean remain possible
        }

        return $"{what} cannot be satisfied: {string.Join("; ", reasons)}";
    }

    private static string? StringReason(ApplicableSet set)
    {
        long min = 0, max = long.MaxValue;
        foreach (var e in set.Entries)
        {
            foreach (var keyword in e.Node.StringKeywords)
            {
                if (keyword is LengthKeyword length)
                {
                    var (limit, isMax) = length.Parts;
                    if (isMax)
                    {
                        max = Math.Min(max, limit);
                    }
                    else
                    {
                        min = Math.Max(min, limit);
                    }
                }
            }
        }

        return min > max ? $"a string must have at least {min} and at most {max} characters" : null;
    }

    private static string? NumberReason(ApplicableSet set)
    {
        NumericBound? low = null, high = null;
        bool lowExclusive = false, highExclusive = false;
        foreach (var e in set.Entries)
        {
            foreach (var keyword in e.Node.NumberKeywords)
            {
                if (keyword is not NumberBoundKeyword bound)
                {
                    continue;
                }

                var (kind, value) = bound.Parts;
                var exclusive = kind is BoundKind.ExclusiveMinimum or BoundKind.ExclusiveMaximum;
                if (kind is BoundKind.Minimum or BoundKind.ExclusiveMinimum)
                {
                    var c = low is null ? 1 : Compare(value, low);
                    if (c > 0 || (c == 0 && exclusive))
                    {
                        low = value;
                        lowExclusive = exclusive;
                    }
                }
                else
                {
                    var c = high is null ? -1 : Compare(value, high);
                    if (c < 0 || (c == 0 && exclusive))
                    {
                        high = value;
                        highExclusive = exclusive;
                    }
                }
            }
        }

        if (low is null || high is null)
        {
            return null;
        }

        var order = Compare(low, high);
        return order > 0 || (order == 0 && (lowExclusive || highExclusive))
            ? $"a number must be {(lowExclusive ? "greater than" : "at least")} {low} and {(highExclusive ? "less than" : "at most")} {high}"
            : null;
    }

    private static int Compare(NumericBound a, NumericBound b) => JsonNumber.Compare(a.Negative, a.Digits, a.Exponent, b.Negative, b.Digits, b.Exponent);

    private static string? ObjectReason(StreamPlan plan, ApplicableSet set, int depth)
    {
        long min = 0, max = long.MaxValue;
        var required = new List<string>();
        foreach (var e in set.Entries)
        {
            foreach (var keyword in e.Node.ObjectKeywords)
            {
                switch (keyword)
                {
                    case CountKeyword count:
                    {
                        var (limit, isMax) = count.Parts;
                        if (isMax)
                        {
                            max = Math.Min(max, limit);
                        }
                        else
                        {
                            min = Math.Max(min, limit);
                        }

                        break;
                    }

                    case PropertiesKeyword properties:
                        foreach (var name in properties.Parts.RequiredNames)
                        {
                            if (!required.Contains(name))
                            {
                                required.Add(name);
                            }
                        }

                        break;
                }
            }
        }

        if (Math.Max(min, required.Count) > max)
        {
            return $"an object must have at least {Math.Max(min, required.Count)} and at most {max} properties";
        }

        foreach (var name in required)
        {
            var member = Member(plan, set, System.Text.Encoding.UTF8.GetBytes(name));
            if (member.HasFalse)
            {
                return $"the required property '{name}' is not allowed";
            }

            if (Reason(plan, member, depth + 1, $"the required property '{name}'") is { } reason)
            {
                return reason;
            }
        }

        return null;
    }

    private static string? ArrayReason(StreamPlan plan, ApplicableSet set, int depth)
    {
        long min = 0, max = long.MaxValue;
        foreach (var e in set.Entries)
        {
            foreach (var keyword in e.Node.ArrayKeywords)
            {
                if (keyword is CountKeyword count)
                {
                    var (limit, isMax) = count.Parts;
                    if (isMax)
                    {
                        max = Math.Min(max, limit);
                    }
                    else
                    {
                        min = Math.Max(min, limit);
                    }
                }
            }
        }

        if (min > max)
        {
            return $"an array must have at least {min} and at most {max} items";
        }

        // The first required items must each be possible.
        for (var i = 0; i < Math.Min(min, 16); i++)
        {
            var item = Item(plan, set, i);
            if (item.HasFalse)
            {
                return $"an array must have at least {min} items but item {i} is not allowed";
            }

            if (Reason(plan, item, depth + 1, $"item {i}") is { } reason)
            {
                return reason;
            }
        }

        return null;
    }

    private static ApplicableSet Member(StreamPlan plan, ApplicableSet set, byte[] name)
    {
        var direct = new List<(ValidatorNode, ScopeChain?)>();
        foreach (var e in set.Entries)
        {
            if (e.Facts.Properties is not { } properties)
            {
                continue;
            }

            var parts = properties.Parts;
            var index = parts.Names.Find(name);
            var matched = false;
            if (index >= 0 && parts.Schemas[index] is { } node)
            {
                direct.Add((node, plan.Inner(e)));
                matched = true;
            }

            foreach (var (pattern, node2) in parts.Patterns)
            {
                var chars = System.Text.Encoding.UTF8.GetString(name).AsSpan();
                if (pattern.IsMatch(chars, out var timedOut) || timedOut)
                {
                    matched = true;
                    if (!timedOut)
                    {
                        direct.Add((node2, plan.Inner(e)));
                    }
                }
            }

            if (!matched && parts.Additional is { } additional)
            {
                direct.Add((additional, plan.Inner(e)));
            }
        }

        return direct.Count == 0 ? ApplicableSet.Empty : plan.Union(direct);
    }

    private static ApplicableSet Item(StreamPlan plan, ApplicableSet set, int index)
    {
        var direct = new List<(ValidatorNode, ScopeChain?)>();
        foreach (var e in set.Entries)
        {
            if (e.Facts.Items is { } items)
            {
                var (prefix, rest) = items.Parts;
                var node = index < prefix.Length ? prefix[index] : rest;
                if (node is not null)
                {
                    direct.Add((node, plan.Inner(e)));
                }
            }
        }

        return direct.Count == 0 ? ApplicableSet.Empty : plan.Union(direct);
    }
}
