using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Engine.Storage.Sql;

namespace Registry.Engine.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so an acknowledged write is on disk.
/// Writes run in <c>BEGIN IMMEDIATE</c> transactions (the file's write lock is taken up front, so two writers never
/// deadlock upgrading a read lock); readers use their own connections and see committed snapshots. Several processes
/// may open the same file: the write lock and the subject revision checks keep them consistent; the in-process
/// writer gate only saves them from spinning on the file lock. The transaction bodies are in <see cref="SqliteWrites"/>.
/// </summary>
public sealed partial class SqliteRegistryStore : IRegistryStore, IWarmupSource, IRegistryArchive
{
    private static readonly MigrationTable Migrations = new(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)");

    private readonly string _connectionString;
    private readonly TimeSpan _busyTimeout;
    private readonly ConcurrentBag<SqliteSession> _readers = [];
    private readonly SemaphoreSlim _readerSlots;
    private readonly SemaphoreSlim _writerGate = new(1, 1);
    private SqliteSession? _writer;
    private bool _disposed;

    /// <summary>Creates the store; the file is opened by <see cref="InitializeAsync"/>.</summary>
    public SqliteRegistryStore(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = System.IO.Path.GetFullPath(options.Path);
        Path = path;
        _busyTimeout = options.BusyTimeout;
        _readerSlots = new SemaphoreSlim(Math.Max(1, options.MaxReadConnections));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false, // this class pools its own sessions, with their prepared commands
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
    }

    /// <summary>The absolute path of the database file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        var folder = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        // The migrations and their records commit together; BEGIN IMMEDIATE keeps other processes out meanwhile.
        return WriteAsync(
            static (s, _, ct) => MigrationRunner.RunAsync(s.Connection, null, Migrations, SqliteMigrations.All, ct),
            0,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<SchemaRecord?> GetSchemaAsync(long id, CancellationToken cancellationToken) =>
        ReadAsync(static (s, id) =>
        {
            using var r = s.Command(SqlStatements.SchemaById, id).ExecuteReader();
            return r.Read() ? SqlRows.Schema(r, id) : null;
        }, id, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> GetWarmupSchemaIdsAsync(int limit, CancellationToken cancellationToken) =>
        ReadAsync(static (s, limit) => (IReadOnlyList<long>)s.ReadAll($"""
            WITH latest AS (
                SELECT v.schema_id FROM versions v
                WHERE v.deleted = 0 AND v.version = (SELECT max(l.version) FROM versions l WHERE l.subject = v.subject AND l.deleted = 0)
            ), ranked AS (
                SELECT schema_id, count(*) AS uses, 1 AS latest FROM latest GROUP BY schema_id
                UNION ALL
                SELECT schema_id, count(*), 0 FROM versions WHERE deleted = 0 AND state <> {(int)LifecycleState.Archived} GROUP BY schema_id
            )
            SELECT schema_id FROM ranked GROUP BY schema_id
            ORDER BY max(latest) DESC, sum(uses) DESC, schema_id DESC
            LIMIT $1
            """, static r => r.GetInt64(0), Math.Max(0, limit)), limit, cancellationToken);

    /// <inheritdoc />
    public Task<long?> FindSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, CancellationToken cancellationToken) =>
        ReadAsync(static (s, fp) => s.Scalar(SqlStatements.SchemaIdByFingerprint, fp) as long?, fingerprint.ToArray(), cancellationToken);

    /// <inheritdoc />
    public Task<SubjectSnapshot?> GetSubjectAsync(string subject, CancellationToken cancellationToken) =>
        ReadAsync(static (s, subject) =>
        {
            // Versions and aliases are two statements: the aliases belong to the snapshot when both saw the same
            // revision (every alias write bumps it); otherwise a writer came between them, and the read starts again.
            while (true)
            {
                long? revision = null;
                var versions = new List<VersionRecord>();
                using (var r = s.Command(SqlStatements.SubjectSnapshot, subject).ExecuteReader())
                {
                    while (r.Read())
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
                using (var r = s.Command(SqlStatements.AliasesOfSubject, subject).ExecuteReader())
                {
                    while (r.Read())
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
        ReadAsync(static (s, key) =>
        {
            using var r = s.Command(SqlStatements.VersionByNumber, key.subject, key.version).ExecuteReader();
            return r.Read() ? SqlRows.Version(r, 0) : null;
        }, (subject, version), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListSubjectsAsync(SubjectQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync(static (s, q) => (IReadOnlyList<string>)s.ReadAll("""
            SELECT s.name FROM subjects s
            WHERE ($1 IS NULL OR (s.name >= $1 AND substr(s.name, 1, length($1)) = $1))
              AND CASE $2
                    WHEN 0 THEN EXISTS (SELECT 1 FROM versions v WHERE v.subject = s.name AND v.deleted = 0)
                    WHEN 1 THEN EXISTS (SELECT 1 FROM versions v WHERE v.subject = s.name)
                    ELSE EXISTS (SELECT 1 FROM versions v WHERE v.subject = s.name)
                         AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.subject = s.name AND v.deleted = 0)
                  END
            ORDER BY s.name LIMIT $3 OFFSET $4
            """, static r => r.GetString(0), string.IsNullOrEmpty(q.Prefix) ? null : q.Prefix, (int)q.Deleted, q.Limit, q.Offset), query, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<VersionUsage>> GetSchemaUsageAsync(long schemaId, CancellationToken cancellationToken) =>
        ReadAsync(static (s, id) => (IReadOnlyList<VersionUsage>)s.ReadAll(SqlStatements.UsagesOfSchema, SqlRows.Usage, id), schemaId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<VersionUsage>> GetReferrersAsync(SubjectVersionRef target, CancellationToken cancellationToken) =>
        ReadAsync(static (s, t) => (IReadOnlyList<VersionUsage>)s.ReadAll(SqlStatements.ReferrersOf, SqlRows.Usage, t.Subject, t.Version), target, cancellationToken);

    /// <inheritdoc />
    public Task<AppendResult> AppendVersionAsync(VersionAppend append, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(append);
        return WriteAsync(SqliteWrites.Append, append, cancellationToken);
    }

    /// <inheritdoc />
    public Task<WriteResult> UpdateVersionAsync(VersionUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        return WriteAsync(SqliteWrites.Update, update, cancellationToken);
    }

    /// <inheritdoc />
    public Task<WriteResult> SoftDeleteAsync(string subject, IReadOnlyList<int> versions, long expectedRevision, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(versions);
        return WriteAsync(static (s, a) => SqliteWrites.SoftDelete(s, a.subject, a.versions, a.expectedRevision, a.now), (subject, versions, expectedRevision, now), cancellationToken);
    }

    /// <inheritdoc />
    public Task<WriteResult> HardDeleteAsync(string subject, IReadOnlyList<int> versions, bool wholeSubject, long expectedRevision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(versions);
        return WriteAsync(
            static (s, a) => SqliteWrites.HardDelete(s, a.subject, a.versions, a.wholeSubject, a.expectedRevision), (subject, versions, wholeSubject, expectedRevision), cancellationToken);
    }

    /// <inheritdoc />
    public Task<WriteResult> SetAliasAsync(AliasWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        return WriteAsync(SqliteWrites.SetAlias, write, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AliasMove>> GetAliasHistoryAsync(string subject, string name, int limit, CancellationToken cancellationToken) =>
        ReadAsync(static (s, a) => (IReadOnlyList<AliasMove>)s.ReadAll(SqlStatements.AliasHistory, SqlRows.AliasMove, a.subject, a.name, Math.Max(0, a.limit)),
            (subject, name, limit), cancellationToken);

    /// <inheritdoc />
    public Task<ConfigRecord> GetConfigAsync(string? subject, CancellationToken cancellationToken) =>
        ReadAsync(static (s, scope) =>
        {
            using var r = s.Command(SqlStatements.ConfigOfScope, scope).ExecuteReader();
            return r.Read() ? SqlRows.Config(r) : ConfigRecord.Empty;
        }, subject ?? SqlStatements.GlobalScope, cancellationToken);

    /// <inheritdoc />
    public Task SetConfigAsync(string? subject, ConfigRecord config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        return WriteAsync(static (s, a) => SqliteWrites.SetConfig(s, a.scope, a.config), (scope: subject ?? SqlStatements.GlobalScope, config), cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ArchiveRecord> ReadArchiveAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // One reader connection for the whole export, inside one read transaction: WAL gives it one snapshot while
        // writers go on.
        await _readerSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        SqliteSession? session = null;
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            session = _readers.TryTake(out var pooled) ? pooled : Open();
            session.Execute("BEGIN;");
            await foreach (var record in SqlArchive.ReadAsync(session.Connection, null, cancellationToken).ConfigureAwait(false))
            {
                yield return record;
            }

            session.Execute("COMMIT;");
            _readers.Add(session);
            session = null;
        }
        finally
        {
            // Failed or abandoned mid-way: the session may still be in its transaction, so it is not reused.
            session?.Dispose();
            _readerSlots.Release();
        }
    }

    /// <inheritdoc />
    public Task<ArchiveImportResult> ImportArchiveAsync(IAsyncEnumerable<ArchiveRecord> records, ArchiveImportOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(options);
        return WriteAsync(static async (s, a, ct) =>
        {
            using var session = new SqliteArchiveSession(s.Connection);
            return await SqlArchive.ImportAsync(session, a.records, a.options, ct).ConfigureAwait(false);
        }, (records, options), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _writerGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            _writer?.Dispose();
            _writer = null;
            while (_readers.TryTake(out var reader))
            {
                reader.Dispose();
            }
        }
        finally
        {
            _writerGate.Release();
        }
    }

    /// <summary>
    /// True when the store's own calls are traced: set by the host when this store runs alone (with cache tiers in front,
    /// the tiered store traces each call to it instead, and a second span per call would say nothing new).
    /// </summary>
    public bool TraceCalls { get; set; }

    /// <summary>A client span for one call, when <see cref="TraceCalls"/> is on and a tracer listens; null otherwise (nothing allocated).</summary>
    private Activity? StartSpan(string operation)
    {
        if (!TraceCalls || !EngineTracing.Source.HasListeners())
        {
            return null;
        }

        var span = EngineTracing.Source.StartActivity("registry.store", ActivityKind.Client);
        span?.SetTag("registry.tier", "store");
        span?.SetTag("db.system.name", "sqlite");
        span?.SetTag("registry.store.operation", operation);
        return span;
    }

    private async Task<TResult> ReadAsync<TState, TResult>(
        Func<SqliteSession, TState, TResult> read, TState state, CancellationToken cancellationToken, [CallerMemberName] string operation = "")
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var span = StartSpan(operation);
        await _readerSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        SqliteSession? session = null;
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_readers.TryTake(out session))
            {
                session = Open();
            }

            var result = read(session, state);
            _readers.Add(session);
            session = null;
            return result;
        }
        catch (SqliteException e)
        {
            EngineTracing.Fail(span, "failed");
            throw Translate(e);
        }
        finally
        {
            // A session that failed mid-read may be inside a transaction: drop it rather than reuse it.
            session?.Dispose();
            _readerSlots.Release();
        }
    }

    private Task<TResult> WriteAsync<TState, TResult>(
        Func<SqliteSession, TState, TResult> write, TState state, CancellationToken cancellationToken, [CallerMemberName] string operation = "") =>
        WriteAsync(static (s, a, _) => Task.FromResult(a.write(s, a.state)), (write, state), cancellationToken, operation);

    /// <summary>
    /// One write transaction: <c>BEGIN IMMEDIATE</c>, <paramref name="write"/>, then <c>COMMIT</c> when it is done
    /// (anything but a done <see cref="WriteResult"/> or <see cref="AppendResult"/> counts as done) or <c>ROLLBACK</c>.
    /// </summary>
    private async Task<TResult> WriteAsync<TState, TResult>(
        Func<SqliteSession, TState, CancellationToken, Task<TResult>> write, TState state, CancellationToken cancellationToken, [CallerMemberName] string operation = "")
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var span = StartSpan(operation);
        await _writerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var session = _writer ??= Open();
            session.Execute("BEGIN IMMEDIATE;");
            TResult result;
            try
            {
                result = await write(session, state, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                RollbackQuietly(session);
                throw;
            }

            // A write that ends with anything but Done leaves no trace.
            if (result is WriteResult { Outcome: not WriteOutcome.Done } or AppendResult { Outcome: not WriteOutcome.Done }
                or ArchiveImportResult { Outcome: not ArchiveImportOutcome.Done })
            {
                session.Execute("ROLLBACK;");
            }
            else
            {
                // Returns once the WAL is fsynced (synchronous=FULL): only then is the write acknowledged.
                session.Execute("COMMIT;");
            }

            return result;
        }
        catch (SqliteException e)
        {
            EngineTracing.Fail(span, "failed");

            // The session's state is unknown after a failure: open a fresh one next time.
            _writer?.Dispose();
            _writer = null;
            throw Translate(e);
        }
        finally
        {
            _writerGate.Release();
        }
    }

    private static void RollbackQuietly(SqliteSession session)
    {
        try
        {
            if (session.Connection.State != System.Data.ConnectionState.Closed)
            {
                session.Execute("ROLLBACK;");
            }
        }
        catch (SqliteException)
        {
            // Nothing to roll back (SQLite already did on a failed COMMIT).
        }
    }

    private SqliteSession Open() => new(_connectionString, _busyTimeout);

    private static RegistryException Translate(SqliteException e) => e.SqliteErrorCode switch
    {
        5 or 6 => new RegistryException(RegistryErrorCode.StoreUnavailable, "The database is locked by another writer; retry.", e), // BUSY, LOCKED
        10 or 13 or 14 => new RegistryException(RegistryErrorCode.StoreUnavailable, $"The database file cannot be written: {e.Message}", e), // IOERR, FULL, CANTOPEN
        _ => new RegistryException($"The embedded store failed: {e.Message}", e),
    };
}
