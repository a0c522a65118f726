using Registry.Engine.Storage.Sql;

namespace Registry.Engine.Storage.Sqlite;

/// <summary>
/// The database schema as an ordered list of migrations, applied by <see cref="MigrationRunner"/> at start-up in one
/// <c>BEGIN IMMEDIATE</c> transaction (so processes opening the file together apply each one once) and recorded in
/// <c>schema_migrations</c>. Append new migrations; never edit an applied one.
/// </summary>
internal static class SqliteMigrations
{
    public static readonly SqlMigration[] All =
    [
        new(1, "registry core", """
            CREATE TABLE schemas (
                id              INTEGER PRIMARY KEY,          -- global id: max + 1, rows never deleted, so never reused
                schema_type     TEXT    NOT NULL,
                fingerprint     BLOB    NOT NULL UNIQUE,      -- SHA-256 over type, canonical content, references
                content_hash    BLOB    NOT NULL,             -- SHA-256 of the canonical content
                content         BLOB    NOT NULL,             -- UTF-8 text as first registered
                references_json TEXT    NOT NULL,
                created_at      INTEGER NOT NULL
            );

            CREATE TABLE subjects (
                name         TEXT    NOT NULL PRIMARY KEY,
                revision     INTEGER NOT NULL,                -- +1 on every write to the subject's versions
                next_version INTEGER NOT NULL,
                created_at   INTEGER NOT NULL
            ) WITHOUT ROWID;

            CREATE TABLE versions (
                subject     TEXT    NOT NULL REFERENCES subjects(name) ON DELETE CASCADE,
                version     INTEGER NOT NULL,
                schema_id   INTEGER NOT NULL REFERENCES schemas(id),
                state       INTEGER NOT NULL,
                deleted     INTEGER NOT NULL DEFAULT 0,
                semver      TEXT,
                metadata    TEXT,
                deprecation TEXT,
                created_at  INTEGER NOT NULL,
                created_by  TEXT,
                updated_at  INTEGER NOT NULL,
                PRIMARY KEY (subject, version)
            ) WITHOUT ROWID;
            CREATE INDEX versions_by_schema ON versions(schema_id);

            -- Who references whom, per referring version: a referenced version cannot disappear while a row here
            -- points at it (checked explicitly by the store, enforced by the foreign key at commit as a backstop).
            CREATE TABLE version_references (
                subject     TEXT    NOT NULL,
                version     INTEGER NOT NULL,
                name        TEXT    NOT NULL,
                ref_subject TEXT    NOT NULL,
                ref_version INTEGER NOT NULL,
                PRIMARY KEY (subject, version, name),
                FOREIGN KEY (subject, version) REFERENCES versions(subject, version) ON DELETE CASCADE,
                FOREIGN KEY (ref_subject, ref_version) REFERENCES versions(subject, version) DEFERRABLE INITIALLY DEFERRED
            ) WITHOUT ROWID;
            CREATE INDEX version_references_by_target ON version_references(ref_subject, ref_version);

            -- One row per scope: '' is the registry-wide default, otherwise a subject name.
            CREATE TABLE config (
                scope         TEXT NOT NULL PRIMARY KEY,
                compatibility INTEGER,
                policy        INTEGER,
                mode          INTEGER
            ) WITHOUT ROWID;
            """),
        new(2, "config profiles", """
            -- Provider profiles a scope's new versions must satisfy: names joined by ',' ('' = explicitly none).
            ALTER TABLE config ADD COLUMN profiles TEXT;
            """),
        new(3, "format assertion per subject", """
            ALTER TABLE config ADD COLUMN format_assertion INTEGER;  -- 0/1; NULL: the server's setting
            """),
        new(4, "api keys and audit log", """
            -- Only a salted SHA-256 of each secret is kept; the id is the visible part of the key.
            CREATE TABLE api_keys (
                key_id      TEXT    NOT NULL PRIMARY KEY,
                description TEXT,
                role        INTEGER NOT NULL,
                grants      TEXT    NOT NULL,                 -- subject patterns joined by newlines
                salt        BLOB    NOT NULL,
                secret_hash BLOB    NOT NULL,
                created_at  INTEGER NOT NULL,
                created_by  TEXT,
                expires_at  INTEGER,
                revoked_at  INTEGER
            ) WITHOUT ROWID;

            -- Append-only, hash-chained: hash = SHA-256(prev_hash, seq, the row's fields) (AuditChain).
            CREATE TABLE audit_log (
                seq       INTEGER PRIMARY KEY,                -- 1, 2, 3, ... without gaps
                at        INTEGER NOT NULL,
                principal TEXT    NOT NULL,
                source    TEXT    NOT NULL,
                operation TEXT    NOT NULL,
                subject   TEXT,
                version   INTEGER,
                target    TEXT,
                outcome   TEXT    NOT NULL,
                prev_hash BLOB    NOT NULL,
                hash      BLOB    NOT NULL
            );
            CREATE INDEX audit_log_by_subject ON audit_log(subject, seq);
            CREATE INDEX audit_log_by_principal ON audit_log(principal, seq);
            """),
        new(5, "aliases", """
            -- Named pointers of a subject to one of its versions; writing one bumps the subject's revision.
            CREATE TABLE aliases (
                subject    TEXT    NOT NULL REFERENCES subjects(name) ON DELETE CASCADE,
                name       TEXT    NOT NULL,
                version    INTEGER NOT NULL,
                protected  INTEGER NOT NULL DEFAULT 0,
                updated_at INTEGER NOT NULL,
                updated_by TEXT,
                PRIMARY KEY (subject, name)
            ) WITHOUT ROWID;

            -- Every change of an alias: from_version NULL when created, to_version NULL when deleted.
            CREATE TABLE alias_history (
                subject      TEXT    NOT NULL,
                name         TEXT    NOT NULL,
                seq          INTEGER NOT NULL,
                from_version INTEGER,
                to_version   INTEGER,
                protected    INTEGER NOT NULL,
                at           INTEGER NOT NULL,
                by           TEXT,
                PRIMARY KEY (subject, name, seq)
            ) WITHOUT ROWID;
            """),
        new(6, "tool sets", """
            -- Named sets of tools (subjects at a version, latest or an alias), checked and exported as one request.
            CREATE TABLE tool_sets (
                name       TEXT    NOT NULL PRIMARY KEY,
                tools_json TEXT    NOT NULL,                  -- [{subject, version, name, description?, strict}]
                updated_at INTEGER NOT NULL,
                updated_by TEXT
            ) WITHOUT ROWID;
            """),
        new(7, "default draft per subject", """
            ALTER TABLE config ADD COLUMN default_draft TEXT;  -- 'draft-07', ...; NULL: the API's or the server's default
            """),
        new(8, "contract settings", """
            -- Confluent's contract settings of a scope (normalize, validateFields, compatibilityGroup, default and
            -- override metadata and rule sets) as one JSON object; NULL: none set.
            ALTER TABLE config ADD COLUMN contract TEXT;
            """),
    ];
}
