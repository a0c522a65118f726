namespace Registry.Cli.Tests;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("registry-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private string PersonSchema() => Write("schema.json", """
        { "type": "object", "properties": { "name": { "type": "string" }, "age": { "type": "integer", "minimum": 0 } }, "required": ["name"] }
        """);

    [Fact]
    public async Task A_valid_document_exits_with_0()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("", "validate", "--schema", PersonSchema(), Write("doc.json", """{"name": "Ada", "age": 36}"""));

        Assert.Equal(0, code);
        Assert.Equal("document: valid", stdout.Trim());
    }

    [Fact]
    public async Task An_invalid_document_exits_with_1_and_prints_each_error_with_its_location()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("", "validate", "--schema", PersonSchema(), Write("doc.json", """{"age": -1}"""));

        Assert.Equal(1, code);
        Assert.Contains("document: invalid", stdout, StringComparison.Ordinal);
        Assert.Contains("/age: ", stdout, StringComparison.Ordinal);
        Assert.Contains("[/properties/age/minimum]", stdout, StringComparison.Ordinal);
        Assert.Contains("(root): required property 'name' is missing [/required]", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_lines_from_standard_input_get_one_result_per_line()
    {
        var input = "{\"name\": \"a\"}\n{\"name\": 1}\n\n{\"name\": \"c\"}\n";

        var (code, stdout, _) = await CliRunner.RunAsync(input, "validate", "--schema", PersonSchema(), "-");

        Assert.Equal(1, code);
        Assert.Contains("line 1: valid", stdout, StringComparison.Ordinal);
        Assert.Contains("line 2: invalid", stdout, StringComparison.Ordinal);
        Assert.Contains("line 4: valid", stdout, StringComparison.Ordinal);
        Assert.Contains("3 documents: 2 valid, 1 invalid", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task All_valid_json_lines_exit_with_0()
    {
        var (code, _, _) = await CliRunner.RunAsync("{\"name\": \"a\"}\n{\"name\": \"b\"}\n", "validate", "--schema", PersonSchema(), "--jsonl", "-");

        Assert.Equal(0, code);
    }

    [Fact]
    public async Task A_malformed_document_is_bad_input_with_its_byte_offset()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("{\"name\": }", "validate", "--schema", PersonSchema(), "-");

        Assert.Equal(2, code);
        Assert.Contains("malformed JSON at byte offset 9", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_schema_is_bad_input_and_names_the_problem()
    {
        var schema = Write("bad.json", """{ "type": "object", "minProperties": -1 }""");

        var (code, _, stderr) = await CliRunner.RunAsync("{}", "validate", "--schema", schema, "-");

        Assert.Equal(2, code);
        Assert.Contains("#/minProperties", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("validate", "-")]
    [InlineData("validate", "--schema")]
    [InlineData("validate", "--schema", "s.json", "--draft", "5", "-")]
    [InlineData("validate", "--schema", "s.json", "--bogus", "-")]
    [InlineData("validate", "--schema", "missing-file.json", "-")]
    public async Task Bad_arguments_exit_with_2(params string[] args)
    {
        var (code, _, stderr) = await CliRunner.RunAsync("{}", args);

        Assert.Equal(2, code);
        Assert.StartsWith("registry validate:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Draft_and_format_assertion_options_apply()
    {
        var schema = Write("fmt.json", """{ "format": "email", "exclusiveMinimum": true, "minimum": 5 }""");

        var loose = await CliRunner.RunAsync("\"not-an-email\"", "validate", "--schema", schema, "--draft", "4", "-");
        var strict = await CliRunner.RunAsync("\"not-an-email\"", "validate", "--schema", schema, "--draft", "4", "--format-assertion", "-");
        var exclusive = await CliRunner.RunAsync("5", "validate", "--schema", schema, "--draft", "4", "-");

        Assert.Equal(0, loose.ExitCode);
        Assert.Equal(1, strict.ExitCode);
        Assert.Equal(1, exclusive.ExitCode);
    }

    [Fact]
    public async Task Relative_references_to_other_schema_files_resolve_beside_the_schema()
    {
        Write("address.json", """{ "type": "object", "required": ["city"] }""");
        var schema = Write("order.json", """{ "properties": { "shipTo": { "$ref": "address.json" } } }""");

        var valid = await CliRunner.RunAsync("""{"shipTo": {"city": "Bern"}}""", "validate", "--schema", schema, "-");
        var invalid = await CliRunner.RunAsync("""{"shipTo": {}}""", "validate", "--schema", schema, "-");

        Assert.Equal(0, valid.ExitCode);
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("[/properties/shipTo/$ref/required]", invalid.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_usage_lists_the_validate_command()
    {
        var (_, stdout, _) = await CliRunner.RunAsync("", "--help");

        Assert.Contains("validate", stdout, StringComparison.Ordinal);
    }
}
