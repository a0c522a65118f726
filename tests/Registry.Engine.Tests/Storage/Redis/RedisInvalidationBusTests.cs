using Microsoft.Extensions.Logging.Abstractions;
using Registry.Engine.Storage.Redis;
using Registry.Engine.Storage.Tiers;
using StackExchange.Redis;

namespace Registry.Engine.Tests.Storage.Redis;

/// <summary>The invalidation channel while Redis cannot be reached (no Redis needed: nothing listens on the port).</summary>
public sealed class RedisInvalidationBusTests
{
    [Fact]
    public async Task A_publish_while_the_channel_is_down_fails_at_once_instead_of_waiting_for_the_time_out()
    {
        var configuration = ConfigurationOptions.Parse($"127.0.0.1:{ClosedPort()}");
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = 200;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        var options = new RedisTierOptions { OperationTimeout = TimeSpan.FromSeconds(5) };
        await using var bus = new RedisInvalidationBus(connection, options, new TierMetrics(), NullLogger.Instance);
        Assert.False(bus.IsConnected); // the channel never came up

        // Refused as not connected (an IOException), not a time-out after the operation time-out.
        var failed = await Assert.ThrowsAsync<IOException>(
            () => bus.PublishAsync(InvalidationKind.Subject, "a", [1], TestContext.Current.CancellationToken));
        Assert.Contains("not connected", failed.Message, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
