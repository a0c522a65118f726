using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Registry.Engine.Model;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Engine.Storage.Sql;

/// <summary>
/// Export and import of every row (<see cref="IRegistryArchive"/>) for both SQL stores: the statements are the same
/// word for word; the store opens the snapshot or the write transaction and says how a schema row is inserted.
/// </summary>
internal static class SqlArchive
{
    private const string Counts = """
        SELECT (SELECT count(*) FROM schemas), (SELECT count(*) FROM subjects), (SELECT count(*) FROM versions), (SELECT count(*) FROM config),
               (SELECT count(*) FROM aliases), (SELECT count(*) FROM alias_history)
        """;

    private const string InsertAlias = """
        INSERT INTO aliases (subject, name, version, protected, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING
        """;

    private const string InsertAliasMove = """
        INSERT INTO alias_history (subject, name, seq, from_version, to_version, protected, at, by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING
        """;

    /// <summary>Readers that cached the subject's snapshot before the import see a new revision.</summary>
    private const string BumpRevision = "UPDATE subjects SET revision = revision + 1 WHERE name = $1";

    private const string InsertSubject = """
        INSERT INTO subjects (name, revision, next_version, created_at) VALUES ($1, 1, $2, $3) ON CONFLICT DO NOTHING
        """;

    private const string RaiseNextVersion = """
        UPDATE subjects SET revision = revision + 1, next_version = CASE WHEN next_version < $2 THEN $2 ELSE next_version END WHERE name = $1
        """;

    private const string InsertVersion = """
        INSERT INTO versions (subject, version, schema_id, state, deleted, semver, metadata, deprecation, created_at, created_by, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING
        """;

    private const string InsertConfig = "INSERT INTO config (scope, compatibility, policy, mode, profiles, format_assertion, default_draft, contract) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING";

    /// <summary>References whose target version exists neither in the store nor in the archive.</summary>
    private const string DanglingReferences = """
        SELECT r.subject, r.version, r.ref_subject, r.ref_version FROM version_references r
        WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.subject = r.ref_subject AND v.version = r.ref_version)
        ORDER BY r.subject, r.version LIMIT $1
        """;

    /// <summary>Every row of the snapshot that <paramref name="transaction"/> (or the connection's open transaction) sees.</summary>
    public static async IAsyncEnumerable<ArchiveRecord> ReadAsync(DbConnection connection, DbTransaction? transaction, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var counts in RowsAsync(connection, transaction, Counts,
            static r => new ArchiveCounts(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5)), cancellationToken).ConfigureAwait(false))
        {
            yield return counts;
        }

        await foreach (var schema in RowsAsync(connection, transaction,
            """
            SELECT id, schema_type, fingerprint, content_hash, content, references_json, created_at,
                   (SELECT v.metadata FROM versions v WHERE v.schema_id = schemas.id ORDER BY v.subject, v.version LIMIT 1)
            FROM schemas ORDER BY id
            """,
            static r => new ArchivedSchema(
                r.GetInt64(0), r.GetString(1), r.GetFieldValue<byte[]>(2), r.GetFieldValue<byte[]>(3), r.GetFieldValue<byte[]>(4),
                RecordJson.ReadReferences(r.GetString(5)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)))
            {
                // Every version of an id has the same contract (it is part of the fingerprint): any one tells it.
                Contract = r.IsDBNull(7) ? null : RecordJson.ReadMetadata(r.GetString(7)).Contract,
            }, cancellationToken).ConfigureAwait(false))
        {
            yield return schema;
        }

        await foreach (var subject in RowsAsync(connection, transaction, "SELECT name, next_version, created_at FROM subjects ORDER BY name",
            static r => new ArchivedSubject(r.GetString(0), r.GetInt32(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2))), cancellationToken).ConfigureAwait(false))
        {
            yield return subject;
        }

        await foreach (var version in RowsAsync(connection, transaction, $"SELECT {SqlStatements.VersionColumns} FROM versions ORDER BY subject, version",
            static r => new ArchivedVersion(SqlRows.Version(r, 0)), cancellationToken).ConfigureAwait(false))
        {
            yield return version;
        }

        await foreach (var config in RowsAsync(connection, transaction, "SELECT scope, compatibility, policy, mode, profiles, format_assertion, default_draft, contract FROM config ORDER BY scope", static r =>
            {
                var scope = r.GetString(0);
                return new ArchivedConfig(scope.Length == 0 ? null : scope, new ConfigRecord
                {
                    Compatibility = r.IsDBNull(1) ? null : (CompatibilityLevel)r.GetInt16(1),
                    Policy = r.IsDBNull(2) ? null : (CompatibilityPolicy)r.GetInt16(2),
                    Mode = r.IsDBNull(3) ? null : (RegistryMode)r.GetInt16(3),
                    Profiles = r.IsDBNull(4) ? null : ConfigProfiles.Parse(r.GetString(4)),
                    FormatAssertion = r.IsDBNull(5) ? null : r.GetBoolean(5),
                    DefaultDraft = r.IsDBNull(6) ? null : JsonSchemaDrafts.Parse(r.GetString(6)),
                    Contract = r.IsDBNull(7) ? null : ContractJson.ReadConfig(r.GetString(7)),
                });
            }, cancellationToken).ConfigureAwait(false))
        {
            yield return config;
        }

        await foreach (var alias in RowsAsync(connection, transaction,
            "SELECT subject, name, version, protected, updated_at, updated_by FROM aliases ORDER BY subject, name",
            static r => new ArchivedAlias(r.GetString(0), new AliasRecord(r.GetString(1), r.GetInt32(2), r.GetBoolean(3),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)), r.IsDBNull(5) ? null : r.GetString(5))), cancellationToken).ConfigureAwait(false))
        {
            yield return alias;
        }

        await foreach (var move in RowsAsync(connection, transaction,
            "SELECT subject, seq, name, from_version, to_version, protected, at, by FROM alias_history ORDER BY subject, name, seq",
            static r => new ArchivedAliasMove(r.GetString(0), r.GetInt32(1), new AliasMove(
                r.GetString(2), r.IsDBNull(3) ? null : r.GetInt32(3), r.IsDBNull(4) ? null : r.GetInt32(4), r.GetBoolean(5),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)), r.IsDBNull(7) ? null : r.GetString(7))), cancellationToken).ConfigureAwait(false))
        {
            yield return move;
        }
    }

    /// <summary>
    /// The body of an import, on a write transaction the caller opened (and commits only on <see cref="ArchiveImportOutcome.Done"/>).
    /// </summary>
    public static async Task<ArchiveImportResult> ImportAsync(SqlArchiveSession s, IAsyncEnumerable<ArchiveRecord> records, ArchiveImportOptions options, CancellationToken cancellationToken)
    {
        var empty = await s.ScalarAsync("SELECT 1 FROM schemas LIMIT 1", cancellationToken).ConfigureAwait(false) is null
            && await s.ScalarAsync("SELECT 1 FROM subjects LIMIT 1", cancellationToken).ConfigureAwait(false) is null;
        if (!empty && !options.Merge)
        {
            return new ArchiveImportResult(ArchiveImportOutcome.NotEmpty, 0, 0, [], false);
        }

        if (!options.Merge)
        {
            // The archive's settings replace whatever the empty registry was given (e.g. IMPORT mode for the restore).
            await s.ExecuteAsync("DELETE FROM config", cancellationToken).ConfigureAwait(false);
        }

        var clashes = new List<ArchiveClash>();
        long written = 0;
        long kept = 0;
        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var outcome = record switch
            {
                ArchivedSchema schema => await SchemaAsync(s, schema, options.Merge, cancellationToken).ConfigureAwait(false),
                ArchivedSubject subject => await SubjectAsync(s, subject, options.Merge, cancellationToken).ConfigureAwait(false),
                ArchivedVersion version => await VersionAsync(s, version.Version, options.Merge, cancellationToken).ConfigureAwait(false),
                ArchivedConfig config => await ConfigAsync(s, config, options.Merge, cancellationToken).ConfigureAwait(false),
                ArchivedAlias alias => await AliasAsync(s, alias, options.Merge, cancellationToken).ConfigureAwait(false),
                ArchivedAliasMove move => await AliasMoveAsync(s, move, options.Merge, cancellationToken).ConfigureAwait(false),
                _ => Row.Kept,
            };
            if (outcome.Clash is { } clash)
            {
                // Keep reading: the enumeration checks the archive to its end, and more clashes may be named.
                if (clashes.Count < options.MaxClashes)
                {
                    clashes.Add(clash);
                }
            }
            else if (outcome.Written)
            {
                written++;
            }
            else
            {
                kept++;
            }
        }

        if (clashes.Count < options.MaxClashes)
        {
            foreach (var dangling in await s.ReadAllAsync(DanglingReferences, static r => new ArchiveClash(null, r.GetString(0), r.GetInt32(1),
                $"it references version {r.GetInt32(3).ToString(CultureInfo.InvariantCulture)} of subject '{r.GetString(2)}', which exists neither in the backup nor in this registry"),
                cancellationToken, options.MaxClashes - clashes.Count).ConfigureAwait(false))
            {
                clashes.Add(dangling);
            }
        }

        if (clashes.Count > 0)
        {
            return new ArchiveImportResult(ArchiveImportOutcome.Clash, written, kept, clashes, empty);
        }

        await s.FinishAsync(cancellationToken).ConfigureAwait(false);
        return new ArchiveImportResult(options.DryRun ? ArchiveImportOutcome.Verified : ArchiveImportOutcome.Done, written, kept, [], empty);
    }

    private static async Task<Row> SchemaAsync(SqlArchiveSession s, ArchivedSchema schema, bool merge, CancellationToken cancellationToken)
    {
        if (await s.InsertSchemaAsync(schema, cancellationToken).ConfigureAwait(false))
        {
            return Row.New;
        }

        // The id or the content is taken: equal (kept, when merging) or a clash that names both ids.
        var held = await s.ScalarAsync("SELECT fingerprint FROM schemas WHERE id = $1", cancellationToken, schema.Id).ConfigureAwait(false) as byte[];
        if (held is not null && held.AsSpan().SequenceEqual(schema.Fingerprint.Span))
        {
            return merge ? Row.Kept : Clash(schema.Id, null, null, "the backup holds this schema id twice");
        }

        if (held is not null)
        {
            return Clash(schema.Id, null, null, merge
                ? "this registry gives this schema id to other content"
                : "the backup gives this schema id to two contents");
        }

        var other = await s.ScalarAsync(SqlStatements.SchemaIdByFingerprint, cancellationToken, schema.Fingerprint.ToArray()).ConfigureAwait(false);
        return Clash(schema.Id, null, null, $"the same content has id {Convert.ToString(other, CultureInfo.InvariantCulture)} {(merge ? "in this registry" : "in the backup too")}");
    }

    private static async Task<Row> SubjectAsync(SqlArchiveSession s, ArchivedSubject subject, bool merge, CancellationToken cancellationToken)
    {
        var created = subject.CreatedAt.ToUnixTimeMilliseconds();
        if (await s.ExecuteAsync(InsertSubject, cancellationToken, subject.Name, subject.NextVersion, created).ConfigureAwait(false) == 1)
        {
            return Row.New;
        }

        if (!merge)
        {
            return Clash(null, subject.Name, null, "the backup holds this subject twice");
        }

        await s.ExecuteAsync(RaiseNextVersion, cancellationToken, subject.Name, subject.NextVersion).ConfigureAwait(false);
        return Row.Kept;
    }

    private static async Task<Row> VersionAsync(SqlArchiveSession s, VersionRecord v, bool merge, CancellationToken cancellationToken)
    {
        var schema = await s.ReadAllAsync(
            "SELECT references_json, (SELECT 1 FROM subjects WHERE name = $2) FROM schemas WHERE id = $1",
            static r => (References: r.GetString(0), SubjectExists: !r.IsDBNull(1)), cancellationToken, v.SchemaId, v.Subject).ConfigureAwait(false);
        if (schema.Count == 0)
        {
            return Clash(v.SchemaId, v.Subject, v.Version, $"it uses schema id {v.SchemaId.ToString(CultureInfo.InvariantCulture)}, which is neither in the backup nor in this registry");
        }

        if (!schema[0].SubjectExists)
        {
            return Clash(null, v.Subject, v.Version, "the backup has no record of its subject");
        }

        var inserted = await s.ExecuteAsync(InsertVersion, cancellationToken,
            v.Subject, v.Version, v.SchemaId, (short)v.State, v.IsDeleted, v.Semver, RecordJson.WriteMetadata(v.Metadata),
            RecordJson.WriteDeprecation(v.Deprecation), v.CreatedAt.ToUnixTimeMilliseconds(), v.CreatedBy, v.UpdatedAt.ToUnixTimeMilliseconds()).ConfigureAwait(false);
        if (inserted == 0)
        {
            var held = await s.ScalarAsync("SELECT schema_id FROM versions WHERE subject = $1 AND version = $2", cancellationToken, v.Subject, v.Version).ConfigureAwait(false);
            return merge && held is long id && id == v.SchemaId
                ? Row.Kept
                : Clash(v.SchemaId, v.Subject, v.Version, merge
                    ? $"this registry has schema id {Convert.ToString(held, CultureInfo.InvariantCulture)} at this version, the backup schema id {v.SchemaId.ToString(CultureInfo.InvariantCulture)}"
                    : "the backup holds this version twice");
        }

        foreach (var reference in RecordJson.ReadReferences(schema[0].References))
        {
            await s.ExecuteAsync(SqlStatements.InsertReference, cancellationToken, v.Subject, v.Version, reference.Name, reference.Subject, reference.Version).ConfigureAwait(false);
        }

        await s.ExecuteAsync(RaiseNextVersion, cancellationToken, v.Subject, v.Version + 1).ConfigureAwait(false);
        return Row.New;
    }

    private static async Task<Row> ConfigAsync(SqlArchiveSession s, ArchivedConfig config, bool merge, CancellationToken cancellationToken)
    {
        var c = config.Config;
        if (c.IsEmpty)
        {
            return Row.Kept;
        }

        var scope = config.Subject ?? SqlStatements.GlobalScope;
        if (await s.ExecuteAsync(InsertConfig, cancellationToken, scope, (short?)c.Compatibility, (short?)c.Policy, (short?)c.Mode,
            c.Profiles is { } profiles ? ConfigProfiles.Format(profiles) : null, c.FormatAssertion,
            c.DefaultDraft is { } draft ? JsonSchemaDrafts.Name(draft) : null,
            c.Contract is { } contract ? ContractJson.ToJson(contract) : null).ConfigureAwait(false) == 1)
        {
            return Row.New;
        }

        // Merging: what this registry set for the scope stays.
        return merge ? Row.Kept : Clash(null, config.Subject ?? "(registry)", null, "the backup holds this configuration scope twice");
    }

    private static async Task<Row> AliasAsync(SqlArchiveSession s, ArchivedAlias record, bool merge, CancellationToken cancellationToken)
    {
        var a = record.Alias;

        // The rule of the engine: an alias points at a live ACTIVE or DEPRECATED version of its subject.
        var target = await s.ReadAllAsync("SELECT state, deleted FROM versions WHERE subject = $1 AND version = $2",
            static r => (State: (LifecycleState)r.GetInt16(0), Deleted: r.GetBoolean(1)), cancellationToken, record.Subject, a.Version).ConfigureAwait(false);
        if (target.Count == 0 || target[0].Deleted || target[0].State is not (LifecycleState.Active or LifecycleState.Deprecated))
        {
            return Clash(null, record.Subject, a.Version,
                $"alias '{a.Name}' points at this version, which is {(target.Count == 0 ? "neither in the backup nor in this registry" : "not a live ACTIVE or DEPRECATED version")}");
        }

        if (await s.ExecuteAsync(InsertAlias, cancellationToken, record.Subject, a.Name, a.Version, a.Protected, a.UpdatedAt.ToUnixTimeMilliseconds(), a.UpdatedBy).ConfigureAwait(false) == 1)
        {
            await s.ExecuteAsync(BumpRevision, cancellationToken, record.Subject).ConfigureAwait(false);
            return Row.New;
        }

        if (!merge)
        {
            return Clash(null, record.Subject, null, $"the backup holds alias '{a.Name}' twice");
        }

        var held = await s.ScalarAsync("SELECT version FROM aliases WHERE subject = $1 AND name = $2", cancellationToken, record.Subject, a.Name).ConfigureAwait(false);
        return held is not null && Convert.ToInt32(held, CultureInfo.InvariantCulture) == a.Version
            ? Row.Kept
            : Clash(null, record.Subject, null,
                $"alias '{a.Name}' points at version {Convert.ToString(held, CultureInfo.InvariantCulture)} in this registry, at version {a.Version.ToString(CultureInfo.InvariantCulture)} in the backup");
    }

    private static async Task<Row> AliasMoveAsync(SqlArchiveSession s, ArchivedAliasMove record, bool merge, CancellationToken cancellationToken)
    {
        var m = record.Move;
        if (await s.ScalarAsync("SELECT 1 FROM subjects WHERE name = $1", cancellationToken, record.Subject).ConfigureAwait(false) is null)
        {
            return Clash(null, record.Subject, null, $"the history of alias '{m.Name}' belongs to a subject the backup has no record of");
        }

        if (await s.ExecuteAsync(InsertAliasMove, cancellationToken, record.Subject, m.Name, record.Sequence, m.FromVersion, m.ToVersion, m.Protected,
            m.At.ToUnixTimeMilliseconds(), m.By).ConfigureAwait(false) == 1)
        {
            return Row.New;
        }

        // Merging: the registry's own history of the alias stays as it is.
        return merge
            ? Row.Kept
            : Clash(null, record.Subject, null, $"the backup holds entry {record.Sequence.ToString(CultureInfo.InvariantCulture)} of the history of alias '{m.Name}' twice");
    }

    private static Row Clash(long? id, string? subject, int? version, string reason) => new(false, new ArchiveClash(id, subject, version, reason));

    /// <summary>The rows of one statement, read one at a time (the provider streams them; nothing is buffered here).</summary>
    private static async IAsyncEnumerable<T> RowsAsync<T>(
        DbConnection connection, DbTransaction? transaction, string sql, Func<DbDataReader, T> row, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return row(reader);
        }
    }

    private readonly record struct Row(bool Written, ArchiveClash? Clash)
    {
        public static Row New => new(true, null);

        public static Row Kept => new(false, null);
    }
}

/// <summary>The write transaction of an import, as each SQL store runs it.</summary>
internal abstract class SqlArchiveSession : IDisposable
{
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

    protected SqlArchiveSession(DbConnection connection, DbTransaction? transaction)
    {
        Connection = connection;
        Transaction = transaction;
    }

    protected DbConnection Connection { get; }

    protected DbTransaction? Transaction { get; }

    /// <summary>Inserts a schema row unless its id or fingerprint is taken; true when inserted.</summary>
    public abstract Task<bool> InsertSchemaAsync(ArchivedSchema schema, CancellationToken cancellationToken);

    /// <summary>Last statements of a successful import (before the commit).</summary>
    public virtual Task FinishAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params object?[] values) =>
        await Prepare(sql, values).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params object?[] values)
    {
        var value = await Prepare(sql, values).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    public async Task<List<T>> ReadAllAsync<T>(string sql, Func<DbDataReader, T> row, CancellationToken cancellationToken, params object?[] values)
    {
        var list = new List<T>();
        await using var r = await Prepare(sql, values).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(row(r));
        }

        return list;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }

    /// <summary>The command for <paramref name="sql"/>, created once per import, bound to <paramref name="values"/>.</summary>
    private DbCommand Prepare(string sql, object?[] values)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = Transaction;
            _commands[sql] = command;
        }

        command.Parameters.Clear();
        foreach (var value in values)
        {
            SqlParameters.Add(command, value);
        }

        return command;
    }
}
