using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Registry.Server.Tests;

/// <summary>Runs the server as a separate process, the way it is deployed.</summary>
public sealed class ServerProcessTests
{
    [Fact]
    public async Task Server_process_reads_environment_logs_json_and_stops_gracefully_on_sigterm()
    {
        var httpPort = FreePort();
        var binaryPort = FreePort();
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
            await WaitForHealthAsync(http, process);

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

    private static async Task WaitForHealthAsync(HttpClient http, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, "server exited before it was ready");
            try
            {
                using var response = await http.GetAsync("/health", TestContext.Current.CancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Fail("server did not answer /health within 60 s");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private enum Signal
    {
        Term = 15,
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, Signal signal);
}
