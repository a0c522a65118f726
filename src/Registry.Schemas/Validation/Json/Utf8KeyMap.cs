using System.Runtime.CompilerServices;

namespace Registry.Schemas.Validation.Json;

/// <summary>
/// An immutable map from UTF-8 keys to dense indexes, built at compile time and probed allocation-free at validation
/// time. Small maps scan (length first), larger ones hash with open addressing.
/// </summary>
internal sealed class Utf8KeyMap
{
    private const int ScanLimit = 8;
    private readonly byte[][] _keys;
    private readonly int[] _table; // slot -> key index, -1 empty
    private readonly int _mask;

    public Utf8KeyMap(IReadOnlyList<byte[]> keys)
    {
        _keys = [.. keys];
        if (_keys.Length <= ScanLimit)
        {
            _table = [];
            return;
        }

        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)_keys.Length * 2);
        _table = new int[size];
        _mask = size - 1;
        Array.Fill(_table, -1);
        for (var i = 0; i < _keys.Length; i++)
        {
            var slot = (int)(JsonTapeBuilder.Hash(_keys[i]) & (ulong)_mask);
            while (_table[slot] >= 0)
            {
                slot = (slot + 1) & _mask;
            }

            _table[slot] = i;
        }
    }

    public int Count => _keys.Length;

    public byte[] Key(int index) => _keys[index];

    /// <summary>The index of <paramref name="key"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ReadOnlySpan<byte> key)
    {
        var keys = _keys;
        if (keys.Length <= ScanLimit)
        {
            for (var i = 0; i < keys.Length; i++)
            {
                var k = keys[i];
                if (k.Length == key.Length && key.SequenceEqual(k))
                {
                    return i;
                }
            }

            return -1;
        }

        return FindHashed(key);
    }

    private int FindHashed(ReadOnlySpan<byte> key)
    {
        var slot = (int)(JsonTapeBuilder.Hash(key) & (ulong)_mask);
        while (true)
        {
            var index = _table[slot];
            if (index < 0)
            {
                return -1;
            }

            var k = _keys[index];
            if (k.Length == key.Length && key.SequenceEqual(k))
            {
                return index;
            }

            slot = (slot + 1) & _mask;
        }
    }
}
