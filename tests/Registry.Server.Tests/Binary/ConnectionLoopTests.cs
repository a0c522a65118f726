using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Registry.Protocol;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;

namespace Registry.Server.Tests.Binary;

/// <summary>
/// The connection handler driven over in-memory pipes, with a store the test can hold: ordering, back-pressure,
/// shutdown, and what a warm request costs.
/// </summary>
public sealed class ConnectionLoopTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_more_than_max_in_flight_requests_run_at_once_and_later_frames_wait_unread()
    {
        await using var server = await InMemoryServer.StartAsync(o => o.MaxInFlight = 2);
        await server.Registry.RegisterAsync(new() { Subject = "held", Schema = """{"type":"string"}"""u8.ToArray() }, Ct);
        var connection = server.Connect();
        await using var wire = connection.Frames();
        await wire.HelloAsync();
        server.Store.Close();

        await wire.SendAsync([.. Enumerable.Range(10, 5).Select(i => FrameStream.Request((uint)i, new GetVersionRequest { Subject = "held" }))]);
        await server.Store.WaitForEnteredAsync(2);
        await wire.SendAsync(FrameStream.Ping(99));
        server.Store.Open();
        var order = new List<uint>();
        for (var i = 0; i < 6; i++)
        {
            var response = await wire.ReadAsync();
            Assert.Equal(StatusCode.Ok, response.Status);
            order.Add(response.RequestId);
        }

        // With the gate shut nothing could complete; a PING answered at once would come first.
        Assert.NotEqual(99u, order[0]);
        Assert.Equal([10u, 11u, 12u, 13u, 14u, 99u], order.Order());
        Assert.Equal(2, server.Store.MaxInside);
    }

    [Fact]
    public async Task A_barrier_waits_for_earlier_requests_and_holds_later_ones_until_it_is_answered()
    {
        await using var server = await InMemoryServer.StartAsync();
        await server.Registry.RegisterAsync(new() { Subject = "ordered", Schema = """{"type":"object","required":["a"]}"""u8.ToArray() }, Ct);
        var connection = server.Connect();
        await using var wire = connection.Frames();
        await wire.HelloAsync();
        server.Store.Close();

        await wire.SendAsync(
            FrameStream.Request(1, new GetVersionRequest { Subject = "ordered" }),
            FrameStream.Request(2, BinaryProtocolTests.Register("ordered", """{"type":"object"}""")),
            FrameStream.Ping(3));
        await server.Store.WaitForEnteredAsync(1);
        var enteredWhileHeld = server.Store.Entered;
        server.Store.Open();
        var order = new List<(uint, StatusCode)>();
        for (var i = 0; i < 3; i++)
        {
            var response = await wire.ReadAsync();
            order.Add((response.RequestId, response.Status));
        }

        Assert.Equal(1, enteredWhileHeld);
        Assert.Equal([(1u, StatusCode.Ok), (2u, StatusCode.Ok), (3u, StatusCode.Ok)], order);
    }

    [Fact]
    public async Task Shutdown_answers_what_is_in_flight_refuses_what_comes_after_and_says_so_before_closing()
    {
        await using var server = await InMemoryServer.StartAsync();
        await server.Registry.RegisterAsync(new() { Subject = "draining", Schema = """{"type":"string"}"""u8.ToArray() }, Ct);
        var connection = server.Connect();
        await using var wire = connection.Frames();
        await wire.HelloAsync();
        server.Store.Close();

        await wire.SendAsync(FrameStream.Request(1, new GetVersionRequest { Subject = "draining" }));
        await server.Store.WaitForEnteredAsync(1);
        server.Connections.ShutDown();
        await wire.SendAsync(FrameStream.Ping(2));
        var refused = await wire.ReadAsync();
        server.Store.Open();
        var answered = await wire.ReadAsync();
        var goodbye = await wire.ReadAsync();

        Assert.Equal((2u, StatusCode.ShuttingDown), (refused.RequestId, refused.Status));
        Assert.Equal((1u, StatusCode.Ok), (answered.RequestId, answered.Status));
        Assert.Equal((0u, StatusCode.ShuttingDown), (goodbye.RequestId, goodbye.Status));
        await connection.Running.WaitAsync(Ct);
        Assert.True(await wire.ClosesAsync());
    }

    [Fact]
    public async Task A_peer_that_stops_sending_still_gets_the_answers_to_what_it_sent()
    {
        await using var server = await InMemoryServer.StartAsync();
        await server.Registry.RegisterAsync(new() { Subject = "half-closed", Schema = """{"type":"string"}"""u8.ToArray() }, Ct);
        var connection = server.Connect();
        await using var wire = connection.Frames();
        await wire.HelloAsync();
        server.Store.Close();

        await wire.SendAsync(FrameStream.Request(1, new ListVersionsRequest { Subject = "half-closed" }), FrameStream.Ping(2));
        await connection.Requests.CompleteAsync();
        server.Store.Open();
        var responses = new[] { await wire.ReadAsync(), await wire.ReadAsync() };

        Assert.Equal([1u, 2u], responses.Select(r => r.RequestId).Order());
        Assert.All(responses, r => Assert.Equal(StatusCode.Ok, r.Status));
        await connection.Running.WaitAsync(Ct);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Warm_get_by_id_and_validate_over_the_connection_allocate_nothing_with_metrics_off_or_on(bool metrics)
    {
        // Validation by id re-reads a schema's lifecycle state from the store now and then; not during this test.
        // With metrics on, the Prometheus exporter listens: every request is timed and counted per opcode, status and
        // (validations) outcome and schema type, and that must not allocate either once the series exist.
        await using var server = await InMemoryServer.StartAsync(engine: new Registry.Engine.Services.RegistryEngineOptions { UsageRefreshInterval = TimeSpan.FromHours(1) }, metrics: metrics);
        var registered = await server.Registry.RegisterAsync(
            new() { Subject = "warm", Schema = """{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}"""u8.ToArray() }, Ct);
        var schemaId = (int)registered.SchemaId;
        var connection = server.Connect(inline: true);
        await using (var wire = connection.Frames(leaveOpen: true))
        {
            await wire.HelloAsync();
            await wire.SendAsync(FrameStream.GetSchemaById(2, schemaId), FrameStream.Validate(3, schemaId, """{"id":1}"""u8));
            Assert.Equal(StatusCode.Ok, (await wire.ReadAsync()).Status);
            Assert.Equal(StatusCode.Ok, (await wire.ReadAsync()).Status);
        }

        // One pipelined batch: a GET_SCHEMA_BY_ID, a VALIDATE of a valid and of an invalid document (verdict only).
        var batch = FrameStream.GetSchemaById(5, schemaId)
            .Concat(FrameStream.Validate(6, schemaId, """{"id":1}"""u8))
            .Concat(FrameStream.Validate(7, schemaId, """{"id":"x"}"""u8))
            .ToArray();
        // Until the JIT has promoted the loop to optimised code (in the background, after a delay that other tests
        // compiling code in parallel keep extending), first-use paths and tier-0 code allocate what optimised code
        // keeps on the stack; so measure windows of 200 round trips, pausing between them, until one is answered in
        // full on this thread and allocates nothing. (The pause also lets the handler's loop get back to its read:
        // the awaits above may have resumed this test inside that loop's flush.) A steady per-request allocation
        // would show in every window and fail the test.
        long allocated = -1;
        var answered = -1;
        var windows = 0;
        while ((allocated != 0 || answered != 200 * 3) && windows < 200)
        {
            windows++;
            await Task.Delay(50, Ct);
            answered = 0;
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 200; i++)
            {
                answered += RoundTrip(connection, batch);
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.Equal(200 * 3, answered);
        Assert.Equal(0, allocated);
        if (metrics)
        {
            // The requests measured were recorded: the exporter saw at least the last window's 200 of each opcode.
            var text = server.Exporter!.Scrape();
            var count = System.Text.RegularExpressions.Regex.Match(text,
                "^registry_binary_request_duration_seconds_count\\{registry_opcode=\"GET_SCHEMA_BY_ID\",registry_status=\"OK\"\\} ([0-9]+)$",
                System.Text.RegularExpressions.RegexOptions.Multiline);
            Assert.True(count.Success, text);
            Assert.True(long.Parse(count.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 200 * windows);
            Assert.Contains("registry_validations_total{registry_schema_type=\"JSON\",registry_validation_outcome=\"invalid\"}", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_engine_error_code_maps_to_a_protocol_status_and_only_a_store_error_to_internal()
    {
        foreach (var code in Enum.GetValues<Registry.Engine.RegistryErrorCode>())
        {
            var status = Registry.Server.Binary.ErrorResponses.ToStatus(code);
            Assert.Equal(code == Registry.Engine.RegistryErrorCode.StoreError, status == StatusCode.Internal);
        }
    }

    [Fact]
    public void The_engine_and_protocol_enums_agree_on_every_value_the_mapping_casts()
    {
        AssertSame<Registry.Engine.Model.LifecycleState, LifecycleState>();
        AssertSame<Registry.Schemas.Compatibility.CompatibilityLevel, CompatibilityLevel>();
        AssertSame<Registry.Schemas.Compatibility.CompatibilityPolicy, CompatibilityPolicy>();
        AssertSame<Registry.Engine.Model.RegistryMode, RegistryMode>();
        AssertSame<Registry.Schemas.Compatibility.VersionBump, VersionBump>();
        AssertSame<Registry.Schemas.Validation.ValidationOutcome, ValidationOutcome>();

        static void AssertSame<TEngine, TProtocol>()
            where TEngine : struct, Enum
            where TProtocol : struct, Enum
        {
            var engine = Enum.GetValues<TEngine>().Select(v => (Name: v.ToString(), Value: Convert.ToInt32(v, null))).ToArray();
            var protocol = Enum.GetValues<TProtocol>().Select(v => (Name: v.ToString(), Value: Convert.ToInt32(v, null))).ToArray();
            Assert.Equal(engine, protocol);
        }
    }

    /// <summary>
    /// Writes the batch and reads its three responses, all on this thread (the pipes run the handler inline).
    /// Counts answers without asserting: the assertion library allocates.
    /// </summary>
    [Fact]
    public async Task Small_and_large_responses_of_one_pass_all_leave_whole()
    {
        // Small responses of a pass are gathered and written together; one larger than that buffer goes out by itself,
        // after what was gathered before it. None may be lost, cut or mixed with another.
        await using var server = await InMemoryServer.StartAsync();
        var small = """{"type":"string"}"""u8.ToArray();
        var large = Encoding.UTF8.GetBytes($$"""{"type":"string","description":"{{new string('x', 40_000)}}"}""");
        var smallId = (int)(await server.Registry.RegisterAsync(new() { Subject = "small", Schema = small }, Ct)).SchemaId;
        var largeId = (int)(await server.Registry.RegisterAsync(new() { Subject = "large", Schema = large }, Ct)).SchemaId;
        var connection = server.Connect();
        await using var wire = connection.Frames();
        await wire.HelloAsync();

        var requests = new (uint Id, int SchemaId)[] { (10, smallId), (11, largeId), (12, smallId), (13, largeId), (14, smallId) };
        await wire.SendAsync([.. requests.Select(r => FrameStream.GetSchemaById(r.Id, r.SchemaId))]);
        var schemas = new Dictionary<uint, byte[]>();
        for (var i = 0; i < requests.Length; i++)
        {
            var response = await wire.ReadAsync();
            Assert.Equal(StatusCode.Ok, response.Status);
            schemas.Add(response.RequestId, response.Body(static (ref ProtocolReader r) => SchemaResponse.Read(ref r).Schema.ToArray()));
        }

        Assert.All(requests, r => Assert.Equal(r.SchemaId == smallId ? small : large, schemas[r.Id]));
    }

    private static int RoundTrip(InMemoryConnection connection, byte[] batch)
    {
        connection.Requests.Write(batch);
        var flushed = connection.Requests.FlushAsync(Ct);
        if (!flushed.IsCompletedSuccessfully)
        {
            return -1000;
        }

        if (!connection.Responses.TryRead(out var read))
        {
            return -1000;
        }

        var buffer = read.Buffer;
        var answered = 0;
        while (Protocol.Framing.Frame.TryRead(ref buffer, int.MaxValue, out var payload) == Protocol.Framing.FrameReadResult.Complete)
        {
            var reader = new ProtocolReader(payload);
            var header = ResponseHeader.Read(ref reader);
            answered += header.Status == StatusCode.Ok ? 1 : 0;
        }

        connection.Responses.AdvanceTo(buffer.Start, buffer.End);
        return answered;
    }
}
