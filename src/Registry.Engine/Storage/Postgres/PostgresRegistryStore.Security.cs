using Registry.Engine.Security;
using Registry.Engine.Storage.Sql;

namespace Registry.Engine.Storage.Postgres;

/// <summary>Keys and the audit log (migration 4). Appends to the log queue on an advisory lock, so the chain never forks.</summary>
public sealed partial class PostgresRegistryStore : ISecurityStore
{
    private const long AuditLockKey = 0x4155_4449_544C_4F47; // "AUDITLOG"

    /// <inheritdoc />
    public Task<bool> AddKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return RunAsync(static async (source, key, ct) =>
        {
            await using var connection = await source.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await SqlSecurity.AddKeyAsync(connection, null, key, ct).ConfigureAwait(false);
        }, key, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ApiKeyRecord?> GetKeyAsync(string keyId, CancellationToken cancellationToken) =>
        RunAsync(static async (source, id, ct) =>
        {
            await using var connection = await source.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await SqlSecurity.GetKeyAsync(connection, null, id, ct).ConfigureAwait(false);
        }, keyId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken) =>
        RunAsync(static async (source, _, ct) =>
        {
            await using var connection = await source.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await SqlSecurity.ListKeysAsync(connection, null, ct).ConfigureAwait(false);
        }, 0, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RevokeKeyAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken) =>
        RunAsync(static async (source, a, ct) =>
        {
            await using var connection = await source.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await SqlSecurity.RevokeKeyAsync(connection, null, a.keyId, a.revokedAt, ct).ConfigureAwait(false);
        }, (keyId, revokedAt), cancellationToken);

    /// <inheritdoc />
    public Task<AuditRecord> AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return RunAsync(static async (source, entry, ct) =>
        {
            await using var connection = await source.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (var command = connection.CreateCommand())
            {
                command.Transaction = tx;
                command.CommandText = "SELECT pg_advisory_xact_lock($1)";
                command.Parameters.Add(PostgresCommands.P(AuditLockKey));
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            var record = await SqlSecurity.AppendAuditAsync(connection, tx, entry, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return record;
        }, entry, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return RunAsync(static async (source, q, ct) =>
        {
            await using var connection = await source.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await SqlSecurity.ReadAuditAsync(connection, null, q, ct).ConfigureAwait(false);
        }, query, cancellationToken);
    }
}
