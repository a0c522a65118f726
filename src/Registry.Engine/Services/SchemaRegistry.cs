// Over 500 lines on purpose: the engine's one entry point; every operation the three APIs offer is a short method here that
// hands off to the service that owns it, so its length is the breadth of the API, not logic.
using Registry.Engine.Model;
using Registry.Engine.Storage;
using Registry.Engine.Storage.Memory;
using Registry.Schemas;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Engine.Services;

/// <summary>
/// The registry engine: every operation the adapters (native HTTP, Confluent HTTP, binary protocol) expose, over one
/// <see cref="IRegistryStore"/>. Failures are <see cref="RegistryException"/>s carrying a <see cref="RegistryErrorCode"/>.
/// Thread-safe; one instance per process. Several instances (processes, replicas) may share a store: writes are
/// guarded by the store's revision checks, never by this object.
/// </summary>
public sealed class SchemaRegistry
{
    private readonly RegistryContext _context;
    private readonly RegistrationService _registration;
    private readonly LifecycleService _lifecycle;
    private readonly ConfigService _config;
    private readonly ValidationService _validation;
    private readonly BackupService _backup;
    private readonly ModelOutputService _output;
    private readonly ProfileService _profiles;
    private readonly SubjectSearchService _search;
    private readonly AliasService _aliases;
    private readonly ToolSetService _toolSets;
    private readonly PromptService _prompts;

    /// <summary>Creates the engine over an initialised store.</summary>
    public SchemaRegistry(IRegistryStore store, RegistryEngineOptions? options = null, TimeProvider? time = null, EngineMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        Metrics = metrics ?? new EngineMetrics();
        _context = new RegistryContext(store, options ?? new RegistryEngineOptions(), time ?? TimeProvider.System);
        _registration = new RegistrationService(_context);
        _lifecycle = new LifecycleService(_context);
        _config = new ConfigService(_context);
        _validation = new ValidationService(_context);
        _backup = new BackupService(_context);
        _output = new ModelOutputService(_context, _validation);
        _profiles = new ProfileService(_context);
        _search = new SubjectSearchService(_context);
        _aliases = new AliasService(_context);
        _toolSets = new ToolSetService(_context, (subject, version, ct) => GetVersionAsync(subject, version, false, ct));
        _prompts = new PromptService(_context);
    }

    /// <summary>
    /// Raised after every successful write, in the writing thread: issue cross-process invalidations from here.
    /// Handlers must be quick and must not throw.
    /// </summary>
    public event EventHandler<RegistryChangedEventArgs>? Changed
    {
        add => _context.Changed += value;
        remove => _context.Changed -= value;
    }

    /// <summary>The store.</summary>
    public IRegistryStore Store => _context.Store;

    /// <summary>Validations, compatibility checks and registrations, as metrics instruments.</summary>
    public EngineMetrics Metrics { get; }

    /// <summary>The options.</summary>
    public RegistryEngineOptions Options => _context.Options;

    /// <summary>The in-memory schema tier.</summary>
    public SchemaCache Cache => _context.Cache;

    /// <summary>
    /// The gate that bounds expensive work (compilation, compatibility checks, validation) running at once. The engine
    /// enters it itself; a caller that runs a validator it leased (<see cref="GetValidatorAsync"/>) enters it too.
    /// </summary>
    public WorkGate Work => _context.Work;

    // ---- Registration -----------------------------------------------------------------------------------------

    /// <summary>
    /// Registers a schema under a subject: validated as a JSON Schema (references resolved), checked against the
    /// subject's compatibility level, given the global id of its content (existing or new) and the next version —
    /// or, when the subject already has a live version with the same content, that version and nothing written.
    /// </summary>
    public async Task<RegistrationResult> RegisterAsync(SchemaRegistration request, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await _registration.RegisterAsync(request, cancellationToken).ConfigureAwait(false);
            Metrics.Registered(result.Created);
            return result;
        }
        catch (Exception)
        {
            Metrics.Registered(null);
            throw;
        }
    }

    /// <summary>
    /// Checks a schema without registering it: against <paramref name="against"/> (one version, level without
    /// transitivity), or, when null, against what the subject's level requires.
    /// </summary>
    public async Task<CompatibilityReport> CheckCompatibilityAsync(string subject, SchemaInput input, VersionSelector? against = null, CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var report = await _registration.CheckAsync(subject, input, against, cancellationToken).ConfigureAwait(false);
            Metrics.CompatibilityChecked(report.IsCompatible, started);
            return report;
        }
        catch (Exception)
        {
            Metrics.CompatibilityChecked(null, started);
            throw;
        }
    }

    /// <summary>
    /// The newest released version of a subject whose data contract holds every given metadata property (Confluent's
    /// <c>GET /subjects/{s}/metadata</c>); <see cref="RegistryErrorCode.SchemaNotFound"/> when none does.
    /// </summary>
    public Task<SubjectVersion> GetLatestWithMetadataAsync(string subject, IReadOnlyDictionary<string, string> properties, bool includeDeleted = false, CancellationToken cancellationToken = default) =>
        _registration.LatestWithMetadataAsync(subject, properties, includeDeleted, cancellationToken);

    /// <summary>The latest version of a subject with this content (same canonical form, type and references).</summary>
    public Task<SubjectVersion> LookupAsync(string subject, SchemaInput input, bool includeDeleted = false, CancellationToken cancellationToken = default) =>
        _registration.LookupAsync(subject, input, includeDeleted, cancellationToken);

    // ---- Reads ------------------------------------------------------------------------------------------------

    /// <summary>The schema with this id. Completes synchronously, without allocating, when cached.</summary>
    public ValueTask<SchemaRecord> GetSchemaAsync(long id, CancellationToken cancellationToken = default)
    {
        var pending = _context.GetSchemaAsync(id, cancellationToken);
        return pending.IsCompletedSuccessfully ? ValueTask.FromResult(pending.Result.Record) : AwaitAsync(pending);

        static async ValueTask<SchemaRecord> AwaitAsync(ValueTask<CachedSchema> pending) => (await pending.ConfigureAwait(false)).Record;
    }

    /// <summary>The schema with this id if it is in memory and known to be live; never touches the store.</summary>
    public bool TryGetCachedSchema(long id, out SchemaRecord? schema)
    {
        if (_context.TryGetLive(id, out var entry))
        {
            schema = entry.Record;
            return true;
        }

        schema = null;
        return false;
    }

    /// <summary>A version of a subject with its schema; soft-deleted versions only with <paramref name="includeDeleted"/>.</summary>
    public async Task<SubjectVersion> GetVersionAsync(string subject, VersionSelector version, bool includeDeleted = false, CancellationToken cancellationToken = default)
    {
        VersionRecord record;
        if (version.IsLatest || version.IsAlias)
        {
            var snapshot = await _context.GetExistingSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
            record = LifecycleService.Resolve(snapshot, version, includeDeleted);
        }
        else
        {
            SubjectName.Validate(subject);
            var found = await _context.Store.GetVersionAsync(subject, version.Number, cancellationToken).ConfigureAwait(false);
            if (found is null || (found.IsDeleted && !includeDeleted))
            {
                // Tell "no such subject" from "no such version" the way clients expect.
                await _context.GetExistingSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
                RegistryThrow.VersionNotFound(subject, version.Number);
            }

            record = found;
        }

        var schema = await _context.GetSchemaAsync(record.SchemaId, cancellationToken).ConfigureAwait(false);
        return new SubjectVersion(record, schema.Record);
    }

    /// <summary>Every version of a subject (facts only, no content), filtered by deletion.</summary>
    public async Task<IReadOnlyList<VersionRecord>> ListVersionsAsync(string subject, DeletedFilter deleted = DeletedFilter.Exclude, CancellationToken cancellationToken = default)
    {
        var snapshot = await _context.GetExistingSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
        var list = new List<VersionRecord>(snapshot.Versions.Count);
        foreach (var version in snapshot.Versions)
        {
            if (deleted == DeletedFilter.Include || (version.IsDeleted == (deleted == DeletedFilter.Only)))
            {
                list.Add(version);
            }
        }

        if (list.Count == 0 && deleted == DeletedFilter.Exclude)
        {
            RegistryThrow.SubjectNotFound(subject);
        }

        return list;
    }

    /// <summary>Subject names in code-point order, filtered by prefix and deletion, paged.</summary>
    public Task<IReadOnlyList<string>> ListSubjectsAsync(string? prefix = null, DeletedFilter deleted = DeletedFilter.Exclude, int offset = 0, int limit = -1, CancellationToken cancellationToken = default)
    {
        if (offset < 0)
        {
            RegistryThrow.InvalidRequest("The offset cannot be negative.");
        }

        if (limit == 0 || limit < -1)
        {
            RegistryThrow.InvalidRequest("The limit is a positive number (or -1 for the maximum).");
        }

        var max = _context.Options.MaxListLimit;
        return _context.Store.ListSubjectsAsync(new SubjectQuery(prefix, deleted, offset, limit == -1 ? max : Math.Min(limit, max)), cancellationToken);
    }

    /// <summary>
    /// Subject names in code-point order, filtered like <see cref="ListSubjectsAsync"/> and by the metadata of their
    /// versions (tag, owner, text in the name or a description), paged over the matches.
    /// </summary>
    public Task<IReadOnlyList<string>> SearchSubjectsAsync(SubjectSearch search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        if (!search.FiltersMetadata)
        {
            return ListSubjectsAsync(search.Prefix, search.Deleted, search.Offset, search.Limit, cancellationToken);
        }

        if (search.Offset < 0)
        {
            RegistryThrow.InvalidRequest("The offset cannot be negative.");
        }

        if (search.Limit == 0 || search.Limit < -1)
        {
            RegistryThrow.InvalidRequest("The limit is a positive number (or -1 for the maximum).");
        }

        foreach (var (name, value) in (ReadOnlySpan<(string, string?)>)[("tag", search.Tag), ("owner", search.Owner), ("q", search.Text)])
        {
            if (value is { Length: 0 or > MetadataRules.MaxTextLength })
            {
                RegistryThrow.InvalidRequest($"The search filter '{name}' is 1 to {MetadataRules.MaxTextLength} characters.");
            }
        }

        return _search.SearchAsync(search, cancellationToken);
    }

    /// <summary>The versions that use a schema id (soft-deleted ones too with <paramref name="includeDeleted"/>).</summary>
    public async Task<IReadOnlyList<VersionUsage>> GetSchemaUsageAsync(long id, bool includeDeleted = false, CancellationToken cancellationToken = default)
    {
        var usages = await _context.Store.GetSchemaUsageAsync(id, cancellationToken).ConfigureAwait(false);
        var list = new List<VersionUsage>(usages.Count);
        foreach (var usage in usages)
        {
            if (includeDeleted || !usage.IsDeleted)
            {
                list.Add(usage);
            }
        }

        if (usages.Count == 0)
        {
            RegistryThrow.SchemaNotFound(id);
        }

        return list;
    }

    /// <summary>The versions whose schemas reference a version (soft-deleted referrers too with <paramref name="includeDeleted"/>).</summary>
    public async Task<IReadOnlyList<VersionUsage>> GetReferencedByAsync(string subject, VersionSelector version, bool includeDeleted = false, CancellationToken cancellationToken = default)
    {
        var snapshot = await _context.GetExistingSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
        var target = LifecycleService.Resolve(snapshot, version, includeDeleted: true);
        var referrers = await _context.Store.GetReferrersAsync(new SubjectVersionRef(subject, target.Version), cancellationToken).ConfigureAwait(false);
        var list = new List<VersionUsage>(referrers.Count);
        foreach (var referrer in referrers)
        {
            if (includeDeleted || !referrer.IsDeleted)
            {
                list.Add(referrer);
            }
        }

        return list;
    }

    // ---- Lifecycle and metadata -------------------------------------------------------------------------------

    /// <summary>
    /// Moves a live version to another lifecycle state (DRAFT → ACTIVE → DEPRECATED → ARCHIVED, DEPRECATED → ACTIVE);
    /// <paramref name="deprecation"/> is kept with DEPRECATED and ARCHIVED. Throws <see cref="RegistryErrorCode.IllegalTransition"/>.
    /// </summary>
    public Task<SubjectVersion> ChangeStateAsync(string subject, VersionSelector version, LifecycleState state, Deprecation? deprecation = null, CancellationToken cancellationToken = default) =>
        _lifecycle.ChangeStateAsync(subject, version, state, deprecation, cancellationToken);

    /// <summary>
    /// Changes a live version's state, deprecation details and metadata in one write (null members of
    /// <paramref name="change"/> are left as they are). Refuses an illegal transition
    /// (<see cref="RegistryErrorCode.IllegalTransition"/>), deprecation details for a version that is not DEPRECATED
    /// or ARCHIVED, and any change of the semantic-version label (<see cref="RegistryErrorCode.InvalidRequest"/>).
    /// </summary>
    public Task<SubjectVersion> UpdateVersionAsync(string subject, VersionSelector version, VersionChange change, CancellationToken cancellationToken = default) =>
        _lifecycle.UpdateVersionAsync(subject, version, change, cancellationToken);

    /// <summary>Replaces a live version's metadata; no new version is created.</summary>
    public Task<SubjectVersion> UpdateMetadataAsync(string subject, VersionSelector version, VersionMetadata metadata, CancellationToken cancellationToken = default) =>
        _lifecycle.UpdateMetadataAsync(subject, version, metadata, cancellationToken);

    /// <summary>
    /// Soft-deletes a live version, or (<paramref name="permanent"/>) removes a soft-deleted one. A version referenced
    /// by another cannot be deleted. Returns the version number.
    /// </summary>
    public Task<int> DeleteVersionAsync(string subject, VersionSelector version, bool permanent = false, CancellationToken cancellationToken = default) =>
        _lifecycle.DeleteVersionAsync(subject, version, permanent, cancellationToken);

    /// <summary>
    /// Soft-deletes every live version of a subject, or (<paramref name="permanent"/>) removes a soft-deleted subject
    /// with its configuration. Returns the version numbers deleted.
    /// </summary>
    public Task<IReadOnlyList<int>> DeleteSubjectAsync(string subject, bool permanent = false, CancellationToken cancellationToken = default) =>
        _lifecycle.DeleteSubjectAsync(subject, permanent, cancellationToken);

    // ---- Aliases ----------------------------------------------------------------------------------------------

    /// <summary>
    /// Creates or moves an alias of a subject to the version <paramref name="target"/> names (a number, <c>latest</c> or
    /// another alias). Refuses a DRAFT, ARCHIVED, soft-deleted or missing version and, for a protected alias, a request
    /// without <see cref="AliasChange.Force"/>. Setting an alias to where it already is writes nothing.
    /// </summary>
    public Task<AliasRecord> SetAliasAsync(string subject, string name, VersionSelector target, AliasChange? change = null, CancellationToken cancellationToken = default) =>
        _aliases.SetAsync(subject, name, target, change ?? new AliasChange(), cancellationToken);

    /// <summary>Deletes an alias (a protected one only with <see cref="AliasChange.Force"/>); returns what it was.</summary>
    public Task<AliasRecord> DeleteAliasAsync(string subject, string name, AliasChange? change = null, CancellationToken cancellationToken = default) =>
        _aliases.DeleteAsync(subject, name, change ?? new AliasChange(), cancellationToken);

    /// <summary>A subject's aliases, ordered by name.</summary>
    public Task<IReadOnlyList<AliasRecord>> ListAliasesAsync(string subject, CancellationToken cancellationToken = default) =>
        _aliases.ListAsync(subject, cancellationToken);

    /// <summary>One alias of a subject; throws <see cref="RegistryErrorCode.AliasNotFound"/>.</summary>
    public Task<AliasRecord> GetAliasAsync(string subject, string name, CancellationToken cancellationToken = default) =>
        _aliases.GetAsync(subject, name, cancellationToken);

    /// <summary>The recorded changes of an alias (who, when, from, to), newest first; deleted aliases keep their history.</summary>
    public Task<IReadOnlyList<AliasMove>> GetAliasHistoryAsync(string subject, string name, int limit = -1, CancellationToken cancellationToken = default) =>
        _aliases.HistoryAsync(subject, name, limit, cancellationToken);

    /// <summary>For each subject, in order, the version the alias points at with its schema: what one release loads together.</summary>
    public Task<IReadOnlyList<SubjectVersion>> GetBundleAsync(string alias, IReadOnlyList<string> subjects, CancellationToken cancellationToken = default) =>
        _aliases.BundleAsync(alias, subjects, cancellationToken);

    // ---- Tools ------------------------------------------------------------------------------------------------

    /// <summary>
    /// Reads a tool definition in MCP, OpenAI or Anthropic JSON, checks it by the TOOL type's rules (refused as
    /// <see cref="RegistryErrorCode.InvalidSchema"/> naming each problem) and writes it as <paramref name="format"/>
    /// (<c>mcp</c>, the canonical form; <c>openai</c>; <c>anthropic</c>).
    /// </summary>
    public ToolConversion ConvertTool(ReadOnlyMemory<byte> tool, string? format) =>
        ToolService.Convert(tool, format, _context.Options.Limits.MaxSchemaBytes);

    /// <summary>
    /// A registered TOOL version written in <paramref name="format"/> (mcp, openai, anthropic); a version of another
    /// type is refused as <see cref="RegistryErrorCode.SchemaTypeMismatch"/>.
    /// </summary>
    public async Task<(SubjectVersion Version, ToolConversion Tool)> ExportToolAsync(string subject, VersionSelector version, string? format, CancellationToken cancellationToken = default)
    {
        var written = ToolService.Format(format);
        var found = await GetVersionAsync(subject, version, includeDeleted: false, cancellationToken).ConfigureAwait(false);
        return (found, ToolService.Export(found.Schema, written));
    }

    /// <summary>
    /// Renders a PROMPT version (a number, latest or an alias) with <paramref name="variables"/> (UTF-8 JSON): the
    /// variables validated against its variables schema, then the template written. Refused variables are
    /// <see cref="RegistryErrorCode.InvalidVariables"/> naming each problem; a version of another type is
    /// <see cref="RegistryErrorCode.SchemaTypeMismatch"/>.
    /// </summary>
    public async Task<(SubjectVersion Version, string Text)> RenderPromptAsync(string subject, VersionSelector version, ReadOnlyMemory<byte> variables, CancellationToken cancellationToken = default)
    {
        var found = await GetVersionAsync(subject, version, includeDeleted: false, cancellationToken).ConfigureAwait(false);
        return (found, await _prompts.RenderAsync(found, variables, cancellationToken).ConfigureAwait(false));
    }

    // ---- Configuration ----------------------------------------------------------------------------------------

    /// <summary>The settings stored at a scope (null: registry-wide), without fallbacks.</summary>
    public Task<ConfigRecord> GetConfigAsync(string? subject = null, CancellationToken cancellationToken = default) =>
        _config.GetAsync(subject, cancellationToken);

    /// <summary>The settings in force for a subject (null: registry-wide), after fallbacks.</summary>
    public Task<EffectiveConfig> GetEffectiveConfigAsync(string? subject = null, CancellationToken cancellationToken = default) =>
        _config.GetEffectiveAsync(subject, cancellationToken);

    /// <summary>Sets the compatibility level and/or policy of a scope; returns what is stored now.</summary>
    public Task<ConfigRecord> SetCompatibilityAsync(string? subject, CompatibilityLevel? level, CompatibilityPolicy? policy = null, CancellationToken cancellationToken = default) =>
        _config.SetCompatibilityAsync(subject, level, policy, null, null, cancellationToken);

    /// <summary>
    /// Sets the compatibility level, policy and format assertion of a scope (null members are left as they are);
    /// format assertion only for a subject (registry-wide it is the server's setting). Returns what is stored now.
    /// </summary>
    public Task<ConfigRecord> SetCompatibilityAsync(string? subject, CompatibilityLevel? level, CompatibilityPolicy? policy, bool? formatAssertion, CancellationToken cancellationToken = default) =>
        _config.SetCompatibilityAsync(subject, level, policy, formatAssertion, null, cancellationToken);

    /// <summary>
    /// As <see cref="SetCompatibilityAsync(string?, CompatibilityLevel?, CompatibilityPolicy?, bool?, CancellationToken)"/>,
    /// with the subject's default draft: the draft its new versions are read in when they name no <c>$schema</c>
    /// (only for a subject: registry-wide it is the server's setting <c>Registry:Engine:DefaultDraft</c>). Versions
    /// already registered keep the draft they were read in.
    /// </summary>
    public Task<ConfigRecord> SetCompatibilityAsync(
        string? subject, CompatibilityLevel? level, CompatibilityPolicy? policy, bool? formatAssertion, JsonSchemaDraft? defaultDraft, CancellationToken cancellationToken = default) =>
        _config.SetCompatibilityAsync(subject, level, policy, formatAssertion, defaultDraft, cancellationToken);

    /// <summary>Removes the level, policy, format assertion and default draft of a scope (the subject then follows the registry's); returns what was stored.</summary>
    public Task<ConfigRecord> ClearCompatibilityAsync(string? subject, CancellationToken cancellationToken = default) =>
        _config.ClearCompatibilityAsync(subject, contract: false, cancellationToken);

    /// <summary>
    /// Removes the level, policy, format assertion and, with <paramref name="contract"/>, the contract settings of a
    /// scope (Confluent's <c>DELETE /config</c> removes them all); returns what was stored.
    /// </summary>
    public Task<ConfigRecord> ClearCompatibilityAsync(string? subject, bool contract, CancellationToken cancellationToken = default) =>
        _config.ClearCompatibilityAsync(subject, contract, cancellationToken);

    /// <summary>
    /// Sets a scope's compatibility level (when given) and the contract settings named in <paramref name="change"/>
    /// (each replaced by the given value, null clearing it; the others kept), as Confluent's <c>PUT /config</c> does.
    /// Returns what is stored now.
    /// </summary>
    public Task<ConfigRecord> SetContractSettingsAsync(string? subject, CompatibilityLevel? level, ContractConfigChange change, CancellationToken cancellationToken = default) =>
        _config.SetContractAsync(subject, level, change, cancellationToken);

    /// <summary>Sets the mode of a scope; IMPORT on a non-empty scope needs <paramref name="force"/>.</summary>
    public Task<RegistryMode> SetModeAsync(string? subject, RegistryMode mode, bool force = false, CancellationToken cancellationToken = default) =>
        _config.SetModeAsync(subject, mode, force, cancellationToken);

    /// <summary>Removes the mode of a scope; returns what was stored.</summary>
    public Task<RegistryMode?> ClearModeAsync(string? subject, CancellationToken cancellationToken = default) =>
        _config.ClearModeAsync(subject, cancellationToken);

    // ---- Validation -------------------------------------------------------------------------------------------

    /// <summary>Validates one document (full mode: every error up to the configured cap).</summary>
    public Task<DocumentValidation> ValidateAsync(ValidationTarget target, ReadOnlyMemory<byte> document, CancellationToken cancellationToken = default) =>
        MeasuredValidateAsync(target, [document], null, cancellationToken);

    /// <summary>Validates documents against one target, resolved once (full mode).</summary>
    public Task<DocumentValidation> ValidateBatchAsync(ValidationTarget target, IReadOnlyList<ReadOnlyMemory<byte>> documents, CancellationToken cancellationToken = default) =>
        MeasuredValidateAsync(target, documents, null, cancellationToken);

    /// <summary>
    /// Validates documents against one target, resolved once, reporting at most <paramref name="maxErrors"/> errors per
    /// document (0: only the verdict, the cheapest; never more than the configured cap). Refuses a batch over
    /// <see cref="RegistryEngineOptions.MaxBatchDocuments"/> and an ARCHIVED target; a DEPRECATED one gives a warning.
    /// </summary>
    public Task<DocumentValidation> ValidateBatchAsync(ValidationTarget target, IReadOnlyList<ReadOnlyMemory<byte>> documents, int maxErrors, CancellationToken cancellationToken = default) =>
        MeasuredValidateAsync(target, documents, maxErrors, cancellationToken);

    /// <summary>
    /// Validation with its metrics: each document counted by outcome, the time of the whole request shared evenly by
    /// its documents; a request refused before any verdict counts as one error.
    /// </summary>
    private async Task<DocumentValidation> MeasuredValidateAsync(ValidationTarget target, IReadOnlyList<ReadOnlyMemory<byte>> documents, int? maxErrors, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        DocumentValidation validation;
        try
        {
            validation = await _validation.ValidateAsync(target, documents, maxErrors, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException)
        {
            Metrics.ValidationFailed(started);
            throw;
        }

        if (Metrics.ValidationEnabled)
        {
            var results = validation.Results;
            var each = results.Count == 0 ? 0 : (System.Diagnostics.Stopwatch.GetTimestamp() - started) / results.Count;
            for (var i = 0; i < results.Count; i++)
            {
                // A timestamp as far back as one document's share of the request's time.
                Metrics.Validated(results[i].Outcome, validation.SchemaType, System.Diagnostics.Stopwatch.GetTimestamp() - each);
            }
        }

        return validation;
    }

    /// <summary>
    /// A budget of work for one request (<see cref="RegistryEngineOptions.Limits"/>, <c>Work</c>), stopped by
    /// <paramref name="cancellationToken"/>: for adapters that validate on their own buffers with a warm validator, so
    /// that a batch shares one budget as it does in the engine. An exhausted budget throws
    /// <see cref="TooComplexException"/>, which the adapter answers as <see cref="RegistryErrorCode.TooComplex"/>.
    /// </summary>
    public WorkBudget NewWorkBudget(CancellationToken cancellationToken = default) => _context.NewBudget(cancellationToken);

    /// <summary>
    /// Throws <see cref="RegistryErrorCode.TooLarge"/> when <paramref name="count"/> documents are more than one batch
    /// may hold. For adapters that must stop reading a batch early (before the engine sees it); the engine checks again.
    /// </summary>
    public void CheckBatchSize(int count) => _validation.CheckBatchSize(count);

    /// <summary>
    /// The compiled validator for a schema id, for callers that validate on their own buffers (binary protocol):
    /// synchronous and allocation-free once warm. Refused (<see cref="RegistryErrorCode.VersionArchived"/>) when every
    /// version using the id is ARCHIVED.
    /// </summary>
    public ValueTask<ValidatorLease> GetValidatorAsync(long schemaId, CancellationToken cancellationToken = default) =>
        _validation.GetValidatorAsync(schemaId, cancellationToken);

    /// <summary>
    /// The validator for a schema id when it is compiled, in memory and its lifecycle facts are fresh; never touches
    /// the store or the allocator. On false, validate through <see cref="ValidateBatchAsync(ValidationTarget, IReadOnlyList{ReadOnlyMemory{byte}}, int, CancellationToken)"/>,
    /// which loads what is missing and applies every rule (a document over the size limit is for that path too).
    /// </summary>
    public bool TryGetWarmValidator(long schemaId, out ValidatorLease lease) => _validation.TryGetWarmValidator(schemaId, out lease);

    // ---- Backup and restore -----------------------------------------------------------------------------------

    /// <summary>
    /// Writes every schema (orphans included), subject, version and configuration, as of one snapshot of the store, to
    /// <paramref name="destination"/> in the backup format (<c>docs/backup.md</c>), flushing as it goes: memory stays
    /// bounded whatever the size of the registry. Writers are not blocked meanwhile.
    /// </summary>
    public Task<Backup.BackupSummary> ExportAsync(Stream destination, CancellationToken cancellationToken = default) =>
        _backup.ExportAsync(destination, cancellationToken);

    /// <summary>
    /// Restores a backup read from <paramref name="source"/> with its ids, versions, states, metadata and settings, in
    /// one transaction of the store (other writers wait): into an empty registry, or, with
    /// <see cref="Backup.RestoreOptions.Merge"/>, into this one (records it already holds as they are are kept; any
    /// other difference is a clash). A damaged backup (<see cref="RegistryErrorCode.InvalidRequest"/>), a non-empty
    /// registry (<see cref="RegistryErrorCode.OperationNotPermitted"/>) or a clash (<see cref="RegistryErrorCode.IdConflict"/>,
    /// naming the ids) leaves the registry as it was. <see cref="Backup.RestoreOptions.VerifyOnly"/> checks everything
    /// and writes nothing.
    /// </summary>
    public Task<Backup.RestoreSummary> ImportAsync(Stream source, Backup.RestoreOptions options, CancellationToken cancellationToken = default) =>
        _backup.ImportAsync(source, options, cancellationToken);

    // ---- Model output -----------------------------------------------------------------------------------------

    /// <summary>
    /// Checks a model's raw output against a schema id or a version: extracts the JSON value, repairs what
    /// <paramref name="options"/> allows (listing each repair), reports truncation, validates and words feedback for the
    /// model. The engine's limits replace the caller's (<see cref="RegistryEngineOptions.MaxModelOutputBytes"/>, depth,
    /// errors); an output over the size limit is <see cref="RegistryErrorCode.TooLarge"/>.
    /// </summary>
    public Task<OutputCheck> CheckOutputAsync(ValidationTarget target, ReadOnlyMemory<byte> output, Registry.Schemas.Output.ModelOutputOptions? options = null, CancellationToken cancellationToken = default) =>
        _output.CheckAsync(target, output, options, null, cancellationToken);

    /// <summary>
    /// As <see cref="CheckOutputAsync(ValidationTarget, ReadOnlyMemory{byte}, Registry.Schemas.Output.ModelOutputOptions, CancellationToken)"/>,
    /// for output generated under the provider profile called <paramref name="profile"/> (null or empty: none): the
    /// profile's shape is mapped back (a <c>null</c> for an originally optional property is absent) and the original
    /// schema validates the result, so the constraints the provider dropped are still enforced. An unknown profile is
    /// <see cref="RegistryErrorCode.InvalidRequest"/>.
    /// </summary>
    public Task<OutputCheck> CheckOutputAsync(ValidationTarget target, ReadOnlyMemory<byte> output, Registry.Schemas.Output.ModelOutputOptions? options, string? profile, CancellationToken cancellationToken = default) =>
        _output.CheckAsync(target, output, options, profile, cancellationToken);

    /// <summary>
    /// Starts a streaming validation session against a schema id or a version, bounded by the engine's output size,
    /// depth and error limits. The caller feeds it; its <c>Complete</c> runs the full validator, inside a slot of
    /// <see cref="Work"/>.
    /// </summary>
    public Task<OutputStream> StartOutputStreamAsync(ValidationTarget target, bool skipSurroundingText = false, CancellationToken cancellationToken = default) =>
        _output.StartStreamAsync(target, skipSurroundingText, null, cancellationToken);

    /// <summary>
    /// As <see cref="StartOutputStreamAsync(ValidationTarget, bool, CancellationToken)"/>, for output generated under the
    /// provider profile called <paramref name="profile"/> (null or empty: none), with the rule of
    /// <see cref="CheckOutputAsync(ValidationTarget, ReadOnlyMemory{byte}, Registry.Schemas.Output.ModelOutputOptions, string, CancellationToken)"/>:
    /// the completed document's profile shape is mapped back and the original schema validates it. Under a profile that
    /// changes the shape (optional properties sent as <c>null</c>), chunks are only checked to be JSON, since a
    /// <c>null</c> may stand for an absent property. An unknown profile is <see cref="RegistryErrorCode.InvalidRequest"/>.
    /// </summary>
    public Task<OutputStream> StartOutputStreamAsync(ValidationTarget target, bool skipSurroundingText, string? profile, CancellationToken cancellationToken = default) =>
        _output.StartStreamAsync(target, skipSurroundingText, profile, cancellationToken);

    /// <summary>Throws <see cref="RegistryErrorCode.TooLarge"/> when a model output is over <see cref="RegistryEngineOptions.MaxModelOutputBytes"/>.</summary>
    public void CheckOutputSize(long bytes) => _output.CheckSize(bytes);
    // ---- Provider profiles ------------------------------------------------------------------------------------

    /// <summary>Lints a schema (its references resolved against registered versions) against the profile called <paramref name="profile"/>.</summary>
    public Task<Registry.Schemas.Profiles.ProfileLintResult> LintAsync(SchemaInput input, string profile, CancellationToken cancellationToken = default) =>
        _profiles.LintAsync(input, profile, cancellationToken);

    /// <summary>Lints a registered version against the profile called <paramref name="profile"/>.</summary>
    public Task<(SubjectVersion Version, Registry.Schemas.Profiles.ProfileLintResult Result)> LintVersionAsync(string subject, VersionSelector version, string profile, CancellationToken cancellationToken = default) =>
        _profiles.LintVersionAsync(subject, version, profile, cancellationToken);

    /// <summary>
    /// A version's lint results for each profile its subject requires (the effective list; empty when none). Derived
    /// from the version's immutable content and references and the profile's version, and cached (docs/providers.md).
    /// </summary>
    public Task<IReadOnlyList<Registry.Schemas.Profiles.ProfileLintResult>> GetVersionLintsAsync(SubjectVersion version, CancellationToken cancellationToken = default) =>
        _profiles.VersionLintsAsync(version, cancellationToken);

    /// <summary>The strict form of a schema for the profile called <paramref name="profile"/>, with every change and lost constraint.</summary>
    public Task<Registry.Schemas.Profiles.ProfileTransformResult> TransformAsync(SchemaInput input, string profile, CancellationToken cancellationToken = default) =>
        _profiles.TransformAsync(input, profile, cancellationToken);

    /// <summary>The strict form of a registered version for the profile called <paramref name="profile"/>.</summary>
    public Task<(SubjectVersion Version, Registry.Schemas.Profiles.ProfileTransformResult Result)> TransformVersionAsync(string subject, VersionSelector version, string profile, CancellationToken cancellationToken = default) =>
        _profiles.TransformVersionAsync(subject, version, profile, cancellationToken);

    /// <summary>
    /// Sets the provider profiles every new version of a scope (null: registry-wide) must satisfy; null
    /// <paramref name="profiles"/> removes the setting, an empty list requires none. Returns what is stored now.
    /// </summary>
    public Task<ConfigRecord> SetRequiredProfilesAsync(string? subject, IReadOnlyList<string>? profiles, CancellationToken cancellationToken = default) =>
        _profiles.SetRequiredAsync(subject, profiles, cancellationToken);

    // ---- Tool sets --------------------------------------------------------------------------------------------

    /// <summary>
    /// Creates or replaces the tool set called <paramref name="name"/>: each member must name an existing JSON subject
    /// version (a number, <c>latest</c> or <c>@alias</c>, resolved again whenever the set is read). Returns the set
    /// and whether it was created.
    /// </summary>
    public Task<(ToolSetRecord Set, bool Created)> PutToolSetAsync(string name, IReadOnlyList<ToolSetMember> tools, string? by = null, CancellationToken cancellationToken = default) =>
        _toolSets.PutAsync(name, tools, by, cancellationToken);

    /// <summary>The tool set called <paramref name="name"/>; <see cref="RegistryErrorCode.ToolSetNotFound"/> when there is none.</summary>
    public Task<ToolSetRecord> GetToolSetAsync(string name, CancellationToken cancellationToken = default) => _toolSets.GetAsync(name, cancellationToken);

    /// <summary>The names of the tool sets, in ordinal order.</summary>
    public Task<IReadOnlyList<string>> ListToolSetsAsync(CancellationToken cancellationToken = default) => _toolSets.ListAsync(cancellationToken);

    /// <summary>Removes a tool set; <see cref="RegistryErrorCode.ToolSetNotFound"/> when there is none.</summary>
    public Task DeleteToolSetAsync(string name, CancellationToken cancellationToken = default) => _toolSets.DeleteAsync(name, cancellationToken);

    /// <summary>
    /// Checks a tool set as one request against each profile named (every profile when the list is empty): each tool's
    /// schema, the tool names, and the per-request totals.
    /// </summary>
    public Task<(ToolSetRecord Set, IReadOnlyList<Registry.Schemas.Profiles.Tools.ToolSetReport> Reports)> CheckToolSetAsync(string name, IReadOnlyList<string> profiles, CancellationToken cancellationToken = default) =>
        _toolSets.CheckAsync(name, profiles, cancellationToken);

    /// <summary>A tool set in a provider's tools format (openai, anthropic, gemini, mcp), optionally with the strict tools transformed to the format's profile.</summary>
    public Task<byte[]> ExportToolSetAsync(string name, string? format, bool transformed = false, CancellationToken cancellationToken = default) =>
        _toolSets.ExportAsync(name, format, transformed, cancellationToken);

    // ---- Invalidation -----------------------------------------------------------------------------------------

    /// <summary>
    /// Applies a change made by another process (e.g. received over pub/sub): forgets what this process cached about
    /// the schema ids involved. Raises no <see cref="Changed"/> event.
    /// </summary>
    public void ApplyRemoteChange(RegistryChangeKind kind, IReadOnlyList<long> schemaIds)
    {
        ArgumentNullException.ThrowIfNull(schemaIds);
        foreach (var id in schemaIds)
        {
            if (kind == RegistryChangeKind.SubjectHardDeleted)
            {
                _context.Cache.Remove(id);
            }
            else
            {
                _context.Cache.ForgetUsability(id);
            }
        }
    }
}
