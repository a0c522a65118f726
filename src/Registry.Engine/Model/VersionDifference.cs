using Registry.Schemas.Compatibility;

namespace Registry.Engine.Model;

/// <summary>
/// A difference the compatibility checker found, with the earlier version it was found against named by its number.
/// The checker knows only the index of that version in the list it was given; <see cref="Resolve"/> is the one place
/// where the index becomes a version number, so that every API names the same version.
/// </summary>
/// <param name="Name">The stable name, e.g. <c>TYPE_NARROWED</c>.</param>
/// <param name="Location">A JSON pointer into the schemas.</param>
/// <param name="IsCompatible">False when the difference breaks the level checked.</param>
/// <param name="Message">The difference for humans.</param>
/// <param name="EarlierVersion">The version of the subject the difference was found against, when known.</param>
public sealed record VersionDifference(string Name, string Location, bool IsCompatible, string Message, int? EarlierVersion)
{
    /// <summary>
    /// The checker's differences with their earlier versions resolved: <paramref name="compared"/> lists the version
    /// numbers in the order the checker was given the schemas.
    /// </summary>
    public static IReadOnlyList<VersionDifference> Resolve(IReadOnlyList<SchemaDifference> differences, IReadOnlyList<int> compared)
    {
        ArgumentNullException.ThrowIfNull(differences);
        ArgumentNullException.ThrowIfNull(compared);
        if (differences.Count == 0)
        {
            return [];
        }

        var list = new VersionDifference[differences.Count];
        for (var i = 0; i < list.Length; i++)
        {
            var d = differences[i];
            int? earlier = d.EarlierVersionIndex >= 0 && d.EarlierVersionIndex < compared.Count ? compared[d.EarlierVersionIndex] : null;
            list[i] = new VersionDifference(d.Name, d.Location, d.IsCompatible, d.Message, earlier);
        }

        return list;
    }

    /// <summary>The difference as one line, naming the earlier version when known.</summary>
    public override string ToString() =>
        EarlierVersion is { } v ? $"{Name} at '{Location}' (against version {v}): {Message}" : $"{Name} at '{Location}': {Message}";
}
