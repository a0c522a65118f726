using System.Xml.Linq;
using Registry.Testing;

namespace Registry.Server.Tests;

/// <summary>The dependency rules of docs/architecture.md, checked against the project files.</summary>
public sealed class ProjectReferencesTests
{
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["Registry.Protocol"] = [],
        ["Registry.Schemas"] = [],
        ["Registry.Engine"] = ["Registry.Schemas"],
        ["Registry.Server"] = ["Registry.Engine", "Registry.Protocol"],
        ["Registry.Client"] = ["Registry.Protocol", "Registry.Schemas"],
        ["Registry.Cli"] = ["Registry.Client", "Registry.Schemas"],
    };

    private static readonly string[] StoragePackages = ["Npgsql", "StackExchange.Redis", "AWSSDK.S3", "Microsoft.Data.Sqlite"];

    [Fact]
    public void Every_project_references_only_what_the_architecture_allows()
    {
        var projects = Directory.GetDirectories(Path.Combine(RepositoryPaths.Root, "src")).Select(Path.GetFileName).ToList();

        Assert.Equal(Allowed.Keys.Order(StringComparer.Ordinal), projects.Order(StringComparer.Ordinal));
        Assert.All(projects, project =>
        {
            var references = Project(project!).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')));
            Assert.All(references, reference => Assert.True(Allowed[project!].Contains(reference), $"{project} references {reference}"));
        });
    }

    [Fact]
    public void Only_the_engine_holds_storage_packages_and_only_the_server_is_a_web_project()
    {
        Assert.All(Allowed.Keys, project =>
        {
            var file = Project(project);
            var packages = file.Descendants("PackageReference").Select(p => p.Attribute("Include")!.Value).ToList();
            if (project != "Registry.Engine")
            {
                Assert.DoesNotContain(packages, StoragePackages.Contains);
            }

            Assert.Equal(project == "Registry.Server", file.Root!.Attribute("Sdk")!.Value == "Microsoft.NET.Sdk.Web");
            Assert.Empty(file.Descendants("FrameworkReference"));
        });
    }

    private static XDocument Project(string name) => XDocument.Load(Path.Combine(RepositoryPaths.Root, "src", name, name + ".csproj"));
}
