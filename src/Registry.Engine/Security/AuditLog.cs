namespace Registry.Engine.Security;

/// <summary>Appends to, reads and verifies the hash-chained audit log in the system of record.</summary>
public sealed class AuditLog
{
    /// <summary>Most rows one read returns.</summary>
    public const int MaxPage = 1000;

    private readonly ISecurityStore _store;

    /// <summary>Creates the log over a store.</summary>
    public AuditLog(ISecurityStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>Appends an entry (durable when this completes).</summary>
    public Task<AuditRecord> RecordAsync(AuditEntry entry, CancellationToken cancellationToken) => _store.AppendAuditAsync(entry, cancellationToken);

    /// <summary>Rows matching the query, in sequence order (at most <see cref="MaxPage"/>).</summary>
    public Task<IReadOnlyList<AuditRecord>> ReadAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > MaxPage)
        {
            throw new RegistryException(RegistryErrorCode.InvalidRequest, $"limit: from 1 to {MaxPage}.");
        }

        return _store.ReadAuditAsync(query, cancellationToken);
    }

    /// <summary>Reads the whole log in order and checks the chain; null when it is whole, else where it breaks.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        var rows = new List<AuditRecord>();
        var after = 0L;
        while (true)
        {
            var page = await _store.ReadAuditAsync(new AuditQuery(null, null, null, after, MaxPage), cancellationToken).ConfigureAwait(false);
            rows.AddRange(page);
            if (page.Count < MaxPage)
            {
                break;
            }

            after = page[^1].Sequence;
        }

        return new AuditVerification(rows.Count, AuditChain.Verify(rows));
    }
}

/// <summary>The result of verifying the audit chain.</summary>
/// <param name="Rows">Rows checked.</param>
/// <param name="Break">Where the chain breaks, or null when every row verifies.</param>
public sealed record AuditVerification(long Rows, AuditBreak? Break);
