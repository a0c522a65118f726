using System.Collections.Frozen;
using System.Text;

namespace Registry.Schemas.Profiles.Lint;

/// <summary>The keywords the profiles know about: JSON Schema 2020-12 and the older drafts' spellings, plus the provider extensions (OpenAPI <c>nullable</c> and <c>example</c>, Gemini <c>propertyOrdering</c>).</summary>
internal enum KeywordId : byte
{
    Unknown = 0,

    // core
    Schema, Id, Ref, Defs, Definitions, Anchor, DynamicRef, DynamicAnchor, RecursiveRef, RecursiveAnchor, Vocabulary, Comment,

    // applicators
    AllOf, AnyOf, OneOf, Not, If, Then, Else, DependentSchemas, Dependencies, PrefixItems, Items, AdditionalItems, Contains,
    Properties, PatternProperties, AdditionalProperties, PropertyNames, UnevaluatedItems, UnevaluatedProperties,

    // validation
    Type, Enum, Const, MultipleOf, Maximum, ExclusiveMaximum, Minimum, ExclusiveMinimum, MaxLength, MinLength, Pattern,
    MaxItems, MinItems, UniqueItems, MaxContains, MinContains, MaxProperties, MinProperties, Required, DependentRequired,
    Format,

    // content
    ContentEncoding, ContentMediaType, ContentSchema,

    // meta-data
    Title, Description, Default, Deprecated, ReadOnly, WriteOnly, Examples,

    // provider extensions
    Nullable, PropertyOrdering, Example,

    Count,
}

/// <summary>What a keyword does, which decides whether ignoring it loses anything.</summary>
internal enum KeywordCategory : byte
{
    /// <summary>Identifies, references or documents; ignoring it changes nothing that validates (<c>$schema</c>, <c>$id</c>, <c>$comment</c>...).</summary>
    Core,

    /// <summary>Constrains instances (assertions and applicators).</summary>
    Assertion,

    /// <summary>Describes instances without constraining them (<c>title</c>, <c>default</c>, <c>examples</c>...).</summary>
    Annotation,
}

/// <summary>How a keyword holds subschemas.</summary>
internal enum SubschemaShape : byte
{
    None,

    /// <summary>One schema (<c>not</c>, <c>items</c> in 2020-12, <c>additionalProperties</c>...).</summary>
    Single,

    /// <summary>An array of schemas (<c>anyOf</c>, <c>prefixItems</c>...).</summary>
    Array,

    /// <summary>An object whose values are schemas (<c>properties</c>, <c>$defs</c>...).</summary>
    Map,
}

/// <summary>Whether the subschemas of a keyword apply to the same instance, to a child instance, or to none (definitions).</summary>
internal enum SubschemaPlace : byte
{
    None,
    InPlace,
    Child,
    Definitions,
}

internal readonly record struct KeywordInfo(KeywordId Id, string Name, KeywordCategory Category, SubschemaShape Shape, SubschemaPlace Place);

/// <summary>The keyword catalogue and an allocation-free lookup by a property name's raw UTF-8 bytes.</summary>
internal static class SchemaKeywords
{
    public static readonly KeywordInfo[] Infos = Build();

    private static readonly byte[][][] ByLength = BuildByLength();
    private static readonly KeywordId[][] IdsByLength = BuildIdsByLength();
    private static readonly FrozenDictionary<string, KeywordId> ByName = Infos.Where(i => i.Id != KeywordId.Unknown).ToFrozenDictionary(i => i.Name, i => i.Id, StringComparer.Ordinal);

    public static KeywordInfo Info(KeywordId id) => Infos[(int)id];

    public static string Name(KeywordId id) => Infos[(int)id].Name;

    /// <summary>The keyword named by <paramref name="rawUtf8Name"/> (a property name as it appears in the document, unescaped).</summary>
    public static KeywordId Find(ReadOnlySpan<byte> rawUtf8Name)
    {
        if (rawUtf8Name.Length >= ByLength.Length)
        {
            return KeywordId.Unknown;
        }

        var names = ByLength[rawUtf8Name.Length];
        for (var i = 0; i < names.Length; i++)
        {
            if (rawUtf8Name.SequenceEqual(names[i]))
            {
                return IdsByLength[rawUtf8Name.Length][i];
            }
        }

        return KeywordId.Unknown;
    }

    /// <summary>The keyword named <paramref name="name"/>.</summary>
    public static KeywordId Find(string name) => ByName.TryGetValue(name, out var id) ? id : KeywordId.Unknown;

    private static KeywordInfo[] Build()
    {
        var infos = new KeywordInfo[(int)KeywordId.Count];
        infos[0] = new KeywordInfo(KeywordId.Unknown, "", KeywordCategory.Annotation, SubschemaShape.None, SubschemaPlace.None);
        void Add(KeywordId id, string name, KeywordCategory category, SubschemaShape shape = SubschemaShape.None, SubschemaPlace place = SubschemaPlace.None)
            => infos[(int)id] = new KeywordInfo(id, name, category, shape, place);

        Add(KeywordId.Schema, "$schema", KeywordCategory.Core);
        Add(KeywordId.Id, "$id", KeywordCategory.Core);
        Add(KeywordId.Ref, "$ref", KeywordCategory.Assertion);
        Add(KeywordId.Defs, "$defs", KeywordCategory.Core, SubschemaShape.Map, SubschemaPlace.Definitions);
        Add(KeywordId.Definitions, "definitions", KeywordCategory.Core, SubschemaShape.Map, SubschemaPlace.Definitions);
        Add(KeywordId.Anchor, "$anchor", KeywordCategory.Core);
        Add(KeywordId.DynamicRef, "$dynamicRef", KeywordCategory.Assertion);
        Add(KeywordId.DynamicAnchor, "$dynamicAnchor", KeywordCategory.Core);
        Add(KeywordId.RecursiveRef, "$recursiveRef", KeywordCategory.Assertion);
        Add(KeywordId.RecursiveAnchor, "$recursiveAnchor", KeywordCategory.Core);
        Add(KeywordId.Vocabulary, "$vocabulary", KeywordCategory.Core);
        Add(KeywordId.Comment, "$comment", KeywordCategory.Core);

        Add(KeywordId.AllOf, "allOf", KeywordCategory.Assertion, SubschemaShape.Array, SubschemaPlace.InPlace);
        Add(KeywordId.AnyOf, "anyOf", KeywordCategory.Assertion, SubschemaShape.Array, SubschemaPlace.InPlace);
        Add(KeywordId.OneOf, "oneOf", KeywordCategory.Assertion, SubschemaShape.Array, SubschemaPlace.InPlace);
        Add(KeywordId.Not, "not", KeywordCategory.Assertion, SubschemaShape.Single, SubschemaPlace.InPlace);
        Add(KeywordId.If, "if", KeywordCategory.Assertion, SubschemaShape.Single, SubschemaPlace.InPlace);
        Add(KeywordId.Then, "then", KeywordCategory.Assertion, SubschemaShape.Single, SubschemaPlace.InPlace);
        Add(KeywordId.Else, "else", KeywordCategory.Assertion, SubschemaShape.Single, SubschemaPlace.InPlace);
        Add(KeywordId.DependentSchemas, "dependentSchemas", KeywordCategory.Assertion, SubschemaShape.Map, SubschemaPlace.InPlace);
        Add(KeywordId.Dependencies, "dependencies", KeywordCategory.Assertion, SubschemaShape.Map, SubschemaPlace.InPlace);
        Add(KeywordId.PrefixItems, "prefixItems", KeywordCategory.Assertion, SubschemaShape.Array, SubschemaPlace.Child);
        Add(KeywordId.Items, "items", KeywordCategory.Assertion, SubschemaShape.Single, SubschemaPlace.Child);
        Add(KeywordId.AdditionalItems, "additionalItems", KeywordCategory.Assertion, SubschemaShape.Single, SubschemaPlace.Child);
        Add(KeywordId.Contains, "contains", KeywordCategory.Assertion, SubschemaShape.Single, SubschemaPlace.Child);
        Add(KeywordId.Properties, "properties", KeywordCategory.Assertion, SubschemaShape.Map, SubschemaPlace.Child);
        Add(KeywordId.PatternProperties, "patternProperties", KeywordCategory.Assertion, SubschemaShape.Map, SubschemaPlace.Child);
        Add(KeywordId.AdditionalProperties, "additionalProperties", KeywordCategory.Assertion, SubschemaShape.Single, SubschemaPlace.Child);
        Add(KeywordId.PropertyNames, "propertyNames", KeywordCategory.Assertion, SubschemaShape.Single, SubschemaPlace.Child);
        Add(KeywordId.UnevaluatedItems, "unevaluatedItems", KeywordCategory.Assertion, SubschemaShape.Single, SubschemaPlace.Child);
        Add(KeywordId.UnevaluatedProperties, "unevaluatedProperties", KeywordCategory.Assertion, SubschemaShape.Single, SubschemaPlace.Child);

        Add(KeywordId.Type, "type", KeywordCategory.Assertion);
        Add(KeywordId.Enum, "enum", KeywordCategory.Assertion);
        Add(KeywordId.Const, "const", KeywordCategory.Assertion);
        Add(KeywordId.MultipleOf, "multipleOf", KeywordCategory.Assertion);
        Add(KeywordId.Maximum, "maximum", KeywordCategory.Assertion);
        Add(KeywordId.ExclusiveMaximum, "exclusiveMaximum", KeywordCategory.Assertion);
        Add(KeywordId.Minimum, "minimum", KeywordCategory.Assertion);
        Add(KeywordId.ExclusiveMinimum, "exclusiveMinimum", KeywordCategory.Assertion);
        Add(KeywordId.MaxLength, "maxLength", KeywordCategory.Assertion);
        Add(KeywordId.MinLength, "minLength", KeywordCategory.Assertion);
        Add(KeywordId.Pattern, "pattern", KeywordCategory.Assertion);
        Add(KeywordId.MaxItems, "maxItems", KeywordCategory.Assertion);
        Add(KeywordId.MinItems, "minItems", KeywordCategory.Assertion);
        Add(KeywordId.UniqueItems, "uniqueItems", KeywordCategory.Assertion);
        Add(KeywordId.MaxContains, "maxContains", KeywordCategory.Assertion);
        Add(KeywordId.MinContains, "minContains", KeywordCategory.Assertion);
        Add(KeywordId.MaxProperties, "maxProperties", KeywordCategory.Assertion);
        Add(KeywordId.MinProperties, "minProperties", KeywordCategory.Assertion);
        Add(KeywordId.Required, "required", KeywordCategory.Assertion);
        Add(KeywordId.DependentRequired, "dependentRequired", KeywordCategory.Assertion);
        Add(KeywordId.Format, "format", KeywordCategory.Assertion);

        Add(KeywordId.ContentEncoding, "contentEncoding", KeywordCategory.Annotation);
        Add(KeywordId.ContentMediaType, "contentMediaType", KeywordCategory.Annotation);
        Add(KeywordId.ContentSchema, "contentSchema", KeywordCategory.Annotation);

        Add(KeywordId.Title, "title", KeywordCategory.Annotation);
        Add(KeywordId.Description, "description", KeywordCategory.Annotation);
        Add(KeywordId.Default, "default", KeywordCategory.Annotation);
        Add(KeywordId.Deprecated, "deprecated", KeywordCategory.Annotation);
        Add(KeywordId.ReadOnly, "readOnly", KeywordCategory.Annotation);
        Add(KeywordId.WriteOnly, "writeOnly", KeywordCategory.Annotation);
        Add(KeywordId.Examples, "examples", KeywordCategory.Annotation);

        Add(KeywordId.Nullable, "nullable", KeywordCategory.Assertion);
        Add(KeywordId.PropertyOrdering, "propertyOrdering", KeywordCategory.Annotation);
        Add(KeywordId.Example, "example", KeywordCategory.Annotation);
        return infos;
    }

    private static byte[][][] BuildByLength()
    {
        var max = Infos.Max(i => Encoding.UTF8.GetByteCount(i.Name));
        var result = new byte[max + 1][][];
        for (var length = 0; length <= max; length++)
        {
            result[length] = [.. Infos.Where(i => i.Id != KeywordId.Unknown && i.Name.Length == length).Select(i => Encoding.UTF8.GetBytes(i.Name))];
        }

        return result;
    }

    private static KeywordId[][] BuildIdsByLength()
    {
        var max = Infos.Max(i => i.Name.Length);
        var result = new KeywordId[max + 1][];
        for (var length = 0; length <= max; length++)
        {
            result[length] = [.. Infos.Where(i => i.Id != KeywordId.Unknown && i.Name.Length == length).Select(i => i.Id)];
        }

        return result;
    }
}
