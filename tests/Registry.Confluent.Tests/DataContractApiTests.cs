using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Registry.Confluent.Tests;

/// <summary>
/// Confluent data contracts over HTTP: metadata (tags, properties, sensitive) and rule sets kept per version and
/// answered wherever Confluent answers them, counted in the schema's identity, found by metadata, and the contract
/// settings of <c>/config</c>.
/// </summary>
public sealed class DataContractApiTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string Schema = """{"type":"object","properties":{"id":{"type":"string"},"ssn":{"type":"string"}},"required":["id"],"additionalProperties":false}""";
    private const string Evolved = """{"type":"object","properties":{"id":{"type":"string"},"ssn":{"type":"string"},"n":{"type":"integer"}},"required":["id"],"additionalProperties":false}""";
    private const string Breaking = """{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}""";

    private const string Contract = """
        ,"metadata":{"tags":{"$.ssn":["PII","GDPR"]},"properties":{"owner":"team-a","major":"1"},"sensitive":["ssn"]},
        "ruleSet":{"domainRules":[{"name":"checkSsn","doc":"nine digits","kind":"CONDITION","mode":"WRITE","type":"CEL",
        "tags":["PII"],"params":{"p":"v"},"expr":"size(message.ssn) == 9","onSuccess":"NONE","onFailure":"ERROR","disabled":false}],
        "migrationRules":[{"name":"up","mode":"UPGRADE","type":"JSONATA","expr":"$"}]}
        """;

    private HttpClient Http => shared.Server.Http;

    private static string Subject(string name) => $"{name}-{Guid.NewGuid():N}";

    private static string Properties(string pairs) => ",\"metadata\":{\"properties\":{" + pairs + "}}";

    [Fact]
    public async Task Metadata_and_rules_are_kept_and_answered_by_register_read_lookup_and_id()
    {
        var subject = Subject("contract");
        var registered = await Http.PostRawAsync($"/subjects/{subject}/versions", RawHttp.SchemaBody(Schema, Contract));
        Assert.Equal(HttpStatusCode.OK, registered.Status);
        var id = registered.Json.GetProperty("id").GetInt32();
        AssertContract(registered.Json, withState: false);

        var read = (await Http.GetRawAsync($"/subjects/{subject}/versions/latest")).Json;
        AssertContract(read, withState: true);
        Assert.Equal(["subject", "version", "id", "schemaType", "metadata", "ruleSet", "schema", "ts", "deleted"], read.EnumerateObject().Select(p => p.Name).ToArray());

        var byId = (await Http.GetRawAsync($"/schemas/ids/{id}?subject={subject}")).Json;
        AssertContract(byId, withState: false);
        Assert.Equal(byId.ToString(), (await Http.GetRawAsync($"/schemas/ids/{id}")).Json.ToString());

        var looked = await Http.PostRawAsync($"/subjects/{subject}", RawHttp.SchemaBody(Schema, Contract));
        Assert.Equal((1, id), (looked.Json.GetProperty("version").GetInt32(), looked.Json.GetProperty("id").GetInt32()));
        AssertContract(looked.Json, withState: true);

        // The same text without a contract inherits the latest version's, so it is that version.
        var plainLookup = await Http.PostRawAsync($"/subjects/{subject}", RawHttp.SchemaBody(Schema));
        Assert.Equal(1, plainLookup.Json.GetProperty("version").GetInt32());
    }

    private static void AssertContract(JsonElement body, bool withState)
    {
        var metadata = body.GetProperty("metadata");
        Assert.Equal("""["GDPR","PII"]""", metadata.GetProperty("tags").GetProperty("$.ssn").GetRawText());
        var properties = metadata.GetProperty("properties");
        Assert.Equal(("team-a", "1"), (properties.GetProperty("owner").GetString(), properties.GetProperty("major").GetString()));
        Assert.Equal(withState, properties.TryGetProperty("registry.state", out _));
        Assert.Equal("""["ssn"]""", metadata.GetProperty("sensitive").GetRawText());
        var rule = body.GetProperty("ruleSet").GetProperty("domainRules")[0];
        Assert.Equal(
            """{"name":"checkSsn","doc":"nine digits","kind":"CONDITION","mode":"WRITE","type":"CEL","tags":["PII"],"params":{"p":"v"},"expr":"size(message.ssn) == 9","onSuccess":"NONE","onFailure":"ERROR","disabled":false}""",
            rule.GetRawText());
        var migration = body.GetProperty("ruleSet").GetProperty("migrationRules")[0];
        Assert.Equal(("TRANSFORM", "UPGRADE"), (migration.GetProperty("kind").GetString(), migration.GetProperty("mode").GetString()));
    }

    [Fact]
    public async Task Another_contract_is_a_new_version_with_a_new_id_and_the_same_one_is_idempotent()
    {
        var subject = Subject("identity");
        var first = await Http.RegisterAsync(subject, Schema, Properties("\"owner\":\"a\""));
        var second = await Http.RegisterAsync(subject, Schema, Properties("\"owner\":\"b\""));
        var again = await Http.PostRawAsync($"/subjects/{subject}/versions", RawHttp.SchemaBody(Schema, Properties("\"owner\":\"b\"")));

        Assert.NotEqual(first, second);
        Assert.Equal((second, 2), (again.Json.GetProperty("id").GetInt32(), again.Json.GetProperty("version").GetInt32()));
        Assert.Equal("[1,2]", (await Http.GetRawAsync($"/subjects/{subject}/versions")).Text);
        Assert.Equal("a", (await Http.GetRawAsync($"/schemas/ids/{first}")).Json.GetProperty("metadata").GetProperty("properties").GetProperty("owner").GetString());
    }

    [Fact]
    public async Task A_version_read_back_registers_again_as_the_same_version()
    {
        var subject = Subject("roundtrip");
        var id = await Http.RegisterAsync(subject, Schema, Contract);
        var read = JsonNode.Parse((await Http.GetRawAsync($"/subjects/{subject}/versions/latest")).Text)!.AsObject();
        Assert.Equal("ACTIVE", read["metadata"]!["properties"]!["registry.state"]!.GetValue<string>());

        // What clients send back: the schema info of the read (Confluent's clients drop subject, version and id).
        foreach (var name in new[] { "subject", "version", "id", "ts", "deleted" })
        {
            read.Remove(name);
        }

        var again = await Http.PostRawAsync($"/subjects/{subject}/versions", read.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal((id, 1), (again.Json.GetProperty("id").GetInt32(), again.Json.GetProperty("version").GetInt32()));
        var other = await Http.PostRawAsync($"/subjects/{subject}/versions", RawHttp.SchemaBody(Schema, Properties("\"registry.owner\":\"x\"")));
        other.AssertError(42201);
        Assert.Contains("reserved", other.Json.GetProperty("message").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Latest_with_metadata_finds_the_newest_matching_version()
    {
        var subject = Subject("bymeta");
        await Http.RegisterAsync(subject, Schema, Properties("\"major\":\"1\",\"team\":\"a\""));
        await Http.RegisterAsync(subject, Evolved, Properties("\"major\":\"2\",\"team\":\"a\""));

        var found = await Http.GetRawAsync($"/subjects/{subject}/metadata?deleted=false&&key=major&value=1");
        Assert.Equal(HttpStatusCode.OK, found.Status);
        Assert.Equal((1, "1"), (found.Json.GetProperty("version").GetInt32(), found.Json.GetProperty("metadata").GetProperty("properties").GetProperty("major").GetString()));
        Assert.Equal(2, (await Http.GetRawAsync($"/subjects/{subject}/metadata?key=team&value=a")).Json.GetProperty("version").GetInt32());
        Assert.Equal(2, (await Http.GetRawAsync($"/subjects/{subject}/metadata?key=team&value=a&key=major&value=2")).Json.GetProperty("version").GetInt32());

        (await Http.GetRawAsync($"/subjects/{subject}/metadata?key=major&value=3")).AssertError(40403);
        (await Http.GetRawAsync($"/subjects/{Subject("missing")}/metadata?key=major&value=1")).AssertError(40401);
    }

    [Fact]
    public async Task Invalid_rule_sets_are_42210()
    {
        var subject = Subject("rules");
        (await Http.PostRawAsync($"/subjects/{subject}/versions", RawHttp.SchemaBody(Schema, ""","ruleSet":{"domainRules":[{"name":"r"}]}"""))).AssertError(42210);
        (await Http.PostRawAsync($"/subjects/{subject}/versions", RawHttp.SchemaBody(Schema, ""","ruleSet":{"domainRules":[{"name":"r","type":"CEL","mode":"UPGRADE"}]}"""))).AssertError(42210);
        (await Http.PutRawAsync($"/config/{subject}", """{"defaultRuleSet":{"domainRules":[{"type":"CEL"}]}}""")).AssertError(42210);
        (await Http.GetRawAsync($"/subjects/{subject}/versions")).AssertError(40401);
    }

    [Fact]
    public async Task Config_keeps_contract_settings_and_applies_them_at_registration()
    {
        var subject = Subject("settings");
        var put = await Http.PutRawAsync($"/config/{subject}", """
            {"compatibility":"BACKWARD","normalize":true,"validateFields":false,"compatibilityGroup":"major",
             "defaultMetadata":{"properties":{"owner":"platform","major":"1"}},
             "overrideMetadata":{"properties":{"tier":"gold"}},
             "defaultRuleSet":{"domainRules":[{"name":"nonEmpty","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"message.id != ''"}]}}
            """);
        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal("BACKWARD", put.Json.GetProperty("compatibility").GetString());

        var read = (await Http.GetRawAsync($"/config/{subject}")).Json;
        Assert.Equal(("BACKWARD", true, false, "major"), (read.GetProperty("compatibilityLevel").GetString(), read.GetProperty("normalize").GetBoolean(),
            read.GetProperty("validateFields").GetBoolean(), read.GetProperty("compatibilityGroup").GetString()));
        Assert.Equal("platform", read.GetProperty("defaultMetadata").GetProperty("properties").GetProperty("owner").GetString());
        Assert.Equal("nonEmpty", read.GetProperty("defaultRuleSet").GetProperty("domainRules")[0].GetProperty("name").GetString());
        Assert.Equal(read.ToString(), (await Http.GetRawAsync($"/config/{subject}?defaultToGlobal=true")).Json.ToString());

        // Registration: normalized text, default metadata and rules, the override on top; the group allows a break.
        var v1 = await Http.PostRawAsync($"/subjects/{subject}/versions", RawHttp.SchemaBody("""{ "type": "object", "required": ["id"], "properties": {"id": {"type": "string"}} }"""));
        Assert.Equal("""{"properties":{"id":{"type":"string"}},"required":["id"],"type":"object"}""", v1.Json.GetProperty("schema").GetString());
        var properties = v1.Json.GetProperty("metadata").GetProperty("properties");
        Assert.Equal(("platform", "1", "gold"), (properties.GetProperty("owner").GetString(), properties.GetProperty("major").GetString(), properties.GetProperty("tier").GetString()));
        Assert.Equal("nonEmpty", v1.Json.GetProperty("ruleSet").GetProperty("domainRules")[0].GetProperty("name").GetString());
        (await Http.PostRawAsync($"/subjects/{subject}/versions", RawHttp.SchemaBody(Breaking))).AssertError(409);
        var major2 = await Http.PostRawAsync($"/subjects/{subject}/versions", RawHttp.SchemaBody(Breaking, Properties("\"major\":\"2\"")));
        Assert.Equal(2, major2.Json.GetProperty("version").GetInt32());

        // A member sent as null is cleared, one left out is kept; DELETE removes everything.
        var cleared = (await Http.PutRawAsync($"/config/{subject}", """{"compatibilityGroup":null,"defaultRuleSet":null}""")).Json;
        Assert.False(cleared.TryGetProperty("compatibilityGroup", out _));
        Assert.False(cleared.TryGetProperty("defaultRuleSet", out _));
        Assert.True(cleared.GetProperty("normalize").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await Http.DeleteRawAsync($"/config/{subject}")).Status);
        (await Http.GetRawAsync($"/config/{subject}")).AssertError(40408);
    }
}
