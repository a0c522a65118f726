using System.Reflection;
using System.Text.Json;

namespace Registry.Server.Confluent;

/// <summary>The root, contexts and server metadata.</summary>
internal sealed partial class ConfluentHandlers
{
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    /// <summary>Only the default context exists: subjects named <c>:.ctx:name</c> are accepted as plain names.</summary>
    private static readonly byte[] ContextsBody = "[\".\"]"u8.ToArray();

    private static readonly byte[] ClusterIdBody = JsonSerializer.SerializeToUtf8Bytes(
        new ConfluentClusterIdResponse(new ConfluentScope([], new Dictionary<string, string>(StringComparer.Ordinal) { ["schema-registry-cluster"] = "schema-registry" })),
        ConfluentJsonContext.Wire.ConfluentClusterIdResponse);

    private static readonly byte[] VersionBody = JsonSerializer.SerializeToUtf8Bytes(ServerVersionInfo(), ConfluentJsonContext.Wire.ConfluentVersionInfo);

    /// <summary><c>GET /</c> and <c>POST /</c>: an empty object, used as a liveness check.</summary>
    public static Task Root(HttpContext context) => ConfluentHttp.WriteBytesAsync(context, EmptyObject);

    /// <summary><c>GET /contexts</c></summary>
    public static Task Contexts(HttpContext context) => ConfluentHttp.WriteBytesAsync(context, ContextsBody);

    /// <summary><c>GET /v1/metadata/id</c></summary>
    public static Task ClusterId(HttpContext context) => ConfluentHttp.WriteBytesAsync(context, ClusterIdBody);

    /// <summary><c>GET /v1/metadata/version</c>: this server's version and, when the build recorded it, its commit.</summary>
    public static Task ServerVersion(HttpContext context) => ConfluentHttp.WriteBytesAsync(context, VersionBody);

    private static ConfluentVersionInfo ServerVersionInfo()
    {
        var assembly = typeof(ConfluentHandlers).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var version = assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        string? commit = null;
        if (informational is not null && informational.IndexOf('+', StringComparison.Ordinal) is var plus and >= 0)
        {
            commit = informational[(plus + 1)..];
        }

        return new ConfluentVersionInfo(version, commit);
    }
}
