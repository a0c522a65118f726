using System.Diagnostics;
using System.Diagnostics.Metrics;
using Registry.Schemas.Validation;

namespace Registry.Engine.Services;

/// <summary>
/// Instruments of the <c>Registry.Engine</c> meter: validations, compatibility checks and registrations. Recording is
/// a no-op test of <see cref="Instrument.Enabled"/> when no listener (exporter) is attached, so the hot paths pay
/// nothing then; tags are passed as stack-held pairs, never as arrays.
/// </summary>
public sealed class EngineMetrics : IDisposable
{
    /// <summary>Name of the meter.</summary>
    public const string MeterName = "Registry.Engine";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _validations;
    private readonly Histogram<double> _validationDuration;
    private readonly Counter<long> _compatibilityChecks;
    private readonly Histogram<double> _compatibilityDuration;
    private readonly Counter<long> _registrations;

    /// <summary>
    /// Creates the instruments on a meter of <paramref name="meters"/> (scoped to one host, so two servers in one
    /// process keep apart), or on a meter of its own when null.
    /// </summary>
    public EngineMetrics(IMeterFactory? meters = null)
    {
        _ownsMeter = meters is null;
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _validations = _meter.CreateCounter<long>("registry.validations", "{document}", "Documents validated, by outcome (valid, invalid, error)");
        _validationDuration = _meter.CreateHistogram<double>("registry.validation.duration", "s", "Time to validate one document",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets.Fast });
        _compatibilityChecks = _meter.CreateCounter<long>("registry.compatibility.checks", "{check}", "Compatibility checks asked for, by result (compatible, incompatible, error)");
        _compatibilityDuration = _meter.CreateHistogram<double>("registry.compatibility.duration", "s", "Time of a compatibility check",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets.Slow });
        _registrations = _meter.CreateCounter<long>("registry.registrations", "{registration}", "Registrations, by result (created, existing, error)");
    }

    /// <summary>True when any instrument has a listener; callers skip taking a timestamp otherwise.</summary>
    public bool ValidationEnabled => _validations.Enabled || _validationDuration.Enabled;

    /// <summary>The value of <c>registry.schema.type</c> for a validation refused before its schema was known.</summary>
    public const string UnknownSchemaType = "unknown";

    /// <summary>
    /// Counts one document validated since <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp)
    /// against a schema of <paramref name="schemaType"/> (<c>JSON</c>, <c>TOOL</c>, ..., as stored).
    /// </summary>
    public void Validated(ValidationOutcome outcome, string schemaType, long startTimestamp)
        => Count(OutcomeName(outcome), SchemaTypeTag(schemaType), startTimestamp);

    /// <summary>
    /// The known schema types as constants: a type read from a store is a new string per schema, and an exporter finds
    /// a series fastest when every recording passes the same tag objects.
    /// </summary>
    private static string SchemaTypeTag(string schemaType) => schemaType switch
    {
        "JSON" => "JSON",
        "TOOL" => "TOOL",
        "PROMPT" => "PROMPT",
        "AGENT_CARD" => "AGENT_CARD",
        _ => schemaType,
    };

    /// <summary>Counts a validation request that failed before a verdict (target not found, archived, too complex).</summary>
    public void ValidationFailed(long startTimestamp) => Count("error", UnknownSchemaType, startTimestamp);

    private void Count(string outcome, string schemaType, long startTimestamp)
    {
        // Two stack-held tags: the instruments' own overloads for two tags allocate nothing.
        var outcomeTag = new KeyValuePair<string, object?>("registry.validation.outcome", outcome);
        var typeTag = new KeyValuePair<string, object?>("registry.schema.type", schemaType);
        _validations.Add(1, outcomeTag, typeTag);
        if (_validationDuration.Enabled && startTimestamp != 0)
        {
            _validationDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, outcomeTag, typeTag);
        }
    }

    /// <summary>Counts one compatibility check: null <paramref name="compatible"/> means it failed.</summary>
    public void CompatibilityChecked(bool? compatible, long startTimestamp)
    {
        var tag = new KeyValuePair<string, object?>("registry.compatibility.result", compatible switch
        {
            true => "compatible",
            false => "incompatible",
            null => "error",
        });
        _compatibilityChecks.Add(1, tag);
        _compatibilityDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tag);
    }

    /// <summary>Counts one registration: null <paramref name="created"/> means it was refused or failed.</summary>
    public void Registered(bool? created) => _registrations.Add(1, new KeyValuePair<string, object?>("registry.registration.result", created switch
    {
        true => "created",
        false => "existing",
        null => "error",
    }));

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    /// <summary>The outcome's name in metrics.</summary>
    public static string OutcomeName(ValidationOutcome outcome) => outcome switch
    {
        ValidationOutcome.Valid => "valid",
        ValidationOutcome.Invalid => "invalid",
        _ => "error",
    };

    /// <summary>Histogram bucket boundaries in seconds.</summary>
    public static class Buckets
    {
        /// <summary>For work of microseconds to milliseconds (validation, cached reads).</summary>
        public static IReadOnlyList<double> Fast { get; } =
            [0.000_005, 0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

        /// <summary>For work of milliseconds to seconds (compatibility checks, store writes).</summary>
        public static IReadOnlyList<double> Slow { get; } =
            [0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    }
}
