using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using static Registry.Server.Tests.ApiClient;

namespace Registry.Server.Tests;

/// <summary>
/// What a new user meets over HTTP, on both APIs: refusals that say what to do, 'latest' that means released, no
/// silently ignored parameter, 405 with Allow, a hint for a raw '/' in a subject, the references hint for an
/// unresolved $ref, text that is not escaped for HTML, search, and format assertion per request and per subject.
/// </summary>
public sealed class NewUserScenarioTests : IAsyncLifetime
{
    private const string Open = """{"type":"object","properties":{"query":{"type":"string"}},"required":["query"]}""";
    private const string OpenPlusLimit = """{"type":"object","properties":{"query":{"type":"string"},"limit":{"type":"integer"}},"required":["query"]}""";
    private const string Closed = """{"type":"object","properties":{"query":{"type":"string"}},"additionalProperties":false}""";
    private const string ClosedPlusLimit = """{"type":"object","properties":{"query":{"type":"string"},"limit":{"type":"integer"}},"additionalProperties":false}""";
    private const string ConfluentJson = "application/vnd.schemaregistry.v1+json";

    private InProcessServer _server = null!;

    private HttpClient Http => _server.Http;

    public async ValueTask InitializeAsync() => _server = await InProcessServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private async Task<(HttpStatusCode Status, string Text, HttpResponseMessage Response)> RawAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        var response = await Http.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response);
    }

    private static string ConfluentBody(string schema) => JsonSerializer.Serialize(new Dictionary<string, string> { ["schemaType"] = "JSON", ["schema"] = schema });

    [Fact]
    public async Task Adding_a_property_to_an_open_model_under_STRICT_is_refused_with_the_remedy_on_both_apis()
    {
        await Http.RegisterAsync("tools.search", Open);

        var (status, body) = await Http.PostJsonAsync("/v1/subjects/tools.search/versions", $$"""{"schema":{{OpenPlusLimit}}}""");
        var (_, verbose, _) = await RawAsync(HttpMethod.Post, "/compatibility/subjects/tools.search/versions/latest?verbose=true", ConfluentBody(OpenPlusLimit), ConfluentJson);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("To fix:", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        var difference = Assert.Single(body.GetProperty("differences").EnumerateArray());
        var remedy = difference.GetProperty("remedy").GetString();
        Assert.Contains("LENIENT", remedy, StringComparison.Ordinal);
        Assert.Contains("additionalProperties", remedy, StringComparison.Ordinal);
        var message = Assert.Single(JsonDocument.Parse(verbose).RootElement.GetProperty("messages").EnumerateArray()).GetString();
        Assert.Contains("LENIENT", message, StringComparison.Ordinal);

        // Following the remedy works.
        Assert.Equal(HttpStatusCode.OK, (await Http.PutJsonAsync("/v1/config/tools.search", """{"policy":"LENIENT"}""")).Status);
        await Http.RegisterAsync("tools.search", OpenPlusLimit);
    }

    [Fact]
    public async Task Under_NONE_no_difference_is_reported_as_incompatible()
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.PutJsonAsync("/v1/config/loose", """{"compatibility":"NONE"}""")).Status);
        await Http.RegisterAsync("loose", Closed);

        var body = await Http.RegisterAsync("loose", """{"type":"string"}""");

        Assert.All(body.GetProperty("differences").EnumerateArray(), d => Assert.True(d.GetProperty("compatible").GetBoolean()));
        Assert.Equal("MAJOR", body.GetProperty("suggested_bump").GetString());
    }

    [Fact]
    public async Task Latest_skips_a_draft_on_both_apis_and_listings_say_each_versions_state()
    {
        await Http.RegisterAsync("tools.draft", Closed);
        await Http.RegisterAsync("tools.draft", ClosedPlusLimit, ""","state":"DRAFT" """);

        var native = await Http.GetJsonAsync("/v1/subjects/tools.draft/versions/latest");
        var (_, confluentLatest, _) = await RawAsync(HttpMethod.Get, "/subjects/tools.draft/versions/latest");
        var (_, confluentMinusOne, _) = await RawAsync(HttpMethod.Get, "/subjects/tools.draft/versions/-1");
        var (_, confluentDraft, _) = await RawAsync(HttpMethod.Get, "/subjects/tools.draft/versions/2");
        var validated = await Http.PostJsonAsync("/v1/subjects/tools.draft/versions/latest/validate", """{"query":"x"}""");
        var listing = await Http.GetJsonAsync("/v1/subjects/tools.draft/versions");

        Assert.Equal(1, native.Body.GetProperty("version").GetInt32());
        Assert.Equal(1, JsonDocument.Parse(confluentLatest).RootElement.GetProperty("version").GetInt32());
        Assert.Equal(1, JsonDocument.Parse(confluentMinusOne).RootElement.GetProperty("version").GetInt32());
        Assert.Equal(1, validated.Body.GetProperty("version").GetInt32());
        Assert.Equal(["ACTIVE", "DRAFT"], listing.Body.EnumerateArray().Select(v => v.GetProperty("state").GetString()!));
        var draft = JsonDocument.Parse(confluentDraft).RootElement;
        Assert.Equal(2, draft.GetProperty("version").GetInt32());
        Assert.Equal("DRAFT", draft.GetProperty("metadata").GetProperty("properties").GetProperty("registry.state").GetString());
    }

    [Fact]
    public async Task A_subject_with_only_a_draft_answers_latest_with_a_404_that_says_why()
    {
        await Http.RegisterAsync("tools.new", Closed, ""","state":"DRAFT" """);

        var (status, body) = await Http.GetJsonAsync("/v1/subjects/tools.new/versions/latest");
        var (confluentStatus, confluent, _) = await RawAsync(HttpMethod.Get, "/subjects/tools.new/versions/latest");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("DRAFT", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, confluentStatus);
        Assert.Equal(40402, JsonDocument.Parse(confluent).RootElement.GetProperty("error_code").GetInt32());
    }

    [Fact]
    public async Task An_unknown_query_parameter_is_400_listing_the_known_ones()
    {
        await Http.RegisterAsync("tools.a", Closed);

        var (status, body) = await Http.GetJsonAsync("/v1/subjects?tags=llm");
        var (onRead, _) = await Http.GetJsonAsync("/v1/schemas/1?verbose=true");
        var (onWrite, written) = await Http.PutJsonAsync("/v1/config?dry_run=true", """{"compatibility":"NONE"}""");
        var (_, config) = await Http.GetJsonAsync("/v1/config");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unknown_parameter", body.ErrorCode());
        var message = body.GetProperty("message").GetString()!;
        Assert.Contains("'tags'", message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'tag'?", message, StringComparison.Ordinal);
        Assert.Contains("prefix, deleted, deleted_only, offset, limit, tag, owner, q", message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, onRead);
        Assert.Equal(HttpStatusCode.BadRequest, onWrite);
        Assert.Contains("takes no query parameters", written.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.NotEqual("NONE", config.GetProperty("compatibility").GetString());
    }

    [Theory]
    [InlineData("PATCH", "/v1/subjects/a/versions", "GET, POST")]
    [InlineData("DELETE", "/v1/config", "GET, PUT")]
    [InlineData("PATCH", "/v1/subjects/com.example.orders/versions/1", "DELETE, GET")]
    [InlineData("PATCH", "/subjects/a/versions", "GET, POST")]
    [InlineData("POST", "/schemas/ids/1", "GET")]
    public async Task A_known_path_with_the_wrong_method_is_405_with_allow_and_a_json_body(string method, string path, string allowed)
    {
        var (status, text, response) = await RawAsync(new HttpMethod(method), path);
        using (response)
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, status);
            Assert.Equal(allowed, string.Join(", ", response.Content.Headers.Allow.Order(StringComparer.Ordinal)));
            var message = JsonDocument.Parse(text).RootElement.GetProperty("message").GetString();
            Assert.Contains($"{method} is not allowed", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_path_that_matches_nothing_has_a_json_body_on_every_method()
    {
        foreach (var method in new[] { "GET", "PATCH", "OPTIONS" })
        {
            var (status, text, response) = await RawAsync(new HttpMethod(method), "/v1/nothing.here/at.all");
            response.Dispose();

            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal("not_found", JsonDocument.Parse(text).RootElement.GetProperty("error_code").GetString());
        }
    }

    [Theory]
    [InlineData("/v1/subjects/team/orders/versions", "/v1/subjects/team%2Forders/versions")]
    [InlineData("/subjects/team/orders/versions", "/subjects/team%2Forders/versions")]
    [InlineData("/v1/config/team/orders", "/v1/config/team%2Forders")]
    public async Task A_raw_slash_in_a_subject_gets_told_to_encode_it(string path, string encoded)
    {
        var (status, text, response) = await RawAsync(HttpMethod.Post, path, "{}");
        response.Dispose();

        Assert.Equal(HttpStatusCode.NotFound, status);
        var message = JsonDocument.Parse(text).RootElement.GetProperty("message").GetString();
        Assert.Contains("%2F", message, StringComparison.Ordinal);
        Assert.Contains(encoded, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unresolved_ref_names_the_reference_as_written_and_suggests_references_on_both_apis()
    {
        const string schema = """{"type":"object","properties":{"address":{"$ref":"address.json"}}}""";

        var (_, native, _) = await RawAsync(HttpMethod.Post, "/v1/subjects/people/versions", $$"""{"schema":{{schema}}}""");
        var (_, confluent, _) = await RawAsync(HttpMethod.Post, "/subjects/people/versions", ConfluentBody(schema), ConfluentJson);

        foreach (var text in new[] { native, confluent })
        {
            Assert.Contains("'address.json'", text, StringComparison.Ordinal);
            Assert.Contains("'references'", text, StringComparison.Ordinal);
            Assert.DoesNotContain("registry.invalid", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Json_output_keeps_apostrophes_and_accents_as_they_are()
    {
        await Http.RegisterAsync("tools.cafe", Closed, ""","metadata":{"description":"Café's search tool"}""");

        var (_, version, _) = await RawAsync(HttpMethod.Get, "/v1/subjects/tools.cafe/versions/1");
        var (_, error, _) = await RawAsync(HttpMethod.Get, "/v1/subjects/o'brien/versions");
        var (_, confluentError, _) = await RawAsync(HttpMethod.Get, "/subjects/o'brien/versions");

        Assert.Contains("Café's search tool", version, StringComparison.Ordinal);
        Assert.Contains("'o'brien'", error, StringComparison.Ordinal);
        Assert.Contains("o'brien", confluentError, StringComparison.Ordinal);
        foreach (var text in new[] { version, error, confluentError })
        {
            Assert.DoesNotContain("\\u0027", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\\u00E9", text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Subjects_are_found_by_tag_owner_and_text()
    {
        await Http.RegisterAsync("tools.search", Closed, ""","metadata":{"description":"Web search for the assistant","owner":"team-a","tags":["llm"]}""");
        await Http.RegisterAsync("events.order", Closed, ""","metadata":{"description":"Order placed","owner":"team-b","tags":["kafka"]}""");

        Assert.Equal(["tools.search"], (await Http.GetJsonAsync("/v1/subjects?tag=llm")).Body.Strings());
        Assert.Equal(["events.order"], (await Http.GetJsonAsync("/v1/subjects?owner=team-b")).Body.Strings());
        Assert.Equal(["tools.search"], (await Http.GetJsonAsync("/v1/subjects?q=Assistant")).Body.Strings());
        Assert.Equal(["events.order"], (await Http.GetJsonAsync("/v1/subjects?q=order&prefix=events.")).Body.Strings());
        Assert.Equal(["events.order", "tools.search"], (await Http.GetJsonAsync("/v1/subjects?tag=")).Body.Strings());
    }

    [Fact]
    public async Task Format_is_asserted_per_request_and_per_subject()
    {
        var id = (await Http.RegisterAsync("contact", """{"type":"string","format":"email"}""")).GetProperty("id").GetInt64();
        const string notAnEmail = "\"not an email\"";

        Assert.True(await ValidAsync("/v1/subjects/contact/versions/1/validate"));
        Assert.False(await ValidAsync("/v1/subjects/contact/versions/1/validate?format_assertion=true"));
        Assert.False(await ValidAsync($"/v1/schemas/{id}/validate?format_assertion=true"));
        Assert.True(await ValidAsync($"/v1/schemas/{id}/validate"));

        var (status, config) = await Http.PutJsonAsync("/v1/config/contact", """{"format_assertion":true}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(config.GetProperty("effective").GetProperty("format_assertion").GetBoolean());
        Assert.False(await ValidAsync("/v1/subjects/contact/versions/latest/validate"));
        Assert.True(await ValidAsync("/v1/subjects/contact/versions/latest/validate?format_assertion=false"));

        var (global, _) = await Http.PutJsonAsync("/v1/config", """{"format_assertion":true}""");
        Assert.Equal(HttpStatusCode.BadRequest, global);

        async Task<bool> ValidAsync(string path)
        {
            var (code, body) = await Http.PostJsonAsync(path, notAnEmail);
            Assert.Equal(HttpStatusCode.OK, code);
            return body.GetProperty("valid").GetBoolean();
        }
    }

    [Fact]
    public async Task The_suggested_label_counts_from_the_newest_labelled_version()
    {
        await Http.RegisterAsync("tools.label", Closed, ""","semver":"1.0.0" """);
        await Http.RegisterAsync("tools.label", ClosedPlusLimit);

        var third = await Http.RegisterAsync("tools.label", ClosedPlusLimit.Replace("{\"type\":\"object\",", "{\"title\":\"Search\",\"type\":\"object\",", StringComparison.Ordinal));

        Assert.Equal("PATCH", third.GetProperty("suggested_bump").GetString());
        Assert.Equal("1.1.0", third.GetProperty("suggested_semver").GetString());
    }

    [Fact]
    public async Task The_confluent_api_answers_a_wrong_content_type_like_the_native_api()
    {
        var (_, native, _) = await RawAsync(HttpMethod.Post, "/v1/subjects/a/versions", "{}", "text/plain");
        var (status, confluent, _) = await RawAsync(HttpMethod.Post, "/subjects/a/versions", "{}", "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        const string words = "The body must be JSON (Content-Type: ";
        Assert.Contains(words, native, StringComparison.Ordinal);
        Assert.Contains(words, confluent, StringComparison.Ordinal);
        Assert.Contains("not 'text/plain'", confluent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_confluent_config_takes_compatibilityLevel_the_name_its_get_answers_with()
    {
        var (_, got, _) = await RawAsync(HttpMethod.Get, "/config");
        var level = JsonDocument.Parse(got).RootElement.GetProperty("compatibilityLevel").GetString();

        var (status, put, _) = await RawAsync(HttpMethod.Put, "/config/orders", """{"compatibilityLevel":"FULL"}""", ConfluentJson);
        var (_, subject, _) = await RawAsync(HttpMethod.Get, "/config/orders");
        var (conflict, _, _) = await RawAsync(HttpMethod.Put, "/config/orders", """{"compatibility":"NONE","compatibilityLevel":"FULL"}""", ConfluentJson);

        Assert.Equal("BACKWARD", level);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("FULL", JsonDocument.Parse(put).RootElement.GetProperty("compatibility").GetString());
        Assert.Equal("FULL", JsonDocument.Parse(subject).RootElement.GetProperty("compatibilityLevel").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, conflict);
    }

    [Fact]
    public async Task The_stats_endpoint_is_in_the_openapi_document()
    {
        var (_, text, _) = await RawAsync(HttpMethod.Get, "/openapi/v1.json");

        var stats = JsonDocument.Parse(text).RootElement.GetProperty("paths").GetProperty("/v1/stats");
        Assert.True(stats.TryGetProperty("get", out _));
        Assert.Equal(HttpStatusCode.OK, (await Http.GetJsonAsync("/v1/stats")).Status);
    }
}
