using System.Runtime.CompilerServices;
using Npgsql;
using Registry.Engine.Model;
using Registry.Engine.Storage.Sql;
using Registry.Schemas.Validation;
using static Registry.Engine.Storage.Postgres.PostgresCommands;

namespace Registry.Engine.Storage.Postgres;

/// <summary>
/// The shared system of record for several replicas. Every write is one READ COMMITTED transaction that starts by
/// moving the subject row from the expected revision to the next (<c>UPDATE ... WHERE revision = expected</c>: no row
/// means another writer got there first, a conflict). That row lock queues writers of one subject across every
/// process; writers of different subjects only meet at the id allocator row, and only when they create a schema.
/// Lock order is always subject row → version rows → allocator row, so writers cannot deadlock one another.
/// Reads are single statements (one snapshot each) on pooled connections. The transaction bodies are in
/// <see cref="PostgresWrites"/>; every call goes through one wrapper that turns database failures into the engine's
/// errors (<see cref="PostgresErrors.Translate"/>).
/// </summary>
public sealed partial class PostgresRegistryStore : IRegistryStore, ISchemaIndex, IWarmupSource, IRegistryArchive
{
    private static readonly MigrationTable Migrations = new(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, to_timestamp($3 / 1000.0))");

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

    /// <summary>The version of the database schema this build migrates to (the number of its newest migration).</summary>
    public static int SchemaVersion => PostgresMigrations.All[^1].Version;

    /// <summary>How many migrations this build has (numbers may skip one another change owns).</summary>
    public static int MigrationCount => PostgresMigrations.All.Length;

    /// <summary>Host, port and database, for logs (no credentials).</summary>
    public string Location { get; }

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) =>
        RunAsync(static async (source, _, ct) =>
        {
            await using var connection = await source.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);

            // Replicas starting together queue here; the lock is released with the transaction.
            await ExecuteAsync(connection, tx, "SELECT pg_advisory_xact_lock($1)", ct, P(PostgresMigrations.AdvisoryLockKey)).ConfigureAwait(false);
            await MigrationRunner.RunAsync(connection, tx, Migrations, PostgresMigrations.All, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return true;
        }, 0, cancellationToken);

    /// <inheritdoc />
    public Task<SchemaRecord?> GetSchemaAsync(long id, CancellationToken cancellationToken) =>
        RunAsync(static async (source, id, ct) =>
        {
            await using var command = source.CreateCommand(SqlStatements.SchemaById);
            command.Parameters.Add(P(id));
            await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await r.ReadAsync(ct).ConfigureAwait(false) ? SqlRows.Schema(r, id) : null;
        }, id, cancellationToken);

    /// <inheritdoc />
    public Task<SchemaEntry?> GetSchemaEntryAsync(long id, CancellationToken cancellationToken) =>
        RunAsync(static async (source, id, ct) =>
        {
            await using var command = source.CreateCommand("""
                SELECT schema_type, content_hash, content_sha256, references_json FROM schemas
                WHERE id = $1 AND EXISTS (SELECT 1 FROM versions WHERE schema_id = $1)
                """);
            command.Parameters.Add(P(id));
            await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await r.ReadAsync(ct).ConfigureAwait(false)
                ? new SchemaEntry(id, r.GetString(0), r.GetFieldValue<byte[]>(1), r.GetFieldValue<byte[]>(2), RecordJson.ReadReferences(r.GetString(3)))
                : null;
        }, id, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> GetWarmupSchemaIdsAsync(int limit, CancellationToken cancellationToken) =>
        RunAsync(static async (source, limit, ct) =>
        {
            await using var command = source.CreateCommand($"""
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
            return (IReadOnlyList<long>)await ReadAllAsync(command, static r => r.GetInt64(0), ct).ConfigureAwait(false);
        }, limit, cancellationToken);

    /// <inheritdoc />
    public Task<long?> FindSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, CancellationToken cancellationToken) =>
        RunAsync(static async (source, fingerprint, ct) =>
        {
            await using var command = source.CreateCommand(SqlStatements.SchemaIdByFingerprint);
            command.Parameters.Add(P(fingerprint.ToArray()));
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is long id ? id : (long?)null;
        }, fingerprint, cancellationToken);

    /// <inheritdoc />
    public Task<SubjectSnapshot?> GetSubjectAsync(string subject, CancellationToken cancellationToken) =>
        RunAsync(static async (source, subject, ct) =>
        {
            // Versions and aliases are two statements: the aliases belong to the snapshot when both saw the same
            // revision (every alias write bumps it); otherwise a writer came between them, and the read starts again.
            while (true)
            {
                long? revision = null;
                var versions = new List<VersionRecord>();
                await using (var command = source.CreateCommand(SqlStatements.SubjectSnapshot))
                {
                    command.Parameters.Add(P(subject));
                    await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    while (await r.ReadAsync(ct).ConfigureAwait(false))
                    {
                        revision = SqlRows.SnapshotRow(r, versions);
                    }
                }

                if (revision is not { } found)
                {
                    return null;
                }

                long? aliasRevision = null;
                var aliases = new List<AliasRecord>();
                await using (var command = source.CreateCommand(SqlStatements.AliasesOfSubject))
                {
                    command.Parameters.Add(P(subject));
                    await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    while (await r.ReadAsync(ct).ConfigureAwait(false))
                    {
                        aliasRevision = SqlRows.AliasRow(r, aliases);
                    }
                }

                if (aliasRevision == found)
                {
                    return new SubjectSnapshot(subject, found, versions) { Aliases = aliases };
                }
            }
        }, subject, cancellationToken);

    /// <inheritdoc />
    public Task<VersionRecord?> GetVersionAsync(string subject, int version, CancellationToken cancellationToken) =>
        RunAsync(static async (source, key, ct) =>
        {
            await using var command = source.CreateCommand(SqlStatements.VersionByNumber);
            command.Parameters.Add(P(key.subject));
            command.Parameters.Add(P(key.version));
            await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await r.ReadAsync(ct).ConfigureAwait(false) ? SqlRows.Version(r, 0) : null;
        }, (subject, version), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListSubjectsAsync(SubjectQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return RunAsync(static async (source, query, ct) =>
        {
            await using var command = source.CreateCommand("""
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
            return (IReadOnlyList<string>)await ReadAllAsync(command, static r => r.GetString(0), ct).ConfigureAwait(false);
        }, query, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<VersionUsage>> GetSchemaUsageAsync(long schemaId, CancellationToken cancellationToken) =>
        RunAsync(static async (source, schemaId, ct) =>
        {
            await using var command = source.CreateCommand(SqlStatements.UsagesOfSchema);
            command.Parameters.Add(P(schemaId));
            return (IReadOnlyList<VersionUsage>)await ReadAllAsync(command, SqlRows.Usage, ct).ConfigureAwait(false);
        }, schemaId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<VersionUsage>> GetReferrersAsync(SubjectVersionRef target, CancellationToken cancellationToken) =>
        RunAsync(static async (source, target, ct) =>
        {
            await using var command = source.CreateCommand(SqlStatements.ReferrersOf);
            command.Parameters.Add(P(target.Subject));
            command.Parameters.Add(P(target.Version));
            return (IReadOnlyList<VersionUsage>)await ReadAllAsync(command, SqlRows.Usage, ct).ConfigureAwait(false);
        }, target, cancellationToken);

    /// <inheritdoc />
    public Task<AppendResult> AppendVersionAsync(VersionAppend append, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(append);
        return InTransactionAsync(PostgresWrites.AppendAsync, append, static e =>
            e.SqlState == PostgresErrorCodes.ForeignKeyViolation ? new AppendResult(WriteOutcome.ReferenceNotFound, 0, 0, false)
            : PostgresErrors.IsRace(e) ? new AppendResult(WriteOutcome.Conflict, 0, 0, false)
            : null, cancellationToken);
    }

    /// <inheritdoc />
    public Task<WriteResult> UpdateVersionAsync(VersionUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        return InTransactionAsync(PostgresWrites.UpdateAsync, update, RaceIsConflict, cancellationToken);
    }

    /// <inheritdoc />
    public Task<WriteResult> SoftDeleteAsync(string subject, IReadOnlyList<int> versions, long expectedRevision, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(versions);
        return InTransactionAsync(
            static (connection, tx, a, ct) => PostgresWrites.SoftDeleteAsync(connection, tx, a.subject, a.versions, a.expectedRevision, a.now, ct),
            (subject, versions: ToArray(versions), expectedRevision, now), RaceIsConflict, cancellationToken);
    }

    /// <inheritdoc />
    public Task<WriteResult> HardDeleteAsync(string subject, IReadOnlyList<int> versions, bool wholeSubject, long expectedRevision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(versions);
        return InTransactionAsync(
            static (connection, tx, a, ct) => PostgresWrites.HardDeleteAsync(connection, tx, a.subject, a.versions, a.wholeSubject, a.expectedRevision, ct),
            (subject, versions: ToArray(versions), wholeSubject, expectedRevision),
            static e => e.SqlState == PostgresErrorCodes.ForeignKeyViolation
                // A reference committed between our check and our commit: report it like the check would have.
                ? new WriteResult(WriteOutcome.ReferenceExists, [])
                : RaceIsConflict(e),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<WriteResult> SetAliasAsync(AliasWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        return InTransactionAsync(PostgresWrites.SetAliasAsync, write, RaceIsConflict, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AliasMove>> GetAliasHistoryAsync(string subject, string name, int limit, CancellationToken cancellationToken) =>
        RunAsync(static async (source, a, ct) =>
        {
            await using var command = source.CreateCommand(SqlStatements.AliasHistory);
            command.Parameters.Add(P(a.subject));
            command.Parameters.Add(P(a.name));
            command.Parameters.Add(P(Math.Max(0, a.limit)));
            return (IReadOnlyList<AliasMove>)await ReadAllAsync(command, SqlRows.AliasMove, ct).ConfigureAwait(false);
        }, (subject, name, limit), cancellationToken);

    /// <inheritdoc />
    public Task<ConfigRecord> GetConfigAsync(string? subject, CancellationToken cancellationToken) =>
        RunAsync(static async (source, scope, ct) =>
        {
            await using var command = source.CreateCommand(SqlStatements.ConfigOfScope);
            command.Parameters.Add(P(scope));
            await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await r.ReadAsync(ct).ConfigureAwait(false) ? SqlRows.Config(r) : ConfigRecord.Empty;
        }, subject ?? SqlStatements.GlobalScope, cancellationToken);

    /// <inheritdoc />
    public Task SetConfigAsync(string? subject, ConfigRecord config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        return RunAsync(static async (source, a, ct) =>
        {
            await using var command = source.CreateCommand(a.config.IsEmpty ? SqlStatements.DeleteConfig : SqlStatements.UpsertConfig);
            command.Parameters.Add(P(a.scope));
            if (!a.config.IsEmpty)
            {
                command.Parameters.Add(Small(a.config.Compatibility is { } level ? (short)level : null));
                command.Parameters.Add(Small(a.config.Policy is { } policy ? (short)policy : null));
                command.Parameters.Add(Small(a.config.Mode is { } mode ? (short)mode : null));
                command.Parameters.Add(Text(a.config.Profiles is { } profiles ? ConfigProfiles.Format(profiles) : null));
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Boolean, Value = a.config.FormatAssertion is { } formats ? formats : DBNull.Value });
                command.Parameters.Add(Text(a.config.DefaultDraft is { } draft ? JsonSchemaDrafts.Name(draft) : null));
                command.Parameters.Add(Text(a.config.Contract is { } contract ? ContractJson.ToJson(contract) : null));
            }

            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, (scope: subject ?? SqlStatements.GlobalScope, config), cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ArchiveRecord> ReadArchiveAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // One REPEATABLE READ transaction: every statement of the export sees the same snapshot, and takes no locks.
        await using var connection = await RunAsync(static async (source, _, ct) => await source.OpenConnectionAsync(ct).ConfigureAwait(false), 0, cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await foreach (var record in SqlArchive.ReadAsync(connection, tx, cancellationToken).ConfigureAwait(false))
        {
            yield return record;
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<ArchiveImportResult> ImportArchiveAsync(IAsyncEnumerable<ArchiveRecord> records, ArchiveImportOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(options);
        return RunAsync(static async (source, a, ct) =>
        {
            await using var connection = await source.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            using var session = new PostgresArchiveSession(connection, tx);
            await session.LockAsync(ct).ConfigureAwait(false);
            var result = await SqlArchive.ImportAsync(session, a.records, a.options, ct).ConfigureAwait(false);
            if (result.Outcome != ArchiveImportOutcome.Done)
            {
                // Rolled back when the transaction is disposed.
                return result;
            }

            await tx.CommitAsync(ct).ConfigureAwait(false);

            // A restore can load a whole registry into tables the planner has no statistics for yet (autovacuum analyses
            // them only a while later): without them an export right after the restore was planned as a scan of every
            // version for each schema id (hours for 100,000 schemas). Analysing now gives the next queries their plans.
            await using (var analyze = connection.CreateCommand())
            {
                analyze.CommandText = "ANALYZE schemas, subjects, versions, version_references, config, aliases, alias_history";
                await analyze.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            return result;
        }, (records, options), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static WriteResult? RaceIsConflict(PostgresException e) => PostgresErrors.IsRace(e) ? WriteResult.Conflict : null;

    /// <summary>
    /// Every call to the database goes through here: a failure of the database comes out as a <see cref="RegistryException"/>
    /// (<see cref="PostgresErrors.Translate"/>); anything else (the caller's cancellation, a bug) propagates as it is.
    /// </summary>
    private async Task<T> RunAsync<TState, T>(Func<NpgsqlDataSource, TState, CancellationToken, Task<T>> work, TState state, CancellationToken cancellationToken)
    {
        try
        {
            return await work(_dataSource, state, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (PostgresErrors.Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// A write transaction: <paramref name="body"/> runs on a new transaction and commits it when it is done. A
    /// PostgreSQL error for which <paramref name="outcomeOf"/> names an outcome (another writer got there first, a
    /// reference that appeared or vanished meanwhile) is answered with it; any other failure is translated.
    /// </summary>
    private Task<T> InTransactionAsync<TState, T>(
        Func<NpgsqlConnection, NpgsqlTransaction, TState, CancellationToken, Task<T>> body, TState state, Func<PostgresException, T?> outcomeOf, CancellationToken cancellationToken)
        where T : class =>
        RunAsync(static async (source, a, ct) =>
        {
            try
            {
                await using var connection = await source.OpenConnectionAsync(ct).ConfigureAwait(false);
                await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                return await a.body(connection, tx, a.state, ct).ConfigureAwait(false);
            }
            catch (PostgresException e) when (a.outcomeOf(e) is { } outcome)
            {
                return outcome;
            }
        }, (body, state, outcomeOf), cancellationToken);
}
