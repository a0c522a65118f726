using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Registry.Integration.Tests.Tiers;
using Registry.Server.Hosting;

namespace Registry.Integration.Tests.Replicas;

/// <summary>A registry replica reached over HTTP: the requests the replica tests send.</summary>
public abstract class ReplicaClient : IAsyncDisposable
{
    protected ReplicaClient(string httpEndpoint)
    {
        Http = new HttpClient { BaseAddress = new Uri($"http://{httpEndpoint}") };
    }

    public HttpClient Http { get; }

    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        }

        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string json) => SendAsync(HttpMethod.Post, path, json);

    public Task<(HttpStatusCode Status, JsonElement Body)> PutAsync(string path, string json) => SendAsync(HttpMethod.Put, path, json);

    public abstract ValueTask DisposeAsync();
}

/// <summary>A full registry server (its own engine and caches) in this process, on free ports, over shared services.</summary>
public sealed class ReplicaServer : ReplicaClient
{
    private readonly WebApplication _app;

    private ReplicaServer(WebApplication app)
        : base(app.Services.GetRequiredService<BoundEndpoints>().Http!.ToString())
    {
        _app = app;
    }

    public IServiceProvider Services => _app.Services;

    /// <summary>The settings that put a replica on the tiers of <paramref name="space"/>.</summary>
    public static Dictionary<string, string?> Settings(TierSpace space, string? postgres = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Registry:Storage:Provider"] = "postgres",
            ["Registry:Storage:Postgres:ConnectionString"] = postgres ?? space.Postgres,
            ["Registry:Storage:Postgres:MaxPoolSize"] = "10",
            ["Registry:Cache:Redis:KeyPrefix"] = space.Prefix,
            ["Registry:Cache:Redis:AcknowledgementTimeout"] = "00:00:05",
            ["Registry:Cache:Redis:WriteTimeout"] = "00:00:02",
            ["Registry:ContentStore:S3:Bucket"] = space.Bucket,
        };
        if (space.Redis is not null)
        {
            settings["Registry:Cache:Redis:Configuration"] = space.Redis;
        }

        if (space.S3 is { } s3)
        {
            settings["Registry:ContentStore:S3:ServiceUrl"] = s3.ServiceUrl;
            settings["Registry:ContentStore:S3:AccessKey"] = s3.AccessKey;
            settings["Registry:ContentStore:S3:SecretKey"] = s3.SecretKey;
        }

        return settings;
    }

    public static async Task<ReplicaServer> StartAsync(IDictionary<string, string?> settings)
    {
        var app = RegistryServer.Create([], builder =>
        {
            var values = new Dictionary<string, string?>
            {
                ["Registry:Listen:Http"] = "127.0.0.1:0",
                ["Registry:Listen:Binary"] = "127.0.0.1:0",
                ["Logging:LogLevel:Default"] = "Warning",
            };
            foreach (var (key, value) in settings)
            {
                values[key] = value;
            }

            builder.Configuration.AddInMemoryCollection(values);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new ReplicaServer(app);
    }

    public override async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
