using System.Buffers;
using System.Buffers.Binary;
using Registry.Protocol;
using Registry.Protocol.Framing;

namespace Registry.Client.Connections;

/// <summary>
/// Frames waiting to be sent on a connection, back to back in one pooled array. Requests are encoded straight into
/// it (the frame header is reserved, then filled in once the payload's length is known — possible here because
/// this buffer, unlike a transport's, may be written behind), and the sender takes the whole batch with one syscall.
/// Invariant: 0 &lt;= _written &lt;= _buffer.Length.
/// </summary>
internal sealed class SendBuffer : IBufferWriter<byte>, IDisposable
{
    private const int InitialCapacity = 16 * 1024;
    private const int RetainedCapacity = 1024 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialCapacity);
    private int _written;

    public int Length => _written;

    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _written);

    /// <summary>Reserves a frame header; returns where the frame starts.</summary>
    public int BeginFrame()
    {
        var start = _written;
        GetSpan(Frame.HeaderLength);
        _written += Frame.HeaderLength;
        return start;
    }

    /// <summary>Fills in the header of the frame begun at <paramref name="start"/>; refuses (and removes) a payload above the limit.</summary>
    public void EndFrame(int start, int maxPayload)
    {
        var length = _written - start - Frame.HeaderLength;
        if (length > maxPayload)
        {
            _written = start;
            throw new RegistryRequestException(
                StatusCode.TooLarge,
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The request needs {length} bytes, more than the server's frame limit of {maxPayload}."));
        }

        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(start), length);
    }

    /// <summary>Removes everything written since <paramref name="start"/>.</summary>
    public void Rollback(int start) => _written = start;

    /// <summary>Empties the buffer once its content has been sent.</summary>
    public void Clear()
    {
        _written = 0;
        if (_buffer.Length > RetainedCapacity)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(InitialCapacity);
        }
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _written);
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public void Dispose()
    {
        if (_buffer.Length != 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void Ensure(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= sizeHint)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max((long)_written + sizeHint, 2L * _buffer.Length)));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
