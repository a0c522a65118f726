using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using static Registry.Server.Tests.ApiClient;

namespace Registry.Server.Tests;

/// <summary>
/// Every malformed body shape (a wrong type in each field, an unknown field, a missing field, a trailing comma, text
/// that is not JSON, an empty body) sent to every write endpoint of both HTTP APIs: each answer is a 4xx in the
/// registry's words (no .NET type, namespace or parser option) and names the field concerned.
/// </summary>
public sealed class MalformedBodyTests(MalformedBodyTests.Server shared) : IClassFixture<MalformedBodyTests.Server>
{
    private const string NativeJson = "application/json";
    private const string ConfluentJson = "application/vnd.schemaregistry.v1+json";

    private static readonly string[] Leaks = ["Registry.", "System.", ".NET", "reader options", "JsonException", "Path: $"];

    /// <summary>A write endpoint: where it is, a body it accepts, and a wrong value for each of its fields.</summary>
    /// <param name="Required">The field a message must name when <paramref name="RequiredBody"/> (default <c>{}</c>) is sent; null when <c>{}</c> is accepted.</param>
    public sealed record Endpoint(string Name, HttpMethod Method, string Path, string ContentType, string ValidBody, (string Field, string WrongValue)[] Fields, string? Required, string? RequiredBody = null)
    {
        public override string ToString() => Name;
    }

    private static readonly Endpoint[] Endpoints =
    [
        new("native register", HttpMethod.Post, "/v1/subjects/orders/versions", NativeJson, """{"schema":{"type":"object"}}""",
            [("schema", "42"), ("schema_type", "1"), ("references", "{}"), ("metadata", "[]"), ("semver", "1"), ("state", "true"),
             ("normalize", "\"yes\""), ("id", "\"7\""), ("version", "\"two\"")], "schema"),
        new("native lookup", HttpMethod.Post, "/v1/subjects/orders/lookup", NativeJson, """{"schema":{"type":"object"}}""",
            [("schema", "[1]"), ("schema_type", "{}"), ("references", "\"a\"")], "schema"),
        new("native compatibility", HttpMethod.Post, "/v1/subjects/orders/compatibility", NativeJson, """{"schema":{"type":"object"}}""",
            [("schema", "null"), ("schema_type", "false"), ("references", "1")], "schema"),
        new("native state", HttpMethod.Put, "/v1/subjects/orders/versions/1/state", NativeJson, """{"state":"DEPRECATED"}""",
            [("state", "1"), ("reason", "2"), ("sunset", "\"tomorrow\""), ("replacement", "42")], "state"),
        new("native metadata", HttpMethod.Put, "/v1/subjects/orders/versions/1/metadata", NativeJson, """{"owner":"team"}""",
            [("description", "1"), ("owner", "[]"), ("tags", "\"llm\""), ("properties", "[]")], null),
        new("native global config", HttpMethod.Put, "/v1/config", NativeJson, """{"compatibility":"FULL"}""",
            [("compatibility", "5"), ("policy", "true")], "compatibility"),
        new("native subject config", HttpMethod.Put, "/v1/config/orders", NativeJson, """{"compatibility":"FULL"}""",
            [("compatibility", "[]"), ("policy", "{}"), ("format_assertion", "\"yes\"")], "compatibility"),
        new("native global mode", HttpMethod.Put, "/v1/mode", NativeJson, """{"mode":"READWRITE"}""", [("mode", "3")], "mode"),
        new("native subject mode", HttpMethod.Put, "/v1/mode/orders", NativeJson, """{"mode":"READWRITE"}""", [("mode", "false")], "mode"),
        new("confluent register", HttpMethod.Post, "/subjects/orders/versions", ConfluentJson, """{"schemaType":"JSON","schema":"{\"type\":\"object\"}"}""",
            [("schema", "{}"), ("schemaType", "1"), ("references", "\"a\""), ("metadata", "1"), ("ruleSet", "[]"), ("id", "\"x\""), ("version", "\"two\"")],
            "schema", """{"schemaType":"JSON"}"""),
        new("confluent lookup", HttpMethod.Post, "/subjects/orders", ConfluentJson, """{"schemaType":"JSON","schema":"{\"type\":\"object\"}"}""",
            [("schema", "1"), ("schemaType", "[]"), ("references", "{}")], "schema", """{"schemaType":"JSON"}"""),
        new("confluent compatibility", HttpMethod.Post, "/compatibility/subjects/orders/versions/latest", ConfluentJson, """{"schemaType":"JSON","schema":"{\"type\":\"object\"}"}""",
            [("schema", "true"), ("schemaType", "{}"), ("references", "true")], "schema", """{"schemaType":"JSON"}"""),
        new("confluent global config", HttpMethod.Put, "/config", ConfluentJson, """{"compatibility":"FULL"}""",
            [("compatibility", "1"), ("compatibilityLevel", "[]")], "compatibility", "{}"),
        new("confluent subject config", HttpMethod.Put, "/config/orders", ConfluentJson, """{"compatibility":"FULL"}""",
            [("compatibility", "{}"), ("compatibilityLevel", "2"), ("normalize", "\"yes\""), ("compatibilityGroup", "1"), ("defaultMetadata", "[]"), ("overrideRuleSet", "\"r\"")],
            "compatibility", "{}"),
        new("confluent global mode", HttpMethod.Put, "/mode", ConfluentJson, """{"mode":"READWRITE"}""", [("mode", "1")], "mode", "{}"),
        new("confluent subject mode", HttpMethod.Put, "/mode/orders", ConfluentJson, """{"mode":"READWRITE"}""", [("mode", "[]")], "mode", "{}"),
        new("native alias", HttpMethod.Put, "/v1/subjects/orders/aliases/prod", NativeJson, """{"version":1}""",
            [("version", "\"one\""), ("protected", "\"yes\""), ("force", "1")], "version"),
    ];

    public static TheoryData<Endpoint> All { get; } = [.. Endpoints];

    /// <summary>One server for the class, with subject 'orders' at version 1. Accepted bodies change nothing the others depend on.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public InProcessServer Instance { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Instance = await InProcessServer.StartAsync();
            await Instance.Http.RegisterAsync("orders", """{"type":"object"}""");
        }

        public async ValueTask DisposeAsync() => await Instance.DisposeAsync();
    }

    private InProcessServer Instance => shared.Instance;

    private async Task<(HttpStatusCode Status, string Message)> SendAsync(Endpoint endpoint, string body)
    {
        using var request = new HttpRequestMessage(endpoint.Method, endpoint.Path)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(endpoint.ContentType);
        using var response = await Instance.Http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        foreach (var leak in Leaks)
        {
            Assert.DoesNotContain(leak, text, StringComparison.OrdinalIgnoreCase);
        }

        var message = JsonDocument.Parse(text).RootElement.GetProperty("message").GetString()!;
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{endpoint} answered {(int)response.StatusCode} to {body}: {message}");
        return (response.StatusCode, message);
    }

    /// <summary>The endpoint's fields, as they appear quoted in a message.</summary>
    private static void AssertNamesAField(Endpoint endpoint, string message)
    {
        Assert.True(endpoint.Fields.Any(f => message.Contains($"'{f.Field}'", StringComparison.Ordinal)),
            $"{endpoint}: the message names none of the fields: {message}");
    }

    private static string With(string body, string field, string value)
    {
        using var document = JsonDocument.Parse(body);
        var fields = document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText(), StringComparer.Ordinal);
        fields[field] = value;
        return "{" + string.Join(",", fields.Select(p => $"\"{p.Key}\":{p.Value}")) + "}";
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task A_body_that_fits_is_accepted(Endpoint endpoint)
    {
        using var request = new HttpRequestMessage(endpoint.Method, endpoint.Path) { Content = new StringContent(endpoint.ValidBody) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(endpoint.ContentType);
        using var response = await Instance.Http.SendAsync(request, Ct);

        Assert.True(response.IsSuccessStatusCode, $"{endpoint}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task A_wrong_type_in_each_field_names_the_field_what_it_takes_and_what_came(Endpoint endpoint)
    {
        foreach (var (field, wrong) in endpoint.Fields)
        {
            var (status, message) = await SendAsync(endpoint, With(endpoint.ValidBody, field, wrong));

            Assert.True(status == HttpStatusCode.BadRequest, $"{endpoint} {field}: {(int)status} {message}");
            Assert.Contains($"'{field}'", message, StringComparison.Ordinal);
            if (wrong != "null")
            {
                Assert.Contains(" must be ", message, StringComparison.Ordinal);
                Assert.Contains(", not ", message, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task A_misspelt_field_is_refused_with_the_right_name(Endpoint endpoint)
    {
        var (field, _) = endpoint.Fields[0];
        var misspelt = endpoint.ContentType == NativeJson ? field.ToUpperInvariant() : field.ToUpperInvariant() + "_";
        var body = "{" + endpoint.ValidBody[1..^1] + $",\"{misspelt}\":\"x\"" + "}";

        var (status, message) = await SendAsync(endpoint, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"did you mean '{field}'?", message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task A_missing_required_field_is_named(Endpoint endpoint)
    {
        if (endpoint.Required is not { } required)
        {
            using var request = new HttpRequestMessage(endpoint.Method, endpoint.Path) { Content = new StringContent("{}") };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(endpoint.ContentType);
            using var response = await Instance.Http.SendAsync(request, Ct);
            Assert.True(response.IsSuccessStatusCode, $"{endpoint} refused {{}}: {await response.Content.ReadAsStringAsync(Ct)}");
            return;
        }

        var (_, message) = await SendAsync(endpoint, endpoint.RequiredBody ?? "{}");

        Assert.Contains($"'{required}'", message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task A_trailing_comma_is_named_as_such_with_the_field_it_follows(Endpoint endpoint)
    {
        var (status, message) = await SendAsync(endpoint, endpoint.ValidBody[..^1] + ",}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("trailing comma", message, StringComparison.Ordinal);
        AssertNamesAField(endpoint, message);
    }

    [Fact]
    public async Task A_trailing_comma_after_a_nested_object_names_the_field_that_holds_it_not_the_last_one_inside()
    {
        var (status, message) = await SendAsync(Endpoints[0], """{"schema":{"type":"object"},}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("(in field 'schema')", message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task Text_that_is_not_json_says_so_and_what_the_body_should_be(Endpoint endpoint)
    {
        foreach (var body in new[] { "not json at all", "schema=x", "{'schema': 1}", "[1,2]" })
        {
            var (status, message) = await SendAsync(endpoint, body);

            Assert.Equal(HttpStatusCode.BadRequest, status);
            AssertNamesAField(endpoint, message);
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task An_empty_body_says_what_the_body_should_be(Endpoint endpoint)
    {
        foreach (var body in new[] { "", "  \n" })
        {
            var (_, message) = await SendAsync(endpoint, body);

            Assert.Contains("empty", message, StringComparison.Ordinal);
            AssertNamesAField(endpoint, message);
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task A_body_cut_short_says_so(Endpoint endpoint)
    {
        var (status, message) = await SendAsync(endpoint, endpoint.ValidBody[..^1]);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("ends before", message, StringComparison.Ordinal);
        AssertNamesAField(endpoint, message);
    }

    [Fact]
    public async Task A_nested_field_of_the_wrong_type_is_named_by_its_path()
    {
        var endpoint = Endpoints[0];

        var (_, references) = await SendAsync(endpoint, """{"schema":{},"references":[{"name":"a","subject":"b","version":"1"}]}""");
        var (_, tags) = await SendAsync(endpoint, """{"schema":{},"metadata":{"tags":["a",2]}}""");
        var (_, properties) = await SendAsync(endpoint, """{"schema":{},"metadata":{"properties":{"team":1}}}""");

        Assert.Contains("'references[0].version' must be an integer", references, StringComparison.Ordinal);
        Assert.Contains("'metadata.tags[1]' must be a string, not a number (2)", tags, StringComparison.Ordinal);
        Assert.Contains("'metadata.properties.team' must be a string", properties, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Known_confusions_get_the_right_field_name()
    {
        var (_, type) = await SendAsync(Endpoints[0], """{"schema":{},"schemaType":"JSON"}""");
        var (_, level) = await SendAsync(Endpoints[6], """{"compatibility_level":"NONE"}""");
        var (_, confluentType) = await SendAsync(Endpoints[9], """{"schema":"{}","schema_type":"JSON"}""");

        Assert.Equal("Unknown field 'schemaType'; did you mean 'schema_type'?", type);
        Assert.Equal("Unknown field 'compatibility_level'; did you mean 'compatibility'?", level);
        Assert.Equal("Unknown field 'schema_type'; did you mean 'schemaType'?", confluentType);
    }

    [Fact]
    public async Task The_confluent_api_ignores_fields_it_does_not_know_that_are_not_misspellings()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/subjects/orders/versions")
        {
            Content = new StringContent("""{"schemaType":"JSON","schema":"{\"type\":\"object\"}","schemaTagsToAdd":[],"propagateSchemaTags":false}"""),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ConfluentJson);

        using var response = await Instance.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Validation_bodies_that_are_not_json_get_the_registrys_words()
    {
        foreach (var body in new[] { "", "{\"a\":1,}", "not json", "{\"a\":" })
        {
            var (status, text) = await Instance.Http.SendAsync(HttpMethod.Post, "/v1/subjects/orders/versions/1/validate", body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            foreach (var leak in Leaks)
            {
                Assert.DoesNotContain(leak, text.GetRawText(), StringComparison.OrdinalIgnoreCase);
            }
        }
    }
}
