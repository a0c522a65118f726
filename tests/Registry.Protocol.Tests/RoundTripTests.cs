using System.Buffers;
using Registry.Protocol.Framing;

namespace Registry.Protocol.Tests;

public sealed class RoundTripTests
{
    public static TheoryData<string> Messages => MessageCatalog.NameData;

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_message_decodes_and_encodes_back_to_the_same_bytes(string name)
    {
        var message = MessageCatalog.Get(name);

        var again = message.Reencode(new ReadOnlySequence<byte>(message.Payload));

        Assert.Equal(message.Payload, again);
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_frame_split_at_every_byte_position_parses_the_same(string name)
    {
        var message = MessageCatalog.Get(name);
        var frame = message.Frame;
        for (var split = 0; split <= frame.Length; split++)
        {
            var buffer = Segments.Split(frame, split);

            var result = Frame.TryRead(ref buffer, ProtocolLimits.DefaultMaxFrameBytes, out var payload);

            Assert.Equal(FrameReadResult.Complete, result);
            Assert.True(buffer.IsEmpty);
            Assert.Equal(message.Payload, message.Reencode(payload));
        }
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_frame_with_each_byte_in_its_own_segment_parses_the_same(string name)
    {
        var message = MessageCatalog.Get(name);
        var buffer = Segments.EachByte(message.Frame);

        var result = Frame.TryRead(ref buffer, ProtocolLimits.DefaultMaxFrameBytes, out var payload);

        Assert.Equal(FrameReadResult.Complete, result);
        Assert.Equal(message.Payload, message.Reencode(payload));
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_strict_prefix_of_a_frame_is_incomplete_and_consumes_nothing(string name)
    {
        var frame = MessageCatalog.Get(name).Frame;
        for (var length = 0; length < frame.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(frame, 0, length);
            var before = buffer;

            var result = Frame.TryRead(ref buffer, ProtocolLimits.DefaultMaxFrameBytes, out _);

            Assert.Equal(FrameReadResult.Incomplete, result);
            Assert.Equal(before, buffer);
        }
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_strict_prefix_of_a_payload_framed_as_whole_is_malformed(string name)
    {
        var message = MessageCatalog.Get(name);
        for (var length = 0; length < message.Payload.Length; length++)
        {
            var truncated = new ReadOnlySequence<byte>(message.Payload, 0, length);

            var error = Assert.Throws<ProtocolException>(() => message.Reencode(truncated));

            Assert.Equal(StatusCode.MalformedFrame, error.Status);
        }
    }

    [Fact]
    public void Two_pipelined_frames_in_one_buffer_decode_in_order()
    {
        var first = MessageCatalog.Get("GET_SCHEMA_BY_ID");
        var second = MessageCatalog.Get("VALIDATE by subject");
        var buffer = new ReadOnlySequence<byte>([.. first.Frame, .. second.Frame]);

        Assert.Equal(FrameReadResult.Complete, Frame.TryRead(ref buffer, 1 << 20, out var one));
        Assert.Equal(FrameReadResult.Complete, Frame.TryRead(ref buffer, 1 << 20, out var two));

        Assert.Equal(first.Payload, first.Reencode(one));
        Assert.Equal(second.Payload, second.Reencode(two));
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void The_catalog_has_a_request_for_every_defined_opcode()
    {
        var opcodes = MessageCatalog.All
            .Where(c => c.IsRequest)
            .Select(c =>
            {
                var reader = new Wire.ProtocolReader(new ReadOnlySequence<byte>(c.Payload));
                return Registry.Protocol.Messages.RequestHeader.Read(ref reader).Opcode;
            })
            .ToHashSet();

        Assert.Equal(Enum.GetValues<Opcode>().ToHashSet(), opcodes);
    }
}

public sealed class DispatchTests
{
    public static TheoryData<string> Messages => MessageCatalog.NameData;

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_message_decodes_through_the_opcode_dispatch(string name)
    {
        var message = MessageCatalog.Get(name);
        var payload = new ReadOnlySequence<byte>(message.Payload);

        if (message.IsRequest)
        {
            Assert.True(Opcodes.IsDefined(Decoders.DecodeRequest(payload)));
        }
        else
        {
            var status = Decoders.DecodeResponse(payload, Decoders.OpcodeOf(message));
            Assert.Equal(message.Name.StartsWith("error", StringComparison.Ordinal), status != StatusCode.Ok);
        }
    }
}
