using System.Diagnostics;
using System.Diagnostics.Metrics;
using MessagePack;
using Registry.Engine.Services;
using Registry.Protocol;
using Registry.Server.Binary;

namespace Registry.Server.Telemetry;

/// <summary>
/// Instruments of the <c>Registry.Server</c> meter: the binary listener's requests (duration per opcode and status),
/// connections and requests in flight. Created on the host's <see cref="IMeterFactory"/>, so two servers in one process
/// (tests) keep apart. With no listener attached, recording a request is one test of <see cref="Instrument.Enabled"/>.
/// </summary>
internal sealed class RegistryMetrics
{
    /// <summary>Name of the meter.</summary>
    public const string MeterName = "Registry.Server";

    private static readonly double SecondsPerTick = 1.0 / Stopwatch.Frequency;

    // Per opcode (up to the last defined) and status (below StatusSlots): the exporter's series, made on first use.
    private const int StatusSlots = 64;

    private readonly Histogram<double> _binaryDuration;
    private readonly PrometheusExporter.Series?[] _directSeries = new PrometheusExporter.Series?[((int)Opcodes.Last + 1) * StatusSlots];
    private volatile PrometheusExporter.InstrumentState? _direct;
    private readonly Counter<long> _binaryConnectionsOpened;
    private long _binaryInFlight;

    public RegistryMetrics(IMeterFactory meters, BinaryConnectionSet connections)
    {
        var meter = meters.Create(MeterName);
        _binaryDuration = meter.CreateHistogram<double>("registry.binary.request.duration", "s",
            "Time from reading a binary request to writing its response, by opcode and status",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = EngineMetrics.Buckets.Fast });
        _binaryConnectionsOpened = meter.CreateCounter<long>("registry.binary.connections.opened", "{connection}", "Binary connections accepted");
        meter.CreateObservableUpDownCounter("registry.binary.connections.active", () => (long)connections.Count, "{connection}", "Binary connections open now");
        meter.CreateObservableUpDownCounter("registry.binary.requests.in_flight", () => Volatile.Read(ref _binaryInFlight), "{request}",
            "Binary requests started off the connection's loop (store round trips, cold validations) and not yet answered");
    }

    /// <summary>True when the Prometheus exporter or a listener wants binary requests timed: only then is a timestamp taken.</summary>
    public bool BinaryEnabled => _direct is not null || _binaryDuration.Enabled;

    /// <summary>The binary request histogram (<c>registry.binary.request.duration</c>).</summary>
    internal Histogram<double> BinaryDuration => _binaryDuration;

    /// <summary>
    /// From now on binary requests are also added straight to <paramref name="state"/>'s series (the Prometheus
    /// exporter's state for <see cref="BinaryDuration"/>, which it no longer listens to): an array index and two
    /// interlocked operations per request, no tag search.
    /// </summary>
    internal void RecordInto(PrometheusExporter.InstrumentState state) => _direct = state;

    public void ConnectionOpened() => _binaryConnectionsOpened.Add(1);

    public void BinaryStarted() => Interlocked.Increment(ref _binaryInFlight);

    public void BinaryFinished() => Interlocked.Decrement(ref _binaryInFlight);

    /// <summary>
    /// Records one answered request from the response frame itself (4-byte length, then <c>[id, status, body]</c>), so
    /// every path that answers — the loop, the thread pool, an error — is counted the same way. Returns the timestamp
    /// taken as the answer's time (0 when <paramref name="startTimestamp"/> is 0: nothing measured).
    /// </summary>
    public long BinaryAnswered(Opcode opcode, ReadOnlyMemory<byte> frame, long startTimestamp)
    {
        if (startTimestamp == 0)
        {
            return 0;
        }

        var status = ReadStatus(frame);
        var answered = Stopwatch.GetTimestamp();
        var seconds = (answered - startTimestamp) * SecondsPerTick;
        if (_direct is { } direct)
        {
            direct.Observe(DirectSeries(direct, opcode, status), seconds);
        }

        if (_binaryDuration.Enabled)
        {
            _binaryDuration.Record(seconds, OpcodeTag(opcode), StatusTag(status));
        }

        return answered;
    }

    private PrometheusExporter.Series DirectSeries(PrometheusExporter.InstrumentState direct, Opcode opcode, StatusCode status)
    {
        var known = (uint)opcode <= (uint)Opcodes.Last && (uint)status < StatusSlots;
        var slot = known ? ((int)opcode * StatusSlots) + (int)status : 0;
        if (known && _directSeries[slot] is { } bound)
        {
            return bound;
        }

        // First request of this opcode and status (two threads may both get here: Find gives both the same series).
        ReadOnlySpan<KeyValuePair<string, object?>> tags = [OpcodeTag(opcode), StatusTag(status)];
        var series = direct.Find(tags);
        if (known)
        {
            _directSeries[slot] = series;
        }

        return series;
    }

    private static KeyValuePair<string, object?> OpcodeTag(Opcode opcode) => new("registry.opcode", Opcodes.GetName(opcode));

    private static KeyValuePair<string, object?> StatusTag(StatusCode status) => new("registry.status", ProtocolStatus.GetName(status));

    /// <summary>The status of a response frame (INTERNAL when it cannot be read).</summary>
    internal static StatusCode ReadStatus(ReadOnlyMemory<byte> frame) =>
        TryReadStatusQuickly(frame.Span, out var status) ? status : ReadStatusFully(frame);

    /// <summary>
    /// The common shape read byte by byte: after the length, a 3-element array (<c>0x93</c>), the request id as a
    /// positive fixint or an unsigned 8, 16 or 32-bit integer, then the status as a positive fixint (every status
    /// the protocol defines is below 128). Anything else is read by <see cref="ReadStatusFully"/>.
    /// </summary>
    private static bool TryReadStatusQuickly(ReadOnlySpan<byte> frame, out StatusCode status)
    {
        status = default;
        var at = Registry.Protocol.Framing.Frame.HeaderLength;
        if (frame.Length <= at + 1 || frame[at] != 0x93)
        {
            return false;
        }

        at += frame[at + 1] switch
        {
            <= 0x7f => 2,
            0xcc => 3,
            0xcd => 4,
            0xce => 6,
            _ => int.MaxValue / 2,
        };
        if (at >= frame.Length || frame[at] > 0x7f)
        {
            return false;
        }

        status = (StatusCode)frame[at];
        return true;
    }

    private static StatusCode ReadStatusFully(ReadOnlyMemory<byte> frame)
    {
        try
        {
            var reader = new MessagePackReader(frame[Registry.Protocol.Framing.Frame.HeaderLength..]);
            reader.ReadArrayHeader();
            reader.ReadUInt32();
            return (StatusCode)reader.ReadInt32();
        }
        catch (MessagePackSerializationException)
        {
            return StatusCode.Internal;
        }
        catch (EndOfStreamException)
        {
            return StatusCode.Internal;
        }
    }
}
