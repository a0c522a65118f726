namespace Registry.Fuzz;

/// <summary>Runs inputs through a target once each, outside afl-fuzz (corpus checks, crash reproduction).</summary>
internal static class Replay
{
    public static int Run(Target target, IEnumerable<string> paths)
    {
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p])
            .Where(f => !Path.GetFileName(f).StartsWith('.') && !f.EndsWith("README.txt", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        var findings = 0;
        foreach (var file in files)
        {
            try
            {
                target(File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                findings++;
                Console.Error.WriteLine($"{file}: {e.GetType().FullName}: {e.Message}");
                Console.Error.WriteLine(e.StackTrace);
            }
        }

        Console.WriteLine($"{files.Count} inputs, {findings} findings");
        return findings == 0 ? 0 : 1;
    }
}
