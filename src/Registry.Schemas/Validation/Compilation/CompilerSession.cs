using Registry.Schemas.Loading;
using Registry.Schemas.Validation.Json;
using Registry.Schemas.Validation.Keywords;

namespace Registry.Schemas.Validation.Compilation;

/// <summary>
/// The state of one <see cref="SchemaCompiler.Compile(ReadOnlySpan{byte}, SchemaCompilerOptions?, WorkBudget?)"/> call: the documents its <see cref="SchemaLoader"/> loaded,
/// the nodes built so far and the references still to link. References are linked after the nodes exist, so cyclic
/// schemas compile without recursion through <c>$ref</c>.
/// </summary>
internal sealed class CompilerSession
{
    private readonly Dictionary<(SchemaDocument, int), ValidatorNode> _nodes = [];
    private readonly Queue<(Keyword Keyword, string Uri, SchemaDocument From, string? DynamicAnchor)> _pending = new();
    private readonly Dictionary<ResourceInfo, SchemaResource> _runtime = new(ReferenceEqualityComparer.Instance);
    private readonly List<ResourceInfo> _resources = [];
    private readonly Dictionary<string, CompiledSchema?> _customMeta = new(StringComparer.Ordinal);

    public CompilerSession(SchemaCompilerOptions options, bool metaValidate, WorkBudget budget)
    {
        Options = options;
        MetaValidate = metaValidate;
        Budget = budget;
        Loader = new SchemaLoader(options.Resolver, options.Limits, budget, Errors, options.DefaultDraft)
        {
            DocumentLoaded = metaValidate ? ValidateAgainstMetaSchema : null,
        };
    }

    public SchemaCompilerOptions Options { get; }

    public bool MetaValidate { get; }

    public WorkBudget Budget { get; }

    public SchemaLoader Loader { get; }

    public List<SchemaCompilationError> Errors { get; } = [];

    public bool FormatAssertion => Options.FormatAssertion;

    public void Error(SchemaDocument doc, int token, string message) => Loader.Error(doc, token, message);

    /// <summary>
    /// Validates a document against the meta-schema of its dialect; adds one error per place in the document that
    /// violates it, in plain words (<see cref="MetaSchemaErrors"/>).
    /// </summary>
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

        var result = meta.Validate(doc.Tape.OwnedBytes, 20, Budget, WorkOperations.Compile);
        foreach (var error in MetaSchemaErrors.Describe(doc, dialect.Draft, result.Errors))
        {
            if (Errors.Count >= 100)
            {
                break;
            }

            Errors.Add(error);
        }
    }

    private CompiledSchema? CompileCustomMetaSchema(string uri)
    {
        if (_customMeta.TryGetValue(uri, out var compiled))
        {
            return compiled;
        }

        _customMeta[uri] = null; // a cycle through meta-schemas validates against nothing rather than recursing
        var doc = Loader.LoadDocument(uri);
        if (doc is null)
        {
            return null;
        }

        var session = new CompilerSession(Options with { FormatAssertion = false }, metaValidate: false, Budget);
        var result = session.CompileRoot(doc.Tape.OwnedBytes, uri, uri);
        compiled = result.Schema;
        _customMeta[uri] = compiled;
        return compiled;
    }

    /// <summary>Compiles a root document into a <see cref="CompiledSchema"/>.</summary>
    public SchemaCompilation CompileRoot(ReadOnlySpan<byte> bytes, string baseUri, string label)
    {
        var doc = Loader.LoadRoot(bytes, baseUri, label, out var dialect);
        if (doc is null || dialect is null)
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

        Loader.Index(doc, dialect);
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

        var memoise = MemoPlan.Assign(root, _nodes.Values, Budget);
        return new SchemaCompilation(new CompiledSchema(root, dialect.Draft, Options.Limits, memoise), []);
    }

    /// <summary>The node for a schema position, compiling it on first use. Nodes exist before their keywords (cycles).</summary>
    public ValidatorNode GetNode(SchemaDocument doc, int token)
    {
        if (_nodes.TryGetValue((doc, token), out var node))
        {
            return node;
        }

        Budget.Charge(1 + doc.Tape.Tokens[token].Length, WorkOperations.Compile);
        node = new ValidatorNode(doc.PointerOf(token));
        _nodes[(doc, token)] = node;
        var info = Loader.InfoOf(doc, token);
        new NodeCompiler(this, doc, info).Compile(node, token);
        node.Compiled = true;
        return node;
    }

    /// <summary>Queues a reference for linking once every node exists.</summary>
    public void AddReference(Keyword keyword, string absoluteUri, SchemaDocument from, string? dynamicAnchor)
        => _pending.Enqueue((keyword, absoluteUri, from, dynamicAnchor));

    private void Link()
    {
        while (_pending.Count > 0 || _resources.Count > 0)
        {
            while (_pending.TryDequeue(out var item))
            {
                if (!Loader.TryLocate(item.Uri, item.From, out var doc, out var token, out var error))
                {
                    // Name the reference as written: the absolute URI it resolved to is the compiler's business.
                    var written = item.From.Follow(0, item.Keyword.Path) is var at and >= 0 && item.From.Kind(at) == JsonKind.String
                        ? item.From.String(at)
                        : item.Uri;
                    Errors.Add(new SchemaCompilationError(item.From.Label + "#" + item.Keyword.Path, error!.Replace(item.Uri, written, StringComparison.Ordinal))
                    {
                        Reference = written,
                    });
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
                var runtime = _runtime[r];
                runtime.Root ??= GetNode(r.Document, r.Token);
                foreach (var (name, token) in r.DynamicAnchors)
                {
                    runtime.DynamicAnchors.Add(new(name, GetNode(r.Document, token)));
                }
            }
        }
    }

    /// <summary>The runtime resource of a resource root, created once.</summary>
    public SchemaResource RuntimeResource(ResourceInfo info)
    {
        if (!_runtime.TryGetValue(info, out var runtime))
        {
            runtime = new SchemaResource(info.Uri) { RecursiveAnchor = info.RecursiveAnchor };
            _runtime[info] = runtime;
            _resources.Add(info);
        }

        return runtime;
    }

    /// <summary>The nodes of this session (for the cycle check).</summary>
    public IEnumerable<ValidatorNode> Nodes => _nodes.Values;
}
