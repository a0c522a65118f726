using System.Diagnostics;
using System.Globalization;
using Registry.Protocol;

namespace Registry.Server.Telemetry;

/// <summary>
/// One log line per request on both listeners (category <c>Registry.Access</c>), off by default
/// (<c>Registry:Telemetry:AccessLog:Enabled</c>). Failed requests are always written; successful ones are sampled at
/// <c>Registry:Telemetry:AccessLog:SampleRatio</c> (0 to 1, default 1). A line names the method or opcode, the path
/// (never the query string, which may carry document content), the status, the time taken, the principal when
/// security is on, and the peer; never a body or a credential.
/// </summary>
internal sealed partial class AccessLog
{
    public const string EnabledKey = "Registry:Telemetry:AccessLog:Enabled";
    public const string SampleRatioKey = "Registry:Telemetry:AccessLog:SampleRatio";

    private readonly ILogger _logger;
    private readonly double _sampleRatio;

    public AccessLog(ILogger logger, double sampleRatio)
    {
        _logger = logger;
        _sampleRatio = sampleRatio;
    }

    /// <summary>
    /// The sample ratio the configuration asks for, or null when the access log is off; a malformed setting stops the
    /// start with a message naming it.
    /// </summary>
    public static double? ReadSettings(IConfiguration configuration)
    {
        var enabled = configuration[EnabledKey];
        if (string.IsNullOrWhiteSpace(enabled))
        {
            return null;
        }

        if (!bool.TryParse(enabled, out var on))
        {
            throw new InvalidOperationException($"{EnabledKey} must be true or false, not '{enabled}'.");
        }

        var ratioText = configuration[SampleRatioKey];
        var ratio = 1.0;
        if (!string.IsNullOrWhiteSpace(ratioText)
            && (!double.TryParse(ratioText, NumberStyles.Float, CultureInfo.InvariantCulture, out ratio) || double.IsNaN(ratio) || ratio is < 0 or > 1))
        {
            throw new InvalidOperationException($"{SampleRatioKey} must be a number from 0 to 1, not '{ratioText}'.");
        }

        return on ? ratio : null;
    }

    /// <summary>Writes the line of an HTTP request, if it is to be written.</summary>
    public void Http(HttpContext context, long startTimestamp)
    {
        var status = context.Response.StatusCode;
        if (!Sampled(failed: status >= 400))
        {
            return;
        }

        HttpRequest(
            _logger,
            context.Request.Method,
            context.Request.Path.Value ?? "/",
            status,
            Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds,
            Security.HttpSecurity.PrincipalOf(context)?.Name ?? "-",
            context.Connection.RemoteIpAddress?.ToString() ?? "-");
    }

    /// <summary>Writes the line of a binary request answered with <paramref name="frame"/>, if it is to be written.</summary>
    public void Binary(Opcode opcode, uint requestId, ReadOnlyMemory<byte> frame, long startTimestamp, string connectionId, string? principal)
    {
        var status = RegistryMetrics.ReadStatus(frame);
        if (!Sampled(failed: status != StatusCode.Ok))
        {
            return;
        }

        BinaryRequest(
            _logger,
            Opcodes.GetName(opcode),
            requestId,
            ProtocolStatus.GetName(status),
            Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds,
            principal ?? "-",
            connectionId);
    }

    private bool Sampled(bool failed) => failed || _sampleRatio >= 1 || (_sampleRatio > 0 && Random.Shared.NextDouble() < _sampleRatio);

    [LoggerMessage(100, LogLevel.Information, "{Method} {Path} {StatusCode} {ElapsedMs:F2} ms principal={Principal} peer={Peer}")]
    private static partial void HttpRequest(ILogger logger, string method, string path, int statusCode, double elapsedMs, string principal, string peer);

    [LoggerMessage(101, LogLevel.Information, "{Opcode} #{RequestId} {Status} {ElapsedMs:F2} ms principal={Principal} connection={ConnectionId}")]
    private static partial void BinaryRequest(ILogger logger, string opcode, uint requestId, string status, double elapsedMs, string principal, string connectionId);
}
