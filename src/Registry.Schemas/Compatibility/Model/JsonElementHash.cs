using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Registry.Schemas.Validation.Json;

namespace Registry.Schemas.Compatibility.Model;

/// <summary>
/// The keyed hash of <see cref="JsonValueHash"/> for <see cref="JsonElement"/>s, consistent with
/// <see cref="JsonElement.DeepEquals"/> (numbers by value, objects unordered), so that the checker's sets of values
/// (<c>enum</c>, <c>const</c>, <c>uniqueItems</c> of sample instances) cost a lookup per value, not a scan.
/// </summary>
internal static class JsonElementHash
{
    public static ulong Of(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return JsonValueHash.NullKey;
            case JsonValueKind.False:
                return JsonValueHash.FalseKey;
            case JsonValueKind.True:
                return JsonValueHash.TrueKey;
            case JsonValueKind.Number:
                return JsonValueHash.Number(JsonMarshal.GetRawUtf8Value(value));
            case JsonValueKind.String:
                return String(value);
            case JsonValueKind.Array:
            {
                var h = JsonValueHash.Mix(JsonValueHash.ArrayKey ^ (ulong)value.GetArrayLength());
                foreach (var item in value.EnumerateArray())
                {
                    h = JsonValueHash.Combine(h, Of(item));
                }

                return h;
            }

            case JsonValueKind.Object:
            {
                var sum = 0UL;
                var count = 0UL;
                foreach (var property in value.EnumerateObject())
                {
                    sum += JsonValueHash.Member(Utf8(property.Name), Of(property.Value));
                    count++;
                }

                return JsonValueHash.Combine(JsonValueHash.Mix(JsonValueHash.ObjectKey ^ count), sum);
            }

            default:
                return 0;
        }
    }

    private static ulong String(JsonElement value)
    {
        // The raw token is the quoted, possibly escaped, text; without a backslash its inside is the value itself.
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length >= 2 && raw[1..^1].IndexOf((byte)'\\') < 0)
        {
            return JsonValueHash.String(raw[1..^1]);
        }

        return Utf8(value.GetString()!);
    }

    private static ulong Utf8(string text)
    {
        byte[]? rented = null;
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var buffer = max <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(max));
        var n = Encoding.UTF8.GetBytes(text, buffer);
        var h = JsonValueHash.String(buffer[..n]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return h;
    }
}

/// <summary>Equality of JSON values as JSON Schema defines it, with the keyed hash.</summary>
internal sealed class JsonValueComparer : IEqualityComparer<JsonElement>
{
    public static readonly JsonValueComparer Instance = new();

    public bool Equals(JsonElement x, JsonElement y) => JsonElement.DeepEquals(x, y);

    public int GetHashCode(JsonElement obj)
    {
        var h = JsonElementHash.Of(obj);
        return (int)h ^ (int)(h >> 32);
    }
}

/// <summary>
/// Membership in the checker's arrays of values (<c>enum</c>, the admitted values of a node). Small arrays are
/// scanned; larger ones get a hash set, built once per array (the arrays are never mutated once built).
/// </summary>
internal static class JsonValueSets
{
    private const int ScanLimit = 8;
    private static readonly ConditionalWeakTable<JsonElement[], HashSet<JsonElement>> Sets = [];

    public static bool Contains(JsonElement[] values, JsonElement value)
    {
        if (values.Length <= ScanLimit)
        {
            foreach (var candidate in values)
            {
                if (JsonElement.DeepEquals(candidate, value))
                {
                    return true;
                }
            }

            return false;
        }

        return Sets.GetValue(values, static v => new HashSet<JsonElement>(v, JsonValueComparer.Instance)).Contains(value);
    }
}
