namespace Registry.Confluent.Tests;

/// <summary>One server for a test class; tests use subject names of their own.</summary>
public sealed class SharedServer : IAsyncLifetime
{
    public ConfluentServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await ConfluentServer.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
