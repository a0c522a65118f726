using Registry.Server.Tests;
using Registry.Testing;

namespace Registry.Cli.Tests;

/// <summary>
/// The registry the backup tests back up: a schema with an owner, one referencing it with a semantic version, a
/// deprecated state and a subject config — registered through the CLI as a user would.
/// </summary>
internal static class BackupSource
{
    public static async Task SeedAsync(InProcessServer server, TemporaryDirectory folder)
    {
        var address = folder.File("address.json");
        var order = folder.File("order.json");
        await File.WriteAllTextAsync(address, """{"type":"object","properties":{"city":{"type":"string"}}}""", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(order, """{"type":"object","properties":{"to":{"$ref":"address.json"}}}""", TestContext.Current.CancellationToken);
        await Succeed(server, "schemas", "register", "address", address, "--owner", "geo");
        await Succeed(server, "schemas", "register", "order", order, "--reference", "address.json=address:1", "--semver", "1.0.0");
        await Succeed(server, "versions", "state", "order", "1", "DEPRECATED", "--reason", "old");
        await Succeed(server, "config", "set", "order", "--level", "NONE");
    }

    private static async Task Succeed(InProcessServer server, params string[] args)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("", [.. args, "--server", $"http://{server.HttpEndpoint}"]);
        Assert.True(code == 0, $"{string.Join(' ', args)} exited with {code}: {stdout} {stderr}");
    }
}
