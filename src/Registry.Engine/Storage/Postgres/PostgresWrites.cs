using System.Security.Cryptography;
using Npgsql;
using Registry.Engine.Model;
using Registry.Engine.Storage.Sql;
using static Registry.Engine.Storage.Postgres.PostgresCommands;

namespace Registry.Engine.Storage.Postgres;

/// <summary>
/// The bodies of the PostgreSQL store's write transactions (see <see cref="PostgresRegistryStore"/> for the locking
/// they rely on). Each runs on an open READ COMMITTED transaction and commits it when the write is done; any other
/// outcome returns without committing, and the transaction is rolled back when it is disposed.
/// </summary>
internal static class PostgresWrites
{
    /// <summary>See <see cref="IRegistryStore.AppendVersionAsync"/>.</summary>
    public static async Task<AppendResult> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction tx, VersionAppend append, CancellationToken cancellationToken)
    {
        var failed = new AppendResult(WriteOutcome.Conflict, 0, 0, false);
        var now = append.CreatedAt.ToUnixTimeMilliseconds();

        // The revision check and the subject row lock in one statement. A new subject is inserted already at
        // revision 1; a concurrent creator of the same subject waits on the unique key, then inserts nothing.
        var subject = append.ExpectedRevision == 0
            ? await ScalarAsync(connection, tx, """
                INSERT INTO subjects (name, revision, next_version, created_at) VALUES ($1, 1, 1, $2)
                ON CONFLICT (name) DO NOTHING RETURNING next_version
                """, cancellationToken, P(append.Subject), P(now)).ConfigureAwait(false)
            : await ScalarAsync(connection, tx,
                "UPDATE subjects SET revision = revision + 1 WHERE name = $1 AND revision = $2 RETURNING next_version",
                cancellationToken, P(append.Subject), P(append.ExpectedRevision)).ConfigureAwait(false);
        if (subject is not int nextVersion)
        {
            return failed;
        }

        int version;
        if (append.ExplicitVersion is { } explicitVersion)
        {
            if (await ScalarAsync(connection, tx, SqlStatements.VersionExists, cancellationToken, P(append.Subject), P(explicitVersion)).ConfigureAwait(false) is not null)
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

        var fingerprint = append.Fingerprint.ToArray();
        var schemaId = await FindSchemaIdAsync(connection, tx, fingerprint, cancellationToken).ConfigureAwait(false);
        var created = false;
        if (schemaId is null)
        {
            // Take the allocator row and look again in one round trip: a writer that held it before us may have
            // committed this very content, and its row is visible to the second statement (READ COMMITTED: each
            // statement of the batch reads as of its own start, after the first one got the lock). The lock is held
            // until the commit: under it run this batch, the one that inserts, the checks of any references, and the
            // commit (and, for an explicit id, the check that it is free).
            var (allocatorNext, found) = await TakeAllocatorAsync(connection, tx, fingerprint, cancellationToken).ConfigureAwait(false);
            schemaId = found;
            if (schemaId is null)
            {
                long id;
                if (append.ExplicitId is { } wanted)
                {
                    if (await ScalarAsync(connection, tx, SqlStatements.SchemaIdTaken, cancellationToken, P(wanted)).ConfigureAwait(false) is not null)
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
                    Statement("UPDATE schema_id_allocator SET next_id = greatest(next_id, $1)", P(id + 1)),
                    InsertVersion(append, version, id, now),
                    SetNextVersion(append.Subject, nextVersion)).ConfigureAwait(false);
                schemaId = id;
                created = true;
            }
        }

        if (!created)
        {
            if (append.ExplicitId is { } explicitId && explicitId != schemaId)
            {
                return failed with { Outcome = WriteOutcome.IdConflict };
            }

            await ExecuteBatchAsync(connection, tx, cancellationToken,
                InsertVersion(append, version, schemaId.Value, now), SetNextVersion(append.Subject, nextVersion)).ConfigureAwait(false);
        }

        foreach (var reference in append.References)
        {
            // FOR SHARE: a concurrent delete of the target (which locks it FOR UPDATE) waits for this commit and
            // then sees the reference, or this waits for the delete and then finds no row.
            if (await ScalarAsync(connection, tx, $"{SqlStatements.VersionExists} FOR SHARE", cancellationToken, P(reference.Subject), P(reference.Version)).ConfigureAwait(false) is null)
            {
                return failed with { Outcome = WriteOutcome.ReferenceNotFound };
            }

            await ExecuteAsync(connection, tx, SqlStatements.InsertReference,
                cancellationToken, P(append.Subject), P(version), P(reference.Name), P(reference.Subject), P(reference.Version)).ConfigureAwait(false);
        }

        // Returns once the commit record is flushed (synchronous_commit = on): only then is the write acknowledged.
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new AppendResult(WriteOutcome.Done, schemaId.Value, version, created);
    }

    /// <summary>See <see cref="IRegistryStore.UpdateVersionAsync"/>.</summary>
    public static async Task<WriteResult> UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction tx, VersionUpdate update, CancellationToken cancellationToken)
    {
        if (!await BumpRevisionAsync(connection, tx, update.Subject, update.ExpectedRevision, cancellationToken).ConfigureAwait(false))
        {
            return WriteResult.Conflict;
        }

        await using var command = Command(connection, tx, SqlStatements.UpdateVersion,
            P(update.Subject), P(update.Version), P((short)update.State), Text(RecordJson.WriteDeprecation(update.Deprecation)),
            Text(RecordJson.WriteMetadata(update.Metadata)), P(update.UpdatedAt.ToUnixTimeMilliseconds()));
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            return WriteResult.NotFound;
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return WriteResult.Done;
    }

    /// <summary>See <see cref="IRegistryStore.SoftDeleteAsync"/>.</summary>
    public static async Task<WriteResult> SoftDeleteAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, string subject, int[] versions, long expectedRevision, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await CheckDeletionAsync(connection, tx, subject, versions, expectedRevision, liveOnly: true, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        await ExecuteAsync(connection, tx, "UPDATE versions SET deleted = true, updated_at = $3 WHERE subject = $1 AND version = ANY($2)",
            cancellationToken, P(subject), P(versions), P(now.ToUnixTimeMilliseconds())).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return WriteResult.Done;
    }

    /// <summary>See <see cref="IRegistryStore.HardDeleteAsync"/>.</summary>
    public static async Task<WriteResult> HardDeleteAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, string subject, int[] versions, bool wholeSubject, long expectedRevision, CancellationToken cancellationToken)
    {
        if (await CheckDeletionAsync(connection, tx, subject, versions, expectedRevision, liveOnly: false, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        await ExecuteAsync(connection, tx, "DELETE FROM versions WHERE subject = $1 AND version = ANY($2)", cancellationToken, P(subject), P(versions)).ConfigureAwait(false);
        if (wholeSubject)
        {
            await ExecuteBatchAsync(connection, tx, cancellationToken,
                Statement(SqlStatements.DeleteAliasesOfSubject, P(subject)),
                Statement(SqlStatements.DeleteAliasHistoryOfSubject, P(subject)),
                Statement(SqlStatements.DeleteSubject, P(subject)),
                Statement(SqlStatements.DeleteConfig, P(subject))).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return WriteResult.Done;
    }

    /// <summary>See <see cref="IRegistryStore.SetAliasAsync"/>.</summary>
    public static async Task<WriteResult> SetAliasAsync(NpgsqlConnection connection, NpgsqlTransaction tx, AliasWrite write, CancellationToken cancellationToken)
    {
        // The revision bump locks the subject row: alias writers and deleters of the subject go one at a time.
        if (!await BumpRevisionAsync(connection, tx, write.Subject, write.ExpectedRevision, cancellationToken).ConfigureAwait(false))
        {
            return WriteResult.Conflict;
        }

        var previous = await ScalarAsync(connection, tx, SqlStatements.AliasVersion, cancellationToken, P(write.Subject), P(write.Name)).ConfigureAwait(false) as int?;
        var at = write.At.ToUnixTimeMilliseconds();
        if (write.Version is { } version)
        {
            await ExecuteAsync(connection, tx, SqlStatements.UpsertAlias, cancellationToken,
                P(write.Subject), P(write.Name), P(version), P(write.Protected), P(at), Text(write.By)).ConfigureAwait(false);
        }
        else if (previous is null)
        {
            return WriteResult.NotFound;
        }
        else
        {
            await ExecuteAsync(connection, tx, SqlStatements.DeleteAlias, cancellationToken, P(write.Subject), P(write.Name)).ConfigureAwait(false);
        }

        await ExecuteAsync(connection, tx, SqlStatements.RecordAliasMove, cancellationToken,
            P(write.Subject), P(write.Name), Int(previous), Int(write.Version), P(write.Protected), P(at), Text(write.By)).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return WriteResult.Done;
    }

    /// <summary>
    /// The checks every deletion makes inside its transaction, in this order: the subject's revision is still the
    /// expected one (and is bumped), every version exists (rows locked), and no other schema references them
    /// (<paramref name="liveOnly"/>: only references from versions that are not soft-deleted count). Null when the
    /// deletion may go ahead.
    /// </summary>
    private static async Task<WriteResult?> CheckDeletionAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string subject, int[] versions,
        long expectedRevision, bool liveOnly, CancellationToken cancellationToken)
    {
        if (!await BumpRevisionAsync(connection, tx, subject, expectedRevision, cancellationToken).ConfigureAwait(false))
        {
            return WriteResult.Conflict;
        }

        if (!await LockVersionsAsync(connection, tx, subject, versions, cancellationToken).ConfigureAwait(false))
        {
            return WriteResult.NotFound;
        }

        var referrers = await FindReferrersAsync(connection, tx, subject, versions, liveOnly, cancellationToken).ConfigureAwait(false);
        return referrers.Count > 0 ? new WriteResult(WriteOutcome.ReferenceExists, referrers) : null;
    }

    private static NpgsqlBatchCommand InsertVersion(VersionAppend append, int version, long schemaId, long now) =>
        Statement("""
            INSERT INTO versions (subject, version, schema_id, state, deleted, semver, metadata, deprecation, created_at, created_by, updated_at)
            VALUES ($1, $2, $3, $4, false, $5, $6, NULL, $7, $8, $7)
            """,
            P(append.Subject), P(version), P(schemaId), P((short)append.State), Text(append.Semver),
            Text(RecordJson.WriteMetadata(append.Metadata)), P(now), Text(append.CreatedBy));

    private static NpgsqlBatchCommand SetNextVersion(string subject, int nextVersion) =>
        Statement("UPDATE subjects SET next_version = $2 WHERE name = $1", P(subject), P(nextVersion));

    /// <summary>Locks the id allocator (until commit) and returns its next id with the id of this content as of after the lock.</summary>
    private static async Task<(long Next, long? Found)> TakeAllocatorAsync(NpgsqlConnection connection, NpgsqlTransaction tx, byte[] fingerprint, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(Statement("SELECT next_id FROM schema_id_allocator FOR UPDATE"));
        batch.BatchCommands.Add(Statement(SqlStatements.SchemaIdByFingerprint, P(fingerprint)));
        await using var r = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await r.ReadAsync(cancellationToken).ConfigureAwait(false);
        var next = r.GetInt64(0);
        await r.NextResultAsync(cancellationToken).ConfigureAwait(false);
        long? found = await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? r.GetInt64(0) : null;
        return (next, found);
    }

    private static async Task<long?> FindSchemaIdAsync(NpgsqlConnection connection, NpgsqlTransaction tx, byte[] fingerprint, CancellationToken cancellationToken) =>
        await ScalarAsync(connection, tx, SqlStatements.SchemaIdByFingerprint, cancellationToken, P(fingerprint)).ConfigureAwait(false) is long id ? id : null;

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
        var count = (long)(await ScalarAsync(connection, tx,
            "SELECT count(*) FROM (SELECT 1 FROM versions WHERE subject = $1 AND version = ANY($2) FOR UPDATE) locked",
            cancellationToken, P(subject), P(versions)).ConfigureAwait(false))!;
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
        return await ReadAllAsync(command, SqlRows.Referrer, cancellationToken).ConfigureAwait(false);
    }
}
