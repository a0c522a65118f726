using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using MessagePack;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Registry.Benchmarks.Protocol;
using Registry.Engine.Services;
using Registry.Engine.Storage.Sqlite;
using Registry.Protocol;
using Registry.Protocol.Framing;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;
using Registry.Server.Binary;
using Registry.Server.Hosting;

namespace Registry.Benchmarks.Server;

/// <summary>
/// The whole server path of the binary protocol without a socket: request frames written into the connection
/// handler's input pipe, read and dispatched by its loop, answered by the engine, written and flushed to its output
/// pipe, read back. The pipes run the loop inline on the benchmark's thread, so the time and the allocations are
/// those of one connection serving <see cref="Batch"/> pipelined requests (1: one round trip; 16: a pipelined burst
/// answered with one flush). Per-request cost is the time divided by <see cref="Batch"/>.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class ServerPathBenchmarks
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "registry-bench-" + Guid.NewGuid().ToString("N"));
    private SqliteRegistryStore? _store;
    private BinaryConnectionSet? _connections;
    private PipeConnection? _connection;
    private Task? _running;
    private byte[] _getFrames = [];
    private byte[] _validateFrames = [];

    [Params(1, 16)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_folder);
        _store = new SqliteRegistryStore(new SqliteStoreOptions { Path = Path.Combine(_folder, "registry.db") });
        _store.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        var registry = new SchemaRegistry(_store, new RegistryEngineOptions { UsageRefreshInterval = TimeSpan.FromHours(1) });
        var schemaId = (int)registry.RegisterAsync(new() { Subject = "bench", Schema = ProtocolSamples.Schema }).GetAwaiter().GetResult().SchemaId;

        // Compile the validator now: a cold schema id is answered off the loop, not inline.
        registry.GetValidatorAsync(schemaId).AsTask().GetAwaiter().GetResult();
        var options = new ServerOptions();
        _connections = new BinaryConnectionSet(options);
        var handler = new BinaryConnectionHandler(options, registry, _connections, NullLogger<BinaryConnectionHandler>.Instance);
        _connection = new PipeConnection();
        _running = handler.OnConnectedAsync(_connection);

        _getFrames = Frames(Batch, id => ProtocolSamples.Frame((ref MessagePackWriter w) => Envelope.WriteRequest(ref w, id, new GetSchemaByIdRequest(schemaId))));
        _validateFrames = Frames(Batch, id => ProtocolSamples.Frame((ref MessagePackWriter w) =>
        {
            RequestHeader.Write(ref w, id, Opcode.Validate);
            ValidateRequest.WriteForSchemaId(ref w, schemaId, 0, ProtocolSamples.Document);
        }));

        var hello = Frames(1, id => ProtocolSamples.Frame((ref MessagePackWriter w) => Envelope.WriteRequest(ref w, id, new HelloRequest { ClientName = "bench" })));
        if (RoundTrip(hello, 1) != 1 || GetSchemaById() != Batch || Validate() != Batch)
        {
            throw new InvalidOperationException("The handler did not answer every request inline with OK.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _connection!.Abort();
        _running!.GetAwaiter().GetResult();
        _connections!.Dispose();
        _store!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>GET_SCHEMA_BY_ID of a cached schema; returns the OK responses read back.</summary>
    [Benchmark]
    public int GetSchemaById() => RoundTrip(_getFrames, Batch);

    /// <summary>VALIDATE (verdict only) of a valid document against a warm schema id.</summary>
    [Benchmark]
    public int Validate() => RoundTrip(_validateFrames, Batch);

    private int RoundTrip(byte[] frames, int expected)
    {
        var connection = _connection!;
        connection.Requests.Write(frames);
        if (!connection.Requests.FlushAsync().IsCompletedSuccessfully)
        {
            return -1;
        }

        var answered = 0;
        while (answered < expected && connection.Responses.TryRead(out var read))
        {
            var buffer = read.Buffer;
            while (Frame.TryRead(ref buffer, int.MaxValue, out var payload) == FrameReadResult.Complete)
            {
                var reader = new ProtocolReader(payload);
                answered += ResponseHeader.Read(ref reader).Status == StatusCode.Ok ? 1 : 0;
            }

            connection.Responses.AdvanceTo(buffer.Start, buffer.End);
        }

        return answered;
    }

    /// <summary><paramref name="count"/> request frames back to back, with ids 1, 2...</summary>
    private static byte[] Frames(int count, Func<uint, byte[]> frame)
    {
        var all = new ArrayBufferWriter<byte>();
        for (var i = 0; i < count; i++)
        {
            all.Write(frame((uint)(i + 1)));
        }

        return all.WrittenSpan.ToArray();
    }

    /// <summary>A connection whose transport is two pipes that run their readers inline.</summary>
    private sealed class PipeConnection : ConnectionContext
    {
        private readonly Pipe _toServer = new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        private readonly Pipe _toClient = new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        private readonly CancellationTokenSource _closed = new();

        public PipeConnection()
        {
            Transport = new DuplexPipe(_toServer.Reader, _toClient.Writer);
            ConnectionClosed = _closed.Token;
        }

        public PipeWriter Requests => _toServer.Writer;

        public PipeReader Responses => _toClient.Reader;

        public override string ConnectionId { get; set; } = "bench";

        public override IFeatureCollection Features { get; } = new FeatureCollection();

        public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

        public override IDuplexPipe Transport { get; set; }

        public override void Abort(ConnectionAbortedException abortReason)
        {
            _closed.Cancel();
            _toServer.Writer.Complete();
            _toClient.Reader.Complete();
        }

        private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
        {
            public PipeReader Input { get; } = input;

            public PipeWriter Output { get; } = output;
        }
    }
}
