using System.Text;

namespace Registry.Schemas.Tests.Budget;

/// <summary>
/// Builds the attack of finding 7: arrays of null and booleans that all share one value under the hash the validator
/// used before (a constant per kind, <c>h = 31·h + child</c> for arrays): one pair of distinct short arrays with the
/// same hash, found by a birthday search, then every 13-element array of those two gives 2^13 distinct arrays whose
/// hashes are all equal, whatever the process's random seed.
/// </summary>
internal static class LinearHashCollisions
{
    private const int Width = 14;
    private static readonly Lazy<(string P, string Q)> Pair = new(FindPair);

    public static List<string> Arrays(int count)
    {
        var (p, q) = Pair.Value;
        var bits = 0;
        while ((1 << bits) < count)
        {
            bits++;
        }

        var result = new List<string>(count);
        for (var n = 0; n < count; n++)
        {
            var sb = new StringBuilder("[");
            for (var j = 0; j < bits; j++)
            {
                sb.Append(j > 0 ? "," : string.Empty).Append((n & (1 << j)) != 0 ? p : q);
            }

            result.Add(sb.Append(']').ToString());
        }

        return result;
    }

    /// <summary>An array of the same shape as <see cref="Arrays"/>'s, with random members.</summary>
    public static string RandomArray(Random random)
    {
        var sb = new StringBuilder("[");
        for (var j = 0; j < 13; j++)
        {
            sb.Append(j > 0 ? "," : string.Empty).Append(Ternary(random));
        }

        return sb.Append(']').ToString();
    }

    /// <summary>The hash the validator gave a JSON value before keyed hashing (null, booleans and arrays only).</summary>
    public static int OldHash(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return OldHash(document.RootElement);
    }

    private static int OldHash(System.Text.Json.JsonElement value) => value.ValueKind switch
    {
        System.Text.Json.JsonValueKind.Null => 0,
        System.Text.Json.JsonValueKind.False => 1 * 0x3F1A2B,
        System.Text.Json.JsonValueKind.True => 2 * 0x3F1A2B,
        System.Text.Json.JsonValueKind.Array => OldArrayHash(value),
        _ => throw new ArgumentException("only null, booleans and arrays", nameof(value)),
    };

    private static int OldArrayHash(System.Text.Json.JsonElement array)
    {
        unchecked
        {
            var h = 17 + array.GetArrayLength();
            foreach (var item in array.EnumerateArray())
            {
                h = (h * 31) + OldHash(item);
            }

            return h;
        }
    }

    private static (string, string) FindPair()
    {
        var random = new Random(13);
        var seen = new Dictionary<int, string>();
        while (true)
        {
            var candidate = Ternary(random);
            var hash = OldHash(candidate);
            if (seen.TryGetValue(hash, out var other) && other != candidate)
            {
                return (other, candidate);
            }

            seen[hash] = candidate;
        }
    }

    private static string Ternary(Random random)
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i < Width; i++)
        {
            sb.Append(i > 0 ? "," : string.Empty).Append(random.Next(3) switch { 0 => "null", 1 => "false", _ => "true" });
        }

        return sb.Append(']').ToString();
    }
}
