using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Registry.Engine.Security;

namespace Registry.Server.Tests.Security;

/// <summary>Who calls, in the authorisation matrix.</summary>
public enum Caller
{
    NoCredentials,
    BadCredentials,
    ExpiredKey,
    RevokedKey,
    Reader,
    Service,
    DeveloperOnGrantedSubject,
    DeveloperOnOtherSubject,
    Admin,
}

/// <summary>
/// A server with security on, a configured admin key, and one key per <see cref="Caller"/>: service and the first
/// developer are granted <c>granted.*</c>, the other developer <c>other.*</c>; the subject used everywhere is
/// <see cref="Subject"/>.
/// </summary>
public sealed class SecuredServer : IAsyncLifetime
{
    public const string Subject = "granted.orders";
    public const string AdminKey = "rk_0a0a0a0a0a0a0a0a.the-configured-admin-secret";
    public const string Schema = """{"type":"object","properties":{"id":{"type":"integer"}}}""";

    private readonly Dictionary<Caller, string?> _keys = [];

    public InProcessServer Server { get; private set; } = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Registry:Security:Enabled"] = "true",
            ["Registry:Security:BootstrapAdminKey"] = AdminKey,

            // The matrix fails authentication hundreds of times from one address on purpose.
            ["Registry:Security:RateLimit:FailedAuthenticationsPerMinute"] = "0",
        });
        _keys[Caller.NoCredentials] = null;
        _keys[Caller.BadCredentials] = "rk_0a0a0a0a0a0a0a0a.not-the-secret";
        _keys[Caller.Admin] = AdminKey;
        _keys[Caller.Reader] = await CreateKeyAsync("reader", []);
        _keys[Caller.Service] = await CreateKeyAsync("service", ["granted.*"]);
        _keys[Caller.DeveloperOnGrantedSubject] = await CreateKeyAsync("developer", ["granted.*"]);
        _keys[Caller.DeveloperOnOtherSubject] = await CreateKeyAsync("developer", ["other.*"]);
        var revoked = await CreateKeyAsync("reader", []);
        var (status, _) = await SendAsync(Caller.Admin, HttpMethod.Delete, "/v1/keys/" + revoked[..revoked.IndexOf('.', StringComparison.Ordinal)]);
        Assert.Equal(HttpStatusCode.OK, status);
        _keys[Caller.RevokedKey] = revoked;

        // An expired key cannot be made through the API (the expiry must be in the future): store one directly.
        var (id, secret) = ApiKeyFormat.Generate();
        var salt = ApiKeyFormat.NewSalt();
        await Server.Services.GetRequiredService<ISecurityStore>().AddKeyAsync(new ApiKeyRecord
        {
            KeyId = id,
            Role = Role.Admin,
            Grants = [],
            Salt = salt,
            SecretHash = ApiKeyFormat.Hash(salt, secret),
            CreatedAt = DateTimeOffset.UtcNow.AddDays(-2),
            ExpiresAt = DateTimeOffset.UtcNow.AddDays(-1),
        }, Ct);
        _keys[Caller.ExpiredKey] = id + "." + secret;
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    public string? KeyOf(Caller caller) => _keys[caller];

    /// <summary>Registers <see cref="Schema"/> (or another) under <see cref="Subject"/> as admin, so that reads find something.</summary>
    public async Task SeedAsync(string schema = Schema)
    {
        var (status, body) = await SendAsync(Caller.Admin, HttpMethod.Post, $"/v1/subjects/{Subject}/versions", $$"""{"schema":{{schema}}}""");
        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Created, $"seeding answered {(int)status}: {body}");
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(
        Caller caller, HttpMethod method, string path, string? json = null, string contentType = "application/json", bool basic = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (KeyOf(caller) is { } key)
        {
            request.Headers.Authorization = basic
                ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key.Replace('.', ':'))))
                : new AuthenticationHeaderValue("Bearer", key);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await Server.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        JsonElement body = default;
        if (text.Length > 0 && text[0] is '{' or '[')
        {
            try
            {
                body = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException)
            {
                // Newline-delimited JSON (the backup export): not an error body.
            }
        }

        return (response.StatusCode, body);
    }

    private async Task<string> CreateKeyAsync(string role, string[] grants)
    {
        var (status, body) = await SendAsync(Caller.Admin, HttpMethod.Post, "/v1/keys",
            $$"""{"role":"{{role}}","grants":[{{string.Join(',', grants.Select(g => "\"" + g + "\""))}}]}""");
        Assert.True(status == HttpStatusCode.Created, $"key creation answered {(int)status}: {body}");
        return body.GetProperty("key").GetString()!;
    }
}
