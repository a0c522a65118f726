namespace Registry.Cli.Terminal;

/// <summary>
/// A line diff in the unified format (<c>---</c>/<c>+++</c> headers, <c>@@</c> hunks with context), from a shortest
/// edit script found by Myers' O((N+M)D) algorithm ("An O(ND) Difference Algorithm and Its Variations", 1986).
/// </summary>
internal static class TextDiff
{
    /// <summary>The unified diff of two texts, without headers when equal (an empty list).</summary>
    public static List<string> Unified(string fromName, string from, string toName, string to, int context = 3)
    {
        var a = Lines(from);
        var b = Lines(to);
        var script = Script(a, b);
        var lines = new List<string>();
        if (script.TrueForAll(e => e.Kind == ' '))
        {
            return lines;
        }

        lines.Add("--- " + fromName);
        lines.Add("+++ " + toName);
        var i = 0;
        while (true)
        {
            // A hunk: the next change with up to `context` unchanged lines around it, merged with the changes that
            // follow while fewer than 2 * context unchanged lines separate them.
            var change = script.FindIndex(i, e => e.Kind != ' ');
            if (change < 0)
            {
                break;
            }

            var start = Math.Max(i, change - context);
            var end = change;
            for (var k = change + 1; k < script.Count; k++)
            {
                if (script[k].Kind != ' ')
                {
                    end = k;
                }
                else if (k - end > 2 * context)
                {
                    break;
                }
            }

            var stop = Math.Min(script.Count, end + 1 + context);
            var fromStart = script[start].A;
            var toStart = script[start].B;
            var fromCount = 0;
            var toCount = 0;
            for (var k = start; k < stop; k++)
            {
                fromCount += script[k].Kind != '+' ? 1 : 0;
                toCount += script[k].Kind != '-' ? 1 : 0;
            }

            lines.Add($"@@ -{Range(fromStart, fromCount)} +{Range(toStart, toCount)} @@");
            for (var k = start; k < stop; k++)
            {
                lines.Add(script[k].Kind + script[k].Text);
            }

            i = stop;
        }

        return lines;
    }

    private static string Range(int start, int count) => count == 0
        ? FormattableString.Invariant($"{start},0")
        : count == 1 ? FormattableString.Invariant($"{start + 1}") : FormattableString.Invariant($"{start + 1},{count}");

    private static string[] Lines(string text) =>
        text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');

    /// <summary>One line of the edit script: kept (' '), removed ('-') or added ('+'), with its 0-based positions in each text.</summary>
    private readonly record struct Edit(char Kind, string Text, int A, int B);

    private static List<Edit> Script(string[] a, string[] b)
    {
        var n = a.Length;
        var m = b.Length;
        var max = n + m;
        var v = new int[2 * max + 2];
        var trace = new List<int[]>();
        for (var d = 0; d <= max; d++)
        {
            trace.Add((int[])v.Clone());
            for (var k = -d; k <= d; k += 2)
            {
                var x = k == -d || (k != d && v[max + k - 1] < v[max + k + 1]) ? v[max + k + 1] : v[max + k - 1] + 1;
                var y = x - k;
                while (x < n && y < m && string.Equals(a[x], b[y], StringComparison.Ordinal))
                {
                    x++;
                    y++;
                }

                v[max + k] = x;
                if (x >= n && y >= m)
                {
                    return Backtrack(a, b, trace, max, d);
                }
            }
        }

        return [];
    }

    private static List<Edit> Backtrack(string[] a, string[] b, List<int[]> trace, int max, int depth)
    {
        var edits = new List<Edit>();
        var x = a.Length;
        var y = b.Length;
        for (var d = depth; d > 0; d--)
        {
            var v = trace[d];
            var k = x - y;
            var previousK = k == -d || (k != d && v[max + k - 1] < v[max + k + 1]) ? k + 1 : k - 1;
            var previousX = v[max + previousK];
            var previousY = previousX - previousK;
            while (x > previousX && y > previousY)
            {
                x--;
                y--;
                edits.Add(new Edit(' ', a[x], x, y));
            }

            if (x == previousX)
            {
                y--;
                edits.Add(new Edit('+', b[y], x, y));
            }
            else
            {
                x--;
                edits.Add(new Edit('-', a[x], x, y));
            }
        }

        while (x > 0 && y > 0)
        {
            x--;
            y--;
            edits.Add(new Edit(' ', a[x], x, y));
        }

        edits.Reverse();
        return edits;
    }
}
