namespace Registry.Engine.Model;

/// <summary>
/// A reference from a schema to a version of another subject. <see cref="Name"/> is how the referring schema
/// names it in <c>$ref</c> (a URI, absolute or relative to the referring schema's base).
/// </summary>
/// <param name="Name">The URI the referring schema uses.</param>
/// <param name="Subject">The referenced subject.</param>
/// <param name="Version">The referenced version (a number; references pin versions).</param>
public sealed record SchemaReference(string Name, string Subject, int Version);

/// <summary>A version of a subject, by name.</summary>
/// <param name="Subject">The subject.</param>
/// <param name="Version">The version number.</param>
public readonly record struct SubjectVersionRef(string Subject, int Version);
