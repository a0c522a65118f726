namespace Registry.Engine.Security;

/// <summary>
/// API keys and the audit log, kept in the system of record beside the schemas (migration 4 of both SQL stores); the
/// tiered store forwards to the system of record. Keys are few and read through <see cref="ApiKeyService"/>'s cache.
/// </summary>
public interface ISecurityStore
{
    /// <summary>Inserts a key; false when a key with that id exists already.</summary>
    Task<bool> AddKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    /// <summary>The key with this id, or null.</summary>
    Task<ApiKeyRecord?> GetKeyAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>Every key (revoked ones included), by creation time.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken);

    /// <summary>Marks a key revoked; false when there is no such key (revoking twice keeps the first time).</summary>
    Task<bool> RevokeKeyAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Appends an entry in one transaction: reads the last row's hash, numbers the entry after it and stores it with
    /// <see cref="AuditChain.Hash"/> of both. Writers are serialised, so the chain never forks.
    /// </summary>
    Task<AuditRecord> AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Entries in sequence order, filtered.</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken);
}

/// <summary>What happened, before it is numbered and chained.</summary>
public sealed record AuditEntry
{
    /// <summary>When.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>Who: a key id or token subject, or <c>anonymous</c>.</summary>
    public required string Principal { get; init; }

    /// <summary>The source address of the request.</summary>
    public required string Source { get; init; }

    /// <summary>What was asked: an operation name, e.g. <c>register</c>, <c>key_create</c>.</summary>
    public required string Operation { get; init; }

    /// <summary>The subject, when there is one.</summary>
    public string? Subject { get; init; }

    /// <summary>The version, when there is one.</summary>
    public int? Version { get; init; }

    /// <summary>The schema id or the key id acted on, when there is one.</summary>
    public string? Target { get; init; }

    /// <summary><c>ok</c>, <c>denied</c>, <c>unauthenticated</c> or an error name.</summary>
    public required string Outcome { get; init; }
}

/// <summary>A stored audit row.</summary>
/// <param name="Sequence">1, 2, 3, ... without gaps.</param>
/// <param name="Entry">What happened.</param>
/// <param name="PreviousHash">The hash of row <c>Sequence - 1</c> (32 zero bytes for the first).</param>
/// <param name="Hash">SHA-256 over the previous hash and this row (<see cref="AuditChain.Hash"/>).</param>
public sealed record AuditRecord(long Sequence, AuditEntry Entry, ReadOnlyMemory<byte> PreviousHash, ReadOnlyMemory<byte> Hash);

/// <summary>A filter over the audit log.</summary>
/// <param name="Subject">Only rows of this subject.</param>
/// <param name="Principal">Only rows of this principal.</param>
/// <param name="Since">Only rows at or after this time.</param>
/// <param name="AfterSequence">Only rows after this sequence number (paging).</param>
/// <param name="Limit">Most rows.</param>
public sealed record AuditQuery(string? Subject, string? Principal, DateTimeOffset? Since, long AfterSequence, int Limit);
