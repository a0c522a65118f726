using Npgsql;
using Registry.Engine.Storage;
using Registry.Engine.Storage.Postgres;
using Registry.Testing;

namespace Registry.Engine.Tests.Storage;

/// <summary>The store contract against PostgreSQL (a fresh database per test), plus what is specific to it.</summary>
[Trait("Requires", "postgres")]
public sealed class PostgresRegistryStoreIntegrationTests : RegistryStoreContract
{
    private string _connectionString = string.Empty;

    protected override async Task<IRegistryStore> CreateStoreAsync()
    {
        _connectionString = await TestServices.CreatePostgresDatabaseAsync("store");
        return await OpenSecondStoreAsync();
    }

    protected override async Task<IRegistryStore> OpenSecondStoreAsync()
    {
        var store = new PostgresRegistryStore(new PostgresStoreOptions { ConnectionString = _connectionString, MaxPoolSize = 20 });
        await store.InitializeAsync(Ct);
        return store;
    }

    [Fact]
    public async Task Migrations_are_recorded_once_when_replicas_start_together()
    {
        var fresh = await TestServices.CreatePostgresDatabaseAsync("migrate");
        var stores = Enumerable.Range(0, 6).Select(_ => new PostgresRegistryStore(new PostgresStoreOptions { ConnectionString = fresh, MaxPoolSize = 2 })).ToArray();

        await Task.WhenAll(stores.Select(s => Task.Run(() => s.InitializeAsync(Ct), Ct)));

        await using (var connection = new NpgsqlConnection(fresh))
        {
            await connection.OpenAsync(Ct);
            await using var command = new NpgsqlCommand("SELECT count(*), max(version) FROM schema_migrations", connection);
            await using var reader = await command.ExecuteReaderAsync(Ct);
            Assert.True(await reader.ReadAsync(Ct));
            Assert.Equal((long)PostgresRegistryStore.MigrationCount, reader.GetInt64(0));
            Assert.Equal(PostgresRegistryStore.SchemaVersion, reader.GetInt32(1));
        }

        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Concurrent_new_schemas_in_different_subjects_get_gapless_ids()
    {
        const int Writers = 24;
        await using var second = await OpenSecondStoreAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? Store : second;
            var result = await store.AppendVersionAsync(Append($"subject-{i}", 0, $$"""{"title":"s{{i}}"}"""), Ct);
            Assert.Equal(WriteOutcome.Done, result.Outcome);
            return result.SchemaId;
        }, Ct)));

        Assert.Equal(Enumerable.Range(1, Writers).Select(i => (long)i), results.Order());
    }

    [Fact]
    public async Task The_same_new_content_registered_at_once_under_many_subjects_gets_one_id()
    {
        const int Writers = 16;
        await using var second = await OpenSecondStoreAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? Store : second;
            var result = await store.AppendVersionAsync(Append($"same-{i}", 0, """{"title":"shared"}"""), Ct);
            Assert.Equal(WriteOutcome.Done, result.Outcome);
            return result;
        }, Ct)));

        Assert.Single(results.Select(r => r.SchemaId).Distinct());
        Assert.Single(results, r => r.SchemaCreated);
        Assert.Equal(2, (await Store.AppendVersionAsync(Append("next", 0, """{"title":"next"}"""), Ct)).SchemaId);
    }

    [Fact]
    public async Task Metadata_without_content_matches_the_record_and_names_the_content_by_its_sha256()
    {
        var result = await AppendAsync("a", """{"type":"string"}""");
        var index = (ISchemaIndex)Store;

        var entry = await index.GetSchemaEntryAsync(result.SchemaId, Ct);
        var record = await Store.GetSchemaAsync(result.SchemaId, Ct);

        Assert.NotNull(entry);
        Assert.Equal(record!.ContentHash.ToArray(), entry.ContentHash.ToArray());
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(record.Content.Span), entry.ContentSha256.ToArray());
        Assert.Null(await index.GetSchemaEntryAsync(result.SchemaId + 1, Ct));
    }

    [Fact]
    public async Task Warm_up_order_puts_the_latest_versions_of_the_most_subjects_first()
    {
        await AppendAsync("a", """{"title":"old"}""");
        await AppendAsync("a", """{"title":"shared"}""");
        await AppendAsync("b", """{"title":"shared"}""");
        await AppendAsync("c", """{"title":"alone"}""");

        var ids = await ((IWarmupSource)Store).GetWarmupSchemaIdsAsync(10, Ct);

        Assert.Equal([2L, 3L, 1L], ids);
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_as_store_unavailable()
    {
        var port = PrivateService.FreePort();
        await using var store = new PostgresRegistryStore(new PostgresStoreOptions
        {
            ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres",
            ConnectTimeout = TimeSpan.FromSeconds(2),
        });

        var error = await Assert.ThrowsAsync<RegistryException>(() => store.GetSubjectAsync("a", Ct));

        Assert.Equal(RegistryErrorCode.StoreUnavailable, error.Code);
    }
}
