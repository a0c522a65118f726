using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Registry.Integration.Tests.Replicas;

/// <summary>
/// A registry server in a process of its own: the built <c>Registry.Server.dll</c> (copied beside the tests) started
/// with <c>dotnet</c>, listening on ports the operating system picks, configured on its command line. Its console
/// output goes to a log file; the HTTP endpoint is read from its "Registry ready" line.
/// </summary>
public sealed partial class ReplicaProcess : ReplicaClient
{
    private readonly Process _process;

    private ReplicaProcess(Process process, string httpEndpoint, string log)
        : base(httpEndpoint)
    {
        _process = process;
        Log = log;
    }

    /// <summary>The server's console output.</summary>
    public string Log { get; }

    /// <summary>Its process id.</summary>
    public int ProcessId => _process.Id;

    public static async Task<ReplicaProcess> StartAsync(IDictionary<string, string?> settings)
    {
        var server = Path.Combine(AppContext.BaseDirectory, "Registry.Server.dll");
        if (!File.Exists(server))
        {
            throw new FileNotFoundException($"The server was not built beside the tests: {server}");
        }

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(server);
        var values = new Dictionary<string, string?>
        {
            ["Registry:Listen:Http"] = "127.0.0.1:0",
            ["Registry:Listen:Binary"] = "127.0.0.1:0",
            ["Registry:LogFormat"] = "text",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Registry.Server"] = "Information",
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        foreach (var (key, value) in values)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        var log = Path.Combine(Path.GetTempPath(), $"registry-replica-{Guid.NewGuid():N}.log");
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var writer = new StreamWriter(log) { AutoFlush = true };
        var gate = new object();
        void Line(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (gate)
            {
                writer.WriteLine(line);
            }

            if (ReadyLine().Match(line) is { Success: true } match)
            {
                ready.TrySetResult(match.Groups["http"].Value);
            }
        }

        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            ready.TrySetException(new InvalidOperationException($"the server exited with {process.ExitCode} before it was ready (see {log})"));
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var endpoint = await ready.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            return new ReplicaProcess(process, endpoint, log);
        }
        catch
        {
            Stop(process);
            throw;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Stop(_process);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
        try
        {
            File.Delete(Log);
        }
        catch (IOException)
        {
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    [GeneratedRegex(@"Registry ready: http=(?<http>[0-9.]+:[0-9]+)")]
    private static partial Regex ReadyLine();
}
