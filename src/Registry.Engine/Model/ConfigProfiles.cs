namespace Registry.Engine.Model;

/// <summary>
/// The stored form of a scope's required provider profiles: the names joined by commas (profile names are lower-case
/// letters, digits and '-', so a comma never occurs in one); the empty text is the empty list.
/// </summary>
public static class ConfigProfiles
{
    /// <summary>The stored text of a list of profile names.</summary>
    public static string Format(IReadOnlyList<string> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        return string.Join(',', profiles);
    }

    /// <summary>The list of profile names stored as <paramref name="text"/>.</summary>
    public static IReadOnlyList<string> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 0 ? [] : text.Split(',');
    }
}
