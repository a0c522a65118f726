using Registry.Engine.Security;
using Registry.Engine.Storage.Sql;

namespace Registry.Engine.Storage.Sqlite;

/// <summary>Keys and the audit log in the same file (migration 4); each call is one transaction under the write lock.</summary>
public sealed partial class SqliteRegistryStore : ISecurityStore
{
    /// <inheritdoc />
    public Task<bool> AddKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return WriteAsync(static (s, key, ct) => SqlSecurity.AddKeyAsync(s.Connection, null, key, ct), key, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ApiKeyRecord?> GetKeyAsync(string keyId, CancellationToken cancellationToken) =>
        WriteAsync(static (s, id, ct) => SqlSecurity.GetKeyAsync(s.Connection, null, id, ct), keyId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken) =>
        WriteAsync(static (s, _, ct) => SqlSecurity.ListKeysAsync(s.Connection, null, ct), 0, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RevokeKeyAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken) =>
        WriteAsync(static (s, a, ct) => SqlSecurity.RevokeKeyAsync(s.Connection, null, a.keyId, a.revokedAt, ct), (keyId, revokedAt), cancellationToken);

    /// <inheritdoc />
    public Task<AuditRecord> AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return WriteAsync(static (s, entry, ct) => SqlSecurity.AppendAuditAsync(s.Connection, null, entry, ct), entry, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return WriteAsync(static (s, q, ct) => SqlSecurity.ReadAuditAsync(s.Connection, null, q, ct), query, cancellationToken);
    }
}
