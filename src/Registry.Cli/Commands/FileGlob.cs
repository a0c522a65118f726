using System.Text;
using System.Text.RegularExpressions;

namespace Registry.Cli.Commands;

/// <summary>
/// Expands the file arguments of <c>registry validate</c>: a path is taken as it is; a pattern with <c>*</c>, <c>?</c>
/// or <c>[...]</c> (for shells that pass it unexpanded, or when quoted) matches files, <c>**</c> across folders.
/// </summary>
internal static class FileGlob
{
    public static bool IsPattern(string path) => path.AsSpan().IndexOfAny('*', '?', '[') >= 0;

    /// <summary>The files <paramref name="pattern"/> matches, in ordinal order of their paths.</summary>
    /// <exception cref="InputException">Nothing matches.</exception>
    public static List<string> Expand(string pattern)
    {
        var normalized = pattern.Replace('\\', '/');
        var segments = normalized.Split('/');
        var fixedCount = 0;
        while (fixedCount < segments.Length - 1 && !IsPattern(segments[fixedCount]))
        {
            fixedCount++;
        }

        var baseText = string.Join('/', segments[..fixedCount]);
        var root = fixedCount == 0 ? "." : baseText.Length == 0 ? "/" : baseText;
        var rest = string.Join('/', segments[fixedCount..]);
        var regex = new Regex("^" + Translate(rest) + "$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        var recursive = rest.Contains('/', StringComparison.Ordinal) || rest.Contains("**", StringComparison.Ordinal);
        var matches = new List<string>();
        if (Directory.Exists(root))
        {
            var options = new EnumerationOptions { RecurseSubdirectories = recursive, IgnoreInaccessible = true, MatchType = MatchType.Simple };
            foreach (var file in Directory.EnumerateFiles(root, "*", options))
            {
                var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                if (regex.IsMatch(relative))
                {
                    matches.Add(fixedCount == 0 ? relative : (baseText.Length == 0 ? "/" : baseText + "/") + relative);
                }
            }
        }

        if (matches.Count == 0)
        {
            throw new InputException($"no file matches '{pattern}'");
        }

        matches.Sort(StringComparer.Ordinal);
        return matches;
    }

    /// <summary>The regular expression of a glob: <c>**/</c> any folders, <c>*</c> and <c>?</c> within one name, <c>[...]</c> a class.</summary>
    private static string Translate(string glob)
    {
        var text = new StringBuilder();
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*' when i + 1 < glob.Length && glob[i + 1] == '*':
                    i++;
                    if (i + 1 < glob.Length && glob[i + 1] == '/')
                    {
                        i++;
                        text.Append("(?:.*/)?");
                    }
                    else
                    {
                        text.Append(".*");
                    }

                    break;
                case '*':
                    text.Append("[^/]*");
                    break;
                case '?':
                    text.Append("[^/]");
                    break;
                case '[':
                    var close = glob.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        text.Append(@"\[");
                        break;
                    }

                    var set = glob[(i + 1)..close];
                    text.Append('[').Append(set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                    i = close;
                    break;
                default:
                    text.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return text.ToString();
    }
}
