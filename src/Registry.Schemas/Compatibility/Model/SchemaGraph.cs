using System.Text.Json;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Compatibility.Model;

/// <summary>
/// One schema document read into <see cref="SchemaModel"/>s, with every <c>$ref</c> resolved: local pointers,
/// <c>$id</c> and <c>$anchor</c> targets, and other documents through an <see cref="ISchemaResolver"/> (each
/// fetched and read once). Nodes are memoised by location, so a recursive schema is a graph with cycles, never an
/// infinite tree. Owns the parsed JSON documents: dispose it when the comparison is over.
/// </summary>
internal sealed class SchemaGraph : IDisposable
{
    /// <summary>
    /// Base URI of a document that has no <c>$id</c>: relative references resolve against it. The same as the
    /// registry gives registered schemas, so reference names resolve alike in the compiler and here.
    /// </summary>
    public static readonly Uri DefaultBaseUri = ReferenceResolver.BaseUri;

    private const int MaxDepth = 256;
    private const int MaxDocuments = 256;
    private const int MaxNodes = 1_000_000;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    private readonly List<JsonDocument> _documents = [];
    private readonly Dictionary<string, SchemaModel> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Resource> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SchemaModel> _anchors = new(StringComparer.Ordinal);
    private readonly List<SchemaModel> _unresolved = [];
    private readonly ISchemaResolver? _resolver;

    private SchemaGraph(ISchemaResolver? resolver)
    {
        _resolver = resolver;
    }

    public SchemaModel Root { get; private set; } = null!;

    public int NodeCount => _nodes.Count;

    /// <summary>Every schema of the graph by location (root document and the documents it references).</summary>
    public IReadOnlyDictionary<string, SchemaModel> Nodes => _nodes;

    /// <summary>Reads <paramref name="utf8Schema"/>; throws <see cref="InvalidSchemaException"/> when it is not a usable schema.</summary>
    public static SchemaGraph Load(ReadOnlyMemory<byte> utf8Schema, ISchemaResolver? resolver = null, Uri? baseUri = null)
    {
        var graph = new SchemaGraph(resolver);
        try
        {
            var document = Parse(utf8Schema, "#");
            graph._documents.Add(document);
            graph.Root = graph.LoadDocument(document.RootElement, "#", baseUri ?? DefaultBaseUri, JsonSchemaDraft.Draft202012);
            graph.ResolveAll();
            return graph;
        }
        catch
        {
            graph.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var document in _documents)
        {
            document.Dispose();
        }

        _documents.Clear();
    }

    private static JsonDocument Parse(ReadOnlyMemory<byte> utf8, string location)
    {
        try
        {
            return JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidSchemaException(location, $"not valid JSON ({e.Message})", e);
        }
    }

    private SchemaModel LoadDocument(JsonElement root, string location, Uri retrievalUri, JsonSchemaDraft defaultDraft)
    {
        var draft = DraftOf(root) ?? defaultDraft;
        RegisterResource(retrievalUri, root, location, draft);
        return Build(root, location, retrievalUri, draft, 0);
    }

    private void RegisterResource(Uri uri, JsonElement element, string location, JsonSchemaDraft draft)
    {
        var key = WithoutFragment(uri);
        _resources.TryAdd(key, new Resource(element, location, uri, draft));
    }

    private static string WithoutFragment(Uri uri)
    {
        var text = uri.OriginalString;
        if (uri.IsAbsoluteUri)
        {
            text = uri.GetLeftPart(UriPartial.Query);
        }

        var hash = text.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? text : text[..hash];
    }

    private static JsonSchemaDraft? DraftOf(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("$schema", out var schema) || schema.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var uri = schema.GetString()!;
        if (uri.Contains("draft-04", StringComparison.Ordinal))
        {
            return JsonSchemaDraft.Draft4;
        }

        if (uri.Contains("draft-06", StringComparison.Ordinal))
        {
            return JsonSchemaDraft.Draft6;
        }

        if (uri.Contains("draft-07", StringComparison.Ordinal))
        {
            return JsonSchemaDraft.Draft7;
        }

        if (uri.Contains("2019-09", StringComparison.Ordinal))
        {
            return JsonSchemaDraft.Draft201909;
        }

        if (uri.Contains("2020-12", StringComparison.Ordinal))
        {
            return JsonSchemaDraft.Draft202012;
        }

        return null;
    }

    private SchemaModel Build(JsonElement element, string location, Uri baseUri, JsonSchemaDraft draft, int depth)
    {
        if (_nodes.TryGetValue(location, out var existing))
        {
            return existing;
        }

        if (depth > MaxDepth)
        {
            throw new InvalidSchemaException(location, $"schema nesting deeper than {MaxDepth}");
        }

        if (_nodes.Count >= MaxNodes)
        {
            throw new InvalidSchemaException(location, $"schema has more than {MaxNodes} subschemas");
        }

        if (element.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            var boolean = new SchemaModel(location, draft) { BooleanValue = element.ValueKind == JsonValueKind.True, Element = element };
            if (boolean.BooleanValue == false)
            {
                boolean.Types = JsonTypeSet.None;
                boolean.DeclaredTypes = JsonTypeSet.None;
                boolean.HasAssertionsBesidesRef = true;
            }

            _nodes.Add(location, boolean);
            return boolean;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidSchemaException(location, $"a schema must be an object or a boolean, not {Describe(element.ValueKind)}");
        }

        // A resource root may switch dialect and always sets a new base URI.
        if (DraftOf(element) is { } declared && (depth == 0 || HasIdentifier(element, draft)))
        {
            draft = declared;
        }

        var node = new SchemaModel(location, draft) { Element = element };
        _nodes.Add(location, node);
        baseUri = ReadIdentity(element, node, baseUri, draft);
        new SchemaModelReader(this, node, element, baseUri, depth).Read();
        return node;
    }

    private static bool HasIdentifier(JsonElement element, JsonSchemaDraft draft)
        => element.TryGetProperty(draft == JsonSchemaDraft.Draft4 ? "id" : "$id", out var id) && id.ValueKind == JsonValueKind.String;

    /// <summary>Reads <c>$id</c> and anchors, registers them, and returns the base URI for the node's keywords.</summary>
    private Uri ReadIdentity(JsonElement element, SchemaModel node, Uri baseUri, JsonSchemaDraft draft)
    {
        var refOverrides = draft <= JsonSchemaDraft.Draft7 && element.TryGetProperty("$ref", out _);
        if (!refOverrides && element.TryGetProperty(draft == JsonSchemaDraft.Draft4 ? "id" : "$id", out var id) && id.ValueKind == JsonValueKind.String)
        {
            var text = id.GetString()!;
            node.Id = text;
            if (draft <= JsonSchemaDraft.Draft7 && text.StartsWith('#'))
            {
                _anchors.TryAdd(WithoutFragment(baseUri) + text, node);
            }
            else if (Uri.TryCreate(baseUri, text, out var resolved))
            {
                baseUri = resolved;
                RegisterResource(resolved, element, node.Location, draft);
                if (resolved.Fragment.Length > 1 && draft <= JsonSchemaDraft.Draft7)
                {
                    _anchors.TryAdd(WithoutFragment(resolved) + resolved.Fragment, node);
                }
            }
            else
            {
                throw new InvalidSchemaException(node.At(draft == JsonSchemaDraft.Draft4 ? "id" : "$id"), $"'{text}' is not a valid URI reference");
            }
        }

        if (draft >= JsonSchemaDraft.Draft201909)
        {
            foreach (var keyword in (ReadOnlySpan<string>)["$anchor", "$dynamicAnchor"])
            {
                if (element.TryGetProperty(keyword, out var anchor) && anchor.ValueKind == JsonValueKind.String)
                {
                    _anchors.TryAdd(WithoutFragment(baseUri) + "#" + anchor.GetString(), node);
                }
            }
        }

        return baseUri;
    }

    /// <summary>Builds a subschema of the node being read (called by <see cref="SchemaModelReader"/>).</summary>
    internal SchemaModel BuildChild(JsonElement element, string location, Uri baseUri, JsonSchemaDraft draft, int depth)
        => Build(element, location, baseUri, draft, depth);

    internal void AddUnresolved(SchemaModel node) => _unresolved.Add(node);

    /// <summary>Resolves every reference, loading other documents as needed, until nothing is left unresolved.</summary>
    private void ResolveAll()
    {
        for (var i = 0; i < _unresolved.Count; i++)
        {
            var node = _unresolved[i];
            node.RefTarget = Resolve(node);
        }

        _unresolved.Clear();
    }

    private SchemaModel Resolve(SchemaModel node)
    {
        var uri = node.RefUri!;
        var document = WithoutFragment(uri);
        var fragment = uri.IsAbsoluteUri ? uri.Fragment : string.Empty;
        if (fragment.StartsWith('#'))
        {
            fragment = fragment[1..];
        }

        if (!_resources.TryGetValue(document, out var resource))
        {
            resource = LoadExternal(node, uri, document);
        }

        if (fragment.Length == 0)
        {
            return Build(resource.Element, resource.Location, resource.BaseUri, resource.Draft, 0);
        }

        if (fragment[0] != '/')
        {
            if (_anchors.TryGetValue(document + "#" + Uri.UnescapeDataString(fragment), out var anchored))
            {
                return anchored;
            }

            throw Unresolvable(node, "no schema has that anchor");
        }

        if (!JsonPointer.TrySplit(fragment, out var tokens))
        {
            throw Unresolvable(node, "the fragment is not a JSON pointer");
        }

        var element = resource.Element;
        var location = resource.Location;
        foreach (var token in tokens)
        {
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(token, out var child))
            {
                element = child;
            }
            else if (element.ValueKind == JsonValueKind.Array && int.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
                     && index < element.GetArrayLength())
            {
                element = element[index];
            }
            else
            {
                throw Unresolvable(node, "the pointer leads nowhere");
            }

            location = JsonPointer.Append(location, token);
        }

        return Build(element, location, resource.BaseUri, resource.Draft, 0);
    }

    private Resource LoadExternal(SchemaModel node, Uri uri, string document)
    {
        if (_resolver is null || !uri.IsAbsoluteUri || !_resolver.TryResolve(new Uri(document), out var bytes))
        {
            throw Unresolvable(node, "no such document");
        }

        if (_documents.Count >= MaxDocuments)
        {
            throw Unresolvable(node, $"more than {MaxDocuments} documents referenced");
        }

        var parsed = Parse(bytes, document);
        _documents.Add(parsed);
        LoadDocument(parsed.RootElement, document + "#", new Uri(document), node.Draft);
        return _resources[document];
    }

    private static InvalidSchemaException Unresolvable(SchemaModel node, string why)
        => new(node.At(node.RefKeyword), $"cannot resolve reference '{node.Ref}': {why}");

    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private readonly record struct Resource(JsonElement Element, string Location, Uri BaseUri, JsonSchemaDraft Draft);
}
