using System.Text.Json;

namespace Registry.Cli.Tests;

/// <summary><c>registry alias</c>, <c>registry render</c> and <c>registry transform</c> against a server in this process.</summary>
public sealed class ArtifactCommandsTests(RemoteFixture registry) : IClassFixture<RemoteFixture>
{
    private const string Prompt = """
        {"template": "Weather in {{city}}{{#unit}} in {{unit}}{{/unit}}.",
         "variables": {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"enum": ["C", "F"]}}, "required": ["city"]}}
        """;

    private const string OpenSchema = """{"type":"object","properties":{"q":{"type":"string"},"n":{"type":"integer"}},"required":["q"]}""";

    [Fact]
    public async Task Alias_set_list_show_history_and_delete_round_trip()
    {
        var subject = RemoteFixture.Subject("http", "alias");
        await registry.RegisterAsync("http", subject, SchemaFiles.Person);
        await registry.RegisterAsync("http", subject, SchemaFiles.PersonWithEmail);

        var set = await registry.RunAsync("http", "alias", "set", subject, "production", "1");
        var moved = await registry.RunAsync("http", "alias", "set", subject, "production", "latest", "--json");
        var list = await registry.RunAsync("http", "alias", "list", subject);
        var show = await registry.RunAsync("http", "alias", "show", subject, "@production", "--json");
        var history = await registry.RunAsync("http", "alias", "history", subject, "production");
        var read = await registry.RunAsync("http", "versions", "show", subject, "@production", "--json");
        var readBinary = await registry.RunAsync("binary", "versions", "show", subject, "@production", "--json");
        var diff = await registry.RunAsync("http", "versions", "diff", subject, "1", "@production");
        var deleted = await registry.RunAsync("http", "alias", "delete", subject, "production");
        var gone = await registry.RunAsync("http", "alias", "show", subject, "production");

        Assert.Equal((0, 0, 0, 0, 0, 0, 0), (set.ExitCode, moved.ExitCode, list.ExitCode, show.ExitCode, history.ExitCode, read.ExitCode, deleted.ExitCode));
        Assert.Matches(@"alias\s+production\s*\n\s*version\s+1\s*\n\s*protected\s+no", set.Stdout);
        using (var json = JsonDocument.Parse(moved.Stdout))
        {
            Assert.Equal(2, json.RootElement.GetProperty("version").GetInt32());
        }

        Assert.Matches(@"\n\s*production\s+2\s", list.Stdout);
        using (var json = JsonDocument.Parse(show.Stdout))
        {
            Assert.Equal(("production", 2), (json.RootElement.GetProperty("name").GetString(), json.RootElement.GetProperty("version").GetInt32()));
        }

        Assert.Matches(@"\n\s*1\s+2\s", history.Stdout);
        Assert.Matches(@"\n\s*\(created\)\s+1\s", history.Stdout);
        using (var json = JsonDocument.Parse(read.Stdout))
        {
            Assert.Equal(2, json.RootElement.GetProperty("version").GetInt32());
        }

        using (var json = JsonDocument.Parse(readBinary.Stdout))
        {
            Assert.Equal(2, json.RootElement.GetProperty("version").GetInt32());
        }

        Assert.Equal(0, diff.ExitCode);
        Assert.Contains("email", diff.Stdout, StringComparison.Ordinal);
        Assert.Equal($"Deleted alias 'production' of {subject} (it pointed at version 2).\n", deleted.Stdout);
        Assert.Equal(3, gone.ExitCode);
        Assert.Equal($"registry alias show: alias_not_found: Subject '{subject}' has no alias 'production'.\n", gone.Stderr);
    }

    [Fact]
    public async Task A_protected_alias_moves_only_with_force_and_mistakes_have_plain_messages()
    {
        var subject = RemoteFixture.Subject("http", "protected");
        await registry.RegisterAsync("http", subject, SchemaFiles.Person);
        await registry.RegisterAsync("http", subject, SchemaFiles.PersonWithEmail);
        await registry.RunAsync("http", "alias", "set", subject, "stable", "1", "--protect");

        var refused = await registry.RunAsync("http", "alias", "set", subject, "stable", "2");
        var forced = await registry.RunAsync("http", "alias", "set", subject, "stable", "2", "--force", "--json");
        var missingVersion = await registry.RunAsync("http", "alias", "set", subject, "other", "9");
        var badVersion = await registry.RunAsync("http", "alias", "set", subject, "other", "x");
        var both = await registry.RunAsync("http", "alias", "set", subject, "other", "1", "--protect", "--unprotect");
        var binary = await registry.RunAsync("binary", "alias", "list", subject);

        Assert.Equal(3, refused.ExitCode);
        Assert.StartsWith("registry alias set: alias_protected: ", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, forced.ExitCode);
        Assert.Equal(3, missingVersion.ExitCode);
        Assert.Equal($"registry alias set: version_not_found: Version 9 not found in subject '{subject}'.\n", missingVersion.Stderr);
        Assert.Equal(2, badVersion.ExitCode);
        Assert.StartsWith("registry alias set: 'x' is not a version: give a number from 1, or latest\n", badVersion.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--protect and --unprotect do not go together", both.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, binary.ExitCode);
        Assert.Contains("not available over the binary protocol", binary.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_prints_the_text_of_a_prompt_and_names_each_bad_variable()
    {
        var subject = RemoteFixture.Subject("http", "prompt");
        await registry.RegisterAsync("http", subject, Prompt, "--type", "PROMPT");
        var variables = registry.Write("""{"city":"Oslo","unit":"C"}""");
        var wrong = registry.Write("""{"unit":"K"}""");
        var notJson = registry.Write("{city", "vars.txt");

        var text = await registry.RunAsync("http", "render", subject, "--vars", variables);
        var json = await registry.RunAsync("http", "render", subject, "1", "--vars", variables, "--json");
        var refused = await registry.RunAsync("http", "render", subject, "--vars", wrong);
        var badFile = await registry.RunAsync("http", "render", subject, "--vars", notJson);
        var fromStdin = await CliRunner.RunAsync("""{"city":"Rome"}""", registry.Args("http", "render", subject, "latest", "--vars", "-"));

        Assert.Equal((0, "Weather in Oslo in C.\n"), (text.ExitCode, text.Stdout));
        using (var document = JsonDocument.Parse(json.Stdout))
        {
            Assert.Equal("Weather in Oslo in C.", document.RootElement.GetProperty("text").GetString());
            Assert.Equal(1, document.RootElement.GetProperty("version").GetInt32());
        }

        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("invalid_variables", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("#/unit", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("'city'", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, badFile.ExitCode);
        Assert.Contains("is not valid JSON", badFile.Stderr, StringComparison.Ordinal);
        Assert.Equal((0, "Weather in Rome.\n"), (fromStdin.ExitCode, fromStdin.Stdout));
    }

    [Fact]
    public async Task Transform_gives_the_strict_form_of_a_file_or_a_registered_version_with_its_changes()
    {
        var subject = RemoteFixture.Subject("http", "transform");
        await registry.RegisterAsync("http", subject, OpenSchema);
        var file = registry.Write(OpenSchema);

        var text = await registry.RunAsync("http", "transform", "--profile", "openai-strict", "--schema", file);
        var schemaOnly = await registry.RunAsync("http", "transform", "--profile", "openai-strict", "--subject", subject, "--schema-only");
        var json = await registry.RunAsync("http", "transform", "--profile", "openai-strict", "--subject", subject, "--version", "1", "--json");

        Assert.Equal(0, text.ExitCode);
        Assert.Matches(@"accepted\s+yes", text.Stdout);
        Assert.Contains("OBJECT_CLOSED", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("PROPERTY_MADE_REQUIRED", text.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, schemaOnly.ExitCode);
        using (var strict = JsonDocument.Parse(schemaOnly.Stdout))
        {
            Assert.False(strict.RootElement.GetProperty("additionalProperties").GetBoolean());
            Assert.Equal(["q", "n"], strict.RootElement.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        }

        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal(subject, document.RootElement.GetProperty("subject").GetString());
        Assert.True(document.RootElement.GetProperty("accepted").GetBoolean());
        Assert.NotEmpty(document.RootElement.GetProperty("changes").EnumerateArray());
    }

    [Fact]
    public async Task An_unknown_profile_or_a_missing_schema_is_bad_input_in_the_tools_words()
    {
        var file = registry.Write(OpenSchema);

        var unknown = await registry.RunAsync("http", "transform", "--profile", "gpt-9", "--schema", file);
        var lint = await CliRunner.RunAsync("", "lint", "--profile", "gpt-9", file);
        var neither = await registry.RunAsync("http", "transform", "--profile", "openai-strict");

        Assert.Equal((2, 2, 2), (unknown.ExitCode, lint.ExitCode, neither.ExitCode));
        Assert.StartsWith("registry transform: 'gpt-9' is not a provider profile: give one of openai-strict, ", unknown.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("registry lint: 'gpt-9' is not a provider profile: give one of openai-strict, ", lint.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Argument", unknown.Stderr + lint.Stderr, StringComparison.Ordinal);
        Assert.Contains("--schema (a local file) or --subject (on the server) is required", neither.Stderr, StringComparison.Ordinal);
    }
}
