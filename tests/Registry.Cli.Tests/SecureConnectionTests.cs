using Registry.Server.Tests;
using Registry.Testing;

namespace Registry.Cli.Tests;

/// <summary>The command line against a registry with authentication and TLS on: the key, the trusted authority, and the refusals without them.</summary>
public sealed class SecureConnectionTests : IAsyncLifetime
{
    private const string AdminKey = "rk_0b0b0b0b0b0b0b0b.the-command-line-admin-secret";

    private readonly TemporaryDirectory _folder = new("registry-cli-tls");
    private readonly TestCertificateAuthority _authority = new();
    private InProcessServer _server = null!;
    private string _caFile = "";

    public async ValueTask InitializeAsync()
    {
        var certificate = _folder.File("server.crt");
        var key = _folder.File("server.key");
        _authority.WriteServerCertificate(certificate, key);
        _caFile = _authority.WriteRoot(_folder.File("ca.pem"));
        _server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Registry:Security:Enabled"] = "true",
            ["Registry:Security:BootstrapAdminKey"] = AdminKey,
            ["Registry:Security:RateLimit:FailedAuthenticationsPerMinute"] = "0",
            ["Registry:Tls:CertificateFile"] = certificate,
            ["Registry:Tls:KeyFile"] = key,
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _authority.Dispose();
        _folder.Dispose();
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task With_the_key_from_the_environment_and_the_authority_the_command_is_served(string transport)
    {
        var (code, stdout, stderr) = await CliRunner.RunWithEnvironmentAsync(
            "", new Dictionary<string, string> { ["REGISTRY_API_KEY"] = AdminKey, ["REGISTRY_CA_FILE"] = _caFile }, Args(transport, "health"));

        Assert.True(code == 0, stdout + stderr);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task With_the_key_as_an_option_a_write_is_accepted(string transport)
    {
        var schema = _folder.File(Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(schema, """{"type":"object"}""", TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await CliRunner.RunAsync(
            "", Args(transport, "schemas", "register", $"{transport}.secured", schema, "--api-key", AdminKey, "--ca-file", _caFile));

        Assert.True(code == 0, stdout + stderr);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Without_a_key_the_server_refuses_and_says_why(string transport)
    {
        var (code, _, stderr) = await CliRunner.RunAsync("", Args(transport, "subjects", "list", "--ca-file", _caFile));

        Assert.NotEqual(0, code);
        Assert.Contains("unauthenticated", stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Without_the_authority_the_certificate_is_not_trusted_and_nothing_is_sent(string transport)
    {
        var (code, _, stderr) = await CliRunner.RunAsync("", Args(transport, "subjects", "list", "--api-key", AdminKey, "--timeout", "3"));

        Assert.Equal(4, code);
        Assert.Contains("certificate", stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_unreadable_ca_file_is_bad_input_naming_the_file()
    {
        var missing = _folder.File("missing.pem");

        var (code, _, stderr) = await CliRunner.RunAsync("", Args("http", "subjects", "list", "--ca-file", missing));

        Assert.Equal(2, code);
        Assert.Contains(missing, stderr, StringComparison.Ordinal);
    }

    private string[] Args(string transport, params string[] args) => transport == "binary"
        ? [.. args, "--binary", "--server", $"tls://localhost:{_server.BinaryEndpoint.Port}"]
        : [.. args, "--server", $"https://localhost:{_server.HttpEndpoint.Port}"];
}
