using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Registry.Protocol;
using Registry.Protocol.Messages;
using Registry.Server.Tests.Binary;

namespace Registry.Server.Tests.Security;

/// <summary>Budgets per principal (reads and writes apart) and of failed authentications per address.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private const string Admin = SecuredServer.AdminKey;
    private InProcessServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await InProcessServer.StartAsync(new Dictionary<string, string?>
    {
        ["Registry:Security:Enabled"] = "true",
        ["Registry:Security:BootstrapAdminKey"] = Admin,
        ["Registry:Security:RateLimit:ReadsPerSecond"] = "1",
        ["Registry:Security:RateLimit:ReadBurst"] = "3",
        ["Registry:Security:RateLimit:WritesPerSecond"] = "1",
        ["Registry:Security:RateLimit:WriteBurst"] = "20",
        ["Registry:Security:RateLimit:FailedAuthenticationsPerMinute"] = "3",
    });

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_principal_over_its_read_budget_gets_429_with_retry_after_and_others_are_unaffected()
    {
        var other = await CreateKeyAsync();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var response = await SendAsync(Admin, HttpMethod.Get, "/v1/subjects");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= 3, string.Join(",", statuses));
            Assert.InRange(limited.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 2);
            Assert.Contains("rate_limited", await limited.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using var confluent = await SendAsync(Admin, HttpMethod.Get, "/subjects");
        Assert.Equal(HttpStatusCode.TooManyRequests, confluent.StatusCode);
        Assert.Contains("42901", await confluent.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var otherPrincipal = await SendAsync(other, HttpMethod.Get, "/v1/subjects");
        Assert.Equal(HttpStatusCode.OK, otherPrincipal.StatusCode);
    }

    [Fact]
    public async Task Writes_have_their_own_budget_so_a_reader_at_its_limit_can_still_write()
    {
        for (var i = 0; i < 6; i++)
        {
            (await SendAsync(Admin, HttpMethod.Get, "/v1/config")).Dispose();
        }

        using var read = await SendAsync(Admin, HttpMethod.Get, "/v1/config");
        using var write = await SendAsync(Admin, HttpMethod.Put, "/v1/config", """{"compatibility":"FULL"}""");

        Assert.Equal(HttpStatusCode.TooManyRequests, read.StatusCode);
        Assert.Equal(HttpStatusCode.OK, write.StatusCode);
    }

    [Fact]
    public async Task Repeated_failed_authentications_from_one_address_are_refused_even_with_a_good_key_later()
    {
        for (var i = 0; i < 3; i++)
        {
            using var failed = await SendAsync("rk_0a0a0a0a0a0a0a0a.wrong-secret-" + i, HttpMethod.Get, "/v1/subjects");
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var http = await SendAsync(Admin, HttpMethod.Get, "/v1/config/any");
        await using var stream = await FrameStream.ConnectAsync(_server.BinaryEndpoint);
        await stream.SendAsync(FrameStream.Request(1, new HelloRequest { Credentials = new Credentials("bearer", Encoding.UTF8.GetBytes(Admin)) }));

        Assert.Equal(HttpStatusCode.TooManyRequests, http.StatusCode);
        Assert.Equal(StatusCode.RateLimited, (await stream.ReadAsync()).Status);
    }

    private async Task<HttpResponseMessage> SendAsync(string key, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await _server.Http.SendAsync(request, Ct);
    }

    private async Task<string> CreateKeyAsync()
    {
        using var response = await SendAsync(Admin, HttpMethod.Post, "/v1/keys", """{"role":"reader"}""");
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return body.RootElement.GetProperty("key").GetString()!;
    }
}
