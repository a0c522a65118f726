using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using static Registry.Server.Tests.ApiClient;

namespace Registry.Server.Tests;

/// <summary><c>GET /v1/export</c> and <c>POST /v1/import</c> over real HTTP.</summary>
public sealed class BackupEndpointTests
{
    private static async Task<byte[]> PopulatedBackupAsync(InProcessServer server)
    {
        await server.Http.RegisterAsync("address", """{"type":"object","properties":{"city":{"type":"string"}}}""");
        await server.Http.RegisterAsync("order", """{"type":"object","properties":{"to":{"$ref":"address.json"}}}""",
            """, "references":[{"name":"address.json","subject":"address","version":1}], "metadata":{"owner":"shop"}, "semver":"1.0.0" """);
        await server.Http.PutJsonAsync("/v1/subjects/order/versions/1/state", """{"state":"DEPRECATED","reason":"old"}""");
        await server.Http.PutJsonAsync("/v1/config/order", """{"compatibility":"NONE"}""");
        using var response = await server.Http.GetAsync("/v1/export", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        return await response.Content.ReadAsByteArrayAsync(Ct);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ImportAsync(InProcessServer server, byte[] backup, string query = "", string contentType = "application/x-ndjson")
    {
        using var content = new ByteArrayContent(backup);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await server.Http.PostAsync("/v1/import" + query, content, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, JsonDocument.Parse(body).RootElement.Clone());
    }

    private static async Task<string> ReadsAsync(InProcessServer server)
    {
        var text = new StringBuilder();
        foreach (var path in new[]
        {
            "/v1/subjects", "/v1/subjects/order/versions/1", "/v1/subjects/address/versions/1", "/v1/schemas/1", "/v1/schemas/2",
            "/v1/schemas/2/versions", "/v1/subjects/address/versions/1/referenced-by", "/v1/config", "/v1/config/order", "/v1/mode",
        })
        {
            var (status, body) = await server.Http.GetJsonAsync(path);
            text.Append(path).Append(' ').Append((int)status).Append(' ').AppendLine(body.GetRawText());
        }

        return text.ToString();
    }

    [Fact]
    public async Task An_export_imported_into_an_empty_server_answers_the_same_reads()
    {
        await using var source = await InProcessServer.StartAsync();
        await using var target = await InProcessServer.StartAsync();
        var backup = await PopulatedBackupAsync(source);

        var (status, body) = await ImportAsync(target, backup);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("restored").GetBoolean());
        Assert.Equal(2, body.GetProperty("backup").GetProperty("schemas").GetInt64());
        Assert.Equal(await ReadsAsync(source), await ReadsAsync(target));
    }

    [Fact]
    public async Task A_damaged_backup_is_a_400_that_says_so_and_a_wrong_media_type_a_415()
    {
        await using var source = await InProcessServer.StartAsync();
        await using var target = await InProcessServer.StartAsync();
        var backup = await PopulatedBackupAsync(source);
        var damaged = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(backup).Replace("city", "town", StringComparison.Ordinal));

        var (status, body) = await ImportAsync(target, damaged);
        var (mediaStatus, media) = await ImportAsync(target, backup, contentType: "text/plain");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body.ErrorCode());
        Assert.Contains("SHA-256", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, mediaStatus);
        Assert.Equal("unsupported_media_type", media.ErrorCode());
        Assert.Equal("[]", (await target.Http.GetJsonAsync("/v1/subjects")).Body.GetRawText());
    }

    [Fact]
    public async Task Hostile_bodies_get_4xx_never_500()
    {
        await using var server = await InProcessServer.StartAsync();
        byte[][] bodies =
        [
            ""u8.ToArray(), "\n\n\n"u8.ToArray(), "{"u8.ToArray(), "null\n"u8.ToArray(), "[1,2]\n"u8.ToArray(), new byte[] { 0xFF, 0xFE, 0x0A },
            Encoding.UTF8.GetBytes("""{"format":"llm-schema-registry-backup","format_version":1,"sections":["schemas","subjects","versions","config"]}""" + "\n" + """{"section":"schemas"}""" + "\n" + """{"id":"x"}""" + "\n"),
            Encoding.UTF8.GetBytes(new string('a', 100_000)),
        ];

        foreach (var body in bodies)
        {
            var (status, error) = await ImportAsync(server, body);
            Assert.True((int)status is >= 400 and < 500, $"{(int)status} for {Encoding.UTF8.GetString(body)[..Math.Min(40, body.Length)]}");
            Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        }
    }

    [Fact]
    public async Task A_backup_over_the_import_limit_is_a_413()
    {
        await using var source = await InProcessServer.StartAsync();
        await using var target = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Registry:HttpApi:MaxImportBodyBytes"] = "100" });
        var backup = await PopulatedBackupAsync(source);

        var (status, body) = await ImportAsync(target, backup);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("too_large", body.ErrorCode());
    }

    [Fact]
    public async Task An_import_into_a_server_with_data_is_a_422_merge_keeps_equal_records_and_verify_writes_nothing()
    {
        await using var source = await InProcessServer.StartAsync();
        await using var target = await InProcessServer.StartAsync();
        var backup = await PopulatedBackupAsync(source);

        var (refusedStatus, refused) = await ImportAsync(source, backup);
        var (mergeStatus, merged) = await ImportAsync(source, backup, "?merge=true");
        var (verifyStatus, verified) = await ImportAsync(target, backup, "?verify=true");

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "operation_not_permitted"), (refusedStatus, refused.ErrorCode()));
        Assert.Equal(HttpStatusCode.OK, mergeStatus);
        Assert.Equal(0, merged.GetProperty("written").GetInt64());
        Assert.Equal(HttpStatusCode.OK, verifyStatus);
        Assert.True(verified.GetProperty("verified").GetBoolean());
        Assert.False(verified.GetProperty("restored").GetBoolean());
        Assert.Equal("[]", (await target.Http.GetJsonAsync("/v1/subjects")).Body.GetRawText());
    }

    [Fact]
    public async Task A_merge_that_clashes_is_a_409_naming_the_ids()
    {
        await using var source = await InProcessServer.StartAsync();
        await using var target = await InProcessServer.StartAsync();
        var backup = await PopulatedBackupAsync(source);
        await target.Http.RegisterAsync("local", """{"type":"null"}""");

        var (status, body) = await ImportAsync(target, backup, "?merge=true");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("id_conflict", body.ErrorCode());
        Assert.Contains("schema id 1", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
