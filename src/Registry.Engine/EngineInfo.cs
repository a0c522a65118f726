namespace Registry.Engine;

/// <summary>Facts about the engine build.</summary>
public static class EngineInfo
{
    /// <summary>The schema types the engine can register and validate.</summary>
    public static IReadOnlyList<string> SupportedSchemaTypes { get; } = ["JSON"];
}
