using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Registry.Protocol;
using Registry.Protocol.Messages;
using Registry.Server.Binary;
using Registry.Testing;

namespace Registry.Server.Tests.Binary;

/// <summary>
/// Frames above 64 KiB are assembled outside the pipe: memory follows the bytes that arrived, the declared lengths
/// are reserved from one budget for the whole process, and a frame that does not fit waits instead of allocating.
/// Run alone: one test measures the managed heap.
/// </summary>
[Collection(nameof(MeasuresTheHeap))]
public sealed class LargeFrameTests
{
    private const int HugeFrame = (16 * 1024 * 1024) - 1;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Many_connections_declaring_huge_frames_hold_reservations_not_memory_and_the_server_stays_healthy()
    {
        // The attack of issue 13, finding 8: every peer says HELLO, then a header declaring 16 MiB - 1, then nothing.
        const int Peers = 450;
        await using var server = await InProcessServer.StartAsync();
        var budget = server.Services.GetRequiredService<BinaryConnectionSet>().FrameBudget;
        var hello = FrameStream.Request(1, new HelloRequest { ClientName = "huge-frames" });
        var attack = new byte[hello.Length + 4];
        hello.CopyTo(attack, 0);
        BinaryPrimitives.WriteInt32BigEndian(attack.AsSpan(hello.Length), HugeFrame);
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        var peers = new List<TcpClient>(Peers);
        try
        {
            for (var batch = 0; batch < Peers; batch += 50)
            {
                var opened = await Task.WhenAll(Enumerable.Range(0, Math.Min(50, Peers - batch)).Select(_ => AttackAsync(server.BinaryEndpoint, attack)));
                peers.AddRange(opened);
            }

            // Every header has been read: 16 frames fit the default 256 MiB budget, the other peers wait unread.
            var fit = (int)(budget.Limit / HugeFrame);
            await Waiting.UntilAsync(() => budget.Reserved == (long)fit * HugeFrame && budget.Waiting == Peers - fit, "budget.Reserved == (long)fit * HugeFrame && budget.Waiting == Peers - fit", Ct);
            var growth = GC.GetTotalMemory(forceFullCollection: true) - baseline;
            TestContext.Current.SendDiagnosticMessage($"{Peers} peers declaring {HugeFrame} bytes each: managed heap grew by {growth / (1024 * 1024)} MiB");

            // Before the budget, each header cost its declared 16 MiB at once: 7 GiB here.
            Assert.True(growth < 128L * 1024 * 1024, $"the heap grew by {growth} bytes");
            using var health = await server.Http.GetAsync("/health", Ct);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            await using var fresh = await FrameStream.OpenAsync(server.BinaryEndpoint);
            await fresh.SendAsync(FrameStream.Ping(2));
            var pong = await fresh.ReadAsync();
            Assert.Equal((2u, StatusCode.Ok), (pong.RequestId, pong.Status));
        }
        finally
        {
            foreach (var peer in peers)
            {
                peer.Dispose();
            }
        }

        // The peers left: every reservation is returned.
        await Waiting.UntilAsync(() => budget.Reserved == 0 && budget.Waiting == 0, "budget.Reserved == 0 && budget.Waiting == 0", Ct);
    }

    [Fact]
    public async Task A_frame_that_does_not_fit_the_budget_waits_unread_and_is_answered_once_room_is_made()
    {
        const int Size = 200 * 1024;
        await using var server = await InMemoryServer.StartAsync(o =>
        {
            o.MaxFrameBytes = 256 * 1024;
            o.LargeFrameBudgetBytes = 256 * 1024;
        });
        var schemaId = (int)(await server.Registry.RegisterAsync(new() { Subject = "big", Schema = """{"type":"array"}"""u8.ToArray() }, Ct)).SchemaId;
        var frame = FrameStream.Validate(7, schemaId, LargeArray(Size));
        Assert.True(frame.Length > FrameAssembler.Threshold * 2);

        var first = server.Connect();
        await using var firstWire = first.Frames();
        await firstWire.HelloAsync();
        var second = server.Connect();
        await using var secondWire = second.Frames();
        await secondWire.HelloAsync();

        // The first peer holds the budget with half a frame; the second peer's frame must wait for it, unread.
        await firstWire.SendAsync(frame[..(frame.Length / 2)]);
        await Waiting.UntilAsync(() => server.Connections.FrameBudget.Reserved > 0, "server.Connections.FrameBudget.Reserved > 0", Ct);
        await secondWire.SendAsync(frame[..1000]);
        await Waiting.UntilAsync(() => server.Connections.FrameBudget.Waiting == 1, "server.Connections.FrameBudget.Waiting == 1", Ct);
        var waitingResponse = secondWire.ReadAsync();

        await firstWire.SendAsync(frame[(frame.Length / 2)..]);
        var firstAnswer = await firstWire.ReadAsync();
        await Waiting.UntilAsync(() => server.Connections.FrameBudget.Waiting == 0 && server.Connections.FrameBudget.Reserved > 0, "server.Connections.FrameBudget.Waiting == 0 && server.Connections.FrameBudget.Reserved > 0", Ct);
        Assert.False(waitingResponse.IsCompleted);
        await secondWire.SendAsync(frame[1000..]);
        var answers = new[] { firstAnswer, await waitingResponse };

        Assert.All(answers, a => Assert.Equal((7u, StatusCode.Ok), (a.RequestId, a.Status)));
        Assert.All(answers, a => Assert.True(a.Body(static (ref Protocol.Wire.ProtocolReader r) => ValidateResponse.Read(ref r).IsValid)));
        await Waiting.UntilAsync(() => server.Connections.FrameBudget.Reserved == 0, "server.Connections.FrameBudget.Reserved == 0", Ct);
    }

    [Fact]
    public async Task A_peer_that_trickles_a_large_frame_is_closed_after_the_idle_time_out_and_its_reservation_returned()
    {
        await using var server = await InMemoryServer.StartAsync(o => o.IdleTimeout = TimeSpan.FromMilliseconds(400));
        var connection = server.Connect();
        await using var wire = connection.Frames();
        await wire.HelloAsync();
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, 1024 * 1024);
        await wire.SendAsync(header);
        await Waiting.UntilAsync(() => server.Connections.FrameBudget.Reserved == 1024 * 1024, "server.Connections.FrameBudget.Reserved == 1024 * 1024", Ct);

        // One byte every 50 ms keeps the connection from being idle, but not the frame from being late.
        var trickle = Task.Run(async () =>
        {
            try
            {
                while (!connection.Running.IsCompleted)
                {
                    await wire.SendAsync([0x00]);
                    await Task.Delay(50, Ct);
                }
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
            {
                // The server closed the connection.
            }
        }, Ct);

        await connection.Running.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await trickle.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(0L, server.Connections.FrameBudget.Reserved);
    }

    [Fact]
    public void A_large_frame_allocates_in_proportion_to_the_bytes_received()
    {
        var budget = new FrameBudget(64L * 1024 * 1024);
        using var assembler = new FrameAssembler(budget, static () => { });
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, HugeFrame);
        var buffer = new ReadOnlySequence<byte>(header);

        Assert.Equal(AssemblyStart.Started, assembler.TryBegin(ref buffer));
        Assert.Equal(0, assembler.Capacity);
        Assert.Equal((long)HugeFrame, budget.Reserved);

        var chunk = new byte[1000];
        var received = 0;
        while (received < 3 * 1024 * 1024)
        {
            var piece = new ReadOnlySequence<byte>(chunk);
            assembler.Fill(ref piece);
            received += chunk.Length;
            Assert.Equal(received, assembler.Filled);
            Assert.True(assembler.Capacity <= Math.Max(128 * 1024, 2 * received), $"{assembler.Capacity} bytes allocated for {received} received");
        }

        Assert.False(assembler.IsComplete);
        assembler.Release();
        Assert.Equal(0L, budget.Reserved);
    }

    [Fact]
    public void A_large_frame_split_at_every_boundary_is_assembled_byte_for_byte()
    {
        var payload = new byte[(3 * FrameAssembler.Threshold) + 17];
        new Random(13).NextBytes(payload);
        var frame = FrameStream.Frame(payload);
        var budget = new FrameBudget(payload.Length);
        var random = new Random(8);
        for (var round = 0; round < 200; round++)
        {
            using var assembler = new FrameAssembler(budget, static () => { });

            // The header arrives whole first (a shorter prefix is left in the pipe); then pieces of any size.
            var offset = Math.Min(frame.Length, 4 + random.Next(0, FrameAssembler.Threshold));
            var first = new ReadOnlySequence<byte>(frame, 0, offset);
            Assert.Equal(AssemblyStart.Started, assembler.TryBegin(ref first));
            Assert.Equal(0, first.Length);
            while (offset < frame.Length)
            {
                var size = Math.Min(frame.Length - offset, random.Next(1, 3 * FrameAssembler.Threshold));
                var piece = new ReadOnlySequence<byte>(frame, offset, size);
                assembler.Fill(ref piece);
                Assert.Equal(0, piece.Length);
                offset += size;
            }

            Assert.True(assembler.IsComplete);
            Assert.True(assembler.Payload.ToArray().AsSpan().SequenceEqual(payload));
        }

        Assert.Equal(0L, budget.Reserved);
    }

    [Fact]
    public void A_frame_beyond_the_budget_is_not_started_and_its_connection_is_told_when_room_is_made()
    {
        var budget = new FrameBudget(100_000);
        var woken = 0;
        using var holder = new FrameAssembler(budget, static () => { });
        using var waiter = new FrameAssembler(budget, () => woken++);
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, 90_000);

        var first = new ReadOnlySequence<byte>(header);
        Assert.Equal(AssemblyStart.Started, holder.TryBegin(ref first));
        var second = new ReadOnlySequence<byte>(header);
        Assert.Equal(AssemblyStart.NoBudget, waiter.TryBegin(ref second));
        Assert.Equal(4, second.Length);
        Assert.Equal(0, woken);

        holder.Release();
        Assert.Equal(1, woken);
        Assert.Equal(AssemblyStart.Started, waiter.TryBegin(ref second));
        Assert.Equal(90_000L, budget.Reserved);
    }

    /// <summary>Connects, sends HELLO and the header of a huge frame, and waits for HELLO's answer; the socket stays open.</summary>
    private static async Task<TcpClient> AttackAsync(IPEndPoint endpoint, byte[] attack)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(endpoint, Ct);
        var stream = client.GetStream();
        await stream.WriteAsync(attack, Ct);
        var header = new byte[4];
        await stream.ReadExactlyAsync(header, Ct);
        var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
        await stream.ReadExactlyAsync(payload, Ct);
        var reader = new Protocol.Wire.ProtocolReader(new ReadOnlySequence<byte>(payload));
        Assert.Equal(StatusCode.Ok, ResponseHeader.Read(ref reader).Status);
        return client;
    }

    private static byte[] LargeArray(int size)
    {
        var document = new byte[size];
        document.AsSpan().Fill((byte)' ');
        document[0] = (byte)'[';
        document[^1] = (byte)']';
        return document;
    }
}

/// <summary>Tests that measure the process's managed heap run alone, so that other tests' allocations do not count.</summary>
[CollectionDefinition(nameof(MeasuresTheHeap), DisableParallelization = true)]
public sealed class MeasuresTheHeap;
