using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Registry.Server.Telemetry;

/// <summary>
/// Collects the registry's instruments with a <see cref="MeterListener"/> and writes them in the Prometheus text
/// exposition format (version 0.0.4) for <c>GET /metrics</c>. Written here rather than taken from the OpenTelemetry
/// Prometheus exporter: that package is a prerelease (1.20.1-beta.1 on this project's feed), and this writer needs only
/// the base class library, so the native AOT publish stays free of trimming warnings by construction and a recording
/// allocates nothing once its series exists.
/// <para>
/// Names follow the OpenTelemetry-to-Prometheus rules: dots become underscores, the unit <c>s</c> adds
/// <c>_seconds</c> and <c>By</c> adds <c>_bytes</c>, monotonic counters end in <c>_total</c>, and curly-brace units
/// (<c>{request}</c>) add nothing. Counters are cumulative from the start of the process.
/// </para>
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<InstrumentState> _instruments = [];
    private readonly IMeterFactory _scope;

    /// <summary>Listens to the instruments of this host's meters (<paramref name="scope"/>) and the process-wide runtime meter.</summary>
    public PrometheusExporter(IMeterFactory scope, IEnumerable<Meter> ownMeters)
    {
        _scope = scope;
        var own = new HashSet<Meter>(ownMeters);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!Wanted(instrument.Meter, own))
            {
                return;
            }

            var state = new InstrumentState(instrument);
            lock (_gate)
            {
                _instruments.Add(state);
            }

            listener.EnableMeasurementEvents(instrument, state);
        };
        _listener.SetMeasurementEventCallback<long>(static (instrument, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (instrument, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (instrument, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (instrument, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.MeasurementsCompleted = (instrument, state) =>
        {
            if (state is InstrumentState { Direct: true })
            {
                // Recorded into directly from now on (see Attach), and still written.
                return;
            }

            lock (_gate)
            {
                _instruments.Remove((InstrumentState)state!);
            }
        };
        _listener.Start();
    }

    private bool Wanted(Meter meter, HashSet<Meter> own) =>
        own.Contains(meter)
        || (ReferenceEquals(meter.Scope, _scope) && meter.Name.StartsWith("Registry.", StringComparison.Ordinal))
        || (ReferenceEquals(meter.Scope, _scope) && meter.Name is "Microsoft.AspNetCore.Hosting" or "Microsoft.AspNetCore.Server.Kestrel")
        || (meter.Scope is null && meter.Name == "System.Runtime");

    /// <summary>
    /// Takes the binary request histogram of <paramref name="metrics"/> off the listener: <paramref name="metrics"/>
    /// records into this exporter's series for it directly, through a handle per opcode and status, instead of
    /// through the instrument, the listener and a search by tags. The series and their output are the same.
    /// The instrument stays published, so another listener (the OpenTelemetry SDK exporting over OTLP) still gets
    /// every measurement. Does nothing when the instrument is not one of this exporter's.
    /// </summary>
    public void Attach(RegistryMetrics metrics)
    {
        InstrumentState? state;
        lock (_gate)
        {
            state = _instruments.Find(i => ReferenceEquals(i.Instrument, metrics.BinaryDuration));
        }

        if (state is null)
        {
            return;
        }

        state.Direct = true;
        _listener.DisableMeasurementEvents(metrics.BinaryDuration);
        metrics.RecordInto(state);
    }

    /// <summary>Reads the observable instruments and writes every series.</summary>
    public string Scrape()
    {
        InstrumentState[] instruments;
        lock (_gate)
        {
            // Observable instruments report through the measurement callbacks, which set (not add) their values.
            _listener.RecordObservableInstruments();
            instruments = [.. _instruments];
        }

        Array.Sort(instruments, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var text = new StringBuilder(16 * 1024);
        string? previous = null;
        foreach (var instrument in instruments)
        {
            // Two meters may publish one name (a scoped and an unscoped one): one TYPE block, the series of both.
            instrument.Write(text, writeHeader: instrument.Name != previous);
            previous = instrument.Name;
        }

        return text.ToString();
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    /// <summary>The Prometheus name of an OpenTelemetry instrument.</summary>
    internal static string MetricName(Instrument instrument)
    {
        var name = new StringBuilder(instrument.Name.Length + 16);
        foreach (var c in instrument.Name)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        }

        var unit = instrument.Unit switch
        {
            "s" => "seconds",
            "ms" => "milliseconds",
            "By" => "bytes",
            "1" => "ratio",
            _ => null,
        };
        if (unit is not null && !name.ToString().EndsWith("_" + unit, StringComparison.Ordinal))
        {
            name.Append('_').Append(unit);
        }

        if (IsMonotonic(instrument))
        {
            name.Append("_total");
        }

        return name.ToString();
    }

    private static bool IsMonotonic(Instrument instrument) => instrument
        is Counter<long> or Counter<int> or Counter<double> or Counter<float>
        or ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double> or ObservableCounter<float>;

    private static bool IsHistogram(Instrument instrument) => instrument
        is Histogram<double> or Histogram<long> or Histogram<int> or Histogram<float>;

    internal static string LabelName(string key)
    {
        var name = new StringBuilder(key.Length);
        foreach (var c in key)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return name.ToString();
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The series of one instrument, found by their tags without allocating once they exist.</summary>
    internal sealed class InstrumentState
    {
        private const int RecentSlots = 64;

        private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

        private readonly Lock _add = new();
        private readonly bool _histogram;
        private readonly bool _cumulative;
        private readonly double[] _bounds;

        // Copy-on-write: readers scan the current array without a lock; a new series replaces the array under _add.
        private volatile Series[] _series = [];

        // Series last found for a set of tag objects, by the objects' identity (see Find).
        private readonly Series?[] _recent = new Series?[RecentSlots];

        public InstrumentState(Instrument instrument)
        {
            Instrument = instrument;
            Name = MetricName(instrument);
            _histogram = IsHistogram(instrument);

            // Observable instruments report the current total (or level): the last value is the value.
            _cumulative = !instrument.IsObservable;
            _bounds = DefaultBuckets;
            if (instrument is Histogram<double> { Advice.HistogramBucketBoundaries: { } bounds })
            {
                _bounds = [.. bounds];
            }
        }

        public Instrument Instrument { get; }

        public string Name { get; }

        /// <summary>True once a recorder writes into this state directly rather than through the listener.</summary>
        public volatile bool Direct;

        /// <summary>Adds <paramref name="value"/> to <paramref name="series"/>, one of this histogram's.</summary>
        public void Observe(Series series, double value) => series.Observe(value, _bounds);

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var series = Find(tags);
            if (_histogram)
            {
                series.Observe(value, _bounds);
            }
            else if (_cumulative)
            {
                series.Add(value);
            }
            else
            {
                series.Set(value);
            }
        }

        public void Write(StringBuilder text, bool writeHeader)
        {
            var type = _histogram ? "histogram" : IsMonotonic(Instrument) ? "counter" : "gauge";
            if (writeHeader)
            {
                if (!string.IsNullOrEmpty(Instrument.Description))
                {
                    text.Append("# HELP ").Append(Name).Append(' ').Append(Instrument.Description.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
                }

                text.Append("# TYPE ").Append(Name).Append(' ').Append(type).Append('\n');
            }

            foreach (var series in _series)
            {
                if (!_histogram)
                {
                    Line(text, Name, series.Labels, null, series.Value);
                    continue;
                }

                var (counts, sum, count) = series.Snapshot();
                long cumulative = 0;
                for (var i = 0; i < _bounds.Length; i++)
                {
                    cumulative += counts[i];
                    Line(text, Name + "_bucket", series.Labels, Number(_bounds[i]), cumulative);
                }

                Line(text, Name + "_bucket", series.Labels, "+Inf", count);
                Line(text, Name + "_sum", series.Labels, null, sum);
                Line(text, Name + "_count", series.Labels, null, count);
            }
        }

        private static void Line(StringBuilder text, string name, string labels, string? le, double value)
        {
            text.Append(name);
            if (labels.Length > 0 || le is not null)
            {
                text.Append('{').Append(labels);
                if (le is not null)
                {
                    text.Append(labels.Length > 0 ? ",le=\"" : "le=\"").Append(le).Append('"');
                }

                text.Append('}');
            }

            text.Append(' ').Append(Number(value)).Append('\n');
        }

        /// <summary>
        /// The series of <paramref name="tags"/>. A caller passes the same tag objects each time (keys and values are
        /// constants or cached strings), so the series is first looked up by the identity of those objects in a small
        /// direct-mapped table: no string is hashed or compared on that path, only references. When the objects were not
        /// seen before (a value boxed or built per call, a slot taken by another series) the series is found by value
        /// and, if it holds these very objects, put in the slot for the next time. Nothing is allocated either way once
        /// the series exists.
        /// </summary>
        internal Series Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var slot = IdentityHash(tags) & (RecentSlots - 1);
            var recent = _recent[slot];
            if (recent is not null && recent.HoldsObjects(tags))
            {
                return recent;
            }

            var found = FindByValue(tags);
            if (found.HoldsObjects(tags))
            {
                // A reference write: a reader sees the old series or this one, both whole.
                _recent[slot] = found;
            }

            return found;
        }

        private Series FindByValue(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var hash = Hash(tags);
            foreach (var series in _series)
            {
                if (series.Hash == hash && series.Matches(tags))
                {
                    return series;
                }
            }

            lock (_add)
            {
                var current = _series;
                foreach (var series in current)
                {
                    if (series.Hash == hash && series.Matches(tags))
                    {
                        return series;
                    }
                }

                var created = new Series(hash, tags, _histogram ? _bounds.Length + 1 : 0);
                _series = [.. current, created];
                return created;
            }
        }

        // By the identity of the objects, in the order given (the order a call site always uses).
        private static int IdentityHash(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var hash = tags.Length;
            foreach (var tag in tags)
            {
                hash = (hash * 31) + RuntimeHelpers.GetHashCode(tag.Value);
            }

            return hash ^ (hash >> 15);
        }

        // Order-independent: callers need not pass tags in one order.
        private static int Hash(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var hash = tags.Length;
            foreach (var tag in tags)
            {
                hash += HashCode.Combine(tag.Key, tag.Value);
            }

            return hash;
        }
    }

    internal sealed class Series
    {
        private readonly KeyValuePair<string, object?>[] _tags;
        private readonly long[] _buckets;
        private double _value;

        public Series(int hash, ReadOnlySpan<KeyValuePair<string, object?>> tags, int buckets)
        {
            Hash = hash;
            _tags = tags.ToArray();
            _buckets = new long[buckets];
            var labels = new StringBuilder();
            var sorted = (KeyValuePair<string, object?>[])_tags.Clone();
            Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            foreach (var tag in sorted)
            {
                if (labels.Length > 0)
                {
                    labels.Append(',');
                }

                var value = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty;
                labels.Append(LabelName(tag.Key)).Append("=\"")
                    .Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
                    .Append('"');
            }

            Labels = labels.ToString();
        }

        public int Hash { get; }

        public string Labels { get; }

        public double Value => Volatile.Read(ref _value);

        /// <summary>True when <paramref name="tags"/> are the very objects this series was created with, in the same order.</summary>
        public bool HoldsObjects(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var own = _tags;
            if (tags.Length != own.Length)
            {
                return false;
            }

            for (var i = 0; i < own.Length; i++)
            {
                if (!ReferenceEquals(own[i].Key, tags[i].Key) || !ReferenceEquals(own[i].Value, tags[i].Value))
                {
                    return false;
                }
            }

            return true;
        }

        public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length != _tags.Length)
            {
                return false;
            }

            foreach (var tag in tags)
            {
                var found = false;
                foreach (var own in _tags)
                {
                    if (string.Equals(own.Key, tag.Key, StringComparison.Ordinal) && Equals(own.Value, tag.Value))
                    {
                        found = true;
                        break;
                    }
                }

                if (!found)
                {
                    return false;
                }
            }

            return true;
        }

        public void Add(double value)
        {
            double seen, next;
            do
            {
                seen = Volatile.Read(ref _value);
                next = seen + value;
            }
            while (Interlocked.CompareExchange(ref _value, next, seen) != seen);
        }

        public void Set(double value) => Volatile.Write(ref _value, value);

        public void Observe(double value, double[] bounds)
        {
            var i = 0;
            while (i < bounds.Length && value > bounds[i])
            {
                i++;
            }

            Interlocked.Increment(ref _buckets[i]);
            Add(value);
        }

        /// <summary>Bucket counts, sum and count; under concurrent recording the count may lead the buckets by a few.</summary>
        public (long[] Counts, double Sum, long Count) Snapshot()
        {
            var counts = new long[_buckets.Length];
            for (var i = 0; i < counts.Length; i++)
            {
                counts[i] = Volatile.Read(ref _buckets[i]);
            }

            long total = 0;
            foreach (var c in counts)
            {
                total += c;
            }

            return (counts, Volatile.Read(ref _value), total);
        }
    }
}
