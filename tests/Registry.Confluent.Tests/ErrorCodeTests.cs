using System.Net;

namespace Registry.Confluent.Tests;

/// <summary>
/// Every Confluent error code the API promises, each produced by a real request and checked: status, and a body of
/// exactly <c>{"error_code": int, "message": str}</c>.
/// </summary>
public sealed class ErrorCodeTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string Schema = """{"type":"object","properties":{"id":{"type":"string"}},"required":["id"],"additionalProperties":false}""";
    private const string Evolved = """{"type":"object","properties":{"id":{"type":"string"},"n":{"type":"integer"}},"required":["id"],"additionalProperties":false}""";
    private const string Incompatible = """{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}""";

    private HttpClient Http => shared.Server.Http;

    private static string Subject(string name) => $"{name}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Subject_not_found_is_40401()
    {
        var subject = Subject("missing");
        (await Http.GetRawAsync($"/subjects/{subject}/versions")).AssertError(40401);
        (await Http.GetRawAsync($"/subjects/{subject}/versions/latest")).AssertError(40401);
        (await Http.GetRawAsync($"/subjects/{subject}/versions/1")).AssertError(40401);
        (await Http.DeleteRawAsync($"/subjects/{subject}")).AssertError(40401);
        (await Http.PostRawAsync($"/subjects/{subject}", RawHttp.SchemaBody(Schema))).AssertError(40401);
        (await Http.DeleteRawAsync($"/config/{subject}")).AssertError(40401);
        (await Http.DeleteRawAsync($"/mode/{subject}")).AssertError(40401);
    }

    [Fact]
    public async Task A_subject_whose_versions_are_all_soft_deleted_is_not_found_unless_deleted_ones_are_asked_for()
    {
        var subject = Subject("soft");
        await Http.RegisterAsync(subject, Schema);
        await Http.DeleteRawAsync($"/subjects/{subject}");
        (await Http.GetRawAsync($"/subjects/{subject}/versions/1")).AssertError(40401);
        (await Http.PostRawAsync($"/subjects/{subject}", RawHttp.SchemaBody(Schema))).AssertError(40401);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetRawAsync($"/subjects/{subject}/versions/1?deleted=true")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.PostRawAsync($"/subjects/{subject}?deleted=true", RawHttp.SchemaBody(Schema))).Status);
    }

    [Fact]
    public async Task Version_not_found_is_40402()
    {
        var subject = Subject("versions");
        await Http.RegisterAsync(subject, Schema);
        (await Http.GetRawAsync($"/subjects/{subject}/versions/2")).AssertError(40402);
        (await Http.GetRawAsync($"/subjects/{subject}/versions/2/schema")).AssertError(40402);
        (await Http.DeleteRawAsync($"/subjects/{subject}/versions/7")).AssertError(40402);
        (await Http.PostRawAsync($"/compatibility/subjects/{subject}/versions/5", RawHttp.SchemaBody(Schema))).AssertError(40402);

        // Confluent answers 40402 for a numbered version even when the subject itself does not exist.
        (await Http.PostRawAsync($"/compatibility/subjects/{Subject("none")}/versions/1", RawHttp.SchemaBody(Schema))).AssertError(40402);
    }

    [Fact]
    public async Task Schema_not_found_is_40403()
    {
        var subject = Subject("schemas");
        await Http.RegisterAsync(subject, Schema);
        (await Http.GetRawAsync("/schemas/ids/987654")).AssertError(40403);
        (await Http.GetRawAsync("/schemas/ids/987654/schema")).AssertError(40403);
        (await Http.GetRawAsync("/schemas/ids/987654/subjects")).AssertError(40403);
        (await Http.GetRawAsync("/schemas/ids/987654/versions")).AssertError(40403);
        (await Http.GetRawAsync("/schemas/ids/0")).AssertError(40403);
        (await Http.PostRawAsync($"/subjects/{subject}", RawHttp.SchemaBody(Evolved))).AssertError(40403);
    }

    [Fact]
    public async Task Soft_delete_states_are_40404_to_40407()
    {
        var subject = Subject("states");
        await Http.RegisterAsync(subject, Schema);
        await Http.RegisterAsync(subject, Evolved);

        // 40407: a live version cannot be deleted permanently; 40405: nor a subject with live versions.
        (await Http.DeleteRawAsync($"/subjects/{subject}/versions/1?permanent=true")).AssertError(40407);
        (await Http.DeleteRawAsync($"/subjects/{subject}?permanent=true")).AssertError(40405);

        Assert.Equal("1", (await Http.DeleteRawAsync($"/subjects/{subject}/versions/1")).Text);
        (await Http.DeleteRawAsync($"/subjects/{subject}/versions/1")).AssertError(40406);

        Assert.Equal("[2]", (await Http.DeleteRawAsync($"/subjects/{subject}")).Text);
        (await Http.DeleteRawAsync($"/subjects/{subject}")).AssertError(40404);

        Assert.Equal("[1,2]", (await Http.DeleteRawAsync($"/subjects/{subject}?permanent=true")).Text);
        (await Http.GetRawAsync($"/subjects/{subject}/versions?deleted=true")).AssertError(40401);
    }

    [Fact]
    public async Task Subject_level_config_and_mode_not_set_are_40408_and_40409()
    {
        var subject = Subject("unset");
        (await Http.GetRawAsync($"/config/{subject}")).AssertError(40408);
        (await Http.GetRawAsync($"/mode/{subject}")).AssertError(40409);
        Assert.Equal("""{"compatibilityLevel":"BACKWARD"}""", (await Http.GetRawAsync($"/config/{subject}?defaultToGlobal=true")).Text);
        Assert.Equal("""{"mode":"READWRITE"}""", (await Http.GetRawAsync($"/mode/{subject}?defaultToGlobal=true")).Text);
    }

    [Fact]
    public async Task Incompatible_registration_is_409()
    {
        var subject = Subject("incompatible");
        await Http.RegisterAsync(subject, Schema);
        var response = await Http.PostRawAsync($"/subjects/{subject}/versions", RawHttp.SchemaBody(Incompatible));
        response.AssertError(409);
        Assert.Contains("incompatible", response.Json.GetProperty("message").GetString()!, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("""{"schemaType":"JSON","schema":"{\"type\":\"no-such-type\"}"}""", "not a valid JSON Schema")]
    [InlineData("""{"schemaType":"JSON","schema":"{not json"}""", "")]
    [InlineData("""{"schemaType":"JSON","schema":""}""", "Empty schema")]
    [InlineData("""{"schemaType":"JSON"}""", "Empty schema")]
    [InlineData("""{"schemaType":"AVRO","schema":"{\"type\":\"string\"}"}""", "AVRO is not supported yet")]
    [InlineData("""{"schemaType":"PROTOBUF","schema":"syntax = \"proto3\";"}""", "PROTOBUF is not supported yet")]
    [InlineData("""{"schema":"{\"type\":\"string\"}"}""", "AVRO")]
    [InlineData("""{"schemaType":"json","schema":"{}"}""", "Invalid schema type json")]
    [InlineData("""{"schemaType":"JSON","schema":"{}","metadata":{"properties":{"registry.x":"y"}}}""", "reserved")]
    [InlineData("""{"schemaType":"JSON","schema":"{}","references":[{"name":"a.json","version":1}]}""", "reference")]
    public async Task Invalid_or_unsupported_schemas_are_42201(string body, string messagePart)
    {
        var response = await Http.PostRawAsync($"/subjects/{Subject("invalid")}/versions", body);
        response.AssertError(42201);
        Assert.Contains(messagePart, response.Json.GetProperty("message").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_that_is_not_the_next_one_is_42201_outside_import_mode()
    {
        var subject = Subject("next");
        await Http.RegisterAsync(subject, Schema);
        (await Http.PostRawAsync($"/subjects/{subject}/versions", RawHttp.SchemaBody(Evolved, ""","version":5"""))).AssertError(42201);
        var accepted = await Http.PostRawAsync($"/subjects/{subject}/versions", RawHttp.SchemaBody(Evolved, ""","version":2"""));
        Assert.Equal(2, accepted.Json.GetProperty("version").GetInt32());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("abc")]
    [InlineData("2147483648")]
    public async Task Invalid_versions_are_42202(string version)
    {
        var subject = Subject("badversion");
        await Http.RegisterAsync(subject, Schema);
        (await Http.GetRawAsync($"/subjects/{subject}/versions/{version}")).AssertError(42202);
        (await Http.DeleteRawAsync($"/subjects/{subject}/versions/{version}")).AssertError(42202);
        (await Http.PostRawAsync($"/compatibility/subjects/{subject}/versions/{version}", RawHttp.SchemaBody(Schema))).AssertError(42202);
    }

    [Theory]
    [InlineData("""{"compatibility":"SIDEWAYS"}""")]
    [InlineData("""{"compatibility":null}""")]
    [InlineData("{}")]
    public async Task Invalid_compatibility_levels_are_42203(string body)
    {
        (await Http.PutRawAsync($"/config/{Subject("level")}", body)).AssertError(42203);
        (await Http.PutRawAsync("/config", body)).AssertError(42203);
    }

    [Theory]
    [InlineData("""{"mode":"READWRITE_PLEASE"}""")]
    [InlineData("""{"mode":"FORWARD"}""")]
    [InlineData("{}")]
    public async Task Invalid_modes_are_42204(string body)
    {
        (await Http.PutRawAsync($"/mode/{Subject("mode")}", body)).AssertError(42204);
        (await Http.PutRawAsync("/mode", body)).AssertError(42204);
    }

    [Fact]
    public async Task Operations_a_mode_forbids_are_42205()
    {
        var subject = Subject("readonly");
        await Http.RegisterAsync(subject, Schema);
        Assert.Equal("""{"mode":"READONLY"}""", (await Http.PutRawAsync($"/mode/{subject}", """{"mode":"READONLY"}""")).Text);
        (await Http.PostRawAsync($"/subjects/{subject}/versions", RawHttp.SchemaBody(Evolved))).AssertError(42205);
        var existing = await Http.PostRawAsync($"/subjects/{subject}/versions", RawHttp.SchemaBody(Schema));
        Assert.Equal((HttpStatusCode.OK, 1), (existing.Status, existing.Json.GetProperty("version").GetInt32()));
        (await Http.DeleteRawAsync($"/subjects/{subject}/versions/1")).AssertError(42205);
        (await Http.DeleteRawAsync($"/subjects/{subject}")).AssertError(42205);
        (await Http.PutRawAsync($"/config/{subject}", """{"compatibility":"NONE"}""")).AssertError(42205);
        Assert.Equal("""{"mode":"READONLY"}""", (await Http.DeleteRawAsync($"/mode/{subject}")).Text);

        // IMPORT on a subject with versions needs force=true; an explicit id needs IMPORT mode.
        (await Http.PutRawAsync($"/mode/{subject}", """{"mode":"IMPORT"}""")).AssertError(42205);
        (await Http.PostRawAsync($"/subjects/{subject}/versions", RawHttp.SchemaBody(Evolved, ""","id":500"""))).AssertError(42205);
        Assert.Equal("""{"mode":"IMPORT"}""", (await Http.PutRawAsync($"/mode/{subject}?force=true", """{"mode":"IMPORT"}""")).Text);
    }

    [Fact]
    public async Task Deleting_a_referenced_version_is_42206()
    {
        var target = Subject("target");
        var referrer = Subject("referrer");
        await Http.RegisterAsync(target, """{"type":"string"}""");
        await Http.RegisterAsync(referrer, """{"$ref":"t.json"}""", $$""","references":[{"name":"t.json","subject":"{{target}}","version":1}]""");
        (await Http.DeleteRawAsync($"/subjects/{target}/versions/1")).AssertError(42206);
        (await Http.DeleteRawAsync($"/subjects/{target}")).AssertError(42206);
    }

    [Fact]
    public async Task Invalid_subject_names_on_writes_are_42208()
    {
        var tooLong = new string('s', 256);
        (await Http.PostRawAsync($"/subjects/{tooLong}/versions", RawHttp.SchemaBody(Schema))).AssertError(42208);
        (await Http.PutRawAsync($"/config/%20padded", """{"compatibility":"NONE"}""")).AssertError(42208);
        (await Http.PutRawAsync($"/mode/{tooLong}", """{"mode":"READONLY"}""")).AssertError(42208);
    }

    [Fact]
    public async Task Framework_level_refusals_have_the_same_shape()
    {
        (await Http.GetRawAsync("/no/such/path")).AssertError(404);
        (await Http.GetRawAsync("/associations/resources/-/orders?resourceType=topic&associationType=value")).AssertError(404);
        (await Http.GetRawAsync("/schemas/ids/abc")).AssertError(404);
        (await Http.SendAsync(HttpMethod.Post, "/schemas/types", "{}")).AssertError(405);
        (await Http.SendAsync(HttpMethod.Get, "/subjects", accept: "text/html")).AssertError(406);
        (await Http.SendAsync(HttpMethod.Post, $"/subjects/{Subject("media")}/versions", RawHttp.SchemaBody(Schema), "text/plain")).AssertError(415);
        (await Http.PostRawAsync($"/subjects/{Subject("malformed")}/versions", "{\"schema\":")).AssertError(400);
        (await Http.PostRawAsync($"/subjects/{Subject("shape")}/versions", """{"schemaType":"JSON","schema":{"type":"string"}}""")).AssertError(400);
        (await Http.SendAsync(HttpMethod.Post, $"/subjects/{Subject("empty")}/versions", "", contentType: null)).AssertError(422);
    }
}

/// <summary>Error codes that need a server of their own: a small schema limit, or a store with faults switched on.</summary>
public sealed class ServerErrorCodeTests
{
    private const string Schema = """{"type":"object","properties":{"id":{"type":"string"}}}""";

    [Fact]
    public async Task A_schema_above_the_size_limit_is_42209()
    {
        await using var server = await ConfluentServer.StartAsync(new Dictionary<string, string?> { ["Registry:Engine:MaxSchemaBytes"] = "200" });
        var large = $$"""{"type":"object","description":"{{new string('x', 300)}}"}""";
        (await server.Http.PostRawAsync("/subjects/large/versions", RawHttp.SchemaBody(large))).AssertError(42209);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.PostRawAsync("/subjects/small/versions", RawHttp.SchemaBody(Schema))).Status);
    }

    [Fact]
    public async Task Store_failures_are_50001_50002_and_50003()
    {
        await using var server = await ConfluentServer.StartAsync(faultyStore: true);
        var faults = server.Faults!;
        var id = await server.Http.RegisterAsync("before", Schema);

        faults.Fault = StoreFault.Broken;
        (await server.Http.GetRawAsync("/subjects")).AssertError(50001);
        (await server.Http.PostRawAsync("/subjects/broken/versions", RawHttp.SchemaBody(Schema))).AssertError(50001);

        // A writer that loses every revision race gives up after its attempts: the write timed out.
        faults.Fault = StoreFault.AlwaysConflicting;
        (await server.Http.PostRawAsync("/subjects/contended/versions", RawHttp.SchemaBody(Schema))).AssertError(50002);

        faults.Fault = StoreFault.Unreachable;
        (await server.Http.GetRawAsync("/subjects/before/versions")).AssertError(50003);

        // Nothing was lost or half-written: with the store back, the registry answers as before.
        faults.Fault = StoreFault.None;
        Assert.Equal("""["before"]""", (await server.Http.GetRawAsync("/subjects")).Text);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetRawAsync($"/schemas/ids/{id}")).Status);
    }
}
