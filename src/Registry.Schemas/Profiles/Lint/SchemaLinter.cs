// Over 500 lines on purpose: the linter's subschema graph (nodes, edges, reference resolution with cycles) is declared and built
// here, beside the walk that uses it; the checks themselves are in SchemaLinter.Checks.cs.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Profiles.Lint;

/// <summary>How a subschema relates to the schema that contains it.</summary>
internal enum EdgeKind : byte
{
    /// <summary>Applies to the same instance (<c>anyOf</c>, <c>allOf</c>, <c>not</c>...).</summary>
    InPlace,

    /// <summary>Applies to a child instance (<c>properties</c>, <c>items</c>...).</summary>
    Child,

    /// <summary>A <c>$ref</c> to its target.</summary>
    Ref,
}

internal struct LintNode
{
    public JsonElement Element;
    public int Doc;
    public int Parent;
    public string? Keyword;
    public JsonProperty Name;
    public bool HasName;
    public int Index;
    public string? Location;
    public int BaseIndex;
    public bool IsObject;
}

internal struct LintEdge
{
    public int From;
    public int To;
    public EdgeKind Kind;
    public bool Optional;
    public bool Back;
}

internal sealed class LintDocument
{
    public LintDocument(JsonDocument json, ReadOnlyMemory<byte> bytes, string displayPrefix, JsonSchemaDraft draft)
    {
        Json = json;
        Bytes = bytes;
        DisplayPrefix = displayPrefix;
        Draft = draft;
    }

    public JsonDocument Json { get; }

    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>What pointers into this document start with: <c>#</c> for the root document, <c>address.json#</c> for others.</summary>
    public string DisplayPrefix { get; }

    public JsonSchemaDraft Draft { get; }
}

/// <summary>Bit set of the keywords present in one schema object.</summary>
internal struct KeywordMask
{
    private ulong _lo;
    private ulong _hi;

    public readonly bool Has(KeywordId id) => (int)id < 64 ? (_lo & (1UL << (int)id)) != 0 : (_hi & (1UL << ((int)id - 64))) != 0;

    public void Set(KeywordId id)
    {
        if ((int)id < 64)
        {
            _lo |= 1UL << (int)id;
        }
        else
        {
            _hi |= 1UL << ((int)id - 64);
        }
    }
}

[Flags]
internal enum JsonTypes
{
    None = 0,
    Null = 1,
    Boolean = 2,
    Object = 4,
    Array = 8,
    Number = 16,
    String = 32,
    Integer = 64,
}

/// <summary>
/// One lint run: walks every subschema of a schema document once (definitions included), follows <c>$ref</c>s
/// (local pointers, <c>$id</c>/<c>$anchor</c>, other documents through an <see cref="ISchemaResolver"/>), checks each
/// schema against the profile's keyword table and rules, counts what the provider's limits are stated in, then
/// analyses the reference graph for cycles and nesting depth. Pointers are built only for violations.
/// Not thread-safe; one instance per lint.
/// </summary>
internal sealed partial class SchemaLinter : IDisposable
{
    internal static readonly ProfileSource JsonSchemaCore = new(
        "JSON Schema Core 2020-12 (schemas are objects or booleans; $ref resolution)",
        "https://json-schema.org/draft/2020-12/json-schema-core", "2022-06-16", SourceKind.Specification);

    private static readonly ProfileRule NotASchemaRule = new("schema-shape", ViolationNames.SchemaInvalid, ViolationEffect.Rejected,
        "Every subschema must be a JSON object or a boolean.", JsonSchemaCore);

    private static readonly ProfileRule UnresolvableRule = new("ref-resolvable", ViolationNames.RefUnresolvable, ViolationEffect.Rejected,
        "Every $ref must lead to a schema.", JsonSchemaCore);

    private static readonly byte[] McpHeaderName = "x-mcp-header"u8.ToArray();

    private readonly Profile _profile;
    private readonly ProfileLintOptions _options;
    private readonly ISchemaResolver? _resolver;
    private readonly LintBudget _budget;
    private readonly List<LintDocument> _documents = [];
    private readonly List<LintEdge> _edges = [];
    private readonly List<Uri> _bases = [];
    private readonly List<BaseResource> _baseResources = [];
    private readonly Dictionary<string, int> _baseByUri = new(StringComparer.Ordinal);
    private readonly List<PendingRef> _refs = [];
    private readonly List<JsonElement[]> _slots = [];
    private readonly List<ProfileViolation> _violations = [];
    private LintNode[] _nodes = new LintNode[32];
    private int _nodeCount;
    private Dictionary<string, int>? _anchors;
    private Dictionary<long, int>? _byOffset;
    private int _mappedUpTo;
    private HashSet<string>? _mcpHeaders;
    private string? _baseDirectory;

    // statistics
    private int _properties;
    private int _optional;
    private int _unions;
    private int _enumValues;
    private long _stringChars;
    private long _maxItemsSum;
    private int _depth;
    private bool _recursive;

    public SchemaLinter(Profile profile, ProfileLintOptions options, ISchemaResolver? resolver, LintBudget budget)
    {
        _profile = profile;
        _options = options;
        _resolver = resolver;
        _budget = budget;
    }

    public IReadOnlyList<ProfileViolation> Violations => _violations;

    /// <summary>The subschemas found (index 0 is the root), for the transformer and the output mapper.</summary>
    internal ReadOnlySpan<LintNode> Nodes => _nodes.AsSpan(0, _nodeCount);

    /// <summary>The subschema graph: in-place, child and reference edges (definitions are reached only through references).</summary>
    internal IReadOnlyList<LintEdge> Edges => _edges;

    internal JsonSchemaDraft DraftOfDocument(int doc) => _documents[doc].Draft;

    public int Dropped { get; private set; }

    public SchemaStatistics Statistics => new()
    {
        Properties = _properties,
        OptionalProperties = _optional,
        UnionSchemas = _unions,
        EnumValues = _enumValues,
        StringCharacters = _stringChars,
        NestingDepth = _depth,
        MaxItemsSum = _maxItemsSum,
        Schemas = _nodeCount,
        Recursive = _recursive,
    };

    public void Dispose()
    {
        foreach (var document in _documents)
        {
            document.Json.Dispose();
        }

        _documents.Clear();
    }

    /// <summary>Lints the schema parsed into <paramref name="json"/> from <paramref name="bytes"/>.</summary>
    public void Run(JsonDocument json, ReadOnlyMemory<byte> bytes)
    {
        var rootElement = json.RootElement;
        var draft = DraftOf(rootElement);
        _documents.Add(new LintDocument(json, bytes, "#", draft));
        var baseUri = _options.BaseUri ?? ReferenceResolver.BaseUri;
        _baseDirectory = DirectoryOf(baseUri);
        AddBase(baseUri, new BaseResource(0, rootElement, 0, "#"));
        Visit(rootElement, 0, -1, null, default, false, -1, "#", 0, 0, EdgeKind.InPlace, false, false);
        ResolveReferences();
        CheckRoot();
        AnalyseGraph();
        CheckTotals();
    }

    // ----- the walk -------------------------------------------------------------------------------------------------

    private int Visit(
        JsonElement schema, int doc, int parent, string? keyword, JsonProperty name, bool hasName, int index, string? location,
        int baseIndex, int depth, EdgeKind edgeKind, bool optionalEdge, bool impliedString, bool link = true)
    {
        _budget.Step();
        var node = AddNode(schema, doc, parent, keyword, name, hasName, index, location, baseIndex);
        if (parent >= 0 && link)
        {
            _edges.Add(new LintEdge { From = parent, To = node, Kind = edgeKind, Optional = optionalEdge });
        }

        switch (schema.ValueKind)
        {
            case JsonValueKind.True:
            case JsonValueKind.False:
                CheckBooleanSchema(node, keyword, schema.ValueKind == JsonValueKind.True);
                return node;
            case JsonValueKind.Object:
                break;
            default:
                Report(NotASchemaRule, Pointer(node), $"a schema must be an object or a boolean, not {Describe(schema.ValueKind)}");
                return node;
        }

        var slots = SlotsAt(depth);
        var mask = default(KeywordMask);
        var draft = _documents[doc].Draft;
        var siblingsOfRef = 0;
        var assertionSiblingsOfRef = 0;
        var nonDollarSiblingsOfRef = 0;
        var assertionSiblingsOfUnion = 0;
        var mcpHeader = default(JsonElement);

        // Pass 1: find the keywords, check their support.
        foreach (var property in schema.EnumerateObject())
        {
            _budget.Step();
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            var id = raw.IndexOf((byte)'\\') >= 0 ? SchemaKeywords.Find(property.Name) : SchemaKeywords.Find(raw);
            if (id == KeywordId.Unknown)
            {
                if (raw.SequenceEqual(McpHeaderName))
                {
                    mcpHeader = property.Value;
                }

                CheckUnknownKeyword(node, property, raw);
                if (raw.Length == 0 || raw[0] != (byte)'$')
                {
                    nonDollarSiblingsOfRef++;
                }

                siblingsOfRef++;
                continue;
            }

            mask.Set(id);
            slots[(int)id] = property.Value;
            var info = SchemaKeywords.Info(id);
            if (id != KeywordId.Ref)
            {
                if (id is not (KeywordId.Defs or KeywordId.Definitions or KeywordId.Schema or KeywordId.Id or KeywordId.Comment or KeywordId.Anchor or KeywordId.DynamicAnchor))
                {
                    siblingsOfRef++;
                }

                if (info.Category == KeywordCategory.Assertion)
                {
                    assertionSiblingsOfRef++;
                }

                if (info.Name[0] != '$')
                {
                    nonDollarSiblingsOfRef++;
                }
            }

            if (info.Category == KeywordCategory.Assertion && id is not (KeywordId.AnyOf or KeywordId.OneOf or KeywordId.Ref))
            {
                assertionSiblingsOfUnion++;
            }
        }

        var types = ParseTypes(mask.Has(KeywordId.Type) ? slots[(int)KeywordId.Type] : default, mask.Has(KeywordId.Type), out var typeArrayLength);
        var typeDeclared = mask.Has(KeywordId.Type) && types != JsonTypes.None;
        var isObject = typeDeclared ? (types & JsonTypes.Object) != 0 : HasObjectKeywords(mask);
        _nodes[node].IsObject = isObject;

        foreach (var property in schema.EnumerateObject())
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            var id = raw.IndexOf((byte)'\\') >= 0 ? SchemaKeywords.Find(property.Name) : SchemaKeywords.Find(raw);
            if (id != KeywordId.Unknown)
            {
                CheckKeywordSupport(node, id, property.Value, types, typeDeclared, slots, mask, draft);
            }
        }

        // Pass 2: the rules that look at the schema as a whole.
        CheckTypes(node, slots, mask, types, typeDeclared, typeArrayLength, mcpHeader);
        if (isObject)
        {
            CheckObject(node, slots, mask, types, typeDeclared);
        }

        CheckArray(node, slots, mask, types, typeDeclared);
        CheckString(node, slots, mask, types, typeDeclared, impliedString);
        CheckNumber(node, mask, types, typeDeclared, impliedString);
        CheckValues(node, slots, mask);
        CheckApplicators(node, slots, mask, assertionSiblingsOfUnion);
        if (mask.Has(KeywordId.Ref))
        {
            CheckRefSiblings(node, draft, siblingsOfRef, assertionSiblingsOfRef, nonDollarSiblingsOfRef);
        }

        // Identity: $id and $anchor, before the children so that they inherit the new base.
        var childBase = baseIndex;
        if (mask.Has(KeywordId.Id) && slots[(int)KeywordId.Id].ValueKind == JsonValueKind.String
            && !(draft <= JsonSchemaDraft.Draft7 && mask.Has(KeywordId.Ref)))
        {
            childBase = RegisterId(node, slots[(int)KeywordId.Id].GetString()!, baseIndex, draft);
        }

        foreach (var anchorKeyword in (ReadOnlySpan<KeywordId>)[KeywordId.Anchor, KeywordId.DynamicAnchor])
        {
            if (mask.Has(anchorKeyword) && slots[(int)anchorKeyword].ValueKind == JsonValueKind.String)
            {
                _anchors ??= new Dictionary<string, int>(StringComparer.Ordinal);
                _anchors.TryAdd(BaseKey(_bases[childBase]) + "#" + slots[(int)anchorKeyword].GetString(), node);
            }
        }

        if (mask.Has(KeywordId.Ref) && slots[(int)KeywordId.Ref].ValueKind == JsonValueKind.String)
        {
            _refs.Add(new PendingRef(node, slots[(int)KeywordId.Ref].GetString()!, childBase));
        }

        // Pass 3: the subschemas, in document order.
        var required = mask.Has(KeywordId.Required) ? slots[(int)KeywordId.Required] : default;
        foreach (var property in schema.EnumerateObject())
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            var id = raw.IndexOf((byte)'\\') >= 0 ? SchemaKeywords.Find(property.Name) : SchemaKeywords.Find(raw);
            var info = SchemaKeywords.Info(id);
            if (info.Shape == SubschemaShape.None)
            {
                continue;
            }

            var value = property.Value;
            var kind = info.Place switch
            {
                SubschemaPlace.Child => EdgeKind.Child,
                _ => EdgeKind.InPlace,
            };
            // Definitions are reached only through references: they keep the tree link (for pointers), not a graph edge.
            var linked = info.Place != SubschemaPlace.Definitions;
            var parentForEdge = node;
            if (info.Shape == SubschemaShape.Single && value.ValueKind != JsonValueKind.Array)
            {
                VisitChild(value, doc, parentForEdge, info.Name, default, false, -1, childBase, depth + 1, kind, false, linked,
                    impliedString: id == KeywordId.PropertyNames);
            }
            else if (info.Shape is SubschemaShape.Array or SubschemaShape.Single && value.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    VisitChild(item, doc, parentForEdge, info.Name, default, false, i++, childBase, depth + 1, kind, false, linked, false);
                }
            }
            else if (info.Shape == SubschemaShape.Map && value.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in value.EnumerateObject())
                {
                    if (id == KeywordId.Dependencies && entry.Value.ValueKind == JsonValueKind.Array)
                    {
                        continue; // the dependentRequired form
                    }

                    var optional = id == KeywordId.Properties && !IsListed(required, entry);
                    VisitChild(entry.Value, doc, parentForEdge, info.Name, entry, true, -1, childBase, depth + 1, kind, optional, linked, false);
                }
            }
        }

        return node;
    }

    private void VisitChild(
        JsonElement schema, int doc, int parent, string keyword, JsonProperty name, bool hasName, int index, int baseIndex, int depth,
        EdgeKind kind, bool optional, bool linked, bool impliedString)
        => Visit(schema, doc, parent, keyword, name, hasName, index, null, baseIndex, depth, kind, optional, impliedString, linked);

    private int AddNode(in JsonElement schema, int doc, int parent, string? keyword, JsonProperty name, bool hasName, int index, string? location, int baseIndex)
    {
        if (_nodeCount == _nodes.Length)
        {
            Array.Resize(ref _nodes, _nodes.Length * 2);
        }

        _nodes[_nodeCount] = new LintNode
        {
            Element = schema,
            Doc = doc,
            Parent = parent,
            Keyword = keyword,
            Name = name,
            HasName = hasName,
            Index = index,
            Location = location,
            BaseIndex = baseIndex,
        };
        return _nodeCount++;
    }

    private JsonElement[] SlotsAt(int depth)
    {
        while (_slots.Count <= depth)
        {
            _slots.Add(new JsonElement[(int)KeywordId.Count]);
        }

        return _slots[depth];
    }

    private static bool HasObjectKeywords(KeywordMask mask)
        => mask.Has(KeywordId.Properties) || mask.Has(KeywordId.AdditionalProperties) || mask.Has(KeywordId.PatternProperties)
           || mask.Has(KeywordId.Required) || mask.Has(KeywordId.PropertyNames) || mask.Has(KeywordId.MinProperties)
           || mask.Has(KeywordId.MaxProperties) || mask.Has(KeywordId.DependentRequired) || mask.Has(KeywordId.UnevaluatedProperties);

    private static JsonTypes ParseTypes(in JsonElement type, bool present, out int arrayLength)
    {
        arrayLength = -1;
        if (!present)
        {
            return JsonTypes.None;
        }

        if (type.ValueKind == JsonValueKind.String)
        {
            return TypeOf(type);
        }

        if (type.ValueKind != JsonValueKind.Array)
        {
            return JsonTypes.None;
        }

        arrayLength = type.GetArrayLength();
        var types = JsonTypes.None;
        foreach (var item in type.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                types |= TypeOf(item);
            }
        }

        return types;
    }

    private static JsonTypes TypeOf(in JsonElement name)
    {
        if (name.ValueEquals("object"u8))
        {
            return JsonTypes.Object;
        }

        if (name.ValueEquals("string"u8))
        {
            return JsonTypes.String;
        }

        if (name.ValueEquals("integer"u8))
        {
            return JsonTypes.Integer;
        }

        if (name.ValueEquals("number"u8))
        {
            return JsonTypes.Number;
        }

        if (name.ValueEquals("array"u8))
        {
            return JsonTypes.Array;
        }

        if (name.ValueEquals("boolean"u8))
        {
            return JsonTypes.Boolean;
        }

        return name.ValueEquals("null"u8) ? JsonTypes.Null : JsonTypes.None;
    }

    /// <summary>Whether the property <paramref name="entry"/> is listed in the <c>required</c> array <paramref name="required"/>.</summary>
    private static bool IsListed(in JsonElement required, JsonProperty entry)
    {
        if (required.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var raw = JsonMarshal.GetRawUtf8PropertyName(entry);
        var escaped = raw.IndexOf((byte)'\\') >= 0;
        string? name = null;
        foreach (var item in required.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            if (escaped ? item.ValueEquals(name ??= entry.Name) : item.ValueEquals(raw))
            {
                return true;
            }
        }

        return false;
    }

    private static JsonSchemaDraft DraftOf(in JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("$schema"u8, out var schema) || schema.ValueKind != JsonValueKind.String)
        {
            return JsonSchemaDraft.Draft202012;
        }

        var uri = schema.GetString()!;
        return uri.Contains("draft-04", StringComparison.Ordinal) ? JsonSchemaDraft.Draft4
            : uri.Contains("draft-06", StringComparison.Ordinal) ? JsonSchemaDraft.Draft6
            : uri.Contains("draft-07", StringComparison.Ordinal) ? JsonSchemaDraft.Draft7
            : uri.Contains("2019-09", StringComparison.Ordinal) ? JsonSchemaDraft.Draft201909
            : JsonSchemaDraft.Draft202012;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        _ => "a value of another kind",
    };

    // ----- reporting ------------------------------------------------------------------------------------------------

    private void Report(RuleKind kind, string pointer, string message, string? keyword = null, string? limit = null, string? actual = null)
    {
        var rule = _profile.Rule(kind);
        if (rule is not null)
        {
            Report(rule, pointer, message, keyword, limit, actual);
        }
    }

    private void Report(ProfileRule rule, string pointer, string message, string? keyword = null, string? limit = null, string? actual = null)
    {
        if (_violations.Count >= _options.MaxViolations)
        {
            Dropped++;
            return;
        }

        _violations.Add(new ProfileViolation(rule.Violation, pointer, rule.Effect, message, keyword, limit, actual, rule.Id, rule.Source));
    }

    private void ReportKeyword(string violation, ViolationEffect effect, string pointer, string keyword, KeywordRule rule, string message)
    {
        if (_violations.Count >= _options.MaxViolations)
        {
            Dropped++;
            return;
        }

        _violations.Add(new ProfileViolation(violation, pointer, effect, message, keyword, null, null, "keyword:" + keyword, rule.Source));
    }

    /// <summary>The JSON pointer of <paramref name="node"/>, e.g. <c>#/properties/a~1b/items</c>.</summary>
    internal string Pointer(int node)
    {
        var chain = new List<int>(8);
        var current = node;
        while (_nodes[current].Location is null && _nodes[current].Parent >= 0)
        {
            chain.Add(current);
            current = _nodes[current].Parent;
        }

        var builder = new StringBuilder(_nodes[current].Location ?? _documents[_nodes[current].Doc].DisplayPrefix);
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            ref readonly var segment = ref _nodes[chain[i]];
            AppendToken(builder, segment.Keyword!);
            if (segment.HasName)
            {
                AppendToken(builder, segment.Name.Name);
            }
            else if (segment.Index >= 0)
            {
                builder.Append('/').Append(segment.Index.ToString(CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    internal string At(int node, string keyword) => AppendToken(new StringBuilder(Pointer(node)), keyword).ToString();

    internal string At(int node, string keyword, string name) => AppendToken(AppendToken(new StringBuilder(Pointer(node)), keyword), name).ToString();

    internal string At(int node, string keyword, int index)
        => AppendToken(new StringBuilder(Pointer(node)), keyword).Append('/').Append(index.ToString(CultureInfo.InvariantCulture)).ToString();

    internal static StringBuilder AppendToken(StringBuilder builder, string token)
    {
        builder.Append('/');
        foreach (var c in token)
        {
            if (c == '~')
            {
                builder.Append("~0");
            }
            else if (c == '/')
            {
                builder.Append("~1");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder;
    }

    // ----- identity and references ----------------------------------------------------------------------------------

    private readonly record struct PendingRef(int Node, string Reference, int BaseIndex);

    /// <summary>A schema resource: the document and element a base URI names, and how pointers into it start (or the node to compute that from).</summary>
    private readonly record struct BaseResource(int Doc, JsonElement Element, int Node, string? Location);

    private int AddBase(Uri uri, BaseResource resource)
    {
        _bases.Add(uri);
        _baseResources.Add(resource);
        _baseByUri.TryAdd(BaseKey(uri), _bases.Count - 1);
        return _bases.Count - 1;
    }

    private int RegisterId(int node, string id, int baseIndex, JsonSchemaDraft draft)
    {
        if (draft <= JsonSchemaDraft.Draft7 && id.StartsWith('#'))
        {
            _anchors ??= new Dictionary<string, int>(StringComparer.Ordinal);
            _anchors.TryAdd(BaseKey(_bases[baseIndex]) + id, node);
            return baseIndex;
        }

        if (!Uri.TryCreate(_bases[baseIndex], id, out var resolved) || !resolved.IsAbsoluteUri)
        {
            return baseIndex;
        }

        var key = BaseKey(resolved);
        if (_baseByUri.TryGetValue(key, out var existing))
        {
            return existing;
        }

        return AddBase(resolved, new BaseResource(_nodes[node].Doc, _nodes[node].Element, node, null));
    }

    private static string BaseKey(Uri uri)
    {
        var text = uri.IsAbsoluteUri ? uri.AbsoluteUri : uri.OriginalString;
        var hash = text.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? text : text[..hash];
    }

    private static string DirectoryOf(Uri uri)
    {
        var text = BaseKey(uri);
        var slash = text.LastIndexOf('/');
        return slash < 0 ? text : text[..(slash + 1)];
    }

    /// <summary>How a document outside the root is named in pointers: relative to the root's directory when it shares it.</summary>
    private string DisplayName(string documentUri)
        => _baseDirectory is not null && documentUri.StartsWith(_baseDirectory, StringComparison.Ordinal) && documentUri.Length > _baseDirectory.Length
            ? documentUri[_baseDirectory.Length..]
            : documentUri;

    private void ResolveReferences()
    {
        for (var i = 0; i < _refs.Count; i++)
        {
            _budget.Step();
            var pending = _refs[i];
            CheckRefForm(pending);
            var target = Resolve(pending, out var why);
            if (target < 0)
            {
                Report(UnresolvableRule, At(pending.Node, "$ref"), $"the reference '{Shorten(pending.Reference)}' cannot be resolved: {why}", "$ref");
                continue;
            }

            _edges.Add(new LintEdge { From = pending.Node, To = target, Kind = EdgeKind.Ref });
            if (_nodes[target].Doc != _nodes[pending.Node].Doc && _profile.Rule(RuleKind.RefExternal) is { } external
                && !(_profile.Has(RuleKind.RefNonPointer)))
            {
                Report(external, At(pending.Node, "$ref"), $"the reference '{Shorten(pending.Reference)}' points into another document", "$ref");
            }
        }
    }

    /// <summary>Checks the spelling of a reference for engines that only follow some forms (llama.cpp: <c>#/...</c> or <c>https://</c>).</summary>
    private void CheckRefForm(PendingRef pending)
    {
        if (!_profile.Has(RuleKind.RefNonPointer))
        {
            return;
        }

        var reference = pending.Reference;
        if (reference.StartsWith("#/", StringComparison.Ordinal))
        {
            return;
        }

        if (reference.StartsWith("https://", StringComparison.Ordinal))
        {
            Report(RuleKind.RefExternal, At(pending.Node, "$ref"), $"the reference '{Shorten(reference)}' is remote; the C++ converter does not fetch it", "$ref");
            return;
        }

        Report(RuleKind.RefNonPointer, At(pending.Node, "$ref"), $"the reference '{Shorten(reference)}' is neither a #/ pointer nor an https:// address", "$ref",
            "#/... or https://...", Shorten(reference));
    }

    private int Resolve(PendingRef pending, out string why)
    {
        why = string.Empty;
        var reference = pending.Reference;
        int baseIndex;
        string fragment;
        if (reference.StartsWith('#'))
        {
            baseIndex = pending.BaseIndex;
            fragment = reference[1..];
        }
        else
        {
            if (!Uri.TryCreate(_bases[pending.BaseIndex], reference, out var absolute) || !absolute.IsAbsoluteUri)
            {
                why = "it is not a valid URI reference";
                return -1;
            }

            var documentKey = BaseKey(absolute);
            fragment = absolute.Fragment.Length > 0 ? absolute.Fragment[1..] : string.Empty;
            if (!_baseByUri.TryGetValue(documentKey, out baseIndex))
            {
                baseIndex = LoadDocument(documentKey, out why);
                if (baseIndex < 0)
                {
                    return -1;
                }
            }
        }

        if (fragment.Length > 0 && fragment[0] != '/')
        {
            var anchorKey = BaseKey(_bases[baseIndex]) + "#" + Uri.UnescapeDataString(fragment);
            if (_anchors is not null && _anchors.TryGetValue(anchorKey, out var anchored))
            {
                return anchored;
            }

            why = "no schema has that anchor";
            return -1;
        }

        var resource = _baseResources[baseIndex];
        var element = resource.Element;
        var doc = resource.Doc;
        var pointer = fragment.Length == 0 ? string.Empty : Uri.UnescapeDataString(fragment);
        if (pointer.Length > 0)
        {
            foreach (var rawToken in pointer[1..].Split('/'))
            {
                _budget.Step();
                var token = rawToken.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(token, out var child))
                {
                    element = child;
                }
                else if (element.ValueKind == JsonValueKind.Array
                         && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < element.GetArrayLength())
                {
                    element = element[index];
                }
                else
                {
                    why = "the pointer leads nowhere";
                    return -1;
                }
            }
        }

        var existing = FindNode(doc, element);
        if (existing >= 0)
        {
            return existing;
        }

        // A target the walk has not visited (outside the usual places, or in a document loaded for this reference): walk it now.
        var location = (resource.Location ?? Pointer(resource.Node)) + pointer;
        return Visit(element, doc, -1, null, default, false, -1, location, baseIndex, 0, EdgeKind.InPlace, false, false);
    }

    private int LoadDocument(string documentKey, out string why)
    {
        why = string.Empty;
        if (_resolver is null || !Uri.TryCreate(documentKey, UriKind.Absolute, out var documentUri) || !_resolver.TryResolve(documentUri, out var bytes))
        {
            why = "no such document";
            return -1;
        }

        if (_documents.Count >= _options.MaxDocuments)
        {
            why = $"more than {_options.MaxDocuments} documents are referenced";
            return -1;
        }

        if (bytes.Length > _options.MaxSchemaBytes)
        {
            why = $"the document is larger than {_options.MaxSchemaBytes} bytes";
            return -1;
        }

        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = _options.MaxDepth });
        }
        catch (JsonException)
        {
            why = "the document is not valid JSON";
            return -1;
        }

        var display = DisplayName(documentKey) + "#";
        _documents.Add(new LintDocument(json, bytes, display, DraftOf(json.RootElement)));

        // Only the parts of another document that are referenced are walked (and counted), not the whole document.
        return AddBase(documentUri, new BaseResource(_documents.Count - 1, json.RootElement, -1, display));
    }

    /// <summary>The node already made for <paramref name="element"/> of document <paramref name="doc"/>, or -1.</summary>
    private int FindNode(int doc, in JsonElement element)
    {
        _byOffset ??= new Dictionary<long, int>();
        for (; _mappedUpTo < _nodeCount; _mappedUpTo++)
        {
            _budget.Step();
            _byOffset.TryAdd(Key(_nodes[_mappedUpTo].Doc, _nodes[_mappedUpTo].Element), _mappedUpTo);
        }

        return _byOffset.TryGetValue(Key(doc, element), out var node) ? node : -1;
    }

    /// <summary>
    /// Identifies an element by its byte offset in its document: <see cref="JsonDocument"/> keeps the caller's memory
    /// and <see cref="JsonMarshal.GetRawUtf8Value"/> returns a slice of it, so the offset is stable and unique.
    /// </summary>
    private long Key(int doc, in JsonElement element)
    {
        var all = _documents[doc].Bytes.Span;
        var raw = JsonMarshal.GetRawUtf8Value(element);
        var offset = (long)System.Runtime.CompilerServices.Unsafe.ByteOffset(ref MemoryMarshal.GetReference(all), ref MemoryMarshal.GetReference(raw));
        return ((long)doc << 40) | offset;
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
