using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Registry.Protocol;
using Registry.Protocol.Messages;
using Registry.Server.Binary;
using Registry.Server.Binary.Transport;
using Registry.Server.Hosting;

namespace Registry.Server.Tests.Binary;

/// <summary>
/// The binary listener's event-loop transport (epoll threads that receive and answer on one thread) under the ways a
/// peer can use a socket: back-pressure both ways, resets, many connections on few loops. The rest of the binary tests
/// run on it too, since it is the default on Linux.
/// </summary>
public sealed class EventLoopTransportTests
{
    private const string OrderSchema = """{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("EventLoop", "event loop, 2 threads")]
    [InlineData("Sockets", "sockets")]
    public async Task Either_transport_answers_a_pipelined_batch_and_the_server_says_which_it_runs(string transport, string described)
    {
        Assert.SkipUnless(Linux.IsSupported || transport == "Sockets", "the event loop runs on Linux (x64, arm64) only");
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Registry:Binary:Transport"] = transport,
            ["Registry:Binary:EventLoops"] = "2",
        });
        Assert.Equal(described, server.Services.GetRequiredService<BoundEndpoints>().BinaryTransport);

        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var schemaId = await BinaryProtocolTests.RegisterAsync(wire, 2, "orders.created", OrderSchema);
        await wire.SendAsync([.. Enumerable.Range(0, 200).SelectMany(i => FrameStream.GetSchemaById((uint)(100 + i), schemaId))]);
        var answers = await ReadAnswersAsync(wire, 100, 200);
        Assert.All(answers.Values, response => Assert.Equal(StatusCode.Ok, response.Status));
    }

    [Fact]
    public async Task A_peer_that_stops_reading_holds_back_its_own_sends_and_gets_every_answer_once_it_reads_while_others_are_served()
    {
        Assert.SkipUnless(Linux.IsSupported, "the event loop runs on Linux (x64, arm64) only");

        // One loop, so that a connection stuck on a full socket would stop the other one if the loop waited for it.
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Registry:Binary:EventLoops"] = "1" });
        await using var other = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var bigSchema = "{\"type\":\"object\",\"description\":\"" + new string('d', 100_000) + "\",\"properties\":{\"id\":{\"type\":\"string\"}}}";
        var bigId = await BinaryProtocolTests.RegisterAsync(other, 2, "big", bigSchema);
        var smallId = await BinaryProtocolTests.RegisterAsync(other, 3, "orders.created", OrderSchema);

        // Small socket buffers: 100 answers of 100 KB fill them at once, the server's output waits for EPOLLOUT, its
        // connection loop stops reading, its input pipe fills (1 MiB), the loop stops receiving, and TCP stops our sends.
        using var client = new TcpClient { NoDelay = true, ReceiveBufferSize = 16 * 1024, SendBufferSize = 16 * 1024 };
        await client.ConnectAsync(server.BinaryEndpoint, Ct);
        await using var wire = new FrameStream(client.GetStream(), client.GetStream());
        await wire.HelloAsync();
        const int Gets = 100;
        const int Validates = 500;
        var document = Encoding.UTF8.GetBytes($$"""{"id":"{{new string('v', 60_000)}}"}""");
        var frames = Enumerable.Range(0, Gets).Select(i => FrameStream.GetSchemaById((uint)(1000 + i), bigId))
            .Concat(Enumerable.Range(0, Validates).Select(i => FrameStream.Validate((uint)(5000 + i), smallId, document)))
            .ToArray();
        var sending = Task.Run(() => wire.SendAsync(frames), Ct);

        // 30 MB of requests cannot all be taken while nothing is read: the send is still waiting.
        await Task.WhenAny(sending, Task.Delay(TimeSpan.FromSeconds(1), Ct));
        Assert.False(sending.IsCompleted, "every request was taken although no answer was read");

        // The loop is not held by the stuck connection: another connection is answered meanwhile.
        await other.SendAsync(FrameStream.Ping(9));
        Assert.Equal((9u, StatusCode.Ok), await ReadIdAndStatusAsync(other).WaitAsync(TimeSpan.FromSeconds(10), Ct));

        var schemaBytes = Encoding.UTF8.GetByteCount(bigSchema);
        var gets = await ReadAnswersAsync(wire, 1000, Gets);
        Assert.All(gets.Values, response =>
        {
            Assert.Equal(StatusCode.Ok, response.Status);
            Assert.Equal((long)schemaBytes, response.Body(static (ref Protocol.Wire.ProtocolReader r) => SchemaResponse.Read(ref r).Schema.Length));
        });
        var validations = await ReadAnswersAsync(wire, 5000, Validates);
        Assert.All(validations.Values, response =>
        {
            Assert.Equal(StatusCode.Ok, response.Status);
            Assert.True(response.Body(static (ref Protocol.Wire.ProtocolReader r) => ValidateResponse.Read(ref r).IsValid));
        });

        await sending.WaitAsync(TimeSpan.FromSeconds(30), Ct);
    }

    [Fact]
    public async Task A_server_stopping_while_a_peer_neither_reads_nor_stops_sending_closes_that_connection_and_stops()
    {
        Assert.SkipUnless(Linux.IsSupported, "the event loop runs on Linux (x64, arm64) only");
        var server = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Registry:ShutdownTimeout"] = "00:00:01" });
        var transport = server.Services.GetServices<IConnectionListenerFactory>().OfType<EventLoopTransportFactory>().Single();
        int schemaId;
        await using (var setup = await FrameStream.OpenAsync(server.BinaryEndpoint))
        {
            var bigSchema = "{\"type\":\"object\",\"description\":\"" + new string('d', 100_000) + "\"}";
            schemaId = await BinaryProtocolTests.RegisterAsync(setup, 2, "big", bigSchema);
        }

        // The server's output waits for a reader that never comes, its connection loop stops taking input, the input
        // fills and the loop stops receiving: every side of the connection is waiting when the server stops.
        using var client = new TcpClient { NoDelay = true, ReceiveBufferSize = 16 * 1024, SendBufferSize = 16 * 1024 };
        await client.ConnectAsync(server.BinaryEndpoint, Ct);
        var wire = new FrameStream(client.GetStream(), client.GetStream());
        await wire.HelloAsync();
        var document = Encoding.UTF8.GetBytes($$"""{"id":"{{new string('v', 60_000)}}"}""");
        var frames = Enumerable.Range(0, 100).Select(i => FrameStream.GetSchemaById((uint)(10 + i), schemaId))
            .Concat(Enumerable.Range(0, 500).Select(i => FrameStream.Validate((uint)(1000 + i), schemaId, document)))
            .ToArray();
        var sending = Task.Run(() => wire.SendAsync(frames), Ct);
        await Task.WhenAny(sending, Task.Delay(TimeSpan.FromSeconds(1), Ct));
        Assert.False(sending.IsCompleted, "every request was taken although no answer was read");

        await server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.Equal(0, transport.OpenConnections);
        Assert.True(await wire.ClosesAsync().WaitAsync(TimeSpan.FromSeconds(30), Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => sending.WaitAsync(TimeSpan.FromSeconds(30), Ct));
    }

    [Fact]
    public async Task Peers_that_reset_with_requests_in_flight_leave_no_descriptor_open_and_the_server_serving()
    {
        Assert.SkipUnless(Linux.IsSupported, "the event loop runs on Linux (x64, arm64) only");
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Registry:Binary:EventLoops"] = "2" });
        var transport = server.Services.GetServices<IConnectionListenerFactory>().OfType<EventLoopTransportFactory>().Single();
        await using (var setup = await FrameStream.OpenAsync(server.BinaryEndpoint))
        {
            await BinaryProtocolTests.RegisterAsync(setup, 2, "orders.created", OrderSchema);
        }

        for (var round = 0; round < 20; round++)
        {
            var client = new TcpClient { NoDelay = true, LingerState = new LingerOption(true, 0) };
            await client.ConnectAsync(server.BinaryEndpoint, Ct);
            var wire = new FrameStream(client.GetStream(), client.GetStream());
            await wire.HelloAsync();
            await wire.SendAsync([.. Enumerable.Range(0, 300).SelectMany(i => FrameStream.GetSchemaById((uint)(10 + i), 1))]);

            // Linger 0: the close is a reset, with answers unread on both sides.
            client.Dispose();
        }

        await WaitUntilAsync(() => transport.OpenConnections == 0 && server.Services.GetRequiredService<BinaryConnectionSet>().Count == 0);

        await using var after = await FrameStream.OpenAsync(server.BinaryEndpoint);
        await after.SendAsync(FrameStream.GetSchemaById(5, 1));
        Assert.Equal((5u, StatusCode.Ok), await ReadIdAndStatusAsync(after));
        Assert.Equal(1, transport.OpenConnections);
    }

    [Fact]
    public async Task Sixty_four_connections_on_two_loops_are_each_answered_and_each_descriptor_closes_with_its_connection()
    {
        Assert.SkipUnless(Linux.IsSupported, "the event loop runs on Linux (x64, arm64) only");
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Registry:Binary:EventLoops"] = "2" });
        var transport = server.Services.GetServices<IConnectionListenerFactory>().OfType<EventLoopTransportFactory>().Single();
        int schemaId;
        await using (var setup = await FrameStream.OpenAsync(server.BinaryEndpoint))
        {
            schemaId = await BinaryProtocolTests.RegisterAsync(setup, 2, "orders.created", OrderSchema);
        }

        var wires = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => FrameStream.OpenAsync(server.BinaryEndpoint)));
        await WaitUntilAsync(() => transport.OpenConnections == 64);
        await Task.WhenAll(wires.Select(async (wire, n) =>
        {
            await wire.SendAsync([.. Enumerable.Range(0, 50).SelectMany(i => FrameStream.Validate((uint)(100 + i), schemaId, i % 2 == 0 ? """{"id":"x"}"""u8 : """{"id":7}"""u8))]);
            var answers = await ReadAnswersAsync(wire, 100, 50);
            Assert.All(answers, answer =>
            {
                Assert.Equal(StatusCode.Ok, answer.Value.Status);
                Assert.Equal(answer.Key % 2 == 0, answer.Value.Body(static (ref Protocol.Wire.ProtocolReader r) => ValidateResponse.Read(ref r).IsValid));
            });
        }));

        foreach (var wire in wires)
        {
            await wire.DisposeAsync();
        }

        await WaitUntilAsync(() => transport.OpenConnections == 0);
    }

    [Fact]
    public async Task A_half_closed_peer_still_gets_the_answers_to_what_it_sent_before_its_close()
    {
        Assert.SkipUnless(Linux.IsSupported, "the event loop runs on Linux (x64, arm64) only");
        await using var server = await InProcessServer.StartAsync();
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(server.BinaryEndpoint, Ct);
        var stream = client.GetStream();
        await using var wire = new FrameStream(stream, stream);
        await wire.HelloAsync();

        await wire.SendAsync([.. Enumerable.Range(0, 20).SelectMany(i => FrameStream.Ping((uint)(10 + i)))]);
        client.Client.Shutdown(SocketShutdown.Send);

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(((uint)(10 + i), StatusCode.Ok), await ReadIdAndStatusAsync(wire));
        }

        Assert.True(await wire.ClosesAsync());
    }

    [Fact]
    public async Task A_listener_disposed_with_a_connection_open_ends_that_connection_and_closes_its_descriptor()
    {
        Assert.SkipUnless(Linux.IsSupported, "the event loop runs on Linux (x64, arm64) only");
        var factory = new EventLoopTransportFactory(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        var listener = await factory.BindAsync(new EventLoopEndPoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), 1, TimeSpan.Zero), Ct);
        using var client = new TcpClient();
        await client.ConnectAsync(((EventLoopEndPoint)listener.EndPoint).Address, Ct);
        var connection = (await listener.AcceptAsync(Ct))!;
        var closed = new TaskCompletionSource();
        using var registration = connection.ConnectionClosed.Register(() => closed.TrySetResult());
        var reading = connection.Transport.Input.ReadAsync(Ct).AsTask();
        Assert.Equal(1, factory.OpenConnections);

        // Kestrel disposes its listeners after its connections; a loop stopped before (or failing) must still end them.
        await listener.UnbindAsync(Ct);
        await listener.DisposeAsync();

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await Assert.ThrowsAsync<ConnectionAbortedException>(() => reading.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        await connection.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(0, factory.OpenConnections);
        try
        {
            Assert.Equal(0, await client.GetStream().ReadAsync(new byte[1], Ct));
        }
        catch (IOException)
        {
            // A reset says the same: the server closed the connection.
        }
    }

    [Theory]
    [InlineData("Registry:Binary:EventLoops", "-1")]
    [InlineData("Registry:Binary:EventLoops", "65")]
    [InlineData("Registry:Binary:EventLoopSpinMicroseconds", "-1")]
    [InlineData("Registry:Binary:EventLoopSpinMicroseconds", "10001")]
    public async Task An_out_of_range_event_loop_setting_stops_the_start_with_the_setting_named(string key, string value)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => InProcessServer.StartAsync(new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Reads the answers to ids <paramref name="first"/> .. first + count − 1, in whatever order they come (a request
    /// that waits for its schema to load or compile is answered after later ones); fails on a stray or repeated id.
    /// </summary>
    private static async Task<Dictionary<uint, RawResponse>> ReadAnswersAsync(FrameStream wire, uint first, int count)
    {
        var answers = new Dictionary<uint, RawResponse>();
        for (var i = 0; i < count; i++)
        {
            var response = await wire.ReadAsync();
            Assert.InRange(response.RequestId, first, first + (uint)count - 1);
            Assert.True(answers.TryAdd(response.RequestId, response), $"id {response.RequestId} answered twice");
        }

        return answers;
    }

    [Theory]
    [InlineData("Registry:Binary:Transport", "epoll", "Registry:Binary:Transport = 'epoll': expected Auto, EventLoop or Sockets.")]
    [InlineData("Registry:Binary:EventLoops", "two", "Registry:Binary:EventLoops = 'two': expected a whole number.")]
    public async Task A_setting_of_the_wrong_form_is_named_with_what_it_should_be_and_no_type_name(string key, string value, string expected)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => InProcessServer.StartAsync(new Dictionary<string, string?> { [key] = value }));

        Assert.Equal(expected, error.Message);
    }

    private static async Task<(uint, StatusCode)> ReadIdAndStatusAsync(FrameStream wire)
    {
        var response = await wire.ReadAsync();
        return (response.RequestId, response.Status);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s");
            await Task.Delay(20, Ct);
        }
    }
}
