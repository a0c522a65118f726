using BenchmarkDotNet.Running;

namespace Registry.Benchmarks;

public static class Program
{
    /// <summary>
    /// Runs BenchmarkDotNet (<c>-- --filter '*'</c>), or one of the throughput modes named by the first argument.
    /// </summary>
    public static int Main(string[] args)
    {
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
