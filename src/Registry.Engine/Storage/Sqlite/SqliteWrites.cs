using Registry.Engine.Model;
using Registry.Engine.Storage.Sql;
using Registry.Schemas.Validation;

namespace Registry.Engine.Storage.Sqlite;

/// <summary>
/// The bodies of the embedded store's write transactions. Each runs inside <c>BEGIN IMMEDIATE</c>, so it holds the
/// file's write lock from its first statement: checks and changes see one state, and no row locks are needed. The
/// caller commits a write that is done and rolls back any other outcome.
/// </summary>
internal static class SqliteWrites
{
    /// <summary>See <see cref="IRegistryStore.AppendVersionAsync"/>.</summary>
    public static AppendResult Append(SqliteSession s, VersionAppend a)
    {
        long revision = 0;
        long nextVersion = 1;
        var exists = false;
        using (var r = s.Command("SELECT revision, next_version FROM subjects WHERE name = $1", a.Subject).ExecuteReader())
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
            s.Execute("INSERT INTO subjects (name, revision, next_version, created_at) VALUES ($1, 0, 1, $2)", a.Subject, now);
        }

        // The schema id: the one already given to this fingerprint, or a new one.
        var fingerprint = a.Fingerprint.ToArray();
        var schemaId = s.Scalar(SqlStatements.SchemaIdByFingerprint, fingerprint) as long?;
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
            if (a.ExplicitId is { } wanted && s.Scalar(SqlStatements.SchemaIdTaken, wanted) is not null)
            {
                return Failed(WriteOutcome.IdConflict);
            }

            // Without an explicit id SQLite assigns max(id) + 1: rows are never deleted, so ids are never reused,
            // and a rolled-back transaction leaves no gap.
            schemaId = (long)s.Scalar("""
                INSERT INTO schemas (id, schema_type, fingerprint, content_hash, content, references_json, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
                """,
                a.ExplicitId, a.SchemaType, fingerprint, a.ContentHash.ToArray(), a.Content.ToArray(), RecordJson.WriteReferences(a.References), now)!;
            created = true;
        }

        long version;
        if (a.ExplicitVersion is { } explicitVersion)
        {
            if (s.Scalar(SqlStatements.VersionExists, a.Subject, explicitVersion) is not null)
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

        s.Execute("""
            INSERT INTO versions (subject, version, schema_id, state, deleted, semver, metadata, deprecation, created_at, created_by, updated_at)
            VALUES ($1, $2, $3, $4, 0, $5, $6, NULL, $7, $8, $7)
            """,
            a.Subject, version, schemaId.Value, (int)a.State, a.Semver, RecordJson.WriteMetadata(a.Metadata), now, a.CreatedBy);

        foreach (var reference in a.References)
        {
            if (s.Scalar(SqlStatements.VersionExists, reference.Subject, reference.Version) is null)
            {
                return Failed(WriteOutcome.ReferenceNotFound);
            }

            s.Execute(SqlStatements.InsertReference, a.Subject, version, reference.Name, reference.Subject, reference.Version);
        }

        s.Execute("UPDATE subjects SET revision = revision + 1, next_version = $2 WHERE name = $1", a.Subject, nextVersion);
        return new AppendResult(WriteOutcome.Done, schemaId.Value, (int)version, created);

        static AppendResult Failed(WriteOutcome outcome) => new(outcome, 0, 0, false);
    }

    /// <summary>See <see cref="IRegistryStore.UpdateVersionAsync"/>.</summary>
    public static WriteResult Update(SqliteSession s, VersionUpdate u)
    {
        if (!RevisionMatches(s, u.Subject, u.ExpectedRevision))
        {
            return WriteResult.Conflict;
        }

        if (s.Execute(SqlStatements.UpdateVersion, u.Subject, u.Version, (int)u.State, RecordJson.WriteDeprecation(u.Deprecation),
                RecordJson.WriteMetadata(u.Metadata), u.UpdatedAt.ToUnixTimeMilliseconds()) == 0)
        {
            return WriteResult.NotFound;
        }

        BumpRevision(s, u.Subject);
        return WriteResult.Done;
    }

    /// <summary>See <see cref="IRegistryStore.SoftDeleteAsync"/>.</summary>
    public static WriteResult SoftDelete(SqliteSession s, string subject, IReadOnlyList<int> versions, long expectedRevision, DateTimeOffset now)
    {
        if (CheckDeletion(s, subject, versions, expectedRevision, liveOnly: true) is { } refused)
        {
            return refused;
        }

        var updatedAt = now.ToUnixTimeMilliseconds();
        foreach (var version in versions)
        {
            s.Execute("UPDATE versions SET deleted = 1, updated_at = $3 WHERE subject = $1 AND version = $2", subject, version, updatedAt);
        }

        BumpRevision(s, subject);
        return WriteResult.Done;
    }

    /// <summary>See <see cref="IRegistryStore.HardDeleteAsync"/>.</summary>
    public static WriteResult HardDelete(SqliteSession s, string subject, IReadOnlyList<int> versions, bool wholeSubject, long expectedRevision)
    {
        if (CheckDeletion(s, subject, versions, expectedRevision, liveOnly: false) is { } refused)
        {
            return refused;
        }

        foreach (var version in versions)
        {
            s.Execute("DELETE FROM versions WHERE subject = $1 AND version = $2", subject, version);
        }

        if (wholeSubject)
        {
            s.Execute(SqlStatements.DeleteAliasesOfSubject, subject);
            s.Execute(SqlStatements.DeleteAliasHistoryOfSubject, subject);
            s.Execute(SqlStatements.DeleteSubject, subject);
            s.Execute(SqlStatements.DeleteConfig, subject);
        }
        else
        {
            BumpRevision(s, subject);
        }

        return WriteResult.Done;
    }

    /// <summary>See <see cref="IRegistryStore.SetAliasAsync"/>.</summary>
    public static WriteResult SetAlias(SqliteSession s, AliasWrite w)
    {
        if (!RevisionMatches(s, w.Subject, w.ExpectedRevision))
        {
            return WriteResult.Conflict;
        }

        var previous = s.Scalar(SqlStatements.AliasVersion, w.Subject, w.Name) is long found ? (int?)found : null;
        var at = w.At.ToUnixTimeMilliseconds();
        if (w.Version is { } version)
        {
            s.Execute(SqlStatements.UpsertAlias, w.Subject, w.Name, version, w.Protected ? 1 : 0, at, w.By);
        }
        else if (previous is null)
        {
            return WriteResult.NotFound;
        }
        else
        {
            s.Execute(SqlStatements.DeleteAlias, w.Subject, w.Name);
        }

        s.Execute(SqlStatements.RecordAliasMove, w.Subject, w.Name, previous, w.Version, w.Protected ? 1 : 0, at, w.By);
        BumpRevision(s, w.Subject);
        return WriteResult.Done;
    }

    /// <summary>See <see cref="IRegistryStore.SetConfigAsync"/>.</summary>
    public static bool SetConfig(SqliteSession s, string scope, ConfigRecord config)
    {
        if (config.IsEmpty)
        {
            s.Execute(SqlStatements.DeleteConfig, scope);
        }
        else
        {
            s.Execute(SqlStatements.UpsertConfig, scope, (int?)config.Compatibility, (int?)config.Policy, (int?)config.Mode,
                config.Profiles is { } profiles ? ConfigProfiles.Format(profiles) : null, config.FormatAssertion is { } formats ? (formats ? 1 : 0) : null,
                config.DefaultDraft is { } draft ? JsonSchemaDrafts.Name(draft) : null,
                config.Contract is { } contract ? ContractJson.ToJson(contract) : null);
        }

        return true;
    }

    /// <summary>
    /// The checks every deletion makes, in the same order as the PostgreSQL store: the subject's revision is still the
    /// expected one, every version exists, and no other schema references them (<paramref name="liveOnly"/>: only
    /// references from versions that are not soft-deleted count). Null when the deletion may go ahead.
    /// </summary>
    private static WriteResult? CheckDeletion(SqliteSession s, string subject, IReadOnlyList<int> versions, long expectedRevision, bool liveOnly)
    {
        if (!RevisionMatches(s, subject, expectedRevision))
        {
            return WriteResult.Conflict;
        }

        foreach (var version in versions)
        {
            if (s.Scalar(SqlStatements.VersionExists, subject, version) is null)
            {
                return WriteResult.NotFound;
            }
        }

        var referrers = FindReferrers(s, subject, versions, liveOnly);
        return referrers.Count > 0 ? new WriteResult(WriteOutcome.ReferenceExists, referrers) : null;
    }

    private static bool RevisionMatches(SqliteSession s, string subject, long expected) =>
        s.Scalar("SELECT revision FROM subjects WHERE name = $1", subject) is long revision && revision == expected;

    private static void BumpRevision(SqliteSession s, string subject) =>
        s.Execute("UPDATE subjects SET revision = revision + 1 WHERE name = $1", subject);

    /// <summary>Versions outside the set that reference a version in the set (only live ones when <paramref name="liveOnly"/>).</summary>
    private static List<SubjectVersionRef> FindReferrers(SqliteSession s, string subject, IReadOnlyList<int> versions, bool liveOnly)
    {
        var inSet = new HashSet<int>(versions);
        var found = new List<SubjectVersionRef>();
        foreach (var version in versions)
        {
            var referrers = s.ReadAll("""
                SELECT r.subject, r.version FROM version_references r
                JOIN versions v ON v.subject = r.subject AND v.version = r.version
                WHERE r.ref_subject = $1 AND r.ref_version = $2 AND ($3 = 0 OR v.deleted = 0)
                ORDER BY r.subject, r.version
                """, SqlRows.Referrer, subject, version, liveOnly ? 1 : 0);
            foreach (var referrer in referrers)
            {
                if (!(string.Equals(referrer.Subject, subject, StringComparison.Ordinal) && inSet.Contains(referrer.Version))
                    && !found.Contains(referrer))
                {
                    found.Add(referrer);
                }
            }
        }

        return found;
    }
}
