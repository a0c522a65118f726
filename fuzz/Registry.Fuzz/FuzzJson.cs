using System.Text.Json.Serialization;

namespace Registry.Fuzz;

/// <summary>Source-generated JSON for the harness (strings written as JSON literals).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class FuzzJson : JsonSerializerContext;
