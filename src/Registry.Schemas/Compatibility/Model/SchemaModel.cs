using System.Text.Json;
using Registry.Schemas.Validation;
using Registry.Schemas.Validation.Json;

namespace Registry.Schemas.Compatibility.Model;

/// <summary>A named subschema: a property, a pattern property or a dependent schema.</summary>
internal readonly record struct NamedSchema(string Name, SchemaModel Schema);

/// <summary>A <c>dependentRequired</c> entry: when <see cref="Name"/> is present, so must <see cref="Required"/> be.</summary>
internal readonly record struct NamedRequirement(string Name, string[] Required);

/// <summary>
/// One schema (object or boolean) of a parsed document, with every keyword the checker understands read into a
/// field and draft spellings normalised (draft-07 <c>items: [...]</c> is <see cref="PrefixItems"/>, draft-04
/// boolean <c>exclusiveMaximum</c> is a number, <c>dependencies</c> is split into dependent required/schemas).
/// Immutable once its graph has loaded, apart from <see cref="RefTarget"/>, which the graph sets while resolving.
/// </summary>
internal sealed class SchemaModel
{
    public SchemaModel(string location, JsonSchemaDraft draft)
    {
        Location = location;
        Draft = draft;
    }

    /// <summary>Where the schema is: <c>#/properties/a</c> in the root document, <c>uri#/...</c> in another one.</summary>
    public string Location { get; }

    public JsonSchemaDraft Draft { get; }

    /// <summary>Set for the boolean schemas <c>true</c> and <c>false</c>.</summary>
    public bool? BooleanValue;

    // --- assertions on every type
    /// <summary>From <c>type</c>; <see cref="JsonTypeSet.All"/> when absent.</summary>
    public JsonTypeSet DeclaredTypes = JsonTypeSet.All;
    public bool HasType;

    /// <summary>What the node can admit at all: declared types, narrowed by <c>enum</c>/<c>const</c>; none for <c>false</c>.</summary>
    public JsonTypeSet Types = JsonTypeSet.All;

    public JsonElement[]? Enum;
    public bool HasConst;
    public JsonElement Const;

    /// <summary>The finite set of values admitted by <c>enum</c> and <c>const</c> together, or null when unrestricted.</summary>
    public JsonElement[]? Values;

    // --- strings
    public long? MinLength;
    public long? MaxLength;
    public string? Pattern;
    public string? Format;

    // --- numbers (draft-04 boolean exclusive bounds are folded into the exclusive ones)
    public SchemaNumber? Minimum;
    public SchemaNumber? Maximum;
    public SchemaNumber? ExclusiveMinimum;
    public SchemaNumber? ExclusiveMaximum;
    public SchemaNumber? MultipleOf;

    // --- objects
    public NamedSchema[] Properties = [];
    public NamedSchema[] PatternProperties = [];
    public SchemaModel? AdditionalProperties;
    public SchemaModel? UnevaluatedProperties;
    public SchemaModel? PropertyNames;
    public string[] Required = [];
    public long? MinProperties;
    public long? MaxProperties;
    public NamedRequirement[] DependentRequired = [];
    public NamedSchema[] DependentSchemas = [];

    /// <summary><c>dependentRequired</c>, or <c>dependencies</c> before 2019-09.</summary>
    public string DependentRequiredKeyword = "dependentRequired";

    /// <summary><c>dependentSchemas</c>, or <c>dependencies</c> before 2019-09.</summary>
    public string DependentSchemasKeyword = "dependentSchemas";

    // --- arrays
    public SchemaModel[] PrefixItems = [];

    /// <summary><c>prefixItems</c>, or <c>items</c> (array form) before 2020-12.</summary>
    public string PrefixItemsKeyword = "prefixItems";

    /// <summary>The schema of items after <see cref="PrefixItems"/>.</summary>
    public SchemaModel? Items;

    /// <summary><c>items</c>, or <c>additionalItems</c> when <c>items</c> is an array before 2020-12.</summary>
    public string ItemsKeyword = "items";

    public SchemaModel? Contains;
    public long? MinContains;
    public long? MaxContains;
    public long? MinItems;
    public long? MaxItems;
    public bool UniqueItems;
    public SchemaModel? UnevaluatedItems;

    // --- applicators
    public SchemaModel[] AllOf = [];
    public SchemaModel[]? AnyOf;
    public SchemaModel[]? OneOf;
    public SchemaModel? Not;
    public SchemaModel? If;
    public SchemaModel? Then;
    public SchemaModel? Else;

    // --- references
    public string? Ref;
    public string RefKeyword = "$ref";
    /// <summary>The reference resolved against the node's base URI (as the loader resolves it).</summary>
    public string? RefUri;
    public SchemaModel? RefTarget;

    /// <summary>Where the node was read from (null for schemas the checker makes up).</summary>
    public ModelSource? Source;

    /// <summary>The schema's JSON (null for schemas the checker makes up).</summary>
    public JsonRef? Json => Source is { } s ? new JsonRef(s.Document, s.Token) : null;

    /// <summary>
    /// True when both schemas are the same JSON (numbers by value, objects unordered). The same tokens in the same
    /// order, whatever the whitespace and escapes, answer first: that is the common case (an unchanged part of a
    /// schema), found in one scan.
    /// </summary>
    public static bool SameJson(SchemaModel a, SchemaModel b)
        => a.Json is { } x && b.Json is { } y && x.SameAs(y);

    /// <summary>Tokens of the node's JSON (1 for schemas the checker makes up): what comparing it as JSON costs.</summary>
    public int Size => Source is { } s ? s.Document.Tape.Tokens[s.Token].Next - s.Token : 1;

    // --- annotations (never change what validates)
    public string? Title;
    public string? Description;
    public JsonRef? Default;
    public JsonRef? Examples;
    public string? Id;
    public string? Dialect;
    public Dictionary<string, JsonRef>? OtherKeywords;

    /// <summary>True when some keyword other than <c>$ref</c> constrains instances.</summary>
    public bool HasAssertionsBesidesRef;

    /// <summary>True when the node is only a reference (plus annotations), or a reference whose siblings the draft ignores.</summary>
    public bool IsPureRef => RefTarget is not null && !HasAssertionsBesidesRef;

    /// <summary>True when the node admits every instance by itself (no assertion, no reference).</summary>
    public bool AcceptsEverything => !HasAssertionsBesidesRef && Ref is null && BooleanValue != false;

    /// <summary>True when the node admits no instance at all, judged from its own keywords.</summary>
    public bool AcceptsNothing => Types == JsonTypeSet.None;

    /// <summary>True when the node has in-place applicators whose evaluated properties and items <c>unevaluated*</c> sees.</summary>
    public bool HasInPlaceApplicators
        => AllOf.Length > 0 || AnyOf is not null || OneOf is not null || Not is not null || If is not null
           || DependentSchemas.Length > 0 || RefTarget is not null;

    /// <summary>A schema made up by the checker (not in any document): <c>true</c> or <c>false</c>, placed at <paramref name="location"/>.</summary>
    public static SchemaModel Synthetic(bool value, string location)
    {
        var node = new SchemaModel(location, JsonSchemaDraft.Draft202012) { BooleanValue = value };
        if (!value)
        {
            node.Types = JsonTypeSet.None;
            node.DeclaredTypes = JsonTypeSet.None;
            node.HasAssertionsBesidesRef = true;
        }

        return node;
    }

    /// <summary>The schema of property <paramref name="name"/> from <c>properties</c>, or null.</summary>
    public SchemaModel? PropertySchema(string name)
    {
        var properties = Properties;
        if (properties.Length <= 8)
        {
            foreach (var property in properties)
            {
                if (property.Name == name)
                {
                    return property.Schema;
                }
            }

            return null;
        }

        // Rules look properties up by name for every name of the other side: an index, built once for the array
        // (a merged copy that gets other properties gets its own).
        if (!ReferenceEquals(_propertyIndex.For, properties))
        {
            var index = new Dictionary<string, SchemaModel>(properties.Length, StringComparer.Ordinal);
            foreach (var property in properties)
            {
                index.TryAdd(property.Name, property.Schema);
            }

            _propertyIndex = (properties, index);
        }

        return _propertyIndex.Index!.GetValueOrDefault(name);
    }

    private (NamedSchema[]? For, Dictionary<string, SchemaModel>? Index) _propertyIndex;

    /// <summary>A shallow copy (arrays are shared and never mutated), for the checker's merged schemas.</summary>
    public SchemaModel Clone() => (SchemaModel)MemberwiseClone();

    /// <summary>True when the node has a keyword of one type (objects, arrays).</summary>
    public bool HasObjectKeywords => Properties.Length > 0 || PatternProperties.Length > 0 || AdditionalProperties is not null
        || UnevaluatedProperties is not null || PropertyNames is not null || Required.Length > 0 || MinProperties is not null
        || MaxProperties is not null || DependentRequired.Length > 0 || DependentSchemas.Length > 0;

    public bool HasArrayKeywords => PrefixItems.Length > 0 || Items is not null || UnevaluatedItems is not null || Contains is not null
        || MinItems is not null || MaxItems is not null || UniqueItems;

    /// <summary>Sets <see cref="HasAssertionsBesidesRef"/> from the fields, after the checker built or edited the node.</summary>
    public void RecomputeAssertions()
        => HasAssertionsBesidesRef = BooleanValue == false || HasType || Enum is not null || HasConst || MinLength is not null
            || MaxLength is not null || Pattern is not null || Format is not null || Minimum is not null || Maximum is not null
            || ExclusiveMinimum is not null || ExclusiveMaximum is not null || MultipleOf is not null || HasObjectKeywords
            || HasArrayKeywords || AllOf.Length > 0 || AnyOf is not null || OneOf is not null || Not is not null || If is not null;

    /// <summary>Intersects <c>enum</c> and <c>const</c> and narrows the admitted types to those of the admitted values.</summary>
    public void ComputeValues()
    {
        Types = DeclaredTypes;
        Values = null;
        if (Enum is null && !HasConst)
        {
            return;
        }

        var candidates = HasConst ? [Const] : Enum!;
        var values = new List<JsonElement>(candidates.Length);
        var seen = new HashSet<JsonElement>(JsonValueComparer.Instance);
        var types = JsonTypeSet.None;
        foreach (var candidate in candidates)
        {
            if (Enum is not null && HasConst && !JsonValueSets.Contains(Enum, candidate))
            {
                continue;
            }

            var type = JsonTypeSetExtensions.TypeOf(candidate);
            if (!DeclaredTypes.Includes(type) || !seen.Add(candidate))
            {
                continue;
            }

            values.Add(candidate);
            types |= type;
        }

        Values = [.. values];
        Types = types;
    }

    /// <summary>A location under this node, e.g. <c>#/properties/a</c> + <c>maxLength</c>.</summary>
    public string At(string keyword) => JsonPointer.Append(Location, keyword);

    /// <summary>A location two levels under this node, e.g. <c>properties</c> + property name (escaped).</summary>
    public string At(string keyword, string name) => JsonPointer.Append(Location, keyword, name);

    public override string ToString() => Location;
}
