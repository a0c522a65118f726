using System.Buffers;
using MessagePack;
using Registry.Protocol.Framing;
using Registry.Protocol.Messages;

namespace Registry.Protocol.Tests;

public sealed class FrameWriterTests
{
    [Fact]
    public void A_finished_frame_carries_its_payload_length_and_reads_back()
    {
        using var frames = new FrameWriter();
        var writer = frames.Start();
        Envelope.WriteRequest(ref writer, 5, new GetSchemaByIdRequest(42));

        var frame = frames.Finish(ref writer);

        var buffer = new ReadOnlySequence<byte>(frame);
        Assert.Equal(FrameReadResult.Complete, Frame.TryRead(ref buffer, 1024, out var payload));
        Assert.Equal(frame.Length - Frame.HeaderLength, payload.Length);
        Assert.Equal(MessageCatalog.Encode((ref MessagePackWriter w) => Envelope.WriteRequest(ref w, 5, new GetSchemaByIdRequest(42))), payload.ToArray());
    }

    [Fact]
    public void A_payload_above_the_limit_is_refused_and_the_writer_stays_usable()
    {
        using var frames = new FrameWriter(maxPayloadLength: 4096);

        var error = Assert.Throws<ProtocolException>(() =>
        {
            var w = frames.Start();
            w.Write(new byte[5000]);
            frames.Finish(ref w);
        });
        var writer = frames.Start();
        Envelope.WriteError(ref writer, 9, StatusCode.TooLarge, error.Message);
        var frame = frames.Finish(ref writer);

        Assert.Equal(StatusCode.TooLarge, error.Status);
        Assert.True(frame.Length < 4096);
    }

    [Fact]
    public void Writing_far_past_the_limit_is_refused_before_the_buffer_grows_without_bound()
    {
        using var frames = new FrameWriter(maxPayloadLength: 4096);

        var error = Assert.Throws<ProtocolException>(() =>
        {
            var writer = frames.Start();
            for (var i = 0; i < 100; i++)
            {
                writer.Write(new byte[1000]);
            }
        });

        Assert.Equal(StatusCode.TooLarge, error.Status);
    }

    [Fact]
    public void A_large_schema_grows_the_buffer_and_round_trips()
    {
        var schema = new byte[3 * 1024 * 1024];
        Random.Shared.NextBytes(schema);
        using var frames = new FrameWriter();
        var output = new ArrayBufferWriter<byte>();

        var writer = frames.Start();
        ResponseHeader.Write(ref writer, 1, StatusCode.Ok);
        SchemaResponse.Write(ref writer, 1, SchemaType.Json, schema, []);
        frames.FinishTo(ref writer, output);

        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.Equal(FrameReadResult.Complete, Frame.TryRead(ref buffer, ProtocolLimits.DefaultMaxFrameBytes, out var payload));
        var reader = new Wire.ProtocolReader(payload);
        ResponseHeader.Read(ref reader);
        Assert.Equal(schema, SchemaResponse.Read(ref reader).Schema.ToArray());

        // The next, small frame starts over in a small buffer.
        writer = frames.Start();
        Envelope.WriteEmptyResponse(ref writer, 2);
        Assert.Equal(Frame.HeaderLength + 4, frames.Finish(ref writer).Length);
    }

    [Fact]
    public void A_disposed_writer_refuses_to_start()
    {
        var frames = new FrameWriter();
        frames.Dispose();

        Assert.Throws<ObjectDisposedException>(() => frames.Start());
    }
}
