using System.Buffers;
using System.Buffers.Binary;
using Registry.Protocol.Framing;

namespace Registry.Server.Binary;

/// <summary>
/// Collects one large frame outside the transport's pipe. The pipe stops taking bytes from the socket once it holds
/// its pause threshold (1 MiB in Kestrel) unconsumed, so a frame larger than that could never complete inside it.
/// A large frame whose header has arrived is therefore copied out as it comes, into a pooled buffer of exactly its
/// declared length (already checked against the frame limit), and the pipe is consumed.
/// Invariant: when <see cref="IsActive"/>, 0 &lt;= _filled &lt;= _length &lt;= _buffer.Length.
/// </summary>
internal sealed class FrameAssembler : IDisposable
{
    /// <summary>
    /// Incomplete frames above this size are assembled here; smaller ones wait in the pipe. Well below the pipe's
    /// resume threshold (512 KiB), so a waiting small frame can always complete.
    /// </summary>
    public const int Threshold = 64 * 1024;

    private byte[]? _buffer;
    private int _length;
    private int _filled;

    /// <summary>True while a frame is being assembled or waits, complete, to be processed.</summary>
    public bool IsActive => _buffer is not null;

    /// <summary>True when the whole payload is here.</summary>
    public bool IsComplete => _buffer is not null && _filled == _length;

    /// <summary>The assembled payload; valid until <see cref="Release"/>.</summary>
    public ReadOnlySequence<byte> Payload => new(_buffer!, 0, _length);

    /// <summary>
    /// When <paramref name="buffer"/> starts with the header of a frame too large to wait for in the pipe, starts
    /// assembling it, consumes what is there and returns true.
    /// </summary>
    public bool TryBegin(ref ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < Frame.HeaderLength)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[Frame.HeaderLength];
        buffer.Slice(0, Frame.HeaderLength).CopyTo(header);

        // Frame.TryRead has already refused lengths above the frame limit.
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length <= Threshold)
        {
            return false;
        }

        _buffer = ArrayPool<byte>.Shared.Rent(length);
        _length = length;
        _filled = 0;
        buffer = buffer.Slice(Frame.HeaderLength);
        Fill(ref buffer);
        return true;
    }

    /// <summary>Copies as much of the payload as <paramref name="buffer"/> holds and consumes it.</summary>
    public void Fill(ref ReadOnlySequence<byte> buffer)
    {
        var take = (int)Math.Min(buffer.Length, _length - _filled);
        buffer.Slice(0, take).CopyTo(_buffer.AsSpan(_filled, take));
        _filled += take;
        buffer = buffer.Slice(take);
    }

    /// <summary>Returns the buffer to the pool; the payload must no longer be referenced.</summary>
    public void Release()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }

    public void Dispose() => Release();
}
