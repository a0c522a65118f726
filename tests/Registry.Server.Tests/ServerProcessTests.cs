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
        var start = ServerStart(httpPort, binaryPort);
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

    [Theory]
    [InlineData("REGISTRY__BINARY__TRANSPORT", "epoll", "Registry:Binary:Transport = 'epoll': expected Auto, EventLoop or Sockets.")]
    [InlineData("REGISTRY__BINARY__IDLETIMEOUT", "5s", "Registry:Binary:IdleTimeout = '5s': expected a duration as [d.]hh:mm:ss[.fff], such as 00:00:30.")]
    [InlineData("REGISTRY__BINARY__MAXINFLIGHT", "0", "Registry:Binary:MaxInFlight = 0: must be at least 1.")]
    public async Task A_setting_the_server_cannot_use_stops_it_with_one_line_naming_the_setting_and_no_stack_trace(string variable, string value, string expected)
    {
        var start = ServerStart(PrivateService.FreePort(), PrivateService.FreePort());
        start.Environment[variable] = value;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("The registry cannot start: " + expected, (await stderr).Trim());
        Assert.DoesNotContain("Exception", await stdout, StringComparison.Ordinal);
    }

    /// <summary>The server's DLL run by <c>dotnet exec</c> on the given ports, its output redirected.</summary>
    internal static ProcessStartInfo ServerStart(int httpPort, int binaryPort)
    {
        var start = new ProcessStartInfo("dotnet", ["exec", Path.Combine(AppContext.BaseDirectory, "Registry.Server.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["REGISTRY__LISTEN__HTTP"] = $"127.0.0.1:{httpPort}";
        start.Environment["REGISTRY__LISTEN__BINARY"] = $"127.0.0.1:{binaryPort}";
        return start;
    }

    private enum Signal
    {
        Term = 15,
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, Signal signal);
}
