namespace Registry.Cli.Tests;

/// <summary>Schemas the remote tests register.</summary>
internal static class SchemaFiles
{
    public const string Person = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"number"}},"required":["name"],"additionalProperties":false}""";

    /// <summary><see cref="Person"/> with an optional email: compatible (the model is closed).</summary>
    public const string PersonWithEmail = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"number"},"email":{"type":"string"}},"required":["name"],"additionalProperties":false}""";

    /// <summary><see cref="Person"/> with age narrowed to integer: incompatible under BACKWARD.</summary>
    public const string PersonWithIntegerAge = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name"],"additionalProperties":false}""";
}
