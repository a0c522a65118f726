using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Registry.Engine.Services;
using Registry.Protocol;
using Registry.Server.Binary;
using Registry.Server.Hosting;
using Registry.Server.Telemetry;

namespace Registry.Server.Tests;

/// <summary>
/// The exporter's recording paths: binary requests added straight to their series per opcode and status, and other
/// instruments' series found by the identity of their tag objects. Both must count exactly under concurrency, write
/// the same series as the listener path, and allocate nothing once a series exists.
/// </summary>
public sealed class PrometheusExporterTests : IDisposable
{
    private const string Count = "registry_binary_request_duration_seconds_count";
    private const string Bucket = "registry_binary_request_duration_seconds_bucket";

    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }
    }

    /// <summary>A response frame <c>[id, status, nil]</c> with the id in MessagePack's uint32 form when it needs it.</summary>
    private static byte[] Frame(uint id, StatusCode status)
    {
        List<byte> body = [0x93];
        if (id <= 0x7f)
        {
            body.Add((byte)id);
        }
        else
        {
            body.AddRange([0xce, (byte)(id >> 24), (byte)(id >> 16), (byte)(id >> 8), (byte)id]);
        }

        body.AddRange([(byte)status, 0xc0]);
        return [0, 0, 0, (byte)body.Count, .. body];
    }

    private (RegistryMetrics Metrics, PrometheusExporter Exporter, IMeterFactory Factory) Create(bool attach)
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _owned.Add(services);
        var factory = services.GetRequiredService<IMeterFactory>();
        var connections = new BinaryConnectionSet(new ServerOptions());
        _owned.Add(connections);
        var metrics = new RegistryMetrics(factory, connections);
        var exporter = new PrometheusExporter(factory, []);
        _owned.Add(exporter);
        if (attach)
        {
            exporter.Attach(metrics);
        }

        return (metrics, exporter, factory);
    }

    private static void Answer(RegistryMetrics metrics, Opcode opcode, byte[] frame) =>
        metrics.BinaryAnswered(opcode, frame, metrics.BinaryEnabled ? Stopwatch.GetTimestamp() : 0);

    [Fact]
    public void Concurrent_binary_requests_recorded_straight_into_their_series_sum_exactly()
    {
        var (metrics, exporter, _) = Create(attach: true);
        Assert.True(metrics.BinaryEnabled);
        var ok = Frame(7, StatusCode.Ok);
        var notFound = Frame(100_000, StatusCode.SchemaNotFound);
        const int threads = 4;
        const int each = 20_000;

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (var i = 0; i < each; i++)
            {
                Answer(metrics, Opcode.GetSchemaById, i % 4 == 0 ? notFound : ok);
                Answer(metrics, Opcode.Validate, ok);
            }
        });

        var samples = PrometheusText.Parse(exporter.Scrape());
        Assert.Equal(threads * each * 3 / 4, samples.Value(Count, ("registry_opcode", "GET_SCHEMA_BY_ID"), ("registry_status", "OK")));
        Assert.Equal(threads * each / 4, samples.Value(Count, ("registry_opcode", "GET_SCHEMA_BY_ID"), ("registry_status", "SCHEMA_NOT_FOUND")));
        Assert.Equal(threads * each, samples.Value(Count, ("registry_opcode", "VALIDATE"), ("registry_status", "OK")));
        Assert.Equal(threads * each, samples.Value(Bucket, ("registry_opcode", "VALIDATE"), ("registry_status", "OK"), ("le", "+Inf")));
        Assert.Equal(3, samples.Count(s => s.Name == Count));
    }

    [Fact]
    public void Attached_and_listened_binary_histograms_write_the_same_series()
    {
        var (attached, attachedExporter, _) = Create(attach: true);
        var (listened, listenedExporter, _) = Create(attach: false);
        foreach (var metrics in new[] { attached, listened })
        {
            Answer(metrics, Opcode.Ping, Frame(1, StatusCode.Ok));
            Answer(metrics, Opcode.GetSchemaById, Frame(2, StatusCode.SchemaNotFound));
            Answer(metrics, Opcode.GetSchemaById, Frame(3, StatusCode.SchemaNotFound));
            Answer(metrics, (Opcode)200, Frame(4, StatusCode.UnknownOpcode));
        }

        static string[] Shape(PrometheusExporter exporter) => [.. exporter.Scrape().Split('\n')
            .Where(l => l.StartsWith("registry_binary_request_duration", StringComparison.Ordinal) || l.Contains(" registry_binary_request_duration", StringComparison.Ordinal))
            .Select(l => l.StartsWith('#') || l.Contains("_count", StringComparison.Ordinal) ? l : l[..l.LastIndexOf(' ')])];

        var expected = Shape(listenedExporter);
        Assert.Contains(expected, l => l.StartsWith("# TYPE registry_binary_request_duration_seconds histogram", StringComparison.Ordinal));
        Assert.Contains("registry_binary_request_duration_seconds_count{registry_opcode=\"GET_SCHEMA_BY_ID\",registry_status=\"SCHEMA_NOT_FOUND\"} 2", expected);
        Assert.Contains("registry_binary_request_duration_seconds_count{registry_opcode=\"UNKNOWN\",registry_status=\"UNKNOWN_OPCODE\"} 1", expected);
        Assert.Equal(expected, Shape(attachedExporter));
    }

    [Fact]
    public void Another_listener_still_receives_binary_requests_after_the_exporter_takes_its_histogram()
    {
        var (metrics, _, _) = Create(attach: true);
        long seen = 0;
        using var other = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument, metrics.BinaryDuration))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        other.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            Assert.Equal(2, tags.Length);
            Interlocked.Increment(ref seen);
        });
        other.Start();

        for (var i = 0; i < 5; i++)
        {
            Answer(metrics, Opcode.GetSchemaById, Frame(9, StatusCode.Ok));
        }

        Assert.Equal(5, Interlocked.Read(ref seen));
    }

    [Fact]
    public void Recording_a_binary_request_and_a_validation_allocates_nothing_once_their_series_exist()
    {
        var (metrics, _, factory) = Create(attach: true);
        using var engine = new EngineMetrics(factory);
        var frame = Frame(7, StatusCode.Ok);
        void Record()
        {
            var validated = engine.ValidationEnabled ? Stopwatch.GetTimestamp() : 0;
            engine.Validated(Registry.Schemas.Validation.ValidationOutcome.Valid, new string("JSON".AsSpan()), validated);
            Answer(metrics, Opcode.GetSchemaById, frame);
            Answer(metrics, Opcode.Validate, frame);
        }

        Record();
        var type = new string("JSON".AsSpan());
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            var validated = engine.ValidationEnabled ? Stopwatch.GetTimestamp() : 0;
            engine.Validated(Registry.Schemas.Validation.ValidationOutcome.Valid, type, validated);
            Answer(metrics, Opcode.GetSchemaById, frame);
            Answer(metrics, Opcode.Validate, frame);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Series_found_by_equal_tags_in_distinct_objects_count_into_one_series_exactly()
    {
        var (_, exporter, factory) = Create(attach: false);
        var meter = factory.Create("Registry.Test");
        var counter = meter.CreateCounter<long>("registry.test.calls", "{call}");
        const int threads = 4;
        const int each = 10_000;

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            // Half the threads pass one object each time (the identity path), half a new string each time (by value).
            for (var i = 0; i < each; i++)
            {
                var value = t % 2 == 0 ? "a" : new string('a', 1);
                counter.Add(1, new KeyValuePair<string, object?>("kind", value), new KeyValuePair<string, object?>("n", i % 2 == 0 ? "even" : "odd"));
            }
        });

        var samples = PrometheusText.Parse(exporter.Scrape());
        Assert.Equal(threads * each / 2, samples.Value("registry_test_calls_total", ("kind", "a"), ("n", "even")));
        Assert.Equal(threads * each / 2, samples.Value("registry_test_calls_total", ("kind", "a"), ("n", "odd")));
        Assert.Equal(2, samples.Count(s => s.Name == "registry_test_calls_total"));
    }

    [Theory]
    [InlineData(5u, StatusCode.Ok)]
    [InlineData(200u, StatusCode.SchemaNotFound)]
    [InlineData(70_000u, StatusCode.ShuttingDown)]
    [InlineData(uint.MaxValue, StatusCode.BadRequest)]
    public void The_status_is_read_from_the_response_frame_whatever_the_id_size(uint id, StatusCode status)
    {
        Assert.Equal(status, RegistryMetrics.ReadStatus(Frame(id, status)));

        // The same frame with the id as a uint16 (0xcd) and a uint8 (0xcc) when it fits.
        if (id <= ushort.MaxValue)
        {
            Assert.Equal(status, RegistryMetrics.ReadStatus(new byte[] { 0, 0, 0, 5, 0x93, 0xcd, (byte)(id >> 8), (byte)id, (byte)status, 0xc0 }));
        }

        if (id <= byte.MaxValue)
        {
            Assert.Equal(status, RegistryMetrics.ReadStatus(new byte[] { 0, 0, 0, 4, 0x93, 0xcc, (byte)id, (byte)status, 0xc0 }));
        }
    }

    [Fact]
    public void A_frame_that_is_not_a_response_reads_as_internal()
    {
        Assert.Equal(StatusCode.Internal, RegistryMetrics.ReadStatus(new byte[] { 0, 0, 0, 2, 0x93, 0x01 }));
        Assert.Equal(StatusCode.Internal, RegistryMetrics.ReadStatus(new byte[] { 0, 0, 0, 1, 0xc0 }));
    }
}
