using Registry.Schemas.Compatibility.Model;
using Registry.Schemas.Validation.Json;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>What the comparer derives from the schemas it compares: effective types, identity, merged and restricted schemas, each built once.</summary>
internal sealed partial class SchemaComparer
{
    /// <summary>
    /// The JSON types a node can admit at all: its own types minus those its keywords leave no value of (see
    /// <see cref="Emptiness"/>), narrowed by every allOf member and $ref, by the union of each anyOf/oneOf's
    /// branches, and by if/then/else. Memoised; a cycle sees the node's declared types (never too few).
    /// </summary>
    public JsonTypeSet EffectiveTypes(SchemaModel node)
    {
        node = Deref(node);
        if (_effectiveTypes.TryGetValue(node, out var types))
        {
            return types;
        }

        if (_effectiveDepth > 32)
        {
            return node.Types;
        }

        _effectiveTypes[node] = node.Types; // provisional, so a cycle ends
        _effectiveDepth++;
        try
        {
            types = ComputeEffectiveTypes(node);
        }
        finally
        {
            _effectiveDepth--;
        }

        _effectiveTypes[node] = types;
        return types;
    }

    private JsonTypeSet ComputeEffectiveTypes(SchemaModel node)
    {
        var types = node.Types;
        if (types == JsonTypeSet.None || node.AcceptsEverything)
        {
            return types;
        }

        if (node.Not is { } not && Deref(not).AcceptsEverything)
        {
            return JsonTypeSet.None;
        }

        types = Emptiness.AdmittedTypes(this, node);
        foreach (var member in node.AllOf)
        {
            types &= EffectiveTypes(member);
        }

        if (node.RefTarget is { } target)
        {
            types &= EffectiveTypes(target);
        }

        foreach (var branches in (ReadOnlySpan<SchemaModel[]?>)[node.AnyOf, node.OneOf])
        {
            if (branches is null)
            {
                continue;
            }

            var union = JsonTypeSet.None;
            foreach (var branch in branches)
            {
                union |= EffectiveTypes(branch);
            }

            types &= union;
        }

        if (node.If is { } condition)
        {
            // Instances taking "then" satisfy the condition; those taking "else" fail it, which for a condition
            // on types alone means they have none of its types.
            var ifTypes = EffectiveTypes(condition);
            var thenTypes = ifTypes & (node.Then is null ? JsonTypeSet.All : EffectiveTypes(node.Then));
            var elseTypes = node.Else is null ? JsonTypeSet.All : EffectiveTypes(node.Else);
            if (IsTypeOnly(Deref(condition)))
            {
                elseTypes &= ~ifTypes;
            }

            types &= thenTypes | elseTypes;
        }

        return types;
    }

    /// <summary>True when a schema constrains nothing but the JSON type.</summary>
    public static bool IsTypeOnly(SchemaModel node)
    {
        if (node.BooleanValue is not null || node.RefTarget is not null)
        {
            return node.BooleanValue is not null;
        }

        var copy = node.Clone();
        copy.HasType = false;
        copy.RecomputeAssertions();
        return !copy.HasAssertionsBesidesRef;
    }

    /// <summary>True when the node provably admits no instance.</summary>
    public bool IsEmpty(SchemaModel node) => EffectiveTypes(node) == JsonTypeSet.None;

    /// <summary>
    /// True when the in-place applicators of both nodes (allOf, anyOf, oneOf, not, if/then/else, dependentSchemas,
    /// a sibling $ref) are the same schemas: then they evaluate the same properties and items of any instance.
    /// </summary>
    public bool ApplicatorsIdentical(SchemaModel old, SchemaModel @new)
    {
        if (!old.HasInPlaceApplicators && !@new.HasInPlaceApplicators)
        {
            return true;
        }

        if (!SameList(old.AllOf, @new.AllOf) || !SameList(old.AnyOf, @new.AnyOf) || !SameList(old.OneOf, @new.OneOf)
            || !Same(old.Not, @new.Not) || !Same(old.If, @new.If) || !Same(old.Then, @new.Then) || !Same(old.Else, @new.Else)
            || !Same(old.RefTarget, @new.RefTarget) || old.DependentSchemas.Length != @new.DependentSchemas.Length)
        {
            return false;
        }

        for (var i = 0; i < old.DependentSchemas.Length; i++)
        {
            if (old.DependentSchemas[i].Name != @new.DependentSchemas[i].Name || !Same(old.DependentSchemas[i].Schema, @new.DependentSchemas[i].Schema))
            {
                return false;
            }
        }

        return true;
    }

    private bool SameList(SchemaModel[]? a, SchemaModel[]? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!Same(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The same schema: found unchanged at one location, or the same JSON with no reference inside.</summary>
    public bool SameSchema(SchemaModel? a, SchemaModel? b) => Same(a, b);

    private bool Same(SchemaModel? a, SchemaModel? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (ReferenceEquals(a, b) || (_identity is not null && _identity.AreIdentical(a, b)))
        {
            return true;
        }

        Budget.Charge(Math.Min(a.Size, b.Size), WorkOperations.Compare, b.Location);
        return a.Draft == b.Draft && SchemaModel.SameJson(a, b) && !HasReference(a);
    }

    /// <summary>True when a member named like a reference appears anywhere in the schema's JSON.</summary>
    private static bool HasReference(SchemaModel node)
    {
        var (document, token, _) = node.Source!.Value;
        var tokens = document.Tape.Tokens;
        for (var k = token; k < tokens[token].Next; k++)
        {
            if (tokens[k].Kind != JsonKind.PropertyName)
            {
                continue;
            }

            var name = document.Bytes(k);
            if (name.SequenceEqual("$ref"u8) || name.SequenceEqual("$dynamicRef"u8) || name.SequenceEqual("$recursiveRef"u8))
            {
                return true;
            }
        }

        return false;
    }

    // Schemas the checker builds (conjunctions, one-type restrictions) are built once per comparer, so that
    // comparisons involving them are memoised like any other.

    /// <summary><see cref="SchemaMerger.Flatten(SchemaModel)"/>, built once per node.</summary>
    public SchemaModel? Flatten(SchemaModel node)
    {
        if (!_flattened.TryGetValue(node, out var flat))
        {
            flat = _merger.Flatten(node);
            _flattened[node] = flat;
        }

        return flat;
    }

    /// <summary><see cref="SchemaMerger.WithoutDisjunction"/>, built once per pair.</summary>
    public SchemaModel? WithoutDisjunction(SchemaModel node, SchemaModel branch)
    {
        if (!_withoutDisjunction.TryGetValue((node, branch), out var merged))
        {
            merged = _merger.WithoutDisjunction(node, branch);
            _withoutDisjunction[(node, branch)] = merged;
        }

        return merged;
    }

    /// <summary>The node restricted to each JSON type it admits, when it admits more than one; built once per node.</summary>
    public List<SchemaModel>? SplitByType(SchemaModel node)
    {
        node = Deref(node);
        if (_split.TryGetValue(node, out var pieces))
        {
            return pieces;
        }

        var types = node.Types;
        if (types != JsonTypeSet.None && (types & (types - 1)) != 0)
        {
            pieces = [];
            for (var flag = JsonTypeSet.Null; flag <= JsonTypeSet.Fraction; flag = (JsonTypeSet)((int)flag << 1))
            {
                if ((types & flag) == 0)
                {
                    continue;
                }

                var piece = node.Clone();
                piece.DeclaredTypes = node.DeclaredTypes & flag;
                piece.HasType = true;
                piece.ComputeValues();
                piece.RecomputeAssertions();
                pieces.Add(piece);
            }
        }

        _split[node] = pieces;
        return pieces;
    }

    /// <summary>The node restricted to the given types (what it admits where only those can occur, e.g. strings under propertyNames).</summary>
    public SchemaModel RestrictTo(SchemaModel node, JsonTypeSet types)
    {
        node = Deref(node);
        if ((node.Types & ~types) == 0)
        {
            return node;
        }

        if (!_restricted.TryGetValue((node, types), out var restricted))
        {
            restricted = node.Clone();
            restricted.BooleanValue = node.BooleanValue == false ? false : null;
            restricted.DeclaredTypes = node.DeclaredTypes & types;
            restricted.HasType = true;
            restricted.ComputeValues();
            restricted.RecomputeAssertions();
            _restricted[(node, types)] = restricted;
        }

        return restricted;
    }

    /// <summary>Follows references that stand alone (no sibling assertion) to the schema they name.</summary>
    public static SchemaModel Deref(SchemaModel node)
    {
        for (var hops = 0; node.IsPureRef && hops < 64; hops++)
        {
            node = node.RefTarget!;
        }

        return node;
    }
}
