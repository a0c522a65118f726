using System.Text;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Output;

/// <summary>Options of <see cref="ModelOutputChecker.Check(ReadOnlySpan{byte}, CompiledSchema?, ModelOutputOptions?, CancellationToken)"/>.</summary>
public sealed record ModelOutputOptions
{
    /// <summary>The defaults: extract, no repair, prefer the candidate that validates, feedback on.</summary>
    public static ModelOutputOptions Default { get; } = new();

    /// <summary>Find the JSON inside code fences or prose; when false the whole text must be the value.</summary>
    public bool Extract { get; init; } = true;

    /// <summary>The repairs allowed (none by default: the output must be strict JSON). See <see cref="RepairKinds"/>.</summary>
    public RepairKinds Repairs { get; init; } = RepairKinds.None;

    /// <summary>Among several candidates, take the first that validates rather than simply the first.</summary>
    public bool PreferValid { get; init; } = true;

    /// <summary>
    /// The text is a prefix of a stream still being generated: output that ends mid-value is <see cref="OutputVerdict.Incomplete"/>
    /// (checked for violations no continuation can fix) rather than <see cref="OutputVerdict.Truncated"/>.
    /// </summary>
    public bool Partial { get; init; }

    /// <summary>Write <see cref="ModelOutputResult.Feedback"/> for output that is not valid.</summary>
    public bool Feedback { get; init; } = true;

    /// <summary>Largest model output accepted, in bytes.</summary>
    public int MaxOutputBytes { get; init; } = 1024 * 1024;

    /// <summary>Deepest nesting accepted.</summary>
    public int MaxDepth { get; init; } = 256;

    /// <summary>Work steps allowed for extraction and repair; null allows 32 steps per byte of output plus 65,536.</summary>
    public long? MaxWorkSteps { get; init; }

    /// <summary>Most candidate values considered.</summary>
    public int MaxCandidates { get; init; } = 16;

    /// <summary>Most violations reported.</summary>
    public int MaxErrors { get; init; } = 20;

    /// <summary>Largest output echoed back to the model in full in the feedback, in bytes (longer output is echoed in part).</summary>
    public int MaxEchoBytes { get; init; } = 2000;

    /// <summary>
    /// The output was generated under a provider profile's transformed schema: before the original schema validates it,
    /// the mapper reads a <c>null</c> for a property that is optional in the original as "absent"
    /// (<see cref="Profiles.ProfileOutputMapper.TryToOriginalShape"/>). The result's <see cref="ModelOutputResult.Json"/>
    /// is then the mapped document. Null: the output is validated as it is.
    /// </summary>
    public Profiles.ProfileOutputMapper? ProfileMapper { get; init; }
}

/// <summary>The overall answer about a model's output.</summary>
public enum OutputVerdict
{
    /// <summary>A JSON value was found and is valid (perhaps after the listed repairs).</summary>
    Valid,

    /// <summary>A JSON value was found and is not valid against the schema.</summary>
    Invalid,

    /// <summary>The output was cut off mid-value; what was written has no violation (see <see cref="ModelOutputResult.Truncation"/>).</summary>
    Truncated,

    /// <summary>With <see cref="ModelOutputOptions.Partial"/>: the output so far can still become valid.</summary>
    Incomplete,

    /// <summary>The output holds JSON that is malformed (or needs repairs that were not allowed).</summary>
    Malformed,

    /// <summary>The output holds no JSON value.</summary>
    NoJson,

    /// <summary>A size, depth or work limit was reached.</summary>
    LimitExceeded,
}

/// <summary>Where the extracted value came from.</summary>
public enum ExtractionSource
{
    /// <summary>The whole text (apart from surrounding whitespace) is the value.</summary>
    Whole,

    /// <summary>The contents of a Markdown code fence.</summary>
    Fence,

    /// <summary>An object or array in the prose.</summary>
    Text,
}

/// <summary>Where in the model's text the value was taken from.</summary>
/// <param name="Source">Whole text, code fence or prose.</param>
/// <param name="Start">Byte offset of the value's first byte in the text.</param>
/// <param name="Length">Byte length of the value in the text (to the end of the text when cut off).</param>
/// <param name="Language">The fence's language tag, when any (<c>json</c>).</param>
/// <param name="Candidate">Index of the chosen candidate among <paramref name="Candidates"/>.</param>
/// <param name="Candidates">How many candidate values the text held.</param>
public sealed record OutputExtraction(ExtractionSource Source, int Start, int Length, string? Language, int Candidate, int Candidates);

/// <summary>What was complete in output that was cut off, so that the model can be asked to continue.</summary>
public sealed class OutputTruncation
{
    internal OutputTruncation(long cutOffset, string path, byte[] completed, string closing, bool canStillBeValid, IReadOnlyList<SchemaViolation> violations)
    {
        CutOffset = cutOffset;
        Path = path;
        Completed = completed;
        Closing = closing;
        CanStillBeValid = canStillBeValid;
        Violations = violations;
    }

    /// <summary>Byte offset in the text where the output stops (its length).</summary>
    public long CutOffset { get; }

    /// <summary>JSON pointer of the value being written when the output stopped.</summary>
    public string Path { get; }

    /// <summary>The complete values only, with the open objects and arrays closed (UTF-8 JSON).</summary>
    public ReadOnlyMemory<byte> Completed { get; }

    /// <summary><see cref="Completed"/> as text.</summary>
    public string CompletedText => Encoding.UTF8.GetString(Completed.Span);

    /// <summary>The characters that would close the output as written (a quote, then brackets).</summary>
    public string Closing { get; }

    /// <summary>True when what was written has no violation that a continuation could not fix.</summary>
    public bool CanStillBeValid { get; }

    /// <summary>Violations in what was written (definite ones only).</summary>
    public IReadOnlyList<SchemaViolation> Violations { get; }
}

/// <summary>
/// The answer of <see cref="ModelOutputChecker"/>: the extracted value, the repairs made, truncation, the validator's
/// result and feedback for the model. Immutable.
/// </summary>
public sealed class ModelOutputResult
{
    internal ModelOutputResult(OutputVerdict verdict)
    {
        Verdict = verdict;
    }

    /// <summary>The overall answer.</summary>
    public OutputVerdict Verdict { get; internal init; }

    /// <summary>True when <see cref="Verdict"/> is <see cref="OutputVerdict.Valid"/>.</summary>
    public bool IsValid => Verdict == OutputVerdict.Valid;

    /// <summary>Where the value came from; null when the text holds none.</summary>
    public OutputExtraction? Extraction { get; internal init; }

    /// <summary>The JSON that was validated (after the repairs, closed if cut off and closing was allowed); empty when none.</summary>
    public ReadOnlyMemory<byte> Json { get; internal init; }

    /// <summary><see cref="Json"/> as text.</summary>
    public string JsonText => Encoding.UTF8.GetString(Json.Span);

    /// <summary>The repairs applied to obtain <see cref="Json"/>, in text order; a caller can refuse any repaired output.</summary>
    public IReadOnlyList<OutputRepair> Repairs { get; internal init; } = [];

    /// <summary>True when <see cref="Repairs"/> is not empty.</summary>
    public bool IsRepaired => Repairs.Count > 0;

    /// <summary>For output that needed repairs that were not allowed: the repairs that would have made it JSON.</summary>
    public IReadOnlyList<OutputRepair> RepairsNeeded { get; internal init; } = [];

    /// <summary>Set when the output was cut off mid-value.</summary>
    public OutputTruncation? Truncation { get; internal init; }

    /// <summary>The validator's full result on <see cref="Json"/>, when it was validated.</summary>
    public ValidationResult? Validation { get; internal init; }

    /// <summary>The reasons the output is not valid, located and worded (empty when valid).</summary>
    public IReadOnlyList<SchemaViolation> Violations { get; internal init; } = [];

    /// <summary>For output that is not valid: what to tell the model (null when valid or when feedback is off).</summary>
    public OutputFeedback? Feedback { get; internal init; }
}
