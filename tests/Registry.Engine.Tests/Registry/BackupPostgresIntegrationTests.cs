using Registry.Engine.Services;
using Registry.Engine.Services.Backup;
using Registry.Engine.Storage.Postgres;
using Registry.Testing;

namespace Registry.Engine.Tests.Registry;

/// <summary>Backup and restore with PostgreSQL as the system of record, and from the embedded store to PostgreSQL.</summary>
[Trait("Requires", "postgres")]
public sealed class BackupPostgresIntegrationTests : IAsyncLifetime
{
    private readonly List<PostgresRegistryStore> _stores = [];
    private EngineHarness _sqlite = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _sqlite = await EngineHarness.CreateAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await _sqlite.DisposeAsync();
    }

    private async Task<SchemaRegistry> PostgresRegistryAsync()
    {
        var store = new PostgresRegistryStore(new PostgresStoreOptions { ConnectionString = await TestServices.CreatePostgresDatabaseAsync("backup"), MaxPoolSize = 10 });
        await store.InitializeAsync(Ct);
        _stores.Add(store);
        return new SchemaRegistry(store);
    }

    [Fact]
    public async Task A_postgres_registry_restored_into_an_empty_one_answers_every_read_as_the_original()
    {
        var source = await PostgresRegistryAsync();
        var target = await PostgresRegistryAsync();
        await BackupScenario.PopulateAsync(source);

        var backup = await BackupRestoreTests.ExportAsync(source);
        var summary = await target.ImportAsync(new MemoryStream(backup), new RestoreOptions(), Ct);

        Assert.True(summary.Restored);
        Assert.Equal(await BackupScenario.DescribeAsync(source), await BackupScenario.DescribeAsync(target));
        Assert.Equal(await BackupScenario.ContinueAsync(source), await BackupScenario.ContinueAsync(target));
    }

    [Fact]
    public async Task A_restore_leaves_the_tables_analysed_so_the_next_queries_are_planned_on_their_real_size()
    {
        var connectionString = await TestServices.CreatePostgresDatabaseAsync("analysed");
        var store = new PostgresRegistryStore(new PostgresStoreOptions { ConnectionString = connectionString, MaxPoolSize = 10 });
        await store.InitializeAsync(Ct);
        _stores.Add(store);
        await BackupScenario.PopulateAsync(_sqlite.Registry);
        var backup = await BackupRestoreTests.ExportAsync(_sqlite.Registry);

        await new SchemaRegistry(store).ImportAsync(new MemoryStream(backup), new RestoreOptions(), Ct);

        // reltuples is -1 for a table never analysed (or vacuumed); ANALYZE sets it to the rows counted.
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new Npgsql.NpgsqlCommand("SELECT relname, reltuples FROM pg_class WHERE relname IN ('schemas', 'versions', 'subjects') ORDER BY relname", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var estimates = new List<(string, float)>();
        while (await reader.ReadAsync(Ct))
        {
            estimates.Add((reader.GetString(0), reader.GetFloat(1)));
        }

        Assert.Equal(["schemas", "subjects", "versions"], estimates.Select(e => e.Item1));
        Assert.All(estimates, e => Assert.True(e.Item2 > 0, $"{e.Item1} was not analysed after the restore (reltuples {e.Item2})"));
    }

    [Fact]
    public async Task A_backup_of_the_embedded_store_restores_into_postgres_with_the_same_answers()
    {
        var target = await PostgresRegistryAsync();
        await BackupScenario.PopulateAsync(_sqlite.Registry);

        var backup = await BackupRestoreTests.ExportAsync(_sqlite.Registry);
        await target.ImportAsync(new MemoryStream(backup), new RestoreOptions(), Ct);

        // PostgreSQL's own backup of it holds the very same records.
        Assert.Equal(Records(backup), Records(await BackupRestoreTests.ExportAsync(target)));
        Assert.Equal(await BackupScenario.DescribeAsync(_sqlite.Registry), await BackupScenario.DescribeAsync(target));
        Assert.Equal(await BackupScenario.ContinueAsync(_sqlite.Registry), await BackupScenario.ContinueAsync(target));
    }

    [Theory]
    [InlineData("changed byte")]
    [InlineData("missing section")]
    [InlineData("wrong checksum")]
    [InlineData("truncated")]
    public async Task A_damaged_backup_leaves_postgres_untouched(string kind)
    {
        var target = await PostgresRegistryAsync();
        await BackupScenario.PopulateAsync(_sqlite.Registry);
        var backup = await BackupRestoreTests.ExportAsync(_sqlite.Registry);

        var error = await Assert.ThrowsAsync<RegistryException>(() => target.ImportAsync(new MemoryStream(BackupRestoreTests.Damage(backup, kind)), new RestoreOptions(), Ct));

        Assert.Equal(RegistryErrorCode.InvalidRequest, error.Code);
        Assert.Empty(await target.ListSubjectsAsync(deleted: global::Registry.Engine.Storage.DeletedFilter.Include, cancellationToken: Ct));
        Assert.True((await target.ImportAsync(new MemoryStream(backup), new RestoreOptions(), Ct)).Restored);
        Assert.Equal(await BackupScenario.DescribeAsync(_sqlite.Registry), await BackupScenario.DescribeAsync(target));
    }

    [Fact]
    public async Task A_backup_of_format_version_1_restores_into_postgres()
    {
        var target = await PostgresRegistryAsync();

        var summary = await target.ImportAsync(new MemoryStream(BackupRestoreTests.BackupOfFormatVersion1()), new RestoreOptions(), Ct);

        Assert.True(summary.Restored);
        Assert.Equal(5L, (await target.GetVersionAsync("old.format", global::Registry.Engine.Model.VersionSelector.Of(2), false, Ct)).SchemaId);
        Assert.Empty(await target.ListAliasesAsync("old.format", Ct));
    }

    private static string Records(byte[] backup)
    {
        var lines = System.Text.Encoding.UTF8.GetString(backup).TrimEnd('\n').Split('\n');
        return string.Join('\n', lines[1..^1]);
    }
}
