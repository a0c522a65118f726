using Registry.Engine.Model;

namespace Registry.Engine.Storage;

/// <summary>
/// The system of record. Small on purpose: reads of rows, and a handful of writes that are each one transaction.
/// The engine owns the rules (lifecycle, compatibility, modes); a store owns atomicity:
/// <list type="bullet">
/// <item>Every write that changes a subject's versions names the subject revision it was prepared against and
/// fails with <see cref="WriteOutcome.Conflict"/> if another writer (any process, any replica) changed the subject
/// since. Writers therefore never need a lock outside the store.</item>
/// <item>Schema ids: one per fingerprint, allocated as max + 1 inside the writing transaction, never reused, no gaps
/// (a rolled-back registration leaves no trace).</item>
/// <item>Referential integrity: a reference must point at an existing version, and a version referenced by another
/// remaining version cannot be hard-deleted; both checked inside the transaction.</item>
/// <item>A write returns only once it is durable.</item>
/// </list>
/// Implementations: <see cref="Sqlite.SqliteRegistryStore"/> (embedded default); PostgreSQL for several replicas.
/// Every implementation must pass the store test suite (tests: <c>RegistryStoreContract</c>).
/// </summary>
public interface IRegistryStore : IAsyncDisposable
{
    /// <summary>Creates or upgrades the store's schema (idempotent); called once before any other method.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The schema with this id, or null when there is none or no version (live or soft-deleted) uses it any more.</summary>
    Task<SchemaRecord?> GetSchemaAsync(long id, CancellationToken cancellationToken);

    /// <summary>The id already allocated to this fingerprint, whether or not a version still uses it.</summary>
    Task<long?> FindSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, CancellationToken cancellationToken);

    /// <summary>The subject's revision and all its versions (soft-deleted included), or null when it has no row.</summary>
    Task<SubjectSnapshot?> GetSubjectAsync(string subject, CancellationToken cancellationToken);

    /// <summary>One version (soft-deleted included), or null.</summary>
    Task<VersionRecord?> GetVersionAsync(string subject, int version, CancellationToken cancellationToken);

    /// <summary>Subject names in ordinal order, filtered and paged.</summary>
    Task<IReadOnlyList<string>> ListSubjectsAsync(SubjectQuery query, CancellationToken cancellationToken);

    /// <summary>Every remaining version (soft-deleted included) whose schema id is <paramref name="schemaId"/>.</summary>
    Task<IReadOnlyList<VersionUsage>> GetSchemaUsageAsync(long schemaId, CancellationToken cancellationToken);

    /// <summary>Every remaining version (soft-deleted included) that references <paramref name="target"/>.</summary>
    Task<IReadOnlyList<VersionUsage>> GetReferrersAsync(SubjectVersionRef target, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: checks the subject revision, finds or allocates the schema id for the fingerprint (or
    /// inserts the explicit id), allocates the version (or uses the explicit one), inserts the version and its
    /// references, and increments the revision. Creates the subject row when <see cref="VersionAppend.ExpectedRevision"/> is 0.
    /// </summary>
    Task<AppendResult> AppendVersionAsync(VersionAppend append, CancellationToken cancellationToken);

    /// <summary>Replaces the state, deprecation and metadata of one version if the subject revision is unchanged.</summary>
    Task<WriteResult> UpdateVersionAsync(VersionUpdate update, CancellationToken cancellationToken);

    /// <summary>
    /// Soft-deletes (sets the deleted flag of) the given versions if the subject revision is unchanged; fails with
    /// <see cref="WriteOutcome.NotFound"/> when one of them does not exist, else with
    /// <see cref="WriteOutcome.ReferenceExists"/> when a live version outside the given set references one of them
    /// (checked in that order: revision, existence, references).
    /// </summary>
    Task<WriteResult> SoftDeleteAsync(string subject, IReadOnlyList<int> versions, long expectedRevision, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the given versions if the subject revision is unchanged; fails with <see cref="WriteOutcome.NotFound"/>
    /// when one of them does not exist, else with <see cref="WriteOutcome.ReferenceExists"/> when a version that is not
    /// itself being removed references one of them (checked in that order, as for a soft delete). With <paramref name="wholeSubject"/>,
    /// also removes the subject row (its version numbers start again at 1), its configuration, its aliases and their history.
    /// Schema rows are kept: ids are never reused, and the same content registered again gets its old id back.
    /// </summary>
    Task<WriteResult> HardDeleteAsync(string subject, IReadOnlyList<int> versions, bool wholeSubject, long expectedRevision, CancellationToken cancellationToken);

    /// <summary>
    /// Sets or deletes one alias if the subject revision is unchanged, records the change in the alias's history and
    /// increments the revision (so a deletion or state change prepared before it is retried, and sees it). Whether the
    /// target version may be aliased is the engine's rule, decided on the snapshot of that revision.
    /// </summary>
    Task<WriteResult> SetAliasAsync(AliasWrite write, CancellationToken cancellationToken);

    /// <summary>The recorded changes of an alias, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AliasMove>> GetAliasHistoryAsync(string subject, string name, int limit, CancellationToken cancellationToken);

    /// <summary>The configuration stored for a subject, or for the registry when <paramref name="subject"/> is null.</summary>
    Task<ConfigRecord> GetConfigAsync(string? subject, CancellationToken cancellationToken);

    /// <summary>Replaces the configuration of a scope; an empty record removes the row.</summary>
    Task SetConfigAsync(string? subject, ConfigRecord config, CancellationToken cancellationToken);
}

/// <summary>Which subjects a listing includes.</summary>
public enum DeletedFilter
{
    /// <summary>Only subjects (or versions) that are live.</summary>
    Exclude,

    /// <summary>Live and soft-deleted ones.</summary>
    Include,

    /// <summary>Only soft-deleted ones.</summary>
    Only,
}

/// <summary>A filtered, paged listing of subject names.</summary>
/// <param name="Prefix">Only names starting with this (ordinal); null for all.</param>
/// <param name="Deleted">Subjects with at least one live version, or also (only) those whose versions are all soft-deleted.</param>
/// <param name="Offset">Names to skip.</param>
/// <param name="Limit">Most names to return.</param>
public sealed record SubjectQuery(string? Prefix, DeletedFilter Deleted, int Offset, int Limit);

/// <summary>A subject's versions as of one revision.</summary>
/// <param name="Subject">The subject.</param>
/// <param name="Revision">Incremented by every write to the subject's versions; the optimistic-concurrency token.</param>
/// <param name="Versions">Every remaining version (soft-deleted included), ascending.</param>
public sealed record SubjectSnapshot(string Subject, long Revision, IReadOnlyList<VersionRecord> Versions)
{
    /// <summary>The subject's aliases as of the same revision, ordered by name.</summary>
    public IReadOnlyList<AliasRecord> Aliases { get; init; } = [];

    /// <summary>The alias called <paramref name="name"/>, or null.</summary>
    public AliasRecord? FindAlias(string name)
    {
        foreach (var alias in Aliases)
        {
            if (string.Equals(alias.Name, name, StringComparison.Ordinal))
            {
                return alias;
            }
        }

        return null;
    }
}

/// <summary>A change of one alias: set (create or move) or delete.</summary>
public sealed record AliasWrite
{
    /// <summary>The subject.</summary>
    public required string Subject { get; init; }

    /// <summary>The alias name.</summary>
    public required string Name { get; init; }

    /// <summary>The version to point at, or null to delete the alias.</summary>
    public int? Version { get; init; }

    /// <summary>The protection flag after the change.</summary>
    public bool Protected { get; init; }

    /// <summary>The revision read before preparing.</summary>
    public required long ExpectedRevision { get; init; }

    /// <summary>Change time.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Who changes it, when known.</summary>
    public string? By { get; init; }
}

/// <summary>What a store write did.</summary>
public enum WriteOutcome
{
    /// <summary>Done and durable.</summary>
    Done,

    /// <summary>The subject revision changed since the write was prepared; re-read and retry.</summary>
    Conflict,

    /// <summary>The version to change does not exist.</summary>
    NotFound,

    /// <summary>A version to delete is referenced by another version.</summary>
    ReferenceExists,

    /// <summary>A reference of the new version points at a version that does not exist.</summary>
    ReferenceNotFound,

    /// <summary>An explicit id belongs to other content, the content already has another id, or an explicit version is taken.</summary>
    IdConflict,
}

/// <summary>The outcome of an update or delete.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Referrers">For <see cref="WriteOutcome.ReferenceExists"/>: who references the versions.</param>
public sealed record WriteResult(WriteOutcome Outcome, IReadOnlyList<SubjectVersionRef> Referrers)
{
    /// <summary>Success.</summary>
    public static WriteResult Done { get; } = new(WriteOutcome.Done, []);

    /// <summary>Revision conflict.</summary>
    public static WriteResult Conflict { get; } = new(WriteOutcome.Conflict, []);

    /// <summary>Missing version.</summary>
    public static WriteResult NotFound { get; } = new(WriteOutcome.NotFound, []);
}

/// <summary>A new version to append to a subject.</summary>
public sealed record VersionAppend
{
    /// <summary>The subject.</summary>
    public required string Subject { get; init; }

    /// <summary>The revision read before preparing; 0 when the subject had no row.</summary>
    public required long ExpectedRevision { get; init; }

    /// <summary><c>JSON</c>, with its dialect tag when it has one (<see cref="SchemaRecord.StoredType"/>).</summary>
    public required string SchemaType { get; init; }

    /// <summary>Identity key of the schema id (SHA-256 over type, canonical content and references).</summary>
    public required ReadOnlyMemory<byte> Fingerprint { get; init; }

    /// <summary>SHA-256 of the canonical content.</summary>
    public required ReadOnlyMemory<byte> ContentHash { get; init; }

    /// <summary>The content to store when the schema is new.</summary>
    public required ReadOnlyMemory<byte> Content { get; init; }

    /// <summary>The references, sorted by name.</summary>
    public required IReadOnlyList<SchemaReference> References { get; init; }

    /// <summary>IMPORT mode: the id to use when the schema is new (must match when it exists).</summary>
    public long? ExplicitId { get; init; }

    /// <summary>IMPORT mode: the version number to use (must be free).</summary>
    public int? ExplicitVersion { get; init; }

    /// <summary>Initial lifecycle state.</summary>
    public LifecycleState State { get; init; } = LifecycleState.Active;

    /// <summary>Semantic-version label.</summary>
    public string? Semver { get; init; }

    /// <summary>Metadata.</summary>
    public VersionMetadata Metadata { get; init; } = VersionMetadata.Empty;

    /// <summary>Registration time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Who registered it.</summary>
    public string? CreatedBy { get; init; }
}

/// <summary>The outcome of <see cref="IRegistryStore.AppendVersionAsync"/>.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="SchemaId">The schema id found or allocated (when done).</param>
/// <param name="Version">The version allocated (when done).</param>
/// <param name="SchemaCreated">True when the schema id was allocated by this write.</param>
public sealed record AppendResult(WriteOutcome Outcome, long SchemaId, int Version, bool SchemaCreated);

/// <summary>New state, deprecation and metadata for a version.</summary>
public sealed record VersionUpdate
{
    /// <summary>The subject.</summary>
    public required string Subject { get; init; }

    /// <summary>The version.</summary>
    public required int Version { get; init; }

    /// <summary>The revision read before preparing.</summary>
    public required long ExpectedRevision { get; init; }

    /// <summary>New state.</summary>
    public required LifecycleState State { get; init; }

    /// <summary>New deprecation info (null clears it).</summary>
    public Deprecation? Deprecation { get; init; }

    /// <summary>New metadata.</summary>
    public required VersionMetadata Metadata { get; init; }

    /// <summary>Change time.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}
