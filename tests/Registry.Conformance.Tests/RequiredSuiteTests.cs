namespace Registry.Conformance.Tests;

/// <summary>The required tests of JSON-Schema-Test-Suite for every supported draft: all must pass.</summary>
public sealed class RequiredSuiteTests
{
    public static TheoryData<string> RequiredFiles() => [.. SuiteRunner.Files(optional: false)];

    [Theory]
    [MemberData(nameof(RequiredFiles))]
    public void Every_required_test_of_the_file_passes(string file)
    {
        var outcome = SuiteRunner.Run(file);

        Assert.True(outcome.Total > 0, "the file holds no test");
        Assert.True(outcome.Failures.Count == 0, string.Join(Environment.NewLine, outcome.Failures));
    }
}
