using System.Diagnostics;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Registry.Client;
using Registry.Engine.Services;
using Registry.Server.Hosting;

namespace Registry.Benchmarks.Server;

/// <summary>What is listening to the server's instruments and spans.</summary>
public enum TelemetryMode
{
    /// <summary><c>Registry:Telemetry:Metrics:Enabled=false</c> and no span listener: instruments and sources have no listener.</summary>
    Off,

    /// <summary>The default: the Prometheus exporter listens to every instrument; no span listener.</summary>
    Metrics,

    /// <summary>
    /// Metrics, and a span listener recording every span of the registry's source and ASP.NET Core's (what the
    /// OpenTelemetry SDK does when an OTLP endpoint is set, without the export itself).
    /// </summary>
    MetricsAndTracing,
}

/// <summary>
/// What observability costs on the hot paths: a real server in this process on loopback, read by id over HTTP
/// (<c>GET /schemas/ids/{id}</c>) and over the binary protocol (GET_SCHEMA_BY_ID past the client's cache, and VALIDATE),
/// with telemetry off, with metrics on, and with metrics and tracing on. Run with <c>--filter '*InstrumentationCost*'</c>,
/// or the quicker <c>instrumentation-cost</c> runner (<see cref="InstrumentationCostRunner"/>).
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class InstrumentationCostBenchmarks
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "registry-telemetry-bench-" + Guid.NewGuid().ToString("N"));
    private readonly byte[] _document = """{"id":7,"name":"widget"}"""u8.ToArray();
    private WebApplication? _app;
    private HttpClient? _http;
    private RegistryClient? _client;
    private ActivityListener? _listener;
    private int _schemaId;
    private string _byId = "";

    [Params(TelemetryMode.Off, TelemetryMode.Metrics, TelemetryMode.MetricsAndTracing)]
    public TelemetryMode Mode { get; set; }

    /// <summary>Spans recorded while the tracing listener was attached (a check that tracing was really on).</summary>
    public long SpansRecorded => Interlocked.Read(ref _spans);

    private long _spans;

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_folder);
        var settings = new Dictionary<string, string?>
        {
            ["Registry:Listen:Http"] = "127.0.0.1:0",
            ["Registry:Listen:Binary"] = "127.0.0.1:0",
            ["Registry:Storage:Sqlite:Path"] = Path.Combine(_folder, "registry.db"),
            ["Registry:Telemetry:Metrics:Enabled"] = Mode == TelemetryMode.Off ? "false" : "true",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        };
        _app = RegistryServer.Create([], builder => builder.Configuration.AddInMemoryCollection(settings));
        _app.StartAsync().GetAwaiter().GetResult();
        var endpoints = _app.Services.GetRequiredService<BoundEndpoints>();
        _http = new HttpClient { BaseAddress = new Uri($"http://{endpoints.Http}") };
        using (var register = new HttpRequestMessage(HttpMethod.Post, "/subjects/bench-value/versions")
        {
            Content = new StringContent("""{"schemaType":"JSON","schema":"{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"}},\"required\":[\"id\"]}"}""", Encoding.UTF8, "application/vnd.schemaregistry.v1+json"),
        })
        {
            using var response = _http.Send(register);
            response.EnsureSuccessStatusCode();
            using var body = System.Text.Json.JsonDocument.Parse(response.Content.ReadAsStream());
            _schemaId = body.RootElement.GetProperty("id").GetInt32();
        }

        _byId = $"/schemas/ids/{_schemaId}";
        _client = new RegistryClient(new RegistryClientOptions { Endpoints = [endpoints.Binary!.ToString()], ClientName = "telemetry-bench" });
        if (HttpGetById() == 0 || BinaryGetById().GetAwaiter().GetResult() != _schemaId || !BinaryValidate().GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("A warm-up request was not answered with success.");
        }

        if (Mode == TelemetryMode.MetricsAndTracing)
        {
            StartTracing();
        }
    }

    /// <summary>Attaches the span listener (process-wide: the runner attaches it only while this mode is timed).</summary>
    public void StartTracing()
    {
        _listener ??= new ActivityListener
        {
            ShouldListenTo = s => s.Name is EngineTracing.SourceName or "Microsoft.AspNetCore",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ => Interlocked.Increment(ref _spans),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Detaches the span listener.</summary>
    public void StopTracing()
    {
        _listener?.Dispose();
        _listener = null;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        StopTracing();
        _client!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _http!.Dispose();
        _app!.StopAsync().GetAwaiter().GetResult();
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>GET /schemas/ids/{id} (Confluent path), the body read; returns its length.</summary>
    [Benchmark]
    public int HttpGetById()
    {
        using var response = _http!.Send(new HttpRequestMessage(HttpMethod.Get, _byId));
        response.EnsureSuccessStatusCode();
        return (int)response.Content.ReadAsStream().Length;
    }

    /// <summary>GET_SCHEMA_BY_ID, past the client's cache.</summary>
    [Benchmark]
    public async Task<int> BinaryGetById() => (await _client!.FetchSchemaAsync(_schemaId)).Id;

    /// <summary>VALIDATE of a valid document.</summary>
    [Benchmark]
    public async Task<bool> BinaryValidate() => (await _client!.ValidateAsync(_schemaId, _document)).IsValid;

    /// <summary>GET_SCHEMA_BY_ID by <paramref name="callers"/> concurrent callers sharing the client's connection (pipelined), <paramref name="each"/> requests each.</summary>
    public async Task BinaryGetByIdPipelined(int callers, int each)
    {
        var tasks = new Task[callers];
        for (var c = 0; c < callers; c++)
        {
            tasks[c] = Task.Run(async () =>
            {
                for (var i = 0; i < each; i++)
                {
                    await _client!.FetchSchemaAsync(_schemaId);
                }
            });
        }

        await Task.WhenAll(tasks);
    }
}

/// <summary>
/// <c>instrumentation-cost [requests] [rounds]</c>: the hot operations timed in plain loops with telemetry off, metrics
/// on, and metrics and tracing on, the modes alternating round by round and each round starting with the next mode (the
/// span listener attached only while its mode is timed) so that a noisy machine affects all of them alike. Prints, per operation and mode, the median wall
/// time per request, the median CPU time of this process per request (client and server: what a saturated server
/// pays, and less disturbed by other processes than wall time), both relative to off, and the bytes allocated per
/// request in the process.
/// </summary>
public static class InstrumentationCostRunner
{
    private const int Callers = 32;

    private static readonly Process Self = Process.GetCurrentProcess();

    public static int Run(string[] args)
    {
        var requests = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 5_000;
        var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 7;
        var modes = Enum.GetValues<TelemetryMode>();
        var benches = modes.Select(m => new InstrumentationCostBenchmarks { Mode = m }).ToArray();
        foreach (var bench in benches)
        {
            bench.Setup();
            bench.StopTracing();
        }

        string[] operations = ["HTTP get by id", "binary get by id", "binary validate", $"binary get by id, {Callers} callers pipelined"];
        var samples = new List<Sample>[modes.Length, operations.Length];
        for (var m = 0; m < modes.Length; m++)
        {
            for (var o = 0; o < operations.Length; o++)
            {
                samples[m, o] = [];
            }
        }

        try
        {
            for (var round = 0; round < rounds; round++)
            {
                // Each round starts with another mode, so no mode always follows the same one (whose garbage it
                // would collect, or whose cache state it would inherit).
                for (var step = 0; step < modes.Length; step++)
                {
                    var m = (round + step) % modes.Length;
                    var bench = benches[m];
                    if (modes[m] == TelemetryMode.MetricsAndTracing)
                    {
                        bench.StartTracing();
                    }

                    try
                    {
                        samples[m, 0].Add(Measure(requests, () => Loop(requests, () => bench.HttpGetById())));
                        samples[m, 1].Add(Measure(requests, () => Loop(requests, () => bench.BinaryGetById().GetAwaiter().GetResult())));
                        samples[m, 2].Add(Measure(requests, () => Loop(requests, () => bench.BinaryValidate().GetAwaiter().GetResult())));
                        samples[m, 3].Add(Measure(requests / Callers * Callers, () => bench.BinaryGetByIdPipelined(Callers, requests / Callers).GetAwaiter().GetResult()));
                    }
                    finally
                    {
                        bench.StopTracing();
                    }
                }
            }
        }
        finally
        {
            foreach (var bench in benches)
            {
                bench.Cleanup();
            }
        }

        var traced = benches[Array.IndexOf(modes, TelemetryMode.MetricsAndTracing)].SpansRecorded;
        Console.WriteLine($"instrumentation-cost: {requests} requests per operation and mode, {rounds} rounds, modes alternating; {traced} spans recorded in the tracing mode");
        Console.WriteLine("per request, medians: wall µs (throughput vs Off) | CPU µs of the process (vs Off) | bytes allocated in the process");
        Console.WriteLine("| operation | mode | wall µs | throughput vs off | CPU µs | CPU vs off | bytes |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        for (var o = 0; o < operations.Length; o++)
        {
            var wallOff = Median(samples[0, o], s => s.WallMicros);
            var cpuOff = Median(samples[0, o], s => s.CpuMicros);
            for (var m = 0; m < modes.Length; m++)
            {
                var wall = Median(samples[m, o], s => s.WallMicros);
                var cpu = Median(samples[m, o], s => s.CpuMicros);
                var bytes = Median(samples[m, o], s => s.Bytes);
                Console.WriteLine($"| {(m == 0 ? operations[o] : "")} | {modes[m]} | {wall:0.0} | {wallOff / wall * 100:0.0} % | {cpu:0.0} | {cpu / cpuOff * 100:0.0} % | {bytes:0} |");
            }
        }

        RecordingCost(2_000_000);
        return 0;
    }

    /// <summary>
    /// What the registry's own recordings cost per request, alone and without the network or the other processes in
    /// the way: a binary request's timing and count (GET_SCHEMA_BY_ID), and a validation's (VALIDATE adds the engine's
    /// outcome and schema type), and an HTTP request's as ASP.NET Core records it (its request duration with five tags,
    /// active requests up and down with two), with the Prometheus exporter listening, against the same calls with
    /// nobody listening.
    /// </summary>
    private static void RecordingCost(int calls)
    {
        byte[] frame = [0, 0, 0, 4, 0x93, 0x07, 0x00, 0xC0]; // [7, OK, nil]
        Console.WriteLine();
        Console.WriteLine($"recording cost alone, {calls} calls: ns per request (bytes allocated per request)");
        Console.WriteLine("| recording | nobody listening | Prometheus exporter listening |");
        Console.WriteLine("| --- | ---: | ---: |");
        var results = new (double Ns, double Bytes)[2, 3];
        object status200 = 200;
        for (var listening = 0; listening < 2; listening++)
        {
            using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
            var factory = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
            using var engine = new EngineMetrics(factory);
            using var connections = new Registry.Server.Binary.BinaryConnectionSet(new ServerOptions());
            var binary = new Registry.Server.Telemetry.RegistryMetrics(factory, connections);
            var hosting = factory.Create(new System.Diagnostics.Metrics.MeterOptions("Microsoft.AspNetCore.Hosting"));
            var httpDuration = hosting.CreateHistogram<double>("http.server.request.duration", "s");
            var httpActive = hosting.CreateUpDownCounter<long>("http.server.active_requests", "{request}");
            using var exporter = listening == 1 ? new Registry.Server.Telemetry.PrometheusExporter(factory, []) : null;
            exporter?.Attach(binary);
            for (var pass = 0; pass < 2; pass++)
            {
                // The first pass creates the series and lets the JIT optimise; the second is measured.
                results[listening, 0] = Time(calls, () =>
                {
                    var started = binary.BinaryEnabled ? Stopwatch.GetTimestamp() : 0;
                    binary.BinaryAnswered(Registry.Protocol.Opcode.GetSchemaById, frame, started);
                });
                results[listening, 1] = Time(calls, () =>
                {
                    var started = binary.BinaryEnabled ? Stopwatch.GetTimestamp() : 0;
                    var validated = engine.ValidationEnabled ? Stopwatch.GetTimestamp() : 0;
                    engine.Validated(Registry.Schemas.Validation.ValidationOutcome.Valid, "JSON", validated);
                    binary.BinaryAnswered(Registry.Protocol.Opcode.Validate, frame, started);
                });
                results[listening, 2] = Time(calls, () =>
                {
                    var active = new System.Diagnostics.TagList { { "http.request.method", "GET" }, { "url.scheme", "http" } };
                    httpActive.Add(1, active);
                    var tags = new System.Diagnostics.TagList
                    {
                        { "url.scheme", "http" },
                        { "http.request.method", "GET" },
                        { "network.protocol.version", "1.1" },
                        { "http.response.status_code", status200 },
                        { "http.route", "/schemas/ids/{id}" },
                    };
                    httpDuration.Record(0.000_1, tags);
                    httpActive.Add(-1, active);
                });
            }
        }

        string[] names = ["binary request (GET_SCHEMA_BY_ID)", "binary request and validation (VALIDATE)", "HTTP request, as ASP.NET Core records it (no timestamps)"];
        for (var r = 0; r < names.Length; r++)
        {
            Console.WriteLine($"| {names[r]} | {results[0, r].Ns:0.0} ({results[0, r].Bytes:0} B) | {results[1, r].Ns:0.0} ({results[1, r].Bytes:0} B) |");
        }

        static (double, double) Time(int calls, Action call)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < calls; i++)
            {
                call();
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            return (elapsed.TotalNanoseconds / calls, (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / calls);
        }
    }

    private static void Loop(int requests, Action call)
    {
        for (var i = 0; i < requests; i++)
        {
            call();
        }
    }

    /// <summary>Runs <paramref name="work"/> (which makes <paramref name="requests"/> requests) and measures it per request.</summary>
    private static Sample Measure(int requests, Action work)
    {
        // Garbage left by the previous measurement is collected before this one starts, not during it.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Self.Refresh();
        var cpu = Self.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();
        work();
        var wall = Stopwatch.GetElapsedTime(started);
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Self.Refresh();
        return new Sample(wall.TotalMicroseconds / requests, (Self.TotalProcessorTime - cpu).TotalMicroseconds / requests, (double)bytes / requests);
    }

    private static double Median(List<Sample> samples, Func<Sample, double> value)
    {
        var sorted = samples.Select(value).Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private readonly record struct Sample(double WallMicros, double CpuMicros, double Bytes);
}
