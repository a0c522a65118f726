using Registry.Engine.Storage.Sql;

namespace Registry.Engine.Storage.Postgres;

/// <summary>
/// The database schema as an ordered list of migrations, applied by <see cref="MigrationRunner"/> at start-up in one
/// transaction under an advisory lock, so replicas starting together apply each one exactly once; each is recorded in
/// <c>schema_migrations</c>.
/// Append new migrations; never edit an applied one.
/// </summary>
internal static class PostgresMigrations
{
    /// <summary>Key of the transaction-scoped advisory lock that serialises migrations across processes.</summary>
    public const long AdvisoryLockKey = 0x5245_4749_5354_5259; // "REGISTRY"

    public static readonly SqlMigration[] All =
    [
        new(1, "registry core", """
            CREATE TABLE schemas (
                id              bigint  PRIMARY KEY,          -- global id: max + 1 (schema_id_allocator), rows never deleted
                schema_type     text    NOT NULL,
                fingerprint     bytea   NOT NULL UNIQUE,      -- SHA-256 over type, canonical content, references
                content_hash    bytea   NOT NULL,             -- SHA-256 of the canonical content
                content_sha256  bytea   NOT NULL,             -- SHA-256 of the stored bytes: the key in the content tier
                content         bytea   NOT NULL,             -- UTF-8 text as first registered
                references_json text    NOT NULL,
                created_at      bigint  NOT NULL
            );

            -- One row holding the next id. Allocating takes its row lock until commit, so ids are gapless (a rolled-back
            -- transaction rolls the counter back too) and never reused; a sequence would leave gaps.
            CREATE TABLE schema_id_allocator (
                singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                next_id   bigint  NOT NULL
            );
            INSERT INTO schema_id_allocator (singleton, next_id) VALUES (true, 1);

            -- COLLATE "C": names compare by code point, as the API lists them.
            CREATE TABLE subjects (
                name         text COLLATE "C" PRIMARY KEY,
                revision     bigint  NOT NULL,                -- +1 on every write to the subject's versions
                next_version integer NOT NULL,
                created_at   bigint  NOT NULL
            );

            CREATE TABLE versions (
                subject     text COLLATE "C" NOT NULL REFERENCES subjects(name) ON DELETE CASCADE,
                version     integer  NOT NULL,
                schema_id   bigint   NOT NULL REFERENCES schemas(id),
                state       smallint NOT NULL,
                deleted     boolean  NOT NULL DEFAULT false,
                semver      text,
                metadata    text,
                deprecation text,
                created_at  bigint   NOT NULL,
                created_by  text,
                updated_at  bigint   NOT NULL,
                PRIMARY KEY (subject, version)
            );
            CREATE INDEX versions_by_schema ON versions(schema_id);

            CREATE TABLE version_references (
                subject     text COLLATE "C" NOT NULL,
                version     integer NOT NULL,
                name        text    NOT NULL,
                ref_subject text COLLATE "C" NOT NULL,
                ref_version integer NOT NULL,
                PRIMARY KEY (subject, version, name),
                FOREIGN KEY (subject, version) REFERENCES versions(subject, version) ON DELETE CASCADE,
                FOREIGN KEY (ref_subject, ref_version) REFERENCES versions(subject, version) DEFERRABLE INITIALLY DEFERRED
            );
            CREATE INDEX version_references_by_target ON version_references(ref_subject, ref_version);

            -- One row per scope: '' is the registry-wide default, otherwise a subject name.
            CREATE TABLE config (
                scope         text COLLATE "C" PRIMARY KEY,
                compatibility smallint,
                policy        smallint,
                mode          smallint
            );
            """),
        new(2, "config profiles", """
            -- Provider profiles a scope's new versions must satisfy: names joined by ',' ('' = explicitly none).
            ALTER TABLE config ADD COLUMN profiles text;
            """),
        new(3, "format assertion per subject", """
            ALTER TABLE config ADD COLUMN format_assertion boolean;  -- NULL: the server's setting
            """),
        new(4, "api keys and audit log", """
            -- Only a salted SHA-256 of each secret is kept; the id is the visible part of the key.
            CREATE TABLE api_keys (
                key_id      text COLLATE "C" PRIMARY KEY,
                description text,
                role        smallint NOT NULL,
                grants      text     NOT NULL,                -- subject patterns joined by newlines
                salt        bytea    NOT NULL,
                secret_hash bytea    NOT NULL,
                created_at  bigint   NOT NULL,                -- Unix milliseconds, as in the SQLite store
                created_by  text,
                expires_at  bigint,
                revoked_at  bigint
            );

            -- Append-only, hash-chained: hash = SHA-256(prev_hash, seq, the row's fields) (AuditChain).
            CREATE TABLE audit_log (
                seq       bigint PRIMARY KEY,                 -- 1, 2, 3, ... without gaps
                at        bigint NOT NULL,
                principal text COLLATE "C" NOT NULL,
                source    text   NOT NULL,
                operation text   NOT NULL,
                subject   text COLLATE "C",
                version   integer,
                target    text,
                outcome   text   NOT NULL,
                prev_hash bytea  NOT NULL,
                hash      bytea  NOT NULL
            );
            CREATE INDEX audit_log_by_subject ON audit_log(subject, seq);
            CREATE INDEX audit_log_by_principal ON audit_log(principal, seq);
            """),
        new(5, "aliases", """
            -- Named pointers of a subject to one of its versions; writing one bumps the subject's revision.
            CREATE TABLE aliases (
                subject    text COLLATE "C" NOT NULL REFERENCES subjects(name) ON DELETE CASCADE,
                name       text COLLATE "C" NOT NULL,
                version    integer NOT NULL,
                protected  boolean NOT NULL DEFAULT false,
                updated_at bigint  NOT NULL,
                updated_by text,
                PRIMARY KEY (subject, name)
            );

            -- Every change of an alias: from_version NULL when created, to_version NULL when deleted.
            CREATE TABLE alias_history (
                subject      text COLLATE "C" NOT NULL,
                name         text COLLATE "C" NOT NULL,
                seq          integer NOT NULL,
                from_version integer,
                to_version   integer,
                protected    boolean NOT NULL,
                at           bigint  NOT NULL,
                by           text,
                PRIMARY KEY (subject, name, seq)
            );
            """),
        new(6, "tool sets", """
            -- Named sets of tools (subjects at a version, latest or an alias), checked and exported as one request.
            CREATE TABLE tool_sets (
                name       text COLLATE "C" PRIMARY KEY,
                tools_json text   NOT NULL,                   -- [{subject, version, name, description?, strict}]
                updated_at bigint NOT NULL,                   -- Unix milliseconds, as in the SQLite store
                updated_by text
            );
            """),
        new(7, "default draft per subject", """
            ALTER TABLE config ADD COLUMN default_draft text;  -- 'draft-07', ...; NULL: the API's or the server's default
            """),
        new(8, "contract settings", """
            -- Confluent's contract settings of a scope (normalize, validateFields, compatibilityGroup, default and
            -- override metadata and rule sets) as one JSON object; NULL: none set.
            ALTER TABLE config ADD COLUMN contract text;
            """),
    ];
}
