using System.Net;
using System.Text.Json;

namespace Registry.Confluent.Tests;

/// <summary>Conventions of the Confluent API that clients rely on: media types, query parameters, names, shapes.</summary>
public sealed class ConfluentApiTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string Schema = """{"type":"object","properties":{"id":{"type":"string"}},"required":["id"],"additionalProperties":false}""";
    private const string Evolved = """{"type":"object","properties":{"id":{"type":"string"},"n":{"type":"integer"}},"required":["id"],"additionalProperties":false}""";

    private HttpClient Http => shared.Server.Http;

    private static string Subject(string name) => $"{name}-{Guid.NewGuid():N}";

    [Theory]
    [InlineData("application/vnd.schemaregistry.v1+json")]
    [InlineData("application/vnd.schemaregistry+json")]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/octet-stream")]
    [InlineData(null)]
    public async Task Request_bodies_are_read_with_any_of_Confluents_media_types_or_none(string? contentType)
    {
        var response = await Http.SendAsync(HttpMethod.Post, $"/subjects/{Subject("media")}/versions", RawHttp.SchemaBody(Schema), contentType);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.True(response.Json.GetProperty("id").GetInt32() > 0);
    }

    [Theory]
    [InlineData(null, "application/vnd.schemaregistry.v1+json")]
    [InlineData("*/*", "application/vnd.schemaregistry.v1+json")]
    [InlineData("application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json", "application/vnd.schemaregistry.v1+json")]
    [InlineData("application/json", "application/json")]
    [InlineData("application/vnd.schemaregistry+json", "application/vnd.schemaregistry+json")]
    [InlineData("application/json, application/vnd.schemaregistry.v1+json;q=0.5", "application/json")]
    [InlineData("text/html, application/*;q=0.2", "application/vnd.schemaregistry.v1+json")]
    public async Task Responses_are_vnd_schemaregistry_v1_json_unless_the_client_prefers_another(string? accept, string expected)
    {
        var response = await Http.SendAsync(HttpMethod.Get, "/schemas/types", accept: accept);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(expected, response.MediaType);
        Assert.Equal("""["JSON"]""", response.Text);
    }

    [Fact]
    public async Task Register_and_read_bodies_have_Confluents_field_names()
    {
        var subject = Subject("shape");
        var registered = await Http.PostRawAsync($"/subjects/{subject}/versions", RawHttp.SchemaBody(Schema));
        var id = registered.Json.GetProperty("id").GetInt32();
        Assert.Equal(["id", "version", "schemaType", "schema"], Names(registered.Json));

        var byId = await Http.GetRawAsync($"/schemas/ids/{id}");
        Assert.Equal(["schemaType", "schema"], Names(byId.Json));
        Assert.Equal("JSON", byId.Json.GetProperty("schemaType").GetString());
        Assert.Equal(Schema, byId.Json.GetProperty("schema").GetString());

        var version = await Http.GetRawAsync($"/subjects/{subject}/versions/latest");
        Assert.Equal(["subject", "version", "id", "schemaType", "metadata", "schema", "ts", "deleted"], Names(version.Json));
        Assert.Equal("ACTIVE", version.Json.GetProperty("metadata").GetProperty("properties").GetProperty("registry.state").GetString());
        Assert.Equal((subject, 1, id), (version.Json.GetProperty("subject").GetString(), version.Json.GetProperty("version").GetInt32(), version.Json.GetProperty("id").GetInt32()));
        Assert.Equal(version.Text, (await Http.GetRawAsync($"/subjects/{subject}/versions/-1")).Text);
        Assert.Equal(version.Text, (await Http.GetRawAsync($"/subjects/{subject}/versions/1")).Text);

        // The raw schema endpoints answer the document itself, not a JSON string.
        Assert.Equal(Schema, (await Http.GetRawAsync($"/subjects/{subject}/versions/1/schema")).Text);
        Assert.Equal(Schema, (await Http.GetRawAsync($"/schemas/ids/{id}/schema")).Text);
    }

    [Fact]
    public async Task The_Dotnet_clients_request_shape_with_nulls_and_capitalised_booleans_is_accepted()
    {
        var subject = Subject("dotnet");
        var body = $$"""{"schema":{{JsonSerializer.Serialize(Schema)}},"references":[],"schemaType":"JSON","metadata":null,"ruleSet":null}""";
        var registered = await Http.PostRawAsync($"/subjects/{subject}/versions?normalize=False", body);
        Assert.Equal(HttpStatusCode.OK, registered.Status);
        var looked = await Http.PostRawAsync($"/subjects/{subject}?normalize=False&deleted=False", body);
        Assert.Equal(registered.Json.GetProperty("id").GetInt32(), looked.Json.GetProperty("id").GetInt32());

        await Http.DeleteRawAsync($"/subjects/{subject}/versions/1");
        Assert.Equal(HttpStatusCode.OK, (await Http.GetRawAsync($"/subjects/{subject}/versions/1?deleted=True")).Status);
        (await Http.GetRawAsync($"/subjects/{subject}/versions/1?deleted=False")).AssertError(40401);
    }

    [Fact]
    public async Task Unknown_query_parameters_and_a_content_type_on_a_get_are_ignored()
    {
        var subject = Subject("kafkajs");
        await Http.RegisterAsync(subject, Schema);
        var response = await Http.SendAsync(HttpMethod.Get, $"/subjects/{subject}/versions/1?name=address.json&format=whatever", body: null);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/subjects/{subject}/versions/latest");
        request.Content = new StringContent(string.Empty);
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.schemaregistry.v1+json");
        using var withType = await Http.SendAsync(request, RawHttp.Ct);
        Assert.Equal(HttpStatusCode.OK, withType.StatusCode);
    }

    [Theory]
    [InlineData("team/orders-value")]
    [InlineData("JSON:B")]
    [InlineData(":.ctx:orders")]
    [InlineData("literal%2Fpercent")]
    [InlineData("ünïcode-value")]
    public async Task Percent_encoded_subject_names_round_trip(string name)
    {
        var subject = $"{name}-{Guid.NewGuid():N}";
        var encoded = Uri.EscapeDataString(subject);
        var id = await Http.RegisterAsync(subject, Schema);
        var version = await Http.GetRawAsync($"/subjects/{encoded}/versions/latest");
        Assert.Equal(subject, version.Json.GetProperty("subject").GetString());
        Assert.Equal(id, version.Json.GetProperty("id").GetInt32());
        Assert.Contains(subject, (await Http.GetRawAsync("/subjects")).Json.EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonSerializer.Serialize(new[] { subject }), (await Http.GetRawAsync($"/schemas/ids/{id}/subjects")).Text.Contains(subject, StringComparison.Ordinal) ? JsonSerializer.Serialize(new[] { subject }) : "missing");
        Assert.Equal("""{"compatibility":"NONE"}""", (await Http.PutRawAsync($"/config/{encoded}", """{"compatibility":"NONE"}""")).Text);
        Assert.Equal("""{"compatibilityLevel":"NONE"}""", (await Http.GetRawAsync($"/config/{encoded}")).Text);
    }

    [Fact]
    public async Task Subject_listing_filters_by_prefix_deletion_and_pages()
    {
        var prefix = $"list-{Guid.NewGuid():N}-";
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            await Http.RegisterAsync(prefix + name, Schema);
        }

        await Http.DeleteRawAsync($"/subjects/{prefix}b");
        Assert.Equal(Json(prefix + "a", prefix + "c", prefix + "d"), (await Http.GetRawAsync($"/subjects?subjectPrefix={prefix}")).Text);
        Assert.Equal(Json(prefix + "a", prefix + "b", prefix + "c", prefix + "d"), (await Http.GetRawAsync($"/subjects?subjectPrefix={prefix}&deleted=true")).Text);
        Assert.Equal(Json(prefix + "b"), (await Http.GetRawAsync($"/subjects?subjectPrefix={prefix}&deletedOnly=true")).Text);
        Assert.Equal(Json(prefix + "c", prefix + "d"), (await Http.GetRawAsync($"/subjects?subjectPrefix={prefix}&offset=1&limit=5")).Text);
        Assert.Equal(Json(prefix + "a"), (await Http.GetRawAsync($"/subjects?subjectPrefix={prefix}&limit=1")).Text);
        Assert.Contains(prefix + "a", (await Http.GetRawAsync("/subjects?subjectPrefix=:*:")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_listing_shows_deleted_versions_on_request()
    {
        var subject = Subject("versions");
        await Http.RegisterAsync(subject, Schema);
        await Http.RegisterAsync(subject, Evolved);
        await Http.DeleteRawAsync($"/subjects/{subject}/versions/1");
        Assert.Equal("[2]", (await Http.GetRawAsync($"/subjects/{subject}/versions")).Text);
        Assert.Equal("[1,2]", (await Http.GetRawAsync($"/subjects/{subject}/versions?deleted=true")).Text);
        Assert.Equal("[1]", (await Http.GetRawAsync($"/subjects/{subject}/versions?deletedOnly=true")).Text);
        Assert.Equal("[-1,2]", (await Http.GetRawAsync($"/subjects/{subject}/versions?deleted=true&deletedAsNegative=true")).Text);
        Assert.Equal("[2]", (await Http.GetRawAsync($"/subjects/{subject}/versions?deleted=true&offset=1")).Text);

        // A soft-deleted version keeps its number: the next registration is version 3.
        await Http.DeleteRawAsync($"/subjects/{subject}/versions/2");
        var third = await Http.PostRawAsync($"/subjects/{subject}/versions", RawHttp.SchemaBody("""{"type":"object"}"""));
        Assert.Equal(3, third.Json.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Schema_ids_list_their_subjects_and_versions_and_soft_deleted_ones_keep_resolving()
    {
        var first = Subject("first");
        var second = Subject("second");
        var own = $$"""{"title":"{{Guid.NewGuid():N}}","type":"string"}""";
        var id = await Http.RegisterAsync(first, own);
        Assert.Equal(id, await Http.RegisterAsync(second, own));
        Assert.Equal(Json(first, second), (await Http.GetRawAsync($"/schemas/ids/{id}/subjects")).Text);
        Assert.Equal($$"""[{"subject":"{{first}}","version":1},{"subject":"{{second}}","version":1}]""", (await Http.GetRawAsync($"/schemas/ids/{id}/versions")).Text);

        await Http.DeleteRawAsync($"/subjects/{first}");
        Assert.Equal(Json(second), (await Http.GetRawAsync($"/schemas/ids/{id}/subjects")).Text);
        Assert.Equal(Json(first, second), (await Http.GetRawAsync($"/schemas/ids/{id}/subjects?deleted=true")).Text);
        await Http.DeleteRawAsync($"/subjects/{second}");
        Assert.Equal("[]", (await Http.GetRawAsync($"/schemas/ids/{id}/versions")).Text);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetRawAsync($"/schemas/ids/{id}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetRawAsync($"/schemas/ids/{id}?subject={first}&fetchMaxId=true")).Status);
    }

    [Fact]
    public async Task Schema_listing_filters_by_prefix_and_latest_only()
    {
        var prefix = $"all-{Guid.NewGuid():N}-";
        await Http.RegisterAsync(prefix + "a", Schema);
        await Http.RegisterAsync(prefix + "a", Evolved);
        await Http.RegisterAsync(prefix + "b", Schema);
        var all = (await Http.GetRawAsync($"/schemas?subjectPrefix={prefix}")).Json;
        Assert.Equal([(prefix + "a", 1), (prefix + "a", 2), (prefix + "b", 1)],
            all.EnumerateArray().Select(e => (e.GetProperty("subject").GetString()!, e.GetProperty("version").GetInt32())).ToArray());
        var latest = (await Http.GetRawAsync($"/schemas?subjectPrefix={prefix}&latestOnly=true")).Json;
        Assert.Equal([(prefix + "a", 2), (prefix + "b", 1)],
            latest.EnumerateArray().Select(e => (e.GetProperty("subject").GetString()!, e.GetProperty("version").GetInt32())).ToArray());
        Assert.Single((await Http.GetRawAsync($"/schemas?subjectPrefix={prefix}&offset=1&limit=1")).Json.EnumerateArray());
    }

    [Fact]
    public async Task Compatibility_checks_answer_is_compatible_with_messages_when_verbose()
    {
        var subject = Subject("compat");
        await Http.RegisterAsync(subject, Schema);
        var incompatible = RawHttp.SchemaBody("""{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}""");
        Assert.Equal("""{"is_compatible":false}""", (await Http.PostRawAsync($"/compatibility/subjects/{subject}/versions/latest", incompatible)).Text);
        var verbose = (await Http.PostRawAsync($"/compatibility/subjects/{subject}/versions/latest?verbose=true", incompatible)).Json;
        Assert.False(verbose.GetProperty("is_compatible").GetBoolean());
        Assert.NotEmpty(verbose.GetProperty("messages").EnumerateArray());
        Assert.Equal("""{"is_compatible":true}""", (await Http.PostRawAsync($"/compatibility/subjects/{subject}/versions", RawHttp.SchemaBody(Evolved))).Text);
        Assert.Equal("""{"is_compatible":true,"messages":[]}""", (await Http.PostRawAsync($"/compatibility/subjects/{subject}/versions/1?verbose=true", RawHttp.SchemaBody(Evolved))).Text);

        // Nothing to be compatible with: compatible. An unreadable schema, verbose: incompatible with the reason.
        Assert.Equal("""{"is_compatible":true}""", (await Http.PostRawAsync($"/compatibility/subjects/{Subject("none")}/versions/latest", RawHttp.SchemaBody(Schema))).Text);
        var broken = (await Http.PostRawAsync($"/compatibility/subjects/{subject}/versions/latest?verbose=true", RawHttp.SchemaBody("""{"type":7}"""))).Json;
        Assert.False(broken.GetProperty("is_compatible").GetBoolean());
        Assert.Single(broken.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task Subject_config_and_mode_are_set_read_and_deleted()
    {
        var subject = Subject("scoped");
        Assert.Equal("""{"compatibility":"FORWARD"}""", (await Http.PutRawAsync($"/config/{subject}", """{"compatibility":"forward"}""")).Text);
        Assert.Equal("""{"compatibilityLevel":"FORWARD"}""", (await Http.GetRawAsync($"/config/{subject}")).Text);
        Assert.Equal("""{"compatibilityLevel":"FORWARD"}""", (await Http.DeleteRawAsync($"/config/{subject}")).Text);
        (await Http.GetRawAsync($"/config/{subject}")).AssertError(40408);

        Assert.Equal("""{"mode":"READONLY"}""", (await Http.PutRawAsync($"/mode/{subject}", """{"mode":"readonly"}""")).Text);
        Assert.Equal("""{"mode":"READONLY"}""", (await Http.GetRawAsync($"/mode/{subject}")).Text);
        Assert.Equal("""{"mode":"READONLY"}""", (await Http.DeleteRawAsync($"/mode/{subject}")).Text);
        (await Http.GetRawAsync($"/mode/{subject}")).AssertError(40409);
    }

    [Fact]
    public async Task Metadata_properties_are_kept_with_the_version()
    {
        var subject = Subject("metadata");
        var registered = await Http.PostRawAsync($"/subjects/{subject}/versions",
            RawHttp.SchemaBody(Schema, ""","metadata":{"properties":{"owner":"team-a","tier":"gold"}}"""));
        Assert.Equal(HttpStatusCode.OK, registered.Status);
        var version = (await Http.GetRawAsync($"/subjects/{subject}/versions/1")).Json;
        Assert.Equal("team-a", version.GetProperty("metadata").GetProperty("properties").GetProperty("owner").GetString());
    }

    [Fact]
    public async Task Reference_to_version_minus_one_means_the_latest_version()
    {
        var target = Subject("target");
        await Http.RegisterAsync(target, """{"type":"string","maxLength":10}""");
        await Http.RegisterAsync(target, """{"type":"string"}""");
        var referrer = Subject("referrer");
        var id = await Http.RegisterAsync(referrer, """{"$ref":"t.json"}""", $$""","references":[{"name":"t.json","subject":"{{target}}","version":-1}]""");
        var reference = (await Http.GetRawAsync($"/schemas/ids/{id}")).Json.GetProperty("references")[0];
        Assert.Equal(2, reference.GetProperty("version").GetInt32());
        Assert.Equal($"[{id}]", (await Http.GetRawAsync($"/subjects/{target}/versions/2/referencedby")).Text);
        Assert.Equal("[]", (await Http.GetRawAsync($"/subjects/{target}/versions/1/referencedby")).Text);
    }

    [Fact]
    public async Task Root_contexts_and_server_metadata_answer()
    {
        Assert.Equal("{}", (await Http.GetRawAsync("/")).Text);
        Assert.Equal("{}", (await Http.PostRawAsync("/", """{"a":"b"}""")).Text);
        Assert.Equal("""["."]""", (await Http.GetRawAsync("/contexts")).Text);
        Assert.Equal("schema-registry", (await Http.GetRawAsync("/v1/metadata/id")).Json.GetProperty("scope").GetProperty("clusters").GetProperty("schema-registry-cluster").GetString());
        Assert.False(string.IsNullOrEmpty((await Http.GetRawAsync("/v1/metadata/version")).Json.GetProperty("version").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await Http.GetRawAsync("/subjects/")).Status);

        // The native API keeps its own conventions beside the Confluent one.
        var native = await Http.GetRawAsync("/v1/no-such-endpoint");
        Assert.Equal("not_found", native.Json.GetProperty("error_code").GetString());
    }

    private static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    private static string Json(params string[] values) => JsonSerializer.Serialize(values);
}

/// <summary>Registry-wide config and mode, on a server of their own (they change what every subject sees).</summary>
public sealed class GlobalSettingsTests
{
    [Fact]
    public async Task Global_config_is_set_read_and_reset_to_the_default()
    {
        await using var server = await ConfluentServer.StartAsync();
        var http = server.Http;
        Assert.Equal("""{"compatibilityLevel":"BACKWARD"}""", (await http.GetRawAsync("/config")).Text);
        Assert.Equal("""{"compatibility":"FULL"}""", (await http.PutRawAsync("/config", """{"compatibility":"FULL"}""")).Text);
        Assert.Equal("""{"compatibilityLevel":"FULL"}""", (await http.GetRawAsync("/config")).Text);
        Assert.Equal("""{"compatibilityLevel":"FULL"}""", (await http.GetRawAsync("/config/anything?defaultToGlobal=true")).Text);
        Assert.Equal("""{"compatibilityLevel":"FULL"}""", (await http.DeleteRawAsync("/config")).Text);
        Assert.Equal("""{"compatibilityLevel":"BACKWARD"}""", (await http.GetRawAsync("/config")).Text);
    }

    [Fact]
    public async Task Global_mode_gates_writes_and_import_needs_force_where_schemas_exist()
    {
        await using var server = await ConfluentServer.StartAsync();
        var http = server.Http;
        Assert.Equal("""{"mode":"READWRITE"}""", (await http.GetRawAsync("/mode")).Text);
        Assert.Equal("""{"mode":"IMPORT"}""", (await http.PutRawAsync("/mode", """{"mode":"IMPORT"}""")).Text);

        // IMPORT: explicit ids and versions are kept.
        var imported = await http.PostRawAsync("/subjects/imported/versions", RawHttp.SchemaBody("""{"type":"string"}""", ""","id":42,"version":7"""));
        Assert.Equal((42, 7), (imported.Json.GetProperty("id").GetInt32(), imported.Json.GetProperty("version").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, (await http.GetRawAsync("/schemas/ids/42")).Status);

        Assert.Equal("""{"mode":"READONLY"}""", (await http.PutRawAsync("/mode", """{"mode":"READONLY"}""")).Text);
        (await http.PostRawAsync("/subjects/other/versions", RawHttp.SchemaBody("""{"type":"number"}"""))).AssertError(42205);
        (await http.PutRawAsync("/config", """{"compatibility":"NONE"}""")).AssertError(42205);
        Assert.Equal("""{"mode":"READONLY"}""", (await http.DeleteRawAsync("/mode")).Text);
        Assert.Equal("""{"mode":"READWRITE"}""", (await http.GetRawAsync("/mode")).Text);
        (await http.PutRawAsync("/mode", """{"mode":"IMPORT"}""")).AssertError(42205);
        Assert.Equal("""{"mode":"IMPORT"}""", (await http.PutRawAsync("/mode?force=true", """{"mode":"IMPORT"}""")).Text);
    }
}
