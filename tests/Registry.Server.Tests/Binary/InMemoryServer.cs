using System.Diagnostics.Metrics;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Registry.Engine.Services;
using Registry.Engine.Storage.Sqlite;
using Registry.Server.Binary;
using Registry.Server.Hosting;
using Registry.Testing;

namespace Registry.Server.Tests.Binary;

/// <summary>
/// The binary connection handler driven directly over in-memory pipes (no socket, no Kestrel): what the transport
/// is not the point of. The store is gated so that tests can hold requests in flight.
/// </summary>
internal sealed class InMemoryServer : IAsyncDisposable
{
    private readonly TemporaryDirectory _folder;
    private readonly List<InMemoryConnection> _connections = [];

    private readonly ServiceProvider? _meters;

    private InMemoryServer(TemporaryDirectory folder, GatedStore store, SchemaRegistry registry, ServerOptions options, ServiceProvider? meters)
    {
        _folder = folder;
        _meters = meters;
        Store = store;
        Registry = registry;
        Options = options;
        Connections = new BinaryConnectionSet(options);
        Telemetry.RegistryMetrics? metrics = null;
        if (meters is not null)
        {
            var factory = meters.GetRequiredService<IMeterFactory>();
            metrics = new Telemetry.RegistryMetrics(factory, Connections);
            Exporter = new Telemetry.PrometheusExporter(factory, []);
            Exporter.Attach(metrics);
        }

        Handler = new BinaryConnectionHandler(options, registry, Connections, NullLogger<BinaryConnectionHandler>.Instance, metrics);
    }

    /// <summary>The Prometheus exporter listening to this server's meters, when started with metrics.</summary>
    public Telemetry.PrometheusExporter? Exporter { get; }

    public GatedStore Store { get; }

    public SchemaRegistry Registry { get; }

    public ServerOptions Options { get; }

    public BinaryConnectionSet Connections { get; }

    public BinaryConnectionHandler Handler { get; }

    /// <summary>
    /// Starts a server. With <paramref name="metrics"/>, its engine and binary instruments are made on a meter factory of
    /// its own and the Prometheus exporter listens to them, as in the real host.
    /// </summary>
    public static async Task<InMemoryServer> StartAsync(Action<BinaryProtocolOptions>? configure = null, RegistryEngineOptions? engine = null, bool metrics = false)
    {
        var folder = new TemporaryDirectory("binary");
        var store = new GatedStore(new SqliteRegistryStore(new SqliteStoreOptions { Path = folder.File("registry.db") }));
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        var options = new ServerOptions();
        configure?.Invoke(options.Binary);
        options.Binary.Validate();
        var meters = metrics ? new ServiceCollection().AddMetrics().BuildServiceProvider() : null;
        var engineMetrics = meters is null ? null : new EngineMetrics(meters.GetRequiredService<IMeterFactory>());
        return new InMemoryServer(folder, store, new SchemaRegistry(store, engine, metrics: engineMetrics), options, meters);
    }

    /// <summary>
    /// Opens a connection. With <paramref name="inline"/>, the handler's loop runs on the thread that writes to it
    /// (pipes with inline schedulers), so a test can measure what one request costs on its own thread.
    /// </summary>
    public InMemoryConnection Connect(bool inline = false)
    {
        var connection = new InMemoryConnection(inline);
        connection.Running = ServeAsync(connection);
        _connections.Add(connection);
        return connection;
    }

    /// <summary>Runs the handler, then completes the server's ends of the pipes as Kestrel does when a handler returns.</summary>
    private async Task ServeAsync(InMemoryConnection connection)
    {
        try
        {
            await Handler.OnConnectedAsync(connection);
        }
        finally
        {
            await connection.Transport.Input.CompleteAsync();
            await connection.Transport.Output.CompleteAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Store.Open();
        foreach (var connection in _connections)
        {
            connection.Abort();
            await connection.Running.WaitAsync(TestContext.Current.CancellationToken);
        }

        Connections.Dispose();
        Exporter?.Dispose();
        if (_meters is not null)
        {
            await _meters.DisposeAsync();
        }

        await Store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}

/// <summary>A connection whose transport is a pair of pipes; the test holds the other ends.</summary>
internal sealed class InMemoryConnection : ConnectionContext
{
    private readonly CancellationTokenSource _closed = new();
    private readonly Pipe _toServer;
    private readonly Pipe _toClient;

    public InMemoryConnection(bool inline)
    {
        var scheduler = inline ? PipeScheduler.Inline : PipeScheduler.ThreadPool;
        var options = new PipeOptions(readerScheduler: scheduler, writerScheduler: scheduler, useSynchronizationContext: false);
        _toServer = new Pipe(options);
        _toClient = new Pipe(options);
        Transport = new DuplexPipe(_toServer.Reader, _toClient.Writer);
        ConnectionClosed = _closed.Token;
    }

    public Task Running { get; set; } = Task.CompletedTask;

    /// <summary>Where the test writes requests.</summary>
    public PipeWriter Requests => _toServer.Writer;

    /// <summary>Where the test reads responses.</summary>
    public PipeReader Responses => _toClient.Reader;

    public override string ConnectionId { get; set; } = Guid.NewGuid().ToString("N");

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public override IDuplexPipe Transport { get; set; }

    /// <summary>
    /// The test's side as a frame stream. With <paramref name="leaveOpen"/>, disposing the stream leaves the pipes
    /// open, for a test that goes on using them directly.
    /// </summary>
    public FrameStream Frames(bool leaveOpen = false) => new(Responses.AsStream(leaveOpen), Requests.AsStream(leaveOpen));

    public override void Abort(ConnectionAbortedException abortReason)
    {
        _closed.Cancel();
        _toServer.Writer.Complete();
        _toClient.Reader.Complete();
    }

    public override ValueTask DisposeAsync()
    {
        _closed.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
