using System.Buffers;
using Registry.Protocol.Framing;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Tests;

/// <summary>
/// The hot paths allocate nothing once warm: a frame is encoded into a reused <see cref="FrameWriter"/>, read
/// back by the frame reader, and decoded into views over the payload. Counted in bytes, not timed.
/// </summary>
public sealed class AllocationTests
{
    private const int MaxFrame = ProtocolLimits.DefaultMaxFrameBytes;

    private static long AllocatedBy(Func<FrameWriter, long> roundTrip)
    {
        using var frames = new FrameWriter();
        var check = roundTrip(frames);
        for (var i = 0; i < 10; i++)
        {
            roundTrip(frames);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            check ^= roundTrip(frames);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.NotEqual(-1, check);
        return allocated;
    }

    private static ReadOnlySequence<byte> PayloadOf(ReadOnlyMemory<byte> frame)
    {
        // No Assert here: the assertion library allocates, and this runs inside the measured loop.
        var buffer = new ReadOnlySequence<byte>(frame);
        return Frame.TryRead(ref buffer, MaxFrame, out var payload) == FrameReadResult.Complete
            ? payload
            : throw new InvalidOperationException("The frame did not read back whole.");
    }

    [Fact]
    public void Get_schema_by_id_request_round_trip_allocates_nothing()
    {
        static long RoundTrip(FrameWriter frames)
        {
            var writer = frames.Start();
            RequestHeader.Write(ref writer, 7, Opcode.GetSchemaById);
            GetSchemaByIdRequest.Write(ref writer, 100_123);
            var reader = new ProtocolReader(PayloadOf(frames.Finish(ref writer)));
            var header = RequestHeader.Read(ref reader);
            return header.RequestId + GetSchemaByIdRequest.Read(ref reader).SchemaId;
        }

        Assert.Equal(0, AllocatedBy(RoundTrip));
    }

    [Fact]
    public void Get_schema_by_id_response_round_trip_allocates_nothing()
    {
        static long RoundTrip(FrameWriter frames)
        {
            var writer = frames.Start();
            ResponseHeader.Write(ref writer, 7, StatusCode.Ok);
            SchemaResponse.Write(ref writer, 100_123, SchemaType.Json, MessageCatalog.Schema, MessageCatalog.References);
            var reader = new ProtocolReader(PayloadOf(frames.Finish(ref writer)));
            ResponseHeader.Read(ref reader);
            var response = SchemaResponse.Read(ref reader);
            var sum = response.Schema.Length;
            foreach (var reference in response.References)
            {
                sum += reference.Version + reference.SubjectUtf8.Length;
            }

            return sum;
        }

        Assert.Equal(0, AllocatedBy(RoundTrip));
    }

    [Fact]
    public void Validate_request_round_trip_allocates_nothing_by_id_or_by_subject()
    {
        static long RoundTrip(FrameWriter frames)
        {
            var writer = frames.Start();
            RequestHeader.Write(ref writer, 8, Opcode.Validate);
            ValidateRequest.WriteForSchemaId(ref writer, 100_123, 0, MessageCatalog.Document);
            var reader = new ProtocolReader(PayloadOf(frames.Finish(ref writer)));
            RequestHeader.Read(ref reader);
            var byId = ValidateRequest.Read(ref reader);
            var sum = byId.Target.SchemaId + byId.Document.Length;

            writer = frames.Start();
            RequestHeader.Write(ref writer, 9, Opcode.Validate);
            ValidateRequest.WriteForSubject(ref writer, "orders.créé", VersionSelector.Latest, 10, MessageCatalog.Document);
            reader = new ProtocolReader(PayloadOf(frames.Finish(ref writer)));
            RequestHeader.Read(ref reader);
            var bySubject = ValidateRequest.Read(ref reader);
            return sum + bySubject.Target.SubjectUtf8.Length + bySubject.Document.Length;
        }

        Assert.Equal(0, AllocatedBy(RoundTrip));
    }

    [Fact]
    public void Validate_response_round_trip_allocates_nothing_valid_or_invalid()
    {
        static long RoundTrip(FrameWriter frames)
        {
            var writer = frames.Start();
            ResponseHeader.Write(ref writer, 8, StatusCode.Ok);
            ValidateResponse.Write(ref writer, 100_123, ValidationOutcome.Valid, false, [], []);
            var reader = new ProtocolReader(PayloadOf(frames.Finish(ref writer)));
            ResponseHeader.Read(ref reader);
            long sum = (int)ValidateResponse.Read(ref reader).Outcome;

            writer = frames.Start();
            ResponseHeader.Write(ref writer, 9, StatusCode.Ok);
            ValidateResponse.Write(ref writer, 100_123, ValidationOutcome.Invalid, true, MessageCatalog.Errors, MessageCatalog.Warnings);
            reader = new ProtocolReader(PayloadOf(frames.Finish(ref writer)));
            ResponseHeader.Read(ref reader);
            var invalid = ValidateResponse.Read(ref reader);
            foreach (var error in invalid.Errors)
            {
                sum += error.KeywordLocationUtf8.Length;
            }

            foreach (var warning in invalid.Warnings)
            {
                sum += warning.MessageUtf8.Length;
            }

            return sum;
        }

        Assert.Equal(0, AllocatedBy(RoundTrip));
    }

    [Fact]
    public void Validate_batch_round_trip_allocates_nothing()
    {
        static long RoundTrip(FrameWriter frames)
        {
            var writer = frames.Start();
            RequestHeader.Write(ref writer, 10, Opcode.ValidateBatch);
            ValidateBatchRequest.WriteForSchemaId(ref writer, 5, 0, 3);
            for (var i = 0; i < 3; i++)
            {
                ValidateBatchRequest.WriteDocument(ref writer, MessageCatalog.Document);
            }

            var reader = new ProtocolReader(PayloadOf(frames.Finish(ref writer)));
            RequestHeader.Read(ref reader);
            long sum = 0;
            foreach (var document in ValidateBatchRequest.Read(ref reader).Documents)
            {
                sum += document.Bytes.Length;
            }

            writer = frames.Start();
            ResponseHeader.Write(ref writer, 10, StatusCode.Ok);
            ValidateBatchResponse.WriteStart(ref writer, 5, 0);
            ValidateBatchResponse.WriteResultsHeader(ref writer, 2);
            ValidateBatchResponse.WriteResult(ref writer, ValidationOutcome.Valid, false, 0);
            ValidateBatchResponse.WriteResult(ref writer, ValidationOutcome.Invalid, false, 1);
            MessageCatalog.Errors[0].Write(ref writer);
            reader = new ProtocolReader(PayloadOf(frames.Finish(ref writer)));
            ResponseHeader.Read(ref reader);
            foreach (var result in ValidateBatchResponse.Read(ref reader).Results)
            {
                sum += result.Errors.Count;
            }

            return sum;
        }

        Assert.Equal(0, AllocatedBy(RoundTrip));
    }

    [Fact]
    public void Decoding_a_validate_request_split_across_segments_allocates_nothing()
    {
        var payload = MessageCatalog.Get("VALIDATE by subject").Payload;
        var splits = Enumerable.Range(1, payload.Length - 1).Select(at => Segments.Split(payload, at)).ToArray();

        long Decode()
        {
            long sum = 0;
            foreach (var split in splits)
            {
                var reader = new ProtocolReader(split);
                RequestHeader.Read(ref reader);
                var request = ValidateRequest.Read(ref reader);
                sum += request.Document.Length + request.Target.SubjectUtf8.Length;
            }

            return sum;
        }

        var expected = Decode();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var again = Decode();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(expected, again);
        Assert.Equal(0, allocated);
    }
}
