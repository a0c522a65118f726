using System.Diagnostics;
using System.Globalization;

namespace Registry.Schemas;

/// <summary>
/// How much work one request may cause: compiling a schema, validating documents and comparing schemas are programs
/// written by the caller, so each runs under these limits and ends with <see cref="TooComplexException"/> when it
/// would exceed them, instead of exhausting the process.
/// </summary>
public sealed record WorkLimits
{
    /// <summary>The defaults used when nothing else is configured.</summary>
    public static WorkLimits Default { get; } = new();

    /// <summary>
    /// Most steps of work. A step is a small unit of work: one subschema applied to one value (plus a share of the
    /// value's size), one pair of subschemas compared, one token of a schema compiled. Honest requests use a tiny
    /// fraction of the default (the largest schema of the validation corpus compiles in about 100,000 steps).
    /// </summary>
    public long MaxSteps { get; init; } = 50_000_000;

    /// <summary>
    /// Most bytes of working memory, estimated, beyond the parsed documents themselves (which other limits bound):
    /// memo tables of the validator and the compatibility checker, the checker's findings and merged schemas.
    /// </summary>
    public long MaxMemoryBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>
    /// Most time spent matching regular expressions, summed over the request (every document, every pattern). Above
    /// the time-out of one match (<see cref="Validation.SchemaLimits.LinearPatternMatchTimeout"/>), so that a single
    /// slow match ends by its own time-out and only many of them exhaust the request.
    /// </summary>
    public TimeSpan MaxRegexTime { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The smaller of these limits and <paramref name="cap"/>, limit by limit (a request may ask for less, never more).</summary>
    public WorkLimits CappedBy(WorkLimits cap)
    {
        ArgumentNullException.ThrowIfNull(cap);
        return new WorkLimits
        {
            MaxSteps = Math.Min(MaxSteps, cap.MaxSteps),
            MaxMemoryBytes = Math.Min(MaxMemoryBytes, cap.MaxMemoryBytes),
            MaxRegexTime = MaxRegexTime < cap.MaxRegexTime ? MaxRegexTime : cap.MaxRegexTime,
        };
    }
}

/// <summary>What a request ran out of.</summary>
public enum WorkResource
{
    /// <summary>Steps of work (<see cref="WorkLimits.MaxSteps"/>).</summary>
    Steps,

    /// <summary>Working memory (<see cref="WorkLimits.MaxMemoryBytes"/>).</summary>
    Memory,

    /// <summary>Time matching regular expressions (<see cref="WorkLimits.MaxRegexTime"/>).</summary>
    RegexTime,

    /// <summary>
    /// Pairs of subschemas a compatibility check may compare, or levels of nested comparisons it may follow
    /// (<see cref="Compatibility.CompatibilityOptions.MaxComparisons"/>, and 400 levels).
    /// </summary>
    Comparisons,
}

/// <summary>
/// The work one request has left: created once per request and passed to every compilation, validation and
/// comparison the request makes, so the limits hold for the request as a whole (a batch of documents shares one
/// budget). Also carries the request's cancellation: work stops soon after the token is cancelled, with
/// <see cref="OperationCanceledException"/>. Not thread-safe: one request uses it from one thread at a time.
/// </summary>
public sealed class WorkBudget
{
    private long _steps;
    private long _memory;
    private long _peakMemory;
    private long _regexTicks;

    /// <summary>Creates a budget of <paramref name="limits"/> (the defaults when null) for one request.</summary>
    public WorkBudget(WorkLimits? limits = null, CancellationToken cancellationToken = default)
    {
        Limits = limits ?? WorkLimits.Default;
        CancellationToken = cancellationToken;
        RegexTickLimit = TicksOf(Limits.MaxRegexTime);
    }

    /// <summary>The limits of this budget.</summary>
    public WorkLimits Limits { get; }

    /// <summary>The request's cancellation.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Steps used so far.</summary>
    public long StepsUsed => _steps;

    /// <summary>The most working memory held at once so far, in bytes (estimated).</summary>
    public long PeakMemoryBytes => _peakMemory;

    /// <summary>Time spent matching regular expressions so far.</summary>
    public TimeSpan RegexTimeUsed => Stopwatch.GetElapsedTime(0, _regexTicks);

    internal long StepsLeft => Limits.MaxSteps - _steps;

    internal long MemoryLeft => Limits.MaxMemoryBytes - _memory;

    internal long RegexTickLimit { get; }

    internal long RegexTicksLeft => RegexTickLimit - _regexTicks;

    /// <summary>Charges <paramref name="steps"/>; throws when the budget is exceeded or the request cancelled.</summary>
    internal void Charge(long steps, string operation, string? location = null)
    {
        _steps += steps;
        if (_steps > Limits.MaxSteps)
        {
            throw TooComplexException.Steps(operation, Limits.MaxSteps, location);
        }

        CancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Holds <paramref name="bytes"/> more of working memory; throws when the budget is exceeded.</summary>
    internal void Hold(long bytes, string operation, string? location = null)
    {
        _memory += bytes;
        if (_memory > _peakMemory)
        {
            _peakMemory = _memory;
        }

        if (_memory > Limits.MaxMemoryBytes)
        {
            throw TooComplexException.Memory(operation, Limits.MaxMemoryBytes, location);
        }
    }

    /// <summary>Adds what one validation used (it ran against what was left, so it cannot have exceeded the limits by much).</summary>
    internal void Record(long steps, long regexTicks, long heldBytes)
    {
        _steps += steps;
        _regexTicks += regexTicks;
        if (_memory + heldBytes > _peakMemory)
        {
            _peakMemory = _memory + heldBytes;
        }
    }

    /// <summary>Gives back memory held with <see cref="Hold"/> once the structure is gone.</summary>
    internal void Release(long bytes) => _memory = Math.Max(0, _memory - bytes);

    /// <summary>Charges time spent matching (in <see cref="Stopwatch"/> ticks); throws when the budget is exceeded.</summary>
    internal void ChargeRegex(long ticks, string operation, string? location = null)
    {
        _regexTicks += ticks;
        if (_regexTicks > RegexTickLimit)
        {
            throw TooComplexException.RegexTime(operation, Limits.MaxRegexTime, location);
        }
    }

    internal static long TicksOf(TimeSpan time)
        => time >= TimeSpan.FromDays(1) ? long.MaxValue / 2 : (long)(time.TotalSeconds * Stopwatch.Frequency);
}

/// <summary>
/// A compilation, validation or comparison needed more work than its budget allows (<see cref="WorkLimits"/>). The
/// message says what was too costly, for the caller; it names no setting and no internal detail.
/// </summary>
public sealed class TooComplexException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TooComplexException()
        : this("The request needs more work than its budget allows.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public TooComplexException(string message)
        : base(message)
    {
        Operation = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    public TooComplexException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = string.Empty;
    }

    private TooComplexException(WorkResource resource, string operation, string? location, string message)
        : base(message)
    {
        Resource = resource;
        Operation = operation;
        Location = location;
    }

    /// <summary>What ran out.</summary>
    public WorkResource Resource { get; }

    /// <summary>What was being done: <c>compiling the schema</c>, <c>validating the document</c>, <c>comparing the schemas</c>.</summary>
    public string Operation { get; }

    /// <summary>Where in the schema the work was when the budget ran out (a JSON pointer), when known.</summary>
    public string? Location { get; }

    internal static TooComplexException Steps(string operation, long limit, string? location)
        => new(WorkResource.Steps, operation, location,
            $"{Capitalised(operation)} needs more than {limit.ToString("N0", CultureInfo.InvariantCulture)} steps of work, the most one request may use{At(location)}; "
            + "the schema is too complex for it (for example, definitions that apply to the same value along many paths).");

    internal static TooComplexException Memory(string operation, long limit, string? location)
        => new(WorkResource.Memory, operation, location,
            $"{Capitalised(operation)} needs more than {(limit / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture)} MiB of working memory, the most one request may use{At(location)}.");

    internal static TooComplexException RegexTime(string operation, TimeSpan limit, string? location)
        => new(WorkResource.RegexTime, operation, location,
            $"{Capitalised(operation)} spends more than {limit.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms matching regular expressions, "
            + $"the most one request may spend{At(location)}; a pattern of the schema is too slow on these values.");

    internal static TooComplexException Comparisons(long limit, string? location)
        => new(WorkResource.Comparisons, WorkOperations.Compare, location,
            $"{Capitalised(WorkOperations.Compare)} needs more than {limit.ToString("N0", CultureInfo.InvariantCulture)} comparisons of subschemas, the most one check may make{At(location)}; "
            + "the schemas are too large to compare (for example, alternatives with many branches on both sides).");

    internal static TooComplexException ComparisonDepth(int limit, string? location)
        => new(WorkResource.Comparisons, WorkOperations.Compare, location,
            $"{Capitalised(WorkOperations.Compare)} needs more than {limit.ToString(CultureInfo.InvariantCulture)} levels of nested comparisons, the most one check may follow{At(location)}; "
            + "the schemas nest too deeply to compare (for example, a long chain of references).");

    private static string At(string? location) => string.IsNullOrEmpty(location) ? string.Empty : $" (at schema location {location})";

    private static string Capitalised(string operation)
        => operation.Length == 0 ? "The request" : string.Concat(char.ToUpperInvariant(operation[0]).ToString(), operation.AsSpan(1));
}

/// <summary>The names of the operations a budget is charged by, as messages show them.</summary>
internal static class WorkOperations
{
    public const string Compile = "compiling the schema";
    public const string Validate = "validating the document";
    public const string Compare = "comparing the schemas";
}
