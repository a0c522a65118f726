using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HdrHistogram;
using Registry.Client;

namespace Registry.Load;

/// <summary>
/// The load scenarios (<c>Registry.Load suite basic|spike|stress|soak</c>): an open-loop arrival rate that follows the
/// scenario's shape, the 80 % read / 15 % validate / 5 % write mix, over the binary protocol (Registry.Client) or HTTP
/// (HttpClient over SocketsHttpHandler: the native <c>/v1</c> paths, or the Confluent paths for reads and writes with
/// validations on <c>/v1</c>, Confluent having none). Per second: throughput, read and write p95, errors, and with
/// <c>--pid</c> the server's RSS, threads and open handles from <c>/proc</c>. Writes JSON, a markdown summary and an SVG.
/// </summary>
internal static class Suite
{
    private const long HighestNs = 60_000_000_000;
    private const double ReadP95Ms = 10, WriteP95Ms = 100, MaxErrorPct = 0.1;

    private static readonly byte[] Document = Encoding.UTF8.GetBytes(
        """{"name":"get_weather","arguments":{"city":"Lisbon","unit":"celsius","days":3},"call_id":"c-0001"}""");

    private sealed class Second
    {
        public long Reads, Writes, Errors, Sent;
        public readonly LongConcurrentHistogram ReadNs = new(1, HighestNs, 3);
        public readonly LongConcurrentHistogram WriteNs = new(1, HighestNs, 3);
        public double Rate;
        public double RssMb, Threads, Handles;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var scenario = args[0];
        var opts = ParseOptions(args.AsSpan(1));
        var protocol = opts.GetValueOrDefault("--protocol", "binary");
        var endpoint = opts.GetValueOrDefault("--endpoint", "127.0.0.1:9091");
        var http = opts.GetValueOrDefault("--http", "http://127.0.0.1:8081");
        var rate = double.Parse(opts.GetValueOrDefault("--rate", "500"), CultureInfo.InvariantCulture);
        var duration = double.Parse(opts.GetValueOrDefault("--duration", scenario == "soak" ? "120" : scenario == "stress" ? "40" : "20"), CultureInfo.InvariantCulture);
        var step = double.Parse(opts.GetValueOrDefault("--step", "5"), CultureInfo.InvariantCulture);
        var pid = opts.TryGetValue("--pid", out var p) ? int.Parse(p, CultureInfo.InvariantCulture) : 0;
        var outDir = opts.GetValueOrDefault("--out", "nbomber/results");
        var name = $"{scenario}-{protocol}";

        var writeConnections = int.Parse(opts.GetValueOrDefault("--write-connections", "16"), CultureInfo.InvariantCulture);
        await using var client = new RegistryClient(new RegistryClientOptions
        {
            Endpoints = [endpoint],
            PoolSize = 2,
            WriteConnections = writeConnections,
            RequestTimeout = TimeSpan.FromSeconds(5),
            ClientName = "registry-load",
        });
        var tag = Guid.NewGuid().ToString("N")[..8];
        var readId = (await client.RegisterAsync("load.suite.read", LoadRun.SchemaOfSize(256))).SchemaId;
        var validateId = (await client.RegisterAsync("load.suite.validate", """{"type":"object","required":["name","arguments"],"properties":{"name":{"type":"string"},"arguments":{"type":"object"}}}""")).SchemaId;
        using var httpClient = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri(http),
            Timeout = TimeSpan.FromSeconds(5),
        };
        long writes = 0;
        async Task SendAsync(int kind)
        {
            switch (protocol, kind)
            {
                case ("binary", 0):
                    await client.FetchSchemaAsync(readId);
                    break;
                case ("binary", 1):
                    await client.ValidateAsync(validateId, Document);
                    break;
                case ("binary", _):
                    var n = Interlocked.Increment(ref writes);
                    await client.RegisterAsync($"load.suite.{tag}.{n % 64}", $$"""{"type":"object","description":"write {{tag}} {{n}}"}""");
                    break;
                case (_, 0):
                    using (var r = await httpClient.GetAsync(protocol == "confluent" ? $"/schemas/ids/{readId}" : $"/v1/schemas/{readId}"))
                    {
                        await Drain(r);
                    }

                    break;
                case (_, 1):
                    using (var body = new ByteArrayContent(Document))
                    {
                        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                        using var r = await httpClient.PostAsync($"/v1/schemas/{validateId}/validate", body);
                        await Drain(r);
                    }

                    break;
                default:
                    var m = Interlocked.Increment(ref writes);
                    var schema = $$"""{"type":"object","description":"write {{tag}} {{m}}"}""";
                    var json = protocol == "confluent"
                        ? "{\"schemaType\":\"JSON\",\"schema\":" + JsonSerializer.Serialize(schema, SuiteJson.Default.String) + "}"
                        : "{\"schema\":" + schema + "}";
                    using (var body = new StringContent(json, Encoding.UTF8, "application/json"))
                    {
                        using var r = await httpClient.PostAsync(
                            protocol == "confluent" ? $"/subjects/load.suite.{tag}.{m % 64}/versions" : $"/v1/subjects/load.suite.{tag}.{m % 64}/versions", body);
                        await Drain(r);
                    }

                    break;
            }
        }

        // The rate over time of each scenario.
        Func<double, double> shape = scenario switch
        {
            "spike" => t => t >= duration / 3 && t < 2 * duration / 3 ? 5 * rate : rate,
            "stress" => t => rate * Math.Pow(1.5, Math.Floor(t / step)),
            _ => _ => rate,
        };

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {duration} s, base rate {rate}/s, mix 80/15/5; thresholds read p95 < {ReadP95Ms} ms, write p95 < {WriteP95Ms} ms, errors < {MaxErrorPct} %; load average {LoadAverage()}"));
        var seconds = new Second[(int)Math.Ceiling(duration) + 1];
        for (var i = 0; i < seconds.Length; i++)
        {
            seconds[i] = new Second { Rate = shape(i) };
        }

        var errors = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration * Stopwatch.Frequency);
        var sampler = pid > 0 ? SampleAsync(pid, seconds, start, end) : Task.CompletedTask;
        long outstanding = 0;
        var cap = 20_000;
        var pacer = Task.Factory.StartNew(() =>
        {
            double issued = 0;
            long sent = 0;
            var random = new Random(7);
            var last = 0.0;
            while (true)
            {
                var now = Stopwatch.GetTimestamp();
                if (now >= end)
                {
                    break;
                }

                var t = (now - start) / (double)Stopwatch.Frequency;
                issued += shape(t) * (t - last);
                last = t;
                var sec = seconds[(int)t];
                for (; sent < (long)issued; sent++)
                {
                    Interlocked.Increment(ref sec.Sent);
                    if (Interlocked.Increment(ref outstanding) > cap)
                    {
                        Interlocked.Decrement(ref outstanding);
                        Interlocked.Increment(ref sec.Errors);
                        errors.AddOrUpdate("not sent: too many outstanding", 1, static (_, c) => c + 1);
                        continue;
                    }

                    var roll = random.Next(100);
                    var kind = roll < 80 ? 0 : roll < 95 ? 1 : 2;
                    _ = OneAsync(kind, sec);
                }

                Thread.Sleep(1);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        async Task OneAsync(int kind, Second sec)
        {
            var t0 = Stopwatch.GetTimestamp();
            try
            {
                await SendAsync(kind);
                var ns = Math.Clamp((long)((Stopwatch.GetTimestamp() - t0) * 1e9 / Stopwatch.Frequency), 1, HighestNs);
                if (kind == 2)
                {
                    Interlocked.Increment(ref sec.Writes);
                    sec.WriteNs.RecordValue(ns);
                }
                else
                {
                    Interlocked.Increment(ref sec.Reads);
                    sec.ReadNs.RecordValue(ns);
                }
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref sec.Errors);
                errors.AddOrUpdate(e is RegistryRequestException r ? $"status {r.Status}" : e.GetType().Name + ": " + e.Message, 1, static (_, c) => c + 1);
            }
            finally
            {
                Interlocked.Decrement(ref outstanding);
            }
        }

        await pacer;
        while (Interlocked.Read(ref outstanding) > 0 && Stopwatch.GetElapsedTime(start).TotalSeconds < duration + 6)
        {
            await Task.Delay(10);
        }

        await sampler;
        return Report(name, scenario, protocol, rate, duration, step, seconds[..(int)Math.Ceiling(duration)], errors, outDir);
    }

    private static async Task Drain(HttpResponseMessage r)
    {
        await r.Content.CopyToAsync(Stream.Null);
        if ((int)r.StatusCode >= 400)
        {
            throw new HttpRequestException($"HTTP {(int)r.StatusCode}");
        }
    }

    private static async Task SampleAsync(int pid, Second[] seconds, long start, long end)
    {
        while (Stopwatch.GetTimestamp() < end)
        {
            var i = (int)((Stopwatch.GetTimestamp() - start) / Stopwatch.Frequency);
            try
            {
                foreach (var line in await File.ReadAllLinesAsync($"/proc/{pid}/status"))
                {
                    if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    {
                        seconds[i].RssMb = double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
                    }
                    else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                    {
                        seconds[i].Threads = double.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                    }
                }

                seconds[i].Handles = Directory.GetFiles($"/proc/{pid}/fd").Length;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process went away: no sample.
            }

            await Task.Delay(1000);
        }
    }

    private static double P95(HistogramBase h) => h.TotalCount == 0 ? 0 : h.GetValueAtPercentile(95) / 1e6;

    private static int Report(string name, string scenario, string protocol, double rate, double duration, double step, Second[] s, ConcurrentDictionary<string, long> errors, string outDir)
    {
        var inv = CultureInfo.InvariantCulture;
        var reads = new LongHistogram(HighestNs, 3);
        var writes = new LongHistogram(HighestNs, 3);
        long sent = 0, errs = 0;
        foreach (var x in s)
        {
            reads.Add(x.ReadNs);
            writes.Add(x.WriteNs);
            sent += x.Sent;
            errs += x.Errors;
        }

        var errorPct = sent == 0 ? 0 : 100.0 * errs / sent;
        var md = new StringBuilder();
        md.AppendLine(inv, $"### {name}").AppendLine();
        md.AppendLine(inv, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average at the end {LoadAverage()}; {duration} s, base rate {rate}/s, mix 80 % get / 15 % validate / 5 % register; {protocol} (Registry.Load suite).").AppendLine();
        md.AppendLine("| measure | value | target |").AppendLine("| --- | --- | --- |");
        md.AppendLine(inv, $"| throughput (answered) | {(reads.TotalCount + writes.TotalCount) / duration:F0} req/s | 10,000 req/s on one instance |");
        md.AppendLine(inv, $"| read (get + validate) p50 / p95 / p99 | {(reads.TotalCount == 0 ? 0 : reads.GetValueAtPercentile(50) / 1e6):F2} / {P95(reads):F2} / {(reads.TotalCount == 0 ? 0 : reads.GetValueAtPercentile(99) / 1e6):F2} ms | < 5 / < 10 / < 25 ms |");
        md.AppendLine(inv, $"| write p95 | {P95(writes):F2} ms | < 100 ms |");
        md.AppendLine(inv, $"| errors | {errs} of {sent} ({errorPct:F3} %) | < 0.1 % |");
        var pass = P95(reads) < ReadP95Ms && P95(writes) < WriteP95Ms && errorPct < MaxErrorPct;
        var verdict = $"thresholds {(pass ? "PASS" : "FAIL")}";
        if (scenario == "spike")
        {
            var third = s.Length / 3;
            var baseP95 = P95(Merge(s[..third]));
            var recovered = -1;
            for (var i = 2 * third; i < s.Length; i++)
            {
                if (P95(s[i].ReadNs) <= Math.Max(1.5 * baseP95, baseP95 + 1))
                {
                    recovered = i - 2 * third;
                    break;
                }
            }

            verdict += string.Create(inv, $"; base read p95 {baseP95:F2} ms, spike read p95 {P95(Merge(s[third..(2 * third)])):F2} ms; back to base p95 (≤ 1.5×) {(recovered < 0 ? "not within the run" : $"{recovered} s")} after the spike");
        }
        else if (scenario == "stress")
        {
            double lastGood = 0, broke = 0;
            for (var from = 0; from + (int)step <= s.Length; from += (int)step)
            {
                var seg = s[from..(from + (int)step)];
                var r = Merge(seg);
                var w = new LongHistogram(HighestNs, 3);
                long segSent = 0, segErr = 0, answered = 0;
                foreach (var x in seg)
                {
                    w.Add(x.WriteNs);
                    segSent += x.Sent;
                    segErr += x.Errors;
                    answered += x.Reads + x.Writes;
                }

                var ok = P95(r) < ReadP95Ms && P95(w) < WriteP95Ms && (segSent == 0 || 100.0 * segErr / segSent < MaxErrorPct);
                md.AppendLine(inv, $"| step at {seg[0].Rate:F0}/s | answered {answered / step:F0}/s, read p95 {P95(r):F2} ms, write p95 {P95(w):F2} ms, errors {segErr} | {(ok ? "within" : "**broken**")} |");
                if (ok && broke == 0)
                {
                    lastGood = seg[0].Rate;
                }
                else if (!ok && broke == 0)
                {
                    broke = seg[0].Rate;
                }
            }

            verdict = string.Create(inv, $"breaking point: thresholds held up to {lastGood:F0}/s, broke at {(broke == 0 ? "no step of the run" : $"{broke:F0}/s")}");
        }
        else if (scenario == "soak")
        {
            var rss = s.Where(x => x.RssMb > 0).Select(x => x.RssMb).ToArray();
            var handles = s.Where(x => x.Handles > 0).Select(x => x.Handles).ToArray();
            if (rss.Length >= 8)
            {
                var q = rss.Length / 4;
                double Median(IEnumerable<double> v) => v.Order().ElementAt(v.Count() / 2);
                var early = Median(rss[q..(2 * q)]);
                var late = Median(rss[(3 * q)..]);
                var growth = 100 * (late - early) / early;
                var hEarly = Median(handles[q..(2 * q)]);
                var hLate = Median(handles[(3 * q)..]);
                verdict += string.Create(inv, $"; RSS {rss[0]:F0} → {rss[^1]:F0} MB, median of the second quarter {early:F0} MB vs the last {late:F0} MB ({growth:+0.0;-0.0} %), handles {hEarly:F0} → {hLate:F0}: {(growth < 10 && hLate - hEarly < 50 ? "no growth beyond 10 %" : "**growing**")}");
            }
            else
            {
                verdict += "; no /proc samples (pass --pid)";
            }
        }

        md.AppendLine().AppendLine(verdict);
        var top = errors.OrderByDescending(e => e.Value).Take(5).ToArray();
        foreach (var (k, v) in top)
        {
            md.AppendLine(inv, $"- error {v} × {k}");
        }

        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, name + ".md"), md.ToString());
        File.WriteAllText(Path.Combine(outDir, name + ".svg"), Svg(name, s));
        using (var stream = File.Create(Path.Combine(outDir, name + ".json")))
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("scenario", scenario);
            w.WriteString("protocol", protocol);
            w.WriteString("loadAverage", LoadAverage());
            w.WriteNumber("baseRate", rate);
            w.WriteNumber("durationSeconds", duration);
            w.WriteNumber("readP95Ms", P95(reads));
            w.WriteNumber("writeP95Ms", P95(writes));
            w.WriteNumber("errorPercent", errorPct);
            w.WriteBoolean("thresholdsPass", pass);
            w.WriteString("verdict", verdict);
            w.WriteStartArray("seconds");
            for (var i = 0; i < s.Length; i++)
            {
                w.WriteStartObject();
                w.WriteNumber("t", i);
                w.WriteNumber("rate", s[i].Rate);
                w.WriteNumber("reads", s[i].Reads);
                w.WriteNumber("writes", s[i].Writes);
                w.WriteNumber("errors", s[i].Errors);
                w.WriteNumber("readP95Ms", P95(s[i].ReadNs));
                w.WriteNumber("writeP95Ms", P95(s[i].WriteNs));
                w.WriteNumber("rssMb", s[i].RssMb);
                w.WriteNumber("threads", s[i].Threads);
                w.WriteNumber("handles", s[i].Handles);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        Console.Write(md.ToString());
        return pass ? 0 : 1;
    }

    private static LongHistogram Merge(Second[] s)
    {
        var h = new LongHistogram(HighestNs, 3);
        foreach (var x in s)
        {
            h.Add(x.ReadNs);
        }

        return h;
    }

    /// <summary>Three stacked panels (read p95 ms, answered req/s, RSS MB) over time, as a plain SVG.</summary>
    private static string Svg(string title, Second[] s)
    {
        var inv = CultureInfo.InvariantCulture;
        const int W = 720, H = 150, Left = 60, Gap = 30;
        var panels = new (string Label, Func<Second, double> Value, string Color)[]
        {
            ("read p95 (ms)", x => P95(x.ReadNs), "#c0392b"),
            ("answered (req/s)", x => x.Reads + x.Writes, "#2c7fb8"),
            ("server RSS (MB)", x => x.RssMb, "#27ae60"),
        };
        var svg = new StringBuilder();
        svg.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W + Left + 20}\" height=\"{panels.Length * (H + Gap) + 40}\" font-family=\"sans-serif\" font-size=\"11\">");
        svg.Append(inv, $"<text x=\"{Left}\" y=\"16\" font-size=\"13\">{title}: per second</text>");
        for (var p = 0; p < panels.Length; p++)
        {
            var top = 30 + p * (H + Gap);
            var values = s.Select(panels[p].Value).ToArray();
            var max = Math.Max(values.DefaultIfEmpty(0).Max(), 1e-9) * 1.1;
            svg.Append(inv, $"<rect x=\"{Left}\" y=\"{top}\" width=\"{W}\" height=\"{H}\" fill=\"none\" stroke=\"#999\"/>");
            svg.Append(inv, $"<text x=\"{Left + 4}\" y=\"{top + 12}\">{panels[p].Label}</text>");
            svg.Append(inv, $"<text x=\"{Left - 4}\" y=\"{top + 10}\" text-anchor=\"end\">{max:G3}</text><text x=\"{Left - 4}\" y=\"{top + H}\" text-anchor=\"end\">0</text>");
            svg.Append(inv, $"<polyline fill=\"none\" stroke=\"{panels[p].Color}\" stroke-width=\"1.5\" points=\"");
            for (var i = 0; i < values.Length; i++)
            {
                var x = Left + (values.Length <= 1 ? 0 : W * i / (double)(values.Length - 1));
                var y = top + H - H * values[i] / max;
                svg.Append(inv, $"{x:F1},{y:F1} ");
            }

            svg.Append("\"/>");
        }

        svg.Append(inv, $"<text x=\"{Left}\" y=\"{panels.Length * (H + Gap) + 30}\">0 … {s.Length} s</text></svg>");
        return svg.ToString();
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "?";

    private static Dictionary<string, string> ParseOptions(ReadOnlySpan<string> args)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            d[args[i]] = args[i + 1];
        }

        return d;
    }

    public const string Usage = """
        usage: Registry.Load suite basic|spike|stress|soak [--protocol binary|http|confluent] [--endpoint host:port]
               [--http http://host:port] [--rate N] [--duration S] [--step S] [--pid SERVER_PID] [--out DIR]
               [--write-connections N]   binary: the client's write connections beside its 2 read ones (default 16)
          basic   the mix at --rate for --duration (default 20 s)
          spike   --rate, then 5 × --rate, then --rate again (thirds of --duration); time back to base p95
          stress  --rate × 1.5 every --step seconds (default 5) for --duration (default 40 s); the breaking point
          soak    --rate for --duration (default 120 s here, longer by flag) with the server's RSS, threads and handles
                  sampled from /proc/PID (--pid) and a growth verdict
        """;
}

/// <summary>Source-generated JSON for the one string the suite serializes.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class SuiteJson : System.Text.Json.Serialization.JsonSerializerContext;
