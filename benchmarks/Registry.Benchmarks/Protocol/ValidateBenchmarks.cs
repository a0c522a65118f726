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
/// VALIDATE frames, both directions: a ~300-byte tool-call document against a schema id or a subject's latest
/// version, and the verdict, valid or with three errors and a warning. Baseline per category: MessagePackSerializer
/// over object arrays.
/// </summary>
[Config(typeof(BenchmarkConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ValidateBenchmarks
{
    private const string Subject = "tools.search_flights";

    private readonly FrameWriter _frames = new();
    private byte[] _byIdFrame = [];
    private byte[] _bySubjectFrame = [];
    private byte[] _validFrame = [];
    private byte[] _invalidFrame = [];

    [GlobalSetup]
    public void Setup()
    {
        _byIdFrame = ProtocolSamples.Frame((ref MessagePackWriter w) =>
        {
            RequestHeader.Write(ref w, 8, Opcode.Validate);
            ValidateRequest.WriteForSchemaId(ref w, 100_123, 0, ProtocolSamples.Document);
        });
        _bySubjectFrame = ProtocolSamples.Frame((ref MessagePackWriter w) =>
        {
            RequestHeader.Write(ref w, 8, Opcode.Validate);
            ValidateRequest.WriteForSubject(ref w, Subject, VersionSelector.Latest, 0, ProtocolSamples.Document);
        });
        _validFrame = ProtocolSamples.Frame((ref MessagePackWriter w) =>
        {
            ResponseHeader.Write(ref w, 8, StatusCode.Ok);
            ValidateResponse.Write(ref w, 100_123, ValidationOutcome.Valid, false, [], []);
        });
        _invalidFrame = ProtocolSamples.Frame((ref MessagePackWriter w) =>
        {
            ResponseHeader.Write(ref w, 8, StatusCode.Ok);
            ValidateResponse.Write(ref w, 100_123, ValidationOutcome.Invalid, false, ProtocolSamples.Errors, ProtocolSamples.Warnings);
        });
    }

    [GlobalCleanup]
    public void Cleanup() => _frames.Dispose();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("request encode")]
    public int Request_encode_MessagePackSerializer()
        => MessagePackSerializer.Serialize<object[]>([8u, 8, new object?[] { 100_123, null, 0, 0, ProtocolSamples.Document }]).Length;

    [Benchmark]
    [BenchmarkCategory("request encode")]
    public int Request_encode_by_id()
    {
        var writer = _frames.Start();
        RequestHeader.Write(ref writer, 8, Opcode.Validate);
        ValidateRequest.WriteForSchemaId(ref writer, 100_123, 0, ProtocolSamples.Document);
        return _frames.Finish(ref writer).Length;
    }

    [Benchmark]
    [BenchmarkCategory("request encode")]
    public int Request_encode_by_subject()
    {
        var writer = _frames.Start();
        RequestHeader.Write(ref writer, 8, Opcode.Validate);
        ValidateRequest.WriteForSubject(ref writer, Subject, VersionSelector.Latest, 0, ProtocolSamples.Document);
        return _frames.Finish(ref writer).Length;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("request decode")]
    public int Request_decode_MessagePackSerializer()
    {
        var envelope = MessagePackSerializer.Deserialize<object[]>(_byIdFrame.AsMemory(Frame.HeaderLength));
        return ((byte[])((object[])envelope[2])[4]).Length;
    }

    [Benchmark]
    [BenchmarkCategory("request decode")]
    public long Request_decode_by_id()
    {
        var reader = new ProtocolReader(PayloadOf(_byIdFrame));
        RequestHeader.Read(ref reader);
        var request = ValidateRequest.Read(ref reader);
        return request.Target.SchemaId + request.Document.Length;
    }

    [Benchmark]
    [BenchmarkCategory("request decode")]
    public long Request_decode_by_subject()
    {
        var reader = new ProtocolReader(PayloadOf(_bySubjectFrame));
        RequestHeader.Read(ref reader);
        var request = ValidateRequest.Read(ref reader);
        return request.Target.SubjectUtf8.Length + request.Document.Length;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("response encode")]
    public int Response_encode_MessagePackSerializer()
        => MessagePackSerializer.Serialize<object[]>([8u, 0, new object[] { 100_123, Array.Empty<object>(), 0, false, Array.Empty<object>() }]).Length;

    [Benchmark]
    [BenchmarkCategory("response encode")]
    public int Response_encode_valid()
    {
        var writer = _frames.Start();
        ResponseHeader.Write(ref writer, 8, StatusCode.Ok);
        ValidateResponse.Write(ref writer, 100_123, ValidationOutcome.Valid, false, [], []);
        return _frames.Finish(ref writer).Length;
    }

    [Benchmark]
    [BenchmarkCategory("response encode")]
    public int Response_encode_invalid_with_errors()
    {
        var writer = _frames.Start();
        ResponseHeader.Write(ref writer, 8, StatusCode.Ok);
        ValidateResponse.Write(ref writer, 100_123, ValidationOutcome.Invalid, false, ProtocolSamples.Errors, ProtocolSamples.Warnings);
        return _frames.Finish(ref writer).Length;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("response decode")]
    public int Response_decode_MessagePackSerializer()
    {
        var envelope = MessagePackSerializer.Deserialize<object[]>(_invalidFrame.AsMemory(Frame.HeaderLength));
        return ((object[])((object[])envelope[2])[4]).Length;
    }

    [Benchmark]
    [BenchmarkCategory("response decode")]
    public long Response_decode_valid()
    {
        var reader = new ProtocolReader(PayloadOf(_validFrame));
        ResponseHeader.Read(ref reader);
        return (long)ValidateResponse.Read(ref reader).Outcome;
    }

    [Benchmark]
    [BenchmarkCategory("response decode")]
    public long Response_decode_invalid_with_errors()
    {
        var reader = new ProtocolReader(PayloadOf(_invalidFrame));
        ResponseHeader.Read(ref reader);
        var response = ValidateResponse.Read(ref reader);
        long sum = 0;
        foreach (var error in response.Errors)
        {
            sum += error.KeywordLocationUtf8.Length;
        }

        foreach (var warning in response.Warnings)
        {
            sum += (long)warning.Kind;
        }

        return sum;
    }

    private static ReadOnlySequence<byte> PayloadOf(byte[] frame)
    {
        var buffer = new ReadOnlySequence<byte>(frame);
        Frame.TryRead(ref buffer, ProtocolLimits.DefaultMaxFrameBytes, out var payload);
        return payload;
    }
}
