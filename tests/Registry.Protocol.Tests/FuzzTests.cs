using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using MessagePack;
using Registry.Protocol.Messages;

namespace Registry.Protocol.Tests;

/// <summary>A payload that is probably not valid: random bytes, a valid envelope with a random body, or a valid message with random damage.</summary>
public sealed record HostilePayload(string Origin, byte[] Bytes)
{
    public override string ToString() => $"{Origin}: {Convert.ToHexString(Bytes)}";
}

public static class HostilePayloads
{
    private static readonly Gen<byte> Byte = Gen.Choose(0, 255).Select(i => (byte)i);

    private static readonly Gen<byte[]> Bytes = Gen.Choose(0, 600).SelectMany(n => Gen.ArrayOf(Byte, n));

    public static Arbitrary<HostilePayload> Payloads() => Arb.From(Gen.Frequency(
        (1, Bytes.Select(b => new HostilePayload("random", b))),
        (2, RandomBody()),
        (4, Damaged())));

    private static Gen<HostilePayload> RandomBody() =>
        from opcode in Gen.Elements(Enum.GetValues<Opcode>())
        from request in Gen.Elements(true, false)
        from body in Bytes
        select new HostilePayload(
            $"{Opcodes.GetName(opcode)} {(request ? "request" : "response")} with a random body",
            [.. Envelope(request, opcode), .. body]);

    private static byte[] Envelope(bool request, Opcode opcode) => MessageCatalog.Encode((ref MessagePackWriter w) =>
    {
        if (request)
        {
            RequestHeader.Write(ref w, 1, opcode);
        }
        else
        {
            ResponseHeader.Write(ref w, 1, StatusCode.Ok);
        }
    });

    private static readonly Gen<(int Kind, int Position, byte Value)> Mutation =
        from kind in Gen.Choose(0, 3)
        from position in Gen.Choose(0, int.MaxValue)
        from value in Byte
        select (kind, position, value);

    private static Gen<HostilePayload> Damaged() =>
        from message in Gen.Elements(MessageCatalog.All.ToArray())
        from count in Gen.Choose(1, 4)
        from damage in Gen.ArrayOf(Mutation, count)
        select new HostilePayload($"{message.Name} damaged", Damage(message.Payload, damage));

    private static byte[] Damage(byte[] payload, (int Kind, int Position, byte Value)[] damage)
    {
        var bytes = payload.ToList();
        foreach (var (kind, position, value) in damage)
        {
            var at = bytes.Count == 0 ? 0 : position % bytes.Count;
            switch (kind)
            {
                case 0 when bytes.Count > 0: bytes[at] = value; break;
                case 1: bytes.Insert(at, value); break;
                case 2 when bytes.Count > 0: bytes.RemoveAt(at); break;
                case 3: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }

        return [.. bytes];
    }
}

public sealed class FuzzTests
{
    // The limit the property holds decoding to; the payloads themselves stay far below it.
    private const int FrameLimit = 64 * 1024;

    [FsCheck.Xunit.Property(MaxTest = 3000, Arbitrary = [typeof(HostilePayloads)])]
    public Property Hostile_payloads_raise_nothing_but_protocol_exceptions_and_allocate_less_than_the_frame_limit(HostilePayload payload)
    {
        var sequence = new ReadOnlySequence<byte>(payload.Bytes);
        var worst = Measure(() => Decoders.DecodeRequest(sequence));
        foreach (var opcode in Enum.GetValues<Opcode>())
        {
            worst = Math.Max(worst, Measure(() => Decoders.DecodeResponse(sequence, opcode)));
        }

        return (worst <= FrameLimit).Label($"allocated {worst} bytes");
    }

    [FsCheck.Xunit.Property(MaxTest = 300, Arbitrary = [typeof(HostilePayloads)])]
    public Property Hostile_payloads_split_across_segments_are_judged_the_same(HostilePayload payload)
    {
        var whole = Outcome(new ReadOnlySequence<byte>(payload.Bytes));
        var split = Outcome(Segments.EachByte(payload.Bytes));

        return (whole == split).Label($"whole: {whole}, split: {split}");
    }

    private static string Outcome(ReadOnlySequence<byte> payload)
    {
        try
        {
            return Decoders.DecodeRequest(payload).ToString();
        }
        catch (ProtocolException e)
        {
            return $"{e.Status}: {e.Message}";
        }
    }

    /// <summary>Bytes allocated by <paramref name="decode"/>; any exception but <see cref="ProtocolException"/> fails the test.</summary>
    private static long Measure(Action decode)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            decode();
        }
        catch (ProtocolException)
        {
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
