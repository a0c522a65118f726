namespace Registry.Schemas.Validation;

/// <summary>
/// How the schema library words a keyword that holds the wrong value, in one place, so that the compiler (and through
/// it the server and the CLI's validate) and the compatibility checker (the CLI's compat) say the same thing.
/// </summary>
internal static class KeywordMessages
{
    /// <summary>The seven type names of JSON Schema.</summary>
    public static readonly string[] TypeNames = ["null", "boolean", "object", "array", "number", "integer", "string"];

    /// <summary>"'strng' is not a JSON Schema type; did you mean 'string'? (the types are ...)".</summary>
    public static string NotAType(string name)
    {
        var suggestion = Closest(name);
        var hint = suggestion is null ? string.Empty : $"; did you mean '{suggestion}'?";
        return $"'{Quote(name)}' is not a JSON Schema type{hint} (the types are null, boolean, object, array, number, integer and string)";
    }

    /// <summary>True when <paramref name="name"/> is one of <see cref="TypeNames"/>.</summary>
    public static bool IsTypeName(string name) => Array.IndexOf(TypeNames, name) >= 0;

    /// <summary>A schema's text, shortened for quoting.</summary>
    public static string Quote(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");

    private static string? Closest(string name)
    {
        var lower = name.ToLowerInvariant();
        if (IsTypeName(lower))
        {
            // Only the case is wrong: "String".
            return lower;
        }

        string? best = null;
        var bestDistance = 3;
        foreach (var type in TypeNames)
        {
            var distance = Distance(lower, type);
            if (distance < bestDistance)
            {
                best = type;
                bestDistance = distance;
            }
        }

        return best;
    }

    private static int Distance(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 2 || a.Length > 32)
        {
            return int.MaxValue;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
