using System.Text;
using Registry.Protocol;
using Registry.Protocol.Messages;

namespace Registry.Client.Tests;

/// <summary>
/// Writes on connections of their own (the write lane), reads never waiting behind them, read-your-writes across the
/// lanes, and reads hedged to another endpoint when the first does not answer.
/// </summary>
public sealed class LaneTests
{
    private static CancellationToken Ct => ClientFixture.Ct;

    [Fact]
    public async Task A_registration_the_server_holds_does_not_hold_up_reads_sent_after_it()
    {
        await using var server = FakeServer.Start();
        await using var client = new RegistryClient(new RegistryClientOptions
        {
            Endpoints = [server.Endpoint.ToString()],
            PoolSize = 2,
            WriteConnections = 1,
            RequestTimeout = TimeSpan.FromSeconds(60),
        });
        await client.PingAsync(Ct);

        var write = client.RegisterAsync("people", """{"type":"object"}""", Ct).AsTask();
        await WaitUntilAsync(() => server.HeldWrites == 1);

        // Every read is answered while the write is still held; with the old sharing, the reads that fell on the
        // write's connection would wait for it (up to the 60-s time-out; these wait at most 20 s).
        var quick = client.WithTimeout(TimeSpan.FromSeconds(20));
        var reads = Enumerable.Range(1, 40).Select(i => Refusal(() => quick.FetchSchemaAsync(i, Ct).AsTask())).ToArray();
        var statuses = await Task.WhenAll(reads);

        Assert.All(statuses, s => Assert.Equal(StatusCode.SchemaNotFound, s));
        Assert.False(write.IsCompleted);

        // The write went alone on a connection of its own, opened for it: no read came on that connection.
        await WaitUntilAsync(() => server.Connections == 3, () => client.PingAsync(Ct).AsTask());
        var writeConnection = server.Received.Single(r => r.Opcode == Opcode.Register).Connection;
        Assert.DoesNotContain(server.Received, r => r.Connection == writeConnection && r.Opcode != Opcode.Register);

        await server.ReleaseWritesAsync();
        var refused = await Assert.ThrowsAsync<RegistryRequestException>(() => write);
        Assert.Equal(StatusCode.Incompatible, refused.Status);
    }

    [Fact]
    public async Task Without_write_connections_a_read_on_the_connection_of_a_held_registration_waits_for_it()
    {
        // The fake server keeps the barrier rule: this is what the write lane avoids.
        await using var server = FakeServer.Start();
        await using var client = new RegistryClient(new RegistryClientOptions
        {
            Endpoints = [server.Endpoint.ToString()],
            PoolSize = 1,
            WriteConnections = 0,
            RequestTimeout = TimeSpan.FromSeconds(60),
        });
        await client.PingAsync(Ct);

        var write = client.RegisterAsync("people", """{"type":"object"}""", Ct).AsTask();
        await WaitUntilAsync(() => server.HeldWrites == 1);
        var read = client.FetchSchemaAsync(1, Ct).AsTask();
        await Task.Delay(300, Ct);

        Assert.False(read.IsCompleted);
        Assert.Equal(1, server.Connections);

        await server.ReleaseWritesAsync();
        Assert.Equal(StatusCode.Incompatible, (await Assert.ThrowsAsync<RegistryRequestException>(() => write)).Status);
        Assert.Equal(StatusCode.SchemaNotFound, await Refusal(() => read));
    }

    [Fact]
    public async Task A_write_acknowledged_to_the_client_is_seen_by_every_read_it_sends_next_on_the_read_connections()
    {
        await using var f = await ClientFixture.StartAsync(configure: o => o with { PoolSize = 2, WriteConnections = 2, RequestTimeout = TimeSpan.FromSeconds(60) });
        var document = Encoding.UTF8.GetBytes("""{"n":1}""");

        // Many writers at once, each reading right after each acknowledgement: by the new id (past the client's cache),
        // the subject's latest version, and a validation against the latest.
        var writers = Enumerable.Range(0, 12).Select(w => Task.Run(
            async () =>
            {
                var subject = $"ryw.{w}";
                for (var v = 1; v <= 4; v++)
                {
                    var schema = $$"""{"type":"object","description":"writer {{w}} version {{v}}"}""";
                    var registered = await f.Client.RegisterAsync(subject, schema, Ct);
                    var byId = await f.Client.FetchSchemaAsync(registered.SchemaId, Ct);
                    var latest = await f.Client.GetVersionAsync(subject, cancellationToken: Ct);
                    var validated = await f.Client.ValidateAsync(subject, VersionSelector.Latest, document, cancellationToken: Ct);

                    Assert.Equal(schema, byId.ToString());
                    Assert.Equal((v, registered.SchemaId), (latest.Info.Version, latest.Info.SchemaId));
                    Assert.True(validated.IsValid);
                }
            },
            Ct));

        await Task.WhenAll(writers);
        var versions = await f.Client.ListVersionsAsync("ryw.0", cancellationToken: Ct);
        Assert.Equal(new[] { 1, 2, 3, 4 }, versions);
    }

    [Fact]
    public async Task Writes_are_spread_over_the_write_connections_so_several_run_at_once()
    {
        await using var server = FakeServer.Start();
        await using var client = new RegistryClient(new RegistryClientOptions
        {
            Endpoints = [server.Endpoint.ToString()],
            PoolSize = 1,
            WriteConnections = 3,
            RequestTimeout = TimeSpan.FromSeconds(60),
        });

        // Each held write holds its connection: the next write opens (or takes) another instead of queueing behind it.
        var writes = new List<Task>();
        for (var i = 0; i < 3; i++)
        {
            writes.Add(client.RegisterAsync($"s{i}", """{"type":"object"}""", Ct).AsTask());
            await WaitUntilAsync(() => server.HeldWrites == writes.Count);
        }

        var connections = server.Received.Where(r => r.Opcode == Opcode.Register).Select(r => r.Connection).Distinct().Count();

        Assert.Equal(3, connections);
        await server.ReleaseWritesAsync();
        foreach (var write in writes)
        {
            Assert.Equal(StatusCode.Incompatible, (await Assert.ThrowsAsync<RegistryRequestException>(() => write)).Status);
        }
    }

    [Fact]
    public async Task A_write_that_times_out_waiting_for_a_free_write_connection_was_never_sent()
    {
        await using var server = FakeServer.Start();
        await using var client = new RegistryClient(new RegistryClientOptions
        {
            Endpoints = [server.Endpoint.ToString()],
            WriteConnections = 1,
            RequestTimeout = TimeSpan.FromSeconds(60),
        });
        var first = client.RegisterAsync("a", """{"type":"object"}""", Ct).AsTask();
        await WaitUntilAsync(() => server.HeldWrites == 1);

        await Assert.ThrowsAsync<TimeoutException>(async () => await client.WithTimeout(TimeSpan.FromMilliseconds(300)).RegisterAsync("b", """{"type":"object"}""", Ct));

        Assert.Single(server.Received, r => r.Opcode == Opcode.Register);
        await server.ReleaseWritesAsync();
        Assert.Equal(StatusCode.Incompatible, (await Assert.ThrowsAsync<RegistryRequestException>(() => first)).Status);

        // The connection is free again: the next write is sent.
        var next = client.RegisterAsync("c", """{"type":"object"}""", Ct).AsTask();
        await WaitUntilAsync(() => server.HeldWrites == 1);
        Assert.Equal(2, server.Received.Count(r => r.Opcode == Opcode.Register));
        await server.ReleaseWritesAsync();
        await Assert.ThrowsAsync<RegistryRequestException>(() => next);
    }

    [Fact]
    public async Task Writes_go_to_the_endpoint_whose_recent_writes_were_fastest_while_it_has_a_free_connection()
    {
        await using var slow = FakeServer.Start();
        await using var fast = FakeServer.Start(holdWrites: false);
        await using var client = new RegistryClient(new RegistryClientOptions
        {
            Endpoints = [slow.Endpoint.ToString(), fast.Endpoint.ToString()],
            WriteConnections = 2, // one to each endpoint
            RequestTimeout = TimeSpan.FromSeconds(60),
        });
        var quick = client.WithTimeout(TimeSpan.FromMilliseconds(300));

        // Writes until one has timed out on the slow endpoint (each write connection opens on the way).
        for (var i = 0; i < 20 && slow.HeldWrites == 0; i++)
        {
            await Assert.ThrowsAnyAsync<Exception>(async () => await quick.RegisterAsync($"w{i}", """{"type":"object"}""", Ct));
        }

        Assert.Equal(1, slow.HeldWrites);
        await slow.ReleaseWritesAsync();
        await WaitUntilAsync(() => slow.Connections == 1 && fast.Connections == 1);

        // Both write connections are free now: every write goes to the endpoint that answered writes fast.
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(StatusCode.Incompatible, (await Assert.ThrowsAsync<RegistryRequestException>(async () => await client.RegisterAsync($"x{i}", """{"type":"object"}""", Ct))).Status);
        }

        Assert.Equal(1, slow.Received.Count(r => r.Opcode == Opcode.Register));
    }

    [Fact]
    public async Task A_read_the_first_endpoint_does_not_answer_is_hedged_to_the_other_and_answered_there()
    {
        await using var silent = FakeServer.Start(answerReads: false);
        await using var answering = FakeServer.Start();
        await using var client = new RegistryClient(new RegistryClientOptions
        {
            Endpoints = [silent.Endpoint.ToString(), answering.Endpoint.ToString()],
            PoolSize = 2,
            HedgeDelay = TimeSpan.FromMilliseconds(50),
            RequestTimeout = TimeSpan.FromSeconds(60),
        });
        await WaitUntilAsync(() => silent.Connections >= 1 && answering.Connections >= 1, () => client.PingAsync(Ct).AsTask());

        // Without the hedge, every read sent to the silent endpoint would wait for its time-out (20 s here).
        var quick = client.WithTimeout(TimeSpan.FromSeconds(20));
        var statuses = new List<StatusCode>();
        for (var i = 1; i <= 20; i++)
        {
            statuses.Add(await Refusal(() => quick.FetchSchemaAsync(i, Ct).AsTask()));
        }

        Assert.All(statuses, s => Assert.Equal(StatusCode.SchemaNotFound, s));
        Assert.True(silent.HeldReads >= 1, "no read went to the silent endpoint first");
        Assert.True(client.HedgesWon >= 1, "no hedge was answered by the other endpoint");
        Assert.True(client.HedgedReads >= client.HedgesWon);
    }

    [Fact]
    public async Task After_a_hedge_the_other_endpoint_won_new_reads_pass_over_the_slow_connection_for_a_while()
    {
        await using var silent = FakeServer.Start(answerReads: false);
        await using var answering = FakeServer.Start();
        await using var client = new RegistryClient(new RegistryClientOptions
        {
            Endpoints = [silent.Endpoint.ToString(), answering.Endpoint.ToString()],
            PoolSize = 2,
            HedgeDelay = TimeSpan.FromMilliseconds(500), // the slow connection is then passed over for 5 s
            RequestTimeout = TimeSpan.FromSeconds(60),
        });
        await WaitUntilAsync(() => silent.Connections >= 1 && answering.Connections >= 1, () => client.PingAsync(Ct).AsTask());

        // Reads in turn until one has gone to the silent endpoint first (and was answered by the other).
        for (var i = 1; i <= 10 && silent.HeldReads == 0; i++)
        {
            Assert.Equal(StatusCode.SchemaNotFound, await Refusal(() => client.FetchSchemaAsync(i, Ct).AsTask()));
        }

        Assert.Equal(1, silent.HeldReads);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(StatusCode.SchemaNotFound, await Refusal(() => client.FetchSchemaAsync(100 + i, Ct).AsTask()));
        }

        Assert.Equal(1, silent.HeldReads);
        Assert.Equal(1, client.HedgesWon);
    }

    [Fact]
    public async Task A_write_is_never_sent_twice_even_with_hedging_on()
    {
        await using var silent = FakeServer.Start(answerReads: false);
        await using var answering = FakeServer.Start(holdWrites: false);
        await using var client = new RegistryClient(new RegistryClientOptions
        {
            // The write connection starts at the first endpoint, the silent one.
            Endpoints = [silent.Endpoint.ToString(), answering.Endpoint.ToString()],
            PoolSize = 2,
            HedgeDelay = TimeSpan.FromMilliseconds(20),
            RequestTimeout = TimeSpan.FromSeconds(60),
        });

        var write = client.WithTimeout(TimeSpan.FromMilliseconds(500)).RegisterAsync("people", """{"type":"object"}""", Ct).AsTask();

        await Assert.ThrowsAsync<TimeoutException>(() => write);
        Assert.Equal(1, silent.Received.Count(r => r.Opcode == Opcode.Register));
        Assert.DoesNotContain(answering.Received, r => r.Opcode == Opcode.Register);
        Assert.Equal(0, client.HedgedReads);
    }

    [Fact]
    public void Write_connections_and_the_hedge_delay_are_checked()
    {
        Assert.Throws<ArgumentException>(() => new RegistryClientOptions { WriteConnections = -1 }.Validate());
        Assert.Throws<ArgumentException>(() => new RegistryClientOptions { HedgeDelay = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentException>(() => new RegistryClientOptions { HedgeDelay = TimeSpan.FromSeconds(5), RequestTimeout = TimeSpan.FromSeconds(5) }.Validate());
        new RegistryClientOptions { WriteConnections = 0, HedgeDelay = TimeSpan.FromMilliseconds(100) }.Validate();
    }

    private static async Task<StatusCode> Refusal(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RegistryRequestException>(call);
        return error.Status;
    }

    /// <summary>Waits (at most 30 s, polling) until <paramref name="condition"/> holds, running <paramref name="step"/> between checks.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, Func<Task>? step = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s");
            if (step is not null)
            {
                await step();
            }

            await Task.Delay(10, Ct);
        }
    }
}
