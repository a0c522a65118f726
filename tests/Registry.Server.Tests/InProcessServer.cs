using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Registry.Server.Hosting;
using Registry.Testing;

namespace Registry.Server.Tests;

/// <summary>A registry server started in this process on free loopback ports.</summary>
public sealed class InProcessServer : IAsyncDisposable
{
    /// <summary>The configuration key of the SQLite file; tests pass it to restart on the same data.</summary>
    public const string DatabasePathKey = "Registry:Storage:Sqlite:Path";

    private readonly WebApplication _app;
    private readonly TemporaryDirectory? _ownedFolder;

    private InProcessServer(WebApplication app, BoundEndpoints endpoints, string databasePath, TemporaryDirectory? ownedFolder)
    {
        _app = app;
        _ownedFolder = ownedFolder;
        DatabasePath = databasePath;
        HttpEndpoint = endpoints.Http!;
        BinaryEndpoint = endpoints.Binary!;
        Http = new HttpClient { BaseAddress = new Uri($"http://{HttpEndpoint}") };
    }

    public IPEndPoint HttpEndpoint { get; }

    public IPEndPoint BinaryEndpoint { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The SQLite file the server uses.</summary>
    public string DatabasePath { get; }

    /// <summary>
    /// Starts a server on free ports. Unless <paramref name="settings"/> names a database file, the server gets a
    /// fresh one in a temporary folder that is deleted when the server is disposed.
    /// </summary>
    public static async Task<InProcessServer> StartAsync(IDictionary<string, string?>? settings = null)
    {
        TemporaryDirectory? folder = null;
        var databasePath = settings is not null && settings.TryGetValue(DatabasePathKey, out var configured) && configured is not null
            ? configured
            : Path.Combine((folder = new TemporaryDirectory("server")).Path, "registry.db");
        var app = RegistryServer.Create([], builder =>
        {
            var values = new Dictionary<string, string?>
            {
                ["Registry:Listen:Http"] = "127.0.0.1:0",
                ["Registry:Listen:Binary"] = "127.0.0.1:0",
                ["Logging:LogLevel:Default"] = "Warning",
                [DatabasePathKey] = databasePath,
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                values[key] = value;
            }

            builder.Configuration.AddInMemoryCollection(values);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new InProcessServer(app, app.Services.GetRequiredService<BoundEndpoints>(), databasePath, folder);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _ownedFolder?.Dispose();
    }
}
