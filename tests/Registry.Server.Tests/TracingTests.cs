using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Registry.Client;
using Registry.Engine.Services;
using Registry.Protocol;
using Registry.Protocol.Messages;
using Registry.Server.Tests.Binary;

namespace Registry.Server.Tests;

/// <summary>
/// Spans: an HTTP request continues the caller's <c>traceparent</c> and the engine's work is a child of it; a binary
/// request is a server span with the engine's spans under it. The listener here stands in for the
/// OpenTelemetry SDK (which subscribes the same way when an OTLP endpoint is configured). Listeners are process-wide
/// and would make other tests' requests record spans (the allocation-free binary paths among them), so these tests run
/// alone (<see cref="TracingCollection"/>); each assertion still picks its own spans by trace id or by parent.
/// </summary>
[Collection(nameof(TracingCollection))]
public sealed class TracingTests : IDisposable
{
    private const string OrderSchema = """{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}""";

    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is EngineTracing.SourceName or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_http_validation_continues_the_callers_traceparent_with_the_engine_span_beneath_the_request_span()
    {
        await using var server = await InProcessServer.StartAsync();
        var schemaId = (await server.Http.RegisterAsync("orders", OrderSchema)).GetProperty("id").GetInt64();
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/schemas/{schemaId}/validate")
        {
            Content = new StringContent("""{"id":"a"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");
        using var response = await server.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var spans = await SpansAsync(a => a.TraceId == traceId, a => a.OperationName == "registry.validate");
        var http = Assert.Single(spans, a => a.Source.Name == "Microsoft.AspNetCore");
        Assert.Equal(callerSpan, http.ParentSpanId);
        var validate = Assert.Single(spans, a => a.OperationName == "registry.validate");
        Assert.True(IsBeneath(validate, http, spans), "the validation span is not beneath the request span");
        Assert.Equal(schemaId, Convert.ToInt64(validate.GetTagItem("registry.schema_id"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ActivityStatusCode.Unset, validate.Status);
    }

    [Fact]
    public async Task A_binary_registration_is_a_server_span_with_the_compile_span_beneath_it()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint, "tracing-tests");
        var subject = "traced-" + Guid.NewGuid().ToString("N");

        await wire.SendAsync(FrameStream.Request(7, new RegisterRequest { Subject = subject, Schema = Encoding.UTF8.GetBytes(OrderSchema) }));
        Assert.Equal(StatusCode.Ok, (await wire.ReadAsync()).Status);

        // The REGISTER span of this connection: the one with a compile span beneath it in its own trace.
        Activity? register = null;
        IReadOnlyList<Activity> trace = [];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (register is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "no REGISTER span with a compile span beneath it within 30 s");
            foreach (var candidate in _stopped.Where(a => a.OperationName == "REGISTER"))
            {
                var family = _stopped.Where(a => a.TraceId == candidate.TraceId).ToList();
                if (family.Any(a => a.OperationName == "registry.compile"))
                {
                    (register, trace) = (candidate, family);
                }
            }

            await Task.Delay(20, Ct);
        }

        Assert.Equal(ActivityKind.Server, register.Kind);
        Assert.Equal("REGISTER", register.GetTagItem("rpc.method"));
        Assert.Equal(7u, register.GetTagItem("registry.request_id"));
        Assert.True(IsBeneath(trace.First(a => a.OperationName == "registry.compile"), register, trace));
    }

    [Fact]
    public async Task A_binary_request_carrying_a_traceparent_continues_the_callers_trace()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint, "tracing-tests");
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        var request = new RegisterRequest { Subject = "traced-" + Guid.NewGuid().ToString("N"), Schema = Encoding.UTF8.GetBytes(OrderSchema) };

        await wire.SendAsync(FrameStream.Encode((ref MessagePack.MessagePackWriter w) =>
        {
            RequestHeader.Write(ref w, 8, Opcode.Register, $"00-{traceId}-{callerSpan}-01");
            request.Write(ref w);
        }));
        var answer = await wire.ReadAsync();
        Assert.Equal((8u, StatusCode.Ok), (answer.RequestId, answer.Status));

        var trace = await TraceAsync(traceId, "registry.compile");
        var register = Assert.Single(trace, a => a.OperationName == "REGISTER");
        Assert.Equal(callerSpan, register.ParentSpanId);
        Assert.True(IsBeneath(trace.First(a => a.OperationName == "registry.compile"), register, trace));
    }

    [Fact]
    public async Task The_client_sends_the_current_span_with_each_request_and_the_server_span_is_its_child()
    {
        await using var server = await InProcessServer.StartAsync();
        await using var client = new RegistryClient(new RegistryClientOptions { Endpoints = [server.BinaryEndpoint.ToString()], ClientName = "tracing-tests" });
        using var caller = new Activity("checkout").SetIdFormat(ActivityIdFormat.W3C).Start();

        await client.RegisterAsync("traced-" + Guid.NewGuid().ToString("N"), OrderSchema, Ct);
        caller.Stop();

        var trace = await TraceAsync(caller.TraceId, "registry.compile");
        var register = Assert.Single(trace, a => a.OperationName == "REGISTER");
        Assert.Equal(caller.SpanId, register.ParentSpanId);
    }

    [Fact]
    public async Task The_embedded_sqlite_store_running_alone_traces_each_call_beneath_the_request()
    {
        await using var server = await InProcessServer.StartAsync();
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        var subject = "traced-" + Guid.NewGuid().ToString("N");

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/subjects/{subject}/versions")
        {
            Content = new StringContent($$"""{"schema":{{OrderSchema}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");
        using var response = await server.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var spans = await SpansAsync(a => a.TraceId == traceId, a => a.OperationName == "registry.store" && Equals(a.GetTagItem("registry.store.operation"), "AppendVersionAsync"));
        var http = Assert.Single(spans, a => a.Source.Name == "Microsoft.AspNetCore");
        var store = spans.Where(a => a.OperationName == "registry.store").ToList();
        Assert.All(store, a =>
        {
            Assert.Equal(ActivityKind.Client, a.Kind);
            Assert.Equal("sqlite", a.GetTagItem("db.system.name"));
            Assert.Equal("store", a.GetTagItem("registry.tier"));
            Assert.True(IsBeneath(a, http, spans), $"the store span {a.GetTagItem("registry.store.operation")} is not beneath the request span");
        });
        Assert.Single(store, a => Equals(a.GetTagItem("registry.store.operation"), "AppendVersionAsync"));

        // One span per call: nothing in front of the store traces the same call again.
        Assert.Equal(store.Count, store.Select(a => a.SpanId).Distinct().Count());
        Assert.DoesNotContain(store, a => a.Parent is { OperationName: "registry.store" });
    }

    /// <summary>The spans of trace <paramref name="traceId"/> once one called <paramref name="awaited"/> has stopped.</summary>
    private async Task<IReadOnlyList<Activity>> TraceAsync(ActivityTraceId traceId, string awaited)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var trace = _stopped.Where(a => a.TraceId == traceId).ToList();
            if (trace.Any(a => a.OperationName == awaited) && trace.Any(a => a.Kind == ActivityKind.Server))
            {
                return trace;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no {awaited} span in trace {traceId} within 30 s");
            await Task.Delay(20, Ct);
        }
    }

    private static bool IsBeneath(Activity child, Activity ancestor, IReadOnlyList<Activity> spans)
    {
        var bySpan = spans.GroupBy(a => a.SpanId).ToDictionary(g => g.Key, g => g.First());
        var current = child;
        for (var hops = 0; hops < 64; hops++)
        {
            if (current.ParentSpanId == ancestor.SpanId)
            {
                return true;
            }

            if (!bySpan.TryGetValue(current.ParentSpanId, out var parent))
            {
                return false;
            }

            current = parent;
        }

        return false;
    }

    private async Task<IReadOnlyList<Activity>> SpansAsync(Func<Activity, bool> mine, Func<Activity, bool> awaited)
    {
        // The request span stops after the response is written; wait for it and the awaited one.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var spans = _stopped.Where(mine).ToList();
            if (spans.Any(awaited) && spans.Any(a => a.Source.Name == "Microsoft.AspNetCore"))
            {
                return spans;
            }

            Assert.True(DateTime.UtcNow < deadline, "the spans did not arrive within 30 s");
            await Task.Delay(20, Ct);
        }
    }
}

/// <summary>Tests that attach a process-wide span listener: run after the parallel tests, one at a time.</summary>
[CollectionDefinition(nameof(TracingCollection), DisableParallelization = true)]
public sealed class TracingCollection;
