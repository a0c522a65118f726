using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Registry.Engine.Storage.Sqlite;
using Registry.Testing;
using static Registry.Server.Tests.ApiClient;

namespace Registry.Server.Tests;

/// <summary>
/// Every acknowledged write survives a crash of the process: a server child process is killed (SIGKILL, no shutdown)
/// while registrations are in flight, and the file is reopened.
/// </summary>
public sealed class CrashDurabilityTests
{
    [Fact]
    public async Task Registrations_acknowledged_before_a_kill_are_all_in_the_file_afterwards()
    {
        using var folder = new TemporaryDirectory("crash");
        var database = folder.File("registry.db");
        var port = PrivateService.FreePort();
        using var process = StartServer(database, port);
        var acknowledged = new ConcurrentBag<(string Subject, int Version, long Id, string Schema)>();
        var failures = new ConcurrentBag<string>();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await Waiting.ForHealthAsync(http, process, Ct);

            // Writers register distinct schemas, each as the first version of its own subject, until the process dies under them.
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var schema = $$"""{"title":"w{{w}}-{{i}}","type":"object"}""";
                    try
                    {
                        using var content = new StringContent($$"""{"schema":{{schema}}}""", Encoding.UTF8, "application/json");
                        using var response = await http.PostAsync($"/v1/subjects/crash-{w}-{i}/versions", content, CancellationToken.None);
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None)).RootElement;
                            acknowledged.Add(($"crash-{w}-{i}", body.GetProperty("version").GetInt32(), body.GetProperty("id").GetInt64(), schema));
                        }
                        else
                        {
                            failures.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                            return;
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // the server is gone
                    }
                    catch (IOException)
                    {
                        return;
                    }
                }
            }, Ct)).ToArray();

            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (acknowledged.Count < 60)
            {
                Assert.False(process.HasExited, "the server died before the kill");
                Assert.Empty(failures);
                Assert.True(DateTime.UtcNow < deadline, "60 registrations were not acknowledged within 60 s");
                await Task.Delay(20, Ct);
            }

            process.Kill(entireProcessTree: true); // SIGKILL: no graceful shutdown, no checkpoint
            await process.WaitForExitAsync(Ct);
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        await using var store = new SqliteRegistryStore(new SqliteStoreOptions { Path = database });
        await store.InitializeAsync(Ct);
        foreach (var (subject, version, id, schema) in acknowledged)
        {
            var found = await store.GetVersionAsync(subject, version, Ct);
            Assert.NotNull(found);
            Assert.Equal(id, found.SchemaId);
            var record = await store.GetSchemaAsync(id, Ct);
            Assert.Equal(schema, Encoding.UTF8.GetString(record!.Content.Span));
        }

        // Ids in the file have no gaps, committed-but-unacknowledged ones included.
        var maxId = acknowledged.Max(a => a.Id);
        for (var id = 1; id <= maxId; id++)
        {
            Assert.NotNull(await store.GetSchemaAsync(id, Ct));
        }
    }

    private static Process StartServer(string database, int port)
    {
        var start = ServerProcessTests.ServerStart(port, PrivateService.FreePort());
        start.Environment["REGISTRY__STORAGE__SQLITE__PATH"] = database;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
