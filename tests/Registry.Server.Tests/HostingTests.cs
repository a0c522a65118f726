using System.Buffers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using MessagePack;
using Registry.Protocol.Framing;
using Registry.Server.Hosting;

namespace Registry.Server.Tests;

public sealed class HostingTests
{
    [Fact]
    public async Task Health_answers_ok_over_http()
    {
        await using var server = await InProcessServer.StartAsync();

        using var response = await server.Http.GetAsync("/health", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Settings_beside_the_binary_are_read_whatever_the_working_directory()
    {
        await using var app = RegistryServer.Create([]);

        Assert.Equal(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), Path.TrimEndingDirectorySeparator(app.Environment.ContentRootPath));
        Assert.True(File.Exists(Path.Combine(app.Environment.ContentRootPath, "appsettings.json")));
        Assert.Equal("127.0.0.1:9091", app.Configuration["Registry:Listen:Binary"]);
    }

    [Fact]
    public void Cache_lifetimes_longer_than_the_staleness_bound_stop_the_server_with_the_settings_named()
    {
        var options = new CacheOptions();
        options.Redis.Configuration = "127.0.0.1:1";
        options.Validate(); // the defaults: 2 s in memory + 3 s in Redis, within 5 s

        options.Memory.FactTtl = TimeSpan.FromSeconds(5);
        var error = Assert.Throws<InvalidOperationException>(options.Validate);
        Assert.Contains("Registry:Cache:Memory:FactTtl", error.Message, StringComparison.Ordinal);
        Assert.Contains("Registry:Cache:MaxStaleness", error.Message, StringComparison.Ordinal);

        options.MaxStaleness = TimeSpan.FromSeconds(8);
        options.Validate();
        options.Redis.Configuration = string.Empty;
        options.MaxStaleness = TimeSpan.FromSeconds(1);
        options.Validate(); // no Redis: nothing mutable is shared, nothing to bound
    }

    [Fact]
    public async Task Unknown_http_path_is_404()
    {
        await using var server = await InProcessServer.StartAsync();

        using var response = await server.Http.GetAsync("/no-such-thing", TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Binary_listener_answers_a_ping_with_the_request_id()
    {
        await using var server = await InProcessServer.StartAsync();
        using var client = new TcpClient();
        await client.ConnectAsync(server.BinaryEndpoint, TestContext.Current.CancellationToken);
        var stream = client.GetStream();

        await stream.WriteAsync(EncodeRequest(requestId: 42, opcode: 0), TestContext.Current.CancellationToken);
        var (id, status) = await ReadResponseAsync(stream);

        Assert.Equal(42, id);
        Assert.Equal(0, status);
    }

    [Fact]
    public async Task Binary_listener_closes_the_connection_on_an_oversized_frame()
    {
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Registry:Binary:MaxFrameBytes"] = "4096",
        });
        using var client = new TcpClient();
        await client.ConnectAsync(server.BinaryEndpoint, TestContext.Current.CancellationToken);
        var stream = client.GetStream();
        var header = new byte[Frame.HeaderLength];
        Frame.WriteHeader(header, 4097);

        await stream.WriteAsync(header, TestContext.Current.CancellationToken);
        var read = await stream.ReadAsync(new byte[16], TestContext.Current.CancellationToken);

        Assert.Equal(0, read);

        // Other connections are unaffected.
        using var other = new TcpClient();
        await other.ConnectAsync(server.BinaryEndpoint, TestContext.Current.CancellationToken);
        await other.GetStream().WriteAsync(EncodeRequest(7, 0), TestContext.Current.CancellationToken);
        Assert.Equal((7L, 0), await ReadResponseAsync(other.GetStream()));
    }

    internal static byte[] EncodeRequest(long requestId, int opcode)
    {
        var body = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(body);
        writer.WriteArrayHeader(3);
        writer.Write(requestId);
        writer.Write(opcode);
        writer.WriteNil();
        writer.Flush();
        var frame = new byte[Frame.HeaderLength + body.WrittenCount];
        Frame.WriteHeader(frame, body.WrittenCount);
        body.WrittenSpan.CopyTo(frame.AsSpan(Frame.HeaderLength));
        return frame;
    }

    internal static async Task<(long Id, int Status)> ReadResponseAsync(Stream stream)
    {
        var header = new byte[Frame.HeaderLength];
        await stream.ReadExactlyAsync(header, TestContext.Current.CancellationToken);
        var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header);
        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, TestContext.Current.CancellationToken);
        var reader = new MessagePackReader(payload);
        Assert.Equal(3, reader.ReadArrayHeader());
        return (reader.ReadInt64(), reader.ReadInt32());
    }
}
