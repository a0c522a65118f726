using Registry.Schemas.Compatibility;

namespace Registry.Cli.Commands;

/// <summary>
/// <c>registry compat --old old.json [--old newer.json ...] --new new.json [--level BACKWARD] [--policy STRICT] [--json]</c>:
/// checks whether the new schema may follow the old one(s) (oldest first). Exit code 0 when compatible, 1 when not,
/// 2 on bad input (unknown option, unreadable file, invalid JSON, a document that is not a schema).
/// </summary>
internal sealed class CompatCommand : ICommand
{
    public string Name => "compat";

    public string Summary => "check whether a new schema is compatible with earlier ones";

    public async Task<int> RunAsync(ReadOnlyMemory<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        if (!CompatArguments.TryParse(args.Span, out var arguments, out var error))
        {
            await stderr.WriteLineAsync($"registry compat: {error}").ConfigureAwait(false);
            await stderr.WriteLineAsync(CompatArguments.Usage).ConfigureAwait(false);
            return CommandLine.ExitBadInput;
        }

        if (arguments.Help)
        {
            await stdout.WriteLineAsync(CompatArguments.Usage).ConfigureAwait(false);
            return CommandLine.ExitOk;
        }

        var earlier = new ReadOnlyMemory<byte>[arguments.Old.Count];
        for (var i = 0; i < arguments.Old.Count; i++)
        {
            if (await ReadAsync(arguments.Old[i], stderr).ConfigureAwait(false) is not { } bytes)
            {
                return CommandLine.ExitBadInput;
            }

            earlier[i] = bytes;
        }

        if (await ReadAsync(arguments.New!, stderr).ConfigureAwait(false) is not { } current)
        {
            return CommandLine.ExitBadInput;
        }

        CompatibilityResult result;
        try
        {
            result = CompatibilityChecker.Check(current, earlier, arguments.Level, arguments.Policy, CompatibilityOptions.Default);
        }
        catch (InvalidSchemaException e)
        {
            var file = e.SchemaIndex < 0 ? arguments.New : arguments.Old[e.SchemaIndex];
            await stderr.WriteLineAsync($"registry compat: {file} is not a usable JSON Schema: {e.Message}").ConfigureAwait(false);
            return CommandLine.ExitBadInput;
        }

        var report = arguments.Json
            ? CompatReport.Json(result, arguments.Level, arguments.Policy, arguments.Old)
            : CompatReport.Text(result, arguments.Level, arguments.Policy, arguments.Old);
        await stdout.WriteAsync(report).ConfigureAwait(false);
        return result.IsCompatible ? CommandLine.ExitOk : CommandLine.ExitNegative;
    }

    private static async Task<byte[]?> ReadAsync(string path, TextWriter stderr)
    {
        try
        {
            return await File.ReadAllBytesAsync(path).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            await stderr.WriteLineAsync($"registry compat: cannot read '{path}': {e.Message}").ConfigureAwait(false);
            return null;
        }
    }
}

/// <summary>The parsed options of <see cref="CompatCommand"/>.</summary>
internal sealed class CompatArguments
{
    public const string Usage = """
        usage: registry compat --old OLD.json [--old NEWER.json ...] --new NEW.json [--level LEVEL] [--policy POLICY] [--json]

          --old PATH      an earlier version; repeat for several, oldest first (the _TRANSITIVE levels check them all)
          --new PATH      the new version
          --level LEVEL   NONE, BACKWARD (default), BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE
          --policy NAME   STRICT (default): adding a property to an open content model is incompatible;
                          LENIENT: adding an optional property to an open content model is compatible
          --json          print the result as JSON

        exit code: 0 compatible, 1 incompatible, 2 bad input
        """;

    public List<string> Old { get; } = [];

    public string? New { get; private set; }

    public CompatibilityLevel Level { get; private set; } = CompatibilityLevel.Backward;

    public CompatibilityPolicy Policy { get; private set; } = CompatibilityPolicy.Strict;

    public bool Json { get; private set; }

    public bool Help { get; private set; }

    public static bool TryParse(ReadOnlySpan<string> args, out CompatArguments arguments, out string error)
    {
        arguments = new CompatArguments();
        error = string.Empty;
        for (var i = 0; i < args.Length; i++)
        {
            var option = args[i];
            var inline = option.IndexOf('=', StringComparison.Ordinal);
            string? value = null;
            if (option.StartsWith("--", StringComparison.Ordinal) && inline > 0)
            {
                value = option[(inline + 1)..];
                option = option[..inline];
            }

            switch (option)
            {
                case "-h" or "--help":
                    arguments.Help = true;
                    return true;
                case "--json":
                    arguments.Json = true;
                    continue;
                case "--old" or "--new" or "--level" or "--policy":
                    if (value is null)
                    {
                        if (i + 1 >= args.Length)
                        {
                            error = $"{option} needs a value";
                            return false;
                        }

                        value = args[++i];
                    }

                    break;
                default:
                    error = $"unknown option '{args[i]}'";
                    return false;
            }

            switch (option)
            {
                case "--old":
                    arguments.Old.Add(value);
                    break;
                case "--new":
                    if (arguments.New is not null)
                    {
                        error = "--new given twice";
                        return false;
                    }

                    arguments.New = value;
                    break;
                case "--level":
                    if (!TryParseLevel(value, out var level))
                    {
                        error = $"unknown level '{value}' (NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE)";
                        return false;
                    }

                    arguments.Level = level;
                    break;
                default:
                    if (!TryParsePolicy(value, out var policy))
                    {
                        error = $"unknown policy '{value}' (STRICT, LENIENT)";
                        return false;
                    }

                    arguments.Policy = policy;
                    break;
            }
        }

        if (arguments.Old.Count == 0 || arguments.New is null)
        {
            error = arguments.Old.Count == 0 ? "--old is required" : "--new is required";
            return false;
        }

        return true;
    }

    /// <summary>Accepts the Confluent spelling (<c>BACKWARD_TRANSITIVE</c>) in any case, with or without underscores.</summary>
    public static bool TryParseLevel(string text, out CompatibilityLevel level)
    {
        var key = text.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        foreach (var candidate in Enum.GetValues<CompatibilityLevel>())
        {
            if (string.Equals(candidate.ToString(), key, StringComparison.OrdinalIgnoreCase))
            {
                level = candidate;
                return true;
            }
        }

        level = default;
        return false;
    }

    public static bool TryParsePolicy(string text, out CompatibilityPolicy policy)
    {
        foreach (var candidate in Enum.GetValues<CompatibilityPolicy>())
        {
            if (string.Equals(candidate.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                policy = candidate;
                return true;
            }
        }

        policy = default;
        return false;
    }
}
