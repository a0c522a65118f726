using Registry.Schemas.Compatibility.Model;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>How a content model is open for a property name the schema does not declare.</summary>
internal enum ContentModel
{
    /// <summary>Any value is admitted (no additionalProperties/unevaluatedProperties, or true).</summary>
    Open,

    /// <summary>The name is not admitted (false).</summary>
    Closed,

    /// <summary>A schema applies (patternProperties, or a schema-valued additionalProperties/unevaluatedProperties).</summary>
    PartiallyOpen,
}

/// <summary>One schema that governs a property (or item) of an instance, and where it comes from.</summary>
/// <param name="Schema">The schema.</param>
/// <param name="Origin">"p" (declared), "pp:" + pattern, or "rest", so the same origin can be paired across versions.</param>
internal readonly record struct Governing(SchemaModel Schema, string Origin);

/// <summary>
/// The object content model of one schema as the comparison sees it: which schema governs each property name.
/// <c>unevaluatedProperties</c> beside applicators is modelled from the side it is on: on the narrower side every
/// applicator's names count as evaluated (admitting more, which is safe there); on the wider side only those of
/// <c>allOf</c> and <c>$ref</c>, which always apply (admitting less, which is safe there).
/// </summary>
internal sealed class ObjectShape
{
    private ObjectShape(SchemaModel node, SchemaModel? rest, string? restKeyword, HashSet<string> evaluatedElsewhere)
    {
        Node = node;
        Rest = rest;
        RestKeyword = restKeyword;
        EvaluatedElsewhere = evaluatedElsewhere;
    }

    public SchemaModel Node { get; }

    /// <summary>The schema for names that are not declared, not matched by a pattern and not evaluated elsewhere; null admits anything.</summary>
    public SchemaModel? Rest { get; }

    public string? RestKeyword { get; }

    /// <summary>Names declared by applicators, which the node's own unevaluatedProperties therefore does not see.</summary>
    public HashSet<string> EvaluatedElsewhere { get; }

    /// <summary>True when the node admits no name beyond its declared ones.</summary>
    public bool IsClosed => Rest is { AcceptsNothing: true } && Node.PatternProperties.Length == 0 && EvaluatedElsewhere.Count == 0;

    public static ObjectShape Of(SchemaModel node, bool narrowerSide)
    {
        var elsewhere = new HashSet<string>(StringComparer.Ordinal);
        if (node.AdditionalProperties is { } additional)
        {
            return new ObjectShape(node, additional, "additionalProperties", elsewhere);
        }

        if (node.UnevaluatedProperties is not { } unevaluated)
        {
            return new ObjectShape(node, null, null, elsewhere);
        }

        if (!node.HasInPlaceApplicators)
        {
            return new ObjectShape(node, unevaluated, "unevaluatedProperties", elsewhere);
        }

        var everything = false;
        Collect(node, narrowerSide, elsewhere, ref everything, new HashSet<SchemaModel>(ReferenceEqualityComparer.Instance), 0, isRoot: true);
        return new ObjectShape(node, everything ? null : unevaluated, "unevaluatedProperties", elsewhere);
    }

    private static void Collect(SchemaModel node, bool narrowerSide, HashSet<string> names, ref bool everything, HashSet<SchemaModel> seen, int depth, bool isRoot)
    {
        if (everything || depth > 32 || !seen.Add(node))
        {
            return;
        }

        if (!isRoot)
        {
            foreach (var property in node.Properties)
            {
                names.Add(property.Name);
            }

            if (node.AdditionalProperties is not null || node.UnevaluatedProperties is not null
                || (narrowerSide && node.PatternProperties.Length > 0))
            {
                everything = true;
                return;
            }
        }

        foreach (var member in node.AllOf)
        {
            Collect(member, narrowerSide, names, ref everything, seen, depth + 1, false);
        }

        if (node.RefTarget is { } target)
        {
            Collect(target, narrowerSide, names, ref everything, seen, depth + 1, false);
        }

        if (!narrowerSide)
        {
            return;
        }

        foreach (var branch in (ReadOnlySpan<SchemaModel>)[.. node.AnyOf ?? [], .. node.OneOf ?? []])
        {
            Collect(branch, narrowerSide, names, ref everything, seen, depth + 1, false);
        }

        foreach (var dependent in node.DependentSchemas)
        {
            Collect(dependent.Schema, narrowerSide, names, ref everything, seen, depth + 1, false);
        }

        foreach (var conditional in (ReadOnlySpan<SchemaModel?>)[node.If, node.Then, node.Else])
        {
            if (conditional is not null)
            {
                Collect(conditional, narrowerSide, names, ref everything, seen, depth + 1, false);
            }
        }
    }

    /// <summary>The schemas that all apply to property <paramref name="name"/>; empty admits anything. False in <paramref name="certain"/> when a pattern could not be evaluated.</summary>
    public List<Governing> Governing(string name, PatternMatcher patterns, out bool certain)
    {
        certain = true;
        var result = new List<Governing>(2);
        if (Node.PropertySchema(name) is { } declared)
        {
            result.Add(new Governing(declared, "p"));
        }

        var matched = false;
        foreach (var pattern in Node.PatternProperties)
        {
            var isMatch = patterns.IsMatch(pattern.Name, name);
            if (isMatch is null)
            {
                certain = false;
            }
            else if (isMatch.Value)
            {
                matched = true;
                result.Add(new Governing(pattern.Schema, "pp:" + pattern.Name));
            }
        }

        if (result.Count == 0 && !matched && !EvaluatedElsewhere.Contains(name) && Rest is not null)
        {
            result.Add(new Governing(Rest, "rest"));
        }

        return result;
    }

    /// <summary>How the model treats <paramref name="name"/> when the node does not declare it.</summary>
    public ContentModel ModelFor(string name, PatternMatcher patterns)
    {
        foreach (var pattern in Node.PatternProperties)
        {
            if (patterns.IsMatch(pattern.Name, name) != false)
            {
                return ContentModel.PartiallyOpen;
            }
        }

        if (EvaluatedElsewhere.Contains(name) || Rest is null || Rest.AcceptsEverything)
        {
            return ContentModel.Open;
        }

        return Rest.AcceptsNothing ? ContentModel.Closed : ContentModel.PartiallyOpen;
    }

    /// <summary>The names every instance of <paramref name="node"/> has: <c>required</c> here and in <c>allOf</c>/<c>$ref</c>, and in every branch of a disjunction.</summary>
    public static HashSet<string> GuaranteedNames(SchemaModel node)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        AddGuaranteed(node, names, 0);
        return names;
    }

    private static void AddGuaranteed(SchemaModel node, HashSet<string> names, int depth)
    {
        if (depth > 16)
        {
            return;
        }

        names.UnionWith(node.Required);
        foreach (var member in node.AllOf)
        {
            AddGuaranteed(member, names, depth + 1);
        }

        if (node.RefTarget is { } target)
        {
            AddGuaranteed(target, names, depth + 1);
        }

        foreach (var branches in (ReadOnlySpan<SchemaModel[]?>)[node.AnyOf, node.OneOf])
        {
            if (branches is null)
            {
                continue;
            }

            HashSet<string>? common = null;
            foreach (var branch in branches)
            {
                var inBranch = new HashSet<string>(StringComparer.Ordinal);
                AddGuaranteed(branch, inBranch, depth + 1);
                if (common is null)
                {
                    common = inBranch;
                }
                else
                {
                    common.IntersectWith(inBranch);
                }
            }

            if (common is not null)
            {
                names.UnionWith(common);
            }
        }
    }
}
