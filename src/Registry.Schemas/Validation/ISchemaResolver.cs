namespace Registry.Schemas.Validation;

/// <summary>
/// Supplies schema documents referenced by URI from other documents (<c>$ref</c> to another resource). The registry
/// implements it over registered schemas; tests serve the conformance suite's remotes through it.
/// </summary>
public interface ISchemaResolver
{
    /// <summary>
    /// Finds the document published at <paramref name="documentUri"/> (absolute, without fragment).
    /// Returns false when the URI is unknown; the compiler then reports an unresolvable reference.
    /// </summary>
    bool TryResolve(Uri documentUri, out ReadOnlyMemory<byte> utf8Schema);
}
