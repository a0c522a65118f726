using System.Buffers;
using System.Buffers.Binary;

namespace Registry.Protocol.Framing;

/// <summary>Outcome of <see cref="Frame.TryRead"/>.</summary>
public enum FrameReadResult
{
    /// <summary>Not enough bytes for a whole frame yet; nothing was consumed.</summary>
    Incomplete,

    /// <summary>A whole frame was read and consumed.</summary>
    Complete,

    /// <summary>The declared payload length exceeds the limit; framing cannot continue safely.</summary>
    TooLarge,
}

/// <summary>
/// A frame is a 4-byte big-endian payload length followed by that many bytes of MessagePack payload.
/// </summary>
public static class Frame
{
    /// <summary>Length of the frame header in bytes.</summary>
    public const int HeaderLength = 4;

    /// <summary>
    /// Reads one frame from the start of <paramref name="buffer"/>. On <see cref="FrameReadResult.Complete"/>,
    /// <paramref name="payload"/> is the payload and <paramref name="buffer"/> is advanced past the frame;
    /// otherwise <paramref name="buffer"/> is left untouched.
    /// </summary>
    public static FrameReadResult TryRead(ref ReadOnlySequence<byte> buffer, int maxPayloadLength, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        if (buffer.Length < HeaderLength)
        {
            return FrameReadResult.Incomplete;
        }

        uint declared;
        var first = buffer.FirstSpan;
        if (first.Length >= HeaderLength)
        {
            declared = BinaryPrimitives.ReadUInt32BigEndian(first);
        }
        else
        {
            Span<byte> header = stackalloc byte[HeaderLength];
            buffer.Slice(0, HeaderLength).CopyTo(header);
            declared = BinaryPrimitives.ReadUInt32BigEndian(header);
        }

        // Checked before anything is sliced or allocated: a hostile length must not drive buffering.
        if (declared > (uint)maxPayloadLength)
        {
            return FrameReadResult.TooLarge;
        }

        long total = HeaderLength + (long)declared;
        if (buffer.Length < total)
        {
            return FrameReadResult.Incomplete;
        }

        payload = buffer.Slice(HeaderLength, declared);
        buffer = buffer.Slice(total);
        return FrameReadResult.Complete;
    }

    /// <summary>Writes the header of a frame whose payload is <paramref name="payloadLength"/> bytes long.</summary>
    public static void WriteHeader(Span<byte> destination, int payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        BinaryPrimitives.WriteInt32BigEndian(destination, payloadLength);
    }
}
