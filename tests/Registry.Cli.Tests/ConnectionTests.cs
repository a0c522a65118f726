using System.Net;
using System.Net.Sockets;

namespace Registry.Cli.Tests;

public sealed class ConnectionTests(RemoteFixture registry) : IClassFixture<RemoteFixture>
{
    /// <summary>A loopback port with nothing listening on it.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_server_that_cannot_be_reached_exits_with_4(bool binary)
    {
        var port = ClosedPort();
        string[] args = binary
            ? ["subjects", "list", "--binary", "--server", $"127.0.0.1:{port}", "--timeout", "2"]
            : ["subjects", "list", "--server", $"http://127.0.0.1:{port}", "--timeout", "2"];

        var (code, _, stderr) = await CliRunner.RunAsync("", args);

        Assert.Equal(4, code);
        Assert.Contains($"127.0.0.1:{port}", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("binary")]
    public async Task Health_says_the_server_answers(string transport)
    {
        var (code, stdout, _) = await registry.RunAsync(transport, "health");
        var json = await registry.RunAsync(transport, "health", "--json");

        Assert.Equal(0, code);
        Assert.StartsWith("ok", stdout, StringComparison.Ordinal);
        Assert.Contains(transport == "http" ? "(HTTP, " : "(binary, ", stdout, StringComparison.Ordinal);
        using var document = System.Text.Json.JsonDocument.Parse(json.Stdout);
        Assert.Equal("ok", document.RootElement.GetProperty("status").GetString());
        Assert.True(document.RootElement.GetProperty("round_trip_ms").GetDouble() >= 0);
    }

    [Fact]
    public async Task The_server_comes_from_REGISTRY_URL_when_no_option_names_it()
    {
        var subject = RemoteFixture.Subject("http", "env");
        await registry.RegisterAsync("http", subject, SchemaFiles.Person);
        var environment = new Dictionary<string, string> { ["REGISTRY_URL"] = $"http://{registry.Server.HttpEndpoint}" };

        var (code, stdout, _) = await CliRunner.RunWithEnvironmentAsync("", environment, "subjects", "list", "--prefix", subject);

        Assert.Equal(0, code);
        Assert.Equal(subject, stdout.Trim());
    }

    [Fact]
    public async Task With_binary_an_http_url_means_its_host_on_the_default_binary_port()
    {
        Assert.Equal("127.0.0.1:9091", Registry.Cli.Commands.RemoteOptions.BinaryEndpoint("http://127.0.0.1:8081"));
        Assert.Equal("registry.internal:7000", Registry.Cli.Commands.RemoteOptions.BinaryEndpoint("tcp://registry.internal:7000"));
        Assert.Equal(new Uri("http://host:8081/prefix/"), Registry.Cli.Commands.RemoteOptions.HttpBase("host:8081/prefix"));
        await Task.CompletedTask;
    }

    [Theory]
    [InlineData("ftp://somewhere")]
    [InlineData("http://")]
    public async Task A_server_address_that_is_not_usable_is_bad_input(string server)
    {
        var (code, _, stderr) = await CliRunner.RunAsync("", "subjects", "list", "--server", server);

        Assert.Equal(2, code);
        Assert.StartsWith("registry subjects list: ", stderr, StringComparison.Ordinal);
    }
}
