using Registry.Schemas.Validation;
using Registry.Testing;

namespace Registry.Schemas.Tests.Compatibility;

/// <summary>
/// Serves the test suite's remotes (<c>http://localhost:1234/</c>) and the official meta-schemas from the shared
/// folder, so that suite schemas referring to either resolve.
/// </summary>
internal sealed class SharedSchemas : ISchemaResolver
{
    public static SharedSchemas Instance { get; } = new();

    public bool TryResolve(Uri documentUri, out ReadOnlyMemory<byte> utf8Schema)
    {
        utf8Schema = default;
        var text = documentUri.OriginalString.TrimEnd('#');
        string? path = null;
        if (text.StartsWith("http://localhost:1234/", StringComparison.Ordinal))
        {
            path = RepositoryPaths.SharedPath("json-schema-test-suite", "remotes", text["http://localhost:1234/".Length..]);
        }
        else
        {
            foreach (var (prefix, folder) in (ReadOnlySpan<(string, string)>)[
                         ("https://json-schema.org/draft/2020-12/", "2020-12"), ("https://json-schema.org/draft/2019-09/", "2019-09"),
                         ("http://json-schema.org/draft-07/", "draft-07"), ("http://json-schema.org/draft-06/", "draft-06"),
                         ("http://json-schema.org/draft-04/", "draft-04")])
            {
                if (text.StartsWith(prefix, StringComparison.Ordinal))
                {
                    var rest = text[prefix.Length..];
                    path = RepositoryPaths.SharedPath("json-schema-metaschemas", folder, rest == "schema" ? "schema.json" : rest + ".json");
                }
            }
        }

        if (path is null || !File.Exists(path))
        {
            return false;
        }

        utf8Schema = File.ReadAllBytes(path);
        return true;
    }
}
