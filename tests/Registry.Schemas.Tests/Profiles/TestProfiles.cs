using Registry.Schemas.Profiles;
using Registry.Schemas.Profiles.Tools;

namespace Registry.Schemas.Tests.Profiles;

/// <summary>The profile entry points with the test's cancellation token.</summary>
internal static class TestProfiles
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static ProfileLintResult Lint(ReadOnlyMemory<byte> schema, Profile profile, ReferenceResolver? resolver = null, ProfileLintOptions? options = null)
        => ProfileLinter.Lint(schema, profile, resolver, options, Token);

    public static IReadOnlyList<ProfileLintResult> LintAll(ReadOnlyMemory<byte> schema, IReadOnlyList<Profile> profiles)
        => ProfileLinter.LintAll(schema, profiles, null, null, Token);

    public static ProfileTransformResult Transform(ReadOnlyMemory<byte> schema, Profile profile, ReferenceResolver? resolver = null, ProfileTransformOptions? options = null)
        => ProfileTransformer.Transform(schema, profile, resolver, options, Token);

    public static ProfileOutputMapper Mapper(ReadOnlyMemory<byte> schema, Profile profile)
        => ProfileOutputMapper.Create(schema, profile, null, null, Token);

    public static ToolSetReport Check(IReadOnlyList<ToolDefinition> tools, Profile profile)
        => ToolSetChecker.Check(tools, profile, null, null, Token);

    public static ToolSetExport ExportTransformed(IReadOnlyList<ToolDefinition> tools, ToolFormat format)
        => ToolSetExporter.ExportTransformed(tools, format, null, null, Token);
}
