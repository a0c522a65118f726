// Over 500 lines on purpose: this is the one loop that owns both pipes of a connection. Framing, the ordering rules
// (barriers, the in-flight cap), time-outs and shutdown all read and write the same few fields from that loop without
// locks; split across types they would need synchronisation or a shared mutable state object, which is worse.
using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using MessagePack;
using Microsoft.AspNetCore.Connections;
using Registry.Engine.Services;
using Registry.Protocol;
using Registry.Protocol.Framing;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;
using Registry.Server.Hosting;

namespace Registry.Server.Binary;

/// <summary>
/// One binary-protocol connection. A single loop owns both pipes: it reads whatever frames a read brought, answers the
/// ones memory can answer at once, starts the rest elsewhere, and writes every response produced in that pass with
/// one flush. Operations finishing elsewhere queue their encoded response and wake the loop
/// (<see cref="PipeReader.CancelPendingRead"/>), which writes them; so the output pipe only ever has one writer and
/// needs no lock. The loop also enforces the ordering rules of docs/protocol.md (section 5): a barrier opcode starts
/// only with nothing in flight and nothing starts while it is in flight, and at most <c>MaxInFlight</c> requests run
/// at once, beyond which frames stay unread in the pipe (back-pressure through TCP). Large frames are assembled outside
/// the pipe under the process-wide <see cref="FrameBudget"/>; when it is spent the connection stops reading too.
/// </summary>
internal sealed partial class BinaryConnection : IDisposable
{
    // Responses are flushed once per pass over a read; a pass that produces more than this flushes early, so that a
    // burst of small requests with large responses cannot grow the output without bound.
    private const int FlushThreshold = 64 * 1024;

    // Responses of a pass are gathered here and handed to the output pipe in one write when the pass flushes: each
    // write to the pipe takes its lock, which per response cost more than the copy (a pipelined batch of small answers).
    private const int StagingBytes = 16 * 1024;

    private readonly ConnectionContext _context;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly RequestDispatcher _dispatcher;
    private readonly ConnectionSession _session;
    private readonly ILogger _logger;
    private readonly FrameWriter _frames;
    private readonly FrameAssembler _assembler;
    private readonly FrameBudget _budget;
    private readonly Action _onBudget;
    private readonly ConcurrentQueue<Completion> _completed = new();
    private readonly int _maxFrame;
    private readonly int _maxInFlight;
    private readonly long _idleTimeoutMs;
    private readonly long _handshakeTimeoutMs;
    private readonly long _connectedAt;

    // Owned by the loop. _inFlight is also read by the heartbeat (hence Volatile), never written by it.
    private int _inFlight;
    private bool _barrierPending;
    private long _unflushed;
    private byte[] _staged = ArrayPool<byte>.Shared.Rent(StagingBytes);
    private int _stagedLength;

    private long _lastActivity;

    // When the loop answered its last request of this pass (0: take the time afresh); a request answered on the loop
    // is timed from here, since the loop was working on it from then on.
    private long _answeredAt;

    // When the large frame being assembled started to arrive (0: none); written by the loop, read by the heartbeat.
    private long _assemblingSince;

    // The loop waits for room in the frame budget; the budget's callback sets _budgetSignalled when room was made.
    private bool _waitingForBudget;
    private volatile bool _budgetSignalled;

    private TaskCompletionSource? _waiter;
    private volatile bool _shutdown;
    private volatile bool _timedOut;
    private volatile bool _ended;

    public BinaryConnection(ConnectionContext context, RequestDispatcher dispatcher, BinaryProtocolOptions options, FrameBudget budget, ILogger logger)
    {
        _context = context;
        _input = context.Transport.Input;
        _output = context.Transport.Output;
        _dispatcher = dispatcher;
        _logger = logger;
        _session = new ConnectionSession(context.ConnectionId, context.ConnectionClosed)
        {
            Source = (context.RemoteEndPoint as System.Net.IPEndPoint)?.Address.ToString() ?? "unknown",
        };
        _maxFrame = options.MaxFrameBytes;
        _maxInFlight = options.MaxInFlight;
        _idleTimeoutMs = (long)options.IdleTimeout.TotalMilliseconds;
        _handshakeTimeoutMs = (long)options.HandshakeTimeout.TotalMilliseconds;
        _frames = new FrameWriter(_maxFrame);
        _budget = budget;
        _onBudget = OnBudget;
        _assembler = new FrameAssembler(budget, _onBudget);
        _connectedAt = _lastActivity = Environment.TickCount64;
    }

    private enum Step
    {
        Wait,
        Flush,
        Close,
    }

    private enum Outcome
    {
        Done,
        Gated,
        Close,
    }

    /// <summary>Serves the connection until the peer leaves, framing is lost, a time-out fires or the server stops.</summary>
    public async Task RunAsync()
    {
        try
        {
            while (true)
            {
                var read = await _input.ReadAsync().ConfigureAwait(false);
                _answeredAt = 0;
                Drain();
                if (_timedOut)
                {
                    return;
                }

                var buffer = read.Buffer;
                if (!read.IsCanceled)
                {
                    Touch();
                }

                Step step;
                while ((step = Process(ref buffer)) == Step.Flush)
                {
                    await FlushAsync().ConfigureAwait(false);
                    _answeredAt = 0;
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
                await FlushAsync().ConfigureAwait(false);
                if (step == Step.Close || (_shutdown && Volatile.Read(ref _inFlight) == 0))
                {
                    break;
                }

                if (read.IsCompleted)
                {
                    // The peer sent its last byte; what it sent whole is still answered while the transport lasts. Once
                    // it has closed, waiting would not wait (its token has fired): the loop ends, and operations still
                    // running see the same token, stop, and release their responses unwritten (Enqueue after _ended).
                    if ((_inFlight == 0 && !_waitingForBudget) || _context.ConnectionClosed.IsCancellationRequested)
                    {
                        break;
                    }

                    await WaitForCompletionAsync().ConfigureAwait(false);
                }
            }

            await FinishAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionResetException or ObjectDisposedException)
        {
            // The transport went away (peer reset, abort on time-out or at the end of a shutdown).
        }
        finally
        {
            _ended = true;
            _budget.Forget(_onBudget);
            DisposeQueued();
        }
    }

    /// <summary>Releases the pooled buffers; call once <see cref="RunAsync"/> or <see cref="RefuseAsync"/> has returned.</summary>
    public void Dispose()
    {
        _assembler.Dispose();
        _frames.Dispose();
        ArrayPool<byte>.Shared.Return(_staged);
        _staged = [];
    }

    /// <summary>Answers a connection over the limit with a connection-level error, and lets it close.</summary>
    public async Task RefuseAsync(StatusCode status, string message)
    {
        try
        {
            var writer = _frames.Start();
            Envelope.WriteError(ref writer, 0, status, message);
            _frames.FinishTo(ref writer, _output);
            await _output.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionResetException)
        {
        }
    }

    /// <summary>Called by the heartbeat: closes the connection when its handshake or idle time is up.</summary>
    public void CheckTimeouts(long now)
    {
        if (_ended || _timedOut)
        {
            return;
        }

        string? reason = null;
        var assemblingSince = Volatile.Read(ref _assemblingSince);
        if (!_session.IsEstablished && now - _connectedAt > _handshakeTimeoutMs)
        {
            reason = "no HELLO within the handshake time-out";
        }
        else if (Volatile.Read(ref _inFlight) == 0 && now - Volatile.Read(ref _lastActivity) > _idleTimeoutMs)
        {
            reason = "idle";
        }
        else if (assemblingSince != 0 && now - assemblingSince > _idleTimeoutMs)
        {
            // A frame's reservation must not be held by a peer that trickles its bytes: it gets the idle time-out, whole.
            reason = "a large frame did not arrive within the idle time-out";
        }

        if (reason is null)
        {
            return;
        }

        _timedOut = true;
        Log.TimedOut(_logger, _context.ConnectionId, reason);

        // Aborting closes the socket even if the loop is blocked on a peer that stopped reading our responses.
        _context.Abort(new ConnectionAbortedException(reason));
        Wake();
    }

    /// <summary>Called when the server starts to stop: finish what is in flight, refuse the rest, then close.</summary>
    public void RequestShutdown()
    {
        _shutdown = true;
        Wake();
    }

    /// <summary>One pass over the buffered bytes: every frame that may start now is answered or started.</summary>
    private Step Process(ref ReadOnlySequence<byte> buffer)
    {
        // Set again below if this pass ends waiting for the frame budget (the frame may have arrived whole meanwhile).
        _waitingForBudget = false;
        while (true)
        {
            Outcome outcome;
            if (_assembler.IsActive)
            {
                if (!_assembler.IsComplete)
                {
                    _assembler.Fill(ref buffer);
                    if (!_assembler.IsComplete)
                    {
                        return Step.Wait;
                    }
                }

                Volatile.Write(ref _assemblingSince, 0);
                outcome = Handle(_assembler.Payload, assembled: true);
                if (outcome == Outcome.Gated)
                {
                    return Step.Wait;
                }

                // Handle has read everything it needs out of the payload (operations own copies).
                _assembler.Release();
            }
            else
            {
                var rest = buffer;
                switch (Frame.TryRead(ref rest, _maxFrame, out var payload))
                {
                    case FrameReadResult.Incomplete:
                        _budgetSignalled = false;
                        switch (_assembler.TryBegin(ref buffer))
                        {
                            case AssemblyStart.Started:
                                Volatile.Write(ref _assemblingSince, Environment.TickCount64);
                                continue;
                            case AssemblyStart.NoBudget:
                                // Nothing consumed: the frame stays in the pipe, which fills and then holds the peer back.
                                _waitingForBudget = true;
                                return Step.Wait;
                            default:
                                return Step.Wait;
                        }

                    case FrameReadResult.TooLarge:
                        // The payload is not read: past an oversized header, framing cannot be trusted.
                        Log.FrameTooLarge(_logger, _context.ConnectionId, _maxFrame);
                        return Step.Close;
                }

                outcome = Handle(payload, assembled: false);
                if (outcome == Outcome.Gated)
                {
                    return Step.Wait;
                }

                buffer = rest;
            }

            if (outcome == Outcome.Close)
            {
                return Step.Close;
            }

            if (_unflushed >= FlushThreshold)
            {
                return Step.Flush;
            }
        }
    }

    /// <summary>
    /// Answers or starts one request, unless the ordering rules say it must wait (<see cref="Outcome.Gated"/>).
    /// A request started elsewhere from an <paramref name="assembled"/> frame takes the frame's budget reservation with
    /// it, since its copies of the payload live until it is answered.
    /// </summary>
    private Outcome Handle(in ReadOnlySequence<byte> payload, bool assembled)
    {
        var reader = new ProtocolReader(payload);
        RequestHeader header;
        try
        {
            header = RequestHeader.Read(ref reader, _session.ProtocolVersion);
        }
        catch (ProtocolException e)
        {
            // Without a request id the peer cannot tell which request failed: say so on id 0 and close.
            Log.MalformedEnvelope(_logger, _context.ConnectionId, e.Message);
            var writer = _frames.Start();
            Envelope.WriteError(ref writer, 0, StatusCode.MalformedFrame, e.Message);
            Emit(ref writer, 0);
            return Outcome.Close;
        }

        if (_shutdown)
        {
            var writer = _frames.Start();
            Envelope.WriteError(ref writer, header.RequestId, StatusCode.ShuttingDown, "The server is shutting down; the request was not started.");
            Emit(ref writer, header.RequestId);
            return Outcome.Done;
        }

        var barrier = Opcodes.IsBarrier(header.Opcode);
        if (_barrierPending || _inFlight >= _maxInFlight || (barrier && _inFlight > 0))
        {
            return Outcome.Gated;
        }

        var response = _frames.Start();
        var metrics = _dispatcher.Metrics;
        var started = (metrics is not null && metrics.BinaryEnabled) || _dispatcher.AccessLog is not null
            ? (_answeredAt != 0 ? _answeredAt : Stopwatch.GetTimestamp())
            : 0;
        Task<IResponseBody>? pending;

        // A span per request when a tracer listens (null otherwise, after one check): current while the request is
        // dispatched, so work started on the thread pool runs under it, and no longer current on the loop afterwards.
        var outer = Activity.Current;
        var span = EngineTracing.Source.HasListeners() ? StartSpan(header) : null;
        try
        {
            pending = _dispatcher.Dispatch(_session, header, ref reader, ref response);
        }
        catch (OperationCanceledException) when (_session.Closed.IsCancellationRequested)
        {
            // Work on the loop (a batch against a warm schema) stopped because the peer left: nobody to answer.
            EndSpan(span, outer, "cancelled");
            return Outcome.Close;
        }
        catch (Exception e)
        {
            response = _frames.Start();
            if (ErrorResponses.Write(ref response, header.RequestId, e, _shutdown))
            {
                Log.RequestFailed(_logger, e, _context.ConnectionId, Opcodes.GetName(header.Opcode));
            }

            EndSpan(span, outer, "failed");
            pending = null;
            span = null;
        }

        if (pending is null)
        {
            var frame = Emit(ref response, header.RequestId);

            // The next request of this pass starts where this one was answered: one clock read per request, not two.
            _answeredAt = metrics?.BinaryAnswered(header.Opcode, frame, started) ?? 0;
            _dispatcher.AccessLog?.Binary(header.Opcode, header.RequestId, frame, started, _context.ConnectionId, _session.Principal?.Name);
            EndSpan(span, outer, null);
            return Outcome.Done;
        }

        if (span is not null)
        {
            Activity.Current = outer;
        }

        Volatile.Write(ref _inFlight, _inFlight + 1);
        _barrierPending = barrier;
        metrics?.BinaryStarted();
        _ = CompleteAsync(header.RequestId, header.Opcode, pending, assembled ? _assembler.DetachReservation() : 0, started, span);
        return Outcome.Done;
    }

    private Activity? StartSpan(in RequestHeader header)
    {
        var name = Opcodes.GetName(header.Opcode);

        // The caller's trace is continued when it sent a traceparent that parses; otherwise the span starts a trace.
        var parent = header.TraceParent is { } traceParent && ActivityContext.TryParse(traceParent, null, isRemote: true, out var remote)
            ? remote
            : default;
        var span = EngineTracing.Source.StartActivity(name, ActivityKind.Server, parent);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("rpc.system", "registry-binary");
            span.SetTag("rpc.method", name);
            span.SetTag("registry.connection_id", _context.ConnectionId);
            span.SetTag("registry.request_id", header.RequestId);
        }

        return span;
    }

    /// <summary>Stops <paramref name="span"/> (failed when <paramref name="error"/> says why) and makes <paramref name="outer"/> current again.</summary>
    private static void EndSpan(Activity? span, Activity? outer, string? error)
    {
        if (span is null)
        {
            return;
        }

        if (error is not null)
        {
            span.SetStatus(ActivityStatusCode.Error, error);
        }

        span.Stop();
        if (outer is not null || Activity.Current == span)
        {
            Activity.Current = outer;
        }
    }

    /// <summary>Ends the frame written through <paramref name="writer"/> and appends it to the output, unflushed.</summary>
    private ReadOnlyMemory<byte> Emit(ref MessagePackWriter writer, uint requestId)
    {
        ReadOnlyMemory<byte> frame;
        try
        {
            frame = _frames.Finish(ref writer);
        }
        catch (ProtocolException e)
        {
            // The response exceeds the frame limit (docs/protocol.md, section 6): TOO_LARGE instead.
            writer = _frames.Start();
            Envelope.WriteError(ref writer, requestId, e.Status, e.Message);
            frame = _frames.Finish(ref writer);
        }

        Stage(frame.Span);
        return frame;
    }

    /// <summary>Waits for an operation started elsewhere, encodes its response and hands it to the loop.</summary>
    private async Task CompleteAsync(uint requestId, Opcode opcode, Task<IResponseBody> pending, long reserved, long started, Activity? span)
    {
        IResponseBody? body = null;
        Exception? failure = null;
        try
        {
            body = await pending.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = e;
        }

        // The operation no longer needs its copy of the frame.
        _budget.Release(reserved);

        var frames = new FrameWriter(_maxFrame);
        var bytes = Encode(frames, requestId, opcode, body, failure);
        if (span is not null)
        {
            EndSpan(span, null, failure is null ? null : "failed");
        }

        if (_dispatcher.Metrics is { } metrics)
        {
            metrics.BinaryFinished();
            metrics.BinaryAnswered(opcode, bytes, started);
        }

        _dispatcher.AccessLog?.Binary(opcode, requestId, bytes, started, _context.ConnectionId, _session.Principal?.Name);

        _completed.Enqueue(new Completion(Opcodes.IsBarrier(opcode), frames, bytes));
        if (_ended)
        {
            // The loop is gone and will not drain the queue: release what it would have written.
            DisposeQueued();
            return;
        }

        Wake();
    }

    private ReadOnlyMemory<byte> Encode(FrameWriter frames, uint requestId, Opcode opcode, IResponseBody? body, Exception? failure)
    {
        MessagePackWriter writer;
        if (failure is null)
        {
            try
            {
                writer = frames.Start();
                ResponseHeader.Write(ref writer, requestId, StatusCode.Ok);
                body!.Write(ref writer);
                return frames.Finish(ref writer);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }

        writer = frames.Start();
        if (ErrorResponses.Write(ref writer, requestId, failure, _shutdown) && !_session.Closed.IsCancellationRequested)
        {
            Log.RequestFailed(_logger, failure, _context.ConnectionId, Opcodes.GetName(opcode));
        }

        try
        {
            return frames.Finish(ref writer);
        }
        catch (ProtocolException e)
        {
            // Even the error (thousands of differences) is above the frame limit: the message alone then.
            writer = frames.Start();
            Envelope.WriteError(ref writer, requestId, e.Status, e.Message);
            return frames.Finish(ref writer);
        }
    }

    /// <summary>Writes the responses of operations that finished elsewhere.</summary>
    private void Drain()
    {
        var any = false;
        while (_completed.TryDequeue(out var completion))
        {
            Stage(completion.Bytes.Span);
            completion.Frames.Dispose();
            Volatile.Write(ref _inFlight, _inFlight - 1);
            if (completion.Barrier)
            {
                _barrierPending = false;
            }

            any = true;
        }

        if (any)
        {
            Touch();
        }
    }

    /// <summary>Adds a response to the pass's output; a response larger than the staging buffer goes to the pipe itself.</summary>
    private void Stage(ReadOnlySpan<byte> frame)
    {
        if (_stagedLength + frame.Length > _staged.Length)
        {
            WriteStaged();
            if (frame.Length > _staged.Length)
            {
                _output.Write(frame);
                _unflushed += frame.Length;
                return;
            }
        }

        frame.CopyTo(_staged.AsSpan(_stagedLength));
        _stagedLength += frame.Length;
        _unflushed += frame.Length;
    }

    /// <summary>Hands the staged responses to the output pipe in one write.</summary>
    private void WriteStaged()
    {
        if (_stagedLength > 0)
        {
            _output.Write(_staged.AsSpan(0, _stagedLength));
            _stagedLength = 0;
        }
    }

    private async ValueTask FlushAsync()
    {
        if (_unflushed == 0)
        {
            return;
        }

        WriteStaged();
        _unflushed = 0;
        var result = await _output.FlushAsync().ConfigureAwait(false);
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new ConnectionAbortedException("The transport stopped taking responses.");
        }
    }

    /// <summary>After the last read: answers what is still in flight, then, when the server is stopping, says so.</summary>
    private async Task FinishAsync()
    {
        while (Volatile.Read(ref _inFlight) > 0 && !_context.ConnectionClosed.IsCancellationRequested && !_timedOut)
        {
            await WaitForCompletionAsync().ConfigureAwait(false);
            Drain();
            await FlushAsync().ConfigureAwait(false);
        }

        if (_shutdown && !_context.ConnectionClosed.IsCancellationRequested)
        {
            var writer = _frames.Start();
            Envelope.WriteError(ref writer, 0, StatusCode.ShuttingDown, "The server is shutting down; reconnect later or elsewhere.");
            Emit(ref writer, 0);
            await FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Waits until an operation completes, the server stops or the transport closes.</summary>
    private async Task WaitForCompletionAsync()
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _waiter, waiter);

        // Checked after publishing the waiter: a completion queued before it was published is seen here, one queued
        // after it completes the waiter.
        if (_completed.IsEmpty && !_timedOut && !_budgetSignalled)
        {
            try
            {
                await waiter.Task.WaitAsync(_context.ConnectionClosed).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        Interlocked.CompareExchange(ref _waiter, null, waiter);
    }

    private void Wake()
    {
        try
        {
            _input.CancelPendingRead();
        }
        catch (InvalidOperationException)
        {
            // The transport has already been completed.
        }

        Volatile.Read(ref _waiter)?.TrySetResult();
    }

    /// <summary>The frame budget has room again: try the waiting frame (from any thread).</summary>
    private void OnBudget()
    {
        _budgetSignalled = true;
        Wake();
    }

    private void Touch() => Volatile.Write(ref _lastActivity, Environment.TickCount64);

    private void DisposeQueued()
    {
        while (_completed.TryDequeue(out var completion))
        {
            completion.Frames.Dispose();
        }
    }

    /// <summary>An encoded response waiting for the loop; <see cref="Frames"/> owns <see cref="Bytes"/>.</summary>
    private readonly record struct Completion(bool Barrier, FrameWriter Frames, ReadOnlyMemory<byte> Bytes);

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Warning, "Connection {ConnectionId}: frame above {MaxFrameBytes} bytes, closing")]
        public static partial void FrameTooLarge(ILogger logger, string connectionId, int maxFrameBytes);

        [LoggerMessage(11, LogLevel.Warning, "Connection {ConnectionId}: unreadable request envelope ({Reason}), closing")]
        public static partial void MalformedEnvelope(ILogger logger, string connectionId, string reason);

        [LoggerMessage(12, LogLevel.Information, "Connection {ConnectionId}: closed ({Reason})")]
        public static partial void TimedOut(ILogger logger, string connectionId, string reason);

        [LoggerMessage(13, LogLevel.Error, "Connection {ConnectionId}: {Opcode} failed")]
        public static partial void RequestFailed(ILogger logger, Exception exception, string connectionId, string opcode);
    }
}
