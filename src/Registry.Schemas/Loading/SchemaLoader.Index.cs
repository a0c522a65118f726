using Registry.Schemas.Validation;
using Registry.Schemas.Validation.Json;

namespace Registry.Schemas.Loading;

/// <summary>Indexing: finds every subschema, its base URI and dialect, and every identifier and anchor.</summary>
internal sealed partial class SchemaLoader
{
    private static readonly string[] SchemaMapsAll = ["properties", "patternProperties", "definitions"];
    private static readonly string[] SchemaMaps2019 = ["$defs", "dependentSchemas"];
    private static readonly string[] SingleAll = ["additionalProperties", "not"];
    private static readonly string[] Single6 = ["propertyNames", "contains"];
    private static readonly string[] Single7 = ["if", "then", "else"];
    private static readonly string[] Single2019 = ["unevaluatedItems", "unevaluatedProperties", "contentSchema"];
    private static readonly string[] ArraysAll = ["allOf", "anyOf", "oneOf"];
    private static readonly string[] AdditionalItems = ["additionalItems"];

    public void Index(SchemaDocument doc, Dialect dialect)
    {
        if (doc.Indexed)
        {
            return;
        }

        doc.Indexed = true;
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
        if (kind == JsonKind.Object)
        {
            var hasRef = doc.Property(token, "$ref") >= 0;
            var id = doc.Property(token, dialect.IdKeyword);
            if (id >= 0 && doc.Kind(id) == JsonKind.String && !(dialect.RefOverridesSiblings && hasRef))
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

            if (isRoot && !isDocumentRoot)
            {
                var schema = doc.Property(token, "$schema");
                if (schema >= 0 && doc.Kind(schema) == JsonKind.String && dialect.Draft >= JsonSchemaDraft.Draft201909)
                {
                    dialect = DialectOf(doc, schema, doc.String(schema)) ?? dialect;
                }
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
            var anchor = doc.Property(token, "$anchor");
            if (anchor >= 0 && doc.Kind(anchor) == JsonKind.String)
            {
                RegisterLocation(baseUri + "#" + doc.String(anchor), doc, token);
            }

            if (dialect.Draft == JsonSchemaDraft.Draft202012)
            {
                var dynamicAnchor = doc.Property(token, "$dynamicAnchor");
                if (dynamicAnchor >= 0 && doc.Kind(dynamicAnchor) == JsonKind.String)
                {
                    var name = doc.String(dynamicAnchor);
                    RegisterLocation(baseUri + "#" + name, doc, token);
                    resource.DynamicAnchors.Add((name, token));
                }
            }
            else
            {
                var recursive = doc.Property(token, "$recursiveAnchor");
                if (isRoot && recursive >= 0 && doc.Kind(recursive) == JsonKind.True)
                {
                    resource.RecursiveAnchor = true;
                }
            }
        }

        foreach (var name in SchemaMapsAll)
        {
            IndexMap(doc, token, name, baseUri, dialect, resource);
        }

        if (dialect.Draft >= JsonSchemaDraft.Draft201909)
        {
            foreach (var name in SchemaMaps2019)
            {
                IndexMap(doc, token, name, baseUri, dialect, resource);
            }
        }

        IndexMap(doc, token, "dependencies", baseUri, dialect, resource);
        IndexSingles(doc, token, SingleAll, baseUri, dialect, resource);
        if (dialect.Draft >= JsonSchemaDraft.Draft6)
        {
            IndexSingles(doc, token, Single6, baseUri, dialect, resource);
        }

        if (dialect.Draft >= JsonSchemaDraft.Draft7)
        {
            IndexSingles(doc, token, Single7, baseUri, dialect, resource);
        }

        if (dialect.Draft >= JsonSchemaDraft.Draft201909)
        {
            IndexSingles(doc, token, Single2019, baseUri, dialect, resource);
        }

        foreach (var name in ArraysAll)
        {
            IndexArray(doc, token, name, baseUri, dialect, resource);
        }

        var items = doc.Property(token, "items");
        if (items >= 0)
        {
            if (doc.Kind(items) == JsonKind.Array)
            {
                if (dialect.Draft <= JsonSchemaDraft.Draft201909)
                {
                    IndexArray(doc, token, "items", baseUri, dialect, resource);
                }
            }
            else
            {
                IndexSchema(doc, items, baseUri, dialect, resource, false);
            }
        }

        if (dialect.Draft <= JsonSchemaDraft.Draft201909)
        {
            IndexSingles(doc, token, AdditionalItems, baseUri, dialect, resource);
        }
        else
        {
            IndexArray(doc, token, "prefixItems", baseUri, dialect, resource);
        }
    }

    private void IndexSingles(SchemaDocument doc, int token, string[] names, string baseUri, Dialect dialect, ResourceInfo resource)
    {
        foreach (var name in names)
        {
            var child = doc.Property(token, name);
            if (child >= 0)
            {
                IndexSchema(doc, child, baseUri, dialect, resource, false);
            }
        }
    }

    private void IndexMap(SchemaDocument doc, int token, string name, string baseUri, Dialect dialect, ResourceInfo resource)
    {
        var map = doc.Property(token, name);
        if (map < 0 || doc.Kind(map) != JsonKind.Object)
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

    private void IndexArray(SchemaDocument doc, int token, string name, string baseUri, Dialect dialect, ResourceInfo resource)
    {
        var array = doc.Property(token, name);
        if (array < 0 || doc.Kind(array) != JsonKind.Array)
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
