using System.Text;

namespace Registry.Benchmarks.Output;

/// <summary>
/// The model outputs of <c>benchmarks/jsonrepair/outputs</c> (about 2 KB each, an order extracted from an email), read
/// by both the BenchmarkDotNet runs and the jsonrepair script so that both sides work on the same bytes.
/// </summary>
internal static class ModelOutputSamples
{
    /// <summary>Strict JSON in a <c>```json</c> fence.</summary>
    public const string Fenced = "fenced";

    /// <summary>The same value written with Python and JavaScript habits: unquoted names, single quotes, True/None, trailing commas, a comment.</summary>
    public const string Repairs = "repairs";

    /// <summary>Strict JSON cut off in its last string.</summary>
    public const string Truncated = "truncated";

    /// <summary>The fence with prose before and after (which jsonrepair cannot take).</summary>
    public const string Prose = "prose";

    public static string Directory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SchemaRegistry.sln")))
            {
                return Path.Combine(dir.FullName, "benchmarks", "jsonrepair", "outputs");
            }
        }

        throw new DirectoryNotFoundException("benchmarks/jsonrepair/outputs not found above " + AppContext.BaseDirectory);
    }

    public static byte[] Output(string name) => File.ReadAllBytes(Path.Combine(Directory(), name + ".txt"));

    public static byte[] OrderSchema() => File.ReadAllBytes(Path.Combine(Directory(), "schema.json"));

    /// <summary>A JSON array of <paramref name="count"/> copies of the order (about 2 KB each): a long stream to validate.</summary>
    public static byte[] OrderArray(int count)
    {
        var fenced = Encoding.UTF8.GetString(Output(Fenced));
        var order = fenced["```json\n".Length..fenced.LastIndexOf("\n```", StringComparison.Ordinal)];
        var sb = new StringBuilder("[\n");
        for (var i = 0; i < count; i++)
        {
            sb.Append(i == 0 ? "" : ",\n").Append(order);
        }

        return Encoding.UTF8.GetBytes(sb.Append("\n]").ToString());
    }

    /// <summary>The schema of <see cref="OrderArray"/>: an array of orders.</summary>
    public static byte[] OrderArraySchema()
        => Encoding.UTF8.GetBytes("{\"type\":\"array\",\"items\":" + Encoding.UTF8.GetString(OrderSchema()) + "}");
}
