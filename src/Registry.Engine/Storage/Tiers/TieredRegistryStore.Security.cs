using Registry.Engine.Security;

namespace Registry.Engine.Storage.Tiers;

/// <summary>Keys and the audit log are not cached in the tiers: every call goes to the system of record.</summary>
public sealed partial class TieredRegistryStore : ISecurityStore
{
    private ISecurityStore Security => Inner as ISecurityStore
        ?? throw new RegistryException(RegistryErrorCode.StoreError, "The system of record keeps no keys or audit log.");

    /// <inheritdoc />
    public Task<bool> AddKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken) => Security.AddKeyAsync(key, cancellationToken);

    /// <inheritdoc />
    public Task<ApiKeyRecord?> GetKeyAsync(string keyId, CancellationToken cancellationToken) => Security.GetKeyAsync(keyId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken) => Security.ListKeysAsync(cancellationToken);

    /// <inheritdoc />
    public Task<bool> RevokeKeyAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken) =>
        Security.RevokeKeyAsync(keyId, revokedAt, cancellationToken);

    /// <inheritdoc />
    public Task<AuditRecord> AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken) => Security.AppendAuditAsync(entry, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken) =>
        Security.ReadAuditAsync(query, cancellationToken);
}
