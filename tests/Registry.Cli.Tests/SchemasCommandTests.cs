using System.Text.Json;
using System.Text.RegularExpressions;

namespace Registry.Cli.Tests;

public sealed partial class SchemasCommandTests(RemoteFixture registry) : IClassFixture<RemoteFixture>
{
    [GeneratedRegex(@"id (\d+)")]
    private static partial Regex IdPattern();

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Register_prints_the_version_and_id_and_the_same_content_again_says_so(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "register");
        var file = registry.Write(SchemaFiles.Person);

        var first = await registry.RunAsync(transport, "schemas", "register", subject, file);
        var again = await registry.RunAsync(transport, "schemas", "register", subject, file);

        Assert.Equal(0, first.ExitCode);
        Assert.StartsWith($"registered {subject} version 1 (id ", first.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, again.ExitCode);
        Assert.StartsWith($"already registered: {subject} version 1 (id ", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(IdPattern().Match(first.Stdout).Value, IdPattern().Match(again.Stdout).Value);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Register_with_json_uses_the_api_names(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "registerjson");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);

        var (code, stdout, _) = await registry.RunAsync(transport, "schemas", "register", subject, registry.Write(SchemaFiles.PersonWithEmail), "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(subject, root.GetProperty("subject").GetString());
        Assert.Equal(2, root.GetProperty("version").GetInt32());
        Assert.True(root.GetProperty("id").GetInt64() > 0);
        Assert.True(root.GetProperty("created").GetBoolean());
        Assert.Equal("MINOR", root.GetProperty("suggested_bump").GetString());
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Register_of_an_incompatible_schema_exits_with_1_and_names_the_break(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "incompatible");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);

        var (code, _, stderr) = await registry.RunAsync(transport, "schemas", "register", subject, registry.Write(SchemaFiles.PersonWithIntegerAge));

        Assert.Equal(1, code);
        Assert.StartsWith("registry schemas register: incompatible: ", stderr, StringComparison.Ordinal);
        Assert.Contains("BREAK TYPE_NARROWED #/properties/age/type", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Register_of_an_invalid_schema_exits_with_3_and_says_where(string transport)
    {
        var (code, _, stderr) = await registry.RunAsync(
            transport, "schemas", "register", RemoteFixture.Subject(transport, "invalid"), registry.Write("""{"type":"object","minProperties":-1}"""));

        Assert.Equal(3, code);
        Assert.Contains("invalid_schema", stderr, StringComparison.Ordinal);
        Assert.Contains("minProperties", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Register_of_a_file_that_is_not_json_exits_with_2_before_calling_the_server(string transport)
    {
        var (code, _, stderr) = await registry.RunAsync(transport, "schemas", "register", "x", registry.Write("""{"type": """));

        Assert.Equal(2, code);
        Assert.Contains("is not valid JSON (at line 1, byte ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Register_with_a_reference_and_metadata_is_shown_by_versions_show(string transport)
    {
        var address = RemoteFixture.Subject(transport, "address");
        var order = RemoteFixture.Subject(transport, "order");
        await registry.RegisterAsync(transport, address, """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""");
        await registry.RegisterAsync(
            transport, order, """{"type":"object","properties":{"ship_to":{"$ref":"address.json"}}}""",
            "--reference", $"address.json={address}:1", "--description", "An order", "--owner", "shop", "--tag", "llm", "--tag", "tool", "--property", "team=checkout");

        var (code, stdout, _) = await registry.RunAsync(transport, "versions", "show", order, "1", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        var reference = Assert.Single(json.RootElement.GetProperty("references").EnumerateArray());
        Assert.Equal("address.json", reference.GetProperty("name").GetString());
        Assert.Equal(address, reference.GetProperty("subject").GetString());
        var metadata = json.RootElement.GetProperty("metadata");
        Assert.Equal("An order", metadata.GetProperty("description").GetString());
        Assert.Equal("shop", metadata.GetProperty("owner").GetString());
        Assert.Equal(["llm", "tool"], metadata.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("checkout", metadata.GetProperty("properties").GetProperty("team").GetString());
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Register_with_type_tool_stores_the_canonical_tool_and_keeps_the_subjects_type(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "tool");
        var openAi = registry.Write("""{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""");
        var anthropic = registry.Write("""{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}""");

        var first = await registry.RunAsync(transport, "schemas", "register", subject, openAi, "--type", "tool");
        var again = await registry.RunAsync(transport, "schemas", "register", subject, anthropic, "--type", "TOOL");
        var json = await registry.RunAsync(transport, "schemas", "register", subject, registry.Write(SchemaFiles.Person));
        var shown = await registry.RunAsync(transport, "versions", "show", subject, "1", "--json");

        Assert.Equal(0, first.ExitCode);
        Assert.StartsWith($"already registered: {subject} version 1 ", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(3, json.ExitCode);
        Assert.Contains("schema_type_mismatch", json.Stderr, StringComparison.Ordinal);
        using var version = JsonDocument.Parse(shown.Stdout);
        Assert.Equal("TOOL", version.RootElement.GetProperty("schema_type").GetString());
        Assert.Equal("get_weather", version.RootElement.GetProperty("schema").GetProperty("name").GetString());
        Assert.True(version.RootElement.GetProperty("schema").TryGetProperty("inputSchema", out _));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Get_prints_the_schema_and_the_versions_that_use_it(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "get");
        var register = await registry.RunAsync(transport, "schemas", "register", subject, registry.Write(SchemaFiles.Person), "--json");
        using var registered = JsonDocument.Parse(register.Stdout);
        var id = registered.RootElement.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var text = await registry.RunAsync(transport, "schemas", "get", id);
        var json = await registry.RunAsync(transport, "schemas", "get", id, "--json");
        var schemaOnly = await registry.RunAsync(transport, "schemas", "get", id, "--schema-only");

        Assert.Equal(0, text.ExitCode);
        Assert.Matches($@"used by\s+{Regex.Escape(subject)} version 1", text.Stdout);
        Assert.Contains("\"additionalProperties\": false", text.Stdout, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal(id, document.RootElement.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("JSON", document.RootElement.GetProperty("schema_type").GetString());
        Assert.Equal("object", document.RootElement.GetProperty("schema").GetProperty("type").GetString());
        using var schema = JsonDocument.Parse(schemaOnly.Stdout);
        Assert.Equal("object", schema.RootElement.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Get_of_an_unknown_id_exits_with_3(string transport)
    {
        var (code, _, stderr) = await registry.RunAsync(transport, "schemas", "get", "987654");

        Assert.Equal(3, code);
        Assert.Contains("schema_not_found", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookup_finds_the_version_holding_a_schema_and_exits_with_1_when_none_does()
    {
        var subject = RemoteFixture.Subject("http", "lookup");
        await registry.RegisterAsync("http", subject, SchemaFiles.Person);
        await registry.RegisterAsync("http", subject, SchemaFiles.PersonWithEmail);

        // Same content, other whitespace and member order: the same canonical schema.
        var found = await registry.RunAsync("http", "schemas", "lookup", subject,
            registry.Write("""{ "additionalProperties": false, "required": ["name"], "type": "object", "properties": { "name": {"type":"string"}, "age": {"type":"number"} } }"""));
        var missing = await registry.RunAsync("http", "schemas", "lookup", subject, registry.Write("""{"type":"string"}"""));

        Assert.Equal(0, found.ExitCode);
        Assert.Matches($@"^{Regex.Escape(subject)} version 1 \(id \d+, ACTIVE\)", found.Stdout);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("schema_not_found", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookup_over_the_binary_protocol_says_it_is_not_available_and_exits_with_2()
    {
        var (code, _, stderr) = await registry.RunAsync("binary", "schemas", "lookup", "x", registry.Write(SchemaFiles.Person));

        Assert.Equal(2, code);
        Assert.Contains("not available over the binary protocol", stderr, StringComparison.Ordinal);
    }
}
