using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MessagePack;
using Registry.Protocol;
using Registry.Protocol.Framing;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;
using Registry.Server.Tests;
using Registry.Testing;

namespace Registry.Client.Tests;

/// <summary>Restarts, time-outs, cancellation and hostile neighbours, seen from the client.</summary>
public sealed class ResilienceTests
{
    private const string Person = """{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""";

    private static CancellationToken Ct => ClientFixture.Ct;

    [Fact]
    public async Task A_client_keeps_working_across_a_server_restart_on_the_same_port_and_data()
    {
        using var folder = new TemporaryDirectory("restart");
        var database = new Dictionary<string, string?> { [InProcessServer.DatabasePathKey] = folder.File("registry.db") };
        var first = await InProcessServer.StartAsync(database);
        var port = first.BinaryEndpoint.Port;
        await using var client = new RegistryClient(new RegistryClientOptions
        {
            Endpoints = [first.BinaryEndpoint.ToString()],
            PoolSize = 2,
            RequestTimeout = TimeSpan.FromSeconds(20),
            MinReconnectDelay = TimeSpan.FromMilliseconds(10),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
        });
        var registered = await client.RegisterAsync("people", Person, Ct);
        Assert.True((await client.ValidateAsync(registered.SchemaId, Encoding.UTF8.GetBytes("""{"name":"a"}"""), cancellationToken: Ct)).IsValid);

        // Stop the server (the client's connections break), then start another on the same port and file.
        await first.DisposeAsync();
        await using var second = await InProcessServer.StartAsync(new Dictionary<string, string?>(database)
        {
            ["Registry:Listen:Binary"] = $"127.0.0.1:{port}",
        });

        var afterRestart = await client.FetchSchemaAsync(registered.SchemaId, Ct);
        var validated = await client.ValidateAsync(registered.SchemaId, Encoding.UTF8.GetBytes("""{"name":1}"""), cancellationToken: Ct);
        var next = await client.RegisterAsync("people.next", Person, Ct);

        Assert.Equal(Person, afterRestart.ToString());
        Assert.False(validated.IsValid);
        Assert.Equal(registered.SchemaId, next.SchemaId);
    }

    [Fact]
    public async Task A_call_the_server_does_not_answer_fails_with_a_time_out_and_the_connection_serves_the_next_call()
    {
        await using var server = await SilentServer.StartAsync();
        await using var client = new RegistryClient(new RegistryClientOptions { Endpoints = [server.Endpoint.ToString()], PoolSize = 1 });
        await client.PingAsync(Ct);

        var quick = client.WithTimeout(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAsync<TimeoutException>(async () => await quick.FetchSchemaAsync(1, Ct));
        var pong = await client.PingAsync(Ct);

        Assert.True(pong > TimeSpan.Zero);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task Calls_that_time_out_keep_their_slots_until_the_server_answers_them_so_a_connection_never_exceeds_the_servers_in_flight_limit()
    {
        const int limit = 8;
        await using var server = await SilentServer.StartAsync(limit);
        await using var client = new RegistryClient(new RegistryClientOptions { Endpoints = [server.Endpoint.ToString()], PoolSize = 1 });
        await client.PingAsync(Ct);

        // Five times the server's limit, each abandoned by its caller after its time-out, in waves as a steady load
        // would send them: the server must never be handed more than it announced it would take.
        var quick = client.WithTimeout(TimeSpan.FromMilliseconds(200));
        for (var wave = 0; wave < 5; wave++)
        {
            var calls = Enumerable.Range(0, limit).Select(i => quick.FetchSchemaAsync(wave * limit + i + 1, Ct).AsTask()).ToArray();
            foreach (var call in calls)
            {
                await Assert.ThrowsAsync<TimeoutException>(() => call);
            }
        }

        Assert.Equal(limit, server.Held);

        // Once the server answers them, late, their slots take new requests on the same connection at once.
        await server.AnswerHeldAsync();
        var pong = await client.WithTimeout(TimeSpan.FromSeconds(30)).PingAsync(Ct);

        Assert.True(pong > TimeSpan.Zero);
        Assert.Equal(1, server.Connections);
        Assert.Equal(0, server.Held);
    }

    [Fact]
    public async Task Calls_spread_over_every_connection_of_the_pool_once_they_have_opened()
    {
        await using var server = await SilentServer.StartAsync();
        await using var client = new RegistryClient(new RegistryClientOptions { Endpoints = [server.Endpoint.ToString()], PoolSize = 3 });

        // The first call opens one connection; later calls whose turn falls on a closed place open it meanwhile.
        while (server.Connections < 3)
        {
            await client.PingAsync(Ct);
            await Task.Delay(5, Ct);
        }

        for (var i = 0; i < 20; i++)
        {
            await client.PingAsync(Ct);
        }

        Assert.Equal(3, server.Connections);
    }

    [Fact]
    public async Task A_cancelled_call_fails_with_operation_cancelled_and_others_on_the_connection_are_not_affected()
    {
        await using var server = await SilentServer.StartAsync();
        await using var client = new RegistryClient(new RegistryClientOptions { Endpoints = [server.Endpoint.ToString()], PoolSize = 1 });
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var cancelled = client.FetchSchemaAsync(1, cancel.Token).AsTask();
        var other = client.WithTimeout(TimeSpan.FromSeconds(30)).FetchSchemaAsync(2, Ct).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(other.IsCompleted);
        await client.PingAsync(Ct);
    }

    [Fact]
    public async Task A_server_that_never_completes_hello_fails_the_call_within_the_connect_time_out()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = listener.AcceptSocketAsync(Ct).AsTask();
        await using var client = new RegistryClient(new RegistryClientOptions
        {
            Endpoints = [listener.LocalEndpoint.ToString()!],
            ConnectTimeout = TimeSpan.FromMilliseconds(200),
            RequestTimeout = TimeSpan.FromMilliseconds(600),
        });

        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await client.PingAsync(Ct));

        Assert.True(error is TimeoutException or RegistryConnectionException, error.ToString());
        (await accepted).Dispose();
    }

    [Fact]
    public async Task Garbage_and_oversized_frames_on_other_connections_do_not_disturb_a_client()
    {
        await using var f = await ClientFixture.StartAsync(new Dictionary<string, string?> { ["Registry:Binary:MaxFrameBytes"] = "65536" });
        var registered = await f.Client.RegisterAsync("people", Person, Ct);

        using var garbage = new TcpClient();
        await garbage.ConnectAsync(f.Server.BinaryEndpoint, Ct);
        await garbage.GetStream().WriteAsync(new byte[] { 0, 0, 0, 3, 0xC1, 0xFF, 0x00 }, Ct);
        using var oversized = new TcpClient();
        await oversized.ConnectAsync(f.Server.BinaryEndpoint, Ct);
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, 65537);
        await oversized.GetStream().WriteAsync(header, Ct);

        var garbageAnswer = await ReadToEndAsync(garbage.GetStream());
        var oversizedAnswer = await ReadToEndAsync(oversized.GetStream());
        var report = await f.Client.ValidateAsync(registered.SchemaId, Encoding.UTF8.GetBytes("""{"name":"Ada"}"""), cancellationToken: Ct);

        Assert.Equal(StatusCode.MalformedFrame, StatusOf(garbageAnswer));
        Assert.Empty(oversizedAnswer);
        Assert.True(report.IsValid);
    }

    private static async Task<byte[]> ReadToEndAsync(NetworkStream stream)
    {
        using var all = new MemoryStream();
        try
        {
            await stream.CopyToAsync(all, Ct);
        }
        catch (IOException)
        {
            // A reset after the last frame also ends the stream.
        }

        return all.ToArray();
    }

    private static StatusCode StatusOf(byte[] frame)
    {
        var sequence = new ReadOnlySequence<byte>(frame);
        Assert.Equal(FrameReadResult.Complete, Frame.TryRead(ref sequence, int.MaxValue, out var payload));
        var reader = new ProtocolReader(payload);
        return ResponseHeader.Read(ref reader).Status;
    }

    /// <summary>
    /// A server that completes HELLO and answers PING, and never answers anything else: requests in flight for ever.
    /// </summary>
    private sealed class SilentServer : LoopbackServer
    {
        private readonly int _maxInFlight;
        private readonly Lock _lock = new();
        private readonly List<(NetworkStream Stream, uint Id)> _held = [];

        private SilentServer(int maxInFlight)
        {
            _maxInFlight = maxInFlight;
            Listen();
        }

        /// <summary>Requests received and not answered (PING and HELLO are answered).</summary>
        public int Held
        {
            get
            {
                lock (_lock)
                {
                    return _held.Count;
                }
            }
        }

        /// <summary>Answers every request held so far, late, with SCHEMA_NOT_FOUND.</summary>
        public async Task AnswerHeldAsync()
        {
            List<(NetworkStream Stream, uint Id)> held;
            lock (_lock)
            {
                held = [.. _held];
                _held.Clear();
            }

            foreach (var (stream, id) in held)
            {
                await stream.WriteAsync(Encode((ref MessagePackWriter w) => Envelope.WriteError(ref w, id, StatusCode.SchemaNotFound, "late")), Stop.Token);
            }
        }

        public static Task<SilentServer> StartAsync(int maxInFlight = ProtocolLimits.DefaultMaxInFlight) => Task.FromResult(new SilentServer(maxInFlight));

        protected override async Task ServeAsync(Socket socket, int number)
        {
            using var _ = socket;
            await using var stream = new NetworkStream(socket);
            var header = new byte[4];
            while (true)
            {
                await stream.ReadExactlyAsync(header, Stop.Token);
                var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
                await stream.ReadExactlyAsync(payload, Stop.Token);
                var (id, opcode) = Header(payload);
                var answer = opcode switch
                {
                    Opcode.Hello => Encode((ref MessagePackWriter w) => Envelope.WriteResponse(ref w, id, new HelloResponse
                    {
                        Version = 1,
                        ServerName = "silent",
                        MaxFrameBytes = ProtocolLimits.DefaultMaxFrameBytes,
                        MaxInFlight = _maxInFlight,
                        IdleTimeout = TimeSpan.FromMinutes(2),
                    })),
                    Opcode.Ping => Encode((ref MessagePackWriter w) => Envelope.WriteEmptyResponse(ref w, id)),
                    _ => null,
                };
                if (answer is not null)
                {
                    await stream.WriteAsync(answer, Stop.Token);
                }
                else
                {
                    lock (_lock)
                    {
                        _held.Add((stream, id));
                    }
                }
            }
        }

        private static (uint Id, Opcode Opcode) Header(byte[] payload)
        {
            var reader = new ProtocolReader(new ReadOnlySequence<byte>(payload));
            var header = RequestHeader.Read(ref reader);
            return (header.RequestId, header.Opcode);
        }

        private static byte[] Encode(Write write)
        {
            using var frames = new FrameWriter();
            var writer = frames.Start();
            write(ref writer);
            return frames.Finish(ref writer).ToArray();
        }

        private delegate void Write(ref MessagePackWriter writer);
    }
}
