using System.Buffers;
using System.Text;
using Registry.Schemas.Validation;
using Registry.Schemas.Validation.Compilation;
using Registry.Schemas.Validation.Json;

namespace Registry.Schemas.Loading;

/// <summary>
/// The one place where schema documents are loaded and where <c>$id</c>, anchors and <c>$ref</c> are resolved, for
/// the validator's compiler and the compatibility checker alike (so they cannot disagree on what a reference names):
/// parses documents, fetches referenced ones through an <see cref="ISchemaResolver"/> or the bundled meta-schemas,
/// indexes every subschema's base URI and dialect by the rules of its draft, and locates a resolved reference.
/// Identifiers compare as written (RFC 3986 resolution on strings, <see cref="UriReference"/>), never as
/// <see cref="Uri"/> would canonicalise them.
/// </summary>
internal sealed partial class SchemaLoader
{
    private const int MaxDocuments = 1024;

    private readonly Dictionary<string, (SchemaDocument Document, int Token)> _locations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SchemaDocument> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dialect> _customDialects = new(StringComparer.Ordinal);
    private readonly ISchemaResolver? _resolver;
    private int _metaDepth;
    private List<(JsonTape Tape, JsonToken[] Rented)>? _rented;

    /// <param name="resolver">Serves documents other than the root; null serves only the bundled meta-schemas.</param>
    /// <param name="limits">Size and depth limits of every document loaded.</param>
    /// <param name="budget">The request's budget: parsing and indexing are charged to it.</param>
    /// <param name="errors">Where problems are reported (shared with the caller).</param>
    /// <param name="defaultDraft">The draft of a document without <c>$schema</c>.</param>
    public SchemaLoader(ISchemaResolver? resolver, SchemaLimits limits, WorkBudget budget, List<SchemaCompilationError> errors, JsonSchemaDraft defaultDraft)
    {
        _resolver = resolver;
        DefaultDraft = defaultDraft;
        Limits = limits;
        Budget = budget;
        Errors = errors;
    }

    public SchemaLimits Limits { get; }

    public JsonSchemaDraft DefaultDraft { get; }

    public WorkBudget Budget { get; }

    public List<SchemaCompilationError> Errors { get; }

    /// <summary>The operation budget errors name (compiling, or comparing).</summary>
    public string Operation { get; init; } = WorkOperations.Compile;

    /// <summary>
    /// Token arrays are rented from the shared pool, and <see cref="ReturnTapes"/> gives them back: for a caller whose
    /// documents live no longer than one operation (the compatibility checker), so that a large schema's tokens are
    /// not a new large-object allocation at every check.
    /// </summary>
    public bool PooledTapes { get; init; }

    /// <summary>Called for each document fetched by URI (not the root), once indexed: the compiler meta-validates it there.</summary>
    public Action<SchemaDocument, Dialect>? DocumentLoaded { get; init; }

    /// <summary>Every document loaded so far, by URI.</summary>
    public IReadOnlyDictionary<string, SchemaDocument> Documents => _documents;

    public void Error(SchemaDocument doc, int token, string message)
    {
        if (Errors.Count < 100)
        {
            Errors.Add(new SchemaCompilationError(doc.Label + "#" + doc.PointerOf(token), message));
        }
    }

    /// <summary>
    /// Parses schema bytes into an owned tape; null (with an error) when they are not acceptable JSON. The tape keeps
    /// <paramref name="stable"/> (which must hold exactly <paramref name="bytes"/> and not change while the document
    /// is in use) instead of a copy when it is given.
    /// </summary>
    public SchemaDocument? Parse(ReadOnlySpan<byte> bytes, string uri, string label, byte[]? stable = null)
    {
        var where = label.Length == 0 ? "the schema" : label;
        if (bytes.Length > Limits.MaxSchemaBytes)
        {
            Errors.Add(new SchemaCompilationError(label + "#", $"{where} is {bytes.Length} bytes, more than the limit of {Limits.MaxSchemaBytes}"));
            return null;
        }

        if (_documents.Count >= MaxDocuments)
        {
            Errors.Add(new SchemaCompilationError(label + "#", $"more than {MaxDocuments} documents are referenced"));
            return null;
        }

        JsonTape tape;
        if (PooledTapes)
        {
            var rented = ArrayPool<JsonToken>.Shared.Rent(Math.Max(JsonTape.TokensFor(bytes.Length), 64));
            (_rented ??= []).Add((tape = new JsonTape(rented), rented));
        }
        else
        {
            tape = new JsonTape(JsonTape.TokensFor(bytes.Length));
        }

        int[]? stack = null;
        var status = JsonTapeBuilder.Build(tape, bytes, Limits.MaxDepth, ref stack, out var offset);
        Budget.Charge(1 + (tape.Count / 4), Operation);
        switch (status)
        {
            case TapeStatus.Ok:
                break;
            case TapeStatus.Malformed:
                Errors.Add(new SchemaCompilationError(label + "#", $"{where} is not valid JSON (at byte offset {offset})"));
                return null;
            case TapeStatus.TooDeep:
                Errors.Add(new SchemaCompilationError(label + "#", $"{where} nests deeper than the limit of {Limits.MaxDepth} (at byte offset {offset})"));
                return null;
            case TapeStatus.DuplicateKey:
                tape.OwnedBytes = bytes.ToArray();
                var name = Encoding.UTF8.GetString(tape.Bytes((int)offset));
                Errors.Add(new SchemaCompilationError(label + "#", $"{where} has the duplicate property name \"{name}\" (at byte offset {tape.Tokens[(int)offset].Start})"));
                return null;
            default:
                return null;
        }

        tape.OwnedBytes = stable ?? bytes.ToArray();
        var doc = new SchemaDocument(uri, tape, label);
        if (uri.Length > 0)
        {
            _documents[uri] = doc;
        }

        return doc;
    }

    /// <summary>
    /// Parses and indexes a root document; null (with errors) when it is not acceptable JSON or its dialect is unknown.
    /// <paramref name="stable"/> as for <see cref="Parse"/>.
    /// </summary>
    public SchemaDocument? LoadRoot(ReadOnlySpan<byte> bytes, string baseUri, string label, out Dialect? dialect, byte[]? stable = null)
    {
        dialect = null;
        var doc = Parse(bytes, baseUri, label, stable);
        if (doc is null)
        {
            return null;
        }

        dialect = DialectOfRoot(doc, Dialect.For(DefaultDraft));
        return dialect is null ? null : doc;
    }

    /// <summary>Finds (loading if needed) the document published at an absolute URI without fragment.</summary>
    public SchemaDocument? LoadDocument(string uri)
    {
        if (_documents.TryGetValue(uri, out var doc))
        {
            return doc;
        }

        ReadOnlyMemory<byte> bytes;
        if (MetaSchemas.TryGetBundled(uri, out var bundled))
        {
            bytes = bundled;
        }
        else if (_resolver is { } resolver && UriReference.IsAbsolute(uri)
                 && System.Uri.TryCreate(uri, UriKind.Absolute, out var absolute) && resolver.TryResolve(absolute, out bytes))
        {
            // resolved (System.Uri only carries the address to the resolver; identifiers are compared as strings)
        }
        else
        {
            return null;
        }

        doc = Parse(bytes.Span, uri, uri);
        if (doc is null)
        {
            return null;
        }

        var dialect = DialectOfRoot(doc, Dialect.For(DefaultDraft));
        if (dialect is null)
        {
            return null;
        }

        if (!MetaSchemas.IsBundled(uri))
        {
            DocumentLoaded?.Invoke(doc, dialect);
        }

        Index(doc, dialect);
        return doc;
    }

    /// <summary>The dialect a document's root declares with <c>$schema</c>, or <paramref name="fallback"/>.</summary>
    public Dialect? DialectOfRoot(SchemaDocument doc, Dialect fallback)
    {
        var schema = doc.Property(0, "$schema");
        if (schema < 0 || doc.Kind(schema) != JsonKind.String)
        {
            return fallback;
        }

        return DialectOf(doc, schema, doc.String(schema));
    }

    private Dialect? DialectOf(SchemaDocument doc, int token, string metaSchemaUri)
    {
        if (Dialect.DraftOf(metaSchemaUri) is { } draft)
        {
            return Dialect.For(draft);
        }

        var (uri, _) = UriReference.SplitFragment(metaSchemaUri);
        if (_customDialects.TryGetValue(uri, out var known))
        {
            return known;
        }

        if (++_metaDepth > 8)
        {
            Error(doc, token, $"the meta-schema chain of '{metaSchemaUri}' is too long or cyclic");
            return null;
        }

        try
        {
            var meta = LoadDocument(uri);
            if (meta is null)
            {
                Error(doc, token, $"unknown meta-schema '{metaSchemaUri}' (not a supported draft and not resolvable)");
                return null;
            }

            var metaDialect = meta.Info.TryGetValue(0, out var info) ? info.Dialect : DialectOfRoot(meta, Dialect.Draft202012);
            if (metaDialect is null)
            {
                return null;
            }

            var vocabularies = metaDialect.Vocabularies;
            var vocabulary = meta.Property(0, "$vocabulary");
            if (vocabulary >= 0 && meta.Kind(vocabulary) == JsonKind.Object && metaDialect.Draft >= JsonSchemaDraft.Draft201909)
            {
                vocabularies = Vocabularies.Core;
                var tokens = meta.Tape.Tokens;
                var member = vocabulary + 1;
                for (var m = 0; m < tokens[vocabulary].Length; m++)
                {
                    var name = meta.String(member);
                    var v = Dialect.VocabularyOf(name);
                    if (v == Vocabularies.Applicator && metaDialect.Draft == JsonSchemaDraft.Draft201909)
                    {
                        v |= Vocabularies.Unevaluated;
                    }

                    if (v == Vocabularies.None && tokens[member + 1].Kind == JsonKind.True)
                    {
                        Error(doc, token, $"the meta-schema requires the unsupported vocabulary '{name}'");
                        return null;
                    }

                    vocabularies |= v;
                    member = tokens[member + 1].Next;
                }
            }

            var dialect = new Dialect(metaDialect.Draft, vocabularies);
            _customDialects[uri] = dialect;
            return dialect;
        }
        finally
        {
            _metaDepth--;
        }
    }

    /// <summary>
    /// What indexing learnt about a subschema position. A position reached only through a JSON pointer (inside an
    /// unknown keyword, say) takes the base URI and dialect of the innermost resource around it, and is indexed now
    /// for any identifiers inside it.
    /// </summary>
    public SchemaInfo InfoOf(SchemaDocument doc, int token)
    {
        if (doc.Info.TryGetValue(token, out var info))
        {
            return info;
        }

        var resource = doc.EnclosingResource(token)!;
        IndexSchema(doc, token, resource.Uri, resource.Dialect, resource, isDocumentRoot: false);
        return doc.Info.TryGetValue(token, out var indexed) ? indexed : new SchemaInfo(resource.Uri, resource.Dialect, resource, false);
    }

    /// <summary>
    /// Locates an absolute reference (already resolved against its base URI): the document and token it names,
    /// loading the document when needed. False with a reason when it names nothing, or something that is not a schema.
    /// </summary>
    public bool TryLocate(string absoluteUri, SchemaDocument from, out SchemaDocument doc, out int token, out string? error)
    {
        error = null;
        token = -1;
        doc = from;
        var (documentUri, fragment) = UriReference.SplitFragment(absoluteUri);
        if (!_locations.TryGetValue(documentUri, out var resource))
        {
            var loaded = LoadDocument(documentUri);
            if (loaded is null || !_locations.TryGetValue(documentUri, out resource))
            {
                error = $"cannot resolve the reference '{absoluteUri}'";
                return false;
            }
        }

        doc = resource.Document;
        if (fragment.Length == 0)
        {
            token = resource.Token;
            return true;
        }

        fragment = UriReference.PercentDecode(fragment);
        if (fragment[0] == '/')
        {
            token = doc.Follow(resource.Token, fragment);
            if (token < 0)
            {
                error = $"the reference '{absoluteUri}' points at nothing";
                return false;
            }

            if (doc.Kind(token) is not (JsonKind.Object or JsonKind.True or JsonKind.False))
            {
                error = $"the reference '{absoluteUri}' does not point at a schema";
                return false;
            }

            return true;
        }

        if (_locations.TryGetValue(documentUri + "#" + fragment, out var anchor))
        {
            doc = anchor.Document;
            token = anchor.Token;
            return true;
        }

        error = $"the reference '{absoluteUri}' names an unknown anchor";
        return false;
    }

    /// <summary>Gives the rented token arrays back (<see cref="PooledTapes"/>); no document of this loader may be read after.</summary>
    public void ReturnTapes()
    {
        if (_rented is null)
        {
            return;
        }

        foreach (var (tape, rented) in _rented)
        {
            // A tape that outgrew its array holds a larger one of its own; the rented one goes back either way.
            tape.Tokens = [];
            ArrayPool<JsonToken>.Shared.Return(rented);
        }

        _rented = null;
    }

    internal void RegisterLocation(string key, SchemaDocument doc, int token) => _locations.TryAdd(key, (doc, token));
}
