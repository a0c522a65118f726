using Registry.Engine.Services;
using Registry.Engine.Storage;
using Registry.Engine.Storage.Sqlite;
using Registry.Engine.Validation;

namespace Registry.Server.Hosting;

/// <summary>Creates the system of record and the engine from configuration, and opens the store before the listeners start.</summary>
internal static partial class RegistryEngineHosting
{
    public static void AddRegistryEngine(this IServiceCollection services, ServerOptions options)
    {
        services.AddSingleton(_ => CreateStore(options.Storage));
        services.AddSingleton(sp => new SchemaRegistry(sp.GetRequiredService<IRegistryStore>(), EngineOptions(options.Engine)));
        services.AddHostedService<StoreInitializer>();
    }

    public static IRegistryStore CreateStore(StorageOptions storage)
    {
        if (string.Equals(storage.Provider, "sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return new SqliteRegistryStore(storage.Sqlite);
        }

        throw new InvalidOperationException(
            $"Registry:Storage:Provider = '{storage.Provider}' is not known; supported: sqlite.");
    }

    public static RegistryEngineOptions EngineOptions(EngineSettings settings) => new()
    {
        SchemaCacheCapacity = settings.SchemaCacheCapacity,
        UsageRefreshInterval = settings.UsageRefreshInterval,
        MaxBatchDocuments = settings.MaxBatchDocuments,
        MaxValidationErrors = settings.MaxValidationErrors,
        FormatAssertion = settings.FormatAssertion,
        Limits = new SchemaLimits
        {
            MaxSchemaBytes = settings.MaxSchemaBytes,
            MaxDocumentBytes = settings.MaxDocumentBytes,
            MaxDepth = settings.MaxDepth,
        },
    };

    /// <summary>
    /// Opens (creates or migrates) the store in <see cref="StartingAsync"/>, which runs before any hosted service
    /// starts, the web server included: no request is served by a store that is not ready, and a store that cannot
    /// be opened stops the start-up with its error.
    /// </summary>
    private sealed partial class StoreInitializer(IRegistryStore store, ServerOptions options, ILogger<StoreInitializer> logger) : IHostedLifecycleService
    {
        public async Task StartingAsync(CancellationToken cancellationToken)
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            Log.Opened(logger, options.Storage.Provider, store is SqliteRegistryStore sqlite ? sqlite.Path : "-");
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        private static partial class Log
        {
            [LoggerMessage(3, LogLevel.Information, "Store opened: provider={Provider} location={Location}")]
            public static partial void Opened(ILogger logger, string provider, string location);
        }
    }
}
