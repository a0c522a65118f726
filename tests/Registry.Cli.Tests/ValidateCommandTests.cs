using System.Text.Json;

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
    public async Task A_valid_document_exits_with_0_and_is_labelled_with_its_file()
    {
        var document = Write("doc.json", """{"name": "Ada", "age": 36}""");

        var (code, stdout, _) = await CliRunner.RunAsync("", "validate", "--schema", PersonSchema(), document);

        Assert.Equal(0, code);
        Assert.Equal($"{document}: valid", stdout.Trim());
    }

    [Fact]
    public async Task An_invalid_document_exits_with_1_and_prints_each_error_with_its_location()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("", "validate", "--schema", PersonSchema(), Write("doc.json", """{"age": -1}"""));

        Assert.Equal(1, code);
        Assert.Contains("doc.json: invalid", stdout, StringComparison.Ordinal);
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
    public async Task Draft_07_option_reads_tuples_and_dependencies_as_confluent_does()
    {
        var schema = Write("pair.json", """{"type":"array","items":[{"type":"string"},{"type":"integer"}],"additionalItems":false}""");
        var dependent = Write("dependent.json", """{"type":"object","dependencies":{"a":["b"]}}""");
        var refSibling = Write("ref.json", """{"definitions":{"code":{"type":"string"}},"$ref":"#/definitions/code","maxLength":2}""");

        var pair = await CliRunner.RunAsync("[\"a\", 1]", "validate", "--schema", schema, "--draft", "draft-07", "-");
        var longer = await CliRunner.RunAsync("[\"a\", 1, 2]", "validate", "--schema", schema, "--draft", "draft-07", "-");
        var missing = await CliRunner.RunAsync("{\"a\": 1}", "validate", "--schema", dependent, "--draft", "draft-07", "-");
        var siblingIgnored = await CliRunner.RunAsync("\"abc\"", "validate", "--schema", refSibling, "--draft", "draft-07", "-");
        var siblingApplied = await CliRunner.RunAsync("\"abc\"", "validate", "--schema", refSibling, "-");

        Assert.Equal(0, pair.ExitCode);
        Assert.Equal(1, longer.ExitCode);
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal(0, siblingIgnored.ExitCode);
        Assert.Equal(1, siblingApplied.ExitCode);
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

    [Fact]
    public async Task Many_files_are_each_labelled_with_their_name_and_counted()
    {
        var schema = PersonSchema();
        var good = Write("good.json", """{"name": "a"}""");
        var bad = Write("bad.json", """{"name": 1}""");

        var (code, stdout, _) = await CliRunner.RunAsync("", "validate", "--schema", schema, good, bad);

        Assert.Equal(1, code);
        Assert.Contains($"{good}: valid", stdout, StringComparison.Ordinal);
        Assert.Contains($"{bad}: invalid", stdout, StringComparison.Ordinal);
        Assert.Contains("2 documents: 1 valid, 1 invalid", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_glob_pattern_is_expanded_recursively_and_in_order()
    {
        var schema = PersonSchema();
        Directory.CreateDirectory(Path.Combine(_directory, "docs", "nested"));
        Write(Path.Combine("docs", "b.json"), """{"name": "b"}""");
        Write(Path.Combine("docs", "nested", "a.json"), """{"name": "a"}""");
        Write(Path.Combine("docs", "notes.txt"), "not a document");

        var (code, stdout, _) = await CliRunner.RunAsync("", "validate", "--schema", schema, Path.Combine(_directory, "docs", "**", "*.json"));

        Assert.Equal(0, code);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"{_directory}/docs/b.json: valid", lines[0]);
        Assert.Equal($"{_directory}/docs/nested/a.json: valid", lines[1]);
        Assert.DoesNotContain("notes.txt", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_glob_that_matches_nothing_is_bad_input()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("", "validate", "--schema", PersonSchema(), Path.Combine(_directory, "*.yaml"));

        Assert.Equal(2, code);
        Assert.Contains("no file matches", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_json_lines_file_labels_each_line_with_the_file()
    {
        var lines = Write("docs.jsonl", "{\"name\": \"a\"}\n{\"age\": 3}\n");

        var (code, stdout, _) = await CliRunner.RunAsync("", "validate", "--schema", PersonSchema(), lines);

        Assert.Equal(1, code);
        Assert.Contains($"{lines} line 1: valid", stdout, StringComparison.Ordinal);
        Assert.Contains($"{lines} line 2: invalid", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_uses_the_snake_case_names_of_the_http_api()
    {
        var bad = Write("bad.json", """{"age": -1}""");

        var (code, stdout, _) = await CliRunner.RunAsync("", "validate", "--schema", PersonSchema(), bad, "--json");

        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(0, root.GetProperty("valid_count").GetInt32());
        Assert.Equal(1, root.GetProperty("invalid_count").GetInt32());
        var result = Assert.Single(root.GetProperty("results").EnumerateArray());
        Assert.Equal(bad, result.GetProperty("file").GetString());
        Assert.Equal("invalid", result.GetProperty("outcome").GetString());
        var error = result.GetProperty("errors").EnumerateArray().First(e => e.GetProperty("instance_location").GetString() == "/age");
        Assert.Equal("/properties/age/minimum", error.GetProperty("keyword_location").GetString());
    }

    [Fact]
    public async Task Help_lists_the_options_and_the_exit_codes()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("", "validate", "--help");

        Assert.Equal(0, code);
        foreach (var option in new[] { "--schema", "--draft", "--format-assertion", "--jsonl", "--max-errors", "--subject", "--version", "--server", "--binary", "--json" })
        {
            Assert.Contains(option, stdout, StringComparison.Ordinal);
        }

        Assert.Contains("Exit codes:", stdout, StringComparison.Ordinal);
        Assert.Contains("1  a document is invalid", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--schema", "s.json", "--subject", "x")]
    [InlineData("--schema", "s.json", "--version", "2")]
    [InlineData("--subject", "x", "--draft", "7")]
    [InlineData("--subject", "x", "--version", "zero")]
    public async Task Contradictory_options_exit_with_2(params string[] options)
    {
        var (code, _, stderr) = await CliRunner.RunAsync("{}", ["validate", .. options, "-"]);

        Assert.Equal(2, code);
        Assert.StartsWith("registry validate:", stderr, StringComparison.Ordinal);
    }
}
