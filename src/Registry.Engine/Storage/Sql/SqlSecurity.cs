using System.Data.Common;
using System.Globalization;
using System.Text;
using Registry.Engine.Security;

namespace Registry.Engine.Storage.Sql;

/// <summary>
/// The statements of <see cref="ISecurityStore"/>, the same for SQLite and PostgreSQL (migration 4 of each): keys, and
/// the audit log. The callers own the transaction; for <see cref="AppendAuditAsync"/> it must also keep other writers
/// of the log out until it commits (SQLite's write lock, a PostgreSQL advisory lock).
/// </summary>
internal static class SqlSecurity
{
    private const string KeyColumns = "key_id, description, role, grants, salt, secret_hash, created_at, created_by, expires_at, revoked_at";
    private const string AuditColumns = "seq, at, principal, source, operation, subject, version, target, outcome, prev_hash, hash";

    public static async Task<bool> AddKeyAsync(DbConnection connection, DbTransaction? tx, ApiKeyRecord key, CancellationToken ct)
    {
        await using var command = Command(connection, tx, $"""
            INSERT INTO api_keys ({KeyColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (key_id) DO NOTHING
            """,
            key.KeyId, key.Description, (int)key.Role, string.Join('\n', key.Grants), key.Salt.ToArray(), key.SecretHash.ToArray(),
            key.CreatedAt.ToUnixTimeMilliseconds(), key.CreatedBy, key.ExpiresAt?.ToUnixTimeMilliseconds(), key.RevokedAt?.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    public static async Task<ApiKeyRecord?> GetKeyAsync(DbConnection connection, DbTransaction? tx, string keyId, CancellationToken ct)
    {
        await using var command = Command(connection, tx, $"SELECT {KeyColumns} FROM api_keys WHERE key_id = $1", keyId);
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false) ? Key(r) : null;
    }

    public static async Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(DbConnection connection, DbTransaction? tx, CancellationToken ct)
    {
        await using var command = Command(connection, tx, $"SELECT {KeyColumns} FROM api_keys ORDER BY created_at, key_id");
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var keys = new List<ApiKeyRecord>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            keys.Add(Key(r));
        }

        return keys;
    }

    public static async Task<bool> RevokeKeyAsync(DbConnection connection, DbTransaction? tx, string keyId, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = Command(connection, tx, "UPDATE api_keys SET revoked_at = coalesce(revoked_at, $2) WHERE key_id = $1", keyId, at.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    public static async Task<AuditRecord> AppendAuditAsync(DbConnection connection, DbTransaction? tx, AuditEntry entry, CancellationToken ct)
    {
        var sequence = 1L;
        var previous = AuditChain.Genesis;
        await using (var last = Command(connection, tx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"))
        {
            await using var r = await last.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                sequence = r.GetInt64(0) + 1;
                previous = r.GetFieldValue<byte[]>(1);
            }
        }

        var hash = AuditChain.Hash(previous.Span, sequence, entry);
        await using var insert = Command(connection, tx, $"INSERT INTO audit_log ({AuditColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            sequence, entry.Time.ToUnixTimeMilliseconds(), entry.Principal, entry.Source, entry.Operation, entry.Subject, entry.Version, entry.Target,
            entry.Outcome, previous.ToArray(), hash);
        await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return new AuditRecord(sequence, entry, previous, hash);
    }

    public static async Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(DbConnection connection, DbTransaction? tx, AuditQuery query, CancellationToken ct)
    {
        // Only the filters given become conditions (PostgreSQL cannot type an untyped NULL parameter in "$n IS NULL").
        var sql = new StringBuilder($"SELECT {AuditColumns} FROM audit_log WHERE seq > $1");
        var values = new List<object?> { query.AfterSequence };
        if (query.Subject is not null)
        {
            values.Add(query.Subject);
            sql.Append(CultureInfo.InvariantCulture, $" AND subject = ${values.Count}");
        }

        if (query.Principal is not null)
        {
            values.Add(query.Principal);
            sql.Append(CultureInfo.InvariantCulture, $" AND principal = ${values.Count}");
        }

        if (query.Since is { } since)
        {
            values.Add(since.ToUnixTimeMilliseconds());
            sql.Append(CultureInfo.InvariantCulture, $" AND at >= ${values.Count}");
        }

        values.Add(query.Limit);
        sql.Append(CultureInfo.InvariantCulture, $" ORDER BY seq LIMIT ${values.Count}");
        await using var command = Command(connection, tx, sql.ToString(), [.. values]);
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<AuditRecord>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add(new AuditRecord(
                r.GetInt64(0),
                new AuditEntry
                {
                    Time = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
                    Principal = r.GetString(2),
                    Source = r.GetString(3),
                    Operation = r.GetString(4),
                    Subject = r.IsDBNull(5) ? null : r.GetString(5),
                    Version = r.IsDBNull(6) ? null : Convert.ToInt32(r.GetValue(6), CultureInfo.InvariantCulture),
                    Target = r.IsDBNull(7) ? null : r.GetString(7),
                    Outcome = r.GetString(8),
                },
                r.GetFieldValue<byte[]>(9),
                r.GetFieldValue<byte[]>(10)));
        }

        return rows;
    }

    private static ApiKeyRecord Key(DbDataReader r) => new()
    {
        KeyId = r.GetString(0),
        Description = r.IsDBNull(1) ? null : r.GetString(1),
        Role = (Role)Convert.ToInt32(r.GetValue(2), CultureInfo.InvariantCulture),
        Grants = r.GetString(3) is { Length: > 0 } grants ? grants.Split('\n') : [],
        Salt = r.GetFieldValue<byte[]>(4),
        SecretHash = r.GetFieldValue<byte[]>(5),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
        CreatedBy = r.IsDBNull(7) ? null : r.GetString(7),
        ExpiresAt = r.IsDBNull(8) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)),
        RevokedAt = r.IsDBNull(9) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(9)),
    };

    private static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params object?[] values)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var value in values)
        {
            SqlParameters.Add(command, value);
        }

        return command;
    }
}
