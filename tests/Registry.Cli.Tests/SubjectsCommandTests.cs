using System.Text.Json;

namespace Registry.Cli.Tests;

public sealed class SubjectsCommandTests(RemoteFixture registry) : IClassFixture<RemoteFixture>
{
    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task List_prints_one_subject_per_line_and_filters_by_prefix(string transport)
    {
        var prefix = RemoteFixture.Subject(transport, "list");
        await registry.RegisterAsync(transport, prefix + ".a", SchemaFiles.Person);
        await registry.RegisterAsync(transport, prefix + ".b", SchemaFiles.Person);

        var (code, stdout, _) = await registry.RunAsync(transport, "subjects", "list", "--prefix", prefix);

        Assert.Equal(0, code);
        Assert.Equal([prefix + ".a", prefix + ".b"], stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task List_with_json_prints_an_array_and_honours_the_limit(string transport)
    {
        var prefix = RemoteFixture.Subject(transport, "limit");
        await registry.RegisterAsync(transport, prefix + ".a", SchemaFiles.Person);
        await registry.RegisterAsync(transport, prefix + ".b", SchemaFiles.Person);

        var (code, stdout, _) = await registry.RunAsync(transport, "subjects", "list", "--prefix", prefix, "--limit", "1", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal([prefix + ".a"], json.RootElement.EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Show_prints_the_settings_in_force_and_a_table_of_versions(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "show");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person, "--semver", "1.0.0");
        await registry.RegisterAsync(transport, subject, SchemaFiles.PersonWithEmail, "--state", "draft");

        var (code, stdout, _) = await registry.RunAsync(transport, "subjects", "show", subject);

        Assert.Equal(0, code);
        Assert.Matches(@"compatibility\s+BACKWARD", stdout);
        Assert.Matches(@"mode\s+READWRITE", stdout);
        Assert.Matches(@"version\s+id\s+state\s+semver\s+deleted", stdout);
        Assert.Matches(@"\n\s*1\s+\d+\s+ACTIVE\s+1\.0\.0", stdout);
        Assert.Matches(@"\n\s*2\s+\d+\s+DRAFT", stdout);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Show_with_json_has_the_config_and_versions(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "showjson");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);

        var (code, stdout, _) = await registry.RunAsync(transport, "subjects", "show", subject, "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(subject, json.RootElement.GetProperty("subject").GetString());
        Assert.Equal("BACKWARD", json.RootElement.GetProperty("config").GetProperty("compatibility").GetString());
        var version = Assert.Single(json.RootElement.GetProperty("versions").EnumerateArray());
        Assert.Equal("ACTIVE", version.GetProperty("state").GetString());
        Assert.False(version.GetProperty("deleted").GetBoolean());
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Show_of_an_unknown_subject_exits_with_3_and_names_the_error(string transport)
    {
        var (code, _, stderr) = await registry.RunAsync(transport, "subjects", "show", RemoteFixture.Subject(transport, "missing"));

        Assert.Equal(3, code);
        Assert.StartsWith("registry subjects show: subject_not_found: ", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Delete_soft_deletes_and_then_permanently_removes_a_subject(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "delete");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);
        await registry.RegisterAsync(transport, subject, SchemaFiles.PersonWithEmail);

        var soft = await registry.RunAsync(transport, "subjects", "delete", subject);
        var deleted = await registry.RunAsync(transport, "subjects", "list", "--prefix", subject, "--deleted");
        var hard = await registry.RunAsync(transport, "subjects", "delete", subject, "--permanent", "--json");
        var gone = await registry.RunAsync(transport, "subjects", "list", "--prefix", subject, "--deleted");

        Assert.Equal(0, soft.ExitCode);
        Assert.Equal($"soft-deleted {subject} versions 1, 2", soft.Stdout.Trim());
        Assert.Equal(subject, deleted.Stdout.Trim());
        Assert.Equal(0, hard.ExitCode);
        using var json = JsonDocument.Parse(hard.Stdout);
        Assert.True(json.RootElement.GetProperty("permanent").GetBoolean());
        Assert.Equal([1, 2], json.RootElement.GetProperty("versions").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal("", gone.Stdout.Trim());
    }

    [Fact]
    public async Task Permanent_delete_of_a_live_subject_is_refused_with_exit_3_and_json_error()
    {
        var subject = RemoteFixture.Subject("http", "live");
        await registry.RegisterAsync("http", subject, SchemaFiles.Person);

        var (code, stdout, stderr) = await registry.RunAsync("http", "subjects", "delete", subject, "--permanent", "--json");

        Assert.Equal(3, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("subject_not_soft_deleted", json.RootElement.GetProperty("error_code").GetString());
        Assert.Contains("subject_not_soft_deleted", stderr, StringComparison.Ordinal);
    }
}
