using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using HdrHistogram;
using Registry.Client;

namespace Registry.Load;

/// <summary>
/// One fault scenario against two replicas: an open-loop read load (GET_SCHEMA_BY_ID, uncached) and a write load
/// (REGISTER of new versions) through one client that knows both endpoints; at <see cref="ChaosOptions.FaultAt"/> the
/// fault command runs, at <see cref="ChaosOptions.RecoverAt"/> the recovery command. After every acknowledged write
/// both replicas are asked for the subject's latest version until they show it (a stale read is one that does not).
/// At the end every acknowledged write is read back from each replica. The criteria are printed before the run and
/// judged after it: PASS/FAIL per criterion, and a JSON result.
/// </summary>
internal sealed class ChaosRun
{
    private const long HighestNs = 120_000_000_000;
    private const int Subjects = 8;
    private readonly ChaosOptions _o;
    private readonly string _tag = Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentQueue<Ack> _acks = new();
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private long _staleReads;
    private long _maxStaleNs;
    private long _writeSeq;
    private Bucket[] _buckets = [];
    private long _start;
    private double _ranSeconds;
    private (long Sent, long Won) _hedged;

    private ChaosRun(ChaosOptions options) => _o = options;

    private sealed record Ack(string Subject, int Version, int SchemaId, string Content, double AtSeconds);

    /// <summary>Counters of one second of the run.</summary>
    private sealed class Bucket
    {
        public long ReadOk;
        public long ReadErr;
        public long WriteOk;
        public long WriteErr;
        public readonly LongConcurrentHistogram Reads = new(1, HighestNs, 3);
        public readonly LongConcurrentHistogram Writes = new(1, HighestNs, 3);
    }

    public static async Task<int> RunAsync(string[] args)
    {
        ChaosOptions options;
        try
        {
            options = ChaosOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(ChaosOptions.Usage);
            return 2;
        }

        try
        {
            return await new ChaosRun(options).RunAsync();
        }
        catch (Exception e) when (e is RegistryRequestException or TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            Console.WriteLine($"  FAIL {options.Name} setup: {Describe(e)} ({e.Message})");
            return 1;
        }
    }

    private RegistryClient NewClient(IReadOnlyList<string> endpoints, int pool) => new(new RegistryClientOptions
    {
        Endpoints = endpoints,
        PoolSize = pool,
        WriteConnections = _o.WriteConnections,
        HedgeDelay = _o.HedgeMs > 0 && endpoints.Count > 1 ? TimeSpan.FromMilliseconds(_o.HedgeMs) : null,
        RequestTimeout = TimeSpan.FromSeconds(_o.TimeoutSeconds),
        ConnectTimeout = TimeSpan.FromSeconds(1),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
        ClientName = "registry-chaos",
    });

    private async Task<int> RunAsync()
    {
        Console.WriteLine($"scenario {_o.Name}: {_o.Description}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  load {_o.ReadRate} reads/s + {_o.WriteRate} writes/s over {string.Join(", ", _o.Endpoints)} for {_o.Duration} s; fault at {_o.FaultAt} s, recovery at {_o.RecoverAt} s"));
        Console.WriteLine("  criteria (stated before the run):");
        foreach (var c in Criteria())
        {
            Console.WriteLine($"    - {c.Name}: {c.Statement}");
        }

        await using var both = NewClient(_o.Endpoints, 2);
        var single = _o.Endpoints.Select(e => NewClient([e], 1)).ToArray();
        try
        {
            var ids = new int[16];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = (await both.WithTimeout(TimeSpan.FromSeconds(30)).RegisterAsync($"chaos.read.{i}", $$"""{"type":"object","description":"read set {{i}}","x-n":{{i}}}""")).SchemaId;
            }

            // Every replica has the read set in memory before the clock starts (the fault then meets a warm replica).
            foreach (var c in single)
            {
                foreach (var id in ids)
                {
                    await c.WithTimeout(TimeSpan.FromSeconds(30)).FetchSchemaAsync(id);
                }
            }

            // Room for a recovery command that ends after the planned duration: the load runs on until 3 s after it.
            _buckets = new Bucket[(int)Math.Ceiling(_o.Duration) + 62];
            for (var i = 0; i < _buckets.Length; i++)
            {
                _buckets[i] = new Bucket();
            }

            _start = Stopwatch.GetTimestamp();
            var end = _start + (long)(_o.Duration * Stopwatch.Frequency);
            var hardEnd = _start + (long)((_o.Duration + 60) * Stopwatch.Frequency);
            var outstanding = new List<Task>();
            var probes = new ConcurrentBag<Task>();
            var faultTask = RunCommandAtAsync("fault", _o.FaultCommand, _o.FaultAt);
            var recoverTask = RunCommandAtAsync("recover", _o.RecoverCommand, _o.RecoverAt);
            var pacer = Task.Factory.StartNew(
                () =>
                {
                    long reads = 0, writes = 0;
                    var readCap = Math.Max(64, (int)(_o.ReadRate * _o.TimeoutSeconds));
                    long readsOutstanding = 0;
                    while (true)
                    {
                        var now = Stopwatch.GetTimestamp();
                        if (now >= hardEnd || (now >= end && recoverTask.IsCompleted && Seconds(now) >= recoverTask.Result + 3))
                        {
                            _ranSeconds = Seconds(now);
                            break;
                        }

                        var elapsed = (now - _start) / (double)Stopwatch.Frequency;
                        for (; reads < (long)(elapsed * _o.ReadRate); reads++)
                        {
                            if (Interlocked.Read(ref readsOutstanding) >= readCap)
                            {
                                // The read is due and cannot be sent: it counts as unavailable.
                                Interlocked.Increment(ref At(now).ReadErr);
                                Error("read", "too many reads outstanding (not sent)");
                                continue;
                            }

                            Interlocked.Increment(ref readsOutstanding);
                            var id = ids[reads % ids.Length];
                            _ = ReadAsync(both, id).ContinueWith(_ => Interlocked.Decrement(ref readsOutstanding), TaskScheduler.Default);
                        }

                        for (; writes < (long)(elapsed * _o.WriteRate); writes++)
                        {
                            lock (outstanding)
                            {
                                outstanding.Add(WriteAsync(both, single, probes));
                            }
                        }

                        Thread.Sleep(1);
                    }
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
            await pacer;
            await Task.WhenAll(outstanding);
            await Task.WhenAll(faultTask, recoverTask);
            await Task.WhenAll(probes);
            // Give in-flight reads their time-out to finish.
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(_o.TimeoutSeconds, 2)));

            var lost = await VerifyAsync(single);
            _hedged = (both.HedgedReads, both.HedgesWon);
            return Judge(lost, recoverTask.Result);
        }
        finally
        {
            foreach (var c in single)
            {
                await c.DisposeAsync();
            }
        }
    }

    private Bucket At(long timestamp)
    {
        var i = (int)((timestamp - _start) / Stopwatch.Frequency);
        return _buckets[Math.Clamp(i, 0, _buckets.Length - 1)];
    }

    private double Seconds(long timestamp) => (timestamp - _start) / (double)Stopwatch.Frequency;

    private void Error(string what, string message) => _errors.AddOrUpdate($"{what}: {message}", 1, static (_, c) => c + 1);

    private async Task ReadAsync(RegistryClient client, int id)
    {
        var sent = Stopwatch.GetTimestamp();
        try
        {
            await client.FetchSchemaAsync(id);
            var done = Stopwatch.GetTimestamp();
            var b = At(sent);
            Interlocked.Increment(ref b.ReadOk);
            b.Reads.RecordValue(Math.Clamp((long)((done - sent) * 1e9 / Stopwatch.Frequency), 1, HighestNs));
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref At(sent).ReadErr);
            Error("read", Describe(e));
        }
    }

    private async Task WriteAsync(RegistryClient client, RegistryClient[] single, ConcurrentBag<Task> probes)
    {
        var n = Interlocked.Increment(ref _writeSeq);
        var subject = $"chaos.{_tag}.{n % Subjects}";
        var content = $$"""{"type":"object","description":"write {{n}} of run {{_tag}}"}""";
        var sent = Stopwatch.GetTimestamp();
        try
        {
            var r = await client.RegisterAsync(subject, content);
            var done = Stopwatch.GetTimestamp();
            var b = At(sent);
            Interlocked.Increment(ref b.WriteOk);
            b.Writes.RecordValue(Math.Clamp((long)((done - sent) * 1e9 / Stopwatch.Frequency), 1, HighestNs));
            _acks.Enqueue(new Ack(subject, r.Version, r.SchemaId, content, Seconds(done)));
            probes.Add(ProbeAsync(single, subject, r.Version, done));
        }
        catch (Exception e)
        {
            var b = At(sent);
            Interlocked.Increment(ref b.WriteErr);
            b.Writes.RecordValue(Math.Clamp((long)((Stopwatch.GetTimestamp() - sent) * 1e9 / Stopwatch.Frequency), 1, HighestNs));
            Error("write", Describe(e));
        }
    }

    /// <summary>Reads the subject's latest version from every replica until each shows at least the acknowledged one.</summary>
    private async Task ProbeAsync(RegistryClient[] single, string subject, int version, long acked)
    {
        foreach (var c in single)
        {
            var first = true;
            while (true)
            {
                int seen;
                try
                {
                    seen = (await c.GetVersionAsync(subject)).Info.Version;
                }
                catch (RegistryRequestException e) when (e.Status == Protocol.StatusCode.SubjectNotFound)
                {
                    seen = 0;
                }
                catch (Exception)
                {
                    break; // a replica that is down serves no stale read
                }

                if (seen >= version)
                {
                    break;
                }

                if (first)
                {
                    Interlocked.Increment(ref _staleReads);
                    first = false;
                }

                var window = (long)((Stopwatch.GetTimestamp() - acked) * 1e9 / Stopwatch.Frequency);
                InterlockedMax(ref _maxStaleNs, window);
                // Past the bound the criterion has failed already: stop probing a little later (the run stays bounded).
                if (window > (long)((_o.StaleBoundMs + 5000) * 1e6))
                {
                    break;
                }

                await Task.Delay(50);
            }
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    /// <summary>Every acknowledged write read back from every replica: by id (content) and as subject version (id).</summary>
    private async Task<long> VerifyAsync(RegistryClient[] single)
    {
        long lost = 0;
        var verifyStart = Stopwatch.GetTimestamp();
        foreach (var ack in _acks)
        {
            var ok = false;
            // A replica that is still reconnecting to a store gets up to 30 s in all before a write counts as lost.
            for (var attempt = 0; !ok && Stopwatch.GetElapsedTime(verifyStart) < TimeSpan.FromSeconds(30); attempt++)
            {
                ok = true;
                foreach (var c in single)
                {
                    try
                    {
                        var s = await c.FetchSchemaAsync(ack.SchemaId);
                        var v = await c.GetVersionAsync(ack.Subject, ack.Version);
                        ok &= Encoding.UTF8.GetString(s.Content.Span) == ack.Content && v.Info.SchemaId == ack.SchemaId;
                    }
                    catch (Exception e)
                    {
                        ok = false;
                        Error("verify", Describe(e));
                    }
                }

                if (!ok)
                {
                    await Task.Delay(250);
                }
            }

            if (!ok)
            {
                lost++;
                Error("lost", $"{ack.Subject} v{ack.Version} id {ack.SchemaId}");
            }
        }

        return lost;
    }

    private async Task<double> RunCommandAtAsync(string what, string? command, double at)
    {
        if (string.IsNullOrEmpty(command))
        {
            return at;
        }

        var due = TimeSpan.FromSeconds(at) - Stopwatch.GetElapsedTime(_start == 0 ? Stopwatch.GetTimestamp() : _start);
        while (_start == 0)
        {
            await Task.Delay(5);
        }

        due = TimeSpan.FromSeconds(at) - Stopwatch.GetElapsedTime(_start);
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  t={Seconds(Stopwatch.GetTimestamp()):F1}s {what}: {command}"));
        using var p = Process.Start(new ProcessStartInfo("/bin/bash", ["-c", command]) { UseShellExecute = false })!;
        await p.WaitForExitAsync();
        var finished = Seconds(Stopwatch.GetTimestamp());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  t={finished:F1}s {what} done (exit {p.ExitCode})"));
        return finished;
    }

    private static string Describe(Exception e) => e switch
    {
        RegistryRequestException r => $"status {r.Status}",
        _ => e.GetType().Name,
    };

    private sealed record Criterion(string Name, string Statement);

    private IEnumerable<Criterion> Criteria()
    {
        var inv = CultureInfo.InvariantCulture;
        yield return new("read-availability", string.Create(inv, $"reads answered during the fault > {_o.MinAvailability}%"));
        yield return new("read-error-increase", string.Create(inv, $"read error rate over the fault and after it minus the rate before it < {_o.MaxErrorIncrease}%"));
        if (_o.WritesSurvive)
        {
            yield return new("write-error-increase", string.Create(inv, $"write error rate during the fault and after it minus the rate before it < {_o.MaxErrorIncrease}%"));
        }
        else
        {
            yield return new("writes-fail-fast", string.Create(inv, $"writes refused during the fault are refused within {_o.FailFastSeconds} s (p95)"));
        }

        if (_o.MaxP95Ms > 0)
        {
            yield return new("read-p95-during-fault", string.Create(inv, $"read p95 during the fault < {_o.MaxP95Ms} ms"));
        }

        yield return new("recovery", string.Create(inv, $"after the recovery command ends, a second with no read error and a write acknowledged comes within {_o.MaxRecoverySeconds} s"));
        yield return new("acknowledged-writes-lost", "every acknowledged write is read back from every replica (by id and as its subject version): 0 lost");
        yield return new("stale-read-window", string.Create(inv, $"a replica shows an acknowledged version within {_o.StaleBoundMs} ms of the acknowledgement"));
    }

    private int Judge(long lost, double recoverDone)
    {
        var inv = CultureInfo.InvariantCulture;
        int Sec(double s) => Math.Clamp((int)s, 0, _buckets.Length - 1);
        (long Ok, long Err, LongHistogram Reads, LongHistogram Writes, long WOk, long WErr) Sum(int from, int to)
        {
            long ok = 0, err = 0, wok = 0, werr = 0;
            var reads = new LongHistogram(HighestNs, 3);
            var writes = new LongHistogram(HighestNs, 3);
            for (var i = from; i < to && i < _buckets.Length; i++)
            {
                ok += _buckets[i].ReadOk;
                err += _buckets[i].ReadErr;
                wok += _buckets[i].WriteOk;
                werr += _buckets[i].WriteErr;
                reads.Add(_buckets[i].Reads);
                writes.Add(_buckets[i].Writes);
            }

            return (ok, err, reads, writes, wok, werr);
        }

        var last = (int)Math.Floor(_ranSeconds);
        var before = Sum(1, Sec(_o.FaultAt));
        var during = Sum(Sec(_o.FaultAt), Math.Max(Sec(_o.RecoverAt), Sec(_o.FaultAt) + 1));
        var afterFault = Sum(Sec(_o.FaultAt), last);
        static double Rate(long err, long ok) => ok + err == 0 ? 0 : 100.0 * err / (ok + err);

        // Recovery: the first whole second after the recovery command with no read error and a write acknowledged.
        double recovery = double.NaN;
        for (var i = (int)Math.Ceiling(recoverDone); i < last; i++)
        {
            var b = _buckets[i];
            if (b.ReadErr == 0 && b.ReadOk > 0 && (b.WriteOk > 0 || _o.WriteRate == 0))
            {
                recovery = Math.Max(0, i - recoverDone);
                break;
            }
        }

        var availability = during.Ok + during.Err == 0 ? 100 : 100.0 * during.Ok / (during.Ok + during.Err);
        var readIncrease = Rate(afterFault.Err, afterFault.Ok) - Rate(before.Err, before.Ok);
        var writeIncrease = Rate(afterFault.WErr, afterFault.WOk) - Rate(before.WErr, before.WOk);
        var p95During = during.Reads.TotalCount == 0 ? double.NaN : during.Reads.GetValueAtPercentile(95) / 1e6;
        var writeP95During = during.Writes.TotalCount == 0 ? 0 : during.Writes.GetValueAtPercentile(95) / 1e9;
        var staleMs = Interlocked.Read(ref _maxStaleNs) / 1e6;

        var verdicts = new List<(string Name, bool Pass, string Measured)>
        {
            ("read-availability", availability > _o.MinAvailability, string.Create(inv, $"{availability:F3}% ({during.Ok} ok, {during.Err} failed)")),
            ("read-error-increase", readIncrease < _o.MaxErrorIncrease, string.Create(inv, $"{readIncrease:F3} points ({Rate(before.Err, before.Ok):F3}% before, {Rate(afterFault.Err, afterFault.Ok):F3}% from the fault on)")),
        };
        if (_o.WritesSurvive)
        {
            verdicts.Add(("write-error-increase", writeIncrease < _o.MaxErrorIncrease, string.Create(inv, $"{writeIncrease:F3} points ({afterFault.WErr} of {afterFault.WOk + afterFault.WErr} failed from the fault on)")));
        }
        else
        {
            verdicts.Add(("writes-fail-fast", writeP95During < _o.FailFastSeconds, string.Create(inv, $"write p95 during the fault {writeP95During:F3} s ({during.WErr} refused, {during.WOk} acknowledged)")));
        }

        if (_o.MaxP95Ms > 0)
        {
            verdicts.Add(("read-p95-during-fault", p95During < _o.MaxP95Ms, string.Create(inv, $"{p95During:F2} ms")));
        }

        verdicts.Add(("recovery", recovery < _o.MaxRecoverySeconds, double.IsNaN(recovery) ? "not recovered before the end" : string.Create(inv, $"{recovery:F1} s")));
        verdicts.Add(("acknowledged-writes-lost", lost == 0, string.Create(inv, $"{lost} lost of {_acks.Count} acknowledged")));
        verdicts.Add(("stale-read-window", staleMs <= _o.StaleBoundMs, string.Create(inv, $"longest {staleMs:F0} ms, {Interlocked.Read(ref _staleReads)} stale probe(s)")));

        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "";
        Console.WriteLine(string.Create(inv, $"  before the fault: read p95 {(before.Reads.TotalCount == 0 ? 0 : before.Reads.GetValueAtPercentile(95) / 1e6):F2} ms; load average {load}; hedged reads {_hedged.Sent} (the other endpoint answered first {_hedged.Won})"));
        foreach (var (name, count) in _errors.OrderByDescending(e => e.Value).Take(8))
        {
            Console.WriteLine(string.Create(inv, $"  error {count} × {name}"));
        }

        foreach (var (name, pass, measured) in verdicts)
        {
            Console.WriteLine($"  {(pass ? "PASS" : "FAIL")} {_o.Name} {name}: {measured}");
        }

        if (_o.Out is not null)
        {
            WriteJson(_o.Out, verdicts, load, before.Reads, during.Reads);
        }

        return verdicts.All(v => v.Pass) ? 0 : 1;
    }

    private void WriteJson(string path, List<(string Name, bool Pass, string Measured)> verdicts, string load, LongHistogram before, LongHistogram during)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("scenario", _o.Name);
        w.WriteString("description", _o.Description);
        w.WriteString("finished", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        w.WriteString("loadAverage", load);
        w.WriteNumber("readRate", _o.ReadRate);
        w.WriteNumber("writeRate", _o.WriteRate);
        w.WriteNumber("durationSeconds", _o.Duration);
        w.WriteNumber("faultAt", _o.FaultAt);
        w.WriteNumber("recoverAt", _o.RecoverAt);
        w.WriteString("faultCommand", _o.FaultCommand);
        w.WriteString("recoverCommand", _o.RecoverCommand);
        w.WriteNumber("readP95BeforeMs", before.TotalCount == 0 ? 0 : before.GetValueAtPercentile(95) / 1e6);
        w.WriteNumber("readP95DuringMs", during.TotalCount == 0 ? 0 : during.GetValueAtPercentile(95) / 1e6);
        w.WriteNumber("acknowledgedWrites", _acks.Count);
        w.WriteNumber("hedgedReads", _hedged.Sent);
        w.WriteNumber("hedgesWon", _hedged.Won);
        w.WriteNumber("writeConnections", _o.WriteConnections);
        w.WriteNumber("hedgeMs", _o.HedgeMs);
        w.WriteBoolean("pass", verdicts.All(v => v.Pass));
        w.WriteStartArray("criteria");
        foreach (var (name, pass, measured) in verdicts)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("statement", Criteria().First(c => c.Name == name).Statement);
            w.WriteBoolean("pass", pass);
            w.WriteString("measured", measured);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("seconds");
        for (var i = 0; i < (int)Math.Floor(_ranSeconds); i++)
        {
            var b = _buckets[i];
            w.WriteStartObject();
            w.WriteNumber("t", i);
            w.WriteNumber("readOk", b.ReadOk);
            w.WriteNumber("readErr", b.ReadErr);
            w.WriteNumber("writeOk", b.WriteOk);
            w.WriteNumber("writeErr", b.WriteErr);
            w.WriteNumber("readP95Ms", b.Reads.TotalCount == 0 ? 0 : b.Reads.GetValueAtPercentile(95) / 1e6);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("errors");
        foreach (var (name, count) in _errors)
        {
            w.WriteNumber(name, count);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }
}

/// <summary>Options of <see cref="ChaosRun"/>.</summary>
internal sealed record ChaosOptions
{
    public string Name { get; init; } = "chaos";
    public string Description { get; init; } = "";
    public IReadOnlyList<string> Endpoints { get; init; } = [];
    public double Duration { get; init; } = 30;
    public double FaultAt { get; init; } = 8;
    public double RecoverAt { get; init; } = 18;
    public string? FaultCommand { get; init; }
    public string? RecoverCommand { get; init; }
    public double ReadRate { get; init; } = 300;
    public double WriteRate { get; init; } = 10;
    public double TimeoutSeconds { get; init; } = 2;
    public double MinAvailability { get; init; } = 99;
    public double MaxErrorIncrease { get; init; } = 1;
    public double MaxP95Ms { get; init; }
    public double MaxRecoverySeconds { get; init; } = 30;
    public double StaleBoundMs { get; init; } = 1000;
    public bool WritesSurvive { get; init; } = true;
    public double FailFastSeconds { get; init; } = 5;
    public string? Out { get; init; }
    public int WriteConnections { get; init; } = 8;
    public double HedgeMs { get; init; } = 50;

    public const string Usage = """
        usage: Registry.Load chaos --endpoints host:port,host:port [options]
          --name NAME --description TEXT    what the result is called
          --duration S --fault-at S --recover-at S
          --fault CMD --recover CMD          bash commands run at those times
          --read-rate N --write-rate N       open-loop reads (uncached GET_SCHEMA_BY_ID) and writes (REGISTER) per second
          --timeout S                        client request time-out (default 2)
          --min-availability PCT             default 99
          --max-error-increase POINTS        default 1
          --max-p95-ms MS                    judge read p95 during the fault (latency scenarios)
          --max-recovery S                   default 30
          --stale-bound-ms MS                longest time a replica may show an older version than acknowledged (default 1000)
          --writes-refused                   the fault takes the system of record away: writes must fail fast instead
          --fail-fast S                      default 5
          --out FILE                         JSON result
          --write-connections N              the client's write connections beside its read ones (default 8)
          --hedge-ms MS                      a read unanswered this long is sent to the other endpoint too (default 50; 0: never)
        """;

    public static ChaosOptions Parse(string[] args)
    {
        var o = new ChaosOptions();
        static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            o = name switch
            {
                "--name" => o with { Name = Next() },
                "--description" => o with { Description = Next() },
                "--endpoints" => o with { Endpoints = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--duration" => o with { Duration = D(Next()) },
                "--fault-at" => o with { FaultAt = D(Next()) },
                "--recover-at" => o with { RecoverAt = D(Next()) },
                "--fault" => o with { FaultCommand = Next() },
                "--recover" => o with { RecoverCommand = Next() },
                "--read-rate" => o with { ReadRate = D(Next()) },
                "--write-rate" => o with { WriteRate = D(Next()) },
                "--timeout" => o with { TimeoutSeconds = D(Next()) },
                "--min-availability" => o with { MinAvailability = D(Next()) },
                "--max-error-increase" => o with { MaxErrorIncrease = D(Next()) },
                "--max-p95-ms" => o with { MaxP95Ms = D(Next()) },
                "--max-recovery" => o with { MaxRecoverySeconds = D(Next()) },
                "--stale-bound-ms" => o with { StaleBoundMs = D(Next()) },
                "--writes-refused" => o with { WritesSurvive = false },
                "--fail-fast" => o with { FailFastSeconds = D(Next()) },
                "--out" => o with { Out = Next() },
                "--write-connections" => o with { WriteConnections = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--hedge-ms" => o with { HedgeMs = D(Next()) },
                _ => throw new ArgumentException($"Unknown option {name}."),
            };
        }

        if (o.Endpoints.Count == 0 || o.FaultAt >= o.RecoverAt || o.RecoverAt >= o.Duration)
        {
            throw new ArgumentException("--endpoints is required, and fault-at < recover-at < duration.");
        }

        return o;
    }
}
