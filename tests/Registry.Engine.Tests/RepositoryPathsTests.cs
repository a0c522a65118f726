using Registry.Testing;

namespace Registry.Engine.Tests;

public sealed class RepositoryPathsTests
{
    [Fact]
    public void Shared_resources_are_found_beside_the_repository()
    {
        Assert.True(File.Exists(RepositoryPaths.SharedPath("json-schema-test-suite", "ABOUT.md")));
        Assert.True(Directory.Exists(RepositoryPaths.SharedPath("json-schema-metaschemas", "2020-12")));
    }
}
