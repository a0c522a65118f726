using System.Text;
using MessagePack;
using Registry.Protocol;
using Registry.Protocol.Framing;
using Registry.Protocol.Messages;

namespace Registry.Server.Tests.Binary;

/// <summary>The binary protocol over a real socket against the server in this process.</summary>
public sealed class BinaryProtocolTests
{
    private const string OrderSchema = """{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pipelined_requests_in_one_write_are_each_answered_with_their_own_id()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var schemaId = await RegisterAsync(wire, 2, "orders.created", OrderSchema);

        var frames = new List<byte[]>();
        var expected = new Dictionary<uint, Opcode>();
        for (uint i = 0; i < 300; i++)
        {
            var id = 1000 + i;
            switch (i % 3)
            {
                case 0:
                    frames.Add(FrameStream.Ping(id));
                    expected[id] = Opcode.Ping;
                    break;
                case 1:
                    frames.Add(FrameStream.GetSchemaById(id, schemaId));
                    expected[id] = Opcode.GetSchemaById;
                    break;
                default:
                    frames.Add(FrameStream.Validate(id, schemaId, i % 2 == 0 ? """{"id":"x"}"""u8 : """{"id":7}"""u8));
                    expected[id] = Opcode.Validate;
                    break;
            }
        }

        await wire.SendAsync([.. frames.SelectMany(f => f)]);
        for (var n = 0; n < frames.Count; n++)
        {
            var response = await wire.ReadAsync();
            Assert.True(expected.Remove(response.RequestId, out var opcode), $"unexpected or repeated id {response.RequestId}");
            Assert.Equal(StatusCode.Ok, response.Status);
            if (opcode == Opcode.GetSchemaById)
            {
                Assert.Equal(schemaId, response.Body(static (ref Protocol.Wire.ProtocolReader r) => SchemaResponse.Read(ref r).SchemaId));
            }
            else if (opcode == Opcode.Validate)
            {
                var valid = response.Body(static (ref Protocol.Wire.ProtocolReader r) => ValidateResponse.Read(ref r).IsValid);
                Assert.Equal((response.RequestId - 1000) % 2 == 0, valid);
            }
        }

        Assert.Empty(expected);
    }

    [Fact]
    public async Task A_frame_delivered_one_byte_at_a_time_is_answered()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var frame = FrameStream.Ping(77);

        foreach (var b in frame)
        {
            await wire.SendAsync([b]);
        }

        var response = await wire.ReadAsync();
        Assert.Equal((77u, StatusCode.Ok), (response.RequestId, response.Status));
    }

    [Fact]
    public async Task A_frame_larger_than_the_transport_buffer_is_assembled_and_answered()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var schemaId = await RegisterAsync(wire, 2, "events.big", """{"type":"array","items":{"type":"integer"}}""");
        var document = Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat("12345", 600_000)) + "]");

        await wire.SendAsync(FrameStream.Validate(3, schemaId, document), FrameStream.Ping(4));

        // Responses may come in any order (docs/protocol.md, section 5): the first validation of a schema id after a
        // write re-reads its lifecycle states off the read loop, so the ping may overtake it.
        var responses = new[] { await wire.ReadAsync(), await wire.ReadAsync() }.OrderBy(r => r.RequestId).ToArray();
        var (validation, ping) = (responses[0], responses[1]);

        Assert.True(document.Length > 3 * 1024 * 1024);
        Assert.Equal((3u, StatusCode.Ok), (validation.RequestId, validation.Status));
        Assert.True(validation.Body(static (ref Protocol.Wire.ProtocolReader r) => ValidateResponse.Read(ref r).IsValid));
        Assert.Equal((4u, StatusCode.Ok), (ping.RequestId, ping.Status));
    }

    [Fact]
    public async Task A_payload_that_is_not_an_envelope_gets_malformed_frame_on_id_0_and_a_close_while_other_connections_keep_working()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var bad = await FrameStream.OpenAsync(server.BinaryEndpoint);
        await using var good = await FrameStream.OpenAsync(server.BinaryEndpoint);

        await bad.SendAsync(FrameStream.Frame([0xC1, 0xFF, 0x00]));
        var error = await bad.ReadAsync();

        Assert.Equal((0u, StatusCode.MalformedFrame), (error.RequestId, error.Status));
        Assert.True(await bad.ClosesAsync());
        await good.SendAsync(FrameStream.Ping(5));
        var pong = await good.ReadAsync();
        Assert.Equal((5u, StatusCode.Ok), (pong.RequestId, pong.Status));
    }

    [Fact]
    public async Task A_body_of_the_wrong_shape_is_answered_with_its_request_id_and_the_connection_continues()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var wrongShape = FrameStream.Encode((ref MessagePackWriter w) =>
        {
            RequestHeader.Write(ref w, 9, Opcode.GetSchemaById);
            w.Write("not an array");
        });
        var badValue = FrameStream.Encode((ref MessagePackWriter w) =>
        {
            RequestHeader.Write(ref w, 10, Opcode.GetSchemaById);
            w.WriteArrayHeader(1);
            w.Write(0);
        });

        await wire.SendAsync(wrongShape, badValue, FrameStream.Ping(11));

        var first = await wire.ReadAsync();
        var second = await wire.ReadAsync();
        var third = await wire.ReadAsync();
        Assert.Equal((9u, StatusCode.MalformedFrame), (first.RequestId, first.Status));
        Assert.Equal((10u, StatusCode.BadRequest), (second.RequestId, second.Status));
        Assert.Equal((11u, StatusCode.Ok), (third.RequestId, third.Status));
    }

    [Fact]
    public async Task An_unknown_opcode_is_answered_unknown_opcode_and_the_connection_continues()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var unknown = FrameStream.Encode((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(3);
            w.Write(21u);
            w.Write(99);
            w.WriteNil();
        });

        await wire.SendAsync(unknown, FrameStream.Ping(22));

        var first = await wire.ReadAsync();
        var second = await wire.ReadAsync();
        Assert.Equal((21u, StatusCode.UnknownOpcode), (first.RequestId, first.Status));
        Assert.Equal((22u, StatusCode.Ok), (second.RequestId, second.Status));
    }

    [Fact]
    public async Task Before_hello_only_ping_and_hello_are_served()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.ConnectAsync(server.BinaryEndpoint);

        await wire.SendAsync(FrameStream.GetSchemaById(1, 1), FrameStream.Ping(2));
        var refused = await wire.ReadAsync();
        var ping = await wire.ReadAsync();
        await wire.SendAsync(FrameStream.Request(3, new HelloRequest { ClientName = "late" }), FrameStream.GetSchemaById(4, 1));
        var hello = await wire.ReadAsync();
        var afterHello = await wire.ReadAsync();

        Assert.Equal((1u, StatusCode.HandshakeRequired), (refused.RequestId, refused.Status));
        Assert.Equal((2u, StatusCode.Ok), (ping.RequestId, ping.Status));
        Assert.Equal((3u, StatusCode.Ok), (hello.RequestId, hello.Status));
        Assert.Equal((4u, StatusCode.SchemaNotFound), (afterHello.RequestId, afterHello.Status));
    }

    [Fact]
    public async Task Hello_negotiates_the_version_and_announces_the_limits()
    {
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Registry:Binary:MaxFrameBytes"] = "65536",
            ["Registry:Binary:MaxInFlight"] = "32",
            ["Registry:Binary:IdleTimeout"] = "00:00:42",
        });
        await using var wire = await FrameStream.ConnectAsync(server.BinaryEndpoint);

        await wire.SendAsync(
            FrameStream.Request(1, new HelloRequest { MinVersion = ProtocolVersions.Max + 1, MaxVersion = ProtocolVersions.Max + 4 }),
            FrameStream.Request(2, new HelloRequest { MinVersion = 1, MaxVersion = 9, ClientName = "negotiator" }),
            FrameStream.Request(3, new HelloRequest()));
        var unsupported = await wire.ReadAsync();
        var accepted = await wire.ReadAsync();
        var second = await wire.ReadAsync();

        Assert.Equal((1u, StatusCode.UnsupportedVersion), (unsupported.RequestId, unsupported.Status));
        Assert.Equal((2u, StatusCode.Ok), (accepted.RequestId, accepted.Status));
        var hello = accepted.Body(static (ref Protocol.Wire.ProtocolReader r) => HelloResponse.Read(ref r));
        Assert.Equal((ProtocolVersions.Max, 65536, 32, TimeSpan.FromSeconds(42)), (hello.Version, hello.MaxFrameBytes, hello.MaxInFlight, hello.IdleTimeout));
        Assert.Equal((3u, StatusCode.BadRequest), (second.RequestId, second.Status));
    }

    [Fact]
    public async Task An_oversized_frame_closes_its_connection_after_the_earlier_answers_while_others_keep_working()
    {
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Registry:Binary:MaxFrameBytes"] = "4096" });
        await using var bad = await FrameStream.OpenAsync(server.BinaryEndpoint);
        await using var good = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var oversized = new byte[Frame.HeaderLength];
        Frame.WriteHeader(oversized, 4097);

        await bad.SendAsync(FrameStream.Ping(1), oversized);
        var earlier = await bad.ReadAsync();

        Assert.Equal((1u, StatusCode.Ok), (earlier.RequestId, earlier.Status));
        Assert.True(await bad.ClosesAsync());
        await good.SendAsync(FrameStream.Ping(2));
        Assert.Equal(2u, (await good.ReadAsync()).RequestId);
    }

    [Fact]
    public async Task A_response_above_the_frame_limit_is_answered_too_large()
    {
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Registry:Binary:MaxFrameBytes"] = "4096" });
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var schemaId = await RegisterAsync(wire, 2, "strings", """{"type":"array","items":{"type":"string"}}""");
        var document = Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat("1", 400)) + "]");

        await wire.SendAsync(FrameStream.Validate(3, schemaId, document, maxErrors: 1000), FrameStream.Validate(4, schemaId, document, maxErrors: 1));
        var responses = new Dictionary<uint, RawResponse>();
        for (var i = 0; i < 2; i++)
        {
            var r = await wire.ReadAsync();
            responses[r.RequestId] = r;
        }

        // Responses may come out of order (docs/protocol.md, section 5): match them by request id.
        var tooLarge = responses[3];
        var small = responses[4];
        Assert.Equal(StatusCode.TooLarge, tooLarge.Status);
        Assert.Equal(StatusCode.Ok, small.Status);
        Assert.Equal(1, small.Body(static (ref Protocol.Wire.ProtocolReader r) => ValidateResponse.Read(ref r).Errors.Count));
    }

    [Fact]
    public async Task A_register_pipelined_before_a_read_of_latest_is_seen_by_that_read()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var first = """{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}""";
        var second = """{"type":"object","properties":{"a":{"type":"string"}}}""";

        await wire.SendAsync(
            FrameStream.Request(1, Register("pipelined", first)),
            FrameStream.Request(2, new GetVersionRequest { Subject = "pipelined" }),
            FrameStream.Request(3, Register("pipelined", second)),
            FrameStream.Request(4, new GetVersionRequest { Subject = "pipelined" }));
        var responses = new Dictionary<uint, RawResponse>();
        for (var i = 0; i < 4; i++)
        {
            var r = await wire.ReadAsync();
            responses[r.RequestId] = r;
        }

        Assert.All(responses.Values, r => Assert.Equal(StatusCode.Ok, r.Status));
        Assert.Equal(1, responses[2].Body(static (ref Protocol.Wire.ProtocolReader r) => VersionResponse.Read(ref r)).Info.Version);
        Assert.Equal(2, responses[4].Body(static (ref Protocol.Wire.ProtocolReader r) => VersionResponse.Read(ref r)).Info.Version);
    }

    [Fact]
    public async Task A_connection_over_the_limit_gets_too_many_connections_and_a_close_and_a_freed_place_is_reused()
    {
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Registry:Binary:MaxConnections"] = "2" });
        await using var first = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var second = await FrameStream.OpenAsync(server.BinaryEndpoint);

        await using (var third = await FrameStream.ConnectAsync(server.BinaryEndpoint))
        {
            var refusal = await third.ReadAsync();
            Assert.Equal((0u, StatusCode.TooManyConnections), (refusal.RequestId, refusal.Status));
            Assert.True(await third.ClosesAsync());
        }

        await second.DisposeAsync();
        await using var fourth = await ConnectWhenAdmittedAsync(server);
        await fourth.SendAsync(FrameStream.Ping(8));
        var pong = await fourth.ReadAsync();
        Assert.Equal((8u, StatusCode.Ok), (pong.RequestId, pong.Status));
        await first.SendAsync(FrameStream.Ping(9));
        Assert.Equal(9u, (await first.ReadAsync()).RequestId);
    }

    [Fact]
    public async Task An_idle_connection_is_closed_after_the_idle_time_out()
    {
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Registry:Binary:IdleTimeout"] = "00:00:00.300" });
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);

        await wire.SendAsync(FrameStream.Ping(1));
        Assert.Equal(1u, (await wire.ReadAsync()).RequestId);

        Assert.True(await wire.ClosesAsync());
    }

    [Fact]
    public async Task A_connection_without_hello_is_closed_after_the_handshake_time_out()
    {
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Registry:Binary:HandshakeTimeout"] = "00:00:00.300" });
        await using var wire = await FrameStream.ConnectAsync(server.BinaryEndpoint);

        await wire.SendAsync(FrameStream.Ping(1));
        Assert.Equal(1u, (await wire.ReadAsync()).RequestId);

        Assert.True(await wire.ClosesAsync());
    }

    [Theory]
    [InlineData("Registry:Binary:MaxFrameBytes", "1024")]
    [InlineData("Registry:Binary:MaxInFlight", "0")]
    [InlineData("Registry:Binary:IdleTimeout", "00:00:00")]
    [InlineData("Registry:Binary:MaxConnections", "0")]
    public async Task An_out_of_range_binary_limit_stops_the_start_with_the_setting_named(string key, string value)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => InProcessServer.StartAsync(new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    internal static RegisterRequest Register(string subject, string schema) => new() { Subject = subject, Schema = Encoding.UTF8.GetBytes(schema) };

    internal static async Task<int> RegisterAsync(FrameStream wire, uint id, string subject, string schema)
    {
        await wire.SendAsync(FrameStream.Request(id, Register(subject, schema)));
        var response = await wire.ReadAsync();
        Assert.Equal(StatusCode.Ok, response.Status);
        return response.Body(static (ref Protocol.Wire.ProtocolReader r) => RegisterResponse.Read(ref r)).SchemaId;
    }

    /// <summary>The server counts a closed connection out once it has noticed the close; until then it refuses.</summary>
    private static async Task<FrameStream> ConnectWhenAdmittedAsync(InProcessServer server)
    {
        while (true)
        {
            var wire = await FrameStream.ConnectAsync(server.BinaryEndpoint);
            await wire.SendAsync(FrameStream.Request(1, new HelloRequest()));
            var response = await wire.ReadAsync();
            if (response.RequestId == 1)
            {
                return wire;
            }

            Assert.Equal(StatusCode.TooManyConnections, response.Status);
            await wire.DisposeAsync();
            await Task.Delay(20, Ct);
        }
    }
}
