using Registry.Cli.Terminal;

namespace Registry.Cli.Tests;

public sealed class TextDiffTests
{
    [Fact]
    public void Equal_texts_have_no_diff()
    {
        Assert.Empty(TextDiff.Unified("a", "x\ny\n", "b", "x\ny\n"));
    }

    [Fact]
    public void A_changed_line_is_a_removal_and_an_addition_with_context_in_one_hunk()
    {
        var lines = TextDiff.Unified("old", "1\n2\n3\n4\n5\n", "new", "1\n2\nthree\n4\n5\n", context: 1);

        Assert.Equal(["--- old", "+++ new", "@@ -2,3 +2,3 @@", " 2", "-3", "+three", " 4"], lines);
    }

    [Fact]
    public void Changes_far_apart_get_separate_hunks()
    {
        var from = string.Join('\n', Enumerable.Range(1, 20)) + "\n";
        var to = from.Replace("\n2\n", "\ntwo\n", StringComparison.Ordinal).Replace("\n19\n", "\nnineteen\n", StringComparison.Ordinal);

        var lines = TextDiff.Unified("a", from, "b", to, context: 2);

        Assert.Equal(2, lines.Count(l => l.StartsWith("@@", StringComparison.Ordinal)));
        Assert.Contains("-2", lines);
        Assert.Contains("+nineteen", lines);
    }

    [Fact]
    public void Additions_at_the_end_and_removals_at_the_start_are_found()
    {
        var lines = TextDiff.Unified("a", "x\ny\n", "b", "y\nz\n");

        Assert.Equal(["--- a", "+++ b", "@@ -1,2 +1,2 @@", "-x", " y", "+z"], lines);
    }
}
