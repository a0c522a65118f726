using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Registry.Engine.Services;
using Registry.Protocol;
using Registry.Server.Tests.Binary;
using Registry.Testing;
using static Registry.Server.Tests.ApiClient;

namespace Registry.Server.Tests;

/// <summary>
/// Expensive work (validation, compatibility checks, compilation) runs under the engine's work gate: health and cached
/// reads answer while it queues, and a caller that goes away stops its work (issue 13, cancellation).
/// </summary>
public sealed class ExpensiveWorkTests
{
    private const string Schema = """{"type":"object","properties":{"name":{"type":"string"}}}""";

    // Linear, honest work: every item of the array is tried against 24 alternatives, the last of which matches.
    private static readonly string SlowSchema = "{\"type\":\"array\",\"items\":{\"anyOf\":["
        + string.Join(',', Enumerable.Range(1, 24).Select(i => $"{{\"type\":\"integer\",\"minimum\":{i * 1000}}}"))
        + ",{\"type\":\"integer\"}]}}";

    [Fact]
    public async Task While_every_work_slot_is_taken_health_and_cached_reads_answer_and_validations_wait_in_line()
    {
        await using var server = await StartAsync();
        var registry = server.Services.GetRequiredService<SchemaRegistry>();
        var id = (await server.Http.RegisterAsync("people", Schema)).GetProperty("id").GetInt32();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        await ValidateOverHttpAsync(server.Http, $"/v1/schemas/{id}/validate", """{"name":"warm"}""", Ct);

        Assert.True(registry.Work.TryEnter());
        var started = registry.Work.Started;
        Task<HttpResponseMessage>[] waiting;
        try
        {
            waiting = [.. Enumerable.Range(0, 8).Select(_ => ValidateOverHttpAsync(server.Http, $"/v1/schemas/{id}/validate", """{"name":"x"}""", Ct))];

            // A warm validation over the binary protocol finds no free slot on the read loop and waits elsewhere.
            await wire.SendAsync(FrameStream.Validate(5, id, """{"name":"y"}"""u8));
            await Waiting.UntilAsync(() => registry.Work.Queued == 9, "registry.Work.Queued == 9", Ct);

            var clock = Stopwatch.StartNew();
            using (var health = await server.Http.GetAsync("/health", Ct))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }

            var (status, _) = await server.Http.GetJsonAsync($"/v1/schemas/{id}");
            Assert.Equal(HttpStatusCode.OK, status);
            await wire.SendAsync(FrameStream.GetSchemaById(6, id), FrameStream.Ping(7));
            var answered = new[] { await wire.ReadAsync(), await wire.ReadAsync() };
            Assert.Equal([6u, 7u], answered.Select(a => a.RequestId).Order());

            // Generous: these take milliseconds; the bound only says they did not wait for the validations.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"cheap requests took {clock.Elapsed}");
            Assert.All(waiting, w => Assert.False(w.IsCompleted));
            Assert.Equal(started, registry.Work.Started);
        }
        finally
        {
            registry.Work.Exit();
        }

        foreach (var response in await Task.WhenAll(waiting))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        var validated = await wire.ReadAsync();
        Assert.Equal((5u, StatusCode.Ok), (validated.RequestId, validated.Status));
        Assert.Equal(started + 9, registry.Work.Started);
    }

    [Fact]
    public async Task Under_real_load_no_more_validations_run_than_the_gate_allows_and_health_keeps_answering()
    {
        await using var server = await StartAsync();
        var registry = server.Services.GetRequiredService<SchemaRegistry>();
        var id = (await server.Http.RegisterAsync("slow", SlowSchema)).GetProperty("id").GetInt32();
        var document = ZeroArray(10_000);

        var load = Enumerable.Range(0, 6).Select(_ => ValidateOverHttpAsync(server.Http, $"/v1/schemas/{id}/validate", document, Ct)).ToArray();
        var mostRunning = 0;
        var slowestHealth = TimeSpan.Zero;
        while (!load.All(t => t.IsCompleted))
        {
            mostRunning = Math.Max(mostRunning, registry.Work.Running);
            var clock = Stopwatch.StartNew();
            using var health = await server.Http.GetAsync("/health", Ct);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            slowestHealth = clock.Elapsed > slowestHealth ? clock.Elapsed : slowestHealth;
            await Task.Delay(10, Ct);
        }

        foreach (var response in await Task.WhenAll(load))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        TestContext.Current.SendDiagnosticMessage($"slowest /health under load: {slowestHealth.TotalMilliseconds:F0} ms");
        Assert.Equal(1, mostRunning);
        Assert.True(slowestHealth < TimeSpan.FromSeconds(5), $"/health took {slowestHealth} under load");
    }

    [Fact]
    public async Task A_validation_whose_http_client_disconnects_while_it_waits_leaves_the_line_and_never_runs()
    {
        await using var server = await StartAsync();
        var registry = server.Services.GetRequiredService<SchemaRegistry>();
        var id = (await server.Http.RegisterAsync("people", Schema)).GetProperty("id").GetInt32();
        await ValidateOverHttpAsync(server.Http, $"/v1/schemas/{id}/validate", """{"name":"warm"}""", Ct);

        Assert.True(registry.Work.TryEnter());
        var started = registry.Work.Started;
        try
        {
            foreach (var (path, body) in new[]
            {
                ($"/v1/schemas/{id}/validate", """{"name":"x"}"""),
                ("/v1/subjects/people/compatibility", $$"""{"schema":{{Schema}}}"""),
            })
            {
                using var client = new HttpClient { BaseAddress = server.Http.BaseAddress };
                using var leave = CancellationTokenSource.CreateLinkedTokenSource(Ct);
                var pending = ValidateOverHttpAsync(client, path, body, leave.Token);
                await Waiting.UntilAsync(() => registry.Work.Queued == 1, "registry.Work.Queued == 1", Ct);

                await leave.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
                client.Dispose();

                // The server saw the client go and took the request out of the line.
                await Waiting.UntilAsync(() => registry.Work.Queued == 0, "registry.Work.Queued == 0", Ct);
            }
        }
        finally
        {
            registry.Work.Exit();
        }

        Assert.Equal(started, registry.Work.Started);
    }

    [Fact]
    public async Task A_validation_whose_binary_connection_closes_while_it_waits_leaves_the_line_and_never_runs()
    {
        await using var server = await StartAsync();
        var registry = server.Services.GetRequiredService<SchemaRegistry>();
        var id = (await server.Http.RegisterAsync("people", Schema)).GetProperty("id").GetInt32();

        Assert.True(registry.Work.TryEnter());
        var started = registry.Work.Started;
        try
        {
            await using (var wire = await FrameStream.OpenAsync(server.BinaryEndpoint))
            {
                await wire.SendAsync(FrameStream.Validate(3, id, """{"name":"x"}"""u8));
                await Waiting.UntilAsync(() => registry.Work.Queued == 1, "registry.Work.Queued == 1", Ct);
            }

            await Waiting.UntilAsync(() => registry.Work.Queued == 0, "registry.Work.Queued == 0", Ct);
        }
        finally
        {
            registry.Work.Exit();
        }

        Assert.Equal(started, registry.Work.Started);
    }

    [Fact]
    public async Task A_batch_whose_client_disconnects_stops_between_documents()
    {
        await using var server = await StartAsync(new() { ["Registry:HttpApi:MaxRequestBodyBytes"] = (64 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var registry = server.Services.GetRequiredService<SchemaRegistry>();
        var id = (await server.Http.RegisterAsync("slow", SlowSchema)).GetProperty("id").GetInt32();
        var document = ZeroArray(5_000);

        // Size the batch to take at least 30 s on this machine, from the time one document takes.
        await registry.ValidateAsync(ValidationTarget.ById(id), Encoding.UTF8.GetBytes(document), Ct);
        var clock = Stopwatch.StartNew();
        await registry.ValidateAsync(ValidationTarget.ById(id), Encoding.UTF8.GetBytes(document), Ct);
        var perDocument = clock.Elapsed;
        var count = (int)Math.Clamp(30 / Math.Max(perDocument.TotalSeconds, 1e-4), 10, 1_000);
        var batch = "[" + string.Join(',', Enumerable.Repeat(document, count)) + "]";
        TestContext.Current.SendDiagnosticMessage($"one document: {perDocument.TotalMilliseconds:F1} ms; batch of {count}");

        using var client = new HttpClient { BaseAddress = server.Http.BaseAddress };
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var pending = ValidateOverHttpAsync(client, $"/v1/schemas/{id}/validate/batch", batch, leave.Token);
        await Waiting.UntilAsync(() => registry.Work.Running == 1, "registry.Work.Running == 1", Ct);
        await Task.Delay(500, Ct);

        clock.Restart();
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        client.Dispose();
        await Waiting.UntilAsync(() => registry.Work.Running == 0, "registry.Work.Running == 0", Ct);

        // The whole batch would have taken 30 s or more; the work stopped within a few documents of the disconnect.
        var full = perDocument * count;
        TestContext.Current.SendDiagnosticMessage($"stopped {clock.Elapsed.TotalMilliseconds:F0} ms after the disconnect (whole batch ≈ {full.TotalSeconds:F1} s)");
        Assert.True(clock.Elapsed < full / 3, $"the batch ran on for {clock.Elapsed} of about {full}");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<InProcessServer> StartAsync(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?> { ["Registry:Engine:MaxConcurrentExpensiveOperations"] = "1" };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return InProcessServer.StartAsync(settings);
    }

    private static async Task<HttpResponseMessage> ValidateOverHttpAsync(HttpClient http, string path, string json, CancellationToken cancellationToken)
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        return await http.PostAsync(path, content, cancellationToken);
    }

    private static string ZeroArray(int items) => "[" + string.Join(',', Enumerable.Repeat("0", items)) + "]";
}
