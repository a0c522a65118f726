using Registry.Engine.Model;

namespace Registry.Engine.Storage;

/// <summary>
/// Optional capability of a system of record: every row out, in one consistent snapshot, and rows back in, with their
/// original ids, versions and facts, in one transaction (backup and restore; see <c>docs/backup.md</c>).
/// </summary>
public interface IRegistryArchive
{
    /// <summary>
    /// Every row as of one snapshot, streamed: first one <see cref="ArchiveCounts"/>, then every schema row (orphans
    /// whose versions were hard-deleted included, so their ids are never given to other content) by id, every subject
    /// row by name (ordinal), every version by subject and number, every configuration row by scope (the
    /// registry's, null, first), every alias by subject and name, and every alias history entry by subject, name and
    /// sequence number. Writers are not blocked while it runs.
    /// </summary>
    IAsyncEnumerable<ArchiveRecord> ReadArchiveAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="records"/> (in the order <see cref="ReadArchiveAsync"/> gives them) in one transaction
    /// that other writers wait for, and commits only when every record was written without a clash, the enumeration
    /// ended without an exception, every reference points at a version that exists, and
    /// <see cref="ArchiveImportOptions.DryRun"/> is false. An exception thrown by the enumeration rolls everything
    /// back and propagates. Without <see cref="ArchiveImportOptions.Merge"/> the store must hold no schema and no
    /// subject (configuration rows are replaced by the archive's); with it, rows equal to the archive's are kept,
    /// configuration already set is kept, and anything else that differs is a clash.
    /// </summary>
    Task<ArchiveImportResult> ImportArchiveAsync(IAsyncEnumerable<ArchiveRecord> records, ArchiveImportOptions options, CancellationToken cancellationToken);
}

/// <summary>One row of an archive.</summary>
public abstract record ArchiveRecord;

/// <summary>How many rows of each kind follow (read in the same snapshot as the rows).</summary>
/// <param name="Schemas">Schema rows.</param>
/// <param name="Subjects">Subject rows.</param>
/// <param name="Versions">Versions.</param>
/// <param name="Configs">Configuration rows.</param>
/// <param name="Aliases">Alias rows.</param>
/// <param name="AliasMoves">Alias history rows.</param>
public sealed record ArchiveCounts(long Schemas, long Subjects, long Versions, long Configs, long Aliases = 0, long AliasMoves = 0) : ArchiveRecord
{
    /// <summary>All rows.</summary>
    public long Total => Schemas + Subjects + Versions + Configs + Aliases + AliasMoves;
}

/// <summary>A schema row: its id and content for ever, whether or not a version still uses it.</summary>
/// <param name="Id">The global id.</param>
/// <param name="SchemaType"><c>JSON</c>, with its dialect tag when it has one (<see cref="SchemaRecord.StoredType"/>).</param>
/// <param name="Fingerprint">Identity key (SHA-256 over type, canonical content and references).</param>
/// <param name="ContentHash">SHA-256 of the canonical content.</param>
/// <param name="Content">The content as stored.</param>
/// <param name="References">The references, sorted by name.</param>
/// <param name="CreatedAt">When the id was first given.</param>
public sealed record ArchivedSchema(
    long Id, string SchemaType, ReadOnlyMemory<byte> Fingerprint, ReadOnlyMemory<byte> ContentHash, ReadOnlyMemory<byte> Content,
    IReadOnlyList<SchemaReference> References, DateTimeOffset CreatedAt) : ArchiveRecord
{
    /// <summary>
    /// The data contract of the versions using the id (part of its fingerprint), when they have one; null when they
    /// have none or none remains.
    /// </summary>
    public DataContract? Contract { get; init; }
}

/// <summary>A subject row: what its versions do not say.</summary>
/// <param name="Name">The subject.</param>
/// <param name="NextVersion">The number its next version gets (above every version it ever had, hard-deleted ones included).</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record ArchivedSubject(string Name, int NextVersion, DateTimeOffset CreatedAt) : ArchiveRecord;

/// <summary>A version with every fact it carries (its references are its schema's).</summary>
/// <param name="Version">The version.</param>
public sealed record ArchivedVersion(VersionRecord Version) : ArchiveRecord;

/// <summary>The configuration stored for a scope.</summary>
/// <param name="Subject">The subject, or null for the registry.</param>
/// <param name="Config">What is set there.</param>
public sealed record ArchivedConfig(string? Subject, ConfigRecord Config) : ArchiveRecord;

/// <summary>An alias of a subject as it stands (protection, who set it last and when included).</summary>
/// <param name="Subject">The subject.</param>
/// <param name="Alias">The alias.</param>
public sealed record ArchivedAlias(string Subject, AliasRecord Alias) : ArchiveRecord;

/// <summary>One entry of an alias's history, with its sequence number (1 for the oldest), kept as it was recorded.</summary>
/// <param name="Subject">The subject.</param>
/// <param name="Sequence">The entry's number in the alias's history, from 1.</param>
/// <param name="Move">The change.</param>
public sealed record ArchivedAliasMove(string Subject, int Sequence, AliasMove Move) : ArchiveRecord;

/// <summary>How to import.</summary>
/// <param name="Merge">Import into a store that holds data: equal rows are kept, differing ones clash.</param>
/// <param name="DryRun">Check everything, then roll back.</param>
/// <param name="MaxClashes">Clashes to collect before giving up.</param>
public sealed record ArchiveImportOptions(bool Merge, bool DryRun, int MaxClashes = 100);

/// <summary>What an import did.</summary>
public enum ArchiveImportOutcome
{
    /// <summary>Written and committed.</summary>
    Done,

    /// <summary>Every check passed; nothing was written (dry run).</summary>
    Verified,

    /// <summary>The store holds schemas or subjects and no merge was asked for; nothing was written.</summary>
    NotEmpty,

    /// <summary>Rows clash with the store's (or with each other); nothing was written.</summary>
    Clash,
}

/// <summary>The outcome of <see cref="IRegistryArchive.ImportArchiveAsync"/>.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Written">Rows written (before any roll-back).</param>
/// <param name="Kept">Rows equal to what the store already held (merge), not written again.</param>
/// <param name="Clashes">What clashed, at most <see cref="ArchiveImportOptions.MaxClashes"/>.</param>
/// <param name="StoreWasEmpty">True when the store held no schema and no subject before the import.</param>
public sealed record ArchiveImportResult(ArchiveImportOutcome Outcome, long Written, long Kept, IReadOnlyList<ArchiveClash> Clashes, bool StoreWasEmpty);

/// <summary>A row of the archive that cannot be imported as it is.</summary>
/// <param name="SchemaId">The schema id concerned, if any.</param>
/// <param name="Subject">The subject (or configuration scope) concerned, if any.</param>
/// <param name="Version">The version concerned, if any.</param>
/// <param name="Reason">Why, for people.</param>
public sealed record ArchiveClash(long? SchemaId, string? Subject, int? Version, string Reason);
