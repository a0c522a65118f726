namespace Registry.Schemas.Validation;

/// <summary>Limits that protect the process from hostile schemas and documents.</summary>
public sealed record SchemaLimits
{
    /// <summary>The defaults used when nothing else is configured.</summary>
    public static SchemaLimits Default { get; } = new();

    /// <summary>Largest schema document accepted by the compiler, in bytes.</summary>
    public int MaxSchemaBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Largest instance document accepted by the validator, in bytes.</summary>
    public int MaxDocumentBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Deepest nesting of arrays and objects accepted in a schema or an instance.</summary>
    public int MaxDepth { get; init; } = 256;

    /// <summary>
    /// Longest a single <c>pattern</c> match may run on the backtracking engine (used only for patterns with look-arounds,
    /// back-references or word boundaries, or too large for the linear-time engine). A time-out fails the value.
    /// </summary>
    public TimeSpan PatternMatchTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The budget of one compilation, or of one validation, when the caller passes no <see cref="WorkBudget"/> of its
    /// own (a request that does shares one budget among everything it does).
    /// </summary>
    public WorkLimits Work { get; init; } = WorkLimits.Default;

    /// <summary>
    /// Longest a single <c>pattern</c> match may run on the linear-time engine. Its cost is linear in the input but the
    /// automaton is built lazily, one state per new situation, and hostile patterns make each state expensive; an honest
    /// pattern scans the largest document in well under this. A time-out fails the value.
    /// </summary>
    public TimeSpan LinearPatternMatchTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest regular expression accepted (<c>pattern</c>, <c>patternProperties</c>), in UTF-16 characters.</summary>
    public int MaxPatternLength { get; init; } = 65_536;

    /// <summary>
    /// Most characters a <c>{n}</c>, <c>{n,}</c> or <c>{n,m}</c> quantifier may unfold to when what it repeats has a
    /// bounded length: a character or class (<c>[0-9a-f]{64}</c> is 64) or a group, counted at its longest
    /// (<c>(?:[0-9A-F]{2}:){31}</c> is 31 × 3 = 93, <c>(\.[^.]{1,32}){1,3}</c> is 3 × 33 = 99).
    /// </summary>
    public int MaxPatternRepeat { get; init; } = 1_000;

    /// <summary>
    /// Most characters or classes a <c>{n}</c>, <c>{n,}</c> or <c>{n,m}</c> quantifier may unfold to when what it repeats
    /// has no bound on its length, having a <c>*</c>, <c>+</c> or <c>{n,}</c> inside (<c>(\w+\.){3}</c> is 3 × 2 = 6).
    /// Such repetitions are what make a linear-time automaton large, since it tracks every way the iterations may have
    /// split the input: <c>(.*a){2000}</c> took 95 s and 1.3 GB for one 5 KB document.
    /// </summary>
    public int MaxPatternGroupRepeat { get; init; } = 64;

    /// <summary>
    /// Most bytes one compiled pattern may hold: its construction must fit, and an automaton that grows past it while
    /// matching is dropped and rebuilt on next use.
    /// </summary>
    public long MaxPatternAutomatonBytes { get; init; } = 16L * 1024 * 1024;
}

/// <summary>How a schema is compiled.</summary>
public sealed record SchemaCompilerOptions
{
    /// <summary>The defaults: 2020-12 when <c>$schema</c> is absent, formats as annotations, no resolver.</summary>
    public static SchemaCompilerOptions Default { get; } = new();

    /// <summary>Draft used when the schema has no <c>$schema</c>.</summary>
    public JsonSchemaDraft DefaultDraft { get; init; } = JsonSchemaDraft.Draft202012;

    /// <summary>When true, <c>format</c> is an assertion; otherwise an annotation only.</summary>
    public bool FormatAssertion { get; init; }

    /// <summary>Resolves references to documents other than the one being compiled; null resolves only bundled meta-schemas.</summary>
    public ISchemaResolver? Resolver { get; init; }

    /// <summary>Retrieval URI of the root schema, the base for its relative references when it has no <c>$id</c>.</summary>
    public Uri? BaseUri { get; init; }

    /// <summary>Size and depth limits.</summary>
    public SchemaLimits Limits { get; init; } = SchemaLimits.Default;
}

/// <summary>An error found while compiling a schema: where in the schema, and what is wrong.</summary>
/// <param name="SchemaLocation">JSON pointer into the schema document (e.g. <c>#/properties/age/minimum</c>).</param>
/// <param name="Message">Human-readable explanation.</param>
public sealed record SchemaCompilationError(string SchemaLocation, string Message)
{
    /// <summary>For a reference that could not be resolved: the reference as the schema writes it (e.g. <c>address.json</c>).</summary>
    public string? Reference { get; init; }
}

/// <summary>The result of <see cref="SchemaCompiler.Compile(ReadOnlySpan{byte}, SchemaCompilerOptions?, WorkBudget?)"/>: a compiled schema, or the reasons there is none.</summary>
public sealed class SchemaCompilation
{
    internal SchemaCompilation(CompiledSchema? schema, IReadOnlyList<SchemaCompilationError> errors)
    {
        Schema = schema;
        Errors = errors;
    }

    /// <summary>True when <see cref="Schema"/> is set.</summary>
    public bool Succeeded => Schema is not null;

    /// <summary>The compiled schema, when compilation succeeded.</summary>
    public CompiledSchema? Schema { get; }

    /// <summary>Why compilation failed (invalid JSON, not a valid schema for its meta-schema, unresolvable reference, limits).</summary>
    public IReadOnlyList<SchemaCompilationError> Errors { get; }
}

/// <summary>Compiles JSON Schemas into reusable validators.</summary>
public static class SchemaCompiler
{
    /// <summary>
    /// Compiles <paramref name="utf8Schema"/>: checks it against its draft's meta-schema, resolves its references,
    /// and builds the validator. Bad input gives errors in the result; only a schema that needs more work than
    /// <see cref="SchemaLimits.Work"/> allows throws (<see cref="TooComplexException"/>).
    /// </summary>
    public static SchemaCompilation Compile(ReadOnlySpan<byte> utf8Schema, SchemaCompilerOptions? options = null)
        => Compile(utf8Schema, options, null);

    /// <summary>
    /// Compiles <paramref name="utf8Schema"/> under <paramref name="budget"/> (the request's; a budget of
    /// <see cref="SchemaLimits.Work"/> when null). Throws <see cref="TooComplexException"/> when the budget runs out and
    /// <see cref="OperationCanceledException"/> when its request is cancelled; every other problem is in the result.
    /// </summary>
    public static SchemaCompilation Compile(ReadOnlySpan<byte> utf8Schema, SchemaCompilerOptions? options, WorkBudget? budget)
    {
        options ??= SchemaCompilerOptions.Default;
        budget ??= new WorkBudget(options.Limits.Work);
        try
        {
            var session = new Compilation.CompilerSession(options, metaValidate: true, budget);
            var baseUri = options.BaseUri is null ? "" : options.BaseUri.IsAbsoluteUri ? options.BaseUri.AbsoluteUri : options.BaseUri.OriginalString;
            return session.CompileRoot(utf8Schema, baseUri, "");
        }
        catch (Exception e) when (e is InsufficientExecutionStackException or ArgumentException or FormatException
                                      or OverflowException or InvalidOperationException or IndexOutOfRangeException
                                      or KeyNotFoundException or NullReferenceException or NotSupportedException)
        {
            // Defence in depth: a compiler defect must surface as a compilation error, never escape to the caller.
            return new SchemaCompilation(null, [new SchemaCompilationError("#", $"the schema could not be compiled: {e.Message}")]);
        }
    }
}
