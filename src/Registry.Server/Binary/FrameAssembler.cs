using System.Buffers;
using System.Buffers.Binary;
using Registry.Protocol.Framing;

namespace Registry.Server.Binary;

/// <summary>What <see cref="FrameAssembler.TryBegin"/> did.</summary>
internal enum AssemblyStart
{
    /// <summary>No large frame starts here (too few bytes for a header, or a frame small enough to wait in the pipe).</summary>
    NotLarge,

    /// <summary>A large frame is being assembled; its header and whatever payload was there are consumed.</summary>
    Started,

    /// <summary>A large frame starts here but the <see cref="FrameBudget"/> has no room for it; nothing was consumed.</summary>
    NoBudget,
}

/// <summary>
/// Collects one large frame outside the transport's pipe. The pipe stops taking bytes from the socket once it holds
/// its pause threshold (1 MiB in Kestrel) unconsumed, so a frame larger than that could never complete inside it.
/// A large frame whose header has arrived is therefore copied out as its bytes come and the pipe is consumed.
/// The declared length (already checked against the frame limit) is reserved from the process-wide
/// <see cref="FrameBudget"/> first, but memory follows what has arrived: the buffer starts small and doubles, never
/// past the declared length, so a header that declares 16 MiB and is followed by nothing costs nothing
/// (docs/protocol.md, section 6: allocation in proportion to what arrived).
/// Invariant: when <see cref="IsActive"/>, 0 &lt;= _filled &lt;= _length and _filled &lt;= _buffer.Length (0 without a buffer).
/// </summary>
internal sealed class FrameAssembler : IDisposable
{
    /// <summary>
    /// Incomplete frames above this size are assembled here; smaller ones wait in the pipe. Well below the pipe's
    /// resume threshold (512 KiB), so a waiting small frame can always complete.
    /// </summary>
    public const int Threshold = 64 * 1024;

    /// <summary>The first buffer of a frame: twice the threshold, so that most large frames grow once or not at all.</summary>
    private const int InitialCapacity = 2 * Threshold;

    private readonly FrameBudget _budget;
    private readonly Action _onBudget;
    private byte[]? _buffer;
    private int _length;
    private int _filled;
    private long _reserved;
    private bool _active;

    /// <param name="budget">The process-wide budget the declared length is reserved from.</param>
    /// <param name="onBudget">Called when a frame that did not fit may fit now (the connection tries again).</param>
    public FrameAssembler(FrameBudget budget, Action onBudget)
    {
        _budget = budget;
        _onBudget = onBudget;
    }

    /// <summary>True while a frame is being assembled or waits, complete, to be processed.</summary>
    public bool IsActive => _active;

    /// <summary>True when the whole payload is here.</summary>
    public bool IsComplete => _active && _filled == _length;

    /// <summary>Bytes of the payload received so far.</summary>
    public int Filled => _filled;

    /// <summary>Bytes allocated for the payload so far.</summary>
    public int Capacity => _buffer?.Length ?? 0;

    /// <summary>The assembled payload; valid until <see cref="Release"/>.</summary>
    public ReadOnlySequence<byte> Payload => new(_buffer!, 0, _length);

    /// <summary>
    /// When <paramref name="buffer"/> starts with the header of a frame too large to wait for in the pipe, reserves its
    /// length, starts assembling it and consumes what is there. Without room in the budget, consumes nothing and
    /// returns <see cref="AssemblyStart.NoBudget"/>: the callback given to the constructor runs when room may have
    /// been made.
    /// </summary>
    public AssemblyStart TryBegin(ref ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < Frame.HeaderLength)
        {
            return AssemblyStart.NotLarge;
        }

        Span<byte> header = stackalloc byte[Frame.HeaderLength];
        buffer.Slice(0, Frame.HeaderLength).CopyTo(header);

        // Frame.TryRead has already refused lengths above the frame limit.
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length <= Threshold)
        {
            return AssemblyStart.NotLarge;
        }

        if (!_budget.TryReserve(length, _onBudget))
        {
            return AssemblyStart.NoBudget;
        }

        _reserved = length;
        _length = length;
        _filled = 0;
        _active = true;
        buffer = buffer.Slice(Frame.HeaderLength);
        Fill(ref buffer);
        return AssemblyStart.Started;
    }

    /// <summary>Copies as much of the payload as <paramref name="buffer"/> holds and consumes it.</summary>
    public void Fill(ref ReadOnlySequence<byte> buffer)
    {
        var take = (int)Math.Min(buffer.Length, _length - _filled);
        if (take == 0)
        {
            return;
        }

        EnsureCapacity(_filled + take);
        buffer.Slice(0, take).CopyTo(_buffer.AsSpan(_filled, take));
        _filled += take;
        buffer = buffer.Slice(take);
    }

    /// <summary>
    /// Hands the frame's reservation to the caller, who returns it to the budget when the request it carried is
    /// answered (the request's own copies of the payload live until then).
    /// </summary>
    public long DetachReservation()
    {
        var reserved = _reserved;
        _reserved = 0;
        return reserved;
    }

    /// <summary>Returns the buffer to the pool and any reservation still held; the payload must no longer be referenced.</summary>
    public void Release()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }

        _budget.Release(DetachReservation());
        _active = false;
        _length = 0;
        _filled = 0;
    }

    public void Dispose() => Release();

    /// <summary>
    /// Grows the buffer to hold <paramref name="needed"/> bytes: at least double, at most the declared length. The pool
    /// rounds up to a power of two, so what is allocated stays under twice what has arrived, or
    /// <see cref="InitialCapacity"/> (the old buffer is returned as soon as it is copied).
    /// </summary>
    private void EnsureCapacity(int needed)
    {
        var current = _buffer?.Length ?? 0;
        if (current >= needed)
        {
            return;
        }

        var size = Math.Min(_length, Math.Max(needed, Math.Max(InitialCapacity, current * 2)));
        var grown = ArrayPool<byte>.Shared.Rent(size);
        if (_buffer is not null)
        {
            _buffer.AsSpan(0, _filled).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = grown;
    }
}
