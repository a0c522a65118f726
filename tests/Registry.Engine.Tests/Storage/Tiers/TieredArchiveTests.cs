using System.Text;
using Registry.Engine.Model;
using Registry.Engine.Schemas;
using Registry.Engine.Storage;
using Registry.Engine.Storage.Sqlite;
using Registry.Engine.Storage.Tiers;
using Registry.Testing;

namespace Registry.Engine.Tests.Storage.Tiers;

/// <summary>Backup and restore through the tiered store: passed to the system of record, then every cache told to forget.</summary>
public sealed class TieredArchiveTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _folder = new("tiered-archive");
    private readonly RecordingSharedCache _shared = new();
    private TieredRegistryStore _tiered = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _tiered = new TieredRegistryStore(new TieredStoreParts
        {
            Store = new SqliteRegistryStore(new SqliteStoreOptions { Path = _folder.File("registry.db") }),
            Shared = _shared,
        });
        await _tiered.InitializeAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _tiered.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    private static async IAsyncEnumerable<ArchiveRecord> Archive()
    {
        var content = Encoding.UTF8.GetBytes("""{"type":"object"}""");
        var identity = SchemaIdentity.Compute("JSON", content, [], 64);
        var t = DateTimeOffset.UnixEpoch;
        yield return new ArchivedSchema(3, "JSON", identity.Fingerprint, identity.ContentHash, content, [], t);
        yield return new ArchivedSubject("a", 2, t);
        yield return new ArchivedVersion(new VersionRecord { Subject = "a", Version = 1, SchemaId = 3, State = LifecycleState.Active, CreatedAt = t, UpdatedAt = t });
        await Task.Yield();
        yield return new ArchivedConfig(null, new ConfigRecord { Mode = RegistryMode.ReadOnly });
    }

    [Fact]
    public async Task An_import_through_the_tiers_reaches_the_system_of_record_and_the_shared_cache_forgets_what_it_touched()
    {
        Assert.Null(await _tiered.GetSubjectAsync("a", Ct));

        var result = await _tiered.ImportArchiveAsync(Archive(), new ArchiveImportOptions(false, false), Ct);

        Assert.Equal(ArchiveImportOutcome.Done, result.Outcome);
        Assert.Equal([1], (await _tiered.GetSubjectAsync("a", Ct))!.Versions.Select(v => v.Version));
        Assert.Equal(RegistryMode.ReadOnly, (await _tiered.GetConfigAsync(null, Ct)).Mode);
        Assert.Superset(new HashSet<FactKey> { FactKey.Subject("a"), FactKey.Config(null), FactKey.Schema(3), FactKey.Usage(3) }, _shared.Invalidated.ToHashSet());
        var read = new List<ArchiveRecord>();
        await foreach (var record in _tiered.ReadArchiveAsync(Ct))
        {
            read.Add(record);
        }

        Assert.Equal(new ArchiveCounts(1, 1, 1, 1), read[0]);
    }

    private sealed class RecordingSharedCache : ISharedCache
    {
        public List<FactKey> Invalidated { get; } = [];

        public Task<SharedSchema> GetSchemaAsync(long id, CancellationToken cancellationToken) => Task.FromResult(new SharedSchema(null, null, "0"));

        public Task<bool> SetSchemaAsync(SchemaEntry entry, ReadOnlyMemory<byte> content, string? generation, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<long?> GetSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, CancellationToken cancellationToken) => Task.FromResult<long?>(null);

        public Task SetSchemaIdAsync(ReadOnlyMemory<byte> fingerprint, long id, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<SharedFact> GetFactAsync(FactKey key, CancellationToken cancellationToken) => Task.FromResult(new SharedFact(null, "0"));

        public Task<bool> FillFactAsync(FactKey key, string generation, ReadOnlyMemory<byte> value, TimeSpan age, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task InvalidateAsync(IReadOnlyList<FactKey> keys, CancellationToken cancellationToken)
        {
            Invalidated.AddRange(keys);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
