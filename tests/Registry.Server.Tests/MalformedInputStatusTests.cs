using System.Net;
using System.Net.Sockets;
using System.Text;
using MessagePack;
using Registry.Protocol;
using Registry.Protocol.Messages;
using Registry.Server.Tests.Binary;
using static Registry.Server.Tests.ApiClient;
using P = Registry.Protocol.Messages;

namespace Registry.Server.Tests;

/// <summary>
/// Input that once reached a 500 or was answered as something it is not (issue 13, finding 9): a lone surrogate
/// escape in a document, a chunk size that overflows, a request id of 0.
/// </summary>
public sealed class MalformedInputStatusTests : IAsyncLifetime
{
    private const string Schema = """{"type":"object","properties":{"name":{"type":"string"}}}""";

    private InProcessServer _server = null!;
    private int _schemaId;

    private HttpClient Http => _server.Http;

    public async ValueTask InitializeAsync()
    {
        _server = await InProcessServer.StartAsync();
        _schemaId = (await Http.RegisterAsync("people", Schema)).GetProperty("id").GetInt32();
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string> LoneSurrogates => new()
    {
        """{"name":"\ud800"}""",
        """{"name":"\udc00"}""",
        """{"name":"a\ud800\u0041"}""",
        """{"\ud800":1}""",
        "\"\\uDBFF\"",
    };

    [Theory]
    [MemberData(nameof(LoneSurrogates))]
    public async Task A_document_with_a_lone_surrogate_escape_is_400_malformed_on_every_native_validation_path(string document)
    {
        foreach (var path in new[] { $"/v1/schemas/{_schemaId}/validate", "/v1/subjects/people/versions/latest/validate" })
        {
            var (status, body) = await Http.PostJsonAsync(path, document);

            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("malformed_document", body.ErrorCode());
        }
    }

    [Fact]
    public async Task In_a_batch_only_the_document_with_a_lone_surrogate_is_reported_malformed()
    {
        const string Batch = """[{"name":"ok"},{"name":"\ud800"},{"name":7}]""";
        foreach (var path in new[] { $"/v1/schemas/{_schemaId}/validate/batch", "/v1/subjects/people/versions/latest/validate/batch" })
        {
            var (status, body) = await Http.PostJsonAsync(path, Batch);

            Assert.Equal(HttpStatusCode.OK, status);
            var outcomes = body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("outcome").GetString()).ToArray();
            Assert.Equal(["valid", "malformed_json", "invalid"], outcomes);
        }
    }

    [Fact]
    public async Task A_valid_surrogate_pair_escape_still_validates()
    {
        var (status, body) = await Http.PostJsonAsync($"/v1/schemas/{_schemaId}/validate", """{"name":"\ud83d\ude00"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task A_schema_with_a_lone_surrogate_escape_is_refused_as_invalid_not_a_server_error()
    {
        var (status, body) = await Http.PostJsonAsync("/v1/subjects/surrogate/versions", """{"schema":{"type":"string","const":"\ud800"}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("invalid_schema", body.ErrorCode());
    }

    [Fact]
    public async Task A_document_with_a_lone_surrogate_escape_is_a_malformed_verdict_over_the_binary_protocol()
    {
        await using var wire = await FrameStream.OpenAsync(_server.BinaryEndpoint);
        var document = """{"name":"\ud800"}"""u8.ToArray();

        // Warm by id (answered on the read loop) and by version (answered by the engine).
        await wire.SendAsync(
            FrameStream.Validate(10, _schemaId, document, maxErrors: 5),
            FrameStream.Encode((ref MessagePackWriter w) =>
            {
                RequestHeader.Write(ref w, 11, Opcode.Validate);
                ValidateRequest.WriteForSubject(ref w, "people", -1, 5, document);
            }));
        for (var i = 0; i < 2; i++)
        {
            var response = await wire.ReadAsync();
            Assert.Equal(StatusCode.Ok, response.Status);
            Assert.Equal(P.ValidationOutcome.MalformedJson, response.Body(static (ref Protocol.Wire.ProtocolReader r) => ValidateResponse.Read(ref r).Outcome));
        }
    }

    [Fact]
    public async Task In_a_binary_batch_only_the_document_with_a_lone_surrogate_is_reported_malformed()
    {
        await using var wire = await FrameStream.OpenAsync(_server.BinaryEndpoint);
        byte[][] documents = ["""{"name":"ok"}"""u8.ToArray(), """{"name":"\ud800"}"""u8.ToArray(), """{"name":7}"""u8.ToArray()];
        await wire.SendAsync(
            FrameStream.Encode((ref MessagePackWriter w) =>
            {
                RequestHeader.Write(ref w, 20, Opcode.ValidateBatch);
                ValidateBatchRequest.WriteForSchemaId(ref w, _schemaId, 0, documents.Length);
                foreach (var d in documents)
                {
                    ValidateBatchRequest.WriteDocument(ref w, d);
                }
            }),
            FrameStream.Encode((ref MessagePackWriter w) =>
            {
                RequestHeader.Write(ref w, 21, Opcode.ValidateBatch);
                ValidateBatchRequest.WriteForSubject(ref w, "people", -1, 0, documents.Length);
                foreach (var d in documents)
                {
                    ValidateBatchRequest.WriteDocument(ref w, d);
                }
            }));
        for (var i = 0; i < 2; i++)
        {
            var response = await wire.ReadAsync();
            Assert.Equal(StatusCode.Ok, response.Status);
            var outcomes = response.Body(static (ref Protocol.Wire.ProtocolReader r) =>
            {
                var list = new List<P.ValidationOutcome>();
                foreach (var result in ValidateBatchResponse.Read(ref r).Results)
                {
                    list.Add(result.Outcome);
                }

                return list;
            });
            Assert.Equal([P.ValidationOutcome.Valid, P.ValidationOutcome.MalformedJson, P.ValidationOutcome.Invalid], outcomes);
        }
    }

    [Theory]
    [InlineData("/v1/schemas/{0}/validate")]
    [InlineData("/v1/subjects/people/versions")]
    public async Task A_chunk_size_that_overflows_is_400_not_500(string pathFormat)
    {
        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, pathFormat, _schemaId);
        var status = await SendRawAsync(
            $"POST {path} HTTP/1.1\r\nHost: registry\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\n{{}}\r\n0\r\n\r\n");

        Assert.Equal(400, status);
        using var health = await Http.GetAsync("/health", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_request_with_id_0_is_refused_as_a_connection_error_and_the_connection_closed()
    {
        await using var wire = await FrameStream.OpenAsync(_server.BinaryEndpoint);

        await wire.SendAsync(FrameStream.Ping(0));
        var refusal = await wire.ReadAsync();

        Assert.Equal((0u, StatusCode.MalformedFrame), (refusal.RequestId, refusal.Status));
        Assert.Contains("reserved", refusal.ErrorMessage, StringComparison.Ordinal);
        Assert.True(await wire.ClosesAsync());
    }

    /// <summary>Sends raw bytes to the HTTP listener and returns the status code of the response.</summary>
    private async Task<int> SendRawAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_server.HttpEndpoint, Ct);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), Ct);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync(Ct);
        Assert.NotNull(statusLine);
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
