using System.Buffers;
using MessagePack;

namespace Registry.Protocol.Framing;

/// <summary>
/// Builds one frame at a time in a pooled buffer: <see cref="Start"/> hands out a <see cref="MessagePackWriter"/>
/// positioned after a reserved header, <see cref="Finish"/> checks the payload against the frame limit and fills
/// in the header. The payload's length is only known once it is written, and an <see cref="IBufferWriter{T}"/>
/// cannot be written behind, so the frame is assembled here and then copied whole to the transport; once the
/// buffer has grown to the largest frame it allocates nothing. Not thread-safe: one per connection or writer loop.
/// </summary>
public sealed class FrameWriter : IBufferWriter<byte>, IDisposable
{
    private const int InitialCapacity = 4096;

    // A one-off large frame should not pin its buffer for the life of the connection.
    private const int RetainedCapacity = 1024 * 1024;

    private readonly int _maxPayloadLength;
    private readonly long _maxCapacity;
    private byte[] _buffer;

    // Invariant: Frame.HeaderLength <= _written <= _buffer.Length once Start has been called.
    private int _written;

    /// <summary>Creates a writer that refuses payloads above <paramref name="maxPayloadLength"/> bytes.</summary>
    public FrameWriter(int maxPayloadLength = ProtocolLimits.DefaultMaxFrameBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPayloadLength);
        _maxPayloadLength = maxPayloadLength;

        // MessagePackWriter asks for room for a string's worst-case UTF-8 length (3 bytes per char) before it knows
        // the real one, so the buffer may briefly need more than the limit; past that, writing is refused early.
        _maxCapacity = Math.Min(Array.MaxLength, (3L * maxPayloadLength) + Frame.HeaderLength + 64);
        _buffer = ArrayPool<byte>.Shared.Rent(InitialCapacity);
        _written = Frame.HeaderLength;
    }

    /// <summary>The largest payload this writer produces.</summary>
    public int MaxPayloadLength => _maxPayloadLength;

    /// <summary>Starts a new frame, discarding anything written since the last <see cref="Finish"/>.</summary>
    public MessagePackWriter Start()
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        if (_buffer.Length > RetainedCapacity)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(InitialCapacity);
        }

        _written = Frame.HeaderLength;
        return new MessagePackWriter(this);
    }

    /// <summary>
    /// Ends the frame written through <paramref name="writer"/> and returns it, header included. The memory is
    /// valid until the next <see cref="Start"/>. Throws <see cref="ProtocolException"/> with
    /// <see cref="StatusCode.TooLarge"/> when the payload exceeds the limit (then start again, e.g. with an error).
    /// </summary>
    public ReadOnlyMemory<byte> Finish(ref MessagePackWriter writer)
    {
        writer.Flush();
        var payloadLength = _written - Frame.HeaderLength;
        if (payloadLength > _maxPayloadLength)
        {
            ThrowTooLarge(payloadLength);
        }

        Frame.WriteHeader(_buffer, payloadLength);
        return new ReadOnlyMemory<byte>(_buffer, 0, _written);
    }

    /// <summary>Ends the frame as <see cref="Finish"/> does and appends it to <paramref name="destination"/>.</summary>
    public void FinishTo(ref MessagePackWriter writer, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(Finish(ref writer).Span);
    }

    /// <inheritdoc />
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _written);
        _written += count;
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Returns the buffer to the pool.</summary>
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
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        sizeHint = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= sizeHint)
        {
            return;
        }

        var needed = (long)_written + sizeHint;
        if (needed > _maxCapacity)
        {
            ThrowTooLarge(needed - Frame.HeaderLength);
        }

        var capacity = (int)Math.Min(_maxCapacity, Math.Max(needed, 2L * _buffer.Length));
        var larger = ArrayPool<byte>.Shared.Rent(capacity);
        _buffer.AsSpan(0, _written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    private void ThrowTooLarge(long length)
        => throw new ProtocolException(
            StatusCode.TooLarge,
            string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"The message needs {length} bytes, more than the frame limit of {_maxPayloadLength}."));
}
