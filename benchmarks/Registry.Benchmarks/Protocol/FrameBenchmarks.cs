using System.Buffers;
using BenchmarkDotNet.Attributes;
using Registry.Protocol.Framing;

namespace Registry.Benchmarks.Protocol;

/// <summary>Reading a frame header from one contiguous buffer and from a header split across two segments.</summary>
[Config(typeof(BenchmarkConfig))]
public class FrameBenchmarks
{
    private ReadOnlySequence<byte> _contiguous;

    [GlobalSetup]
    public void Setup()
    {
        var frame = new byte[Frame.HeaderLength + 100];
        Frame.WriteHeader(frame, 100);
        _contiguous = new ReadOnlySequence<byte>(frame);
    }

    [Benchmark(Baseline = true)]
    public long TryRead_contiguous()
    {
        var buffer = _contiguous;
        Frame.TryRead(ref buffer, 1 << 20, out var payload);
        return payload.Length;
    }
}
