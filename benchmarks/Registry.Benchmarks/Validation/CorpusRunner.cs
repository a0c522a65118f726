using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Registry.Schemas.Validation;

namespace Registry.Benchmarks.Validation;

/// <summary>
/// Throughput over a validation corpus laid out as <c>&lt;name&gt;/schema.json</c> and <c>&lt;name&gt;/instances.jsonl</c>.
/// Prints <c>name,instances,compile_ns,cold_ns,warm_ns,invalid_count</c> per schema, then <c>TOTAL_WARM_NS,n</c>.
/// Warm is the best of several passes over every instance, parsing from bytes included.
/// Usage: <c>corpus DIR [--engine registry|njsonschema|jsonschemanet] [--passes N]</c>.
/// </summary>
internal static class CorpusRunner
{
    private static bool formatAssertion;

    public static int Run(string[] args)
    {
        if (args.Length < 1 || !Directory.Exists(args[0]))
        {
            Console.Error.WriteLine("usage: corpus DIR [--engine registry|njsonschema|jsonschemanet] [--passes N] [--format-assertion]");
            return 2;
        }

        var engine = "registry";
        var passes = 10;
        for (var i = 1; i < args.Length; i += 2)
        {
            if (args[i] == "--format-assertion")
            {
                formatAssertion = true;
                i--;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                Console.Error.WriteLine($"option {args[i]} needs a value");
                return 2;
            }

            switch (args[i])
            {
                case "--engine":
                    engine = args[i + 1];
                    break;
                case "--passes":
                    passes = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }

        Func<byte[], byte[][], (long CompileNs, Func<byte[], bool> Validate)> prepare = engine switch
        {
            "registry" => PrepareRegistry,
            "njsonschema" => PrepareNJsonSchema,
            "jsonschemanet" => PrepareJsonSchemaNet,
            _ => throw new ArgumentException($"unknown engine {engine}"),
        };

        long total = 0;
        foreach (var directory in Directory.GetDirectories(args[0]).Order(StringComparer.Ordinal))
        {
            var schemaPath = Path.Combine(directory, "schema.json");
            var instancesPath = Path.Combine(directory, "instances.jsonl");
            if (!File.Exists(schemaPath) || !File.Exists(instancesPath))
            {
                continue;
            }

            var schema = File.ReadAllBytes(schemaPath);
            var instances = ReadLines(instancesPath);
            long compileNs;
            Func<byte[], bool> validate;
            try
            {
                (compileNs, validate) = prepare(schema, instances);
            }
            catch (Exception e) when (engine != "registry")
            {
                // A peer library that cannot load a schema is reported and left out of its total.
                Console.Error.WriteLine($"skipped {Path.GetFileName(directory)}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                continue;
            }

            var invalid = 0;
            var cold = Stopwatch.GetTimestamp();
            try
            {
                foreach (var instance in instances)
                {
                    if (!validate(instance))
                    {
                        invalid++;
                    }
                }
            }
            catch (Exception e) when (engine != "registry")
            {
                Console.Error.WriteLine($"skipped {Path.GetFileName(directory)}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                continue;
            }

            var coldNs = ElapsedNs(cold);
            var best = long.MaxValue;
            var budget = Stopwatch.StartNew();
            // At least `passes` passes and two seconds, so that tiered compilation has settled before the best pass.
            for (var pass = 0; pass < passes || (budget.ElapsedMilliseconds < 2000 && pass < passes * 100); pass++)
            {
                var start = Stopwatch.GetTimestamp();
                foreach (var instance in instances)
                {
                    validate(instance);
                }

                best = Math.Min(best, ElapsedNs(start));
            }

            total += best;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(directory)},{instances.Length},{compileNs},{coldNs},{best},{invalid}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"TOTAL_WARM_NS,{total}"));
        return 0;
    }

    private static long ElapsedNs(long start) => (long)(Stopwatch.GetElapsedTime(start).Ticks * (1_000_000_000.0 / TimeSpan.TicksPerSecond));

    private static byte[][] ReadLines(string path)
    {
        var lines = new List<byte[]>();
        var bytes = File.ReadAllBytes(path).AsSpan();
        while (!bytes.IsEmpty)
        {
            var newline = bytes.IndexOf((byte)'\n');
            var line = newline < 0 ? bytes : bytes[..newline];
            bytes = newline < 0 ? [] : bytes[(newline + 1)..];
            if (line.Trim((byte)'\r').Trim((byte)' ').Length > 0)
            {
                lines.Add(line.ToArray());
            }
        }

        return [.. lines];
    }

    private static (long, Func<byte[], bool>) PrepareRegistry(byte[] schema, byte[][] instances)
    {
        _ = instances;
        var start = Stopwatch.GetTimestamp();
        var compilation = SchemaCompiler.Compile(schema, new SchemaCompilerOptions { FormatAssertion = formatAssertion });
        var compileNs = ElapsedNs(start);
        if (!compilation.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", compilation.Errors.Select(e => e.SchemaLocation + " " + e.Message)));
        }

        var compiled = compilation.Schema!;
        return (compileNs, bytes => compiled.Evaluate(bytes) == ValidationOutcome.Valid);
    }

    private static (long, Func<byte[], bool>) PrepareNJsonSchema(byte[] schema, byte[][] instances)
    {
        _ = instances;
        var start = Stopwatch.GetTimestamp();
        var compiled = NJsonSchema.JsonSchema.FromJsonAsync(Encoding.UTF8.GetString(schema)).GetAwaiter().GetResult();
        var compileNs = ElapsedNs(start);
        return (compileNs, bytes => compiled.Validate(Encoding.UTF8.GetString(bytes)).Count == 0);
    }

    /// <summary>
    /// JsonSchema.Net 8 (json-everything): each schema built with a registry of its own (ids repeat across the corpus)
    /// and read as 2020-12 where it names no $schema (as the registry reads it here; the library's own default dialect
    /// refuses unknown keywords such as draft-07's definitions),
    /// evaluated for a verdict only (flag output), each document parsed into a <see cref="JsonDocument"/> first, as its
    /// API takes; <c>format</c> asserted only with --format-assertion, as for the registry.
    /// </summary>
    private static (long, Func<byte[], bool>) PrepareJsonSchemaNet(byte[] schema, byte[][] instances)
    {
        _ = instances;
        var start = Stopwatch.GetTimestamp();
        var compiled = Json.Schema.JsonSchema.FromText(Encoding.UTF8.GetString(schema), new Json.Schema.BuildOptions { SchemaRegistry = new Json.Schema.SchemaRegistry(), Dialect = Json.Schema.Dialect.Draft202012 });
        var compileNs = ElapsedNs(start);
        var options = new Json.Schema.EvaluationOptions { OutputFormat = Json.Schema.OutputFormat.Flag, RequireFormatValidation = formatAssertion };
        var parsing = new JsonDocumentOptions { MaxDepth = 256 };
        return (compileNs, Validate);

        bool Validate(byte[] bytes)
        {
            using var document = JsonDocument.Parse(bytes, parsing);
            return compiled.Evaluate(document.RootElement, options).IsValid;
        }
    }
}
