using System.Text;
using Microsoft.Data.Sqlite;
using Registry.Engine.Services;
using Registry.Engine.Storage.Sqlite;
using Registry.Testing;

namespace Registry.Engine.Tests.Registry;

/// <summary>An engine over a fresh SQLite file, with a clock the test controls.</summary>
public sealed class EngineHarness : IAsyncDisposable
{
    private readonly TemporaryDirectory _folder = new("engine");
    private readonly List<SqliteRegistryStore> _stores = [];

    private EngineHarness()
    {
    }

    public ManualTime Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public SchemaRegistry Registry { get; private set; } = null!;

    public string DatabasePath => _folder.File("registry.db");

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<EngineHarness> CreateAsync(RegistryEngineOptions? options = null)
    {
        var harness = new EngineHarness();
        harness.Registry = await harness.OpenAsync(options);
        return harness;
    }

    /// <summary>Another engine over the same file: another process or replica.</summary>
    public async Task<SchemaRegistry> OpenAsync(RegistryEngineOptions? options = null)
    {
        var store = new SqliteRegistryStore(new SqliteStoreOptions { Path = DatabasePath });
        await store.InitializeAsync(Ct);
        _stores.Add(store);
        return new SchemaRegistry(store, options, Time);
    }

    public Task<RegistrationResult> RegisterAsync(string subject, string schema, Func<SchemaRegistration, SchemaRegistration>? change = null)
    {
        var request = new SchemaRegistration { Subject = subject, Schema = Encoding.UTF8.GetBytes(schema) };
        return Registry.RegisterAsync(change is null ? request : change(request), Ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}

/// <summary>A clock that moves only when told.</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Schemas used across the engine tests.</summary>
public static class TestSchemas
{
    public const string PersonV1 = """{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}""";

    /// <summary>Adds an optional property to the closed model: BACKWARD compatible.</summary>
    public const string PersonV2 = """{"type":"object","properties":{"name":{"type":"string"},"email":{"type":"string"}},"required":["name"],"additionalProperties":false}""";

    /// <summary>Changes the type of a required property: incompatible in every direction.</summary>
    public const string PersonV3 = """{"type":"object","properties":{"name":{"type":"integer"},"email":{"type":"string"}},"required":["name"],"additionalProperties":false}""";

    public static string Titled(string title) => $$"""{"title":"{{title}}","type":"object"}""";
}
