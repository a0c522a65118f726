namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>One difference found by a <see cref="SchemaComparer"/>, classified for the direction it compared in.</summary>
internal sealed record Finding(string Name, string Location, bool Compatible, string Message);
