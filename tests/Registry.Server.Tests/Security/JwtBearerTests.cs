using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Registry.Protocol;
using Registry.Protocol.Messages;
using Registry.Server.Tests.Binary;
using Registry.Testing;

namespace Registry.Server.Tests.Security;

/// <summary>JWT bearer tokens on the HTTP API and in HELLO, with a JWKS file from configuration.</summary>
public sealed class JwtBearerTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _folder = new("jwt");
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private InProcessServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var q = _key.ExportParameters(false).Q;
        var jwks = _folder.File("jwks.json");
        await File.WriteAllTextAsync(jwks, $$"""{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","x":"{{Base64Url.EncodeToString(q.X)}}","y":"{{Base64Url.EncodeToString(q.Y)}}"}]}""", Ct);
        _server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Registry:Security:Enabled"] = "true",
            ["Registry:Security:BootstrapAdminKey"] = SecuredServer.AdminKey,
            ["Registry:Security:Jwt:JwksFile"] = jwks,
            ["Registry:Security:Jwt:Issuers:0"] = "https://idp.example",
            ["Registry:Security:Jwt:Audiences:0"] = "schema-registry",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _key.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_token_with_a_developer_role_registers_on_its_grant_and_is_refused_elsewhere()
    {
        var token = Token("developer", DateTimeOffset.UtcNow.AddMinutes(5));

        var granted = await SendAsync(token, "/v1/subjects/orders.created/versions");
        var other = await SendAsync(token, "/v1/subjects/payments.created/versions");
        var expired = await SendAsync(Token("developer", DateTimeOffset.UtcNow.AddMinutes(-5)), "/v1/subjects/orders.created/versions");

        Assert.Equal(HttpStatusCode.Created, granted);
        Assert.Equal(HttpStatusCode.Forbidden, other);
        Assert.Equal(HttpStatusCode.Unauthorized, expired);
    }

    [Fact]
    public async Task A_token_authenticates_a_binary_connection_in_hello()
    {
        await using var stream = await FrameStream.ConnectAsync(_server.BinaryEndpoint);
        await stream.SendAsync(FrameStream.Request(1, new HelloRequest
        {
            Credentials = new Credentials("bearer", Encoding.UTF8.GetBytes(Token("reader", DateTimeOffset.UtcNow.AddMinutes(5)))),
        }));
        Assert.Equal(StatusCode.Ok, (await stream.ReadAsync()).Status);

        await stream.SendAsync(FrameStream.Request(2, new SetConfigRequest { Level = CompatibilityLevel.None }));

        Assert.Equal(StatusCode.Forbidden, (await stream.ReadAsync()).Status);
    }

    private async Task<HttpStatusCode> SendAsync(string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("""{"schema":{"type":"string"}}""", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _server.Http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    private string Token(string role, DateTimeOffset expires)
    {
        var header = Base64Url.EncodeToString("""{"alg":"ES256","kid":"k1"}"""u8);
        var claims = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            $$"""{"iss":"https://idp.example","aud":"schema-registry","sub":"team-orders","exp":{{expires.ToUnixTimeSeconds()}},"registry_role":"{{role}}","registry_grants":["orders.*"]}"""));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(header + "." + claims), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return header + "." + claims + "." + Base64Url.EncodeToString(signature);
    }
}
