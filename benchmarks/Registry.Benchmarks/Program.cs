using BenchmarkDotNet.Running;

namespace Registry.Benchmarks;

public static class Program
{
    /// <summary>
    /// Runs BenchmarkDotNet (<c>-- --filter '*'</c>), or one of the throughput modes named by the first argument.
    /// </summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "corpus")
        {
            return Validation.CorpusRunner.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "output")
        {
            return Output.ModelOutputRunner.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "store-load")
        {
            return Store.StoreLoad.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "regex-limits")
        {
            return Validation.HostilePatterns.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "tier-load")
        {
            return Store.TierLoad.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "auth-cost")
        {
            return Server.AuthCostRunner.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "instrumentation-cost")
        {
            return Server.InstrumentationCostRunner.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
