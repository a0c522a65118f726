using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Registry.Testing;

namespace Registry.Server.Tests;

/// <summary>Runs the server as a separate process, the way it is deployed.</summary>
public sealed class ServerProcessTests
{
    [Fact]
    public async Task Server_process_reads_environment_logs_json_and_stops_gracefully_on_sigterm()
    {
        var httpPort = PrivateService.FreePort();
        var binaryPort = PrivateService.FreePort();
        var output = new StringBuilder();
        using var data = new Registry.Testing.TemporaryDirectory("server-process");
        var serverDll = Path.Combine(AppContext.BaseDirectory, "Registry.Server.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", serverDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["REGISTRY__LISTEN__HTTP"] = $"127.0.0.1:{httpPort}";
        start.Environment["REGISTRY__LISTEN__BINARY"] = $"127.0.0.1:{binaryPort}";
        start.Environment["REGISTRY__STORAGE__SQLITE__PATH"] = data.File("registry.db");
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
            await Waiting.ForHealthAsync(http, process, TestContext.Current.CancellationToken);

            using (var binary = new TcpClient())
            {
                await binary.ConnectAsync(IPAddress.Loopback, binaryPort, TestContext.Current.CancellationToken);
            }

            Assert.Equal(0, Kill(process.Id, Signal.Term));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);

            Assert.Equal(0, process.ExitCode);
            string logs;
            lock (output)
            {
                logs = output.ToString();
            }

            // Structured logs: one JSON object per line, including the ready and stopping events.
            Assert.Contains("\"Message\":\"Registry ready: http=127.0.0.1:" + httpPort, logs, StringComparison.Ordinal);
            Assert.Contains("Registry stopping", logs, StringComparison.Ordinal);
            foreach (var line in logs.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                Assert.StartsWith("{", line, StringComparison.Ordinal);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private enum Signal
    {
        Term = 15,
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, Signal signal);
}
