using System.Collections.Concurrent;
using System.Text.Json;
using Registry.Schemas.Loading;

namespace Registry.Schemas.Validation.Compilation;

/// <summary>
/// The official meta-schemas of every supported draft, embedded in the assembly so that <c>$schema</c> and references
/// to them resolve without the network. Each is compiled once per process, on first use.
/// </summary>
internal static class MetaSchemas
{
    private static readonly Lazy<Dictionary<string, byte[]>> Documents = new(Load);
    private static readonly ConcurrentDictionary<JsonSchemaDraft, Lazy<CompiledSchema?>> CompiledByDraft = new();

    public static bool TryGetBundled(string uri, out ReadOnlyMemory<byte> bytes)
    {
        if (Documents.Value.TryGetValue(uri.TrimEnd('#'), out var found))
        {
            bytes = found;
            return true;
        }

        bytes = default;
        return false;
    }

    public static bool IsBundled(string uri) => Documents.Value.ContainsKey(uri.TrimEnd('#'));

    public static string UriOf(JsonSchemaDraft draft) => draft switch
    {
        JsonSchemaDraft.Draft4 => "http://json-schema.org/draft-04/schema",
        JsonSchemaDraft.Draft6 => "http://json-schema.org/draft-06/schema",
        JsonSchemaDraft.Draft7 => "http://json-schema.org/draft-07/schema",
        JsonSchemaDraft.Draft201909 => "https://json-schema.org/draft/2019-09/schema",
        _ => "https://json-schema.org/draft/2020-12/schema",
    };

    /// <summary>The compiled meta-schema of a draft (null only if the bundled copy were broken).</summary>
    public static CompiledSchema? Compiled(JsonSchemaDraft draft)
        => CompiledByDraft.GetOrAdd(draft, static d => new Lazy<CompiledSchema?>(() => CompileBundled(d))).Value;

    private static CompiledSchema? CompileBundled(JsonSchemaDraft draft)
    {
        var uri = UriOf(draft);
        var bytes = Documents.Value[uri];
        var session = new CompilerSession(new SchemaCompilerOptions { DefaultDraft = draft }, metaValidate: false, new WorkBudget());
        return session.CompileRoot(bytes, uri, uri).Schema;
    }

    private static Dictionary<string, byte[]> Load()
    {
        var assembly = typeof(MetaSchemas).Assembly;
        var documents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith("metaschema:", StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var bytes = memory.ToArray();
            using var json = JsonDocument.Parse(bytes);
            var root = json.RootElement;
            if (root.TryGetProperty("$id", out var id) || root.TryGetProperty("id", out id))
            {
                documents[id.GetString()!.TrimEnd('#')] = bytes;
            }
        }

        return documents;
    }
}
