namespace Registry.Testing;

/// <summary>Locates the repository root and the shared resources beside it (<c>../shared</c>).</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The folder that holds SchemaRegistry.sln.</summary>
    public static string Root => RootPath.Value;

    /// <summary>
    /// The shared resources folder (conformance suite, meta-schemas, validation corpus): <c>$REGISTRY_SHARED_DIR</c>
    /// when set, otherwise <c>../shared</c> beside the repository root (or beside the main checkout of a worktree).
    /// </summary>
    public static string Shared
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("REGISTRY_SHARED_DIR");
            if (!string.IsNullOrEmpty(configured))
            {
                return configured;
            }

            var beside = Path.GetFullPath(Path.Combine(Root, "..", "shared"));
            if (Directory.Exists(beside))
            {
                return beside;
            }

            throw new DirectoryNotFoundException(
                $"The shared resources folder was not found at {beside}; set REGISTRY_SHARED_DIR to its path.");
        }
    }

    /// <summary>A path under the shared resources folder.</summary>
    public static string SharedPath(params string[] parts) => Path.Combine([Shared, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SchemaRegistry.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"SchemaRegistry.sln not found above {AppContext.BaseDirectory}.");
    }
}
