using Registry.Engine.Model;
using Registry.Engine.Storage;

namespace Registry.Server.Tests.Binary;

/// <summary>
/// A store that holds every subject read (GET_VERSION, LIST_VERSIONS, REGISTER...) at a gate the test opens, and
/// counts how many are inside at once: it makes "in flight" observable.
/// </summary>
internal sealed class GatedStore(IRegistryStore inner) : IRegistryStore
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _gate = NewGate(open: true);
    private int _inside;

    /// <summary>Subject reads that have reached the store since the gate was last closed.</summary>
    public int Entered { get; private set; }

    /// <summary>Most subject reads ever inside at once.</summary>
    public int MaxInside { get; private set; }

    public void Close()
    {
        lock (_lock)
        {
            _gate = NewGate(open: false);
            Entered = 0;
        }
    }

    public void Open()
    {
        lock (_lock)
        {
            _gate.TrySetResult();
        }
    }

    /// <summary>Waits (polling, bounded by the test's cancellation) until <paramref name="count"/> reads are inside.</summary>
    public async Task WaitForEnteredAsync(int count)
    {
        while (true)
        {
            lock (_lock)
            {
                if (Entered >= count)
                {
                    return;
                }
            }

            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }

    public async Task<SubjectSnapshot?> GetSubjectAsync(string subject, CancellationToken cancellationToken)
    {
        Task gate;
        lock (_lock)
        {
            Entered++;
            _inside++;
            MaxInside = Math.Max(MaxInside, _inside);
            gate = _gate.Task;
        }

        try
        {
            await gate.WaitAsync(cancellationToken);
            return await inner.GetSubjectAsync(subject, cancellationToken);
        }
        finally
        {
            lock (_lock)
            {
                _inside--;
            }
        }
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public Task<SchemaRecord?> GetSchemaAsync(long id, CancellationToken cancellationToken) => inner.GetSchemaAsync(id, cancellationToken);

    public Task<long?> FindSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, CancellationToken cancellationToken)
        => inner.FindSchemaIdAsync(fingerprint, cancellationToken);

    public Task<VersionRecord?> GetVersionAsync(string subject, int version, CancellationToken cancellationToken)
        => inner.GetVersionAsync(subject, version, cancellationToken);

    public Task<IReadOnlyList<string>> ListSubjectsAsync(SubjectQuery query, CancellationToken cancellationToken)
        => inner.ListSubjectsAsync(query, cancellationToken);

    public Task<IReadOnlyList<VersionUsage>> GetSchemaUsageAsync(long schemaId, CancellationToken cancellationToken)
        => inner.GetSchemaUsageAsync(schemaId, cancellationToken);

    public Task<IReadOnlyList<VersionUsage>> GetReferrersAsync(SubjectVersionRef target, CancellationToken cancellationToken)
        => inner.GetReferrersAsync(target, cancellationToken);

    public Task<AppendResult> AppendVersionAsync(VersionAppend append, CancellationToken cancellationToken)
        => inner.AppendVersionAsync(append, cancellationToken);

    public Task<WriteResult> UpdateVersionAsync(VersionUpdate update, CancellationToken cancellationToken)
        => inner.UpdateVersionAsync(update, cancellationToken);

    public Task<WriteResult> SoftDeleteAsync(string subject, IReadOnlyList<int> versions, long expectedRevision, DateTimeOffset now, CancellationToken cancellationToken)
        => inner.SoftDeleteAsync(subject, versions, expectedRevision, now, cancellationToken);

    public Task<WriteResult> HardDeleteAsync(string subject, IReadOnlyList<int> versions, bool wholeSubject, long expectedRevision, CancellationToken cancellationToken)
        => inner.HardDeleteAsync(subject, versions, wholeSubject, expectedRevision, cancellationToken);

    public Task<ConfigRecord> GetConfigAsync(string? subject, CancellationToken cancellationToken) => inner.GetConfigAsync(subject, cancellationToken);

    public Task SetConfigAsync(string? subject, ConfigRecord config, CancellationToken cancellationToken)
        => inner.SetConfigAsync(subject, config, cancellationToken);

    public Task<WriteResult> SetAliasAsync(AliasWrite write, CancellationToken cancellationToken) => inner.SetAliasAsync(write, cancellationToken);

    public Task<IReadOnlyList<AliasMove>> GetAliasHistoryAsync(string subject, string name, int limit, CancellationToken cancellationToken) => inner.GetAliasHistoryAsync(subject, name, limit, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private static TaskCompletionSource NewGate(bool open)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (open)
        {
            gate.SetResult();
        }

        return gate;
    }
}
