namespace Registry.Schemas.Validation.Json;

/// <summary>JSON value equality as JSON Schema defines it (numbers by value, objects unordered) across two tapes.</summary>
internal static class JsonEquality
{
    public static bool Equal(JsonTape ta, ReadOnlySpan<byte> da, int a, JsonTape tb, ReadOnlySpan<byte> db, int b)
    {
        ref var x = ref ta.Tokens[a];
        ref var y = ref tb.Tokens[b];
        var kind = x.Kind == JsonKind.PropertyName ? JsonKind.String : x.Kind;
        if (kind != (y.Kind == JsonKind.PropertyName ? JsonKind.String : y.Kind))
        {
            return false;
        }

        switch (kind)
        {
            case JsonKind.Null:
            case JsonKind.True:
            case JsonKind.False:
                return true;
            case JsonKind.Number:
                return JsonNumber.CompareLiterals(ta.Bytes(da, a), tb.Bytes(db, b)) == 0;
            case JsonKind.String:
                return x.Length == y.Length && ta.Bytes(da, a).SequenceEqual(tb.Bytes(db, b));
            case JsonKind.Array:
            {
                if (x.Length != y.Length)
                {
                    return false;
                }

                int i = a + 1, j = b + 1;
                for (var n = 0; n < x.Length; n++)
                {
                    if (!Equal(ta, da, i, tb, db, j))
                    {
                        return false;
                    }

                    i = ta.Tokens[i].Next;
                    j = tb.Tokens[j].Next;
                }

                return true;
            }

            default:
            {
                if (x.Length != y.Length)
                {
                    return false;
                }

                // Members in the same order (the common case: one value written twice) match pairwise; a member
                // out of place is looked for by name.
                int i = a + 1, j = b + 1;
                for (var n = 0; n < x.Length; n++)
                {
                    var name = ta.Bytes(da, i);
                    var other = tb.Bytes(db, j).SequenceEqual(name) ? j + 1 : tb.FindProperty(db, b, name);
                    if (other < 0 || !Equal(ta, da, i + 1, tb, db, other))
                    {
                        return false;
                    }

                    i = ta.Tokens[i + 1].Next;
                    j = tb.Tokens[j + 1].Next;
                }

                return true;
            }
        }
    }
}
