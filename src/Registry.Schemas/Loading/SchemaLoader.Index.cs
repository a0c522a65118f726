using Registry.Schemas.Validation;
using Registry.Schemas.Validation.Json;

namespace Registry.Schemas.Loading;

/// <summary>Indexing: finds every subschema, its base URI and dialect, and every identifier and anchor.</summary>
internal sealed partial class SchemaLoader
{
    /// <summary>What a member name means to indexing: an identifier keyword, or where subschemas are.</summary>
    private enum IndexKeyword : byte
    {
        None,
        Ref,
        Id,
        DollarId,
        Schema,
        Anchor,
        DynamicAnchor,
        RecursiveAnchor,
        Properties,
        PatternProperties,
        Definitions,
        Defs,
        DependentSchemas,
        Dependencies,
        AdditionalProperties,
        Not,
        PropertyNames,
        Contains,
        If,
        Then,
        Else,
        UnevaluatedItems,
        UnevaluatedProperties,
        ContentSchema,
        AllOf,
        AnyOf,
        OneOf,
        Items,
        AdditionalItems,
        PrefixItems,
    }

    public void Index(SchemaDocument doc, Dialect dialect)
    {
        if (doc.Indexed)
        {
            return;
        }

        doc.Indexed = true;
        doc.Info.Reserve(doc.Tape.Count);
        IndexSchema(doc, 0, doc.Uri, dialect, null, isDocumentRoot: true);
    }

    internal void IndexSchema(SchemaDocument doc, int token, string baseUri, Dialect dialect, ResourceInfo? resource, bool isDocumentRoot)
    {
        var kind = doc.Kind(token);
        if (kind is not (JsonKind.Object or JsonKind.True or JsonKind.False))
        {
            return;
        }

        Budget.Charge(1 + doc.Tape.Tokens[token].Length, Operation);
        var isRoot = isDocumentRoot;
        var tokens = doc.Tape.Tokens;

        // One pass over the members finds the identifier keywords; a second (below) indexes the subschemas. Each
        // member's name is classified once, instead of looking up every keyword of the draft by name.
        int hasRef = -1, idToken = -1, dollarId = -1, schemaToken = -1, anchor = -1, dynamicAnchor = -1, recursiveAnchor = -1;
        if (kind == JsonKind.Object)
        {
            var member = token + 1;
            for (var m = 0; m < tokens[token].Length; m++)
            {
                // Only the identifier keywords matter here: "id" and names starting with '$'.
                var name = doc.Tape.Bytes(member);
                switch (name.Length > 0 && (name[0] == (byte)'$' || name.Length == 2) ? Classify(name) : IndexKeyword.None)
                {
                    case IndexKeyword.Ref: hasRef = member + 1; break;
                    case IndexKeyword.Id: idToken = member + 1; break;
                    case IndexKeyword.DollarId: dollarId = member + 1; break;
                    case IndexKeyword.Schema: schemaToken = member + 1; break;
                    case IndexKeyword.Anchor: anchor = member + 1; break;
                    case IndexKeyword.DynamicAnchor: dynamicAnchor = member + 1; break;
                    case IndexKeyword.RecursiveAnchor: recursiveAnchor = member + 1; break;
                }

                member = tokens[member + 1].Next;
            }

            var id = dialect.Draft == JsonSchemaDraft.Draft4 ? idToken : dollarId;
            if (id >= 0 && doc.Kind(id) == JsonKind.String && !(dialect.RefOverridesSiblings && hasRef >= 0))
            {
                var value = doc.String(id);
                var resolved = UriReference.Resolve(baseUri, value);
                var (documentUri, fragment) = UriReference.SplitFragment(resolved);
                if (value.StartsWith('#'))
                {
                    if (dialect.Draft <= JsonSchemaDraft.Draft7 && fragment.Length > 0)
                    {
                        RegisterLocation(documentUri + "#" + fragment, doc, token);
                    }
                }
                else
                {
                    if (fragment.Length > 0 && dialect.Draft <= JsonSchemaDraft.Draft7)
                    {
                        RegisterLocation(documentUri + "#" + fragment, doc, token);
                    }

                    baseUri = documentUri;
                    isRoot = true;
                }
            }

            if (isRoot && !isDocumentRoot && schemaToken >= 0 && doc.Kind(schemaToken) == JsonKind.String && dialect.Draft >= JsonSchemaDraft.Draft201909)
            {
                dialect = DialectOf(doc, schemaToken, doc.String(schemaToken)) ?? dialect;
            }
        }

        if (isRoot || resource is null)
        {
            resource = new ResourceInfo(doc, token, baseUri, dialect);
            doc.Resources.Add(resource);
            RegisterLocation(baseUri, doc, token);
            if (isDocumentRoot && doc.Uri.Length > 0 && doc.Uri != baseUri)
            {
                RegisterLocation(doc.Uri, doc, token);
            }
        }

        doc.Info[token] = new SchemaInfo(baseUri, dialect, resource, isRoot);
        if (kind != JsonKind.Object)
        {
            return;
        }

        if (dialect.Draft >= JsonSchemaDraft.Draft201909)
        {
            if (anchor >= 0 && doc.Kind(anchor) == JsonKind.String)
            {
                RegisterLocation(baseUri + "#" + doc.String(anchor), doc, token);
            }

            if (dialect.Draft == JsonSchemaDraft.Draft202012)
            {
                if (dynamicAnchor >= 0 && doc.Kind(dynamicAnchor) == JsonKind.String)
                {
                    var name = doc.String(dynamicAnchor);
                    RegisterLocation(baseUri + "#" + name, doc, token);
                    resource.DynamicAnchors.Add((name, token));
                }
            }
            else if (isRoot && recursiveAnchor >= 0 && doc.Kind(recursiveAnchor) == JsonKind.True)
            {
                resource.RecursiveAnchor = true;
            }
        }

        var draft = dialect.Draft;
        var child = token + 1;
        for (var m = 0; m < tokens[token].Length; m++)
        {
            var value = child + 1;
            switch (Classify(doc.Tape.Bytes(child)))
            {
                case IndexKeyword.Properties or IndexKeyword.PatternProperties or IndexKeyword.Definitions or IndexKeyword.Dependencies:
                case IndexKeyword.Defs or IndexKeyword.DependentSchemas when draft >= JsonSchemaDraft.Draft201909:
                    IndexMap(doc, value, baseUri, dialect, resource);
                    break;
                case IndexKeyword.AdditionalProperties or IndexKeyword.Not:
                case IndexKeyword.PropertyNames or IndexKeyword.Contains when draft >= JsonSchemaDraft.Draft6:
                case IndexKeyword.If or IndexKeyword.Then or IndexKeyword.Else when draft >= JsonSchemaDraft.Draft7:
                case IndexKeyword.UnevaluatedItems or IndexKeyword.UnevaluatedProperties or IndexKeyword.ContentSchema when draft >= JsonSchemaDraft.Draft201909:
                case IndexKeyword.AdditionalItems when draft <= JsonSchemaDraft.Draft201909:
                    IndexSchema(doc, value, baseUri, dialect, resource, false);
                    break;
                case IndexKeyword.AllOf or IndexKeyword.AnyOf or IndexKeyword.OneOf:
                case IndexKeyword.PrefixItems when draft > JsonSchemaDraft.Draft201909:
                    IndexArray(doc, value, baseUri, dialect, resource);
                    break;
                case IndexKeyword.Items:
                    if (doc.Kind(value) != JsonKind.Array)
                    {
                        IndexSchema(doc, value, baseUri, dialect, resource, false);
                    }
                    else if (draft <= JsonSchemaDraft.Draft201909)
                    {
                        IndexArray(doc, value, baseUri, dialect, resource);
                    }

                    break;
            }

            child = tokens[value].Next;
        }
    }

    private static IndexKeyword Classify(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 => name.SequenceEqual("id"u8) ? IndexKeyword.Id : name.SequenceEqual("if"u8) ? IndexKeyword.If : IndexKeyword.None,
        3 => name.SequenceEqual("$id"u8) ? IndexKeyword.DollarId : name.SequenceEqual("not"u8) ? IndexKeyword.Not : IndexKeyword.None,
        4 => name.SequenceEqual("$ref"u8) ? IndexKeyword.Ref : name.SequenceEqual("then"u8) ? IndexKeyword.Then
            : name.SequenceEqual("else"u8) ? IndexKeyword.Else : IndexKeyword.None,
        5 => name.SequenceEqual("$defs"u8) ? IndexKeyword.Defs : name.SequenceEqual("allOf"u8) ? IndexKeyword.AllOf
            : name.SequenceEqual("anyOf"u8) ? IndexKeyword.AnyOf : name.SequenceEqual("oneOf"u8) ? IndexKeyword.OneOf
            : name.SequenceEqual("items"u8) ? IndexKeyword.Items : IndexKeyword.None,
        7 => name.SequenceEqual("$schema"u8) ? IndexKeyword.Schema : name.SequenceEqual("$anchor"u8) ? IndexKeyword.Anchor : IndexKeyword.None,
        8 => name.SequenceEqual("contains"u8) ? IndexKeyword.Contains : IndexKeyword.None,
        10 => name.SequenceEqual("properties"u8) ? IndexKeyword.Properties : IndexKeyword.None,
        11 => name.SequenceEqual("definitions"u8) ? IndexKeyword.Definitions : name.SequenceEqual("prefixItems"u8) ? IndexKeyword.PrefixItems : IndexKeyword.None,
        12 => name.SequenceEqual("dependencies"u8) ? IndexKeyword.Dependencies : IndexKeyword.None,
        13 => name.SequenceEqual("propertyNames"u8) ? IndexKeyword.PropertyNames : name.SequenceEqual("contentSchema"u8) ? IndexKeyword.ContentSchema : IndexKeyword.None,
        14 => name.SequenceEqual("$dynamicAnchor"u8) ? IndexKeyword.DynamicAnchor : IndexKeyword.None,
        15 => name.SequenceEqual("additionalItems"u8) ? IndexKeyword.AdditionalItems : IndexKeyword.None,
        16 => name.SequenceEqual("$recursiveAnchor"u8) ? IndexKeyword.RecursiveAnchor : name.SequenceEqual("dependentSchemas"u8) ? IndexKeyword.DependentSchemas
            : name.SequenceEqual("unevaluatedItems"u8) ? IndexKeyword.UnevaluatedItems : IndexKeyword.None,
        17 => name.SequenceEqual("patternProperties"u8) ? IndexKeyword.PatternProperties : IndexKeyword.None,
        20 => name.SequenceEqual("additionalProperties"u8) ? IndexKeyword.AdditionalProperties : IndexKeyword.None,
        21 => name.SequenceEqual("unevaluatedProperties"u8) ? IndexKeyword.UnevaluatedProperties : IndexKeyword.None,
        _ => IndexKeyword.None,
    };

    private void IndexMap(SchemaDocument doc, int map, string baseUri, Dialect dialect, ResourceInfo resource)
    {
        if (doc.Kind(map) != JsonKind.Object)
        {
            return;
        }

        var tokens = doc.Tape.Tokens;
        var member = map + 1;
        for (var m = 0; m < tokens[map].Length; m++)
        {
            IndexSchema(doc, member + 1, baseUri, dialect, resource, false);
            member = tokens[member + 1].Next;
        }
    }

    private void IndexArray(SchemaDocument doc, int array, string baseUri, Dialect dialect, ResourceInfo resource)
    {
        if (doc.Kind(array) != JsonKind.Array)
        {
            return;
        }

        var tokens = doc.Tape.Tokens;
        var item = array + 1;
        for (var i = 0; i < tokens[array].Length; i++)
        {
            IndexSchema(doc, item, baseUri, dialect, resource, false);
            item = tokens[item].Next;
        }
    }
}
