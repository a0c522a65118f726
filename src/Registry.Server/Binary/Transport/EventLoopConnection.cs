using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Registry.Server.Binary.Transport;

/// <summary>
/// A connection of the event-loop transport, as Kestrel's connection pipeline sees it: two pipes that schedule
/// inline. Its loop thread receives into the input pipe when epoll says there are bytes (never speculatively) and
/// stops receiving while the input is full (back-pressure through TCP); whoever flushes the output sends it, and waits
/// for epoll to say the socket is writable only when the kernel's buffer is full. When either side ends (the peer's
/// close or reset, an abort, the application completing its output) the other is ended too, as Kestrel's socket
/// transport does, and the descriptor is closed on the loop thread once both have.
/// </summary>
internal sealed class EventLoopConnection : ConnectionContext
{
    // Room asked of the input pipe per receive.
    private const int ReceiveBytes = 8 * 1024;

    // Buffers gathered into one sendmsg when the output spans several.
    private const int MaxVectors = 16;

    private static long _nextId;

    private readonly Socket _socket;
    private readonly int _fd;
    private readonly EventLoop _loop;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly CancellationTokenSource _closed = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closedSignalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly Action _resumeReceiving;
    private readonly MemoryHandle[] _pins = new MemoryHandle[MaxVectors];
    private ValueTask<FlushResult> _pendingFlush;

    // Under _gate: what is registered with epoll, and what decides it.
    private uint _registered;
    private volatile bool _receivePaused;
    private volatile bool _receiveEnded;
    private volatile bool _waitingToSend;
    private TaskCompletionSource? _writable;
    private bool _descriptorClosed;
    private volatile ConnectionAbortedException? _abortReason;

    private int _sidesRunning = 2;
    private int _closedFired;
    private Task _sending = Task.CompletedTask;

    public EventLoopConnection(Socket socket, EventLoop loop)
    {
        _socket = socket;
        _fd = (int)socket.Handle;
        _loop = loop;
        ConnectionId = "B" + Interlocked.Increment(ref _nextId).ToString("X8", System.Globalization.CultureInfo.InvariantCulture);
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        ConnectionClosed = _closed.Token;

        // Kestrel's defaults for a socket connection: 1 MiB read ahead, 64 KiB of responses before a flush waits.
        _input = new Pipe(new PipeOptions(
            pool: MemoryPool<byte>.Shared, readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024, useSynchronizationContext: false));
        _output = new Pipe(new PipeOptions(
            pool: MemoryPool<byte>.Shared, readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));
        Transport = new DuplexPipe(_input.Reader, _output.Writer);
        _resumeReceiving = ResumeReceiving;
        Token = loop.Add(this);
    }

    /// <summary>This connection's name in its loop's events.</summary>
    public ulong Token { get; }

    public override IDuplexPipe Transport { get; set; }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    /// <summary>Registers for reading and starts sending; throws <see cref="IOException"/> when epoll refuses the descriptor.</summary>
    public void Start()
    {
        bool registered;
        lock (_gate)
        {
            registered = UpdateInterest();
        }

        if (!registered)
        {
            var errno = Marshal.GetLastPInvokeError();
            _loop.Remove(Token);
            throw new IOException($"epoll_ctl failed with errno {errno}");
        }

        _sending = SendLoopAsync();
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        lock (_gate)
        {
            if (_abortReason is not null || _descriptorClosed)
            {
                return;
            }

            _abortReason = abortReason;

            // Data the peer sends from now on is not taken (Receive checks the reason); the peer sees the close at once.
            Linux.Shutdown(_fd, Linux.ShutBoth);
        }

        // On the thread pool: the send loop's end, and what it completes, would otherwise run on the caller's thread
        // (a time-out timer, or Kestrel walking its connections at shutdown).
        ThreadPool.UnsafeQueueUserWorkItem(static connection => connection.EndBothSides(), this, preferLocal: false);
    }

    public override async ValueTask DisposeAsync()
    {
        _input.Reader.Complete();
        _output.Writer.Complete();
        await _sending.ConfigureAwait(false);
        await _finished.Task.ConfigureAwait(false);
        await _closedSignalled.Task.ConfigureAwait(false);
        _closed.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>On the loop thread: epoll reported <paramref name="events"/> for this connection.</summary>
    public void OnEvents(uint events)
    {
        try
        {
            if ((events & (Linux.EpollOut | Linux.EpollErr | Linux.EpollHup)) != 0 && _waitingToSend)
            {
                // Outside the lock: the send loop continues here, on the loop thread.
                TakeWritable()?.TrySetResult();
            }

            if ((events & (Linux.EpollIn | Linux.EpollErr | Linux.EpollHup)) != 0 && !_receivePaused && !_receiveEnded)
            {
                Receive();
            }
        }
        catch (Exception e)
        {
            // Nothing thrown here may stop the loop, which serves other connections.
            EndReceiving(e as IOException ?? new IOException("The connection failed.", e));
        }
    }

    /// <summary>The loop stopped (the listener is disposed, or epoll failed): both sides end and the descriptor then closes.</summary>
    public void Abandon()
    {
        var reason = new ConnectionAbortedException("The server stopped serving the connection.");
        EndReceiving(reason);

        // Receiving may have ended already, with sending still waiting for EPOLLOUT that a stopped loop cannot report.
        Abort(reason);
    }

    /// <summary>Once both sides have ended (on the loop thread, or on any thread after the loop stopped): the descriptor goes.</summary>
    public void CloseDescriptor()
    {
        lock (_gate)
        {
            if (_registered != 0)
            {
                _loop.Control(Linux.EpollCtlDel, _fd, 0, 0);
                _registered = 0;
            }

            _descriptorClosed = true;
        }

        _socket.Dispose();
        _finished.TrySetResult();
    }

    /// <summary>After an abort or the end of sending: the send loop stops, and receiving ends even while it is paused.</summary>
    private void EndBothSides()
    {
        var writable = TakeWritable();
        _output.Reader.CancelPendingRead();
        writable?.TrySetResult();

        // A paused receive has its flush completed as cancelled, and ends (ResumeReceiving); an active one sees the
        // shutdown's end-of-stream, or the cancelled flush, on the loop thread.
        _input.Writer.CancelPendingFlush();
    }

    /// <summary>Stops waiting for EPOLLOUT; returns the send loop's waiter, to be released outside the lock.</summary>
    private TaskCompletionSource? TakeWritable()
    {
        lock (_gate)
        {
            var writable = _writable;
            _writable = null;
            _waitingToSend = false;
            UpdateInterest();
            return writable;
        }
    }

    private unsafe void Receive()
    {
        if (_abortReason is not null)
        {
            EndReceiving(null);
            return;
        }

        var writer = _input.Writer;
        var memory = writer.GetMemory(ReceiveBytes);
        nint received;
        fixed (byte* buffer = &MemoryMarshal.GetReference(memory.Span))
        {
            received = Linux.Recv(_fd, buffer, (nuint)memory.Length, 0);
        }

        if (received < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is not (Linux.EAgain or Linux.EIntr))
            {
                EndReceiving(new ConnectionResetException($"The connection was reset (errno {errno})."));
            }

            return;
        }

        if (received == 0)
        {
            EndReceiving(null);
            return;
        }

        writer.Advance((int)received);

        // Consumed once: read now when complete, else by ResumeReceiving when it completes.
#pragma warning disable CA2012
        var flush = writer.FlushAsync();
#pragma warning restore CA2012
        if (flush.IsCompleted)
        {
            var result = flush.GetAwaiter().GetResult();
            if (result.IsCompleted || result.IsCanceled)
            {
                EndReceiving(null);
            }

            return;
        }

        // The input is full: stop receiving (the peer's sends then wait in TCP) until the reader has taken some.
        lock (_gate)
        {
            _receivePaused = true;
            UpdateInterest();
        }

        _pendingFlush = flush;
        flush.GetAwaiter().UnsafeOnCompleted(_resumeReceiving);
    }

    private void ResumeReceiving()
    {
        FlushResult result;
        try
        {
            // Called as the flush's continuation, so it has completed.
#pragma warning disable CA2012
            result = _pendingFlush.GetAwaiter().GetResult();
#pragma warning restore CA2012
        }
        catch (Exception e)
        {
            EndReceiving(e);
            return;
        }

        _pendingFlush = default;
        if (result.IsCompleted || result.IsCanceled || _abortReason is not null)
        {
            EndReceiving(null);
            return;
        }

        bool registered;
        lock (_gate)
        {
            _receivePaused = false;
            registered = UpdateInterest();
        }

        if (!registered)
        {
            EndReceiving(new IOException($"The connection could not be watched again (epoll_ctl: errno {Marshal.GetLastPInvokeError()})."));
        }
    }

    private void EndReceiving(Exception? error)
    {
        lock (_gate)
        {
            if (_receiveEnded)
            {
                return;
            }

            _receiveEnded = true;
            UpdateInterest();
        }

        _input.Writer.Complete(_abortReason ?? error);
        if (error is not null)
        {
            // A reset ends sending too, as an abort does.
            Abort(error as ConnectionAbortedException ?? new ConnectionAbortedException(error.Message, error));
        }

        if (Interlocked.Exchange(ref _closedFired, 1) == 0)
        {
            // Callbacks on the token run on the thread pool, not on the loop thread.
            ThreadPool.UnsafeQueueUserWorkItem(
                static connection =>
                {
                    try
                    {
                        connection._closed.Cancel();
                    }
                    catch (AggregateException e)
                    {
                        TransportLog.ClosedCallbackFailed(connection._loop.Logger, e, connection.ConnectionId);
                    }
                    finally
                    {
                        connection._closedSignalled.TrySetResult();
                    }
                },
                this,
                preferLocal: false);
        }

        SideEnded();
    }

    private async Task SendLoopAsync()
    {
        var reader = _output.Reader;
        Exception? unexpected = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    break;
                }

                var buffer = result.Buffer;
                var stopped = false;
                while (!buffer.IsEmpty)
                {
                    var sent = Send(buffer);
                    if (sent < 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno == Linux.EIntr)
                        {
                            continue;
                        }

                        // EAGAIN: the kernel's buffer is full, wait for room; anything else: the peer is gone.
                        if (errno != Linux.EAgain || !await WritableAsync().ConfigureAwait(false))
                        {
                            stopped = true;
                            break;
                        }

                        continue;
                    }

                    buffer = buffer.Slice(sent);
                }

                reader.AdvanceTo(buffer.Start);
                if (stopped || result.IsCompleted || _abortReason is not null)
                {
                    break;
                }
            }
        }
        catch (Exception e)
        {
            unexpected = e;
        }
        finally
        {
            // As Kestrel's socket transport: a peer that is gone completes the output without an error (the
            // application's next flush says IsCompleted), and ending sending ends receiving.
            reader.Complete(unexpected);
            lock (_gate)
            {
                if (!_descriptorClosed)
                {
                    Linux.Shutdown(_fd, Linux.ShutBoth);
                }
            }

            EndBothSides();
            SideEnded();
        }
    }

    private unsafe nint Send(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            var span = buffer.FirstSpan;
            fixed (byte* bytes = &MemoryMarshal.GetReference(span))
            {
                return Linux.Send(_fd, bytes, (nuint)span.Length, Linux.NoSignal);
            }
        }

        var vectors = stackalloc Linux.IoVector[MaxVectors];
        var count = 0;
        try
        {
            foreach (var segment in buffer)
            {
                if (segment.IsEmpty)
                {
                    continue;
                }

                _pins[count] = segment.Pin();
                vectors[count] = new Linux.IoVector { Base = (byte*)_pins[count].Pointer, Length = (nuint)segment.Length };
                if (++count == MaxVectors)
                {
                    break;
                }
            }

            var message = new Linux.MessageHeader { Vectors = vectors, VectorCount = (nuint)count };
            return Linux.SendMsg(_fd, &message, Linux.NoSignal);
        }
        finally
        {
            for (var i = 0; i < count; i++)
            {
                _pins[i].Dispose();
                _pins[i] = default;
            }
        }
    }

    /// <summary>Waits for the loop to report the socket writable; false when the connection was aborted meanwhile.</summary>
    private async ValueTask<bool> WritableAsync()
    {
        TaskCompletionSource writable;
        lock (_gate)
        {
            if (_abortReason is not null || _descriptorClosed)
            {
                return false;
            }

            writable = _writable = new TaskCompletionSource();
            _waitingToSend = true;
            if (!UpdateInterest())
            {
                _writable = null;
                _waitingToSend = false;
                return false;
            }
        }

        await writable.Task.ConfigureAwait(false);
        return _abortReason is null;
    }

    /// <summary>
    /// Under _gate: registers with epoll for what is wanted now (nothing wanted: not registered at all, so that a hang-up
    /// nobody waits for cannot wake the loop again and again). False when epoll refused, or the loop has stopped.
    /// </summary>
    private bool UpdateInterest()
    {
        if (_descriptorClosed)
        {
            return true;
        }

        var wanted = (_receiveEnded || _receivePaused ? 0 : Linux.EpollIn) | (_waitingToSend ? Linux.EpollOut : 0);
        if (wanted == _registered)
        {
            return true;
        }

        var op = _registered == 0 ? Linux.EpollCtlAdd : wanted == 0 ? Linux.EpollCtlDel : Linux.EpollCtlMod;
        if (!_loop.Control(op, _fd, wanted, Token))
        {
            return false;
        }

        _registered = wanted;
        return true;
    }

    private void SideEnded()
    {
        if (Interlocked.Decrement(ref _sidesRunning) == 0)
        {
            _loop.Close(this);
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
