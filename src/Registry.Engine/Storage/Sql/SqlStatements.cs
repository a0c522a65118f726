namespace Registry.Engine.Storage.Sql;

/// <summary>
/// The statements both SQL stores run word for word. Parameters are positional (<c>$1</c>, <c>$2</c>, ...): PostgreSQL
/// binds them by position, SQLite by the name <c>$n</c>. Statements whose SQL differs (booleans, arrays, row locks,
/// <c>DISTINCT ON</c>) stay with their store.
/// </summary>
internal static class SqlStatements
{
    /// <summary>Columns read by <see cref="SqlRows.Version"/>, in its order.</summary>
    public const string VersionColumns =
        "subject, version, schema_id, state, deleted, semver, metadata, deprecation, created_at, created_by, updated_at";

    /// <summary>$1 id: columns read by <see cref="SqlRows.Schema"/>; no row when no version (live or soft-deleted) uses the id.</summary>
    public const string SchemaById = """
        SELECT schema_type, content, content_hash, references_json FROM schemas
        WHERE id = $1 AND EXISTS (SELECT 1 FROM versions WHERE schema_id = $1)
        """;

    /// <summary>$1 fingerprint: the id given to it.</summary>
    public const string SchemaIdByFingerprint = "SELECT id FROM schemas WHERE fingerprint = $1";

    /// <summary>$1 id: a row when the id is taken.</summary>
    public const string SchemaIdTaken = "SELECT 1 FROM schemas WHERE id = $1";

    /// <summary>
    /// $1 subject: the revision, then (from column 1) the versions in ascending order, or one row of nulls when the
    /// subject has none; no row when the subject has no row. One statement, so the revision and the versions agree.
    /// </summary>
    public const string SubjectSnapshot = $"""
        SELECT s.revision, {VersionColumnsOfV}
        FROM subjects s LEFT JOIN versions v ON v.subject = s.name
        WHERE s.name = $1 ORDER BY v.version
        """;

    /// <summary>$1 subject, $2 version: columns read by <see cref="SqlRows.Version"/>.</summary>
    public const string VersionByNumber = $"SELECT {VersionColumns} FROM versions WHERE subject = $1 AND version = $2";

    /// <summary>$1 subject, $2 version: a row when the version exists.</summary>
    public const string VersionExists = "SELECT 1 FROM versions WHERE subject = $1 AND version = $2";

    /// <summary>$1 schema id: columns read by <see cref="SqlRows.Usage"/>.</summary>
    public const string UsagesOfSchema = "SELECT subject, version, schema_id, state, deleted FROM versions WHERE schema_id = $1 ORDER BY subject, version";

    /// <summary>$1 subject, $2 version: the versions referencing it, columns read by <see cref="SqlRows.Usage"/>.</summary>
    public const string ReferrersOf = """
        SELECT v.subject, v.version, v.schema_id, v.state, v.deleted
        FROM version_references r JOIN versions v ON v.subject = r.subject AND v.version = r.version
        WHERE r.ref_subject = $1 AND r.ref_version = $2
        ORDER BY v.subject, v.version
        """;

    /// <summary>$1 subject, $2 version, $3 name, $4 referenced subject, $5 referenced version.</summary>
    public const string InsertReference = "INSERT INTO version_references (subject, version, name, ref_subject, ref_version) VALUES ($1, $2, $3, $4, $5)";

    /// <summary>$1 subject, $2 version, $3 state, $4 deprecation, $5 metadata, $6 updated at (ms).</summary>
    public const string UpdateVersion = """
        UPDATE versions SET state = $3, deprecation = $4, metadata = $5, updated_at = $6
        WHERE subject = $1 AND version = $2
        """;

    /// <summary>$1 subject: removes the subject row (its versions go with it).</summary>
    public const string DeleteSubject = "DELETE FROM subjects WHERE name = $1";

    /// <summary>$1 scope: columns read by <see cref="SqlRows.Config"/>.</summary>
    public const string ConfigOfScope = "SELECT compatibility, policy, mode, profiles, format_assertion, default_draft, contract FROM config WHERE scope = $1";

    /// <summary>$1 scope, $2 compatibility, $3 policy, $4 mode, $5 profiles (comma-joined), $6 format assertion, $7 default draft, $8 contract settings (JSON).</summary>
    public const string UpsertConfig = """
        INSERT INTO config (scope, compatibility, policy, mode, profiles, format_assertion, default_draft, contract) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (scope) DO UPDATE SET compatibility = $2, policy = $3, mode = $4, profiles = $5, format_assertion = $6, default_draft = $7, contract = $8
        """;

    /// <summary>
    /// $1 subject: the revision, then (from column 1) the aliases ordered by name, or one row of nulls when there is
    /// none; no row when the subject has no row. The revision tells the reader whether the aliases belong to the
    /// versions it read just before.
    /// </summary>
    public const string AliasesOfSubject = """
        SELECT s.revision, a.name, a.version, a.protected, a.updated_at, a.updated_by
        FROM subjects s LEFT JOIN aliases a ON a.subject = s.name
        WHERE s.name = $1 ORDER BY a.name
        """;

    /// <summary>$1 subject, $2 name: the version the alias points at.</summary>
    public const string AliasVersion = "SELECT version FROM aliases WHERE subject = $1 AND name = $2";

    /// <summary>$1 subject, $2 name, $3 version, $4 protected, $5 updated at (ms), $6 by.</summary>
    public const string UpsertAlias = """
        INSERT INTO aliases (subject, name, version, protected, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (subject, name) DO UPDATE SET version = $3, protected = $4, updated_at = $5, updated_by = $6
        """;

    /// <summary>$1 subject, $2 name.</summary>
    public const string DeleteAlias = "DELETE FROM aliases WHERE subject = $1 AND name = $2";

    /// <summary>$1 subject, $2 name, $3 from version, $4 to version, $5 protected, $6 at (ms), $7 by: appends to the history.</summary>
    public const string RecordAliasMove = """
        INSERT INTO alias_history (subject, name, seq, from_version, to_version, protected, at, by)
        SELECT $1, $2, coalesce(max(seq), 0) + 1, $3, $4, $5, $6, $7 FROM alias_history WHERE subject = $1 AND name = $2
        """;

    /// <summary>$1 subject, $2 name, $3 limit: columns read by <see cref="SqlRows.AliasMove"/>, newest first.</summary>
    public const string AliasHistory = """
        SELECT name, from_version, to_version, protected, at, by FROM alias_history
        WHERE subject = $1 AND name = $2 ORDER BY seq DESC LIMIT $3
        """;

    /// <summary>$1 subject: removes its aliases and their history (with the subject).</summary>
    public const string DeleteAliasesOfSubject = "DELETE FROM aliases WHERE subject = $1";

    /// <summary>$1 subject.</summary>
    public const string DeleteAliasHistoryOfSubject = "DELETE FROM alias_history WHERE subject = $1";

    /// <summary>$1 scope.</summary>
    public const string DeleteConfig = "DELETE FROM config WHERE scope = $1";

    /// <summary>The scope of the registry-wide configuration.</summary>
    public const string GlobalScope = "";

    private const string VersionColumnsOfV =
        "v.subject, v.version, v.schema_id, v.state, v.deleted, v.semver, v.metadata, v.deprecation, v.created_at, v.created_by, v.updated_at";
}
