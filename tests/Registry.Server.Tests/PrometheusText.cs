using System.Globalization;
using System.Text.RegularExpressions;

namespace Registry.Server.Tests;

/// <summary>
/// A strict reader of the Prometheus text exposition format (0.0.4): every line is a HELP, a TYPE or a sample; names
/// and label names are valid; label values are quoted with the format's escapes; a metric's samples follow its TYPE
/// and each family's TYPE comes once; histogram buckets are cumulative and end with <c>+Inf</c> equal to <c>_count</c>.
/// Anything else throws, naming the line.
/// </summary>
internal static partial class PrometheusText
{
    public static IReadOnlyList<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        string? family = null;
        var lines = text.Split('\n');
        Assert.True(text.Length == 0 || text.EndsWith('\n'), "the exposition must end with a line feed");
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            if (line.Length == 0)
            {
                Assert.True(n == lines.Length - 1, $"line {n + 1}: empty line");
                continue;
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                Assert.Matches(HelpLine(), line);
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var m = TypeLine().Match(line);
                Assert.True(m.Success, $"line {n + 1}: bad TYPE: {line}");
                family = m.Groups[1].Value;
                Assert.True(types.TryAdd(family, m.Groups[2].Value), $"line {n + 1}: second TYPE for {family}");
                continue;
            }

            Assert.False(line.StartsWith('#'), $"line {n + 1}: unknown comment {line}");
            var s = SampleLine().Match(line);
            Assert.True(s.Success, $"line {n + 1}: not a sample: {line}");
            var name = s.Groups["name"].Value;
            Assert.True(family is not null && (name == family || name == family + "_bucket" || name == family + "_sum" || name == family + "_count"),
                $"line {n + 1}: {name} is not in the family {family} of the TYPE above it");
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match l in LabelPair().Matches(s.Groups["labels"].Value))
            {
                Assert.True(labels.TryAdd(l.Groups[1].Value, Unescape(l.Groups[2].Value)), $"line {n + 1}: repeated label");
            }

            Assert.Equal(s.Groups["labels"].Value.Length, LabelPair().Matches(s.Groups["labels"].Value).Sum(m => m.Length));
            var value = s.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            samples.Add(new Sample(name, family!, types[family!], labels, value));
        }

        CheckHistograms(samples);
        return samples;
    }

    private static void CheckHistograms(List<Sample> samples)
    {
        foreach (var series in samples.Where(s => s.Type == "histogram" && s.Name.EndsWith("_bucket", StringComparison.Ordinal))
                     .GroupBy(s => s.Family + Key(s.Labels.Where(l => l.Key != "le"))))
        {
            var buckets = series.ToList();
            for (var i = 1; i < buckets.Count; i++)
            {
                Assert.True(buckets[i].Value >= buckets[i - 1].Value, $"{buckets[i].Family}: buckets are not cumulative");
            }

            Assert.Equal("+Inf", buckets[^1].Labels["le"]);
            var count = samples.Single(s => s.Name == buckets[0].Family + "_count" && Key(s.Labels) == Key(buckets[0].Labels.Where(l => l.Key != "le")));
            Assert.Equal(count.Value, buckets[^1].Value);
        }
    }

    private static string Key(IEnumerable<KeyValuePair<string, string>> labels) =>
        string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));

    private static string Unescape(string value) =>
        Regex.Replace(value, @"\\(.)", m => m.Groups[1].Value == "n" ? "\n" : m.Groups[1].Value);

    /// <summary>The value of the one sample with this name and these labels (others may be present), 0 when absent.</summary>
    public static double Value(this IReadOnlyList<Sample> samples, string name, params (string Key, string Value)[] labels)
    {
        var matching = samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
        Assert.True(matching.Count <= 1, $"{matching.Count} series of {name} match");
        return matching.Count == 0 ? 0 : matching[0].Value;
    }

    [GeneratedRegex("^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$")]
    private static partial Regex HelpLine();

    [GeneratedRegex("^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>(?:[^"}]|"(?:[^"\\\n]|\\.)*")*)\})? (?<value>[-+]?(?:[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf|NaN))$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)",?""")]
    private static partial Regex LabelPair();

    public sealed record Sample(string Name, string Family, string Type, IReadOnlyDictionary<string, string> Labels, double Value);
}
