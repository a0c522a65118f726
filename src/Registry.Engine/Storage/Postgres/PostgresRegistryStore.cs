using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;
using Registry.Schemas.Compatibility;
using Registry.Engine.Model;

namespace Registry.Engine.Storage.Postgres;

/// <summary>
/// The shared system of record for several replicas. Every write is one READ COMMITTED transaction that starts by
/// moving the subject row from the expected revision to the next (<c>UPDATE ... WHERE revision = expected</c>: no row
/// means another writer got there first, a conflict). That row lock queues writers of one subject across every
/// process; writers of different subjects only meet at the id allocator row, and only when they create a schema.
/// Lock order is always subject row → version rows → allocator row, so writers cannot deadlock one another.
/// Reads are single statements (one snapshot each) on pooled connections.
/// </summary>
public sealed class PostgresRegistryStore : IRegistryStore, ISchemaIndex, IWarmupSource
{
    private const string GlobalScope = "";

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates the store; nothing is opened until the first call.</summary>
    public PostgresRegistryStore(PostgresStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("Registry:Storage:Postgres:ConnectionString is required for the PostgreSQL store.", nameof(options));
        }

        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString)
        {
            Timeout = Math.Max(1, (int)Math.Ceiling(options.ConnectTimeout.TotalSeconds)),
            CommandTimeout = Math.Max(1, (int)Math.Ceiling(options.CommandTimeout.TotalSeconds)),
            MaxAutoPrepare = options.MaxAutoPrepare,
            AutoPrepareMinUsages = 2,
        };
        if (options.MaxPoolSize > 0)
        {
            builder.MaxPoolSize = options.MaxPoolSize;
        }

        if (options.MinPoolSize > 0)
        {
            builder.MinPoolSize = options.MinPoolSize;
        }

        // The slim builder keeps the trimmed, AOT-compiled server small; arrays are the one extra (version lists).
        _dataSource = new NpgsqlSlimDataSourceBuilder(builder.ConnectionString).EnableArrays().Build();
        Location = $"{builder.Host}:{builder.Port}/{builder.Database}";
    }

    /// <summary>The version of the database schema this build migrates to (migrations are numbered 1..n).</summary>
    public static int SchemaVersion => PostgresMigrations.All[^1].Version;

    /// <summary>Host, port and database, for logs (no credentials).</summary>
    public string Location { get; }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // Replicas starting together queue here; the lock is released with the transaction.
            await ExecuteAsync(connection, tx, "SELECT pg_advisory_xact_lock($1)", cancellationToken, P(PostgresMigrations.AdvisoryLockKey)).ConfigureAwait(false);
            await ExecuteAsync(connection, tx,
                "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                cancellationToken).ConfigureAwait(false);
            long applied;
            await using (var read = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_migrations", connection, tx))
            {
                applied = Convert.ToInt64(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            }

            foreach (var (version, name, sql) in PostgresMigrations.All)
            {
                if (version <= applied)
                {
                    continue;
                }

                await ExecuteAsync(connection, tx, sql, cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, tx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", cancellationToken, P(version), P(name)).ConfigureAwait(false);
            }

            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public async Task<SchemaRecord?> GetSchemaAsync(long id, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand("""
                SELECT schema_type, content, content_hash, references_json FROM schemas
                WHERE id = $1 AND EXISTS (SELECT 1 FROM versions WHERE schema_id = $1)
                """);
            command.Parameters.Add(P(id));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await r.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new SchemaRecord(id, r.GetString(0), r.GetFieldValue<byte[]>(1), r.GetFieldValue<byte[]>(2), RecordJson.ReadReferences(r.GetString(3)))
                : null;
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public async Task<SchemaEntry?> GetSchemaEntryAsync(long id, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand("""
                SELECT schema_type, content_hash, content_sha256, references_json FROM schemas
                WHERE id = $1 AND EXISTS (SELECT 1 FROM versions WHERE schema_id = $1)
                """);
            command.Parameters.Add(P(id));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await r.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new SchemaEntry(id, r.GetString(0), r.GetFieldValue<byte[]>(1), r.GetFieldValue<byte[]>(2), RecordJson.ReadReferences(r.GetString(3)))
                : null;
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<long>> GetWarmupSchemaIdsAsync(int limit, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand($"""
                WITH latest AS (
                    SELECT DISTINCT ON (subject) schema_id FROM versions WHERE NOT deleted ORDER BY subject, version DESC
                ), ranked AS (
                    SELECT schema_id, count(*) AS uses, 1 AS latest FROM latest GROUP BY schema_id
                    UNION ALL
                    SELECT schema_id, count(*), 0 FROM versions WHERE NOT deleted AND state <> {(int)LifecycleState.Archived} GROUP BY schema_id
                )
                SELECT schema_id FROM ranked GROUP BY schema_id
                ORDER BY max(latest) DESC, sum(uses) DESC, schema_id DESC
                LIMIT $1
                """);
            command.Parameters.Add(P(Math.Max(0, limit)));
            var ids = new List<long>();
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(r.GetInt64(0));
            }

            return ids;
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public async Task<long?> FindSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand("SELECT id FROM schemas WHERE fingerprint = $1");
            command.Parameters.Add(P(fingerprint.ToArray()));
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long id ? id : null;
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public async Task<SubjectSnapshot?> GetSubjectAsync(string subject, CancellationToken cancellationToken)
    {
        try
        {
            // One statement, one snapshot: the revision and the versions agree.
            await using var command = _dataSource.CreateCommand("""
                SELECT s.revision, v.subject, v.version, v.schema_id, v.state, v.deleted, v.semver, v.metadata, v.deprecation, v.created_at, v.created_by, v.updated_at
                FROM subjects s LEFT JOIN versions v ON v.subject = s.name
                WHERE s.name = $1 ORDER BY v.version
                """);
            command.Parameters.Add(P(subject));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            long? revision = null;
            var versions = new List<VersionRecord>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                revision = r.GetInt64(0);
                if (!r.IsDBNull(2))
                {
                    versions.Add(ReadVersion(r, 1));
                }
            }

            return revision is { } found ? new SubjectSnapshot(subject, found, versions) : null;
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public async Task<VersionRecord?> GetVersionAsync(string subject, int version, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand($"{SelectVersion} WHERE subject = $1 AND version = $2");
            command.Parameters.Add(P(subject));
            command.Parameters.Add(P(version));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadVersion(r, 0) : null;
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListSubjectsAsync(SubjectQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        try
        {
            await using var command = _dataSource.CreateCommand("""
                SELECT s.name FROM subjects s
                WHERE ($1::text IS NULL OR (s.name >= $1 AND starts_with(s.name, $1)))
                  AND CASE $2
                        WHEN 0 THEN EXISTS (SELECT 1 FROM versions v WHERE v.subject = s.name AND NOT v.deleted)
                        WHEN 1 THEN EXISTS (SELECT 1 FROM versions v WHERE v.subject = s.name)
                        ELSE EXISTS (SELECT 1 FROM versions v WHERE v.subject = s.name)
                             AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.subject = s.name AND NOT v.deleted)
                      END
                ORDER BY s.name LIMIT $3 OFFSET $4
                """);
            command.Parameters.Add(Text(string.IsNullOrEmpty(query.Prefix) ? null : query.Prefix));
            command.Parameters.Add(P((int)query.Deleted));
            command.Parameters.Add(P(query.Limit));
            command.Parameters.Add(P(query.Offset));
            var names = new List<string>();
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                names.Add(r.GetString(0));
            }

            return names;
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<VersionUsage>> GetSchemaUsageAsync(long schemaId, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand(
                "SELECT subject, version, schema_id, state, deleted FROM versions WHERE schema_id = $1 ORDER BY subject, version");
            command.Parameters.Add(P(schemaId));
            return await ReadUsagesAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<VersionUsage>> GetReferrersAsync(SubjectVersionRef target, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand("""
                SELECT v.subject, v.version, v.schema_id, v.state, v.deleted
                FROM version_references r JOIN versions v ON v.subject = r.subject AND v.version = r.version
                WHERE r.ref_subject = $1 AND r.ref_version = $2
                ORDER BY v.subject, v.version
                """);
            command.Parameters.Add(P(target.Subject));
            command.Parameters.Add(P(target.Version));
            return await ReadUsagesAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public async Task<AppendResult> AppendVersionAsync(VersionAppend append, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(append);
        var failed = new AppendResult(WriteOutcome.Conflict, 0, 0, false);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var now = append.CreatedAt.ToUnixTimeMilliseconds();

            // The revision check and the subject row lock in one statement. A new subject is inserted already at
            // revision 1; a concurrent creator of the same subject waits on the unique key, then inserts nothing.
            int nextVersion;
            await using (var subject = append.ExpectedRevision == 0
                ? Command(connection, tx, """
                    INSERT INTO subjects (name, revision, next_version, created_at) VALUES ($1, 1, 1, $2)
                    ON CONFLICT (name) DO NOTHING RETURNING next_version
                    """, P(append.Subject), P(now))
                : Command(connection, tx,
                    "UPDATE subjects SET revision = revision + 1 WHERE name = $1 AND revision = $2 RETURNING next_version",
                    P(append.Subject), P(append.ExpectedRevision)))
            {
                if (await subject.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not int found)
                {
                    return failed;
                }

                nextVersion = found;
            }

            var fingerprint = append.Fingerprint.ToArray();
            var schemaId = await FindSchemaIdAsync(connection, tx, fingerprint, cancellationToken).ConfigureAwait(false);
            var created = false;
            if (schemaId is null)
            {
                // Take the allocator row, then look again: a writer that held it before us may have committed this
                // very content, and its row is visible to our next statement (READ COMMITTED).
                long allocatorNext;
                await using (var allocator = Command(connection, tx, "SELECT next_id FROM schema_id_allocator FOR UPDATE"))
                {
                    allocatorNext = (long)(await allocator.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                }

                schemaId = await FindSchemaIdAsync(connection, tx, fingerprint, cancellationToken).ConfigureAwait(false);
                if (schemaId is null)
                {
                    long id;
                    if (append.ExplicitId is { } wanted)
                    {
                        await using var taken = Command(connection, tx, "SELECT 1 FROM schemas WHERE id = $1", P(wanted));
                        if (await taken.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
                        {
                            return failed with { Outcome = WriteOutcome.IdConflict };
                        }

                        id = wanted;
                    }
                    else
                    {
                        id = allocatorNext;
                    }

                    var content = append.Content.ToArray();
                    await ExecuteBatchAsync(connection, tx, cancellationToken,
                        Statement("""
                            INSERT INTO schemas (id, schema_type, fingerprint, content_hash, content_sha256, content, references_json, created_at)
                            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                            """,
                            P(id), P(append.SchemaType), P(fingerprint), P(append.ContentHash.ToArray()), P(SHA256.HashData(content)), P(content),
                            P(RecordJson.WriteReferences(append.References)), P(now)),
                        Statement("UPDATE schema_id_allocator SET next_id = greatest(next_id, $1)", P(id + 1))).ConfigureAwait(false);
                    schemaId = id;
                    created = true;
                }
            }

            if (!created && append.ExplicitId is { } explicitId && explicitId != schemaId)
            {
                return failed with { Outcome = WriteOutcome.IdConflict };
            }

            int version;
            if (append.ExplicitVersion is { } explicitVersion)
            {
                await using var taken = Command(connection, tx, "SELECT 1 FROM versions WHERE subject = $1 AND version = $2", P(append.Subject), P(explicitVersion));
                if (await taken.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
                {
                    return failed with { Outcome = WriteOutcome.IdConflict };
                }

                version = explicitVersion;
                nextVersion = Math.Max(nextVersion, version + 1);
            }
            else
            {
                version = nextVersion++;
            }

            await ExecuteBatchAsync(connection, tx, cancellationToken,
                Statement("""
                    INSERT INTO versions (subject, version, schema_id, state, deleted, semver, metadata, deprecation, created_at, created_by, updated_at)
                    VALUES ($1, $2, $3, $4, false, $5, $6, NULL, $7, $8, $7)
                    """,
                    P(append.Subject), P(version), P(schemaId.Value), P((short)append.State), Text(append.Semver),
                    Text(RecordJson.WriteMetadata(append.Metadata)), P(now), Text(append.CreatedBy)),
                Statement("UPDATE subjects SET next_version = $2 WHERE name = $1", P(append.Subject), P(nextVersion))).ConfigureAwait(false);

            foreach (var reference in append.References)
            {
                // FOR SHARE: a concurrent delete of the target (which locks it FOR UPDATE) waits for this commit and
                // then sees the reference, or this waits for the delete and then finds no row.
                await using var target = Command(connection, tx,
                    "SELECT 1 FROM versions WHERE subject = $1 AND version = $2 FOR SHARE", P(reference.Subject), P(reference.Version));
                if (await target.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
                {
                    return failed with { Outcome = WriteOutcome.ReferenceNotFound };
                }

                await ExecuteAsync(connection, tx,
                    "INSERT INTO version_references (subject, version, name, ref_subject, ref_version) VALUES ($1, $2, $3, $4, $5)",
                    cancellationToken, P(append.Subject), P(version), P(reference.Name), P(reference.Subject), P(reference.Version)).ConfigureAwait(false);
            }

            // Returns once the commit record is flushed (synchronous_commit = on): only then is the write acknowledged.
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new AppendResult(WriteOutcome.Done, schemaId.Value, version, created);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return failed with { Outcome = WriteOutcome.ReferenceNotFound };
        }
        catch (PostgresException e) when (IsRace(e))
        {
            return failed;
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public async Task<WriteResult> UpdateVersionAsync(VersionUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (!await BumpRevisionAsync(connection, tx, update.Subject, update.ExpectedRevision, cancellationToken).ConfigureAwait(false))
            {
                return WriteResult.Conflict;
            }

            await using var command = Command(connection, tx, """
                UPDATE versions SET state = $3, deprecation = $4, metadata = $5, updated_at = $6
                WHERE subject = $1 AND version = $2
                """,
                P(update.Subject), P(update.Version), P((short)update.State), Text(RecordJson.WriteDeprecation(update.Deprecation)),
                Text(RecordJson.WriteMetadata(update.Metadata)), P(update.UpdatedAt.ToUnixTimeMilliseconds()));
            if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return WriteResult.NotFound;
            }

            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return WriteResult.Done;
        }
        catch (PostgresException e) when (IsRace(e))
        {
            return WriteResult.Conflict;
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// The checks every deletion makes inside its transaction: the subject's revision is still the expected one (and is
    /// bumped), every version exists (rows locked), and no other schema references them (<paramref name="liveOnly"/>:
    /// only references from versions that are not soft-deleted count). Null when the deletion may go ahead.
    /// </summary>
    private static async Task<WriteResult?> CheckDeletionAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string subject, int[] numbers,
        long expectedRevision, bool liveOnly, CancellationToken cancellationToken)
    {
        if (!await BumpRevisionAsync(connection, tx, subject, expectedRevision, cancellationToken).ConfigureAwait(false))
        {
            return WriteResult.Conflict;
        }

        if (!await LockVersionsAsync(connection, tx, subject, numbers, cancellationToken).ConfigureAwait(false))
        {
            return WriteResult.NotFound;
        }

        var referrers = await FindReferrersAsync(connection, tx, subject, numbers, liveOnly, cancellationToken).ConfigureAwait(false);
        return referrers.Count > 0 ? new WriteResult(WriteOutcome.ReferenceExists, referrers) : null;
    }

    /// <inheritdoc />
    public async Task<WriteResult> SoftDeleteAsync(string subject, IReadOnlyList<int> versions, long expectedRevision, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(versions);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var numbers = ToArray(versions);
            if (await CheckDeletionAsync(connection, tx, subject, numbers, expectedRevision, liveOnly: true, cancellationToken).ConfigureAwait(false) is { } refused)
            {
                return refused;
            }

            await ExecuteAsync(connection, tx, "UPDATE versions SET deleted = true, updated_at = $3 WHERE subject = $1 AND version = ANY($2)",
                cancellationToken, P(subject), P(numbers), P(now.ToUnixTimeMilliseconds())).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return WriteResult.Done;
        }
        catch (PostgresException e) when (IsRace(e))
        {
            return WriteResult.Conflict;
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public async Task<WriteResult> HardDeleteAsync(string subject, IReadOnlyList<int> versions, bool wholeSubject, long expectedRevision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(versions);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var numbers = ToArray(versions);
            if (await CheckDeletionAsync(connection, tx, subject, numbers, expectedRevision, liveOnly: false, cancellationToken).ConfigureAwait(false) is { } refused)
            {
                return refused;
            }

            await ExecuteAsync(connection, tx, "DELETE FROM versions WHERE subject = $1 AND version = ANY($2)", cancellationToken, P(subject), P(numbers)).ConfigureAwait(false);
            if (wholeSubject)
            {
                await ExecuteBatchAsync(connection, tx, cancellationToken,
                    Statement("DELETE FROM subjects WHERE name = $1", P(subject)),
                    Statement("DELETE FROM config WHERE scope = $1", P(subject))).ConfigureAwait(false);
            }

            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return WriteResult.Done;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // A reference committed between our check and our commit: report it like the check would have.
            return new WriteResult(WriteOutcome.ReferenceExists, []);
        }
        catch (PostgresException e) when (IsRace(e))
        {
            return WriteResult.Conflict;
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public async Task<ConfigRecord> GetConfigAsync(string? subject, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand("SELECT compatibility, policy, mode, format_assertion FROM config WHERE scope = $1");
            command.Parameters.Add(P(subject ?? GlobalScope));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return ConfigRecord.Empty;
            }

            return new ConfigRecord
            {
                Compatibility = r.IsDBNull(0) ? null : (CompatibilityLevel)r.GetInt16(0),
                Policy = r.IsDBNull(1) ? null : (CompatibilityPolicy)r.GetInt16(1),
                Mode = r.IsDBNull(2) ? null : (RegistryMode)r.GetInt16(2),
                FormatAssertion = r.IsDBNull(3) ? null : r.GetBoolean(3),
            };
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public async Task SetConfigAsync(string? subject, ConfigRecord config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        try
        {
            await using var command = config.IsEmpty
                ? _dataSource.CreateCommand("DELETE FROM config WHERE scope = $1")
                : _dataSource.CreateCommand("""
                    INSERT INTO config (scope, compatibility, policy, mode, format_assertion) VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (scope) DO UPDATE SET compatibility = $2, policy = $3, mode = $4, format_assertion = $5
                    """);
            command.Parameters.Add(P(subject ?? GlobalScope));
            if (!config.IsEmpty)
            {
                command.Parameters.Add(Small(config.Compatibility is { } level ? (short)level : null));
                command.Parameters.Add(Small(config.Policy is { } policy ? (short)policy : null));
                command.Parameters.Add(Small(config.Mode is { } mode ? (short)mode : null));
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = config.FormatAssertion is { } formats ? formats : DBNull.Value });
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private const string SelectVersion =
        "SELECT subject, version, schema_id, state, deleted, semver, metadata, deprecation, created_at, created_by, updated_at FROM versions";

    private static VersionRecord ReadVersion(NpgsqlDataReader r, int o) => new()
    {
        Subject = r.GetString(o),
        Version = r.GetInt32(o + 1),
        SchemaId = r.GetInt64(o + 2),
        State = (LifecycleState)r.GetInt16(o + 3),
        IsDeleted = r.GetBoolean(o + 4),
        Semver = r.IsDBNull(o + 5) ? null : r.GetString(o + 5),
        Metadata = r.IsDBNull(o + 6) ? VersionMetadata.Empty : RecordJson.ReadMetadata(r.GetString(o + 6)),
        Deprecation = r.IsDBNull(o + 7) ? null : RecordJson.ReadDeprecation(r.GetString(o + 7)),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(o + 8)),
        CreatedBy = r.IsDBNull(o + 9) ? null : r.GetString(o + 9),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(o + 10)),
    };

    private static async Task<IReadOnlyList<VersionUsage>> ReadUsagesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var list = new List<VersionUsage>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new VersionUsage(r.GetString(0), r.GetInt32(1), r.GetInt64(2), (LifecycleState)r.GetInt16(3), r.GetBoolean(4)));
        }

        return list;
    }

    private static async Task<long?> FindSchemaIdAsync(NpgsqlConnection connection, NpgsqlTransaction tx, byte[] fingerprint, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, tx, "SELECT id FROM schemas WHERE fingerprint = $1", P(fingerprint));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long id ? id : null;
    }

    /// <summary>Moves the subject to the next revision if it is at <paramref name="expected"/>; the row stays locked until commit.</summary>
    private static async Task<bool> BumpRevisionAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string subject, long expected, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, tx, "UPDATE subjects SET revision = revision + 1 WHERE name = $1 AND revision = $2", P(subject), P(expected));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// Locks the versions about to be deleted (FOR UPDATE waits for appends that reference them to commit, so the
    /// referrer check that follows sees those references); false when one of them does not exist.
    /// </summary>
    private static async Task<bool> LockVersionsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string subject, int[] versions, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, tx,
            "SELECT count(*) FROM (SELECT 1 FROM versions WHERE subject = $1 AND version = ANY($2) FOR UPDATE) locked", P(subject), P(versions));
        var count = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return count == new HashSet<int>(versions).Count;
    }

    /// <summary>Versions outside the set that reference a version in the set (only live ones when <paramref name="liveOnly"/>).</summary>
    private static async Task<List<SubjectVersionRef>> FindReferrersAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, string subject, int[] versions, bool liveOnly, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, tx, """
            SELECT DISTINCT r.subject, r.version FROM version_references r
            JOIN versions v ON v.subject = r.subject AND v.version = r.version
            WHERE r.ref_subject = $1 AND r.ref_version = ANY($2) AND (NOT $3 OR NOT v.deleted)
              AND NOT (r.subject = $1 AND r.version = ANY($2))
            ORDER BY r.subject, r.version
            """, P(subject), P(versions), P(liveOnly));
        var found = new List<SubjectVersionRef>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(new SubjectVersionRef(r.GetString(0), r.GetInt32(1)));
        }

        return found;
    }

    private static int[] ToArray(IReadOnlyList<int> versions)
    {
        var array = new int[versions.Count];
        for (var i = 0; i < array.Length; i++)
        {
            array[i] = versions[i];
        }

        return array;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, tx);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = Command(connection, tx, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlBatchCommand Statement(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>Several statements in one round trip (positional parameters cannot span statements of one command).</summary>
    private static async Task ExecuteBatchAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken cancellationToken, params NpgsqlBatchCommand[] statements)
    {
        await using var batch = new NpgsqlBatch(connection, tx);
        foreach (var statement in statements)
        {
            batch.BatchCommands.Add(statement);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlParameter<T> P<T>(T value) => new() { TypedValue = value };

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Small(short? value) => new() { NpgsqlDbType = NpgsqlDbType.Smallint, Value = value is { } v ? v : DBNull.Value };

    /// <summary>
    /// Errors that mean "another writer got there first" and are resolved by re-reading and retrying: a key taken by
    /// a concurrent transaction, a deadlock or serialization failure the server broke.
    /// </summary>
    private static bool IsRace(PostgresException e) =>
        e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;

    /// <summary>
    /// The engine's view of a failure: the server unreachable, shutting down, out of connections or timing out is
    /// <see cref="RegistryErrorCode.StoreUnavailable"/> (retry later); any other database error is a store error.
    /// Null for exceptions that are not the database's (cancellation by the caller, bugs), which propagate as they are.
    /// </summary>
    internal static RegistryException? Translate(Exception e) => e switch
    {
        PostgresException pg when IsUnavailable(pg.SqlState) =>
            new RegistryException(RegistryErrorCode.StoreUnavailable, $"PostgreSQL is unavailable ({pg.SqlState}): {pg.MessageText}", e),
        PostgresException pg =>
            new RegistryException($"PostgreSQL failed ({pg.SqlState}): {pg.MessageText}", e),
        NpgsqlException => new RegistryException(RegistryErrorCode.StoreUnavailable, $"PostgreSQL cannot be reached: {e.Message}", e),
        TimeoutException => new RegistryException(RegistryErrorCode.StoreUnavailable, $"PostgreSQL did not answer in time: {e.Message}", e),
        System.Net.Sockets.SocketException or IOException => new RegistryException(RegistryErrorCode.StoreUnavailable, $"PostgreSQL cannot be reached: {e.Message}", e),
        _ => null,
    };

    private static bool IsUnavailable(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)        // connection exceptions
        || sqlState.StartsWith("53", StringComparison.Ordinal)     // insufficient resources, too many connections
        || sqlState.StartsWith("57P", StringComparison.Ordinal)    // admin/crash shutdown, cannot connect now
        || sqlState == PostgresErrorCodes.QueryCanceled            // statement timeout
        || sqlState.StartsWith("58", StringComparison.Ordinal);    // system error (I/O)
}
