using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Registry.Server.Hosting;

namespace Registry.Server.Tests.Security;

/// <summary>JWT signing keys fetched from an issuer's JWKS URL: at start, after a key rotation, and when the issuer is down.</summary>
public sealed class JwksUrlTests : IAsyncLifetime
{
    private readonly ECDsa _first = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _second = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private WebApplication _issuer = null!;
    private volatile string _published = "";
    private volatile int _status = 200;
    private string _url = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _published = Jwks(("k1", _first));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _issuer = builder.Build();
        _issuer.MapGet("/.well-known/jwks.json", (HttpContext context) =>
        {
            context.Response.StatusCode = _status;
            return context.Response.WriteAsync(_status == 200 ? _published : "unavailable", context.RequestAborted);
        });
        await _issuer.StartAsync(Ct);
        _url = _issuer.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/.well-known/jwks.json";
    }

    public async ValueTask DisposeAsync()
    {
        await _issuer.DisposeAsync();
        _first.Dispose();
        _second.Dispose();
    }

    [Fact]
    public async Task Keys_fetched_at_start_verify_tokens_and_a_rotated_key_is_fetched_when_a_token_names_it()
    {
        await using var server = await StartAsync();
        Assert.Equal(HttpStatusCode.OK, await SendAsync(server, Token(_first, "k1")));

        // The issuer rotates: it publishes k2 and signs with it. The first token naming k2 wakes a refetch.
        _published = Jwks(("k1", _first), ("k2", _second));
        var rotated = Token(_second, "k2");
        var status = await SendAsync(server, rotated);
        var clock = Stopwatch.StartNew();
        while (status != HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100, Ct);
            status = await SendAsync(server, rotated);
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, await SendAsync(server, Token(_first, "k1")));
    }

    [Fact]
    public async Task While_the_issuer_is_down_tokens_are_refused_with_a_reason_api_keys_still_work_and_the_keys_arrive_once_it_is_back()
    {
        _status = 503;
        await using var server = await StartAsync();

        using (var refused = await RequestAsync(server, Token(_first, "k1")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("No signing keys have been loaded yet", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using (var keyed = await RequestAsync(server, SecuredServer.AdminKey))
        {
            Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
        }

        _status = 200;
        var refresher = server.Services.GetRequiredService<JwksRefresher>();
        var clock = Stopwatch.StartNew();
        var status = HttpStatusCode.Unauthorized;
        while (status != HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100, Ct);
            status = await SendAsync(server, Token(_first, "k1"));
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(refresher.Fetches >= 2, $"{refresher.Fetches} fetches");
    }

    [Fact]
    public async Task A_document_that_is_not_a_key_set_leaves_the_keys_in_use()
    {
        await using var server = await StartAsync();
        var refresher = server.Services.GetRequiredService<JwksRefresher>();

        _published = """{"keys":"none"}""";
        Assert.False(await refresher.RefreshAsync(Ct));
        _published = "<html>";
        Assert.False(await refresher.RefreshAsync(Ct));
        _published = """{"keys":[{"kty":"EC","crv":"P-256","kid":"bad","x":"!!not base64!!","y":"??"}]}""";
        Assert.False(await refresher.RefreshAsync(Ct));
        _published = """{"keys":[{"kty":"RSA","kid":"bad","n":"AQAB","e":"AQAB"}]}""";
        Assert.False(await refresher.RefreshAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, await SendAsync(server, Token(_first, "k1")));
    }

    [Theory]
    [InlineData("http://idp.example/jwks.json", "use https")]
    [InlineData("ftp://127.0.0.1/jwks.json", "not an http(s) URL")]
    [InlineData("jwks.json", "not an http(s) URL")]
    public void A_url_that_could_be_tampered_with_or_is_not_http_is_refused_at_start(string url, string message)
    {
        var e = Assert.Throws<InvalidOperationException>(() => JwksRefresher.CheckUrl(url));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_and_a_url_together_are_refused()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => InProcessServer.StartAsync(Settings(new() { ["Registry:Security:Jwt:JwksFile"] = "/tmp/jwks.json" })));

        Assert.Contains("JwksFile or JwksUrl, not both", e.ToString(), StringComparison.Ordinal);
    }

    private Task<InProcessServer> StartAsync() => InProcessServer.StartAsync(Settings([]));

    private Dictionary<string, string?> Settings(Dictionary<string, string?> extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Registry:Security:Enabled"] = "true",
            ["Registry:Security:BootstrapAdminKey"] = SecuredServer.AdminKey,
            ["Registry:Security:Jwt:JwksUrl"] = _url,
            ["Registry:Security:Jwt:JwksMinRefetch"] = "00:00:00.200",
            ["Registry:Security:Jwt:Issuers:0"] = "https://idp.example",
            ["Registry:Security:Jwt:Audiences:0"] = "schema-registry",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static async Task<HttpStatusCode> SendAsync(InProcessServer server, string token)
    {
        using var response = await RequestAsync(server, token);
        return response.StatusCode;
    }

    private static Task<HttpResponseMessage> RequestAsync(InProcessServer server, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/subjects");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return server.Http.SendAsync(request, Ct);
    }

    private static string Jwks(params (string Kid, ECDsa Key)[] keys) =>
        "{\"keys\":[" + string.Join(',', keys.Select(k =>
        {
            var q = k.Key.ExportParameters(false).Q;
            return $$"""{"kty":"EC","crv":"P-256","kid":"{{k.Kid}}","x":"{{Base64Url.EncodeToString(q.X)}}","y":"{{Base64Url.EncodeToString(q.Y)}}"}""";
        })) + "]}";

    private static string Token(ECDsa key, string kid)
    {
        var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"alg":"ES256","kid":"{{kid}}"}"""));
        var claims = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            $$"""{"iss":"https://idp.example","aud":"schema-registry","sub":"ci","exp":{{DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds()}},"registry_role":"reader"}"""));
        var signature = key.SignData(Encoding.ASCII.GetBytes(header + "." + claims), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return header + "." + claims + "." + Base64Url.EncodeToString(signature);
    }
}
