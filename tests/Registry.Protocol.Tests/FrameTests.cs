using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using Registry.Protocol.Framing;

namespace Registry.Protocol.Tests;

public sealed class FrameTests
{
    private static byte[] MakeFrame(byte[] payload)
    {
        var frame = new byte[Frame.HeaderLength + payload.Length];
        Frame.WriteHeader(frame, payload.Length);
        payload.CopyTo(frame, Frame.HeaderLength);
        return frame;
    }

    [Fact]
    public void Whole_frame_is_read_and_consumed()
    {
        var payload = "hello"u8.ToArray();
        var buffer = new ReadOnlySequence<byte>(MakeFrame(payload));

        var result = Frame.TryRead(ref buffer, 1024, out var read);

        Assert.Equal(FrameReadResult.Complete, result);
        Assert.Equal(payload, read.ToArray());
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Every_strict_prefix_is_incomplete_and_consumes_nothing()
    {
        var frame = MakeFrame("a payload of some length"u8.ToArray());
        for (var length = 0; length < frame.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(frame, 0, length);
            var before = buffer;

            var result = Frame.TryRead(ref buffer, 1024, out _);

            Assert.Equal(FrameReadResult.Incomplete, result);
            Assert.Equal(before, buffer);
        }
    }

    [Fact]
    public void Frame_split_at_every_position_parses_the_same()
    {
        var payload = "split me anywhere"u8.ToArray();
        var frame = MakeFrame(payload);
        for (var split = 0; split <= frame.Length; split++)
        {
            var buffer = Segments.Split(frame, split);

            var result = Frame.TryRead(ref buffer, 1024, out var read);

            Assert.Equal(FrameReadResult.Complete, result);
            Assert.Equal(payload, read.ToArray());
            Assert.True(buffer.IsEmpty);
        }
    }

    [Fact]
    public void Declared_length_above_the_limit_is_too_large_before_the_payload_arrives()
    {
        var header = new byte[Frame.HeaderLength];
        Frame.WriteHeader(header, 1025);
        var buffer = new ReadOnlySequence<byte>(header);

        Assert.Equal(FrameReadResult.TooLarge, Frame.TryRead(ref buffer, 1024, out _));
        Assert.Equal(Frame.HeaderLength, buffer.Length);
    }

    [Fact]
    public void Length_with_the_sign_bit_set_is_too_large_not_negative()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 1, 2 });

        Assert.Equal(FrameReadResult.TooLarge, Frame.TryRead(ref buffer, int.MaxValue, out _));
    }

    [Fact]
    public void Two_frames_in_one_buffer_are_read_in_order()
    {
        var bytes = MakeFrame([1, 2]).Concat(MakeFrame([3])).ToArray();
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.Equal(FrameReadResult.Complete, Frame.TryRead(ref buffer, 16, out var first));
        Assert.Equal(FrameReadResult.Complete, Frame.TryRead(ref buffer, 16, out var second));
        Assert.Equal(FrameReadResult.Incomplete, Frame.TryRead(ref buffer, 16, out _));
        Assert.Equal(new byte[] { 1, 2 }, first.ToArray());
        Assert.Equal(new byte[] { 3 }, second.ToArray());
    }

    [FsCheck.Xunit.Property]
    public Property Random_bytes_never_throw_and_never_read_past_the_limit(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes ?? []);
        var result = Frame.TryRead(ref buffer, 64, out var payload);
        var ok = result switch
        {
            FrameReadResult.Complete => payload.Length <= 64,
            _ => buffer.Length == (bytes?.Length ?? 0),
        };
        return ok.ToProperty();
    }
}
