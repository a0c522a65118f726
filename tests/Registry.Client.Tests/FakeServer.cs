using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using MessagePack;
using Registry.Protocol;
using Registry.Protocol.Framing;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;

namespace Registry.Client.Tests;

/// <summary>
/// A binary-protocol server on a free loopback port that keeps the barrier rule of docs/protocol.md, section 5: a
/// write (REGISTER, UPDATE_VERSION, DELETE, SET_CONFIG) starts only when nothing else on its connection is
/// unanswered, and nothing after it on the connection is answered before it is. HELLO and PING are answered at once;
/// reads are answered at once with SCHEMA_NOT_FOUND (or never, with <c>answerReads</c> false); writes are held until
/// <see cref="ReleaseWritesAsync"/> answers them with INCOMPATIBLE (or at once with <c>holdWrites</c> false).
/// </summary>
internal sealed class FakeServer : LoopbackServer
{
    private readonly ConcurrentQueue<(int Connection, Opcode Opcode)> _received = new();
    private readonly Lock _lock = new();
    private readonly List<(Connection Connection, uint Id)> _heldWrites = [];
    private readonly bool _answerReads;
    private readonly bool _holdWrites;
    private int _readsAnswered;

    private FakeServer(bool answerReads, bool holdWrites)
    {
        _answerReads = answerReads;
        _holdWrites = holdWrites;
        Listen();
    }

    /// <summary>Every request received after HELLO, with the number (from 1) of the connection it came on.</summary>
    public IReadOnlyList<(int Connection, Opcode Opcode)> Received => [.. _received];

    /// <summary>Reads received and never answered (with <c>answerReads</c> false).</summary>
    public int HeldReads => _received.Count(r => !Opcodes.IsBarrier(r.Opcode) && r.Opcode != Opcode.Ping) - Volatile.Read(ref _readsAnswered);

    public int HeldWrites
    {
        get
        {
            lock (_lock)
            {
                return _heldWrites.Count;
            }
        }
    }

    public static FakeServer Start(bool answerReads = true, bool holdWrites = true) => new(answerReads, holdWrites);

    /// <summary>Answers every write held so far; what queued behind each on its connection is answered after it.</summary>
    public async Task ReleaseWritesAsync()
    {
        List<(Connection Connection, uint Id)> held;
        lock (_lock)
        {
            held = [.. _heldWrites];
            _heldWrites.Clear();
        }

        foreach (var (connection, id) in held)
        {
            await connection.SendAsync(Encode((ref MessagePackWriter w) => Envelope.WriteError(ref w, id, StatusCode.Incompatible, "released")), Stop.Token);
            List<(uint Id, Opcode Opcode)> queued;
            lock (connection.Lock)
            {
                connection.Blocked = false;
                queued = [.. connection.Queued];
                connection.Queued.Clear();
            }

            foreach (var (queuedId, opcode) in queued)
            {
                await HandleAsync(connection, queuedId, opcode);
            }
        }
    }

    protected override async Task ServeAsync(Socket socket, int number)
    {
        using var _ = socket;
        await using var stream = new NetworkStream(socket);
        var connection = new Connection(stream);
        var header = new byte[4];
        while (true)
        {
            await stream.ReadExactlyAsync(header, Stop.Token);
            var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
            await stream.ReadExactlyAsync(payload, Stop.Token);
            var (id, opcode) = Header(payload);
            if (opcode == Opcode.Hello)
            {
                await connection.SendAsync(Encode((ref MessagePackWriter w) => Envelope.WriteResponse(ref w, id, new HelloResponse
                {
                    Version = 1,
                    ServerName = "fake",
                    MaxFrameBytes = ProtocolLimits.DefaultMaxFrameBytes,
                    MaxInFlight = ProtocolLimits.DefaultMaxInFlight,
                    IdleTimeout = TimeSpan.FromMinutes(2),
                })), Stop.Token);
                continue;
            }

            _received.Enqueue((number, opcode));
            lock (connection.Lock)
            {
                if (connection.Blocked)
                {
                    // Behind an unanswered write on this connection: waits for it (the barrier rule).
                    connection.Queued.Enqueue((id, opcode));
                    continue;
                }
            }

            await HandleAsync(connection, id, opcode);
        }
    }

    private async Task HandleAsync(Connection connection, uint id, Opcode opcode)
    {
        if (opcode == Opcode.Ping)
        {
            await connection.SendAsync(Encode((ref MessagePackWriter w) => Envelope.WriteEmptyResponse(ref w, id)), Stop.Token);
        }
        else if (Opcodes.IsBarrier(opcode))
        {
            if (_holdWrites)
            {
                lock (connection.Lock)
                {
                    connection.Blocked = true;
                }

                lock (_lock)
                {
                    _heldWrites.Add((connection, id));
                }
            }
            else
            {
                await connection.SendAsync(Encode((ref MessagePackWriter w) => Envelope.WriteError(ref w, id, StatusCode.Incompatible, "written")), Stop.Token);
            }
        }
        else if (_answerReads)
        {
            Interlocked.Increment(ref _readsAnswered);
            await connection.SendAsync(Encode((ref MessagePackWriter w) => Envelope.WriteError(ref w, id, StatusCode.SchemaNotFound, "no such schema")), Stop.Token);
        }
    }

    private static (uint Id, Opcode Opcode) Header(byte[] payload)
    {
        var reader = new ProtocolReader(new ReadOnlySequence<byte>(payload));
        var header = RequestHeader.Read(ref reader);
        return (header.RequestId, header.Opcode);
    }

    private static byte[] Encode(Write write)
    {
        using var frames = new FrameWriter();
        var writer = frames.Start();
        write(ref writer);
        return frames.Finish(ref writer).ToArray();
    }

    private delegate void Write(ref MessagePackWriter writer);

    private sealed class Connection(NetworkStream stream)
    {
        private readonly SemaphoreSlim _sending = new(1, 1);

        public Lock Lock { get; } = new();

        public bool Blocked { get; set; }

        public Queue<(uint Id, Opcode Opcode)> Queued { get; } = new();

        public async Task SendAsync(byte[] frame, CancellationToken cancellationToken)
        {
            await _sending.WaitAsync(cancellationToken);
            try
            {
                await stream.WriteAsync(frame, cancellationToken);
            }
            finally
            {
                _sending.Release();
            }
        }
    }
}
