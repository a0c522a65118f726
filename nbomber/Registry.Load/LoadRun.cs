using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using HdrHistogram;
using Registry.Client;

namespace Registry.Load;

/// <summary>
/// A prepared scenario: the client (one pool of <see cref="LoadOptions.Connections"/> connections) and the schemas the
/// operations use, registered once. Each run starts <see cref="LoadOptions.Workers"/> callers, so every connection
/// has about <see cref="LoadOptions.Depth"/> requests in flight; each records its latencies in its own histogram.
/// </summary>
internal sealed class LoadRun : IAsyncDisposable
{
    // Latencies up to a minute, 3 significant digits, in nanoseconds.
    private const long HighestLatencyNs = 60_000_000_000;

    private static readonly byte[] ValidDocument = Encoding.UTF8.GetBytes(
        """{"name":"get_weather","arguments":{"city":"Lisbon","unit":"celsius","days":3},"call_id":"c-0001"}""");

    private readonly LoadOptions _options;
    private readonly RegistryClient _client;
    private readonly int _getId;
    private readonly int _validateId;
    private readonly string _runTag = Guid.NewGuid().ToString("N")[..8];
    private long _registrations;

    private LoadRun(LoadOptions options, RegistryClient client, int getId, int validateId)
    {
        _options = options;
        _client = client;
        _getId = getId;
        _validateId = validateId;
    }

    public static async Task<LoadRun> PrepareAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var client = new RegistryClient(new RegistryClientOptions
        {
            Endpoints = [options.Endpoint],
            PoolSize = options.Connections,
            // Closed loop: depth callers per connection. Open loop: whatever the arrival rate puts in flight.
            MaxInFlightPerConnection = options.Rate > 0 ? 256 : Math.Max(options.Depth, 16),
            RequestTimeout = TimeSpan.FromSeconds(10),
            InlineContinuations = options.InlineContinuations,
            ClientName = "registry-load",
        });
        try
        {
            var get = await client.RegisterAsync($"load.get.{options.PayloadBytes}", SchemaOfSize(options.PayloadBytes), cancellationToken);
            var validate = await client.RegisterAsync("load.validate", ToolCallSchema, cancellationToken);
            var fetched = await client.FetchSchemaAsync(get.SchemaId, cancellationToken);
            if (fetched.Content.Length != options.PayloadBytes)
            {
                throw new InvalidOperationException($"The get schema is {fetched.Content.Length} bytes, not {options.PayloadBytes}.");
            }

            if (!(await client.ValidateAsync(validate.SchemaId, ValidDocument, cancellationToken: cancellationToken)).IsValid)
            {
                throw new InvalidOperationException("The validate document should be valid.");
            }

            return new LoadRun(options, client, get.SchemaId, validate.SchemaId);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{_options.Scenario} against {_options.Endpoint}: {_options.Connections} connection(s) × depth {_options.Depth} = {_options.Workers} callers, "
        + $"{(_options.Rate > 0 ? $"{_options.Rate:F0} requests/s" : "closed loop")}, warm-up {_options.Warmup.TotalSeconds:F0} s, "
        + $"measured {_options.Duration.TotalSeconds:F0} s, schema {_options.PayloadBytes} B (id {_getId}), validate document {ValidDocument.Length} B (id {_validateId})");

    /// <summary>Runs the load for <paramref name="duration"/>: closed loop (callers) or, with a rate, open loop (a pacer).</summary>
    public Task<LoadResult> RunAsync(TimeSpan duration, CancellationToken cancellationToken)
        => _options.Rate > 0 ? PacedAsync(duration, cancellationToken) : ClosedLoopAsync(duration, cancellationToken);

    /// <summary>Every caller sends, awaits the answer, and sends again, until the time is up.</summary>
    private async Task<LoadResult> ClosedLoopAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var workers = _options.Workers;
        var histograms = new LongHistogram[workers];
        var counts = new long[workers];
        var errors = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tasks = new Task[workers];
        for (var w = 0; w < workers; w++)
        {
            histograms[w] = new LongHistogram(HighestLatencyNs, 3);
            tasks[w] = CallerAsync(w, end, histograms[w], counts, errors, cancellationToken);
        }

        await Task.WhenAll(tasks);
        var merged = new LongHistogram(HighestLatencyNs, 3);
        long completed = 0;
        for (var w = 0; w < workers; w++)
        {
            merged.Add(histograms[w]);
            completed += counts[w];
        }

        return new LoadResult(completed, duration, merged, errors);
    }

    /// <summary>
    /// Open loop: a pacer thread wakes every millisecond and sends every request due by then, without waiting for
    /// answers (so a slow server meets the same arrival rate, not a politely slowed client). At most
    /// <see cref="LoadOptions.Workers"/> requests, or 10 ms of arrivals if more, are outstanding; a request due beyond
    /// that is counted as an error.
    /// Latency is measured from when each request was sent.
    /// </summary>
    private async Task<LoadResult> PacedAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var latencies = new LongConcurrentHistogram(1, HighestLatencyNs, 3);
        var errors = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var state = new PacedState(Math.Max(_options.Workers, (int)(_options.Rate / 100)));
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var random = new Random(1);
        await Task.Factory.StartNew(
            () =>
            {
                long issued = 0;
                while (!cancellationToken.IsCancellationRequested)
                {
                    var now = Stopwatch.GetTimestamp();
                    if (now >= end)
                    {
                        break;
                    }

                    var due = (long)((now - start) * _options.Rate / Stopwatch.Frequency);
                    for (; issued < due; issued++)
                    {
                        if (Interlocked.Increment(ref state.Outstanding) > state.Cap)
                        {
                            Interlocked.Decrement(ref state.Outstanding);
                            errors.AddOrUpdate($"more than {state.Cap} requests outstanding (not sent)", 1, static (_, c) => c + 1);
                            continue;
                        }

                        _ = SendOneAsync(Pick(random), end, latencies, state, errors, cancellationToken);
                    }

                    Thread.Sleep(1);
                }
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        // Answers still due are waited for (the client's time-out bounds the wait), not counted.
        while (Volatile.Read(ref state.Outstanding) > 0 && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(5, cancellationToken);
        }

        return new LoadResult(Interlocked.Read(ref state.Completed), duration, latencies, errors);
    }

    private async Task SendOneAsync(
        Scenario kind, long end, LongConcurrentHistogram latencies, PacedState state, ConcurrentDictionary<string, long> errors, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await SendAsync(kind, ct);
            var finished = Stopwatch.GetTimestamp();
            if (finished <= end)
            {
                latencies.RecordValue(Math.Clamp((long)((finished - started) * (1e9 / Stopwatch.Frequency)), 0, HighestLatencyNs));
                Interlocked.Increment(ref state.Completed);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            errors.AddOrUpdate(e.GetType().Name + ": " + e.Message, 1, static (_, c) => c + 1);
        }
        finally
        {
            Interlocked.Decrement(ref state.Outstanding);
        }
    }

    private async ValueTask SendAsync(Scenario kind, CancellationToken ct)
    {
        switch (kind)
        {
            case Scenario.GetById:
                await _client.FetchSchemaAsync(_getId, ct);
                break;
            case Scenario.ValidateById:
                await _client.ValidateAsync(_validateId, ValidDocument, cancellationToken: ct);
                break;
            default:
                var n = Interlocked.Increment(ref _registrations);
                await _client.RegisterAsync($"load.register.{_runTag}.{n}", $$"""{"type":"object","description":"registration {{n}}"}""", ct);
                break;
        }
    }

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();

    internal static string SchemaOfSize(int bytes)
    {
        const string Prefix = """{"type":"object","description":" """;
        const string Suffix = "\"}";
        var padding = bytes - (Prefix.Length - 1) - Suffix.Length;
        if (padding < 0)
        {
            throw new ArgumentException($"--payload must be at least {Prefix.Length - 1 + Suffix.Length} bytes.");
        }

        return string.Concat(Prefix.AsSpan(0, Prefix.Length - 1), new string('x', padding), Suffix);
    }

    private const string ToolCallSchema = """
        {"type":"object","required":["name","arguments","call_id"],"additionalProperties":false,
         "properties":{"name":{"type":"string","pattern":"^[a-z_]+$"},"call_id":{"type":"string","minLength":1},
          "arguments":{"type":"object","required":["city"],"properties":{"city":{"type":"string"},
           "unit":{"enum":["celsius","fahrenheit"]},"days":{"type":"integer","minimum":1,"maximum":14}}}}}
        """;

    private async Task CallerAsync(
        int worker, long end, LongHistogram latencies, long[] counts, ConcurrentDictionary<string, long> errors, CancellationToken ct)
    {
        // Leave the starting loop at once, so callers start together.
        await Task.Yield();
        var random = new Random(worker);
        long completed = 0;
        while (!ct.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            if (started >= end)
            {
                break;
            }

            try
            {
                await SendAsync(Pick(random), ct);
                var finished = Stopwatch.GetTimestamp();
                if (finished <= end)
                {
                    var nanoseconds = (long)((finished - started) * (1e9 / Stopwatch.Frequency));
                    latencies.RecordValue(Math.Clamp(nanoseconds, 0, HighestLatencyNs));
                    completed++;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                errors.AddOrUpdate(e.GetType().Name + ": " + e.Message, 1, static (_, c) => c + 1);
            }
        }

        counts[worker] = completed;
    }

    private Scenario Pick(Random random)
    {
        if (_options.Scenario != Scenario.Mix)
        {
            return _options.Scenario;
        }

        var roll = random.Next(100);
        return roll < 80 ? Scenario.GetById : roll < 95 ? Scenario.ValidateById : Scenario.Register;
    }

    /// <summary>Counters shared by the pacer and the requests it sent.</summary>
    private sealed class PacedState(int cap)
    {
        public readonly int Cap = cap;
        public long Outstanding;
        public long Completed;
    }
}
