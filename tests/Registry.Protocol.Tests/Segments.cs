using System.Buffers;

namespace Registry.Protocol.Tests;

/// <summary>Builds multi-segment sequences, to test parsers on input split across buffers.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Split(byte[] bytes, int at)
    {
        if (at <= 0 || at >= bytes.Length)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new Segment(bytes.AsMemory(0, at), 0);
        var last = first.Append(bytes.AsMemory(at));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Every byte in a segment of its own: every read crosses a segment boundary.</summary>
    public static ReadOnlySequence<byte> EachByte(byte[] bytes)
    {
        if (bytes.Length < 2)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new Segment(bytes.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < bytes.Length; i++)
        {
            last = last.Append(bytes.AsMemory(i, 1));
        }

        return new ReadOnlySequence<byte>(first, 0, last, 1);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
