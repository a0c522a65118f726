using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Registry.Server.Hosting;

namespace Registry.Server.Tests;

/// <summary>A registry server started in this process on free loopback ports.</summary>
public sealed class InProcessServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessServer(WebApplication app, BoundEndpoints endpoints)
    {
        _app = app;
        HttpEndpoint = endpoints.Http!;
        BinaryEndpoint = endpoints.Binary!;
        Http = new HttpClient { BaseAddress = new Uri($"http://{HttpEndpoint}") };
    }

    public IPEndPoint HttpEndpoint { get; }

    public IPEndPoint BinaryEndpoint { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<InProcessServer> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var app = RegistryServer.Create([], builder =>
        {
            var values = new Dictionary<string, string?>
            {
                ["Registry:Listen:Http"] = "127.0.0.1:0",
                ["Registry:Listen:Binary"] = "127.0.0.1:0",
                ["Logging:LogLevel:Default"] = "Warning",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                values[key] = value;
            }

            builder.Configuration.AddInMemoryCollection(values);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new InProcessServer(app, app.Services.GetRequiredService<BoundEndpoints>());
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
