using System.Buffers;
using System.Runtime.CompilerServices;

namespace Registry.Schemas.Validation.Json;

/// <summary>
/// A 64-bit hash of JSON values consistent with <see cref="JsonEquality"/> (numbers by value, objects unordered),
/// keyed by a secret drawn once per process for every value kind: null, booleans, numbers, strings, arrays and
/// objects each start from their own random key, and children are combined by a non-linear mix of that key and
/// the child's hash. So no set of distinct values collides whatever the key (a hash linear in its children's, such
/// as <c>31 · h + child</c> over constants for null and booleans, lets anyone build thousands of colliding arrays);
/// collisions happen only by chance, differently in every process. Used by <c>uniqueItems</c> and <c>enum</c>,
/// and by the compatibility checker's value sets (<see cref="Compatibility.Model.JsonElementHash"/>).
/// </summary>
internal static class JsonValueHash
{
    internal static readonly ulong NullKey = Key();
    internal static readonly ulong FalseKey = Key();
    internal static readonly ulong TrueKey = Key();
    internal static readonly ulong NumberKey = Key();
    internal static readonly ulong StringKey = Key();
    internal static readonly ulong ArrayKey = Key();
    internal static readonly ulong ObjectKey = Key();
    internal static readonly ulong MemberKey = Key();

    /// <summary>The hash of the value at <paramref name="token"/> of a tape over <paramref name="json"/>.</summary>
    public static ulong Of(JsonTape tape, ReadOnlySpan<byte> json, int token)
    {
        ref var t = ref tape.Tokens[token];
        switch (t.Kind)
        {
            case JsonKind.Null:
                return NullKey;
            case JsonKind.False:
                return FalseKey;
            case JsonKind.True:
                return TrueKey;
            case JsonKind.Number:
                return Number(tape.Bytes(json, token));
            case JsonKind.String:
            case JsonKind.PropertyName:
                return String(tape.Bytes(json, token));
            case JsonKind.Array:
            {
                var h = Mix(ArrayKey ^ (ulong)t.Length);
                var item = token + 1;
                for (var n = 0; n < t.Length; n++)
                {
                    h = Combine(h, Of(tape, json, item));
                    item = tape.Tokens[item].Next;
                }

                return h;
            }

            default:
            {
                // Members in any order: a sum of one keyed mix per (name, value) pair.
                var sum = 0UL;
                var member = token + 1;
                for (var n = 0; n < t.Length; n++)
                {
                    sum += Member(String(tape.Bytes(json, member)), Of(tape, json, member + 1));
                    member = tape.Tokens[member + 1].Next;
                }

                return Combine(Mix(ObjectKey ^ (ulong)t.Length), sum);
            }
        }
    }

    /// <summary>The hash of a number literal, by value (<c>1</c>, <c>1.0</c> and <c>1e0</c> hash alike).</summary>
    public static ulong Number(ReadOnlySpan<byte> literal)
    {
        byte[]? rented = null;
        var buffer = literal.Length <= 128 ? stackalloc byte[128] : (rented = ArrayPool<byte>.Shared.Rent(literal.Length));
        var n = JsonNumber.Normalize(literal, buffer, out var negative, out var exponent);
        var h = Combine(NumberKey ^ (negative ? 1UL : 0UL), (ulong)exponent);
        h = Combine(h, JsonTapeBuilder.Hash(buffer[..n]));
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return h;
    }

    /// <summary>The hash of a string's unescaped UTF-8 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong String(ReadOnlySpan<byte> utf8) => Combine(StringKey, JsonTapeBuilder.Hash(utf8));

    /// <summary>One object member's contribution to its object's hash.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Member(ulong name, ulong value) => Mix(Combine(MemberKey ^ name, value));

    /// <summary>Ordered combination: a bijective, non-linear mix of the running hash and the next one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Combine(ulong h, ulong next) => Mix((h * 0x9E3779B97F4A7C15UL) ^ next ^ (next >> 29));

    /// <summary>The finaliser of MurmurHash3 (a bijection on 64 bits with good avalanche).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53UL;
        x ^= x >> 33;
        return x;
    }

    private static ulong Key() => (ulong)Random.Shared.NextInt64() ^ ((ulong)Random.Shared.NextInt64() << 1);
}
