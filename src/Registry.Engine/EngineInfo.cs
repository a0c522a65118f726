using Registry.Schemas.Artifacts;

namespace Registry.Engine;

/// <summary>Facts about the engine build.</summary>
public static class EngineInfo
{
    /// <summary>The schema types the engine can register: JSON and every artifact type (<see cref="ArtifactTypes"/>).</summary>
    public static IReadOnlyList<string> SupportedSchemaTypes { get; } = Types();

    private static string[] Types()
    {
        var names = new string[ArtifactTypes.All.Count + 1];
        names[0] = ArtifactTypes.Json;
        for (var i = 0; i < ArtifactTypes.All.Count; i++)
        {
            names[i + 1] = ArtifactTypes.All[i].Name;
        }

        return names;
    }
}
