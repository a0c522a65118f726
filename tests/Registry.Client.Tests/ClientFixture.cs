using Registry.Server.Tests;

namespace Registry.Client.Tests;

/// <summary>A server in this process and a client connected to it, torn down together.</summary>
internal sealed class ClientFixture : IAsyncDisposable
{
    private ClientFixture(InProcessServer server, RegistryClient client)
    {
        Server = server;
        Client = client;
    }

    public InProcessServer Server { get; }

    public RegistryClient Client { get; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<ClientFixture> StartAsync(
        IDictionary<string, string?>? settings = null, Func<RegistryClientOptions, RegistryClientOptions>? configure = null)
    {
        var server = await InProcessServer.StartAsync(settings);
        var options = new RegistryClientOptions { Endpoints = [server.BinaryEndpoint.ToString()], ClientName = "client-tests" };
        return new ClientFixture(server, new RegistryClient(configure?.Invoke(options) ?? options));
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}
