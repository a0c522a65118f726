using System.Text.Json;

namespace Registry.Cli.Tests;

public sealed class RemoteValidateTests(RemoteFixture registry) : IClassFixture<RemoteFixture>
{
    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Documents_are_validated_on_the_server_and_labelled_with_their_files(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "validate");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);
        var good = registry.Write("""{"name": "Ada", "age": 36}""");
        var bad = registry.Write("""{"age": "old"}""");

        var (code, stdout, _) = await registry.RunAsync(transport, "validate", "--subject", subject, good, bad);

        Assert.Equal(1, code);
        Assert.Contains($"{good}: valid", stdout, StringComparison.Ordinal);
        Assert.Contains($"{bad}: invalid", stdout, StringComparison.Ordinal);
        Assert.Contains("(root): required property 'name' is missing [/required]", stdout, StringComparison.Ordinal);
        Assert.Contains("2 documents: 1 valid, 1 invalid", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task A_named_version_is_used_and_json_output_says_which(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "validateversion");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);
        await registry.RegisterAsync(transport, subject, SchemaFiles.PersonWithEmail);
        var withEmail = registry.Write("""{"name": "Ada", "email": "ada@example.org"}""");

        var v1 = await registry.RunAsync(transport, "validate", "--subject", subject, "--version", "1", withEmail, "--json");
        var v2 = await registry.RunAsync(transport, "validate", "--subject", subject, "--version", "2", withEmail);

        Assert.Equal(1, v1.ExitCode);
        using var document = JsonDocument.Parse(v1.Stdout);
        Assert.Equal(subject, document.RootElement.GetProperty("subject").GetString());
        Assert.Equal(1, document.RootElement.GetProperty("invalid_count").GetInt32());
        var result = Assert.Single(document.RootElement.GetProperty("results").EnumerateArray());
        Assert.Equal(withEmail, result.GetProperty("file").GetString());
        Assert.Equal("invalid", result.GetProperty("outcome").GetString());
        Assert.Equal(0, v2.ExitCode);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task A_document_that_is_not_json_is_bad_input(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "validatemalformed");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);

        var (code, stdout, _) = await registry.RunAsync(transport, "validate", "--subject", subject, registry.Write("""{"name": """));

        Assert.Equal(2, code);
        Assert.DoesNotContain(": valid", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task A_deprecated_version_validates_with_a_warning(string transport)
    {
        var subject = RemoteFixture.Subject(transport, "validatedeprecated");
        await registry.RegisterAsync(transport, subject, SchemaFiles.Person);
        await registry.RunAsync(transport, "versions", "state", subject, "1", "DEPRECATED");

        var (code, stdout, _) = await registry.RunAsync(transport, "validate", "--subject", subject, "--version", "1", registry.Write("""{"name": "a"}"""));

        Assert.Equal(0, code);
        Assert.StartsWith("warning: ", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task An_unknown_subject_exits_with_3(string transport)
    {
        var (code, _, stderr) = await registry.RunAsync(transport, "validate", "--subject", RemoteFixture.Subject(transport, "nothing"), registry.Write("{}"));

        Assert.Equal(3, code);
        Assert.Contains("subject_not_found", stderr, StringComparison.Ordinal);
    }
}
