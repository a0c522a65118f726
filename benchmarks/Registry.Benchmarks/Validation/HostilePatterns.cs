using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Registry.Schemas.Validation;

namespace Registry.Benchmarks.Validation;

/// <summary>
/// The hostile-pattern cases of issue 13 (findings 3 and 4), one per process so memory figures are clean: compile the
/// schema, then validate a document, printing <c>case,compiled,compile_ms,validate_ms,outcome,retained_mb,peak_ws_mb,message</c>.
/// Uses only the schema library's public compile/validate API, so the same runner measures an older
/// Registry.Schemas.dll dropped beside it. Usage: <c>regex-limits CASE</c>; <c>benchmarks/regex-limits.sh</c> runs them all.
/// </summary>
internal static class HostilePatterns
{
    public static int Run(string[] args)
    {
        var cases = new Dictionary<string, Func<(string Pattern, string Document)>>(StringComparer.Ordinal)
        {
            // Finding 3: a large repeat count on the linear engine, one 5 KB document.
            ["repeat-2000"] = () => ("(.*a){2000}", Json(new string('a', 5_000))),

            // The worst of the same shape the default limits accept.
            ["repeat-32"] = () => ("(.*a){32}", Json(new string('a', 5_000))),

            // Finding 4: a 900 KB alternation, and one at the default length limit (64 KiB).
            ["alternation-900k"] = () => (Alternation(900_000), Json("zzzzzzzz")),
            ["alternation-64k"] = () => (Alternation(65_000), Json("zzzzzzzz")),
        };

        if (args.Length != 1 || !cases.TryGetValue(args[0], out var make))
        {
            Console.Error.WriteLine("usage: regex-limits " + string.Join('|', cases.Keys));
            return 2;
        }

        var (pattern, document) = make();
        var schema = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, string> { ["type"] = "string", ["pattern"] = pattern }));
        var bytes = Encoding.UTF8.GetBytes(document);
        // Warm the compiler and validator up first (meta-schema, first regex): the figures are the pattern's own.
        var warm = SchemaCompiler.Compile("""{"type":"string","pattern":"^w[a-z]+$"}"""u8);
        warm.Schema?.Evaluate("\"warm\""u8);
        var before = GC.GetTotalMemory(forceFullCollection: true);

        var clock = Stopwatch.StartNew();
        var compilation = SchemaCompiler.Compile(schema);
        var compileMs = clock.Elapsed.TotalMilliseconds;

        var validateMs = 0.0;
        var outcome = "-";
        if (compilation.Succeeded)
        {
            clock.Restart();
            outcome = compilation.Schema!.Evaluate(bytes).ToString();
            validateMs = clock.Elapsed.TotalMilliseconds;
        }

        var retainedMb = (GC.GetTotalMemory(forceFullCollection: true) - before) / 1048576.0;
        var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
        var message = compilation.Succeeded ? "" : compilation.Errors[0].Message;
        if (message.Length > 160)
        {
            message = message[..160] + "…";
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{args[0]},{compilation.Succeeded},{compileMs:F0},{validateMs:F0},{outcome},{retainedMb:F1},{peakMb:F0},\"{message.Replace('"', '\'')}\""));
        GC.KeepAlive(compilation);
        return 0;
    }

    private static string Json(string s) => JsonSerializer.Serialize(s);

    /// <summary>An anchored alternation of distinct 8-letter words, about <paramref name="length"/> characters long.</summary>
    private static string Alternation(int length)
    {
        var random = new Random(13);
        var sb = new StringBuilder("^(?:");
        while (sb.Length < length - 2)
        {
            if (sb.Length > 4)
            {
                sb.Append('|');
            }

            for (var i = 0; i < 8; i++)
            {
                sb.Append((char)('a' + random.Next(26)));
            }
        }

        return sb.Append(")$").ToString();
    }
}
