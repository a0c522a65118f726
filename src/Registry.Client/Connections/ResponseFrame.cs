using System.Buffers;

namespace Registry.Client.Connections;

/// <summary>
/// A response payload copied out of the receive buffer into a pooled array, handed to the caller that awaited it.
/// The caller decodes it and disposes it exactly once, which returns the array to the pool.
/// </summary>
internal readonly struct ResponseFrame : IDisposable
{
    private readonly byte[] _buffer;
    private readonly int _length;

    private ResponseFrame(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    public ReadOnlySequence<byte> Payload => new(_buffer, 0, _length);

    public static ResponseFrame Copy(ReadOnlySpan<byte> payload)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(payload.Length, 1));
        payload.CopyTo(buffer);
        return new ResponseFrame(buffer, payload.Length);
    }

    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
