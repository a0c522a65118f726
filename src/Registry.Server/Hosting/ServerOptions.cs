using Registry.Schemas.Validation;

namespace Registry.Server.Hosting;

/// <summary>The "Registry" configuration section (environment variables: <c>REGISTRY__...</c>).</summary>
public sealed class ServerOptions
{
    /// <summary>Name of the configuration section.</summary>
    public const string SectionName = "Registry";

    /// <summary>Where the server listens.</summary>
    public ListenOptions Listen { get; set; } = new();

    /// <summary>TLS on the listeners (<c>Registry:Tls</c>).</summary>
    public TlsOptions Tls { get; set; } = new();

    /// <summary>Limits of the binary protocol listener.</summary>
    public BinaryProtocolOptions Binary { get; set; } = new();

    /// <summary>How long a graceful shutdown may take before in-flight work is abandoned.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Where the registry keeps its data.</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>The memory and shared cache tiers.</summary>
    public CacheOptions Cache { get; set; } = new();

    /// <summary>The content tier.</summary>
    public ContentStoreOptions ContentStore { get; set; } = new();

    /// <summary>Engine caches and limits.</summary>
    public EngineSettings Engine { get; set; } = new();

    /// <summary>Limits of the HTTP APIs.</summary>
    public HttpApiOptions HttpApi { get; set; } = new();

    /// <summary>Authentication, authorisation and audit (<c>Registry:Security</c>; docs/security.md).</summary>
    public SecurityOptions Security { get; set; } = new();
}

/// <summary>The system of record (<c>Registry:Storage</c>).</summary>
public sealed class StorageOptions
{
    /// <summary><c>sqlite</c> (the default: an embedded file, nothing else to install) or <c>postgres</c> (shared by replicas).</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Settings of the embedded SQLite store.</summary>
    public Registry.Engine.Storage.Sqlite.SqliteStoreOptions Sqlite { get; set; } = new();

    /// <summary>Settings of the PostgreSQL store.</summary>
    public Registry.Engine.Storage.Postgres.PostgresStoreOptions Postgres { get; set; } = new();

    /// <summary>The system of record's circuit breaker (used when any tier is configured, or with PostgreSQL).</summary>
    public Registry.Engine.Storage.Tiers.StoreBreakerOptions Breaker { get; set; } = new();
}

/// <summary>The cache tiers (<c>Registry:Cache</c>).</summary>
public sealed class CacheOptions
{
    /// <summary>Process memory (L1).</summary>
    public Registry.Engine.Storage.Tiers.MemoryTierOptions Memory { get; set; } = new();

    /// <summary>Redis (L2 and the invalidation channel); off unless <c>Configuration</c> is set.</summary>
    public Registry.Engine.Storage.Redis.RedisTierOptions Redis { get; set; } = new();

    /// <summary>
    /// Longest a replica may serve a subject, configuration, usage or hard-deleted schema id after a write acknowledged by another replica, when
    /// that write's invalidation could not reach it (the writer cut off from Redis, a lost message). Held by
    /// construction: memory keeps such a fact at most <c>Memory:FactTtl</c> and Redis at most <c>Redis:MutableTtl</c>,
    /// each counted from before the value was read, so their sum may not exceed this bound (checked at start-up).
    /// With the invalidation channel working, a write is answered only once every replica has forgotten what it made
    /// stale, and nothing stale is served at all.
    /// </summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the settings when the staleness bound cannot hold.</summary>
    public void Validate()
    {
        if (Redis.WriteTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Registry:Cache:Redis:WriteTimeout = {Redis.WriteTimeout}: must be positive.");
        }

        if (string.IsNullOrWhiteSpace(Redis.Configuration))
        {
            // Without Redis no replica shares anything mutable: memory keeps no fact (there is no channel to hear of
            // other replicas' writes), so nothing can be stale.
            return;
        }

        var memory = Memory.MaxFacts > 0 ? Memory.FactTtl : TimeSpan.Zero;
        if (MaxStaleness <= TimeSpan.Zero || memory + Redis.MutableTtl > MaxStaleness)
        {
            throw new InvalidOperationException(
                $"Registry:Cache:Memory:FactTtl ({memory}) plus Registry:Cache:Redis:MutableTtl ({Redis.MutableTtl}) exceed "
                + $"Registry:Cache:MaxStaleness ({MaxStaleness}): a replica could serve a subject that long after a write whose "
                + "invalidation was lost. Shorten the TTLs or raise the bound.");
        }
    }
}

/// <summary>The content tier (<c>Registry:ContentStore</c>).</summary>
public sealed class ContentStoreOptions
{
    /// <summary>S3 (L3); off unless <c>ServiceUrl</c> is set.</summary>
    public Registry.Engine.Storage.S3.S3TierOptions S3 { get; set; } = new();
}

/// <summary>Engine settings (<c>Registry:Engine</c>); see <see cref="Registry.Engine.Services.RegistryEngineOptions"/>.</summary>
public sealed class EngineSettings
{
    /// <summary>Schemas (bytes and compiled validators) kept in memory; <c>Registry:Cache:Memory:MaxSchemas</c> takes precedence when set.</summary>
    public int SchemaCacheCapacity { get; set; } = 10_000;

    /// <summary>Largest schema accepted, in bytes.</summary>
    public int MaxSchemaBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest document validated, in bytes.</summary>
    public int MaxDocumentBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Deepest nesting accepted in schemas and documents.</summary>
    public int MaxDepth { get; set; } = 256;

    /// <summary>Most documents in one batch validation.</summary>
    public int MaxBatchDocuments { get; set; } = 1_000;

    /// <summary>Most errors reported per invalid document.</summary>
    public int MaxValidationErrors { get; set; } = 100;

    /// <summary>When true, <c>format</c> is asserted during validation.</summary>
    public bool FormatAssertion { get; set; }

    /// <summary>
    /// The draft of a schema that names no <c>$schema</c>, on the native and binary APIs (the Confluent API reads such
    /// a schema as draft-07, as Confluent does) and where a subject sets none: <c>draft-04</c>, <c>draft-06</c>,
    /// <c>draft-07</c>, <c>2019-09</c> or <c>2020-12</c> (the default).
    /// </summary>
    public string DefaultDraft { get; set; } = "2020-12";

    /// <summary>How long lifecycle states behind a schema id are trusted by validation by id.</summary>
    public TimeSpan UsageRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest one <c>pattern</c> match may run on the backtracking engine; see <see cref="SchemaLimits.PatternMatchTimeout"/>.</summary>
    public TimeSpan PatternMatchTimeout { get; set; } = SchemaLimits.Default.PatternMatchTimeout;

    /// <summary>Longest one <c>pattern</c> match may run on the linear-time engine; see <see cref="SchemaLimits.LinearPatternMatchTimeout"/>.</summary>
    public TimeSpan LinearPatternMatchTimeout { get; set; } = SchemaLimits.Default.LinearPatternMatchTimeout;

    /// <summary>Longest regular expression accepted; see <see cref="SchemaLimits.MaxPatternLength"/>.</summary>
    public int MaxPatternLength { get; set; } = SchemaLimits.Default.MaxPatternLength;

    /// <summary>Most characters a counted repetition of bounded length may unfold to; see <see cref="SchemaLimits.MaxPatternRepeat"/>.</summary>
    public int MaxPatternRepeat { get; set; } = SchemaLimits.Default.MaxPatternRepeat;

    /// <summary>Most characters a counted repetition of unbounded length may unfold to; see <see cref="SchemaLimits.MaxPatternGroupRepeat"/>.</summary>
    public int MaxPatternGroupRepeat { get; set; } = SchemaLimits.Default.MaxPatternGroupRepeat;

    /// <summary>Most bytes one compiled regular expression may hold; see <see cref="SchemaLimits.MaxPatternAutomatonBytes"/>.</summary>
    public long MaxPatternAutomatonBytes { get; set; } = SchemaLimits.Default.MaxPatternAutomatonBytes;

    /// <summary>Most bytes the compiled regular expressions of the process may hold together; see <see cref="PatternCache"/>.</summary>
    public long PatternCacheBytes { get; set; } = PatternCache.DefaultMaxBytes;

    /// <summary>Compilations, compatibility checks and validations running at once (0: one per processor); more wait in line.</summary>
    public int MaxConcurrentExpensiveOperations { get; set; }

    /// <summary>Expensive operations that may wait in line; one more is refused (429, <c>OVERLOADED</c>).</summary>
    public int MaxQueuedExpensiveOperations { get; set; } = 4_096;

    /// <summary>Most steps of work one request may cause (compiling, validating, comparing); beyond, <c>too_complex</c>.</summary>
    public long MaxWorkSteps { get; set; } = Registry.Schemas.WorkLimits.Default.MaxSteps;

    /// <summary>Most working memory one request may hold, estimated, in bytes; beyond, <c>too_complex</c>.</summary>
    public long MaxWorkMemoryBytes { get; set; } = Registry.Schemas.WorkLimits.Default.MaxMemoryBytes;

    /// <summary>Most time one request may spend matching regular expressions, summed over its documents; beyond, <c>too_complex</c>.</summary>
    public TimeSpan MaxRegexTime { get; set; } = Registry.Schemas.WorkLimits.Default.MaxRegexTime;
}

/// <summary>Limits of the HTTP APIs (<c>Registry:HttpApi</c>).</summary>
public sealed class HttpApiOptions
{
    /// <summary>Largest request body accepted, in bytes; larger ones get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 17 * 1024 * 1024;

    /// <summary>Largest backup <c>POST /v1/import</c> accepts, in bytes (it is streamed, never held in memory); larger ones get 413.</summary>
    public long MaxImportBodyBytes { get; set; } = 16L * 1024 * 1024 * 1024;
}

/// <summary>Endpoints of the two listeners, as <c>host:port</c> (port 0 picks a free port).</summary>
public sealed class ListenOptions
{
    /// <summary>HTTP listener (native JSON API, Confluent-compatible API, health).</summary>
    public string Http { get; set; } = "127.0.0.1:8081";

    /// <summary>Binary protocol listener.</summary>
    public string Binary { get; set; } = "127.0.0.1:9091";
}

/// <summary>Limits applied to every binary-protocol connection (<c>Registry:Binary</c>); see <c>docs/protocol.md</c>, section 6.</summary>
public sealed class BinaryProtocolOptions
{
    /// <summary>Largest accepted frame payload, in bytes (at least 4096); a larger frame header closes the connection.</summary>
    public int MaxFrameBytes { get; set; } = Registry.Protocol.ProtocolLimits.DefaultMaxFrameBytes;

    /// <summary>Requests a connection may have in flight; beyond it the server stops reading the connection (back-pressure).</summary>
    public int MaxInFlight { get; set; } = Registry.Protocol.ProtocolLimits.DefaultMaxInFlight;

    /// <summary>A connection with nothing in flight and nothing received for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; set; } = Registry.Protocol.ProtocolLimits.DefaultIdleTimeout;

    /// <summary>A connection that has not completed HELLO within this time is closed.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = Registry.Protocol.ProtocolLimits.HandshakeTimeout;

    /// <summary>Binary connections served at once; one more gets <c>TOO_MANY_CONNECTIONS</c> and is closed.</summary>
    public int MaxConnections { get; set; } = Registry.Protocol.ProtocolLimits.DefaultMaxConnections;

    /// <summary>
    /// Bytes that frames above 64 KiB may hold across every connection, from their header until their request is
    /// answered (at least <see cref="MaxFrameBytes"/>). A frame that does not fit waits: its connection is not read.
    /// </summary>
    public long LargeFrameBudgetBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// How the binary listener drives its sockets: <see cref="BinaryTransport.EventLoop"/> (epoll threads that receive
    /// and answer on one thread; Linux on x64 or arm64), <see cref="BinaryTransport.Sockets"/> (Kestrel's socket
    /// transport), or <see cref="BinaryTransport.Auto"/>: the event loop where it can run, sockets elsewhere.
    /// </summary>
    public BinaryTransport Transport { get; set; } = BinaryTransport.Auto;

    /// <summary>Event-loop threads sharing the binary connections (0: one per processor, at most 16).</summary>
    public int EventLoops { get; set; }

    /// <summary>
    /// Microseconds an event loop keeps polling, without sleeping, after it has served something (0: sleep at once).
    /// A peer that asks again within it is answered without a thread wake-up; the cost is that much CPU after each burst.
    /// </summary>
    public int EventLoopSpinMicroseconds { get; set; } = 50;

    /// <summary>True when the binary listener runs on the event-loop transport.</summary>
    public bool UsesEventLoop => Transport switch
    {
        BinaryTransport.EventLoop => true,
        BinaryTransport.Auto => Binary.Transport.Linux.IsSupported,
        _ => false,
    };

    /// <summary>The event-loop threads to start: <see cref="EventLoops"/>, or one per processor up to 16.</summary>
    public int EventLoopCount => EventLoops > 0 ? EventLoops : Math.Min(Environment.ProcessorCount, 16);

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the setting when a value is out of range.</summary>
    public void Validate()
    {
        if (MaxFrameBytes < Registry.Protocol.ProtocolLimits.MinMaxFrameBytes)
        {
            throw new InvalidOperationException(
                $"Registry:Binary:MaxFrameBytes = {MaxFrameBytes}: must be at least {Registry.Protocol.ProtocolLimits.MinMaxFrameBytes}.");
        }

        if (MaxInFlight < 1)
        {
            throw new InvalidOperationException($"Registry:Binary:MaxInFlight = {MaxInFlight}: must be at least 1.");
        }

        // The HELLO response carries the idle time-out as an int of milliseconds.
        if (IdleTimeout <= TimeSpan.Zero || IdleTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw new InvalidOperationException($"Registry:Binary:IdleTimeout = {IdleTimeout}: must be positive and under 24 days.");
        }

        if (HandshakeTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Registry:Binary:HandshakeTimeout = {HandshakeTimeout}: must be positive.");
        }

        if (MaxConnections < 1)
        {
            throw new InvalidOperationException($"Registry:Binary:MaxConnections = {MaxConnections}: must be at least 1.");
        }

        // Below one whole frame, a frame of the largest accepted size could never be received.
        if (LargeFrameBudgetBytes < MaxFrameBytes)
        {
            throw new InvalidOperationException(
                $"Registry:Binary:LargeFrameBudgetBytes = {LargeFrameBudgetBytes}: must be at least Registry:Binary:MaxFrameBytes ({MaxFrameBytes}).");
        }

        if (!Enum.IsDefined(Transport))
        {
            throw new InvalidOperationException($"Registry:Binary:Transport = {(int)Transport}: must be Auto, EventLoop or Sockets.");
        }

        if (Transport == BinaryTransport.EventLoop && !Binary.Transport.Linux.IsSupported)
        {
            throw new InvalidOperationException(
                "Registry:Binary:Transport = EventLoop: the event loop runs on Linux (x64 or arm64) only; use Sockets or Auto here.");
        }

        if (EventLoops is < 0 or > 64)
        {
            throw new InvalidOperationException($"Registry:Binary:EventLoops = {EventLoops}: must be 0 (one per processor) to 64.");
        }

        if (EventLoopSpinMicroseconds is < 0 or > 10_000)
        {
            throw new InvalidOperationException(
                $"Registry:Binary:EventLoopSpinMicroseconds = {EventLoopSpinMicroseconds}: must be 0 (no polling) to 10000.");
        }
    }
}

/// <summary>The binary listener's transport (<c>Registry:Binary:Transport</c>).</summary>
public enum BinaryTransport
{
    /// <summary>The event loop on Linux (x64, arm64), Kestrel's sockets elsewhere.</summary>
    Auto,

    /// <summary>epoll threads that receive only when data is there and answer on the thread that received it.</summary>
    EventLoop,

    /// <summary>Kestrel's socket transport.</summary>
    Sockets,
}
