using System.Net;
using System.Text.Json;
using Registry.Testing;
using static Registry.Server.Tests.ApiClient;

namespace Registry.Server.Tests;

/// <summary>The registry's main workflow over real HTTP against a server started in this process.</summary>
public sealed class WorkflowTests
{
    private const string V1 = """{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}""";
    private const string V2 = """{"type":"object","properties":{"name":{"type":"string"},"email":{"type":"string"}},"required":["name"],"additionalProperties":false}""";
    private const string V3 = """{"type":"object","properties":{"name":{"type":"integer"},"email":{"type":"string"}},"required":["name"],"additionalProperties":false}""";
    private const string Doc = """{"name":"Ada"}""";

    [Fact]
    public async Task Register_evolve_refuse_relax_deprecate_validate_and_delete()
    {
        await using var server = await InProcessServer.StartAsync();
        var http = server.Http;

        // v1, then a compatible v2.
        var v1 = await http.RegisterAsync("customers", V1, """, "semver":"1.0.0", "metadata":{"owner":"team-crm","tags":["pii"]}""");
        Assert.Equal((1, 1L, true), (v1.GetProperty("version").GetInt32(), v1.GetProperty("id").GetInt64(), v1.GetProperty("created").GetBoolean()));
        var v2 = await http.RegisterAsync("customers", V2, """, "semver":"1.1.0" """);
        Assert.Equal(2, v2.GetProperty("version").GetInt32());
        Assert.Equal(2, v2.GetProperty("id").GetInt64());
        Assert.NotEqual("NONE", v2.GetProperty("suggested_bump").GetString());

        // Re-registering the latest content answers the existing version, 200, nothing new.
        var (againStatus, again) = await http.PostJsonAsync("/v1/subjects/customers/versions", $$"""{"schema":{{V2}}}""");
        Assert.Equal(HttpStatusCode.OK, againStatus);
        Assert.Equal((2, false), (again.GetProperty("version").GetInt32(), again.GetProperty("created").GetBoolean()));

        // An incompatible v3 is refused with the differences; nothing is written.
        var (refusedStatus, refused) = await http.PostJsonAsync("/v1/subjects/customers/versions", $$"""{"schema":{{V3}}}""");
        Assert.Equal(HttpStatusCode.Conflict, refusedStatus);
        Assert.Equal("incompatible", refused.ErrorCode());
        Assert.NotEmpty(refused.GetProperty("differences").EnumerateArray());
        Assert.Equal(2, (await http.GetJsonAsync("/v1/subjects/customers/versions")).Body.GetArrayLength());

        // Level NONE for the subject: v3 is accepted.
        var (configStatus, config) = await http.PutJsonAsync("/v1/config/customers", """{"compatibility":"NONE"}""");
        Assert.Equal(HttpStatusCode.OK, configStatus);
        Assert.Equal("NONE", config.GetProperty("effective").GetProperty("compatibility").GetString());
        var v3 = await http.RegisterAsync("customers", V3);
        Assert.Equal(3, v3.GetProperty("version").GetInt32());

        // Deprecate v1, with its reason.
        var (deprecatedStatus, deprecated) = await http.PutJsonAsync("/v1/subjects/customers/versions/1/state",
            """{"state":"DEPRECATED","reason":"email is needed","replacement":"customers:2"}""");
        Assert.Equal(HttpStatusCode.OK, deprecatedStatus);
        Assert.Equal("DEPRECATED", deprecated.GetProperty("state").GetString());
        Assert.Equal("email is needed", deprecated.GetProperty("deprecation").GetProperty("reason").GetString());

        // Validate the same document against each version.
        var one = (await http.PostJsonAsync("/v1/subjects/customers/versions/1/validate", Doc)).Body;
        var two = (await http.PostJsonAsync("/v1/subjects/customers/versions/2/validate", Doc)).Body;
        var (threeStatus, three) = await http.PostJsonAsync("/v1/subjects/customers/versions/3/validate", Doc);
        Assert.True(one.GetProperty("valid").GetBoolean());
        Assert.Contains("DEPRECATED", one.GetProperty("warning").GetString(), StringComparison.Ordinal);
        Assert.True(two.GetProperty("valid").GetBoolean());
        Assert.Equal(JsonValueKind.Null, two.GetProperty("warning").ValueKind);
        Assert.Equal(HttpStatusCode.OK, threeStatus);
        Assert.False(three.GetProperty("valid").GetBoolean());
        Assert.Equal("/name", three.GetProperty("errors")[0].GetProperty("instance_location").GetString());

        // Archive v1: validation against it is refused.
        Assert.Equal(HttpStatusCode.OK, (await http.PutJsonAsync("/v1/subjects/customers/versions/1/state", """{"state":"ARCHIVED"}""")).Status);
        var (archivedStatus, archived) = await http.PostJsonAsync("/v1/subjects/customers/versions/1/validate", Doc);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, archivedStatus);
        Assert.Equal("version_archived", archived.ErrorCode());

        // Soft delete: hidden from listings, visible with deleted=true, ids still served.
        var (softStatus, soft) = await http.DeleteJsonAsync("/v1/subjects/customers");
        Assert.Equal(HttpStatusCode.OK, softStatus);
        Assert.Equal([1, 2, 3], soft.GetProperty("versions").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Empty((await http.GetJsonAsync("/v1/subjects")).Body.EnumerateArray());
        Assert.Equal(["customers"], (await http.GetJsonAsync("/v1/subjects?deleted=true")).Body.Strings());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetJsonAsync("/v1/subjects/customers/versions/2")).Status);
        Assert.Equal(HttpStatusCode.OK, (await http.GetJsonAsync("/v1/subjects/customers/versions/2?deleted=true")).Status);
        Assert.Equal(HttpStatusCode.OK, (await http.GetJsonAsync("/v1/schemas/2")).Status);

        // Hard delete: gone, ids no longer served.
        var (hardStatus, _) = await http.DeleteJsonAsync("/v1/subjects/customers?permanent=true");
        Assert.Equal(HttpStatusCode.OK, hardStatus);
        Assert.Empty((await http.GetJsonAsync("/v1/subjects?deleted=true")).Body.EnumerateArray());
        var (goneStatus, gone) = await http.GetJsonAsync("/v1/schemas/2");
        Assert.Equal(HttpStatusCode.NotFound, goneStatus);
        Assert.Equal("schema_not_found", gone.ErrorCode());
        Assert.Equal("subject_not_found", (await http.GetJsonAsync("/v1/subjects/customers/versions")).Body.ErrorCode());
    }

    [Fact]
    public async Task A_restarted_server_on_the_same_file_finds_everything_again()
    {
        using var folder = new TemporaryDirectory("restart");
        var settings = new Dictionary<string, string?> { [InProcessServer.DatabasePathKey] = folder.File("registry.db") };
        await using (var first = await InProcessServer.StartAsync(settings))
        {
            await first.Http.RegisterAsync("address", """{"type":"object","properties":{"city":{"type":"string"}}}""");
            await first.Http.RegisterAsync("customers", V1, """, "semver":"1.0.0", "metadata":{"description":"CRM customer","properties":{"jira":"CRM-1"}}""");
            await first.Http.RegisterAsync("customers", V2);
            await first.Http.RegisterAsync("orders", """{"$ref":"address.json"}""", """, "references":[{"name":"address.json","subject":"address","version":1}]""");
            await first.Http.PutJsonAsync("/v1/subjects/customers/versions/1/state", """{"state":"DEPRECATED","reason":"old"}""");
            await first.Http.PutJsonAsync("/v1/config/orders", """{"compatibility":"FULL_TRANSITIVE","policy":"LENIENT"}""");
            await first.Http.PutJsonAsync("/v1/mode/address", """{"mode":"READONLY"}""");
        }

        await using var second = await InProcessServer.StartAsync(settings);
        var http = second.Http;

        Assert.Equal(["address", "customers", "orders"], (await http.GetJsonAsync("/v1/subjects")).Body.Strings());
        var v1 = (await http.GetJsonAsync("/v1/subjects/customers/versions/1")).Body;
        Assert.Equal("DEPRECATED", v1.GetProperty("state").GetString());
        Assert.Equal("1.0.0", v1.GetProperty("semver").GetString());
        Assert.Equal("CRM customer", v1.GetProperty("metadata").GetProperty("description").GetString());
        Assert.Equal("CRM-1", v1.GetProperty("metadata").GetProperty("properties").GetProperty("jira").GetString());
        Assert.Equal(3, (await http.GetJsonAsync("/v1/subjects/customers/versions/latest")).Body.GetProperty("id").GetInt64());
        var orders = (await http.GetJsonAsync("/v1/subjects/orders/versions/latest")).Body;
        Assert.Equal("address", orders.GetProperty("references")[0].GetProperty("subject").GetString());
        Assert.Equal(["orders"], (await http.GetJsonAsync("/v1/subjects/address/versions/1/referenced-by")).Body.EnumerateArray().Select(e => e.GetProperty("subject").GetString()));
        var config = (await http.GetJsonAsync("/v1/config/orders")).Body.GetProperty("stored");
        Assert.Equal(("FULL_TRANSITIVE", "LENIENT"), (config.GetProperty("compatibility").GetString(), config.GetProperty("policy").GetString()));
        Assert.Equal("READONLY", (await http.GetJsonAsync("/v1/mode/address")).Body.GetProperty("mode").GetString());
        Assert.Equal(V1, await http.GetStringAsync("/v1/schemas/2/schema", Ct));
        var valid = (await http.PostJsonAsync("/v1/subjects/customers/versions/1/validate", Doc)).Body;
        Assert.True(valid.GetProperty("valid").GetBoolean());
        Assert.NotNull(valid.GetProperty("warning").GetString());

        // Ids continue after the highest one, with no gap.
        Assert.Equal(5, (await http.RegisterAsync("more", """{"type":"boolean"}""")).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task A_subject_name_with_a_slash_or_unicode_is_addressed_with_escapes()
    {
        await using var server = await InProcessServer.StartAsync();
        var http = server.Http;

        await http.RegisterAsync("team/orders.créés", """{"type":"string"}""");

        var (status, version) = await http.GetJsonAsync($"/v1/subjects/{Uri.EscapeDataString("team/orders.créés")}/versions/1");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("team/orders.créés", version.GetProperty("subject").GetString());
        Assert.Equal(["team/orders.créés"], (await http.GetJsonAsync("/v1/subjects?prefix=team%2F")).Body.Strings());
    }
}
