using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Registry.Schemas.Validation.Json;

/// <summary>Why a document could not be put on a tape.</summary>
internal enum TapeStatus
{
    Ok,
    Malformed,
    TooDeep,
    TooLarge,
    DuplicateKey,
}

/// <summary>Parses UTF-8 JSON into a <see cref="JsonTape"/> with <see cref="Utf8JsonReader"/> (strict RFC 8259).</summary>
internal static class JsonTapeBuilder
{
    private static readonly ulong HashSeed = (ulong)Random.Shared.NextInt64() | 1;

    /// <summary>
    /// Fills <paramref name="tape"/> from <paramref name="json"/>. On failure <paramref name="errorOffset"/> is the byte
    /// offset of the problem (for <see cref="TapeStatus.DuplicateKey"/>, the token index of the second name).
    /// Does not throw for any input.
    /// </summary>
    public static TapeStatus Build(JsonTape tape, ReadOnlySpan<byte> json, int maxDepth, ref int[]? stack, out long errorOffset)
    {
        tape.Reset();
        errorOffset = 0;
        if (stack is null || stack.Length < maxDepth + 1)
        {
            stack = new int[maxDepth + 1];
        }

        // Utf8JsonReader does not check the UTF-8 inside unescaped strings; RFC 8259 requires it. Vectorised: cheap.
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            errorOffset = FirstInvalidUtf8(json);
            return TapeStatus.Malformed;
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions
        {
            MaxDepth = maxDepth + 2,
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        });
        var depth = 0;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        if (depth >= maxDepth)
                        {
                            errorOffset = reader.TokenStartIndex;
                            return TapeStatus.TooDeep;
                        }

                        CountChild(tape, stack, depth);
                        stack[depth++] = tape.Add((int)reader.TokenStartIndex, 0,
                            (int)(reader.TokenType == JsonTokenType.StartObject ? JsonKind.Object : JsonKind.Array));
                        break;
                    case JsonTokenType.EndObject:
                    {
                        var index = stack[--depth];
                        tape.Tokens[index].Next = tape.Count;
                        if (tape.Tokens[index].Length > 1 && !CheckUniqueNames(tape, json, index, out var dup))
                        {
                            // Close the open containers so that the partial tape can still name the location.
                            for (var d = 0; d < depth; d++)
                            {
                                tape.Tokens[stack[d]].Next = tape.Count;
                            }

                            errorOffset = dup;
                            return TapeStatus.DuplicateKey;
                        }

                        break;
                    }

                    case JsonTokenType.EndArray:
                        tape.Tokens[stack[--depth]].Next = tape.Count;
                        break;
                    case JsonTokenType.PropertyName:
                        tape.Tokens[stack[depth - 1]].Length++;
                        AddString(tape, ref reader, JsonKind.PropertyName);
                        break;
                    case JsonTokenType.String:
                        CountChild(tape, stack, depth);
                        AddString(tape, ref reader, JsonKind.String);
                        break;
                    case JsonTokenType.Number:
                        CountChild(tape, stack, depth);
                        tape.Add((int)reader.TokenStartIndex, reader.ValueSpan.Length, (int)JsonKind.Number);
                        break;
                    case JsonTokenType.True:
                        CountChild(tape, stack, depth);
                        tape.Add((int)reader.TokenStartIndex, 4, (int)JsonKind.True);
                        break;
                    case JsonTokenType.False:
                        CountChild(tape, stack, depth);
                        tape.Add((int)reader.TokenStartIndex, 5, (int)JsonKind.False);
                        break;
                    case JsonTokenType.Null:
                        CountChild(tape, stack, depth);
                        tape.Add((int)reader.TokenStartIndex, 4, (int)JsonKind.Null);
                        break;
                    default:
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            errorOffset = OffsetOf(json, e.LineNumber ?? 0, e.BytePositionInLine ?? 0);
            return TapeStatus.Malformed;
        }
        catch (InvalidOperationException)
        {
            // Unescaping a string whose \u escapes leave a lone surrogate ("\ud800"): the reader accepts the escape,
            // but the text has no UTF-8 form, so the document is refused as malformed at that string.
            errorOffset = reader.TokenStartIndex;
            return TapeStatus.Malformed;
        }

        if (tape.Count == 0)
        {
            errorOffset = json.Length;
            return TapeStatus.Malformed;
        }

        return TapeStatus.Ok;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CountChild(JsonTape tape, int[] stack, int depth)
    {
        if (depth > 0)
        {
            ref var parent = ref tape.Tokens[stack[depth - 1]];
            if (parent.Kind == JsonKind.Array)
            {
                parent.Length++;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddString(JsonTape tape, ref Utf8JsonReader reader, JsonKind kind)
    {
        // Offsets exclude the quotes: TokenStartIndex is the opening quote for strings and property names.
        var start = (int)reader.TokenStartIndex + 1;
        if (!reader.ValueIsEscaped)
        {
            tape.Add(start, reader.ValueSpan.Length, (int)kind);
            return;
        }

        var destination = tape.ReserveSide(reader.ValueSpan.Length);
        var written = reader.CopyString(destination);
        tape.Add(tape.SideLength, written, (int)kind | JsonToken.FlagSideBuffer);
        tape.SideLength += written;
    }

    private static long FirstInvalidUtf8(ReadOnlySpan<byte> json)
    {
        var offset = 0;
        while (offset < json.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(json[offset..], out _, out var consumed) != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return offset;
    }

    /// <summary>Absolute byte offset from the reader's line and byte-in-line position.</summary>
    private static long OffsetOf(ReadOnlySpan<byte> json, long line, long byteInLine)
    {
        long offset = 0;
        for (long l = 0; l < line; l++)
        {
            var nl = json[(int)offset..].IndexOf((byte)'\n');
            if (nl < 0)
            {
                break;
            }

            offset += nl + 1;
        }

        return Math.Min(offset + byteInLine, json.Length);
    }

    /// <summary>True when the member names of an object are distinct; otherwise the second occurrence's token index.</summary>
    private static bool CheckUniqueNames(JsonTape tape, ReadOnlySpan<byte> json, int obj, out int duplicate)
    {
        duplicate = 0;
        var tokens = tape.Tokens;
        var count = tokens[obj].Length;
        if (count <= 16)
        {
            var i = obj + 1;
            for (var a = 0; a < count; a++)
            {
                var nameA = tape.Bytes(json, i);
                var j = tokens[i + 1].Next;
                for (var b = a + 1; b < count; b++)
                {
                    if (tokens[j].Length == nameA.Length && tape.Bytes(json, j).SequenceEqual(nameA))
                    {
                        duplicate = j;
                        return false;
                    }

                    j = tokens[j + 1].Next;
                }

                i = tokens[i + 1].Next;
            }

            return true;
        }

        // Large objects: an open-addressed table of name token indexes, seeded hash (names are attacker-chosen).
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)count * 2);
        var table = ArrayPool<int>.Shared.Rent(size);
        try
        {
            table.AsSpan(0, size).Fill(-1);
            var i = obj + 1;
            for (var m = 0; m < count; m++)
            {
                var name = tape.Bytes(json, i);
                var slot = (int)(Hash(name) & (ulong)(size - 1));
                while (true)
                {
                    var other = table[slot];
                    if (other < 0)
                    {
                        table[slot] = i;
                        break;
                    }

                    if (tape.Bytes(json, other).SequenceEqual(name))
                    {
                        duplicate = i;
                        return false;
                    }

                    slot = (slot + 1) & (size - 1);
                }

                i = tokens[i + 1].Next;
            }

            return true;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(table);
        }
    }

    internal static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        var h = HashSeed ^ (ulong)bytes.Length;
        var i = 0;
        for (; i + 8 <= bytes.Length; i += 8)
        {
            h = (h ^ System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..])) * 0x9E3779B97F4A7C15UL;
            h ^= h >> 29;
        }

        for (; i < bytes.Length; i++)
        {
            h = (h ^ bytes[i]) * 0x100000001B3UL;
        }

        h ^= h >> 32;
        return h * 0xD6E8FEB86659FD93UL;
    }
}
