using System.Text.Json;

namespace Registry.Cli.Tests;

public sealed class CompatCommandTests : IDisposable
{
    private const string Old = """{"type":"object","properties":{"age":{"type":"number"},"name":{"type":"string"}},"additionalProperties":false}""";
    private const string Narrowed = """{"type":"object","properties":{"age":{"type":"integer"},"name":{"type":"string"}},"additionalProperties":false}""";
    private const string Widened = """{"type":"object","properties":{"age":{"type":"number"},"name":{"type":"string"},"email":{"type":"string"}},"additionalProperties":false}""";

    private readonly string _folder = Directory.CreateTempSubdirectory("registry-compat-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task Compatible_change_exits_with_0_and_says_compatible()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("", "compat", "--old", Write("old.json", Old), "--new", Write("new.json", Widened));

        Assert.Equal(0, code);
        Assert.StartsWith("compatible (BACKWARD, STRICT); suggested version bump: minor", stdout, StringComparison.Ordinal);
        Assert.Contains("PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL #/properties/email", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Incompatible_change_exits_with_1_and_names_the_difference()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("", "compat", "--old", Write("old.json", Old), "--new", Write("new.json", Narrowed));

        Assert.Equal(1, code);
        Assert.StartsWith("INCOMPATIBLE (BACKWARD, STRICT); suggested version bump: major", stdout, StringComparison.Ordinal);
        Assert.Contains("BREAK TYPE_NARROWED #/properties/age/type", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Level_option_selects_the_direction()
    {
        var old = Write("old.json", Old);
        var @new = Write("new.json", Widened);

        var forward = await CliRunner.RunAsync("", "compat", "--old", old, "--new", @new, "--level", "FORWARD");
        var full = await CliRunner.RunAsync("", "compat", "--old", old, "--new", @new, "--level=full_transitive");

        Assert.Equal(1, forward.ExitCode);
        Assert.Equal(1, full.ExitCode);
        Assert.Contains("(FULL_TRANSITIVE, STRICT)", full.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_option_decides_properties_added_to_an_open_model()
    {
        var old = Write("old.json", """{"type":"object","properties":{"a":{"type":"string"}}}""");
        var @new = Write("new.json", """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}}""");

        Assert.Equal(1, (await CliRunner.RunAsync("", "compat", "--old", old, "--new", @new)).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("", "compat", "--old", old, "--new", @new, "--policy", "LENIENT")).ExitCode);
    }

    [Fact]
    public async Task Json_option_prints_the_result_as_json()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("", "compat", "--old", Write("old.json", Old), "--new", Write("new.json", Narrowed), "--json");

        Assert.Equal(1, code);
        using var document = JsonDocument.Parse(stdout);
        var root = document.RootElement;
        Assert.False(root.GetProperty("is_compatible").GetBoolean());
        Assert.Equal("BACKWARD", root.GetProperty("level").GetString());
        Assert.Equal("STRICT", root.GetProperty("policy").GetString());
        Assert.Equal("MAJOR", root.GetProperty("suggested_bump").GetString());
        var difference = Assert.Single(root.GetProperty("differences").EnumerateArray());
        Assert.Equal("TYPE_NARROWED", difference.GetProperty("name").GetString());
        Assert.Equal("#/properties/age/type", difference.GetProperty("location").GetString());
        Assert.False(difference.GetProperty("compatible").GetBoolean());
        Assert.Contains("number to integer", difference.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, difference.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Several_old_versions_are_checked_oldest_first_at_transitive_levels()
    {
        var v1 = Write("v1.json", """{"type":"string","maxLength":10}""");
        var v2 = Write("v2.json", """{"type":"string","maxLength":3}""");
        var v3 = Write("v3.json", """{"type":"string","maxLength":5}""");

        var latest = await CliRunner.RunAsync("", "compat", "--old", v1, "--old", v2, "--new", v3);
        var all = await CliRunner.RunAsync("", "compat", "--old", v1, "--old", v2, "--new", v3, "--level", "BACKWARD_TRANSITIVE", "--json");

        Assert.Equal(0, latest.ExitCode);
        Assert.Equal(1, all.ExitCode);
        using var document = JsonDocument.Parse(all.Stdout);
        var broken = document.RootElement.GetProperty("differences").EnumerateArray().Single(d => !d.GetProperty("compatible").GetBoolean());
        Assert.Equal(v1, broken.GetProperty("earlier_file").GetString());
        Assert.Equal("MAX_LENGTH_DECREASED", broken.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Unreadable_file_exits_with_2()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("", "compat", "--old", Path.Combine(_folder, "missing.json"), "--new", Write("new.json", Old));

        Assert.Equal(2, code);
        Assert.Contains("cannot read", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_json_exits_with_2_and_names_the_file()
    {
        var bad = Write("bad.json", """{"type": "string",""");

        var (code, _, stderr) = await CliRunner.RunAsync("", "compat", "--old", Write("old.json", Old), "--new", bad);

        Assert.Equal(2, code);
        Assert.Contains("bad.json", stderr, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("""{"type": "strin"}""")]
    [InlineData("""{"properties": {"a": 5}}""")]
    [InlineData("""{"$ref": "#/$defs/missing"}""")]
    public async Task A_document_that_is_not_a_schema_exits_with_2(string notASchema)
    {
        var (code, _, stderr) = await CliRunner.RunAsync("", "compat", "--old", Write("old.json", notASchema), "--new", Write("new.json", Old));

        Assert.Equal(2, code);
        Assert.Contains("old.json is not a usable JSON Schema", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--new", "x.json")]
    [InlineData("--old", "x.json")]
    [InlineData("--old", "x.json", "--new", "y.json", "--level", "SIDEWAYS")]
    [InlineData("--old", "x.json", "--new", "y.json", "--policy", "LAX")]
    [InlineData("--old", "x.json", "--new", "y.json", "--colour")]
    [InlineData("--old", "x.json", "--new", "y.json", "--draft", "draft-05")]
    [InlineData("--old")]
    public async Task Bad_options_exit_with_2_and_point_to_the_help(params string[] options)
    {
        var (code, _, stderr) = await CliRunner.RunAsync("", ["compat", .. options]);

        Assert.Equal(2, code);
        Assert.StartsWith("registry compat: ", stderr, StringComparison.Ordinal);
        Assert.Contains("Run 'registry compat --help'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_prints_usage_and_the_command_is_listed()
    {
        var help = await CliRunner.RunAsync("", "compat", "--help");
        var overview = await CliRunner.RunAsync("", "--help");

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--policy", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("1  incompatible", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("compat", overview.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Draft_option_reads_schemas_without_schema_keyword_in_that_draft()
    {
        // A pair (string, integer) whose second member becomes a string: a draft-07 tuple; 2020-12 has no array 'items'.
        var old = Write("old.json", """{"type":"array","items":[{"type":"string"},{"type":"integer"}],"additionalItems":false}""");
        var @new = Write("new.json", """{"type":"array","items":[{"type":"string"},{"type":"string"}],"additionalItems":false}""");

        var seven = await CliRunner.RunAsync("", "compat", "--old", old, "--new", @new, "--draft", "draft-07");
        var alsoSeven = await CliRunner.RunAsync("", "compat", "--old", old, "--new", @new, "--draft", "7");
        var twenty = await CliRunner.RunAsync("", "compat", "--old", old, "--new", @new);

        Assert.Equal(1, seven.ExitCode);
        Assert.Contains("#/items/1", seven.Stdout, StringComparison.Ordinal);
        Assert.Equal(seven.Stdout, alsoSeven.Stdout);
        Assert.DoesNotContain("#/items/1", twenty.Stdout, StringComparison.Ordinal);
    }
}
