using BenchmarkDotNet.Attributes;
using Registry.Schemas.Output;
using Registry.Schemas.Validation;

namespace Registry.Benchmarks.Output;

/// <summary>
/// The whole model-output path on a 2 KB output: extraction, repair (all kinds allowed, as jsonrepair does), closing of
/// cut-off output, and validation against the schema. <c>benchmarks/jsonrepair/compare.sh</c> runs jsonrepair on the
/// same files in the same run.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class ModelOutputBenchmarks
{
    private static readonly ModelOutputOptions RepairAll = new() { Repairs = RepairKinds.All };
    private CompiledSchema _schema = null!;
    private byte[] _output = null!;

    [Params(ModelOutputSamples.Fenced, ModelOutputSamples.Repairs, ModelOutputSamples.Truncated, ModelOutputSamples.Prose)]
    public string Output { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _schema = SchemaCompiler.Compile(ModelOutputSamples.OrderSchema()).Schema ?? throw new InvalidOperationException("the order schema does not compile");
        _output = ModelOutputSamples.Output(Output);
        if (!ModelOutputChecker.Check(_output, _schema, RepairAll).IsValid)
        {
            throw new InvalidOperationException($"the {Output} output does not check as valid");
        }
    }

    [Benchmark(Description = "extract + repair + validate")]
    public OutputVerdict Check() => ModelOutputChecker.Check(_output, _schema, RepairAll).Verdict;
}

/// <summary>
/// Streaming validation of a 1 MB document (an array of 450 orders) fed in chunks, beside the full validator on the
/// whole document (parse and validate at once): MB/s = document size / mean time.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class StreamingValidationBenchmarks
{
    private CompiledSchema _schema = null!;
    private byte[] _document = null!;

    [Params(64, 4096)]
    public int ChunkBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _schema = SchemaCompiler.Compile(ModelOutputSamples.OrderArraySchema()).Schema ?? throw new InvalidOperationException("the schema does not compile");
        _document = ModelOutputSamples.OrderArray(450);
        if (!Stream() || _schema.Evaluate(_document) != ValidationOutcome.Valid)
        {
            throw new InvalidOperationException("the benchmark document is not valid");
        }

        Console.WriteLine($"// document: {_document.Length} bytes");
    }

    [Benchmark(Baseline = true, Description = "validator, whole document")]
    public ValidationOutcome Validator() => _schema.Evaluate(_document);

    [Benchmark(Description = "stream (partial validation)")]
    public bool Stream()
    {
        var session = new StreamingValidationSession(_schema);
        var document = _document.AsSpan();
        for (var at = 0; at < document.Length; at += ChunkBytes)
        {
            session.Feed(document.Slice(at, Math.Min(ChunkBytes, document.Length - at)));
        }

        return session.CanStillBeValid;
    }
}
