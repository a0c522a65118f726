using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Registry.Benchmarks.Compatibility;

/// <summary>
/// Real schemas from the shared validation corpus (<c>$REGISTRY_SHARED_DIR</c>, else <c>../shared</c> beside the
/// repository), and the edited versions the benchmarks compare them with.
/// </summary>
internal static class CompatibilityCorpus
{
    public static byte[] Schema(string name) => File.ReadAllBytes(Path.Combine(SharedFolder(), "validation-corpus", name, "schema.json"));

    /// <summary>A typical evolution step: the description edited and one optional string property added to the first object schema that declares properties.</summary>
    public static byte[] WithOneEdit(byte[] schema, string property = "x_added")
    {
        var root = JsonNode.Parse(schema)!.AsObject();
        root["description"] = "edited";
        FirstWithProperties(root)?.Add(property, new JsonObject { ["type"] = "string" });
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    /// <summary>
    /// The same schema with every definition moved to another name (references follow): nothing changes for
    /// instances, but no location is shared any more, so the comparison has to go keyword by keyword.
    /// </summary>
    public static byte[] WithEveryLocationMoved(byte[] schema)
    {
        var root = JsonNode.Parse(schema)!.AsObject();
        foreach (var keyword in (string[])["$defs", "definitions"])
        {
            if (root[keyword] is JsonObject definitions)
            {
                var moved = new JsonObject();
                foreach (var (name, definition) in definitions.ToList())
                {
                    definitions.Remove(name);
                    moved["moved_" + name] = definition;
                }

                root[keyword] = moved;
            }
        }

        var text = Regex.Replace(root.ToJsonString(), "\"(#/(?:\\$defs|definitions)/)([^\"/]+)", "\"$1moved_$2");
        return Encoding.UTF8.GetBytes(text);
    }

    private static JsonObject? FirstWithProperties(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["properties"] is JsonObject properties)
                {
                    return properties;
                }

                foreach (var (_, child) in obj)
                {
                    if (FirstWithProperties(child) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (FirstWithProperties(item) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static string SharedFolder()
    {
        var configured = Environment.GetEnvironmentVariable("REGISTRY_SHARED_DIR");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SchemaRegistry.sln")))
            {
                var beside = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
                if (Directory.Exists(beside))
                {
                    return beside;
                }
            }
        }

        throw new DirectoryNotFoundException("The shared resources folder was not found; set REGISTRY_SHARED_DIR.");
    }
}
