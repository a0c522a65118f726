using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MessagePack;
using Registry.Protocol;
using Registry.Protocol.Framing;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;

namespace Registry.Benchmarks.Protocol;

/// <summary>
/// GET_SCHEMA_BY_ID frames, both directions, encoded with a reused <see cref="FrameWriter"/> and decoded from a
/// frame into views. Baseline per category: the easy way, MessagePackSerializer over object arrays.
/// </summary>
[Config(typeof(BenchmarkConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class GetSchemaByIdBenchmarks
{
    private readonly FrameWriter _frames = new();
    private byte[] _requestFrame = [];
    private byte[] _responseFrame = [];
    private ReadOnlySequence<byte> _responseSplit;
    private SchemaReference[] _references = [];

    [GlobalSetup]
    public void Setup()
    {
        _references = [new("common.json", "tools.common", 4)];
        _requestFrame = ProtocolSamples.Frame((ref MessagePackWriter w) => Envelope.WriteRequest(ref w, 7, new GetSchemaByIdRequest(100_123)));
        _responseFrame = ProtocolSamples.Frame((ref MessagePackWriter w) =>
        {
            ResponseHeader.Write(ref w, 7, StatusCode.Ok);
            SchemaResponse.Write(ref w, 100_123, SchemaType.Json, ProtocolSamples.Schema, _references);
        });
        _responseSplit = ProtocolSamples.SplitPayload(_responseFrame);
    }

    [GlobalCleanup]
    public void Cleanup() => _frames.Dispose();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("request encode")]
    public int Request_encode_MessagePackSerializer()
        => MessagePackSerializer.Serialize<object[]>([7u, 2, new object[] { 100_123 }]).Length;

    [Benchmark]
    [BenchmarkCategory("request encode")]
    public int Request_encode()
    {
        var writer = _frames.Start();
        RequestHeader.Write(ref writer, 7, Opcode.GetSchemaById);
        GetSchemaByIdRequest.Write(ref writer, 100_123);
        return _frames.Finish(ref writer).Length;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("request decode")]
    public int Request_decode_MessagePackSerializer()
    {
        var envelope = MessagePackSerializer.Deserialize<object[]>(_requestFrame.AsMemory(Frame.HeaderLength));
        return Convert.ToInt32(((object[])envelope[2])[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Benchmark]
    [BenchmarkCategory("request decode")]
    public int Request_decode()
    {
        var buffer = new ReadOnlySequence<byte>(_requestFrame);
        Frame.TryRead(ref buffer, ProtocolLimits.DefaultMaxFrameBytes, out var payload);
        var reader = new ProtocolReader(payload);
        RequestHeader.Read(ref reader);
        return GetSchemaByIdRequest.Read(ref reader).SchemaId;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("response encode")]
    public int Response_encode_MessagePackSerializer()
        => MessagePackSerializer.Serialize<object[]>(
            [7u, 0, new object[] { 100_123, "JSON", ProtocolSamples.Schema, new object[] { new object[] { "common.json", "tools.common", 4 } } }]).Length;

    [Benchmark]
    [BenchmarkCategory("response encode")]
    public int Response_encode()
    {
        var writer = _frames.Start();
        ResponseHeader.Write(ref writer, 7, StatusCode.Ok);
        SchemaResponse.Write(ref writer, 100_123, SchemaType.Json, ProtocolSamples.Schema, _references);
        return _frames.Finish(ref writer).Length;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("response decode")]
    public int Response_decode_MessagePackSerializer()
    {
        var envelope = MessagePackSerializer.Deserialize<object[]>(_responseFrame.AsMemory(Frame.HeaderLength));
        return ((byte[])((object[])envelope[2])[2]).Length;
    }

    [Benchmark]
    [BenchmarkCategory("response decode")]
    public long Response_decode()
    {
        var buffer = new ReadOnlySequence<byte>(_responseFrame);
        Frame.TryRead(ref buffer, ProtocolLimits.DefaultMaxFrameBytes, out var payload);
        return DecodeResponse(payload);
    }

    [Benchmark]
    [BenchmarkCategory("response decode")]
    public long Response_decode_split_in_two_segments() => DecodeResponse(_responseSplit);

    private static long DecodeResponse(ReadOnlySequence<byte> payload)
    {
        var reader = new ProtocolReader(payload);
        ResponseHeader.Read(ref reader);
        var response = SchemaResponse.Read(ref reader);
        var sum = response.Schema.Length;
        foreach (var reference in response.References)
        {
            sum += reference.Version;
        }

        return sum;
    }
}
