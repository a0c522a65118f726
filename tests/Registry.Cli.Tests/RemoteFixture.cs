using Registry.Server.Tests;
using Registry.Testing;

namespace Registry.Cli.Tests;

/// <summary>
/// A registry server in this process for one test class, a folder for schema files, and the command line that points
/// the tool at the server over HTTP or the binary protocol.
/// </summary>
public sealed class RemoteFixture : IAsyncLifetime
{
    private readonly TemporaryDirectory _folder = new("registry-cli");
    private InProcessServer? _server;

    public InProcessServer Server => _server ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync() => _server = await InProcessServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _folder.Dispose();
    }

    /// <summary>The tool's arguments with the server and transport options added.</summary>
    public string[] Args(string transport, params string[] args) => transport == "binary"
        ? [.. args, "--server", Server.BinaryEndpoint.ToString(), "--binary"]
        : [.. args, "--server", $"http://{Server.HttpEndpoint}"];

    /// <summary>Runs the tool against the server.</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string transport, params string[] args) =>
        CliRunner.RunAsync("", Args(transport, args));

    /// <summary>Writes a file in the fixture's folder and returns its path.</summary>
    public string Write(string content, string name = "")
    {
        var path = _folder.File((name.Length == 0 ? Guid.NewGuid().ToString("N") : name) + (name.Contains('.', StringComparison.Ordinal) ? "" : ".json"));
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A subject name no other test uses.</summary>
    public static string Subject(string transport, string name) => $"{transport}.{name}.{Guid.NewGuid():N}";

    /// <summary>Registers a schema through the tool and fails the test if that did not work.</summary>
    public async Task RegisterAsync(string transport, string subject, string schema, params string[] options)
    {
        var (code, stdout, stderr) = await RunAsync(transport, ["schemas", "register", subject, Write(schema), .. options]);
        Assert.True(code == 0, $"register failed ({code}): {stdout} {stderr}");
    }
}
