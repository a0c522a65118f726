using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Registry.Confluent.Tests;

/// <summary>
/// Input that once reached a 500 on the Confluent API (issue 13, finding 9): a lone surrogate escape in a schema or a
/// body, and a chunk size that overflows. Each is the client's fault: a 4xx in Confluent's error shape.
/// </summary>
public sealed class MalformedInputStatusTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string Schema = """{"type":"object","properties":{"id":{"type":"string"}}}""";

    // The schema text holds the six characters \ud800: a JSON escape of a lone surrogate.
    private const string LoneSurrogateSchema = """{"type":"object","properties":{"id":{"const":"\ud800"}}}""";

    private HttpClient Http => shared.Server.Http;

    private static string Subject(string name) => $"{name}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Registering_a_schema_with_a_lone_surrogate_escape_is_42201()
    {
        var response = await Http.PostRawAsync($"/subjects/{Subject("surrogate")}/versions", RawHttp.SchemaBody(LoneSurrogateSchema));

        response.AssertError(42201);
    }

    [Fact]
    public async Task Checking_a_schema_with_a_lone_surrogate_escape_is_42201_or_an_incompatible_verdict_when_verbose()
    {
        var subject = Subject("surrogate-compat");
        await Http.RegisterAsync(subject, Schema);

        var plain = await Http.PostRawAsync($"/compatibility/subjects/{subject}/versions/latest", RawHttp.SchemaBody(LoneSurrogateSchema));
        var verbose = await Http.PostRawAsync($"/compatibility/subjects/{subject}/versions?verbose=true", RawHttp.SchemaBody(LoneSurrogateSchema));

        plain.AssertError(42201);
        Assert.Equal(HttpStatusCode.OK, verbose.Status);
        Assert.False(verbose.Json.GetProperty("is_compatible").GetBoolean());
    }

    [Fact]
    public async Task A_body_whose_own_strings_hold_a_lone_surrogate_escape_is_400()
    {
        var response = await Http.PostRawAsync($"/subjects/{Subject("surrogate-body")}/versions", """{"schemaType":"JSON","schema":"\ud800"}""");

        response.AssertError(400);
    }

    [Fact]
    public async Task A_chunk_size_that_overflows_is_400_not_500()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(new Uri(shared.Server.Url).Host, new Uri(shared.Server.Url).Port, RawHttp.Ct);
        var stream = client.GetStream();
        var request = $"POST /subjects/{Subject("chunked")}/versions HTTP/1.1\r\nHost: registry\r\nContent-Type: {RawHttp.V1}\r\n"
            + "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), RawHttp.Ct);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync(RawHttp.Ct);

        Assert.NotNull(statusLine);
        Assert.Equal("400", statusLine.Split(' ')[1]);
    }
}
