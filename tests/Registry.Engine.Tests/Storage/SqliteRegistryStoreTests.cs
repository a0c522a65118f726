using Microsoft.Data.Sqlite;
using Registry.Engine.Storage;
using Registry.Engine.Storage.Sqlite;
using Registry.Testing;

namespace Registry.Engine.Tests.Storage;

/// <summary>The store contract against the embedded SQLite store, plus what is specific to it.</summary>
public sealed class SqliteRegistryStoreTests : RegistryStoreContract
{
    private readonly TemporaryDirectory _folder = new("sqlite-store");

    private string DatabasePath => _folder.File(Path.Combine("nested", "folder", "registry.db"));

    protected override async Task<IRegistryStore> CreateStoreAsync()
    {
        var store = new SqliteRegistryStore(new SqliteStoreOptions { Path = DatabasePath });
        await store.InitializeAsync(Ct);
        return store;
    }

    protected override Task<IRegistryStore> OpenSecondStoreAsync() => CreateStoreAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Fact]
    public void The_missing_folder_is_created_and_the_file_is_in_wal_mode_with_migrations_recorded()
    {
        Assert.True(File.Exists(DatabasePath));
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "SELECT count(*) FROM schema_migrations WHERE version IN (1, 2, 3, 5);";
        // 1: registry core, 2: config profiles, 3: per-subject format assertion, 5: aliases (4 belongs to another change)
        Assert.Equal(4L, command.ExecuteScalar());
    }

    [Fact]
    public async Task A_migration_missing_below_the_newest_recorded_one_is_applied_on_opening()
    {
        await AppendAsync("a", """{"type":"string"}""");
        await Store.DisposeAsync();
        using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            // A file migrated without 5 (aliases) but with a later number recorded, as a build with another change's migration leaves it.
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                DROP TABLE aliases; DROP TABLE alias_history; DELETE FROM schema_migrations WHERE version = 5;
                INSERT INTO schema_migrations (version, name, applied_at) VALUES (9, 'later', 0);
                """;
            command.ExecuteNonQuery();
        }

        await using var reopened = await CreateStoreAsync();
        var revision = (await reopened.GetSubjectAsync("a", Ct))!.Revision;

        var set = await reopened.SetAliasAsync(new AliasWrite { Subject = "a", Name = "prod", Version = 1, ExpectedRevision = revision, At = DateTimeOffset.UnixEpoch }, Ct);

        Assert.Equal(WriteOutcome.Done, set.Outcome);
        Assert.Equal(["prod"], (await reopened.GetSubjectAsync("a", Ct))!.Aliases.Select(a => a.Name));
    }

    [Fact]
    public async Task Data_survives_closing_and_reopening_the_file()
    {
        await AppendAsync("a", """{"type":"string"}""");
        await Store.DisposeAsync();

        await using var reopened = await CreateStoreAsync();

        var snapshot = await reopened.GetSubjectAsync("a", Ct);
        Assert.NotNull(snapshot);
        Assert.Equal(1, snapshot.Versions[0].SchemaId);
    }

    [Fact]
    public async Task A_relative_path_is_resolved_against_the_working_directory()
    {
        await using var store = new SqliteRegistryStore(new SqliteStoreOptions { Path = "relative.db" });

        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "relative.db"), store.Path);
    }
}
