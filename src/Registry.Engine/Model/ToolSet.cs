namespace Registry.Engine.Model;

/// <summary>One tool of a stored tool set: a subject's schema (at a version, the latest, or an alias) as a tool's input schema.</summary>
/// <param name="Subject">The subject whose schema is the tool's input schema.</param>
/// <param name="Version">The version: a number, <c>latest</c>, or <c>@alias</c>; resolved when the set is read.</param>
/// <param name="Name">The tool (function) name sent to the provider.</param>
/// <param name="Description">What the tool does, for the model; may be null.</param>
/// <param name="Strict">Whether the tool is sent in strict mode (the strict profiles check only strict tools).</param>
public sealed record ToolSetMember(string Subject, string Version, string Name, string? Description, bool Strict);

/// <summary>A named set of tool definitions, checked and exported as one request.</summary>
/// <param name="Name">The set's name.</param>
/// <param name="Tools">The tools, in the order they are sent.</param>
/// <param name="UpdatedAt">Last write.</param>
/// <param name="UpdatedBy">Who wrote it last, when known.</param>
public sealed record ToolSetRecord(string Name, IReadOnlyList<ToolSetMember> Tools, DateTimeOffset UpdatedAt, string? UpdatedBy);

/// <summary>The rules of tool-set names and sizes.</summary>
public static class ToolSetRules
{
    /// <summary>Longest tool-set name.</summary>
    public const int MaxNameLength = 128;

    /// <summary>Most tools in one set (OpenAI's per-request limit is 128; the sets are checked against each profile's own).</summary>
    public const int MaxTools = 256;

    /// <summary>Longest tool name or description accepted in a set (providers' own, shorter, limits are lint rules).</summary>
    public const int MaxTextLength = 4096;

    /// <summary>Null when <paramref name="name"/> is a valid tool-set name (1 to 128 of A-Z, a-z, 0-9, <c>._-</c>, not starting with '.'), else why not.</summary>
    public static string? Check(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            return $"A tool-set name has 1 to {MaxNameLength} characters.";
        }

        if (name[0] == '.')
        {
            return "A tool-set name does not start with '.'.";
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return "A tool-set name uses only A-Z, a-z, 0-9, '.', '_' and '-'.";
            }
        }

        return null;
    }
}
