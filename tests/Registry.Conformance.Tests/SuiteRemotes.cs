using Registry.Schemas.Validation;
using Registry.Testing;

namespace Registry.Conformance.Tests;

/// <summary>Serves the suite's <c>remotes/</c> folder as <c>http://localhost:1234/</c>, as its ABOUT.md asks.</summary>
internal sealed class SuiteRemotes : ISchemaResolver
{
    private const string Prefix = "http://localhost:1234/";

    public static SuiteRemotes Instance { get; } = new();

    public bool TryResolve(Uri documentUri, out ReadOnlyMemory<byte> utf8Schema)
    {
        utf8Schema = default;
        var text = documentUri.OriginalString;
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var relative = text[Prefix.Length..];
        var path = Path.GetFullPath(Path.Combine(RepositoryPaths.SharedPath("json-schema-test-suite", "remotes"), relative));
        if (!File.Exists(path))
        {
            return false;
        }

        utf8Schema = File.ReadAllBytes(path);
        return true;
    }
}
