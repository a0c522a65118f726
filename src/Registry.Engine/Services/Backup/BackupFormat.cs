namespace Registry.Engine.Services.Backup;

/// <summary>
/// The backup file format (<c>docs/backup.md</c>): UTF-8 JSON lines. A header line, then each section as a marker line
/// followed by one line per record, then a manifest line with each section's record count and SHA-256 (over its
/// marker and record lines, newlines included) and the SHA-256 of the header line.
/// </summary>
public static class BackupFormat
{
    /// <summary>The value of <c>format</c> in the header.</summary>
    public const string Name = "llm-schema-registry-backup";

    /// <summary>The format version this build writes and the highest it reads.</summary>
    public const int Version = 2;

    /// <summary>The media type of a backup over HTTP.</summary>
    public const string MediaType = "application/x-ndjson";

    /// <summary>
    /// The sections this build writes, in the order they appear. Later ones are appended here with a new format
    /// version; a reader refuses a section it does not know rather than drop its records.
    /// </summary>
    public static IReadOnlyList<string> Sections { get; } = ["schemas", "subjects", "versions", "config", "aliases", "alias_history"];

    /// <summary>How many of <see cref="Sections"/> each format version has (index: the version).</summary>
    private static readonly int[] SectionCounts = [0, 4, 6];

    /// <summary>The sections a backup of format version <paramref name="version"/> holds: a prefix of <see cref="Sections"/>.</summary>
    internal static int SectionCount(int version) => SectionCounts[version];

    /// <summary>Index of the schemas section.</summary>
    internal const int SchemasSection = 0;

    /// <summary>Index of the subjects section.</summary>
    internal const int SubjectsSection = 1;

    /// <summary>Index of the versions section.</summary>
    internal const int VersionsSection = 2;

    /// <summary>Index of the config section.</summary>
    internal const int ConfigSection = 3;

    /// <summary>Index of the aliases section (format version 2).</summary>
    internal const int AliasesSection = 4;

    /// <summary>Index of the alias history section (format version 2).</summary>
    internal const int AliasHistorySection = 5;

    /// <summary>
    /// The longest line a reader accepts: a schema at the size limit, every byte escaped (<c>\u00XX</c>), plus room
    /// for the record's other members.
    /// </summary>
    internal static int MaxLineBytes(int maxSchemaBytes) => (int)Math.Min(int.MaxValue - 1024, (6L * maxSchemaBytes) + (1 << 20));
}

/// <summary>What a backup holds.</summary>
/// <param name="Schemas">Schema records (ids), orphans included.</param>
/// <param name="Subjects">Subject records.</param>
/// <param name="Versions">Version records.</param>
/// <param name="Configs">Configuration records.</param>
/// <param name="Bytes">Size of the backup in bytes.</param>
/// <param name="Aliases">Alias records (none in a backup of format version 1).</param>
/// <param name="AliasMoves">Alias history records (none in a backup of format version 1).</param>
public sealed record BackupSummary(long Schemas, long Subjects, long Versions, long Configs, long Bytes, long Aliases = 0, long AliasMoves = 0);

/// <summary>How to restore.</summary>
/// <param name="Merge">Restore into a registry that holds data: records equal to the registry's are kept, any other difference is a clash.</param>
/// <param name="VerifyOnly">Check everything (checksums, records, clashes with this registry), then write nothing.</param>
public sealed record RestoreOptions(bool Merge = false, bool VerifyOnly = false);

/// <summary>What a restore (or a verification) did.</summary>
/// <param name="Backup">What the backup holds.</param>
/// <param name="Written">Records written (for a verification: that would be written).</param>
/// <param name="Kept">Records already in the registry as they are in the backup (merge).</param>
/// <param name="RegistryWasEmpty">True when the registry held no schema and no subject before.</param>
/// <param name="Restored">True when the records were committed (false for a verification).</param>
public sealed record RestoreSummary(BackupSummary Backup, long Written, long Kept, bool RegistryWasEmpty, bool Restored);
