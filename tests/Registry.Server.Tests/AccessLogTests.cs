using System.Buffers;
using System.Diagnostics;
using MessagePack;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Registry.Protocol;
using Registry.Protocol.Framing;
using Registry.Protocol.Messages;
using Registry.Server.Telemetry;

namespace Registry.Server.Tests;

/// <summary>The access log: off by default, one line per request when on, failures always, successes sampled, no query string.</summary>
public sealed class AccessLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void An_http_line_names_method_path_status_and_principal_but_never_the_query_string()
    {
        var lines = new CapturingLogger();
        var log = new AccessLog(lines, sampleRatio: 1);
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/v1/schemas/7/validate";
        context.Request.QueryString = new QueryString("?secret=hunter2");
        context.Response.StatusCode = 422;

        log.Http(context, Stopwatch.GetTimestamp());

        var line = Assert.Single(lines.Messages);
        Assert.StartsWith("POST /v1/schemas/7/validate 422 ", line, StringComparison.Ordinal);
        Assert.Contains("principal=-", line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", line, StringComparison.Ordinal);
    }

    [Fact]
    public void With_a_sample_ratio_of_0_only_failed_requests_are_written_on_both_listeners()
    {
        var lines = new CapturingLogger();
        var log = new AccessLog(lines, sampleRatio: 0);
        foreach (var status in new[] { 200, 201, 404, 500, 200 })
        {
            var context = new DefaultHttpContext();
            context.Request.Method = "GET";
            context.Request.Path = "/v1/subjects";
            context.Response.StatusCode = status;
            log.Http(context, Stopwatch.GetTimestamp());
        }

        log.Binary(Opcode.GetSchemaById, 5, Response(5, StatusCode.Ok), Stopwatch.GetTimestamp(), "conn-1", "svc");
        log.Binary(Opcode.GetSchemaById, 6, Response(6, StatusCode.SchemaNotFound), Stopwatch.GetTimestamp(), "conn-1", "svc");

        Assert.Equal(3, lines.Messages.Count);
        Assert.Contains(lines.Messages, l => l.StartsWith("GET /v1/subjects 404 ", StringComparison.Ordinal));
        Assert.Contains(lines.Messages, l => l.StartsWith("GET /v1/subjects 500 ", StringComparison.Ordinal));
        var binary = Assert.Single(lines.Messages, l => l.StartsWith("GET_SCHEMA_BY_ID", StringComparison.Ordinal));
        Assert.Contains("#6 SCHEMA_NOT_FOUND", binary, StringComparison.Ordinal);
        Assert.Contains("principal=svc connection=conn-1", binary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_access_log_is_off_by_default_and_on_when_configured()
    {
        await using (var plain = await InProcessServer.StartAsync())
        {
            Assert.Null(plain.Services.GetService<AccessLog>());
        }

        await using var logged = await InProcessServer.StartAsync(new Dictionary<string, string?> { [AccessLog.EnabledKey] = "true", [AccessLog.SampleRatioKey] = "0.5" });
        Assert.NotNull(logged.Services.GetService<AccessLog>());
        using var response = await logged.Http.GetAsync("/health/live", Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("yes", null, AccessLog.EnabledKey)]
    [InlineData("true", "2", AccessLog.SampleRatioKey)]
    [InlineData("true", "half", AccessLog.SampleRatioKey)]
    public async Task A_malformed_access_log_setting_stops_the_start_naming_it(string enabled, string? ratio, string named)
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            InProcessServer.StartAsync(new Dictionary<string, string?> { [AccessLog.EnabledKey] = enabled, [AccessLog.SampleRatioKey] = ratio }));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    private static ReadOnlyMemory<byte> Response(uint id, StatusCode status)
    {
        var payload = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(payload);
        Envelope.WriteError(ref writer, id, status, "x");
        writer.Flush();
        var frame = new byte[Frame.HeaderLength + payload.WrittenCount];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)payload.WrittenCount);
        payload.WrittenSpan.CopyTo(frame.AsSpan(Frame.HeaderLength));
        return frame;
    }

    private sealed class CapturingLogger : ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
