using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;

namespace Registry.Confluent.Tests;

/// <summary>A secured server (keys and roles on), shared by <see cref="ConfluentAuthTests"/>.</summary>
public sealed class SecuredConfluentServer : IAsyncLifetime
{
    public const string AdminKey = "rk_0b0b0b0b0b0b0b0b.the-configured-admin-secret";

    public ConfluentServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await ConfluentServer.StartAsync(new Dictionary<string, string?>
    {
        ["Registry:Security:Enabled"] = "true",
        ["Registry:Security:BootstrapAdminKey"] = AdminKey,
        ["Registry:Security:RateLimit:FailedAuthenticationsPerMinute"] = "0",
    });

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A new key with <paramref name="role"/> and <paramref name="grants"/>, as <c>id:secret</c> (what <c>basic.auth.user.info</c> takes).</summary>
    public async Task<string> UserInfoAsync(string role, params string[] grants)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/keys")
        {
            Content = new StringContent(
                JsonSerializer.Serialize(new KeyRequest(role, grants), AuthTestJson.Default.KeyRequest), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await Server.Http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var key = JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!;
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        return key[..dot] + ":" + key[(dot + 1)..];
    }
}

/// <summary>
/// Confluent's own .NET client (Confluent.SchemaRegistry 2.14) against a registry with security on, authenticating
/// the way Kafka tooling does: <c>basic.auth.credentials.source=USER_INFO</c> with a key's id and secret.
/// </summary>
public sealed class ConfluentAuthTests(SecuredConfluentServer secured) : IClassFixture<SecuredConfluentServer>
{
    private const string Schema = """{"type":"object","properties":{"id":{"type":"integer"}}}""";

    private CachedSchemaRegistryClient Client(string? userInfo) => new(userInfo is null
        ? new SchemaRegistryConfig { Url = secured.Server.Url }
        : new SchemaRegistryConfig
        {
            Url = secured.Server.Url,
            BasicAuthCredentialsSource = AuthCredentialsSource.UserInfo,
            BasicAuthUserInfo = userInfo,
        });

    [Fact]
    public async Task A_service_key_lets_the_json_serializer_auto_register_on_its_granted_subjects_and_a_reader_deserialize()
    {
        var topic = $"payments.{Guid.NewGuid():N}";
        var context = new SerializationContext(MessageComponentType.Value, topic);
        using var producer = Client(await secured.UserInfoAsync("service", "payments.*"));
        var serializer = new JsonSerializer<Payment>(producer, new JsonSerializerConfig { AutoRegisterSchemas = true });

        var bytes = await serializer.SerializeAsync(new Payment { Id = "p-1", Cents = 250 }, context);

        using var reader = Client(await secured.UserInfoAsync("reader"));
        var latest = await reader.GetLatestSchemaAsync($"{topic}-value");
        Assert.Contains("Payment", latest.SchemaString, StringComparison.Ordinal);
        var deserializer = new JsonDeserializer<Payment>(reader, new JsonDeserializerConfig());
        var read = await deserializer.DeserializeAsync(bytes, isNull: false, context);
        Assert.Equal(("p-1", 250), (read.Id, read.Cents));
    }

    [Fact]
    public async Task A_service_key_cannot_register_outside_its_grant_and_the_client_sees_40301()
    {
        using var client = Client(await secured.UserInfoAsync("service", "payments.*"));

        var e = await Assert.ThrowsAsync<SchemaRegistryException>(() =>
            client.RegisterSchemaAsync($"inventory.{Guid.NewGuid():N}-value", new Schema(Schema, SchemaType.Json)));

        Assert.Equal((HttpStatusCode.Forbidden, 40301), (e.Status, e.ErrorCode));
    }

    [Fact]
    public async Task A_grant_on_a_context_prefix_covers_the_subjects_of_that_context_only()
    {
        // Context-qualified names (:.ctx:subject) are subject names here, so a grant on ':.payments:*' is a context grant.
        using var client = Client(await secured.UserInfoAsync("service", ":.payments:*"));
        var name = Guid.NewGuid().ToString("N");

        var id = await client.RegisterSchemaAsync($":.payments:{name}-value", new Schema(Schema, SchemaType.Json));
        var e = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.RegisterSchemaAsync($":.billing:{name}-value", new Schema(Schema, SchemaType.Json)));

        Assert.True(id > 0);
        Assert.Equal((HttpStatusCode.Forbidden, 40301), (e.Status, e.ErrorCode));
    }

    [Fact]
    public async Task A_reader_key_reads_and_cannot_register()
    {
        var subject = $"catalog.{Guid.NewGuid():N}";
        using var admin = Client(SecuredConfluentServer.AdminKey.Replace('.', ':'));
        var id = await admin.RegisterSchemaAsync(subject, new Schema(Schema, SchemaType.Json));
        using var reader = Client(await secured.UserInfoAsync("reader"));

        Assert.Equal(Schema, (await reader.GetSchemaAsync(id)).SchemaString);
        Assert.Contains(subject, await reader.GetAllSubjectsAsync());
        var e = await Assert.ThrowsAsync<SchemaRegistryException>(() => reader.RegisterSchemaAsync(subject, new Schema(Schema.Replace("integer", "string", StringComparison.Ordinal), SchemaType.Json)));
        Assert.Equal((HttpStatusCode.Forbidden, 40301), (e.Status, e.ErrorCode));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("rk_0b0b0b0b0b0b0b0b:not-the-secret")]
    [InlineData("someone:password")]
    public async Task Missing_or_wrong_credentials_are_40101(string? userInfo)
    {
        using var client = Client(userInfo);

        var e = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.GetAllSubjectsAsync());

        Assert.Equal((HttpStatusCode.Unauthorized, 40101), (e.Status, e.ErrorCode));
    }

    /// <summary>A message type the serializer derives its schema from.</summary>
    public sealed record Payment
    {
        public string Id { get; init; } = "";

        public int Cents { get; init; }
    }
}

public sealed record KeyRequest(string Role, string[] Grants);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(KeyRequest))]
internal sealed partial class AuthTestJson : System.Text.Json.Serialization.JsonSerializerContext;
