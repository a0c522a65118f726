using System.Text.Json;

namespace Registry.Cli.Tests;

/// <summary><c>registry check-output</c> against a registered version (HTTP and binary) and a local schema.</summary>
public sealed class CheckOutputCommandTests(RemoteFixture registry) : IClassFixture<RemoteFixture>
{
    private const string Fenced = "Here is the person:\n```json\n{\"name\": \"Ada\", \"age\": 36}\n```\nAnything else?";

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Output_in_prose_is_extracted_and_checked_against_the_latest_version_on_the_server(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "checkoutput");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);

        var (code, stdout, stderr) = await registry.RunAsync(transport, "check-output", "--subject", subject, registry.Write(Fenced));

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("verdict: valid", stdout, StringComparison.Ordinal);
        Assert.Contains("extracted: bytes 28..", stdout, StringComparison.Ordinal);
        Assert.Contains("(fence, candidate 1 of 1)", stdout, StringComparison.Ordinal);
        Assert.Contains($"({subject} version 1)", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task An_invalid_output_exits_1_with_the_error_and_feedback_for_the_model(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "checkinvalid");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);

        var (code, stdout, _) = await registry.RunAsync(transport, "check-output", "--subject", subject, registry.Write("""{"age": "old"}"""));

        Assert.Equal(1, code);
        Assert.Contains("verdict: invalid", stdout, StringComparison.Ordinal);
        Assert.Contains("error: ", stdout, StringComparison.Ordinal);
        Assert.Contains("name", stdout, StringComparison.Ordinal);
        Assert.Contains("feedback (", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Repairs_are_refused_unless_allowed_and_the_json_answer_lists_them(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "checkrepair");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);
        var output = registry.Write("{'name': 'Ada', 'age': 36,}");

        var refused = await registry.RunAsync(transport, "check-output", "--subject", subject, output);
        var repaired = await registry.RunAsync(transport, "check-output", "--subject", subject, "--repair", "all", "--json", output);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("needs repair: ", refused.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, repaired.ExitCode);
        using var document = JsonDocument.Parse(repaired.Stdout);
        var root = document.RootElement;
        Assert.Equal("valid", root.GetProperty("verdict").GetString());
        Assert.Equal(subject, root.GetProperty("subject").GetString());
        var kinds = root.GetProperty("repairs").EnumerateArray().Select(r => r.GetProperty("kind").GetString()).ToList();
        Assert.Contains("single_quotes", kinds);
        Assert.Contains("trailing_comma", kinds);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Under_the_openai_strict_profile_a_null_for_an_optional_property_is_absent(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "checkprofile");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);
        var output = registry.Write("""{"name": "Ada", "age": null}""");

        var plain = await registry.RunAsync(transport, "check-output", "--subject", subject, output);
        var mapped = await registry.RunAsync(transport, "check-output", "--subject", subject, "--profile", "openai-strict", output);

        Assert.Equal(1, plain.ExitCode);
        Assert.Equal(0, mapped.ExitCode);
        Assert.Contains("verdict: valid", mapped.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task A_named_version_is_used(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "checkversion");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);
        await registry.RegisterAsync(transport, subject, SchemaFiles.PersonWithEmail);
        var output = registry.Write("""{"name": "Ada", "email": "ada@example.org"}""");

        var v1 = await registry.RunAsync(transport, "check-output", "--subject", subject, "--version", "1", output);
        var v2 = await registry.RunAsync(transport, "check-output", "--subject", subject, "--version", "2", output);

        Assert.Equal(1, v1.ExitCode);
        Assert.Equal(0, v2.ExitCode);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task An_unknown_subject_exits_3_and_an_unknown_profile_exits_2(string transport)
    {
        var output = registry.Write("{}");

        var missing = await registry.RunAsync(transport, "check-output", "--subject", RemoteFixture.Subject(transport, "nobody"), output);
        var profile = await registry.RunAsync(transport, "check-output", "--subject", "anything", "--profile", "no-such-provider", output);

        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("not_found", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, profile.ExitCode);
        Assert.Contains("unknown profile 'no-such-provider'", profile.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task An_alias_written_with_its_at_sign_reaches_the_server_as_an_alias_on_every_command_and_transport(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "checkalias");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);
        await registry.RegisterAsync(transport, subject, SchemaFiles.PersonWithEmail);
        using var alias = new StringContent("{\"version\":1}", System.Text.Encoding.UTF8, "application/json");
        using var set = await registry.Server.Http.PutAsync($"/v1/subjects/{subject}/aliases/production", alias, TestContext.Current.CancellationToken);
        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var withEmail = registry.Write("""{"name":"Ada","email":"ada@example.com"}""");

        // Version 1 (the alias) refuses "email"; version 2 (latest) accepts it: the exit codes show which one answered.
        var checkAlias = await registry.RunAsync(transport, "check-output", "--subject", subject, "--version", "@production", withEmail);
        var checkLatest = await registry.RunAsync(transport, "check-output", "--subject", subject, withEmail);
        var validateAlias = await registry.RunAsync(transport, "validate", "--subject", subject, "--version", "@production", withEmail);
        var validateLatest = await registry.RunAsync(transport, "validate", "--subject", subject, withEmail);
        var lintMissing = await registry.RunAsync(transport, "lint", "--subject", subject, "--version", "@nope", "--profile", "openai-strict");

        Assert.True(checkAlias.ExitCode == 1, checkAlias.Stdout + checkAlias.Stderr);
        Assert.True(checkLatest.ExitCode == 0, checkLatest.Stdout + checkLatest.Stderr);
        Assert.True(validateAlias.ExitCode == 1, validateAlias.Stdout + validateAlias.Stderr);
        Assert.True(validateLatest.ExitCode == 0, validateLatest.Stdout + validateLatest.Stderr);
        Assert.Equal(3, lintMissing.ExitCode);
        Assert.Contains("alias_not_found", lintMissing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_local_schema_takes_the_profile_too_and_schema_with_subject_is_refused()
    {
        var schema = registry.Write(SchemaFiles.Person);
        var output = registry.Write("""{"name": "Ada", "age": null}""");

        var plain = await CliRunner.RunAsync("", "check-output", "--schema", schema, output);
        var mapped = await CliRunner.RunAsync("", "check-output", "--schema", schema, "--profile", "openai-strict", output);
        var both = await CliRunner.RunAsync("", "check-output", "--schema", schema, "--subject", "s", output);
        var neither = await CliRunner.RunAsync("", "check-output", output);

        Assert.Equal(1, plain.ExitCode);
        Assert.Equal(0, mapped.ExitCode);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("not both", both.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, neither.ExitCode);
    }
}
