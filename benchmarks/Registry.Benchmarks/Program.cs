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

        if (args.Length > 0 && args[0] == "compat-loop")
        {
            var b = new Compatibility.CompatibilityBenchmarks { Schema = args[1] };
            b.Setup();
            var t = new Compatibility.TransitiveCompatibilityBenchmarks();
            t.Setup();
            Func<bool> run = args[3] switch
            {
                "full" => b.Full_one_edit,
                "moved" => b.Full_every_location_moved,
                "latest" => t.Backward_against_the_latest,
                "bt100" => t.BackwardTransitive_against_100_versions,
                _ => b.Backward_one_edit,
            };
            for (var i = 0; i < 20; i++) run();
            var process = System.Diagnostics.Process.GetCurrentProcess();
            var cpu0 = process.TotalProcessorTime;
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var n = 0;
            while (sw.Elapsed.TotalSeconds < double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture))
            {
                run();
                n++;
            }
            process.Refresh();
            Console.WriteLine($"{args[1]} {args[3]}: {n} checks, wall {sw.Elapsed.TotalMicroseconds / n:F1} us, cpu {(process.TotalProcessorTime - cpu0).TotalMicroseconds / n:F1} us each");
            return 0;
        }


        if (args.Length > 0 && args[0] == "instrumentation-cost")
        {
            return Server.InstrumentationCostRunner.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
