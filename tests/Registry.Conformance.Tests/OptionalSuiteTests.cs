using System.Text;
using Registry.Testing;

namespace Registry.Conformance.Tests;

/// <summary>
/// The optional folders of the suite (format assertion, bignum, ECMA-262 regex, ...): they run, and their pass counts
/// are written to the test output and to <c>artifacts/conformance/optional.txt</c>; they do not gate the build.
/// </summary>
public sealed class OptionalSuiteTests(ITestOutputHelper output)
{
    [Fact]
    public void Optional_suites_run_and_their_pass_counts_are_reported()
    {
        var report = new StringBuilder();
        var perDraft = new SortedDictionary<string, (int Passed, int Total)>(StringComparer.Ordinal);
        var failures = new StringBuilder();
        foreach (var file in SuiteRunner.Files(optional: true))
        {
            var outcome = SuiteRunner.Run(file);
            var draft = file[..file.IndexOf('/', StringComparison.Ordinal)];
            var (p, t) = perDraft.GetValueOrDefault(draft);
            perDraft[draft] = (p + outcome.Passed, t + outcome.Total);
            report.AppendLine($"{file},{outcome.Passed},{outcome.Total}");
            foreach (var failure in outcome.Failures)
            {
                failures.AppendLine(failure);
            }
        }

        var summary = new StringBuilder("draft,optional_passed,optional_total").AppendLine();
        foreach (var (draft, (passed, total)) in perDraft)
        {
            summary.AppendLine($"{draft},{passed},{total}");
        }

        output.WriteLine(summary.ToString());
        var directory = Path.Combine(RepositoryPaths.Root, "artifacts", "conformance");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "optional.txt"), summary + Environment.NewLine + "file,passed,total" + Environment.NewLine + report);
        File.WriteAllText(Path.Combine(directory, "optional-failures.txt"), failures.ToString());

        Assert.Equal(5, perDraft.Count);
        Assert.All(perDraft.Values, v => Assert.True(v.Total > 0));
    }
}
