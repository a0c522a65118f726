using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Registry.Client;
using Registry.Protocol.Messages;
using static Registry.Server.Tests.ApiClient;

namespace Registry.Server.Tests;

/// <summary>Provider profiles over the APIs: lint, transform, the subject's required profiles and the registration rule.</summary>
public sealed class ProfileEndpointTests
{
    // Accepted by openai-strict: closed, every property required.
    private const string Strict = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}""";

    // Refused by openai-strict: open object, an optional property.
    private const string Loose = """{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city"]}""";

    [Fact]
    public async Task Profiles_are_listed_with_their_versions()
    {
        await using var server = await InProcessServer.StartAsync();
        var (status, body) = await server.Http.GetJsonAsync("/v1/profiles");

        Assert.Equal(HttpStatusCode.OK, status);
        var names = body.EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToArray();
        Assert.Equal(["openai-strict", "anthropic-strict", "gemini", "gemini-json-schema", "vllm-xgrammar", "llama-cpp-gbnf", "mcp-tool"], names);
        Assert.All(body.EnumerateArray(), p => Assert.False(string.IsNullOrEmpty(p.GetProperty("version").GetString())));
    }

    [Fact]
    public async Task Lint_names_every_violation_with_pointer_and_effect()
    {
        await using var server = await InProcessServer.StartAsync();
        var (status, body) = await server.Http.PostJsonAsync("/v1/lint?profile=openai-strict", Loose);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("openai-strict", body.GetProperty("profile").GetString());
        Assert.False(body.GetProperty("accepted").GetBoolean());
        var violations = body.GetProperty("violations").EnumerateArray()
            .Select(v => (v.GetProperty("name").GetString(), v.GetProperty("pointer").GetString(), v.GetProperty("effect").GetString())).ToArray();
        Assert.Contains(("ADDITIONAL_PROPERTIES_NOT_FALSE", "#", "rejected"), violations);
        Assert.Contains(("PROPERTY_NOT_REQUIRED", "#/properties/unit", "rejected"), violations);
        var first = body.GetProperty("violations")[0];
        Assert.StartsWith("https://", first.GetProperty("source").GetProperty("url").GetString());
        Assert.Equal(2, body.GetProperty("statistics").GetProperty("properties").GetInt32());
    }

    [Fact]
    public async Task Lint_of_an_accepted_schema_has_no_violations()
    {
        await using var server = await InProcessServer.StartAsync();
        var (status, body) = await server.Http.PostJsonAsync("/v1/lint?profile=openai-strict", Strict);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("accepted").GetBoolean());
        Assert.Equal(0, body.GetProperty("violations").GetArrayLength());
    }

    [Fact]
    public async Task Lint_refuses_a_missing_or_unknown_profile_with_400_and_a_malformed_schema_with_422()
    {
        await using var server = await InProcessServer.StartAsync();
        var (missing, missingBody) = await server.Http.PostJsonAsync("/v1/lint", Strict);
        var (unknown, unknownBody) = await server.Http.PostJsonAsync("/v1/lint?profile=gpt-9", Strict);
        var (malformed, malformedBody) = await server.Http.PostJsonAsync("/v1/lint?profile=openai-strict", """{"type": """);
        var (transform, _) = await server.Http.PostJsonAsync("/v1/transform?profile=nope", Strict);

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (missing, missingBody.ErrorCode()));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (unknown, unknownBody.ErrorCode()));
        Assert.Contains("openai-strict", unknownBody.GetProperty("message").GetString());
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "invalid_schema"), (malformed, malformedBody.ErrorCode()));
        Assert.Equal(HttpStatusCode.BadRequest, transform);
    }

    [Fact]
    public async Task Lint_of_a_registered_version_resolves_its_references()
    {
        await using var server = await InProcessServer.StartAsync();
        await server.Http.RegisterAsync("address", """{"type":"object","properties":{"street":{"type":"string"}}}""");
        await server.Http.RegisterAsync("customer",
            """{"type":"object","properties":{"home":{"$ref":"address.json"}},"required":["home"],"additionalProperties":false}""",
            """, "references":[{"name":"address.json","subject":"address","version":1}]""");

        var (status, body) = await server.Http.PostJsonAsync("/v1/subjects/customer/versions/latest/lint?profile=openai-strict", "{}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("customer", 1), (body.GetProperty("subject").GetString(), body.GetProperty("version").GetInt32()));
        var names = body.GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("name").GetString() + " " + v.GetProperty("pointer").GetString()).ToArray();

        // The referenced document is open: the violation is reported inside it.
        Assert.Contains(names, n => n!.StartsWith("ADDITIONAL_PROPERTIES_NOT_FALSE address.json#", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n!.StartsWith("REF_UNRESOLVABLE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lint_of_a_missing_version_is_404()
    {
        await using var server = await InProcessServer.StartAsync();
        var (status, body) = await server.Http.PostJsonAsync("/v1/subjects/nobody/versions/1/lint?profile=gemini", "{}");

        Assert.Equal((HttpStatusCode.NotFound, "subject_not_found"), (status, body.ErrorCode()));
    }

    [Fact]
    public async Task Transform_returns_a_strict_form_its_profile_accepts_with_the_changes()
    {
        await using var server = await InProcessServer.StartAsync();
        var (status, body) = await server.Http.PostJsonAsync("/v1/transform?profile=openai-strict", Loose);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("accepted").GetBoolean());
        var changes = body.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToArray();
        Assert.Contains("OBJECT_CLOSED", changes);
        Assert.Contains("PROPERTY_MADE_REQUIRED", changes);
        Assert.Equal(0, body.GetProperty("remaining_violations").GetArrayLength());

        // The strict form itself lints clean.
        var schema = body.GetProperty("schema").GetRawText();
        var (_, lint) = await server.Http.PostJsonAsync("/v1/lint?profile=openai-strict", schema);
        Assert.True(lint.GetProperty("accepted").GetBoolean());
    }

    [Fact]
    public async Task Transform_of_a_registered_version_reports_lost_constraints()
    {
        await using var server = await InProcessServer.StartAsync();
        await server.Http.RegisterAsync("tool", """{"type":"object","properties":{"q":{"type":"string","minLength":3}},"required":["q"]}""");

        var (status, body) = await server.Http.PostJsonAsync("/v1/subjects/tool/versions/1/transform?profile=anthropic-strict", "{}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("lost_constraints").GetInt32() >= 1);
        Assert.Contains("minLength", body.GetProperty("schema").GetProperty("properties").GetProperty("q").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Subject_profiles_are_set_read_and_cleared()
    {
        await using var server = await InProcessServer.StartAsync();
        var (setStatus, set) = await server.Http.PutJsonAsync("/v1/config/tools.weather/profiles", """{"profiles":["openai-strict","anthropic-strict"]}""");
        Assert.Equal(HttpStatusCode.OK, setStatus);
        Assert.Equal(["openai-strict", "anthropic-strict"], set.GetProperty("profiles").Strings());
        Assert.Equal(["openai-strict", "anthropic-strict"], set.GetProperty("effective").Strings());

        var (_, read) = await server.Http.GetJsonAsync("/v1/config/tools.weather/profiles");
        Assert.Equal(["openai-strict", "anthropic-strict"], read.GetProperty("profiles").Strings());

        var (_, cleared) = await server.Http.DeleteJsonAsync("/v1/config/tools.weather/profiles");
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("profiles").ValueKind);
        Assert.Empty(cleared.GetProperty("effective").Strings());
    }

    [Fact]
    public async Task Subject_profiles_refuse_unknown_names_duplicates_and_malformed_bodies()
    {
        await using var server = await InProcessServer.StartAsync();
        var (unknown, unknownBody) = await server.Http.PutJsonAsync("/v1/config/s/profiles", """{"profiles":["openai"]}""");
        var (twice, _) = await server.Http.PutJsonAsync("/v1/config/s/profiles", """{"profiles":["gemini","gemini"]}""");
        var (shape, shapeBody) = await server.Http.PutJsonAsync("/v1/config/s/profiles", """{"profiles":"gemini"}""");
        var (notJson, _) = await server.Http.PutJsonAsync("/v1/config/s/profiles", """{"profiles":[""");

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (unknown, unknownBody.ErrorCode()));
        Assert.Equal(HttpStatusCode.BadRequest, twice);
        Assert.Equal((HttpStatusCode.BadRequest, "malformed_request"), (shape, shapeBody.ErrorCode()));
        Assert.Equal(HttpStatusCode.BadRequest, notJson);
    }

    [Fact]
    public async Task A_violating_registration_is_refused_on_all_three_apis_with_the_same_violations()
    {
        await using var server = await InProcessServer.StartAsync();
        var (setStatus, _) = await server.Http.PutJsonAsync("/v1/config/tools.weather/profiles", """{"profiles":["openai-strict"]}""");
        Assert.Equal(HttpStatusCode.OK, setStatus);

        // Native HTTP: 409 incompatible, each violation as a difference named and located as the linter names it.
        var (nativeStatus, native) = await server.Http.PostJsonAsync("/v1/subjects/tools.weather/versions", $$"""{"schema":{{Loose}}}""");
        Assert.Equal((HttpStatusCode.Conflict, "incompatible"), (nativeStatus, native.ErrorCode()));
        var nativeViolations = native.GetProperty("differences").EnumerateArray()
            .Select(d => d.GetProperty("name").GetString() + " " + d.GetProperty("location").GetString()).Order().ToArray();
        Assert.Equal(["ADDITIONAL_PROPERTIES_NOT_FALSE #", "PROPERTY_NOT_REQUIRED #/properties/unit"], nativeViolations);
        Assert.Contains("openai-strict", native.GetProperty("message").GetString());

        // Confluent HTTP: 409 with the violations in the message.
        using var confluentRequest = new HttpRequestMessage(HttpMethod.Post, "/subjects/tools.weather/versions")
        {
            Content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, string> { ["schemaType"] = "JSON", ["schema"] = Loose }), Encoding.UTF8),
        };
        confluentRequest.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/vnd.schemaregistry.v1+json");
        using var confluentResponse = await server.Http.SendAsync(confluentRequest, Ct);
        var confluentText = await confluentResponse.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.Conflict, confluentResponse.StatusCode);
        Assert.Matches("ADDITIONAL_PROPERTIES_NOT_FALSE|PROPERTY_NOT_REQUIRED", confluentText);
        Assert.Contains("openai-strict", confluentText);

        // Binary protocol: INCOMPATIBLE with the same differences.
        await using var client = new RegistryClient(new RegistryClientOptions { Endpoints = [server.BinaryEndpoint.ToString()], ClientName = "profiles" });
        var refused = await Assert.ThrowsAsync<RegistryRequestException>(async () => await client.RegisterAsync(new RegisterRequest
        {
            Subject = "tools.weather",
            Schema = Encoding.UTF8.GetBytes(Loose),
        }, Ct));
        Assert.Equal(Registry.Protocol.StatusCode.Incompatible, refused.Status);
        var binaryViolations = refused.Differences.Select(d => d.Name + " " + d.Location).Order().ToArray();
        Assert.Equal(nativeViolations, binaryViolations);

        // Nothing was written; a schema the profile accepts registers.
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetJsonAsync("/v1/subjects/tools.weather/versions")).Status);
        var accepted = await server.Http.RegisterAsync("tools.weather", Strict);
        Assert.Equal(1, accepted.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Profiles_required_registry_wide_apply_unless_a_subject_sets_none()
    {
        await using var server = await InProcessServer.StartAsync();
        var registry = server.Services.GetRequiredService<Registry.Engine.Services.SchemaRegistry>();
        await registry.SetRequiredProfilesAsync(null, ["anthropic-strict"], Ct);

        var (refused, body) = await server.Http.PostJsonAsync("/v1/subjects/a/versions", """{"schema":{"type":"object","properties":{"n":{"type":"integer","minimum":1}},"additionalProperties":false}}""");
        Assert.Equal((HttpStatusCode.Conflict, "incompatible"), (refused, body.ErrorCode()));
        Assert.Contains(body.GetProperty("differences").EnumerateArray(), d => d.GetProperty("location").GetString() == "#/properties/n/minimum");

        await server.Http.PutJsonAsync("/v1/config/a/profiles", """{"profiles":[]}""");
        await server.Http.RegisterAsync("a", """{"type":"object","properties":{"n":{"type":"integer","minimum":1}},"additionalProperties":false}""");
    }
}
