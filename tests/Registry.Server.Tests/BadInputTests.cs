using System.Net;
using System.Net.Http.Headers;
using System.Text;
using static Registry.Server.Tests.ApiClient;

namespace Registry.Server.Tests;

/// <summary>Every kind of bad input gets its documented status and error code, and changes nothing.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private const string Schema = """{"type":"object","properties":{"name":{"type":"string"}}}""";

    private InProcessServer _server = null!;

    private HttpClient Http => _server.Http;

    public async ValueTask InitializeAsync() => _server = await InProcessServer.StartAsync(new Dictionary<string, string?>
    {
        ["Registry:HttpApi:MaxRequestBodyBytes"] = "65536",
    });

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private async Task AssertNothingRegisteredAsync()
    {
        var (status, body) = await Http.GetJsonAsync("/v1/subjects?deleted=true");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(body.EnumerateArray());
    }

    private async Task AssertErrorAsync(HttpMethod method, string path, string? json, HttpStatusCode expected, string errorCode, string contentType = "application/json")
    {
        var (status, body) = await Http.SendAsync(method, path, json, contentType);
        Assert.Equal(expected, status);
        Assert.Equal(errorCode, body.ErrorCode());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("message").GetString()));
    }

    [Theory]
    [InlineData("{\"schema\":")]
    [InlineData("{\"schema\":{\"type\":\"object\"}")]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("{\"schema\":{},\"shema_type\":\"JSON\"}")]
    [InlineData("{\"schema\":{},\"version\":\"two\"}")]
    public async Task Malformed_registration_bodies_are_400_and_register_nothing(string body)
    {
        await AssertErrorAsync(HttpMethod.Post, "/v1/subjects/a/versions", body, HttpStatusCode.BadRequest, "malformed_request");
        await AssertNothingRegisteredAsync();
    }

    [Fact]
    public async Task An_empty_body_is_400()
    {
        await AssertErrorAsync(HttpMethod.Post, "/v1/subjects/a/versions", "", HttpStatusCode.BadRequest, "malformed_request");
        await AssertNothingRegisteredAsync();
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task A_body_that_is_not_json_by_content_type_is_415(string contentType)
    {
        await AssertErrorAsync(HttpMethod.Post, "/v1/subjects/a/versions", $$"""{"schema":{{Schema}}}""", HttpStatusCode.UnsupportedMediaType, "unsupported_media_type", contentType);
        await AssertNothingRegisteredAsync();
    }

    [Fact]
    public async Task A_body_without_content_type_is_415()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/subjects/a/versions")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes($$"""{"schema":{{Schema}}}""")),
        };
        using var response = await Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await AssertNothingRegisteredAsync();
    }

    [Fact]
    public async Task A_json_suffix_media_type_is_accepted()
    {
        var (status, _) = await Http.SendAsync(HttpMethod.Put, "/v1/config", """{"compatibility":"FULL"}""", "application/vnd.registry.v1+json");

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_with_or_without_a_content_length()
    {
        var huge = "{\"schema\":{\"description\":\"" + new string('x', 100_000) + "\"}}";
        await AssertErrorAsync(HttpMethod.Post, "/v1/subjects/a/versions", huge, HttpStatusCode.RequestEntityTooLarge, "too_large");

        // Without a Content-Length the limit is hit while reading. The server answers before the client has sent
        // everything, which HttpClient reports as a broken upload, so this one is spoken over a raw socket.
        using (var client = new System.Net.Sockets.TcpClient())
        {
            await client.ConnectAsync(_server.HttpEndpoint, Ct);
            var stream = client.GetStream();
            var payload = Encoding.UTF8.GetBytes(huge);
            var head = Encoding.ASCII.GetBytes(
                "POST /v1/subjects/a/versions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + payload.Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "\r\n");
            await stream.WriteAsync(head, Ct);
            await stream.WriteAsync(payload, Ct);
            await stream.WriteAsync("\r\n0\r\n\r\n"u8.ToArray(), Ct);
            var buffer = new byte[4096];
            var response = string.Empty;
            int read;
            while (!response.Contains("\"}", StringComparison.Ordinal) && (read = await stream.ReadAsync(buffer, Ct)) > 0)
            {
                response += Encoding.ASCII.GetString(buffer, 0, read);
            }

            Assert.StartsWith("HTTP/1.1 413", response, StringComparison.Ordinal);
            Assert.Contains("too_large", response, StringComparison.Ordinal);
        }

        await AssertNothingRegisteredAsync();
        Assert.Equal(HttpStatusCode.OK, (await Http.GetJsonAsync("/health")).Status);
    }

    [Fact]
    public async Task A_schema_nested_deeper_than_the_request_limit_is_400()
    {
        var deep = new StringBuilder("{\"schema\":");
        for (var i = 0; i < 5_000; i++)
        {
            deep.Append("{\"items\":");
        }

        deep.Append("{}").Append('}', 5_001);

        await AssertErrorAsync(HttpMethod.Post, "/v1/subjects/a/versions", deep.ToString(), HttpStatusCode.BadRequest, "malformed_request");
        await AssertNothingRegisteredAsync();
    }

    [Fact]
    public async Task A_schema_nested_deeper_than_the_schema_limit_is_422()
    {
        var deep = new StringBuilder("{\"schema\":");
        for (var i = 0; i < 280; i++)
        {
            deep.Append("{\"not\":");
        }

        deep.Append("{}").Append('}', 281);

        await AssertErrorAsync(HttpMethod.Post, "/v1/subjects/a/versions", deep.ToString(), HttpStatusCode.UnprocessableEntity, "invalid_schema");
        await AssertNothingRegisteredAsync();
    }

    [Theory]
    [InlineData("\"{not json\"")]
    [InlineData("\"\"")]
    [InlineData("{\"type\":\"object\",\"type\":\"string\"}")]
    public async Task Schema_text_that_is_not_valid_json_is_422(string schema)
    {
        await AssertErrorAsync(HttpMethod.Post, "/v1/subjects/a/versions", $$"""{"schema":{{schema}}}""", HttpStatusCode.UnprocessableEntity, "invalid_schema");
        await AssertNothingRegisteredAsync();
    }

    [Theory]
    [InlineData("{\"type\":12}")]
    [InlineData("{\"minLength\":-1}")]
    [InlineData("{\"properties\":[]}")]
    [InlineData("{\"$ref\":\"https://nowhere.invalid/missing.json\"}")]
    public async Task An_invalid_json_schema_is_422_with_its_errors(string schema)
    {
        var (status, body) = await Http.PostJsonAsync("/v1/subjects/a/versions", $$"""{"schema":{{schema}}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("invalid_schema", body.ErrorCode());
        await AssertNothingRegisteredAsync();
    }

    [Theory]
    [InlineData("AVRO")]
    [InlineData("PROTOBUF")]
    [InlineData("XML")]
    public async Task An_unsupported_schema_type_is_422(string type)
    {
        await AssertErrorAsync(HttpMethod.Post, "/v1/subjects/a/versions", $$"""{"schema":{{Schema}},"schema_type":"{{type}}"}""", HttpStatusCode.UnprocessableEntity, "unsupported_schema_type");
        await AssertNothingRegisteredAsync();
    }

    [Theory]
    [InlineData("%20leading")]
    [InlineData("tab%09")]
    [InlineData("new%0Aline")]
    public async Task A_bad_subject_name_is_400(string subject)
    {
        await AssertErrorAsync(HttpMethod.Post, $"/v1/subjects/{subject}/versions", $$"""{"schema":{{Schema}}}""", HttpStatusCode.BadRequest, "invalid_request");
        await AssertNothingRegisteredAsync();
    }

    [Fact]
    public async Task A_nul_in_the_path_is_refused_by_the_http_layer()
    {
        var (status, _) = await Http.PostJsonAsync("/v1/subjects/a%00b/versions", $$"""{"schema":{{Schema}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        await AssertNothingRegisteredAsync();
    }

    [Fact]
    public async Task A_subject_name_longer_than_255_characters_is_400()
    {
        await AssertErrorAsync(HttpMethod.Post, $"/v1/subjects/{new string('s', 256)}/versions", $$"""{"schema":{{Schema}}}""", HttpStatusCode.BadRequest, "invalid_request");
        await AssertNothingRegisteredAsync();
    }

    [Fact]
    public async Task Unknown_subject_version_and_id_are_404_with_their_codes()
    {
        await Http.RegisterAsync("known", Schema);

        await AssertErrorAsync(HttpMethod.Get, "/v1/subjects/unknown/versions", null, HttpStatusCode.NotFound, "subject_not_found");
        await AssertErrorAsync(HttpMethod.Get, "/v1/subjects/unknown/versions/1", null, HttpStatusCode.NotFound, "subject_not_found");
        await AssertErrorAsync(HttpMethod.Get, "/v1/subjects/unknown/versions/latest", null, HttpStatusCode.NotFound, "subject_not_found");
        await AssertErrorAsync(HttpMethod.Get, "/v1/subjects/known/versions/2", null, HttpStatusCode.NotFound, "version_not_found");
        await AssertErrorAsync(HttpMethod.Get, "/v1/schemas/999", null, HttpStatusCode.NotFound, "schema_not_found");
        await AssertErrorAsync(HttpMethod.Post, "/v1/schemas/999/validate", "{}", HttpStatusCode.NotFound, "schema_not_found");
        await AssertErrorAsync(HttpMethod.Post, "/v1/subjects/unknown/versions/1/validate", "{}", HttpStatusCode.NotFound, "subject_not_found");
        await AssertErrorAsync(HttpMethod.Put, "/v1/subjects/known/versions/9/state", """{"state":"DEPRECATED"}""", HttpStatusCode.NotFound, "version_not_found");
        await AssertErrorAsync(HttpMethod.Delete, "/v1/subjects/unknown", null, HttpStatusCode.NotFound, "subject_not_found");
        await AssertErrorAsync(HttpMethod.Get, "/v1/no/such/route", null, HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    public async Task A_bad_version_is_400(string version)
    {
        await Http.RegisterAsync("known", Schema);

        await AssertErrorAsync(HttpMethod.Get, $"/v1/subjects/known/versions/{version}", null, HttpStatusCode.BadRequest, "invalid_version");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-1")]
    public async Task A_bad_schema_id_is_400(string id)
    {
        await AssertErrorAsync(HttpMethod.Get, $"/v1/schemas/{id}", null, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("deleted=maybe")]
    [InlineData("offset=-1")]
    [InlineData("limit=0")]
    [InlineData("limit=x")]
    public async Task Bad_listing_parameters_are_400(string query)
    {
        await AssertErrorAsync(HttpMethod.Get, $"/v1/subjects?{query}", null, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("ACTIVE", "ARCHIVED")]
    [InlineData("ACTIVE", "DRAFT")]
    [InlineData("DEPRECATED", "DRAFT")]
    [InlineData("ARCHIVED", "ACTIVE")]
    [InlineData("ARCHIVED", "DEPRECATED")]
    public async Task An_illegal_lifecycle_transition_is_422_and_changes_nothing(string from, string to)
    {
        await Http.RegisterAsync("known", Schema);
        foreach (var step in from switch { "DEPRECATED" => new[] { "DEPRECATED" }, "ARCHIVED" => ["DEPRECATED", "ARCHIVED"], _ => [] })
        {
            Assert.Equal(HttpStatusCode.OK, (await Http.PutJsonAsync("/v1/subjects/known/versions/1/state", $$"""{"state":"{{step}}"}""")).Status);
        }

        await AssertErrorAsync(HttpMethod.Put, "/v1/subjects/known/versions/1/state", $$"""{"state":"{{to}}"}""", HttpStatusCode.UnprocessableEntity, "illegal_transition");
        Assert.Equal(from, (await Http.GetJsonAsync("/v1/subjects/known/versions/1")).Body.GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_unknown_state_is_400()
    {
        await Http.RegisterAsync("known", Schema);

        await AssertErrorAsync(HttpMethod.Put, "/v1/subjects/known/versions/1/state", """{"state":"RETIRED"}""", HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Hard_delete_before_soft_delete_is_422_and_deleting_twice_is_404()
    {
        await Http.RegisterAsync("known", Schema);

        await AssertErrorAsync(HttpMethod.Delete, "/v1/subjects/known?permanent=true", null, HttpStatusCode.UnprocessableEntity, "subject_not_soft_deleted");
        await AssertErrorAsync(HttpMethod.Delete, "/v1/subjects/known/versions/1?permanent=true", null, HttpStatusCode.UnprocessableEntity, "version_not_soft_deleted");
        Assert.Equal(HttpStatusCode.OK, (await Http.DeleteJsonAsync("/v1/subjects/known/versions/1")).Status);
        await AssertErrorAsync(HttpMethod.Delete, "/v1/subjects/known", null, HttpStatusCode.NotFound, "subject_soft_deleted");
        Assert.Equal(["known"], (await Http.GetJsonAsync("/v1/subjects?deleted_only=true")).Body.Strings());
    }

    [Fact]
    public async Task Unknown_compatibility_levels_and_modes_are_400_and_change_nothing()
    {
        await AssertErrorAsync(HttpMethod.Put, "/v1/config", """{"compatibility":"SIDEWAYS"}""", HttpStatusCode.BadRequest, "invalid_compatibility_level");
        await AssertErrorAsync(HttpMethod.Put, "/v1/config", """{"policy":"LOOSE"}""", HttpStatusCode.BadRequest, "invalid_compatibility_level");
        await AssertErrorAsync(HttpMethod.Put, "/v1/config", "{}", HttpStatusCode.BadRequest, "invalid_request");
        await AssertErrorAsync(HttpMethod.Put, "/v1/mode", """{"mode":"WRITEONLY"}""", HttpStatusCode.BadRequest, "invalid_mode");

        var config = (await Http.GetJsonAsync("/v1/config")).Body;
        Assert.Equal(("BACKWARD", "READWRITE"), (config.GetProperty("compatibility").GetString(), config.GetProperty("mode").GetString()));
    }

    [Fact]
    public async Task A_document_that_is_not_json_is_400_and_a_too_deep_one_is_400_limit_exceeded()
    {
        await Http.RegisterAsync("known", Schema);
        var deep = new string('[', 1_000) + new string(']', 1_000);

        await AssertErrorAsync(HttpMethod.Post, "/v1/subjects/known/versions/1/validate", "{\"name\":", HttpStatusCode.BadRequest, "malformed_document");
        await AssertErrorAsync(HttpMethod.Post, "/v1/subjects/known/versions/1/validate", deep, HttpStatusCode.BadRequest, "limit_exceeded");
        await AssertErrorAsync(HttpMethod.Post, "/v1/subjects/known/versions/1/validate/batch", "[{}, {\"name\":", HttpStatusCode.BadRequest, "malformed_request");
        await AssertErrorAsync(HttpMethod.Post, "/v1/subjects/known/versions/1/validate/batch", "{}", HttpStatusCode.BadRequest, "malformed_request");
        Assert.Equal(HttpStatusCode.OK, (await Http.GetJsonAsync("/health")).Status);
    }

    [Fact]
    public async Task Explicit_ids_outside_import_mode_are_422()
    {
        await AssertErrorAsync(HttpMethod.Post, "/v1/subjects/a/versions", $$"""{"schema":{{Schema}},"id":42}""", HttpStatusCode.UnprocessableEntity, "operation_not_permitted");
        await AssertNothingRegisteredAsync();
    }

    [Fact]
    public async Task Registration_in_readonly_mode_is_422()
    {
        await Http.PutJsonAsync("/v1/mode", """{"mode":"READONLY"}""");

        await AssertErrorAsync(HttpMethod.Post, "/v1/subjects/a/versions", $$"""{"schema":{{Schema}}}""", HttpStatusCode.UnprocessableEntity, "operation_not_permitted");
        await AssertNothingRegisteredAsync();
    }

    [Fact]
    public async Task A_reference_to_a_missing_version_is_422()
    {
        await AssertErrorAsync(HttpMethod.Post, "/v1/subjects/a/versions",
            """{"schema":{"$ref":"b.json"},"references":[{"name":"b.json","subject":"b","version":1}]}""",
            HttpStatusCode.UnprocessableEntity, "reference_not_found");
        await AssertNothingRegisteredAsync();
    }
}
