using System.Globalization;
using System.Text;
using HdrHistogram;

namespace Registry.Load;

/// <summary>What one measured run did: completions, latency distribution (nanoseconds), errors by kind.</summary>
internal sealed class LoadResult(long completed, TimeSpan elapsed, HistogramBase latencies, IReadOnlyDictionary<string, long> errors)
{
    public long Completed { get; } = completed;

    public double Throughput => Completed / elapsed.TotalSeconds;

    public long Errors
    {
        get
        {
            long total = 0;
            foreach (var (_, count) in errors)
            {
                total += count;
            }

            return total;
        }
    }

    /// <summary>The latency at a percentile, in microseconds.</summary>
    public double Micros(double percentile) => latencies.TotalCount == 0 ? double.NaN : latencies.GetValueAtPercentile(percentile) / 1000.0;

    public string ToReport(LoadOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"completed    {Completed} in {elapsed.TotalSeconds:F1} s");
        text.AppendLine(CultureInfo.InvariantCulture, $"throughput   {Throughput:F0} requests/s{(options.Rate > 0 ? $" (target {options.Rate:F0})" : string.Empty)}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"latency µs   p50 {Micros(50):F0}   p95 {Micros(95):F0}   p99 {Micros(99):F0}   p99.9 {Micros(99.9):F0}   max {Micros(100):F0}");
        text.Append(CultureInfo.InvariantCulture, $"errors       {Errors}");
        foreach (var (kind, count) in errors)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  {count} × {kind}");
        }

        return text.ToString();
    }

    /// <summary>scenario, connections, depth, target rate, requests/s, p50, p95, p99, p99.9, max (µs), errors.</summary>
    public string ToTsv(LoadOptions options) => string.Join('\t',
        options.Scenario.ToString(),
        options.Connections.ToString(CultureInfo.InvariantCulture),
        options.Depth.ToString(CultureInfo.InvariantCulture),
        options.Rate.ToString("F0", CultureInfo.InvariantCulture),
        Throughput.ToString("F0", CultureInfo.InvariantCulture),
        Micros(50).ToString("F0", CultureInfo.InvariantCulture),
        Micros(95).ToString("F0", CultureInfo.InvariantCulture),
        Micros(99).ToString("F0", CultureInfo.InvariantCulture),
        Micros(99.9).ToString("F0", CultureInfo.InvariantCulture),
        Micros(100).ToString("F0", CultureInfo.InvariantCulture),
        Errors.ToString(CultureInfo.InvariantCulture));
}
