using Registry.Schemas.Loading;
using Registry.Schemas.Validation.Json;
using Registry.Schemas.Validation.Keywords;

namespace Registry.Schemas.Validation.Compilation;

/// <summary>The keywords of the validation vocabulary: type, enum, const, numeric bounds, lengths, counts, pattern, uniqueItems, dependent requirements.</summary>
internal sealed partial class NodeCompiler
{
    private void CompileValidation()
    {
        if (Prop("type") is var type and >= 0)
        {
            _node.Types = TypeMaskOf(type);
        }

        if (Prop("enum") is var e and >= 0)
        {
            if (doc.Kind(e) == JsonKind.Array)
            {
                _any.Add(new EnumKeyword(Path("enum"), doc.Tape, e));
            }
            else
            {
                session.Error(doc, e, "enum must be an array");
            }
        }

        if (Draft >= JsonSchemaDraft.Draft6 && Prop("const") is var c and >= 0)
        {
            _any.Add(new ConstKeyword(Path("const"), doc.Tape, c));
        }

        if (Prop("multipleOf") is var mo and >= 0 && Number(mo, "multipleOf") is { } divisor)
        {
            if (divisor.Negative || divisor.IsZero)
            {
                session.Error(doc, mo, "multipleOf must be greater than 0");
            }
            else
            {
                _number.Add(new MultipleOfKeyword(Path("multipleOf"), divisor));
            }
        }

        CompileBound("minimum", "exclusiveMinimum", BoundKind.Minimum, BoundKind.ExclusiveMinimum);
        CompileBound("maximum", "exclusiveMaximum", BoundKind.Maximum, BoundKind.ExclusiveMaximum);
        Count("minLength", _string, (p, v) => new LengthKeyword(p, v, isMax: false));
        Count("maxLength", _string, (p, v) => new LengthKeyword(p, v, isMax: true));
        Count("minItems", _array, (p, v) => new CountKeyword(p, v, false, "items"));
        Count("maxItems", _array, (p, v) => new CountKeyword(p, v, true, "items"));
        Count("minProperties", _object, (p, v) => new CountKeyword(p, v, false, "properties"));
        Count("maxProperties", _object, (p, v) => new CountKeyword(p, v, true, "properties"));
        if (Prop("pattern") is var pattern and >= 0 && doc.Kind(pattern) == JsonKind.String
            && CompilePattern(doc.String(pattern), pattern) is { } compiled)
        {
            _string.Add(new PatternKeyword(Path("pattern"), compiled));
        }

        if (Prop("uniqueItems") is var unique and >= 0 && doc.Kind(unique) == JsonKind.True)
        {
            _array.Add(new UniqueItemsKeyword(Path("uniqueItems")));
        }

        var dependentRequired = new List<(byte[], byte[][])>();
        if (Draft >= JsonSchemaDraft.Draft201909 && Prop("dependentRequired") is var dr and >= 0 && doc.Kind(dr) == JsonKind.Object)
        {
            ForEachMember(dr, (name, value) => dependentRequired.Add((name, Strings(value))));
            _object.Add(new DependentRequiredKeyword(Path("dependentRequired"), [.. dependentRequired]));
            dependentRequired.Clear();
        }

        if (Prop("dependencies") is var deps and >= 0 && doc.Kind(deps) == JsonKind.Object)
        {
            ForEachMember(deps, (name, value) =>
            {
                if (doc.Kind(value) == JsonKind.Array)
                {
                    dependentRequired.Add((name, Strings(value)));
                }
            });
            if (dependentRequired.Count > 0)
            {
                _object.Add(new DependentRequiredKeyword(Path("dependencies"), [.. dependentRequired]));
            }
        }
    }

    private byte[][] Strings(int array)
    {
        var list = new List<byte[]>();
        if (doc.Kind(array) == JsonKind.Array)
        {
            ForEachItem(array, item =>
            {
                if (doc.Kind(item) == JsonKind.String)
                {
                    list.Add(doc.Bytes(item).ToArray());
                }
            });
        }

        return [.. list];
    }

    private void CompileBound(string inclusiveName, string exclusiveName, BoundKind inclusive, BoundKind exclusive)
    {
        var bound = Prop(inclusiveName);
        var exclusiveToken = Prop(exclusiveName);
        if (Draft == JsonSchemaDraft.Draft4)
        {
            if (bound >= 0 && Number(bound, inclusiveName) is { } value)
            {
                var isExclusive = exclusiveToken >= 0 && doc.Kind(exclusiveToken) == JsonKind.True;
                _number.Add(new NumberBoundKeyword(Path(isExclusive ? exclusiveName : inclusiveName), isExclusive ? exclusive : inclusive, value));
            }

            return;
        }

        if (bound >= 0 && Number(bound, inclusiveName) is { } b)
        {
            _number.Add(new NumberBoundKeyword(Path(inclusiveName), inclusive, b));
        }

        if (exclusiveToken >= 0 && Number(exclusiveToken, exclusiveName) is { } x)
        {
            _number.Add(new NumberBoundKeyword(Path(exclusiveName), exclusive, x));
        }
    }

    private NumericBound? Number(int token, string keyword)
    {
        if (doc.Kind(token) != JsonKind.Number)
        {
            session.Error(doc, token, $"{keyword} must be a number");
            return null;
        }

        return new NumericBound(doc.Bytes(token));
    }

    private void Count(string keyword, List<Keyword> list, Func<string, long, Keyword> create)
    {
        if (Prop(keyword) is var token and >= 0 && NonNegativeInteger(token, keyword, out var value))
        {
            list.Add(create(Path(keyword), value));
        }
    }

    private bool NonNegativeInteger(int token, string keyword, out long value)
    {
        value = 0;
        if (doc.Kind(token) != JsonKind.Number || !JsonNumber.IsInteger(doc.Bytes(token)) || doc.Bytes(token)[0] == (byte)'-')
        {
            session.Error(doc, token, $"{keyword} must be a non-negative integer");
            return false;
        }

        var bound = new NumericBound(doc.Bytes(token));
        value = bound.IsInt64 ? bound.Int64 : long.MaxValue;
        return true;
    }

    private TypeMask TypeMaskOf(int token)
    {
        if (doc.Kind(token) == JsonKind.String)
        {
            return TypeOf(token);
        }

        if (doc.Kind(token) != JsonKind.Array)
        {
            session.Error(doc, token, "type must be a string or an array of strings");
            return TypeMask.None;
        }

        var mask = TypeMask.None;
        ForEachItem(token, item => mask |= TypeOf(item));
        if (mask == TypeMask.None)
        {
            // "type": [] admits nothing.
            _any.Add(new NeverKeyword(Path("type")));
        }

        return mask;
    }

    private TypeMask TypeOf(int token)
    {
        var name = doc.Kind(token) == JsonKind.String ? doc.String(token) : "";
        var mask = name switch
        {
            "null" => TypeMask.Null,
            "boolean" => TypeMask.Boolean,
            "object" => TypeMask.Object,
            "array" => TypeMask.Array,
            "number" => TypeMask.Number,
            "string" => TypeMask.String,
            "integer" => TypeMask.Integer,
            _ => TypeMask.None,
        };
        if (mask == TypeMask.None)
        {
            session.Error(doc, token, $"unknown type '{name}'");
        }

        return mask;
    }
}
