using System.CommandLine;
using System.Globalization;

namespace Registry.Cli.Commands;

/// <summary>
/// <c>registry health</c>: whether the server answers (GET /health, or PING with --binary) and how fast. The container
/// image uses it as its health check, having no shell or curl.
/// </summary>
internal static class HealthCommand
{
    public static Command Create(CommandKit kit)
    {
        var remote = new RemoteOptions(kit.Console);
        var command = new Command("health", "Check that the server answers (GET /health, or PING with --binary)");
        remote.AddTo(command);
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            var health = await api.HealthAsync(ct);
            if (parse.GetValue(kit.Json))
            {
                await kit.Console.WriteJsonAsync(health, c => c.HealthModel);
            }
            else
            {
                var version = health.Version is { } v ? $", version {v}" : "";
                await kit.Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{health.Status}{version} ({api.Transport}, {health.RoundTripMs:0.#} ms)"));
            }

            return string.Equals(health.Status, "ok", StringComparison.OrdinalIgnoreCase) ? ExitCodes.Ok : ExitCodes.Unavailable;
        });
        return command;
    }
}
