using System.Net;
using System.Text;
using System.Text.Json;
using Registry.Client;
using Registry.Protocol;
using Registry.Protocol.Messages;
using static Registry.Server.Tests.ApiClient;

namespace Registry.Server.Tests;

/// <summary>Aliases over the HTTP APIs: setting, moving, history, protection, bundles, and <c>@alias</c> on every version path.</summary>
public sealed class AliasEndpointTests
{
    private const string V1 = """{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}""";
    private const string V2 = """{"type":"object","properties":{"name":{"type":"string"},"email":{"type":"string"}},"required":["name"],"additionalProperties":false}""";

    private static async Task<InProcessServer> StartWithTwoVersionsAsync()
    {
        var server = await InProcessServer.StartAsync();
        await server.Http.RegisterAsync("people", V1);
        await server.Http.RegisterAsync("people", V2);
        return server;
    }

    [Fact]
    public async Task An_alias_is_set_read_listed_moved_and_its_history_kept()
    {
        await using var server = await StartWithTwoVersionsAsync();

        var (setStatus, set) = await server.Http.PutJsonAsync("/v1/subjects/people/aliases/production", """{"version":1}""");
        var (moveStatus, moved) = await server.Http.PutJsonAsync("/v1/subjects/people/aliases/production", """{"version":2}""");
        var (_, one) = await server.Http.GetJsonAsync("/v1/subjects/people/aliases/production");
        var (_, list) = await server.Http.GetJsonAsync("/v1/subjects/people/aliases");
        var (historyStatus, history) = await server.Http.GetJsonAsync("/v1/subjects/people/aliases/production/history");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (setStatus, moveStatus, historyStatus));
        Assert.Equal((1, 2), (set.GetProperty("version").GetInt32(), moved.GetProperty("version").GetInt32()));
        Assert.Equal(("people", "production", 2, false), (one.GetProperty("subject").GetString(), one.GetProperty("name").GetString(), one.GetProperty("version").GetInt32(), one.GetProperty("protected").GetBoolean()));
        Assert.Equal(["production"], list.EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.Equal([(1, 2), (0, 1)], history.EnumerateArray().Select(m => (Number(m.GetProperty("from")), m.GetProperty("to").GetInt32())));
        Assert.True(history[0].TryGetProperty("at", out _));
    }

    [Theory]
    [InlineData("GET", "/v1/subjects/people/versions/@production", null)]
    [InlineData("GET", "/v1/subjects/people/versions/%40production", null)]
    [InlineData("GET", "/v1/subjects/people/versions/@production/schema", null)]
    [InlineData("GET", "/v1/subjects/people/versions/@production/referenced-by", null)]
    [InlineData("POST", "/v1/subjects/people/versions/@production/validate", """{"name":"a","email":"x"}""")]
    [InlineData("POST", "/v1/subjects/people/versions/@production/validate/batch", """[{"name":"a","email":"x"}]""")]
    [InlineData("POST", "/v1/subjects/people/versions/@production/lint?profile=openai-strict", "")]
    [InlineData("POST", "/v1/subjects/people/versions/@production/transform?profile=openai-strict", "")]
    [InlineData("POST", "/v1/subjects/people/compatibility?version=@production", $$"""{"schema":{{V2}}}""")]
    public async Task Every_native_version_path_accepts_an_alias(string method, string path, string? body)
    {
        await using var server = await StartWithTwoVersionsAsync();
        await server.Http.PutJsonAsync("/v1/subjects/people/aliases/production", """{"version":1}""");
        await server.Http.PutJsonAsync("/v1/subjects/people/aliases/other", """{"version":2}""");

        var (status, answer) = await server.Http.SendAsync(new HttpMethod(method), path, string.IsNullOrEmpty(body) ? null : body);
        var (missingStatus, missing) = await server.Http.SendAsync(new HttpMethod(method), path.Replace("production", "nope", StringComparison.Ordinal), string.IsNullOrEmpty(body) ? null : body);

        Assert.Equal(HttpStatusCode.OK, status);
        var text = answer.GetRawText();
        if (path.EndsWith("/schema", StringComparison.Ordinal))
        {
            Assert.DoesNotContain("email", text, StringComparison.Ordinal); // version 1's schema
        }
        else if (path.Contains("/validate", StringComparison.Ordinal))
        {
            Assert.Contains("\"valid\":false", text, StringComparison.Ordinal); // version 1 is closed: 'email' is refused
        }
        else if (path.Contains("compatibility", StringComparison.Ordinal))
        {
            Assert.Equal([1], answer.GetProperty("compared_versions").EnumerateArray().Select(v => v.GetInt32()));
        }
        else if (!path.EndsWith("referenced-by", StringComparison.Ordinal))
        {
            Assert.Contains("\"version\":1", text, StringComparison.Ordinal);
        }

        Assert.Equal((HttpStatusCode.NotFound, "alias_not_found"), (missingStatus, missing.ErrorCode()));
    }

    [Fact]
    public async Task Model_output_is_checked_against_the_aliased_version()
    {
        await using var server = await StartWithTwoVersionsAsync();
        await server.Http.PutJsonAsync("/v1/subjects/people/aliases/production", """{"version":1}""");

        var (status, body) = await server.Http.SendAsync(HttpMethod.Post, "/v1/subjects/people/versions/@production/check-output", """{"name":"a","email":"x"}""", "text/plain");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        Assert.False(body.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task The_confluent_api_reads_a_version_through_an_alias()
    {
        await using var server = await StartWithTwoVersionsAsync();
        await server.Http.PutJsonAsync("/v1/subjects/people/aliases/production", """{"version":1}""");

        var (status, body) = await server.Http.GetJsonAsync("/subjects/people/versions/@production");
        var (missingStatus, missing) = await server.Http.GetJsonAsync("/subjects/people/versions/@nope");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        Assert.Equal((HttpStatusCode.NotFound, 40402), (missingStatus, missing.GetProperty("error_code").GetInt32()));
    }

    [Fact]
    public async Task Deleting_an_aliased_version_is_refused_on_both_apis()
    {
        await using var server = await StartWithTwoVersionsAsync();
        await server.Http.PutJsonAsync("/v1/subjects/people/aliases/production", """{"version":1}""");

        var (nativeStatus, native) = await server.Http.DeleteJsonAsync("/v1/subjects/people/versions/1");
        var (confluentStatus, confluent) = await server.Http.DeleteJsonAsync("/subjects/people/versions/1");

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "version_aliased"), (nativeStatus, native.ErrorCode()));
        Assert.Contains("'production'", native.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.UnprocessableEntity, 42205), (confluentStatus, confluent.GetProperty("error_code").GetInt32()));
    }

    [Fact]
    public async Task An_alias_to_a_draft_is_refused()
    {
        await using var server = await StartWithTwoVersionsAsync();
        await server.Http.RegisterAsync("people", """{"title":"draft","type":"object"}""", ""","state":"DRAFT" """);

        var (status, body) = await server.Http.PutJsonAsync("/v1/subjects/people/aliases/production", """{"version":3}""");

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "alias_target_invalid"), (status, body.ErrorCode()));
    }

    [Fact]
    public async Task A_protected_alias_moves_only_with_force()
    {
        await using var server = await StartWithTwoVersionsAsync();
        await server.Http.PutJsonAsync("/v1/subjects/people/aliases/production", """{"version":1,"protected":true}""");

        var (moveStatus, move) = await server.Http.PutJsonAsync("/v1/subjects/people/aliases/production", """{"version":2}""");
        var (deleteStatus, delete) = await server.Http.DeleteJsonAsync("/v1/subjects/people/aliases/production");
        var (forcedStatus, forced) = await server.Http.PutJsonAsync("/v1/subjects/people/aliases/production", """{"version":2,"force":true}""");
        var (forcedDeleteStatus, _) = await server.Http.DeleteJsonAsync("/v1/subjects/people/aliases/production?force=true");

        Assert.Equal((HttpStatusCode.Forbidden, "alias_protected"), (moveStatus, move.ErrorCode()));
        Assert.Equal((HttpStatusCode.Forbidden, "alias_protected"), (deleteStatus, delete.ErrorCode()));
        Assert.Equal((HttpStatusCode.OK, 2, true), (forcedStatus, forced.GetProperty("version").GetInt32(), forced.GetProperty("protected").GetBoolean()));
        Assert.Equal(HttpStatusCode.OK, forcedDeleteStatus);
    }

    [Theory]
    [InlineData("""{"version":"1"}""")]
    [InlineData("""{"protected":true}""")]
    [InlineData("""{"version":1,"pinned":true}""")]
    [InlineData("""{"version":0}""")]
    public async Task A_malformed_alias_body_is_a_400(string body)
    {
        await using var server = await StartWithTwoVersionsAsync();

        var (status, answer) = await server.Http.PutJsonAsync("/v1/subjects/people/aliases/production", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(string.IsNullOrEmpty(answer.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task A_malformed_alias_name_is_a_400()
    {
        await using var server = await StartWithTwoVersionsAsync();

        var (status, body) = await server.Http.PutJsonAsync("/v1/subjects/people/aliases/latest", """{"version":1}""");
        var (pathStatus, _) = await server.Http.GetJsonAsync("/v1/subjects/people/versions/@1bad");

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (status, body.ErrorCode()));
        Assert.Equal(HttpStatusCode.BadRequest, pathStatus);
    }

    [Fact]
    public async Task A_bundle_returns_each_subjects_aliased_version()
    {
        await using var server = await StartWithTwoVersionsAsync();
        await server.Http.RegisterAsync("prompts", """{"title":"p1","type":"object"}""");
        await server.Http.PutJsonAsync("/v1/subjects/people/aliases/production", """{"version":2}""");
        await server.Http.PutJsonAsync("/v1/subjects/prompts/aliases/production", """{"version":1}""");

        var (status, body) = await server.Http.GetJsonAsync("/v1/bundles/production?subjects=prompts,people");
        var (missingStatus, missing) = await server.Http.GetJsonAsync("/v1/bundles/staging?subjects=people");
        var (noSubjectsStatus, _) = await server.Http.GetJsonAsync("/v1/bundles/production");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("production", body.GetProperty("alias").GetString());
        Assert.Equal([("prompts", 1), ("people", 2)], body.GetProperty("versions").EnumerateArray().Select(v => (v.GetProperty("subject").GetString(), v.GetProperty("version").GetInt32())));
        Assert.Equal((HttpStatusCode.NotFound, "alias_not_found"), (missingStatus, missing.ErrorCode()));
        Assert.Equal(HttpStatusCode.BadRequest, noSubjectsStatus);
    }

    [Fact]
    public async Task The_binary_client_reads_and_validates_through_an_alias()
    {
        await using var server = await StartWithTwoVersionsAsync();
        await server.Http.PutJsonAsync("/v1/subjects/people/aliases/production", """{"version":1}""");
        await using var client = new RegistryClient(new RegistryClientOptions { Endpoints = [server.BinaryEndpoint.ToString()], ClientName = "aliases" });
        var document = Encoding.UTF8.GetBytes("""{"name":"a","email":"x"}""");

        var read = await client.GetVersionAsync("people", VersionSelector.Alias("production"), cancellationToken: Ct);
        var latest = await client.GetVersionAsync("people", VersionSelector.Latest, cancellationToken: Ct);
        var validated = await client.ValidateAsync("people", VersionSelector.Alias("production"), document, cancellationToken: Ct);
        var batch = await client.ValidateBatchAsync("people", VersionSelector.Alias("production"), [document], cancellationToken: Ct);
        var missing = await Assert.ThrowsAsync<RegistryRequestException>(async () => await client.GetVersionAsync("people", VersionSelector.Alias("nope"), cancellationToken: Ct));
        var malformed = await Assert.ThrowsAsync<RegistryRequestException>(async () => await client.GetVersionAsync("people", VersionSelector.Alias("1 bad"), cancellationToken: Ct));

        Assert.Equal((1, 2), (read.Info.Version, latest.Info.Version));
        Assert.Equal(read.Info.SchemaId, validated.SchemaId);
        Assert.False(validated.IsValid);
        Assert.False(batch.Verdicts[0].IsValid);
        Assert.Equal(StatusCode.AliasNotFound, missing.Status);
        Assert.Equal(StatusCode.BadRequest, malformed.Status);
    }

    [Fact]
    public async Task The_binary_client_lints_checks_output_and_streams_through_an_alias()
    {
        await using var server = await StartWithTwoVersionsAsync();
        await server.Http.PutJsonAsync("/v1/subjects/people/aliases/production", """{"version":1}""");
        await using var client = new RegistryClient(new RegistryClientOptions { Endpoints = [server.BinaryEndpoint.ToString()], ClientName = "aliases" });
        var v1 = await client.GetVersionAsync("people", 1, cancellationToken: Ct);
        var output = Encoding.UTF8.GetBytes("""{"name":"a","email":"x"}""");

        var lintAlias = await client.LintAsync("people", VersionSelector.Alias("production"), ["openai-strict"], Ct);
        var lintLatest = await client.LintAsync("people", VersionSelector.Latest, ["openai-strict"], Ct);
        var checkAlias = await client.CheckOutputAsync(new CheckOutputRequest { Subject = "people", Alias = "production", Output = output }, Ct);
        var checkLatest = await client.CheckOutputAsync(new CheckOutputRequest { Subject = "people", Output = output }, Ct);
        var stream = await client.OpenOutputStreamAsync("people", VersionSelector.Alias("production"), cancellationToken: Ct);
        var streamed = await stream.FeedAsync(output, cancellationToken: Ct);
        var missing = await Assert.ThrowsAsync<RegistryRequestException>(async () => await client.LintAsync("people", VersionSelector.Alias("nope"), ["openai-strict"], Ct));

        // Version 1 requires every property it has (openai-strict accepts it) and refuses "email"; version 2 is the reverse.
        Assert.Equal((true, false), (lintAlias[0].Accepted, lintLatest[0].Accepted));
        Assert.Equal((v1.Info.SchemaId, false), (checkAlias.SchemaId, checkAlias.Valid));
        Assert.True(checkLatest.Valid);
        Assert.Equal((v1.Info.SchemaId, "invalid"), (stream.SchemaId, streamed.Verdict));
        Assert.Equal(StatusCode.AliasNotFound, missing.Status);
    }

    [Fact]
    public async Task The_binary_protocol_refuses_deleting_an_aliased_version()
    {
        await using var server = await StartWithTwoVersionsAsync();
        await server.Http.PutJsonAsync("/v1/subjects/people/aliases/production", """{"version":1}""");
        await using var client = new RegistryClient(new RegistryClientOptions { Endpoints = [server.BinaryEndpoint.ToString()], ClientName = "aliases" });

        var refused = await Assert.ThrowsAsync<RegistryRequestException>(async () => await client.DeleteAsync("people", 1, cancellationToken: Ct));

        Assert.Equal(StatusCode.AliasConflict, refused.Status);
        Assert.Contains("'production'", refused.Message, StringComparison.Ordinal);
    }

    private static int Number(JsonElement value) => value.ValueKind == JsonValueKind.Null ? 0 : value.GetInt32();
}
