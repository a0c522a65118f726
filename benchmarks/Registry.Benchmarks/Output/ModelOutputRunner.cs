using System.Diagnostics;
using System.Globalization;
using Registry.Schemas.Output;
using Registry.Schemas.Validation;

namespace Registry.Benchmarks.Output;

/// <summary>
/// Warm throughput of the model-output path on the outputs of <c>benchmarks/jsonrepair/outputs</c>, in the same CSV shape
/// as <c>benchmarks/jsonrepair/compare.js</c> so that <c>compare.sh</c> can put them side by side:
/// <c>check,&lt;output&gt;,&lt;ns per call&gt;,&lt;verdict&gt;</c> for extract + repair + validate of each output, then
/// <c>stream,&lt;chunk bytes&gt;,&lt;ns per document&gt;,&lt;MB/s&gt;</c> for streaming validation of a 1 MB document fed in
/// chunks (<c>stream+complete</c>: ended with <see cref="StreamingValidationSession.Complete"/>, which runs the full
/// validator on the whole document for the definitive verdict) and
/// <c>validator,whole,&lt;ns&gt;,&lt;MB/s&gt;</c> for the full validator on the same bytes.
/// Usage: <c>output [--seconds S]</c> (time spent per measurement, default 1).
/// </summary>
internal static class ModelOutputRunner
{
    public static int Run(string[] args)
    {
        var seconds = 1.0;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--seconds")
            {
                seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
            }
        }

        var repairAll = new ModelOutputOptions { Repairs = RepairKinds.All };
        var schema = SchemaCompiler.Compile(ModelOutputSamples.OrderSchema()).Schema ?? throw new InvalidOperationException("the order schema does not compile");
        Console.WriteLine("kind,name,ns_per_op,result");
        foreach (var name in new[] { ModelOutputSamples.Fenced, ModelOutputSamples.Repairs, ModelOutputSamples.Truncated, ModelOutputSamples.Prose })
        {
            var output = ModelOutputSamples.Output(name);
            var verdict = ModelOutputChecker.Check(output, schema, repairAll).Verdict;
            var ns = Measure(seconds, () => ModelOutputChecker.Check(output, schema, repairAll));
            Console.WriteLine(FormattableString.Invariant($"check,{name},{ns:F0},{ModelOutputJson.VerdictName(verdict)}"));
        }

        var arraySchema = SchemaCompiler.Compile(ModelOutputSamples.OrderArraySchema()).Schema ?? throw new InvalidOperationException("the schema does not compile");
        var document = ModelOutputSamples.OrderArray(450);
        foreach (var complete in new[] { false, true })
        {
            foreach (var chunk in new[] { 64, 4096 })
            {
                if (!Stream(arraySchema, document, chunk, complete))
                {
                    throw new InvalidOperationException("the streamed document is not valid");
                }

                var ns = Measure(seconds, () => Stream(arraySchema, document, chunk, complete));
                var kind = complete ? "stream+complete" : "stream";
                Console.WriteLine(FormattableString.Invariant($"{kind},{chunk},{ns:F0},{document.Length / (ns / 1e9) / 1e6:F1}"));
            }
        }

        var whole = Measure(seconds, () => arraySchema.Evaluate(document));
        Console.WriteLine(FormattableString.Invariant($"validator,whole,{whole:F0},{document.Length / (whole / 1e9) / 1e6:F1}"));
        Console.WriteLine(FormattableString.Invariant($"document,bytes,{document.Length},"));
        return 0;
    }

    private static bool Stream(CompiledSchema schema, byte[] document, int chunkBytes, bool complete)
    {
        var session = new StreamingValidationSession(schema);
        for (var at = 0; at < document.Length; at += chunkBytes)
        {
            session.Feed(document.AsSpan(at, Math.Min(chunkBytes, document.Length - at)));
        }

        return complete ? session.Complete().IsValid : session.CanStillBeValid;
    }

    /// <summary>
    /// Mean CPU nanoseconds per call (the process's CPU time, so that other load on a shared machine counts less than it
    /// would in wall-clock time) over the best of three timed rounds, after a warm-up round.
    /// </summary>
    private static double Measure(double seconds, Func<object> action)
    {
        var sink = 0;
        var best = double.MaxValue;
        using var process = Process.GetCurrentProcess();
        for (var round = 0; round < 4; round++)
        {
            var calls = 0L;
            process.Refresh();
            var start = process.TotalProcessorTime;
            var spent = TimeSpan.Zero;
            var batch = 16;
            while (spent.TotalSeconds < seconds / 3)
            {
                for (var i = 0; i < batch; i++)
                {
                    sink += action() is null ? 1 : 0;
                }

                calls += batch;
                process.Refresh();
                var now = process.TotalProcessorTime - start;

                // Reading the CPU time costs a system call: batches grow until one takes 20 ms.
                batch = (now - spent).TotalMilliseconds < 20 ? batch * 2 : batch;
                spent = now;
            }

            if (round > 0)
            {
                best = Math.Min(best, spent.TotalNanoseconds / calls);
            }
        }

        GC.KeepAlive(sink);
        return best;
    }
}
