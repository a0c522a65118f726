using BenchmarkDotNet.Attributes;
using Registry.Schemas.Compatibility;

namespace Registry.Benchmarks.Compatibility;

/// <summary>
/// Diff time for real schemas: small (tmuxinator, 4.5 KB), medium (ansible-meta, 37 KB) and large (cmake-presets,
/// 86 KB), against a version with one typical edit, and against an equivalent version with every location moved
/// (the worst case: no part is recognised as unchanged). Parsing both schemas is included.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class CompatibilityBenchmarks
{
    private byte[] _old = [];
    private byte[] _edited = [];
    private byte[] _moved = [];

    [Params("tmuxinator", "ansible-meta", "cmake-presets")]
    public string Schema { get; set; } = "tmuxinator";

    [GlobalSetup]
    public void Setup()
    {
        _old = CompatibilityCorpus.Schema(Schema);
        _edited = CompatibilityCorpus.WithOneEdit(_old);
        _moved = CompatibilityCorpus.WithEveryLocationMoved(_old);
    }

    [Benchmark(Baseline = true)]
    public bool Backward_one_edit()
        => CompatibilityChecker.Check(_edited, [_old], CompatibilityLevel.Backward, CompatibilityPolicy.Strict).IsCompatible;

    [Benchmark]
    public bool Full_one_edit()
        => CompatibilityChecker.Check(_edited, [_old], CompatibilityLevel.Full, CompatibilityPolicy.Strict).IsCompatible;

    [Benchmark]
    public bool Full_every_location_moved()
        => CompatibilityChecker.Check(_moved, [_old], CompatibilityLevel.Full, CompatibilityPolicy.Strict).IsCompatible;
}

/// <summary>
/// Transitive checking against 100 earlier versions: a real schema (tmuxinator) that gained one optional property
/// per version, checked when the 101st arrives; the latest-only check is the baseline.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class TransitiveCompatibilityBenchmarks
{
    private ReadOnlyMemory<byte>[] _history = [];
    private ReadOnlyMemory<byte>[] _latest = [];
    private byte[] _new = [];

    [GlobalSetup]
    public void Setup()
    {
        var version = CompatibilityCorpus.Schema("tmuxinator");
        var history = new List<ReadOnlyMemory<byte>>(100);
        for (var i = 0; i < 100; i++)
        {
            history.Add(version);
            version = CompatibilityCorpus.WithOneEdit(version, $"added_{i}");
        }

        _history = [.. history];
        _latest = [history[^1]];
        _new = version;
    }

    [Benchmark(Baseline = true)]
    public bool Backward_against_the_latest()
        => CompatibilityChecker.Check(_new, _latest, CompatibilityLevel.Backward, CompatibilityPolicy.Strict).IsCompatible;

    [Benchmark]
    public bool BackwardTransitive_against_100_versions()
        => CompatibilityChecker.Check(_new, _history, CompatibilityLevel.BackwardTransitive, CompatibilityPolicy.Strict).IsCompatible;

    [Benchmark]
    public bool FullTransitive_against_100_versions()
        => CompatibilityChecker.Check(_new, _history, CompatibilityLevel.FullTransitive, CompatibilityPolicy.Strict).IsCompatible;
}
