using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Registry.Engine.Model;
using Registry.Engine.Storage;
using Registry.Engine.Storage.Tiers;

namespace Registry.Benchmarks.Store;

/// <summary>
/// The tiered store's own cost per call (breakers, metrics, single flight, integrity check, decoding), with tiers that
/// answer at once from memory: no I/O, so only the store's code is measured. Baseline per category: the same answer
/// from the tier called directly.
/// <code>dotnet run -c Release --project benchmarks/Registry.Benchmarks -- --filter '*TieredStoreBenchmarks*'</code>
/// </summary>
[Config(typeof(BenchmarkConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TieredStoreBenchmarks
{
    private static readonly SubjectQuery Query = new(null, DeletedFilter.Exclude, 0, 10);
    private InstantCache _shared = null!;
    private InstantStore _store = null!;
    private TieredRegistryStore _withShared = null!;
    private TieredRegistryStore _storeOnly = null!;

    [GlobalSetup]
    public void Setup()
    {
        var content = Encoding.UTF8.GetBytes("""{"type":"object","properties":{"city":{"type":"string"}}}""");
        var version = new VersionRecord
        {
            Subject = "orders",
            Version = 1,
            SchemaId = 1,
            State = LifecycleState.Active,
            Metadata = VersionMetadata.Empty,
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
        };
        var snapshot = new SubjectSnapshot("orders", 3, [version]);
        _shared = new InstantCache(new SchemaEntry(1, "JSON", new byte[32], SHA256.HashData(content), []), content, TierCodec.EncodeSnapshot(snapshot));
        _store = new InstantStore(new SchemaRecord(1, "JSON", content, new byte[32], []), snapshot);
        _withShared = new TieredRegistryStore(new TieredStoreParts { Store = _store, Shared = _shared });
        _storeOnly = new TieredRegistryStore(new TieredStoreParts { Store = _store });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _withShared.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _storeOnly.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("schema by id, shared-cache hit")]
    public async Task<long> Schema_from_the_shared_cache_directly() => (await _shared.GetSchemaAsync(1, default)).Entry!.Id;

    [Benchmark]
    [BenchmarkCategory("schema by id, shared-cache hit")]
    public async Task<long> Schema_through_the_tiered_store() => (await _withShared.GetSchemaAsync(1, default))!.Id;

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("subject snapshot, shared-cache hit")]
    public async Task<int> Snapshot_from_the_shared_cache_directly() => (await _shared.GetFactAsync(FactKey.Subject("orders"), default)).Value!.Length;

    [Benchmark]
    [BenchmarkCategory("subject snapshot, shared-cache hit")]
    public async Task<int> Snapshot_through_the_tiered_store() => (await _withShared.GetSubjectAsync("orders", default))!.Versions.Count;

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("system of record call")]
    public async Task<int> List_from_the_store_directly() => (await _store.ListSubjectsAsync(Query, default)).Count;

    [Benchmark]
    [BenchmarkCategory("system of record call")]
    public async Task<int> List_through_the_tiered_store() => (await _storeOnly.ListSubjectsAsync(Query, default)).Count;

    /// <summary>A shared cache that holds everything and answers at once.</summary>
    private sealed class InstantCache(SchemaEntry entry, byte[] content, byte[] snapshot) : ISharedCache
    {
        private readonly Task<SharedSchema> _schema = Task.FromResult(new SharedSchema(entry, content, "1"));
        private readonly Task<SharedFact> _snapshot = Task.FromResult(new SharedFact(snapshot, "1"));

        public Task<SharedSchema> GetSchemaAsync(long id, CancellationToken cancellationToken) => _schema;

        public Task<bool> SetSchemaAsync(SchemaEntry entry, ReadOnlyMemory<byte> content, string? generation, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<long?> GetSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, CancellationToken cancellationToken) => Task.FromResult<long?>(1);

        public Task SetSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, long id, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<SharedFact> GetFactAsync(FactKey key, CancellationToken cancellationToken) => _snapshot;

        public Task<bool> FillFactAsync(FactKey key, string generation, ReadOnlyMemory<byte> value, TimeSpan age, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task InvalidateAsync(IReadOnlyList<FactKey> keys, CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>A system of record that answers reads at once; writes are not measured here.</summary>
    private sealed class InstantStore(SchemaRecord record, SubjectSnapshot snapshot) : IRegistryStore
    {
        private readonly Task<IReadOnlyList<string>> _names = Task.FromResult<IReadOnlyList<string>>(["orders"]);

        public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<WriteResult> SetAliasAsync(AliasWrite write, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<AliasMove>> GetAliasHistoryAsync(string subject, string name, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<AliasMove>>([]);

        public Task<SchemaRecord?> GetSchemaAsync(long id, CancellationToken cancellationToken) => Task.FromResult<SchemaRecord?>(record);

        public Task<long?> FindSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, CancellationToken cancellationToken) => Task.FromResult<long?>(record.Id);

        public Task<SubjectSnapshot?> GetSubjectAsync(string subject, CancellationToken cancellationToken) => Task.FromResult<SubjectSnapshot?>(snapshot);

        public Task<VersionRecord?> GetVersionAsync(string subject, int version, CancellationToken cancellationToken) => Task.FromResult<VersionRecord?>(snapshot.Versions[0]);

        public Task<IReadOnlyList<string>> ListSubjectsAsync(SubjectQuery query, CancellationToken cancellationToken) => _names;

        public Task<IReadOnlyList<VersionUsage>> GetSchemaUsageAsync(long schemaId, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<VersionUsage>>([]);

        public Task<IReadOnlyList<VersionUsage>> GetReferrersAsync(SubjectVersionRef target, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<VersionUsage>>([]);

        public Task<AppendResult> AppendVersionAsync(VersionAppend append, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<WriteResult> UpdateVersionAsync(VersionUpdate update, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<WriteResult> SoftDeleteAsync(string subject, IReadOnlyList<int> versions, long expectedRevision, DateTimeOffset now, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<WriteResult> HardDeleteAsync(string subject, IReadOnlyList<int> versions, bool wholeSubject, long expectedRevision, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<ConfigRecord> GetConfigAsync(string? subject, CancellationToken cancellationToken) => Task.FromResult(ConfigRecord.Empty);

        public Task SetConfigAsync(string? subject, ConfigRecord config, CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
