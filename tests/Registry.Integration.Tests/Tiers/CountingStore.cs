using Registry.Engine.Model;
using Registry.Engine.Storage;

namespace Registry.Integration.Tests.Tiers;

/// <summary>A system of record that counts the reads that reach it (what the tiers did not answer).</summary>
public sealed class CountingStore(IRegistryStore inner) : IRegistryStore, ISchemaIndex, IWarmupSource
{
    private int _schemaLoads;
    private int _entryLoads;
    private int _subjectLoads;
    private int _configLoads;
    private int _usageLoads;

    public IRegistryStore Inner => inner;

    public int SchemaLoads => Volatile.Read(ref _schemaLoads);

    public int EntryLoads => Volatile.Read(ref _entryLoads);

    public int SubjectLoads => Volatile.Read(ref _subjectLoads);

    public int ConfigLoads => Volatile.Read(ref _configLoads);

    public int UsageLoads => Volatile.Read(ref _usageLoads);

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public Task<SchemaRecord?> GetSchemaAsync(long id, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _schemaLoads);
        return inner.GetSchemaAsync(id, cancellationToken);
    }

    public Task<SchemaEntry?> GetSchemaEntryAsync(long id, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _entryLoads);
        return ((ISchemaIndex)inner).GetSchemaEntryAsync(id, cancellationToken);
    }

    public Task<IReadOnlyList<long>> GetWarmupSchemaIdsAsync(int limit, CancellationToken cancellationToken) =>
        ((IWarmupSource)inner).GetWarmupSchemaIdsAsync(limit, cancellationToken);

    public Task<long?> FindSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, CancellationToken cancellationToken) => inner.FindSchemaIdAsync(fingerprint, cancellationToken);

    public Task<SubjectSnapshot?> GetSubjectAsync(string subject, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _subjectLoads);
        return inner.GetSubjectAsync(subject, cancellationToken);
    }

    public Task<VersionRecord?> GetVersionAsync(string subject, int version, CancellationToken cancellationToken) => inner.GetVersionAsync(subject, version, cancellationToken);

    public Task<IReadOnlyList<string>> ListSubjectsAsync(SubjectQuery query, CancellationToken cancellationToken) => inner.ListSubjectsAsync(query, cancellationToken);

    public Task<IReadOnlyList<VersionUsage>> GetSchemaUsageAsync(long schemaId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _usageLoads);
        return inner.GetSchemaUsageAsync(schemaId, cancellationToken);
    }

    public Task<IReadOnlyList<VersionUsage>> GetReferrersAsync(SubjectVersionRef target, CancellationToken cancellationToken) => inner.GetReferrersAsync(target, cancellationToken);

    public Task<AppendResult> AppendVersionAsync(VersionAppend append, CancellationToken cancellationToken) => inner.AppendVersionAsync(append, cancellationToken);

    public Task<WriteResult> UpdateVersionAsync(VersionUpdate update, CancellationToken cancellationToken) => inner.UpdateVersionAsync(update, cancellationToken);

    public Task<WriteResult> SoftDeleteAsync(string subject, IReadOnlyList<int> versions, long expectedRevision, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.SoftDeleteAsync(subject, versions, expectedRevision, now, cancellationToken);

    public Task<WriteResult> HardDeleteAsync(string subject, IReadOnlyList<int> versions, bool wholeSubject, long expectedRevision, CancellationToken cancellationToken) =>
        inner.HardDeleteAsync(subject, versions, wholeSubject, expectedRevision, cancellationToken);

    public Task<ConfigRecord> GetConfigAsync(string? subject, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _configLoads);
        return inner.GetConfigAsync(subject, cancellationToken);
    }

    public Task SetConfigAsync(string? subject, ConfigRecord config, CancellationToken cancellationToken) => inner.SetConfigAsync(subject, config, cancellationToken);

    public Task<WriteResult> SetAliasAsync(AliasWrite write, CancellationToken cancellationToken) => inner.SetAliasAsync(write, cancellationToken);

    public Task<IReadOnlyList<AliasMove>> GetAliasHistoryAsync(string subject, string name, int limit, CancellationToken cancellationToken) => inner.GetAliasHistoryAsync(subject, name, limit, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
