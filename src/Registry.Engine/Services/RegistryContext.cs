using Registry.Engine.Model;
using Registry.Engine.Storage;
using Registry.Engine.Storage.Memory;
using Registry.Schemas;
using Registry.Schemas.Artifacts;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Engine.Services;

/// <summary>
/// What the engine's services share: the store, the schema cache, options, the clock, the local write gate and the
/// gate of expensive work.
/// </summary>
internal sealed class RegistryContext
{
    private const int GateStripes = 64;

    private readonly SemaphoreSlim[] _gates;

    /// <summary>Asked whether an id held in memory is still live, once per <see cref="_livenessTicks"/>; null: never asked.</summary>
    private readonly ISchemaLiveness? _liveness;
    private readonly long _livenessTicks;

    /// <summary>Validators compiled with the other <c>format</c> setting than the server's, kept while their entry lives.</summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<CachedSchema, CompiledSchema> _otherFormatAssertion = [];

    public RegistryContext(IRegistryStore store, RegistryEngineOptions options, TimeProvider time)
    {
        Store = store;
        Options = options;
        Time = time;
        Cache = new SchemaCache(options.SchemaCacheCapacity, options.SchemaCacheMaxBytes);
        if (store is ISchemaLiveness liveness && liveness.LivenessTtl != Timeout.InfiniteTimeSpan)
        {
            // Other processes may hard-delete an id whose invalidation never reaches this one: an id is served from
            // memory only for the liveness TTL after its last check began (Registry:Cache:MaxStaleness).
            _liveness = liveness;
            _livenessTicks = (long)(Math.Max(0, liveness.LivenessTtl.TotalSeconds) * time.TimestampFrequency);
        }
        Work = new WorkGate(
            options.MaxConcurrentExpensiveOperations > 0 ? options.MaxConcurrentExpensiveOperations : Environment.ProcessorCount,
            options.MaxQueuedExpensiveOperations);
        _gates = new SemaphoreSlim[GateStripes];
        for (var i = 0; i < _gates.Length; i++)
        {
            _gates[i] = new SemaphoreSlim(1, 1);
        }
    }

    public IRegistryStore Store { get; }

    public RegistryEngineOptions Options { get; }

    public TimeProvider Time { get; }

    public SchemaCache Cache { get; }

    /// <summary>Bounds the compilations, checks and validations running at once.</summary>
    public WorkGate Work { get; }

    public event EventHandler<RegistryChangedEventArgs>? Changed;

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>Enters the local queue of writers to <paramref name="subject"/>; dispose to leave. A no-op when disabled.</summary>
    public async ValueTask<GateLease> EnterAsync(string subject, CancellationToken cancellationToken)
    {
        if (!Options.SerializeLocalWrites)
        {
            return default;
        }

        var gate = _gates[(int)((uint)StringComparer.Ordinal.GetHashCode(subject) % GateStripes)];
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new GateLease(gate);
    }

    /// <summary>Backs off before retrying a write that lost a revision race, longer with every attempt.</summary>
    public static Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(0, Math.Min(50, 1 << Math.Min(attempt, 6)))), cancellationToken);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void ThrowContention(string subject) =>
        RegistryThrow.Error(RegistryErrorCode.ConcurrentModification,
            $"Subject '{subject}' kept changing under {Options.MaxWriteAttempts} attempts by concurrent writers; retry.");

    public void Notify(RegistryChangeKind kind, string? subject, IReadOnlyList<long> schemaIds)
    {
        foreach (var id in schemaIds)
        {
            if (kind == RegistryChangeKind.SubjectHardDeleted)
            {
                Cache.Remove(id);
            }
            else
            {
                Cache.ForgetUsability(id);
            }
        }

        Changed?.Invoke(this, new RegistryChangedEventArgs(kind, subject, schemaIds));
    }

    /// <summary>
    /// Keeps a schema this process has just committed, known to be live from <paramref name="checkedAt"/> (a timestamp
    /// of <see cref="Time"/> read before the commit began).
    /// </summary>
    public void RememberWritten(SchemaRecord record, long checkedAt)
    {
        var entry = Cache.Add(record);
        if (_liveness is not null)
        {
            entry.SetLiveUntil(checkedAt + _livenessTicks);
        }
    }

    /// <summary>
    /// The schema with this id if it is in memory and known to be live (never touches the store, never allocates);
    /// false means "ask <see cref="GetSchemaAsync"/>".
    /// </summary>
    public bool TryGetLive(long id, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out CachedSchema entry) =>
        Cache.TryGet(id, out entry) && (_liveness is null || entry.IsLiveAt(Time.GetTimestamp()));

    /// <summary>
    /// The cached schema with this id, loaded on a miss; throws <see cref="RegistryErrorCode.SchemaNotFound"/>. When
    /// other processes share the store, an id held longer than the liveness TTL is checked again first, and dropped
    /// if another process hard-deleted it.
    /// </summary>
    public ValueTask<CachedSchema> GetSchemaAsync(long id, CancellationToken cancellationToken)
    {
        // Not live any more (held too long without a check) leaves the entry in hand: only its liveness is asked.
        return TryGetLive(id, out var entry) ? ValueTask.FromResult(entry) : LoadAsync(id, entry, cancellationToken);

        async ValueTask<CachedSchema> LoadAsync(long id, CachedSchema? held, CancellationToken cancellationToken)
        {
            if (id <= 0)
            {
                RegistryThrow.SchemaNotFound(id);
            }

            // Counted from before anything is read, so the time the reads take never extends how long the id is served.
            var started = Time.GetTimestamp();
            SchemaRecord? record = null;
            if (held is null)
            {
                record = await Store.GetSchemaAsync(id, cancellationToken).ConfigureAwait(false);
                if (record is null)
                {
                    RegistryThrow.SchemaNotFound(id);
                }
            }

            if (_liveness is not null)
            {
                if (held is null && TryGetLive(id, out var checkedMeanwhile))
                {
                    // Concurrent misses share one load; the first to check the id's liveness spares the others theirs.
                    return checkedMeanwhile;
                }

                // The content (from memory or any cache tier) is immutable; whether a version still uses it is not.
                // Unknown (the system of record is unavailable): no delete can commit meanwhile, so what is held is served.
                if (await _liveness.IsSchemaLiveAsync(id, cancellationToken).ConfigureAwait(false) == false)
                {
                    Cache.Remove(id);
                    RegistryThrow.SchemaNotFound(id);
                }
            }

            var cached = held ?? Cache.Add(record!);
            if (_liveness is not null)
            {
                cached.SetLiveUntil(started + _livenessTicks);
            }

            return cached;
        }
    }

    public async Task<SubjectSnapshot> GetExistingSubjectAsync(string subject, CancellationToken cancellationToken)
    {
        SubjectName.Validate(subject);
        var snapshot = await Store.GetSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
        if (snapshot is null || snapshot.Versions.Count == 0)
        {
            RegistryThrow.SubjectNotFound(subject);
        }

        return snapshot;
    }

    /// <summary>Settings in force for a subject (null: the registry's), after fallbacks to global and built-in defaults.</summary>
    public async Task<EffectiveConfig> GetEffectiveConfigAsync(string? subject, CancellationToken cancellationToken)
    {
        var global = await Store.GetConfigAsync(null, cancellationToken).ConfigureAwait(false);
        var own = subject is null ? ConfigRecord.Empty : await Store.GetConfigAsync(subject, cancellationToken).ConfigureAwait(false);
        return new EffectiveConfig(
            own.Compatibility ?? global.Compatibility ?? Options.DefaultCompatibility,
            own.Policy ?? global.Policy ?? Options.DefaultPolicy,
            own.Mode ?? global.Mode ?? RegistryMode.ReadWrite)
        {
            Profiles = own.Profiles ?? global.Profiles ?? [],
            FormatAssertion = own.FormatAssertion ?? Options.FormatAssertion,
            DefaultDraft = own.DefaultDraft,
            Contract = MergeContract(own.Contract, global.Contract),
        };
    }

    /// <summary>Each contract setting from the subject when it sets it, else from the registry.</summary>
    private static ContractConfig MergeContract(ContractConfig? own, ContractConfig? global)
    {
        if (own is null)
        {
            return global ?? ContractConfig.Empty;
        }

        if (global is null)
        {
            return own;
        }

        return new ContractConfig
        {
            Normalize = own.Normalize ?? global.Normalize,
            ValidateFields = own.ValidateFields ?? global.ValidateFields,
            CompatibilityGroup = own.CompatibilityGroup ?? global.CompatibilityGroup,
            DefaultMetadata = own.DefaultMetadata ?? global.DefaultMetadata,
            OverrideMetadata = own.OverrideMetadata ?? global.OverrideMetadata,
            DefaultRuleSet = own.DefaultRuleSet ?? global.DefaultRuleSet,
            OverrideRuleSet = own.OverrideRuleSet ?? global.OverrideRuleSet,
        };
    }

    /// <summary>
    /// Loads the documents behind <paramref name="references"/>, transitively, into a resolver. With
    /// <paramref name="requireLive"/> (a new registration), a reference to a soft-deleted version is refused.
    /// </summary>
    public Task<ReferenceResolver> LoadReferencesAsync(IReadOnlyList<SchemaReference> references, bool requireLive, CancellationToken cancellationToken) =>
        LoadReferencesAsync(references, requireLive, referencingType: null, cancellationToken);

    /// <summary>
    /// As <see cref="LoadReferencesAsync(IReadOnlyList{SchemaReference}, bool, CancellationToken)"/>; with
    /// <paramref name="referencingType"/> (a new registration), a direct reference to a subject of a type that type may
    /// not reference (<see cref="ArtifactTypes.MayReference"/>) is refused as <see cref="RegistryErrorCode.SchemaTypeMismatch"/>.
    /// </summary>
    public async Task<ReferenceResolver> LoadReferencesAsync(IReadOnlyList<SchemaReference> references, bool requireLive, string? referencingType, CancellationToken cancellationToken)
    {
        if (references.Count == 0)
        {
            return ReferenceResolver.Empty;
        }

        var documents = new List<KeyValuePair<string, ReadOnlyMemory<byte>>>();
        var visited = new HashSet<SubjectVersionRef>();
        var pending = new Queue<(SchemaReference Reference, bool Direct)>();
        foreach (var reference in references)
        {
            pending.Enqueue((reference, true));
        }

        while (pending.Count > 0)
        {
            var (reference, direct) = pending.Dequeue();
            if (!visited.Add(new SubjectVersionRef(reference.Subject, reference.Version)))
            {
                continue;
            }

            if (visited.Count > Options.MaxReferences)
            {
                RegistryThrow.InvalidRequest($"The schema references more than {Options.MaxReferences} schemas, transitively.");
            }

            var version = await Store.GetVersionAsync(reference.Subject, reference.Version, cancellationToken).ConfigureAwait(false);
            if (version is null || (direct && requireLive && version.IsDeleted))
            {
                RegistryThrow.Error(RegistryErrorCode.ReferenceNotFound,
                    $"Reference '{reference.Name}' points at version {reference.Version} of subject '{reference.Subject}', which does not exist.");
            }

            var schema = await GetSchemaAsync(version.SchemaId, cancellationToken).ConfigureAwait(false);
            if (direct && referencingType is not null && !ArtifactTypes.MayReference(referencingType, schema.Record.SchemaType))
            {
                RegistryThrow.Error(RegistryErrorCode.SchemaTypeMismatch,
                    $"Reference '{reference.Name}' points at subject '{reference.Subject}', whose versions are {schema.Record.SchemaType}; {Article(referencingType)} {referencingType} version may reference {ReferableTypes(referencingType)} subjects only.");
            }

            documents.Add(new KeyValuePair<string, ReadOnlyMemory<byte>>(reference.Name, schema.Record.Content));
            foreach (var nested in schema.Record.References)
            {
                pending.Enqueue((nested, false));
            }
        }

        return new ReferenceResolver(documents);
    }

    /// <summary>"an" before a type name said with a vowel first (AGENT_CARD), "a" otherwise (TOOL, JSON: "jay").</summary>
    public static string Article(string typeName) => typeName.Length > 0 && "AEIOU".Contains(char.ToUpperInvariant(typeName[0]), StringComparison.Ordinal) ? "an" : "a";

    private static string ReferableTypes(string referencingType)
    {
        var names = new List<string>();
        foreach (var type in EngineInfo.SupportedSchemaTypes)
        {
            if (ArtifactTypes.MayReference(referencingType, type))
            {
                names.Add(type);
            }
        }

        return string.Join(" or ", names);
    }

    /// <summary>
    /// The JSON Schema that documents validated against <paramref name="record"/> must match: the content itself for
    /// JSON, the artifact type's document schema otherwise (a tool's <c>inputSchema</c>); refused as
    /// <see cref="RegistryErrorCode.UnsupportedSchemaType"/> for a type without one (an agent card).
    /// </summary>
    public static ReadOnlyMemory<byte> DocumentSchemaOf(SchemaRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!ArtifactTypes.TryGet(record.SchemaType, out var type))
        {
            return record.Content;
        }

        return type.DocumentSchema(record.Content)
            ?? RegistryThrow.Error<ReadOnlyMemory<byte>>(RegistryErrorCode.UnsupportedSchemaType,
                $"This {type.Name} version has no schema to validate documents against ({type.DocumentKind}).");
    }

    public SchemaCompilerOptions CompilerOptions(ISchemaResolver resolver, bool? formatAssertion = null, JsonSchemaDraft defaultDraft = JsonSchemaDraft.Draft202012) => new()
    {
        Resolver = resolver,
        BaseUri = ReferenceResolver.BaseUri,
        FormatAssertion = formatAssertion ?? Options.FormatAssertion,
        Limits = Options.Limits,
        DefaultDraft = defaultDraft,
    };

    /// <summary>
    /// The one rule for the dialect of a new schema that names no <c>$schema</c>: the subject's own setting, else the
    /// API's default (<paramref name="apiDefault"/>: draft-07 on the Confluent API), else the server's
    /// (<see cref="RegistryEngineOptions.DefaultDraft"/>). What it gives is recorded with the schema
    /// (<see cref="SchemaRecord.DefaultDraft"/>): compilation, validation and comparison of that schema read it so ever after.
    /// </summary>
    public JsonSchemaDraft DefaultDraftFor(EffectiveConfig config, JsonSchemaDraft? apiDefault) =>
        config.DefaultDraft ?? apiDefault ?? Options.DefaultDraft;

    /// <summary>Refuses a change to <paramref name="subject"/> (a lifecycle step, a deletion, an alias) while it is READONLY.</summary>
    public Task RequireWritableAsync(string subject, CancellationToken cancellationToken)
    {
        SubjectName.Validate(subject);
        return RefuseWhenReadOnlyAsync(subject, $"Subject '{subject}' is in READONLY mode.", cancellationToken);
    }

    /// <summary>
    /// Refuses a registry-wide change that belongs to no subject (a tool set) while the registry is READONLY;
    /// <paramref name="what"/> names what cannot change (<c>"tool sets"</c>).
    /// </summary>
    public Task RequireRegistryWritableAsync(string what, CancellationToken cancellationToken) =>
        RefuseWhenReadOnlyAsync(null, $"The registry is in READONLY mode: {what} cannot change.", cancellationToken);

    private async Task RefuseWhenReadOnlyAsync(string? subject, string refusal, CancellationToken cancellationToken)
    {
        var config = await GetEffectiveConfigAsync(subject, cancellationToken).ConfigureAwait(false);
        if (config.Mode == RegistryMode.ReadOnly)
        {
            RegistryThrow.NotPermitted(refusal);
        }
    }

    /// <summary>
    /// A request's budget of work (<see cref="SchemaLimits.Work"/> of the options), stopped by the request's
    /// cancellation: everything one request compiles, validates and compares is charged to one.
    /// </summary>
    public WorkBudget NewBudget(CancellationToken cancellationToken) => new(Options.Limits.Work, cancellationToken);

    /// <summary>
    /// Compiles content that has references resolved, with <c>format</c> asserted or not (null: the server's setting),
    /// charged to <paramref name="budget"/>; throws <see cref="RegistryErrorCode.InvalidSchema"/> with the compiler's
    /// errors, <see cref="RegistryErrorCode.TooComplex"/> when the budget runs out.
    /// </summary>
    public CompiledSchema Compile(ReadOnlyMemory<byte> content, ReferenceResolver resolver, WorkBudget budget, bool? formatAssertion = null, JsonSchemaDraft defaultDraft = JsonSchemaDraft.Draft202012)
    {
        SchemaCompilation compilation;
        try
        {
            compilation = SchemaCompiler.Compile(content.Span, CompilerOptions(resolver, formatAssertion, defaultDraft), budget);
        }
        catch (TooComplexException e)
        {
            RegistryThrow.TooComplex(e);
            throw; // unreachable: TooComplex never returns
        }

        if (!compilation.Succeeded)
        {
            var errors = WithReferenceHints(compilation.Errors);
            var first = errors.Count > 0 ? errors[0] : null;
            RegistryThrow.InvalidSchema(
                first is null ? "The schema is not a valid JSON Schema." : $"The schema is not a valid JSON Schema: {first.Message} (at {first.SchemaLocation}).",
                errors);
        }

        return compilation.Schema!;
    }

    /// <summary>
    /// The compiled validator of a cached schema with <c>format</c> asserted or not: the cached one when that is the
    /// server's setting, otherwise a second one compiled on first use and kept as long as the entry (a subject's or a
    /// request's own setting).
    /// </summary>
    public ValueTask<CompiledSchema> GetCompiledAsync(CachedSchema entry, bool formatAssertion, CancellationToken cancellationToken)
    {
        if (formatAssertion == Options.FormatAssertion)
        {
            return GetCompiledAsync(entry, cancellationToken);
        }

        if (_otherFormatAssertion.TryGetValue(entry, out var other))
        {
            return ValueTask.FromResult(other);
        }

        return CompileOtherAsync(entry, formatAssertion, cancellationToken);

        async ValueTask<CompiledSchema> CompileOtherAsync(CachedSchema entry, bool formatAssertion, CancellationToken cancellationToken)
        {
            var resolver = await LoadReferencesAsync(entry.Record.References, requireLive: false, cancellationToken).ConfigureAwait(false);
            var compiled = await CompileAsync(DocumentSchemaOf(entry.Record), resolver, NewBudget(cancellationToken), formatAssertion, entry.Record.DefaultDraft, cancellationToken).ConfigureAwait(false);
            return _otherFormatAssertion.GetValue(entry, _ => compiled);
        }
    }

    /// <summary>
    /// Adds to each unresolved reference what to do: a schema registered under another subject is reached by listing
    /// it in the request's <c>references</c> under the name the <c>$ref</c> uses.
    /// </summary>
    private static List<SchemaCompilationError> WithReferenceHints(IReadOnlyList<SchemaCompilationError> errors)
    {
        var hinted = new List<SchemaCompilationError>(errors.Count);
        foreach (var error in errors)
        {
            hinted.Add(error.Reference is { } written && !written.StartsWith('#')
                ? error with
                {
                    Message = $"{error.Message}; to use a schema registered under another subject, list it in 'references' " +
                        $"as {{\"name\": \"{written}\", \"subject\": ..., \"version\": ...}}",
                }
                : error);
        }

        return hinted;
    }

    /// <summary>
    /// <see cref="Compile"/> in a slot of the work gate (waiting for one, cancellably, when all are taken), charged to
    /// <paramref name="budget"/>: the slot bounds how many run at once, the budget what one may cost.
    /// </summary>
    public ValueTask<CompiledSchema> CompileAsync(ReadOnlyMemory<byte> content, ReferenceResolver resolver, WorkBudget budget, CancellationToken cancellationToken) =>
        CompileAsync(content, resolver, budget, formatAssertion: null, JsonSchemaDraft.Draft202012, cancellationToken);

    /// <summary>
    /// <see cref="Compile"/> with <c>format</c> asserted or not (null: the server's setting) and the draft of content
    /// that names no <c>$schema</c>, in a slot of the work gate.
    /// </summary>
    public async ValueTask<CompiledSchema> CompileAsync(ReadOnlyMemory<byte> content, ReferenceResolver resolver, WorkBudget budget, bool? formatAssertion, JsonSchemaDraft defaultDraft, CancellationToken cancellationToken)
    {
        using var slot = await Work.EnterAsync(cancellationToken).ConfigureAwait(false);
        using var span = EngineTracing.Start("registry.compile");
        try
        {
            return Compile(content, resolver, budget, formatAssertion, defaultDraft);
        }
        catch (RegistryException e) when (span is not null)
        {
            EngineTracing.Fail(span, e.Code.ToString());
            throw;
        }
    }

    /// <summary>
    /// <see cref="Check"/> in a slot of the work gate, charged to <paramref name="budget"/>: the new schema read in
    /// <paramref name="defaultDraft"/> and each earlier one in its own (<paramref name="earlierDrafts"/>) where they
    /// name no <c>$schema</c>.
    /// </summary>
    public async ValueTask<CompatibilityResult> CheckAsync(
        ReadOnlyMemory<byte> schema,
        IReadOnlyList<ReadOnlyMemory<byte>> earlier,
        CompatibilityLevel level,
        CompatibilityPolicy policy,
        ISchemaResolver resolver,
        WorkBudget budget,
        JsonSchemaDraft defaultDraft,
        IReadOnlyList<JsonSchemaDraft> earlierDrafts,
        CancellationToken cancellationToken)
    {
        using var slot = await Work.EnterAsync(cancellationToken).ConfigureAwait(false);
        using var span = EngineTracing.Start("registry.compatibility");
        span?.SetTag("registry.compatibility.level", level.ToString());
        try
        {
            var result = Check(schema, earlier, level, policy, resolver, budget, defaultDraft, earlierDrafts);
            span?.SetTag("registry.compatibility.compatible", result.IsCompatible);
            return result;
        }
        catch (RegistryException e) when (span is not null)
        {
            EngineTracing.Fail(span, e.Code.ToString());
            throw;
        }
    }

    /// <summary>The compiled validator of a cached schema, compiling it (with its references) on first use.</summary>
    public ValueTask<CompiledSchema> GetCompiledAsync(CachedSchema entry, CancellationToken cancellationToken)
    {
        if (entry.Compiled is { } compiled)
        {
            return ValueTask.FromResult(compiled);
        }

        return CompileEntryAsync(entry, cancellationToken);

        async ValueTask<CompiledSchema> CompileEntryAsync(CachedSchema entry, CancellationToken cancellationToken)
        {
            var resolver = await LoadReferencesAsync(entry.Record.References, requireLive: false, cancellationToken).ConfigureAwait(false);
            entry.SetCompiled(await CompileAsync(DocumentSchemaOf(entry.Record), resolver, NewBudget(cancellationToken), formatAssertion: null, entry.Record.DefaultDraft, cancellationToken).ConfigureAwait(false));
            return entry.Compiled!;
        }
    }

    /// <summary>
    /// Runs the checker under <paramref name="budget"/>, turning its argument errors (a schema it cannot read) into
    /// <see cref="RegistryErrorCode.InvalidSchema"/> and an exhausted budget into <see cref="RegistryErrorCode.TooComplex"/>.
    /// </summary>
    public CompatibilityResult Check(
        ReadOnlyMemory<byte> schema,
        IReadOnlyList<ReadOnlyMemory<byte>> earlier,
        CompatibilityLevel level,
        CompatibilityPolicy policy,
        ISchemaResolver resolver,
        WorkBudget budget,
        JsonSchemaDraft defaultDraft = JsonSchemaDraft.Draft202012,
        IReadOnlyList<JsonSchemaDraft>? earlierDrafts = null)
    {
        try
        {
            var options = new CompatibilityOptions { Resolver = resolver, Limits = Options.Limits, DefaultDraft = defaultDraft, EarlierDefaultDrafts = earlierDrafts };
            return CompatibilityChecker.Check(schema, earlier, level, policy, options, budget);
        }
        catch (ArgumentException e)
        {
            return RegistryThrow.Error<CompatibilityResult>(RegistryErrorCode.InvalidSchema, $"The schema cannot be compared: {e.Message}");
        }
        catch (TooComplexException e)
        {
            RegistryThrow.TooComplex(e);
            throw; // unreachable: TooComplex never returns
        }
    }

    internal readonly struct GateLease(SemaphoreSlim? gate) : IDisposable
    {
        public void Dispose() => gate?.Release();
    }
}
