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

    private readonly Histogram<double> _binaryDuration;
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

    /// <summary>True when the binary request histogram has a listener: only then is a timestamp taken.</summary>
    public bool BinaryEnabled => _binaryDuration.Enabled;

    public void ConnectionOpened() => _binaryConnectionsOpened.Add(1);

    public void BinaryStarted() => Interlocked.Increment(ref _binaryInFlight);

    public void BinaryFinished() => Interlocked.Decrement(ref _binaryInFlight);

    /// <summary>
    /// Records one answered request from the response frame itself (4-byte length, then <c>[id, status, body]</c>), so
    /// every path that answers — the loop, the thread pool, an error — is counted the same way.
    /// </summary>
    public void BinaryAnswered(Opcode opcode, ReadOnlyMemory<byte> frame, long startTimestamp)
    {
        if (startTimestamp == 0)
        {
            return;
        }

        var status = ReadStatus(frame);
        _binaryDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds,
            new KeyValuePair<string, object?>("registry.opcode", Opcodes.GetName(opcode)),
            new KeyValuePair<string, object?>("registry.status", ProtocolStatus.GetName(status)));
    }

    /// <summary>The status of a response frame (INTERNAL when it cannot be read).</summary>
    internal static StatusCode ReadStatus(ReadOnlyMemory<byte> frame)
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
