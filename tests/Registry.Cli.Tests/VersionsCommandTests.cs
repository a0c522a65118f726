using System.Text.Json;

namespace Registry.Cli.Tests;

public sealed class VersionsCommandTests(RemoteFixture registry) : IClassFixture<RemoteFixture>
{
    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task List_prints_each_version_with_its_id_state_and_label(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "list");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person, "--semver", "1.0.0");
        await registry.RegisterAsync(transport, subject, SchemaFiles.PersonWithEmail, "--state", "DRAFT");

        var text = await registry.RunAsync(transport, "versions", "list", subject);
        var json = await registry.RunAsync(transport, "versions", "list", subject, "--json");

        Assert.Equal(0, text.ExitCode);
        Assert.Matches(@"\n\s*1\s+\d+\s+ACTIVE\s+1\.0\.0", text.Stdout);
        Assert.Matches(@"\n\s*2\s+\d+\s+DRAFT", text.Stdout);
        using var document = JsonDocument.Parse(json.Stdout);
        var versions = document.RootElement.EnumerateArray().ToList();
        Assert.Equal([1, 2], versions.Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal(["ACTIVE", "DRAFT"], versions.Select(v => v.GetProperty("state").GetString()));
        Assert.Equal("1.0.0", versions[0].GetProperty("semver").GetString());
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task List_with_deleted_only_shows_the_soft_deleted_versions(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "deletedonly");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);
        await registry.RegisterAsync(transport, subject, SchemaFiles.PersonWithEmail);
        await registry.Server.Http.DeleteAsync($"/v1/subjects/{subject}/versions/1", TestContext.Current.CancellationToken);

        var (code, stdout, _) = await registry.RunAsync(transport, "versions", "list", subject, "--deleted-only", "--json");

        Assert.Equal(0, code);
        using var document = JsonDocument.Parse(stdout);
        var version = Assert.Single(document.RootElement.EnumerateArray());
        Assert.Equal(1, version.GetProperty("version").GetInt32());
        Assert.True(version.GetProperty("deleted").GetBoolean());
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Show_prints_the_facts_and_the_schema_and_json_has_the_api_names(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "show");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person, "--semver", "1.2.3", "--owner", "team-a");

        var text = await registry.RunAsync(transport, "versions", "show", subject, "1");
        var json = await registry.RunAsync(transport, "versions", "show", subject, "latest", "--json");
        var schemaOnly = await registry.RunAsync(transport, "versions", "show", subject, "1", "--schema-only");

        Assert.Equal(0, text.ExitCode);
        Assert.Matches(@"state\s+ACTIVE", text.Stdout);
        Assert.Matches(@"semver\s+1\.2\.3", text.Stdout);
        Assert.Matches(@"owner\s+team-a", text.Stdout);
        Assert.Contains("\"required\": [", text.Stdout, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Stdout);
        var root = document.RootElement;
        Assert.Equal(subject, root.GetProperty("subject").GetString());
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal("JSON", root.GetProperty("schema_type").GetString());
        Assert.Equal("ACTIVE", root.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.String, root.GetProperty("created_at").ValueKind);
        Assert.Equal("object", root.GetProperty("schema").GetProperty("type").GetString());
        using var schema = JsonDocument.Parse(schemaOnly.Stdout);
        Assert.False(schema.RootElement.GetProperty("additionalProperties").GetBoolean());
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Show_of_a_version_that_does_not_exist_exits_with_3(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "noversion");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);

        var (code, _, stderr) = await registry.RunAsync(transport, "versions", "show", subject, "9");

        Assert.Equal(3, code);
        Assert.Contains("version_not_found", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_that_is_not_a_number_is_bad_input()
    {
        var (code, _, stderr) = await registry.RunAsync("http", "versions", "show", "x", "first");

        Assert.Equal(2, code);
        Assert.Contains("'first' is not a version", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task State_deprecates_with_a_reason_and_refuses_an_illegal_transition(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "state");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);

        var deprecate = await registry.RunAsync(transport, "versions", "state", subject, "1", "deprecated", "--reason", "use v2", "--replacement", "orders.v2:1");
        var shown = await registry.RunAsync(transport, "versions", "show", subject, "1", "--json");
        var archive = await registry.RunAsync(transport, "versions", "state", subject, "1", "ARCHIVED");
        var draft = await registry.RunAsync(transport, "versions", "state", subject, "1", "DRAFT");

        Assert.Equal(0, deprecate.ExitCode);
        Assert.Equal($"{subject} version 1 is DEPRECATED", deprecate.Stdout.Trim());
        using var document = JsonDocument.Parse(shown.Stdout);
        Assert.Equal("DEPRECATED", document.RootElement.GetProperty("state").GetString());
        Assert.Equal("use v2", document.RootElement.GetProperty("deprecation").GetProperty("reason").GetString());
        Assert.Equal("orders.v2:1", document.RootElement.GetProperty("deprecation").GetProperty("replacement").GetString());
        Assert.Equal(0, archive.ExitCode);
        Assert.Equal(3, draft.ExitCode);
        Assert.Contains("illegal_transition", draft.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Metadata_is_replaced_without_a_new_version_and_shown(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "metadata");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);

        var empty = await registry.RunAsync(transport, "versions", "metadata", subject, "1");
        var set = await registry.RunAsync(transport, "versions", "metadata", subject, "1", "--description", "People", "--tag", "pii", "--property", "retention=30d");
        var json = await registry.RunAsync(transport, "versions", "metadata", subject, "1", "--json");
        var versions = await registry.RunAsync(transport, "versions", "list", subject, "--json");

        Assert.Equal(0, empty.ExitCode);
        Assert.Equal($"{subject} version 1 has no metadata", empty.Stdout.Trim());
        Assert.Equal(0, set.ExitCode);
        Assert.Matches(@"description\s+People", set.Stdout);
        Assert.Matches(@"property retention\s+30d", set.Stdout);
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal("People", document.RootElement.GetProperty("description").GetString());
        Assert.Equal(["pii"], document.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        using var list = JsonDocument.Parse(versions.Stdout);
        Assert.Single(list.RootElement.EnumerateArray());
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Diff_of_a_compatible_change_names_the_differences_and_shows_the_changed_lines(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "diff");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);
        await registry.RegisterAsync(transport, subject, SchemaFiles.PersonWithEmail);

        var (code, stdout, _) = await registry.RunAsync(transport, "versions", "diff", subject, "1", "2");

        Assert.Equal(0, code);
        Assert.Contains($"{subject}: version 1 → version 2", stdout, StringComparison.Ordinal);
        Assert.Contains("compatible (BACKWARD, STRICT); suggested version bump: minor", stdout, StringComparison.Ordinal);
        Assert.Contains("ok    PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL #/properties/email", stdout, StringComparison.Ordinal);
        Assert.Contains($"--- {subject} version 1", stdout, StringComparison.Ordinal);
        Assert.Contains($"+++ {subject} version 2", stdout, StringComparison.Ordinal);
        Assert.Contains("+    \"email\": {", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Diff_of_an_incompatible_change_exits_with_1_and_lists_the_break(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "diffbreak");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);
        Assert.Equal(0, (await registry.RunAsync(transport, "config", "set", subject, "--level", "NONE")).ExitCode);
        await registry.RegisterAsync(transport, subject, SchemaFiles.PersonWithIntegerAge);
        Assert.Equal(0, (await registry.RunAsync(transport, "config", "set", subject, "--level", "BACKWARD")).ExitCode);

        var text = await registry.RunAsync(transport, "versions", "diff", subject, "1", "2");
        var json = await registry.RunAsync(transport, "versions", "diff", subject, "1", "2", "--json");

        Assert.Equal(1, text.ExitCode);
        Assert.Contains("INCOMPATIBLE (BACKWARD, STRICT); suggested version bump: major", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("BREAK TYPE_NARROWED #/properties/age/type", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("-      \"type\": \"number\"", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("+      \"type\": \"integer\"", text.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, json.ExitCode);
        using var document = JsonDocument.Parse(json.Stdout);
        var compatibility = document.RootElement.GetProperty("compatibility");
        Assert.False(compatibility.GetProperty("is_compatible").GetBoolean());
        Assert.Contains(compatibility.GetProperty("differences").EnumerateArray(), d => d.GetProperty("name").GetString() == "TYPE_NARROWED");
        Assert.Contains(document.RootElement.GetProperty("diff").EnumerateArray(), l => l.GetString()!.StartsWith("@@ ", StringComparison.Ordinal));
    }
}
