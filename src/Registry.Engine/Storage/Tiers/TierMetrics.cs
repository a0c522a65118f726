using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Registry.Engine.Storage.Tiers;

/// <summary>The tiers a read can be served from.</summary>
public enum Tier
{
    /// <summary>Process memory: schemas with compiled validators, and (with an invalidation bus) mutable facts.</summary>
    Memory,

    /// <summary>The shared cache (Redis).</summary>
    Shared,

    /// <summary>The content tier (S3): schema bytes by their SHA-256.</summary>
    Content,

    /// <summary>The system of record (PostgreSQL or SQLite).</summary>
    Store,
}

/// <summary>
/// Counters per tier, kept as plain interlocked fields (cheap on the read path) and published as observable
/// instruments of the <c>Registry.Storage</c> meter, so any metrics exporter can read them.
/// </summary>
public sealed class TierMetrics : IDisposable
{
    /// <summary>Name of the meter.</summary>
    public const string MeterName = "Registry.Storage";

    private const int Tiers = 4;
    private readonly Counters[] _counters = new Counters[Tiers];
    private readonly Meter _meter;
    private readonly Histogram<double> _callDuration;
    private readonly Histogram<double> _writeStageDuration;
    private readonly CircuitBreaker?[] _breakers = new CircuitBreaker?[Tiers];
    private Func<(long Hits, long Misses)>? _schemaMemory;
    private long _invalidationsPublished;
    private long _invalidationsReceived;
    private long _acknowledgementTimeouts;
    private long _staleFillsRefused;
    private long _staleServed;

    /// <summary>Creates the counters and registers the instruments on a meter of their own.</summary>
    public TierMetrics()
        : this(null)
    {
    }

    /// <summary>
    /// Creates the counters and registers the instruments on a meter of <paramref name="meters"/> (scoped to one host,
    /// so two servers in one process keep apart), or on a meter of their own when null.
    /// </summary>
    public TierMetrics(IMeterFactory? meters)
    {
        for (var i = 0; i < Tiers; i++)
        {
            _counters[i] = new Counters();
        }

        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _meter.CreateObservableCounter("registry.storage.hits", () => Measure(Hits), description: "Reads served by a tier");
        _meter.CreateObservableCounter("registry.storage.misses", () => Measure(Misses), description: "Reads a tier could not serve");
        _meter.CreateObservableCounter("registry.storage.errors", () => Measure(Errors), description: "Failed or timed-out calls to a tier");
        _meter.CreateObservableCounter("registry.storage.skipped", () => Measure(Skipped), description: "Calls not made because the tier's circuit breaker was open");
        _meter.CreateObservableCounter("registry.storage.integrity_failures", () => Measure(IntegrityFailures), description: "Content whose SHA-256 did not match, treated as a miss");
        _meter.CreateObservableCounter("registry.storage.invalidations_published", () => Volatile.Read(ref _invalidationsPublished));
        _meter.CreateObservableCounter("registry.storage.invalidations_received", () => Volatile.Read(ref _invalidationsReceived));
        _meter.CreateObservableCounter("registry.storage.acknowledgement_timeouts", () => Volatile.Read(ref _acknowledgementTimeouts));
        _callDuration = _meter.CreateHistogram<double>("registry.storage.call.duration", "s",
            "Time of a call to a tier, by tier and outcome (ok, error); calls the breaker refused are not made and not timed",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Services.EngineMetrics.Buckets.Slow });
        _writeStageDuration = _meter.CreateHistogram<double>("registry.storage.write.stage.duration", "s",
            "Time of each step of a write after it was prepared: commit (the system of record), write_through (new content to the "
            + "content tier and the shared cache), invalidate (the shared cache's entries made stale), acknowledge (published, "
            + "and every other replica acknowledged)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Services.EngineMetrics.Buckets.Slow });
        _meter.CreateObservableGauge("registry.storage.breaker.open", MeasureBreakers, "{breaker}",
            "1 while a tier's circuit breaker refuses calls (open, or half-open with its probe in flight), else 0");
    }

    /// <summary>The meter the instruments are on (one per host; a listener tells two stores of one process apart by it).</summary>
    public Meter Meter => _meter;

    /// <summary>Hits of one tier.</summary>
    public long Hits(Tier tier) => Volatile.Read(ref _counters[(int)tier].Hits) + (tier == Tier.Memory ? SchemaMemory().Hits : 0);

    /// <summary>Misses of one tier.</summary>
    public long Misses(Tier tier) => Volatile.Read(ref _counters[(int)tier].Misses) + (tier == Tier.Memory ? SchemaMemory().Misses : 0);

    /// <summary>Errors and time-outs of one tier.</summary>
    public long Errors(Tier tier) => Volatile.Read(ref _counters[(int)tier].Errors);

    /// <summary>Calls skipped because the tier's breaker was open.</summary>
    public long Skipped(Tier tier) => Volatile.Read(ref _counters[(int)tier].Skipped);

    /// <summary>Content that failed its SHA-256 check in one tier.</summary>
    public long IntegrityFailures(Tier tier) => Volatile.Read(ref _counters[(int)tier].IntegrityFailures);

    /// <summary>Mean time of a call to one tier, in microseconds (0 before the first call).</summary>
    public double MeanMicroseconds(Tier tier)
    {
        var c = _counters[(int)tier];
        var calls = Volatile.Read(ref c.Calls);
        return calls == 0 ? 0 : Volatile.Read(ref c.ElapsedTicks) * 1_000_000.0 / Stopwatch.Frequency / calls;
    }

    /// <summary>Invalidations this process sent to the others.</summary>
    public long InvalidationsPublished => Volatile.Read(ref _invalidationsPublished);

    /// <summary>Invalidations received from other processes.</summary>
    public long InvalidationsReceived => Volatile.Read(ref _invalidationsReceived);

    /// <summary>Writes that stopped waiting for another replica's acknowledgement.</summary>
    public long AcknowledgementTimeouts => Volatile.Read(ref _acknowledgementTimeouts);

    /// <summary>Cache fills refused because the fact changed while it was being loaded.</summary>
    public long StaleFillsRefused => Volatile.Read(ref _staleFillsRefused);

    /// <summary>Reads answered from memory past their freshness because the system of record was unavailable.</summary>
    public long StaleServed => Volatile.Read(ref _staleServed);

    /// <summary>Counts the schema cache of the engine (hits and misses kept by the cache itself) as memory-tier reads.</summary>
    public void TrackSchemaMemory(Func<(long Hits, long Misses)> source) => _schemaMemory = source;

    internal void Hit(Tier tier) => Interlocked.Increment(ref _counters[(int)tier].Hits);

    internal void Miss(Tier tier) => Interlocked.Increment(ref _counters[(int)tier].Misses);

    internal void Error(Tier tier) => Interlocked.Increment(ref _counters[(int)tier].Errors);

    internal void Skip(Tier tier) => Interlocked.Increment(ref _counters[(int)tier].Skipped);

    internal void IntegrityFailure(Tier tier) => Interlocked.Increment(ref _counters[(int)tier].IntegrityFailures);

    internal void Elapsed(Tier tier, long startTimestamp)
    {
        var c = _counters[(int)tier];
        var ticks = Stopwatch.GetTimestamp() - startTimestamp;
        Interlocked.Increment(ref c.Calls);
        Interlocked.Add(ref c.ElapsedTicks, ticks);
        RecordCall(tier, ticks, "ok");
    }

    /// <summary>Times a call to <paramref name="tier"/> that failed (counted with <see cref="Error"/> apart).</summary>
    internal void FailedAfter(Tier tier, long startTimestamp) => RecordCall(tier, Stopwatch.GetTimestamp() - startTimestamp, "error");

    /// <summary>Publishes <paramref name="breaker"/>'s state as the tier's <c>registry.storage.breaker.open</c>.</summary>
    internal void TrackBreaker(Tier tier, CircuitBreaker breaker) => Volatile.Write(ref _breakers[(int)tier], breaker);

    internal void Published() => Interlocked.Increment(ref _invalidationsPublished);

    internal void Received() => Interlocked.Increment(ref _invalidationsReceived);

    internal void AcknowledgementTimeout() => Interlocked.Increment(ref _acknowledgementTimeouts);

    internal void StaleFillRefused() => Interlocked.Increment(ref _staleFillsRefused);

    internal void ServedStale() => Interlocked.Increment(ref _staleServed);

    /// <summary>Records how long one step of a write took (see <c>registry.storage.write.stage.duration</c>).</summary>
    public void WriteStage(string stage, long startedTimestamp) =>
        _writeStageDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new KeyValuePair<string, object?>("stage", stage));

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private (long Hits, long Misses) SchemaMemory() => _schemaMemory?.Invoke() ?? default;

    private void RecordCall(Tier tier, long ticks, string outcome)
    {
        if (_callDuration.Enabled)
        {
            _callDuration.Record(
                ticks / (double)Stopwatch.Frequency,
                new KeyValuePair<string, object?>("tier", TierName(tier)),
                new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    private IEnumerable<Measurement<int>> MeasureBreakers()
    {
        for (var i = 0; i < Tiers; i++)
        {
            if (Volatile.Read(ref _breakers[i]) is { } breaker)
            {
                yield return new Measurement<int>(breaker.IsOpen ? 1 : 0, new KeyValuePair<string, object?>("tier", TierName((Tier)i)));
            }
        }
    }

    private static IEnumerable<Measurement<long>> Measure(Func<Tier, long> read)
    {
        for (var i = 0; i < Tiers; i++)
        {
            yield return new Measurement<long>(read((Tier)i), new KeyValuePair<string, object?>("tier", TierName((Tier)i)));
        }
    }

    /// <summary>The tier's name in metrics and statistics.</summary>
    public static string TierName(Tier tier) => tier switch
    {
        Tier.Memory => "memory",
        Tier.Shared => "redis",
        Tier.Content => "s3",
        _ => "store",
    };

    private sealed class Counters
    {
        public long Hits;
        public long Misses;
        public long Errors;
        public long Skipped;
        public long IntegrityFailures;
        public long Calls;
        public long ElapsedTicks;
    }
}
