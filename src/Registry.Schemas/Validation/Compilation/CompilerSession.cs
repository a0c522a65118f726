using System.Text;
using Registry.Schemas.Validation.Json;
using Registry.Schemas.Validation.Keywords;

namespace Registry.Schemas.Validation.Compilation;

/// <summary>
/// The state of one <see cref="SchemaCompiler.Compile"/> call: the documents it loaded, the identifiers they declare,
/// the nodes built so far and the references still to link. References are linked after the nodes exist, so cyclic
/// schemas compile without recursion through <c>$ref</c>.
/// </summary>
internal sealed partial class CompilerSession
{
    private readonly Dictionary<string, (SchemaDocument Document, int Token)> _locations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SchemaDocument> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<(SchemaDocument, int), ValidatorNode> _nodes = [];
    private readonly Queue<(Keyword Keyword, string Uri, SchemaDocument From, string? DynamicAnchor)> _pending = new();
    private readonly List<ResourceInfo> _resources = [];
    private int _metaDepth;

    public CompilerSession(SchemaCompilerOptions options, bool metaValidate)
    {
        Options = options;
        MetaValidate = metaValidate;
    }

    public SchemaCompilerOptions Options { get; }

    public bool MetaValidate { get; }

    public List<SchemaCompilationError> Errors { get; } = [];

    public bool FormatAssertion => Options.FormatAssertion;

    public void Error(SchemaDocument doc, int token, string message)
    {
        if (Errors.Count < 100)
        {
            Errors.Add(new SchemaCompilationError(doc.Label + "#" + doc.PointerOf(token), message));
        }
    }

    /// <summary>Parses schema bytes into an owned tape; null (with an error) when they are not acceptable JSON.</summary>
    public SchemaDocument? Parse(ReadOnlySpan<byte> bytes, string uri, string label)
    {
        var limits = Options.Limits;
        var where = label.Length == 0 ? "the schema" : label;
        if (bytes.Length > limits.MaxSchemaBytes)
        {
            Errors.Add(new SchemaCompilationError(label + "#", $"{where} is {bytes.Length} bytes, more than the limit of {limits.MaxSchemaBytes}"));
            return null;
        }

        var tape = new JsonTape();
        int[]? stack = null;
        var status = JsonTapeBuilder.Build(tape, bytes, limits.MaxDepth, ref stack, out var offset);
        switch (status)
        {
            case TapeStatus.Ok:
                break;
            case TapeStatus.Malformed:
                Errors.Add(new SchemaCompilationError(label + "#", $"{where} is not valid JSON (at byte offset {offset})"));
                return null;
            case TapeStatus.TooDeep:
                Errors.Add(new SchemaCompilationError(label + "#", $"{where} nests deeper than the limit of {limits.MaxDepth} (at byte offset {offset})"));
                return null;
            case TapeStatus.DuplicateKey:
                tape.OwnedBytes = bytes.ToArray();
                var name = Encoding.UTF8.GetString(tape.Bytes((int)offset));
                Errors.Add(new SchemaCompilationError(label + "#", $"{where} has the duplicate property name \"{name}\" (at byte offset {tape.Tokens[(int)offset].Start})"));
                return null;
            default:
                return null;
        }

        tape.OwnedBytes = bytes.ToArray();
        var doc = new SchemaDocument(uri, tape, label);
        if (uri.Length > 0)
        {
            _documents[uri] = doc;
        }

        return doc;
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
        else if (Options.Resolver is { } resolver && UriReference.IsAbsolute(uri)
                 && System.Uri.TryCreate(uri, UriKind.Absolute, out var absolute) && resolver.TryResolve(absolute, out bytes))
        {
            // resolved
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

        var dialect = DialectOfRoot(doc, Dialect.For(Options.DefaultDraft));
        if (dialect is null)
        {
            return null;
        }

        if (MetaValidate && !MetaSchemas.IsBundled(uri))
        {
            ValidateAgainstMetaSchema(doc, dialect);
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

    private readonly Dictionary<string, Dialect> _customDialects = new(StringComparer.Ordinal);

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

    /// <summary>Validates a document against the meta-schema of its dialect; adds one error per violation.</summary>
    public void ValidateAgainstMetaSchema(SchemaDocument doc, Dialect dialect)
    {
        var schemaUri = doc.Property(0, "$schema") is var s and >= 0 && doc.Kind(s) == JsonKind.String ? doc.String(s) : null;
        CompiledSchema? meta;
        if (schemaUri is null || Dialect.DraftOf(schemaUri) is not null)
        {
            meta = MetaSchemas.Compiled(dialect.Draft);
        }
        else
        {
            meta = CompileCustomMetaSchema(UriReference.SplitFragment(schemaUri).Document);
        }

        if (meta is null)
        {
            return;
        }

        var result = meta.Validate(doc.Tape.OwnedBytes, 20);
        foreach (var error in result.Errors)
        {
            if (Errors.Count >= 100)
            {
                break;
            }

            Errors.Add(new SchemaCompilationError(doc.Label + "#" + error.InstanceLocation,
                $"not valid against the meta-schema: {error.Message} (meta-schema keyword {error.KeywordLocation})"));
        }
    }

    private readonly Dictionary<string, CompiledSchema?> _customMeta = new(StringComparer.Ordinal);

    private CompiledSchema? CompileCustomMetaSchema(string uri)
    {
        if (_customMeta.TryGetValue(uri, out var compiled))
        {
            return compiled;
        }

        _customMeta[uri] = null; // a cycle through meta-schemas validates against nothing rather than recursing
        var doc = LoadDocument(uri);
        if (doc is null)
        {
            return null;
        }

        var session = new CompilerSession(Options with { FormatAssertion = false }, metaValidate: false);
        var result = session.CompileRoot(doc.Tape.OwnedBytes, uri, uri);
        compiled = result.Schema;
        _customMeta[uri] = compiled;
        return compiled;
    }

    /// <summary>Compiles a root document into a <see cref="CompiledSchema"/>.</summary>
    public SchemaCompilation CompileRoot(ReadOnlySpan<byte> bytes, string baseUri, string label)
    {
        var doc = Parse(bytes, baseUri, label);
        if (doc is null)
        {
            return new SchemaCompilation(null, Errors);
        }

        var dialect = DialectOfRoot(doc, Dialect.For(Options.DefaultDraft));
        if (dialect is null)
        {
            return new SchemaCompilation(null, Errors);
        }

        if (MetaValidate)
        {
            ValidateAgainstMetaSchema(doc, dialect);
            if (Errors.Count > 0)
            {
                return new SchemaCompilation(null, Errors);
            }
        }

        Index(doc, dialect);
        var root = GetNode(doc, 0);
        Link();
        if (Errors.Count > 0)
        {
            return new SchemaCompilation(null, Errors);
        }

        CycleCheck.Run(this, root);
        if (Errors.Count > 0)
        {
            return new SchemaCompilation(null, Errors);
        }

        return new SchemaCompilation(new CompiledSchema(root, dialect.Draft, Options.Limits), []);
    }

    /// <summary>The node for a schema position, compiling it on first use. Nodes exist before their keywords (cycles).</summary>
    public ValidatorNode GetNode(SchemaDocument doc, int token)
    {
        if (_nodes.TryGetValue((doc, token), out var node))
        {
            return node;
        }

        node = new ValidatorNode(doc.PointerOf(token));
        _nodes[(doc, token)] = node;
        if (!doc.Info.TryGetValue(token, out var info))
        {
            // A position reached only through a JSON pointer (inside an unknown keyword, say): it takes the base URI
            // and dialect of the innermost resource around it, and is indexed now for any identifiers inside it.
            var resource = doc.EnclosingResource(token)!;
            var baseUri = resource.Uri;
            IndexSchema(doc, token, baseUri, resource.Dialect, resource, isDocumentRoot: false);
            info = doc.Info.TryGetValue(token, out var indexed) ? indexed : new SchemaInfo(baseUri, resource.Dialect, resource, false);
        }

        new NodeCompiler(this, doc, info).Compile(node, token);
        node.Compiled = true;
        return node;
    }

    /// <summary>Queues a reference for linking once every node exists.</summary>
    public void AddReference(Keyword keyword, string absoluteUri, SchemaDocument from, string? dynamicAnchor)
        => _pending.Enqueue((keyword, absoluteUri, from, dynamicAnchor));

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

    private void Link()
    {
        while (_pending.Count > 0 || _resources.Count > 0)
        {
            while (_pending.TryDequeue(out var item))
            {
                if (!TryLocate(item.Uri, item.From, out var doc, out var token, out var error))
                {
                    Errors.Add(new SchemaCompilationError(item.From.Label + "#" + item.Keyword.Path, error!));
                    continue;
                }

                var target = GetNode(doc, token);
                switch (item.Keyword)
                {
                    case RefKeyword r:
                        r.Target = target;
                        break;
                    case DynamicRefKeyword d:
                        d.Target = target;
                        d.Dynamic = item.DynamicAnchor is not null
                                    && doc.Info.TryGetValue(token, out var info)
                                    && info.Resource.DynamicAnchors.Exists(a => a.Name == item.DynamicAnchor && a.Token == token);
                        break;
                    case RecursiveRefKeyword rr:
                        rr.Target = target;
                        break;
                }
            }

            // Dynamic anchors and resource roots may be subschemas nothing else reached yet.
            var resources = _resources.ToArray();
            _resources.Clear();
            foreach (var r in resources)
            {
                r.Runtime!.Root ??= GetNode(r.Document, r.Token);
                foreach (var (name, token) in r.DynamicAnchors)
                {
                    r.Runtime!.DynamicAnchors.Add(new(name, GetNode(r.Document, token)));
                }
            }
        }
    }

    /// <summary>The runtime resource of a resource root, created once.</summary>
    public SchemaResource RuntimeResource(ResourceInfo info)
    {
        if (info.Runtime is null)
        {
            info.Runtime = new SchemaResource(info.Uri) { RecursiveAnchor = info.RecursiveAnchor };
            _resources.Add(info);
        }

        return info.Runtime;
    }

    /// <summary>The nodes of this session (for the cycle check).</summary>
    public IEnumerable<ValidatorNode> Nodes => _nodes.Values;

    internal void RegisterLocation(string key, SchemaDocument doc, int token)
    {
        _locations.TryAdd(key, (doc, token));
    }
}
