using System.Runtime.InteropServices;
using Registry.Schemas.Loading;
using Registry.Schemas.Validation;
using Registry.Schemas.Validation.Json;

namespace Registry.Schemas.Compatibility.Model;

/// <summary>
/// One schema document read into <see cref="SchemaModel"/>s, with every <c>$ref</c> resolved. Documents, <c>$id</c>,
/// anchors and references are the business of the <see cref="SchemaLoader"/> the validator's compiler uses too, so
/// the checker and the validator always agree on what a reference names and on each subschema's draft; this class
/// only walks the loader's tokens (the one parse of each document) and builds the model. Nodes are memoised by
/// location, so a recursive schema is a graph with cycles, never an infinite tree. Holds the loader's token arrays
/// (rented): dispose it when the comparison is over.
/// </summary>
internal sealed class SchemaGraph : IDisposable
{
    private const int MaxNodes = 1_000_000;

    private readonly Dictionary<string, SchemaModel> _nodes = new(StringComparer.Ordinal);
    private readonly List<SchemaModel> _unresolved = [];
    private readonly List<SchemaCompilationError> _errors = [];
    private readonly SchemaLoader _loader;

    private SchemaGraph(ISchemaResolver? resolver, SchemaLimits limits, WorkBudget budget, JsonSchemaDraft defaultDraft)
    {
        Budget = budget;
        Limits = limits;
        _loader = new SchemaLoader(resolver, limits, budget, _errors, defaultDraft) { Operation = WorkOperations.Compare, PooledTapes = true };
    }

    public SchemaModel Root { get; private set; } = null!;

    public int NodeCount => _nodes.Count;

    public WorkBudget Budget { get; }

    public SchemaLimits Limits { get; }

    /// <summary>Every schema of the graph by location (root document and the documents it references).</summary>
    public IReadOnlyDictionary<string, SchemaModel> Nodes => _nodes;

    /// <summary>
    /// Reads <paramref name="utf8Schema"/>, whose relative references resolve against <paramref name="baseUri"/>
    /// (<see cref="ReferenceResolver.BaseUri"/> when null, as the registry compiles schemas) and whose documents
    /// without <c>$schema</c> are read as <paramref name="defaultDraft"/>. Throws <see cref="InvalidSchemaException"/>
    /// when it is not a usable schema, <see cref="TooComplexException"/> when reading it exceeds <paramref name="budget"/>.
    /// </summary>
    public static SchemaGraph Load(ReadOnlyMemory<byte> utf8Schema, ISchemaResolver? resolver = null, Uri? baseUri = null, WorkBudget? budget = null,
        SchemaLimits? limits = null, JsonSchemaDraft defaultDraft = JsonSchemaDraft.Draft202012)
    {
        var graph = new SchemaGraph(resolver, limits ?? SchemaLimits.Default, budget ?? new WorkBudget(), defaultDraft);
        try
        {
            var uri = baseUri ?? ReferenceResolver.BaseUri;
            var text = uri.IsAbsoluteUri ? uri.AbsoluteUri : uri.OriginalString;
            // The bytes stay as they are for the whole check: when they are a whole array, the loader's tape reads
            // that array rather than a copy of it.
            var stable = MemoryMarshal.TryGetArray(utf8Schema, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                ? segment.Array
                : null;
            var doc = graph._loader.LoadRoot(utf8Schema.Span, text, string.Empty, out var dialect, stable);
            if (doc is null || dialect is null)
            {
                throw graph.LoaderError();
            }

            graph._loader.Index(doc, dialect);
            if (graph._errors.Count > 0)
            {
                throw graph.LoaderError();
            }

            graph.Root = graph.Build(doc, 0, "#", 0);
            graph.ResolveAll();
            return graph;
        }
        catch
        {
            graph.Dispose();
            throw;
        }
    }

    public void Dispose() => _loader.ReturnTapes();

    private InvalidSchemaException LoaderError()
    {
        var error = _errors.Count > 0 ? _errors[0] : new SchemaCompilationError("#", "not a usable schema");
        return new InvalidSchemaException(error.SchemaLocation, error.Message);
    }

    private SchemaModel Build(SchemaDocument doc, int token, string location, int depth)
    {
        if (_nodes.TryGetValue(location, out var existing))
        {
            return existing;
        }

        if (depth > Limits.MaxDepth)
        {
            throw new InvalidSchemaException(location, $"schema nesting deeper than {Limits.MaxDepth}");
        }

        if (_nodes.Count >= MaxNodes)
        {
            throw new InvalidSchemaException(location, $"schema has more than {MaxNodes} subschemas");
        }

        var kind = doc.Kind(token);
        if (kind is not (JsonKind.Object or JsonKind.True or JsonKind.False))
        {
            throw new InvalidSchemaException(location, $"a schema must be an object or a boolean, not {Describe(kind)}");
        }

        Budget.Charge(1 + (kind == JsonKind.Object ? doc.Tape.Tokens[token].Length : 0), WorkOperations.Compare);
        var info = _loader.InfoOf(doc, token);
        var draft = info.Dialect.Draft;
        if (kind is JsonKind.True or JsonKind.False)
        {
            var boolean = new SchemaModel(location, draft) { BooleanValue = kind == JsonKind.True, Source = new ModelSource(doc, token, info) };
            if (boolean.BooleanValue == false)
            {
                boolean.Types = JsonTypeSet.None;
                boolean.DeclaredTypes = JsonTypeSet.None;
                boolean.HasAssertionsBesidesRef = true;
            }

            _nodes.Add(location, boolean);
            return boolean;
        }

        var node = new SchemaModel(location, draft);
        _nodes.Add(location, node);
        new SchemaModelReader(this, node, new ModelSource(doc, token, info), depth).Read();
        return node;
    }

    /// <summary>Builds a subschema of the node being read (called by <see cref="SchemaModelReader"/>).</summary>
    internal SchemaModel BuildChild(SchemaDocument doc, int token, string location, int depth)
        => Build(doc, token, location, depth);

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
        var from = node.Source!.Value;
        if (!_loader.TryLocate(node.RefUri!, from.Document, out var doc, out var token, out var error))
        {
            throw new InvalidSchemaException(node.At(node.RefKeyword), $"cannot resolve reference '{node.Ref}': {Why(error)}");
        }

        return Build(doc, token, doc.Label + "#" + doc.PointerOf(token), 0);
    }

    // The loader's reasons name the resolved URI, which may be the registry's internal base; say only what is wrong.
    private static string Why(string? error) => error switch
    {
        null => "no such schema",
        _ when error.EndsWith("points at nothing", StringComparison.Ordinal) => "the pointer leads nowhere",
        _ when error.EndsWith("does not point at a schema", StringComparison.Ordinal) => "it does not point at a schema",
        _ when error.EndsWith("names an unknown anchor", StringComparison.Ordinal) => "no schema has that anchor",
        _ => "no such document",
    };

    internal static string Describe(JsonKind kind) => kind switch
    {
        JsonKind.Object => "an object",
        JsonKind.Array => "an array",
        JsonKind.String or JsonKind.PropertyName => "a string",
        JsonKind.Number => "a number",
        JsonKind.True or JsonKind.False => "a boolean",
        _ => "null",
    };
}

/// <summary>Where a model node comes from: its loaded document, its token there, and what the loader knows of it.</summary>
internal readonly record struct ModelSource(SchemaDocument Document, int Token, SchemaInfo Info);
