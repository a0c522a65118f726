using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using HdrHistogram;
using Registry.Client;
using Registry.Load;
using Registry.Protocol;
using Registry.Protocol.Framing;
using Registry.Protocol.Messages;

namespace Registry.Server.Tests.Binary;

/// <summary>
/// The load driver's single-threaded raw loop (nbomber/Registry.Load) against a server in this process: what it counts
/// and what it refuses to count, not how fast it is.
/// </summary>
public sealed class RawLoopTests
{
    [Fact]
    public async Task The_open_loop_sends_and_measures_every_request_due_in_the_run()
    {
        await using var server = await InProcessServer.StartAsync();
        var schemaId = await RegisterAsync(server);
        var sockets = Connect(server, 2, out var limit);
        try
        {
            // 2,000 requests/s for a quarter of a second: 500 requests are due in the run, on two connections.
            var result = new RawLoop(new RegistryWire(schemaId, 4), sockets, 4)
                .Run(2_000, TimeSpan.Zero, TimeSpan.FromSeconds(0.25), TimeSpan.FromMicroseconds(100));

            Assert.Equal(500, result.Latencies.TotalCount);
            Assert.Equal(0, result.Late);
            Assert.Equal(0, result.Unanswered);
            Assert.Equal(0, result.Failed);
            Assert.True(limit >= 4, $"the server allows {limit} in flight");
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task The_closed_loop_counts_error_responses_as_failures()
    {
        await using var server = await InProcessServer.StartAsync();
        await RegisterAsync(server);
        var sockets = Connect(server, 1, out _);
        try
        {
            // No schema has this id: every answer is NOT_FOUND.
            var result = new RawLoop(new RegistryWire(999_999, 8), sockets, 8).Run(0, TimeSpan.Zero, TimeSpan.FromSeconds(0.2));

            Assert.True(result.Latencies.TotalCount > 0);
            Assert.Equal(result.Latencies.TotalCount, result.Failed);
            Assert.Contains(RawRun.Problems(0, result), p => p.Contains("error responses", StringComparison.Ordinal));
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task The_closed_loop_answers_get_by_id_without_errors()
    {
        await using var server = await InProcessServer.StartAsync();
        var schemaId = await RegisterAsync(server);
        var sockets = Connect(server, 2, out _);
        try
        {
            var result = new RawLoop(new RegistryWire(schemaId, 16), sockets, 16).Run(0, TimeSpan.Zero, TimeSpan.FromSeconds(0.2));

            Assert.True(result.Completed > 0);
            Assert.Equal(0, result.Failed);
            Assert.Equal(0, result.Unanswered);
            Assert.Empty(RawRun.Problems(0, result));
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void A_run_below_its_target_rate_does_not_count()
    {
        var below = Result(completed: 970, failed: 0, late: 0);
        var held = Result(completed: 990, failed: 0, late: 0);
        var unsent = Result(completed: 990, failed: 0, late: 3);

        Assert.Contains(RawRun.Problems(1_000, below), p => p.Contains("below 98", StringComparison.Ordinal));
        Assert.Empty(RawRun.Problems(1_000, held));
        Assert.Contains(RawRun.Problems(1_000, unsent), p => p.Contains("never sent", StringComparison.Ordinal));
    }

    [Fact]
    public void Registry_responses_are_cut_at_frame_boundaries_and_matched_by_id()
    {
        var wire = new RegistryWire(7, 4);
        var ok = Response(3, StatusCode.Ok);
        var missing = Response(2, StatusCode.SchemaNotFound);
        var buffer = ok.Concat(missing).ToArray();

        Assert.Equal(0, wire.TryRead(buffer, 0, ok.Length - 1, out _, out _));
        Assert.Equal(ok.Length, wire.TryRead(buffer, 0, buffer.Length, out var id, out var isOk));
        Assert.Equal((3, true), (id, isOk));
        Assert.Equal(missing.Length, wire.TryRead(buffer, ok.Length, missing.Length, out id, out isOk));
        Assert.Equal((2, false), (id, isOk));

        var stranger = Response(5, StatusCode.Ok);
        Assert.Throws<InvalidDataException>(() => wire.TryRead(stranger, 0, stranger.Length, out _, out _));
    }

    [Fact]
    public void Resp_replies_are_cut_whole_and_a_nil_or_an_error_is_no_success()
    {
        var wire = new RespWire("key:__rand_int__");
        var bulk = Encoding.ASCII.GetBytes("$5\r\nhello\r\n");
        var nil = Encoding.ASCII.GetBytes("$-1\r\n");
        var error = Encoding.ASCII.GetBytes("-ERR wrong\r\n");

        Assert.Equal("*2\r\n$3\r\nGET\r\n$16\r\nkey:__rand_int__\r\n", Encoding.ASCII.GetString(wire.Request(0)));
        Assert.Equal(0, wire.TryRead(bulk, 0, bulk.Length - 1, out _, out _));
        Assert.Equal(bulk.Length, wire.TryRead(bulk, 0, bulk.Length, out _, out var ok));
        Assert.True(ok);
        Assert.Equal(nil.Length, wire.TryRead(nil, 0, nil.Length, out _, out ok));
        Assert.False(ok);
        Assert.Equal(error.Length, wire.TryRead(error, 0, error.Length, out _, out ok));
        Assert.False(ok);
    }

    [Fact]
    public void Slow_requests_due_close_together_make_one_stall()
    {
        var ms = Stopwatch.Frequency / 1000;
        var slow = new List<(long Due, long Ns)>
        {
            (100 * ms, 5_000_000), (100 * ms + ms / 2, 20_000_000), (101 * ms, 2_000_000), (900 * ms, 3_000_000),
        };

        var stalls = Stall.Group(slow, Stopwatch.Frequency);

        Assert.Equal(2, stalls.Count);
        Assert.Equal((3, TimeSpan.FromMilliseconds(20)), (stalls[0].Requests, stalls[0].Worst));
        Assert.Equal(900, stalls[1].At.TotalMilliseconds, 3);
    }

    private static RawLoopResult Result(long completed, long failed, long late)
        => new(completed, TimeSpan.FromSeconds(1), new LongHistogram(1_000_000, 3), failed, late, 0, TimeSpan.Zero);

    private static byte[] Response(uint id, StatusCode status)
    {
        using var frames = new FrameWriter();
        var w = frames.Start();
        if (status == StatusCode.Ok)
        {
            Envelope.WriteEmptyResponse(ref w, id);
        }
        else
        {
            Envelope.WriteError(ref w, id, status, "no such schema");
        }

        return frames.Finish(ref w).ToArray();
    }

    private static async Task<int> RegisterAsync(InProcessServer server)
    {
        await using var client = new RegistryClient(new RegistryClientOptions { Endpoints = [server.BinaryEndpoint.ToString()], PoolSize = 1 });
        return (await client.RegisterAsync("load.raw", """{"type":"object"}""")).SchemaId;
    }

    private static List<Socket> Connect(InProcessServer server, int count, out int limit)
    {
        var sockets = new List<Socket>();
        limit = int.MaxValue;
        for (var i = 0; i < count; i++)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            sockets.Add(socket);
            socket.Connect(server.BinaryEndpoint);
            limit = Math.Min(limit, RegistryWire.Hello(socket));
        }

        return sockets;
    }
}
