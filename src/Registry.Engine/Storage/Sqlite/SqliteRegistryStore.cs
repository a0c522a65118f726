using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Registry.Schemas.Compatibility;
using Registry.Engine.Model;

namespace Registry.Engine.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so an acknowledged write is on disk.
/// Writes run in <c>BEGIN IMMEDIATE</c> transactions (the file's write lock is taken up front, so two writers never
/// deadlock upgrading a read lock); readers use their own connections and see committed snapshots. Several processes
/// may open the same file: the write lock and the subject revision checks keep them consistent; the in-process
/// writer gate only saves them from spinning on the file lock.
/// </summary>
public sealed class SqliteRegistryStore : IRegistryStore, IWarmupSource
{
    private const string GlobalScope = "";

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

        return WriteAsync(static (s, _) =>
        {
            s.Execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);");
            var applied = Convert.ToInt64(s.Command("SELECT coalesce(max(version), 0) FROM schema_migrations;").ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            foreach (var (version, name, sql) in SqliteMigrations.All)
            {
                if (version <= applied)
                {
                    continue;
                }

                using var command = s.Connection.CreateCommand();
                command.CommandText = sql;
                command.ExecuteNonQuery();
                var record = s.Command("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, $n, $t);");
                record.Parameters.AddWithValue("$v", version);
                record.Parameters.AddWithValue("$n", name);
                record.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                record.ExecuteNonQuery();
            }

            return true;
        }, 0, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SchemaRecord?> GetSchemaAsync(long id, CancellationToken cancellationToken) =>
        ReadAsync(static (s, id) =>
        {
            var c = s.Command("""
                SELECT schema_type, content, content_hash, references_json FROM schemas
                WHERE id = $id AND EXISTS (SELECT 1 FROM versions WHERE schema_id = $id);
                """);
            c.Parameters.AddWithValue("$id", id);
            using var r = c.ExecuteReader();
            return r.Read()
                ? new SchemaRecord(id, r.GetString(0), (byte[])r.GetValue(1), (byte[])r.GetValue(2), RecordJson.ReadReferences(r.GetString(3)))
                : null;
        }, id, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> GetWarmupSchemaIdsAsync(int limit, CancellationToken cancellationToken) =>
        ReadAsync(static (s, limit) =>
        {
            var c = s.Command($"""
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
                LIMIT $limit;
                """);
            c.Parameters.AddWithValue("$limit", Math.Max(0, limit));
            var ids = new List<long>();
            using var r = c.ExecuteReader();
            while (r.Read())
            {
                ids.Add(r.GetInt64(0));
            }

            return (IReadOnlyList<long>)ids;
        }, limit, cancellationToken);

    /// <inheritdoc />
    public Task<long?> FindSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, CancellationToken cancellationToken) =>
        ReadAsync(static (s, fp) => FindSchemaId(s, fp), fingerprint.ToArray(), cancellationToken);

    /// <inheritdoc />
    public Task<SubjectSnapshot?> GetSubjectAsync(string subject, CancellationToken cancellationToken) =>
        ReadAsync(static (s, subject) =>
        {
            // One read transaction: the revision and the versions come from the same snapshot.
            s.Execute("BEGIN;");
            try
            {
                var c = s.Command("SELECT revision FROM subjects WHERE name = $s;");
                c.Parameters.AddWithValue("$s", subject);
                var revision = c.ExecuteScalar();
                if (revision is null)
                {
                    return null;
                }

                var versions = s.Command($"{SelectVersion} WHERE subject = $s ORDER BY version;");
                versions.Parameters.AddWithValue("$s", subject);
                var list = new List<VersionRecord>();
                using (var r = versions.ExecuteReader())
                {
                    while (r.Read())
                    {
                        list.Add(ReadVersion(r));
                    }
                }

                return new SubjectSnapshot(subject, (long)revision, list);
            }
            finally
            {
                s.Execute("COMMIT;");
            }
        }, subject, cancellationToken);

    /// <inheritdoc />
    public Task<VersionRecord?> GetVersionAsync(string subject, int version, CancellationToken cancellationToken) =>
        ReadAsync(static (s, key) =>
        {
            var c = s.Command($"{SelectVersion} WHERE subject = $s AND version = $v;");
            c.Parameters.AddWithValue("$s", key.subject);
            c.Parameters.AddWithValue("$v", key.version);
            using var r = c.ExecuteReader();
            return r.Read() ? ReadVersion(r) : null;
        }, (subject, version), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListSubjectsAsync(SubjectQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync(static (s, q) =>
        {
            var c = s.Command("""
                SELECT s.name FROM subjects s
                WHERE ($prefix IS NULL OR (s.name >= $prefix AND substr(s.name, 1, length($prefix)) = $prefix))
                  AND CASE $deleted
                        WHEN 0 THEN EXISTS (SELECT 1 FROM versions v WHERE v.subject = s.name AND v.deleted = 0)
                        WHEN 1 THEN EXISTS (SELECT 1 FROM versions v WHERE v.subject = s.name)
                        ELSE EXISTS (SELECT 1 FROM versions v WHERE v.subject = s.name)
                             AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.subject = s.name AND v.deleted = 0)
                      END
                ORDER BY s.name LIMIT $limit OFFSET $offset;
                """);
            c.Parameters.AddWithValue("$prefix", string.IsNullOrEmpty(q.Prefix) ? DBNull.Value : q.Prefix);
            c.Parameters.AddWithValue("$deleted", (int)q.Deleted);
            c.Parameters.AddWithValue("$limit", q.Limit);
            c.Parameters.AddWithValue("$offset", q.Offset);
            var names = new List<string>();
            using var r = c.ExecuteReader();
            while (r.Read())
            {
                names.Add(r.GetString(0));
            }

            return (IReadOnlyList<string>)names;
        }, query, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<VersionUsage>> GetSchemaUsageAsync(long schemaId, CancellationToken cancellationToken) =>
        ReadAsync(static (s, id) =>
        {
            var c = s.Command("SELECT subject, version, schema_id, state, deleted FROM versions WHERE schema_id = $id ORDER BY subject, version;");
            c.Parameters.AddWithValue("$id", id);
            return (IReadOnlyList<VersionUsage>)ReadUsages(c);
        }, schemaId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<VersionUsage>> GetReferrersAsync(SubjectVersionRef target, CancellationToken cancellationToken) =>
        ReadAsync(static (s, t) =>
        {
            var c = s.Command("""
                SELECT v.subject, v.version, v.schema_id, v.state, v.deleted
                FROM version_references r JOIN versions v ON v.subject = r.subject AND v.version = r.version
                WHERE r.ref_subject = $s AND r.ref_version = $v
                ORDER BY v.subject, v.version;
                """);
            c.Parameters.AddWithValue("$s", t.Subject);
            c.Parameters.AddWithValue("$v", t.Version);
            return (IReadOnlyList<VersionUsage>)ReadUsages(c);
        }, target, cancellationToken);

    /// <inheritdoc />
    public Task<AppendResult> AppendVersionAsync(VersionAppend append, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(append);
        return WriteAsync(static (s, a) =>
        {
            var subject = s.Command("SELECT revision, next_version FROM subjects WHERE name = $s;");
            subject.Parameters.AddWithValue("$s", a.Subject);
            long revision = 0;
            long nextVersion = 1;
            var exists = false;
            using (var r = subject.ExecuteReader())
            {
                if (r.Read())
                {
                    exists = true;
                    revision = r.GetInt64(0);
                    nextVersion = r.GetInt64(1);
                }
            }

            if (revision != a.ExpectedRevision)
            {
                return Failed(WriteOutcome.Conflict);
            }

            var now = a.CreatedAt.ToUnixTimeMilliseconds();
            if (!exists)
            {
                var insert = s.Command("INSERT INTO subjects (name, revision, next_version, created_at) VALUES ($s, 0, 1, $t);");
                insert.Parameters.AddWithValue("$s", a.Subject);
                insert.Parameters.AddWithValue("$t", now);
                insert.ExecuteNonQuery();
            }

            // The schema id: the one already given to this fingerprint, or a new one.
            var fingerprint = a.Fingerprint.ToArray();
            var schemaId = FindSchemaId(s, fingerprint);
            var created = false;
            if (schemaId is { } found)
            {
                if (a.ExplicitId is { } wanted && wanted != found)
                {
                    return Failed(WriteOutcome.IdConflict);
                }
            }
            else
            {
                if (a.ExplicitId is { } wanted)
                {
                    var taken = s.Command("SELECT 1 FROM schemas WHERE id = $id;");
                    taken.Parameters.AddWithValue("$id", wanted);
                    if (taken.ExecuteScalar() is not null)
                    {
                        return Failed(WriteOutcome.IdConflict);
                    }
                }

                // Without an explicit id SQLite assigns max(id) + 1: rows are never deleted, so ids are never reused,
                // and a rolled-back transaction leaves no gap.
                var insert = s.Command("""
                    INSERT INTO schemas (id, schema_type, fingerprint, content_hash, content, references_json, created_at)
                    VALUES ($id, $type, $fp, $hash, $content, $refs, $t) RETURNING id;
                    """);
                insert.Parameters.AddWithValue("$id", a.ExplicitId is { } id ? id : DBNull.Value);
                insert.Parameters.AddWithValue("$type", a.SchemaType);
                insert.Parameters.AddWithValue("$fp", fingerprint);
                insert.Parameters.AddWithValue("$hash", a.ContentHash.ToArray());
                insert.Parameters.AddWithValue("$content", a.Content.ToArray());
                insert.Parameters.AddWithValue("$refs", RecordJson.WriteReferences(a.References));
                insert.Parameters.AddWithValue("$t", now);
                schemaId = (long)insert.ExecuteScalar()!;
                created = true;
            }

            long version;
            if (a.ExplicitVersion is { } explicitVersion)
            {
                var taken = s.Command("SELECT 1 FROM versions WHERE subject = $s AND version = $v;");
                taken.Parameters.AddWithValue("$s", a.Subject);
                taken.Parameters.AddWithValue("$v", explicitVersion);
                if (taken.ExecuteScalar() is not null)
                {
                    return Failed(WriteOutcome.IdConflict);
                }

                version = explicitVersion;
                nextVersion = Math.Max(nextVersion, version + 1);
            }
            else
            {
                version = nextVersion++;
            }

            var insertVersion = s.Command("""
                INSERT INTO versions (subject, version, schema_id, state, deleted, semver, metadata, deprecation, created_at, created_by, updated_at)
                VALUES ($s, $v, $id, $state, 0, $semver, $meta, NULL, $t, $by, $t);
                """);
            insertVersion.Parameters.AddWithValue("$s", a.Subject);
            insertVersion.Parameters.AddWithValue("$v", version);
            insertVersion.Parameters.AddWithValue("$id", schemaId.Value);
            insertVersion.Parameters.AddWithValue("$state", (int)a.State);
            insertVersion.Parameters.AddWithValue("$semver", (object?)a.Semver ?? DBNull.Value);
            insertVersion.Parameters.AddWithValue("$meta", (object?)RecordJson.WriteMetadata(a.Metadata) ?? DBNull.Value);
            insertVersion.Parameters.AddWithValue("$t", now);
            insertVersion.Parameters.AddWithValue("$by", (object?)a.CreatedBy ?? DBNull.Value);
            insertVersion.ExecuteNonQuery();

            foreach (var reference in a.References)
            {
                var target = s.Command("SELECT 1 FROM versions WHERE subject = $s AND version = $v;");
                target.Parameters.AddWithValue("$s", reference.Subject);
                target.Parameters.AddWithValue("$v", reference.Version);
                if (target.ExecuteScalar() is null)
                {
                    return Failed(WriteOutcome.ReferenceNotFound);
                }

                var insertReference = s.Command("""
                    INSERT INTO version_references (subject, version, name, ref_subject, ref_version) VALUES ($s, $v, $n, $rs, $rv);
                    """);
                insertReference.Parameters.AddWithValue("$s", a.Subject);
                insertReference.Parameters.AddWithValue("$v", version);
                insertReference.Parameters.AddWithValue("$n", reference.Name);
                insertReference.Parameters.AddWithValue("$rs", reference.Subject);
                insertReference.Parameters.AddWithValue("$rv", reference.Version);
                insertReference.ExecuteNonQuery();
            }

            var bump = s.Command("UPDATE subjects SET revision = revision + 1, next_version = $n WHERE name = $s;");
            bump.Parameters.AddWithValue("$s", a.Subject);
            bump.Parameters.AddWithValue("$n", nextVersion);
            bump.ExecuteNonQuery();
            return new AppendResult(WriteOutcome.Done, schemaId.Value, (int)version, created);

            static AppendResult Failed(WriteOutcome outcome) => new(outcome, 0, 0, false);
        }, append, cancellationToken);
    }

    /// <inheritdoc />
    public Task<WriteResult> UpdateVersionAsync(VersionUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        return WriteAsync(static (s, u) =>
        {
            if (!RevisionMatches(s, u.Subject, u.ExpectedRevision))
            {
                return WriteResult.Conflict;
            }

            var c = s.Command("""
                UPDATE versions SET state = $state, deprecation = $dep, metadata = $meta, updated_at = $t
                WHERE subject = $s AND version = $v;
                """);
            c.Parameters.AddWithValue("$s", u.Subject);
            c.Parameters.AddWithValue("$v", u.Version);
            c.Parameters.AddWithValue("$state", (int)u.State);
            c.Parameters.AddWithValue("$dep", (object?)RecordJson.WriteDeprecation(u.Deprecation) ?? DBNull.Value);
            c.Parameters.AddWithValue("$meta", (object?)RecordJson.WriteMetadata(u.Metadata) ?? DBNull.Value);
            c.Parameters.AddWithValue("$t", u.UpdatedAt.ToUnixTimeMilliseconds());
            if (c.ExecuteNonQuery() == 0)
            {
                return WriteResult.NotFound;
            }

            BumpRevision(s, u.Subject);
            return WriteResult.Done;
        }, update, cancellationToken);
    }

    /// <inheritdoc />
    public Task<WriteResult> SoftDeleteAsync(string subject, IReadOnlyList<int> versions, long expectedRevision, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(static (s, a) =>
        {
            if (!RevisionMatches(s, a.subject, a.expectedRevision))
            {
                return WriteResult.Conflict;
            }

            var referrers = FindReferrers(s, a.subject, a.versions, liveOnly: true);
            if (referrers.Count > 0)
            {
                return new WriteResult(WriteOutcome.ReferenceExists, referrers);
            }

            foreach (var version in a.versions)
            {
                var c = s.Command("UPDATE versions SET deleted = 1, updated_at = $t WHERE subject = $s AND version = $v;");
                c.Parameters.AddWithValue("$s", a.subject);
                c.Parameters.AddWithValue("$v", version);
                c.Parameters.AddWithValue("$t", a.now.ToUnixTimeMilliseconds());
                if (c.ExecuteNonQuery() == 0)
                {
                    return WriteResult.NotFound;
                }
            }

            BumpRevision(s, a.subject);
            return WriteResult.Done;
        }, (subject, versions, expectedRevision, now), cancellationToken);

    /// <inheritdoc />
    public Task<WriteResult> HardDeleteAsync(string subject, IReadOnlyList<int> versions, bool wholeSubject, long expectedRevision, CancellationToken cancellationToken) =>
        WriteAsync(static (s, a) =>
        {
            if (!RevisionMatches(s, a.subject, a.expectedRevision))
            {
                return WriteResult.Conflict;
            }

            var referrers = FindReferrers(s, a.subject, a.versions, liveOnly: false);
            if (referrers.Count > 0)
            {
                return new WriteResult(WriteOutcome.ReferenceExists, referrers);
            }

            foreach (var version in a.versions)
            {
                var c = s.Command("DELETE FROM versions WHERE subject = $s AND version = $v;");
                c.Parameters.AddWithValue("$s", a.subject);
                c.Parameters.AddWithValue("$v", version);
                if (c.ExecuteNonQuery() == 0)
                {
                    return WriteResult.NotFound;
                }
            }

            if (a.wholeSubject)
            {
                var subjectRow = s.Command("DELETE FROM subjects WHERE name = $s;");
                subjectRow.Parameters.AddWithValue("$s", a.subject);
                subjectRow.ExecuteNonQuery();
                var config = s.Command("DELETE FROM config WHERE scope = $s;");
                config.Parameters.AddWithValue("$s", a.subject);
                config.ExecuteNonQuery();
            }
            else
            {
                BumpRevision(s, a.subject);
            }

            return WriteResult.Done;
        }, (subject, versions, wholeSubject, expectedRevision), cancellationToken);

    /// <inheritdoc />
    public Task<ConfigRecord> GetConfigAsync(string? subject, CancellationToken cancellationToken) =>
        ReadAsync(static (s, scope) =>
        {
            var c = s.Command("SELECT compatibility, policy, mode, format_assertion FROM config WHERE scope = $scope;");
            c.Parameters.AddWithValue("$scope", scope);
            using var r = c.ExecuteReader();
            if (!r.Read())
            {
                return ConfigRecord.Empty;
            }

            return new ConfigRecord
            {
                Compatibility = r.IsDBNull(0) ? null : (CompatibilityLevel)r.GetInt32(0),
                Policy = r.IsDBNull(1) ? null : (CompatibilityPolicy)r.GetInt32(1),
                Mode = r.IsDBNull(2) ? null : (RegistryMode)r.GetInt32(2),
                FormatAssertion = r.IsDBNull(3) ? null : r.GetInt32(3) != 0,
            };
        }, subject ?? GlobalScope, cancellationToken);

    /// <inheritdoc />
    public Task SetConfigAsync(string? subject, ConfigRecord config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        return WriteAsync(static (s, a) =>
        {
            if (a.config.IsEmpty)
            {
                var delete = s.Command("DELETE FROM config WHERE scope = $scope;");
                delete.Parameters.AddWithValue("$scope", a.scope);
                delete.ExecuteNonQuery();
                return true;
            }

            var c = s.Command("""
                INSERT INTO config (scope, compatibility, policy, mode, format_assertion) VALUES ($scope, $c, $p, $m, $f)
                ON CONFLICT (scope) DO UPDATE SET compatibility = $c, policy = $p, mode = $m, format_assertion = $f;
                """);
            c.Parameters.AddWithValue("$scope", a.scope);
            c.Parameters.AddWithValue("$c", a.config.Compatibility is { } level ? (int)level : DBNull.Value);
            c.Parameters.AddWithValue("$p", a.config.Policy is { } policy ? (int)policy : DBNull.Value);
            c.Parameters.AddWithValue("$m", a.config.Mode is { } mode ? (int)mode : DBNull.Value);
            c.Parameters.AddWithValue("$f", a.config.FormatAssertion is { } formats ? (formats ? 1 : 0) : DBNull.Value);
            c.ExecuteNonQuery();
            return true;
        }, (scope: subject ?? GlobalScope, config), cancellationToken);
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

    private const string SelectVersion =
        "SELECT subject, version, schema_id, state, deleted, semver, metadata, deprecation, created_at, created_by, updated_at FROM versions";

    private static VersionRecord ReadVersion(SqliteDataReader r) => new()
    {
        Subject = r.GetString(0),
        Version = r.GetInt32(1),
        SchemaId = r.GetInt64(2),
        State = (LifecycleState)r.GetInt32(3),
        IsDeleted = r.GetInt64(4) != 0,
        Semver = r.IsDBNull(5) ? null : r.GetString(5),
        Metadata = r.IsDBNull(6) ? VersionMetadata.Empty : RecordJson.ReadMetadata(r.GetString(6)),
        Deprecation = r.IsDBNull(7) ? null : RecordJson.ReadDeprecation(r.GetString(7)),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)),
        CreatedBy = r.IsDBNull(9) ? null : r.GetString(9),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(10)),
    };

    private static List<VersionUsage> ReadUsages(SqliteCommand c)
    {
        var list = new List<VersionUsage>();
        using var r = c.ExecuteReader();
        while (r.Read())
        {
            list.Add(new VersionUsage(r.GetString(0), r.GetInt32(1), r.GetInt64(2), (LifecycleState)r.GetInt32(3), r.GetInt64(4) != 0));
        }

        return list;
    }

    private static long? FindSchemaId(SqliteSession s, byte[] fingerprint)
    {
        var c = s.Command("SELECT id FROM schemas WHERE fingerprint = $fp;");
        c.Parameters.AddWithValue("$fp", fingerprint);
        return c.ExecuteScalar() is long id ? id : null;
    }

    private static bool RevisionMatches(SqliteSession s, string subject, long expected)
    {
        var c = s.Command("SELECT revision FROM subjects WHERE name = $s;");
        c.Parameters.AddWithValue("$s", subject);
        return c.ExecuteScalar() is long revision && revision == expected;
    }

    private static void BumpRevision(SqliteSession s, string subject)
    {
        var c = s.Command("UPDATE subjects SET revision = revision + 1 WHERE name = $s;");
        c.Parameters.AddWithValue("$s", subject);
        c.ExecuteNonQuery();
    }

    /// <summary>Versions outside the set that reference a version in the set (only live ones when <paramref name="liveOnly"/>).</summary>
    private static List<SubjectVersionRef> FindReferrers(SqliteSession s, string subject, IReadOnlyList<int> versions, bool liveOnly)
    {
        var inSet = new HashSet<int>(versions);
        var found = new List<SubjectVersionRef>();
        foreach (var version in versions)
        {
            var c = s.Command("""
                SELECT r.subject, r.version FROM version_references r
                JOIN versions v ON v.subject = r.subject AND v.version = r.version
                WHERE r.ref_subject = $s AND r.ref_version = $v AND ($live = 0 OR v.deleted = 0)
                ORDER BY r.subject, r.version;
                """);
            c.Parameters.AddWithValue("$s", subject);
            c.Parameters.AddWithValue("$v", version);
            c.Parameters.AddWithValue("$live", liveOnly ? 1 : 0);
            using var r = c.ExecuteReader();
            while (r.Read())
            {
                var referrer = new SubjectVersionRef(r.GetString(0), r.GetInt32(1));
                if (!(string.Equals(referrer.Subject, subject, StringComparison.Ordinal) && inSet.Contains(referrer.Version))
                    && !found.Contains(referrer))
                {
                    found.Add(referrer);
                }
            }
        }

        return found;
    }

    private async Task<TResult> ReadAsync<TState, TResult>(Func<SqliteSession, TState, TResult> read, TState state, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
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
            throw Translate(e);
        }
        finally
        {
            // A session that failed mid-read may be inside a transaction: drop it rather than reuse it.
            session?.Dispose();
            _readerSlots.Release();
        }
    }

    private async Task<TResult> WriteAsync<TState, TResult>(Func<SqliteSession, TState, TResult> write, TState state, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _writerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var session = _writer ??= Open();
            session.Execute("BEGIN IMMEDIATE;");
            TResult result;
            try
            {
                result = write(session, state);
            }
            catch
            {
                RollbackQuietly(session);
                throw;
            }

            // A write that ends with anything but Done leaves no trace.
            if (result is WriteResult { Outcome: not WriteOutcome.Done } or AppendResult { Outcome: not WriteOutcome.Done })
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
            if (!session.Connection.State.HasFlag(System.Data.ConnectionState.Closed))
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
