using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Registry.Schemas.Tests.Output;

/// <summary>
/// Random schemas using the keywords the streaming validator checks early (closed objects, required, maxProperties,
/// maxItems, items and prefixItems, enum, const, maxLength, bounds, patternProperties) and the ones it leaves to
/// completion (anyOf, oneOf, not, if/then, uniqueItems, contains, $defs/$ref, allOf), each with documents valid by
/// construction; and a way to break a valid document at a known byte.
/// </summary>
internal sealed class SchemaShapes
{
    private static readonly string[] Names = ["id", "name", "note", "tags", "items", "x", "nested", "ok", "n"];
    private static readonly string[] Words = ["open", "opened", "closed", "on hold", "o", "é", "line\nbreak", "q\"uote", ""];

    private readonly Random _random;
    private readonly StringBuilder _defs = new();
    private int _defCount;

    private SchemaShapes(Random random) => _random = random;

    /// <summary>A schema and a generator of documents valid against it.</summary>
    public static (string Schema, Func<Random, string> Document) Create(int seed)
    {
        var shapes = new SchemaShapes(new Random(seed));
        var shape = shapes.Shape(3);
        var schema = shape.Schema;
        if (shapes._defCount > 0)
        {
            schema = "{\"allOf\":[" + schema + "],\"$defs\":{" + shapes._defs + "}}";
        }

        return (schema, r => shape.Document(r));
    }

    private sealed record ShapeOf(string Schema, Func<Random, string> Document);

    private static string Q(string s) => JsonSerializer.Serialize(s);

    private ShapeOf Shape(int depth)
    {
        var choice = _random.Next(depth <= 0 ? 4 : 11);
        var shape = choice switch
        {
            0 => StringEnum(),
            1 => StringLength(),
            2 => Integer(),
            3 => Constant(),
            4 or 5 => Object(depth - 1),
            6 or 7 => Array(depth - 1),
            8 => AnyOf(depth - 1),
            9 => Reference(depth - 1),
            _ => Conditional(depth - 1),
        };
        return shape;
    }

    private ShapeOf StringEnum()
    {
        var members = Words.OrderBy(_ => _random.Next()).Take(_random.Next(1, 5)).ToArray();
        return new ShapeOf($$"""{"enum":[{{string.Join(",", members.Select(Q))}}]}""", r => Q(members[r.Next(members.Length)]));
    }

    private ShapeOf StringLength()
    {
        var max = _random.Next(0, 6);
        string[] characters = ["a", "é", "😀", "\"", "\\", "\n"];
        return new ShapeOf($$"""{"type":"string","maxLength":{{max}}}""",
            r => Q(string.Concat(Enumerable.Range(0, r.Next(0, max + 1)).Select(_ => characters[r.Next(characters.Length)]))));
    }

    private ShapeOf Integer()
    {
        var min = _random.Next(-5, 5);
        var max = min + _random.Next(0, 10);
        return new ShapeOf($$"""{"type":"integer","minimum":{{min}},"maximum":{{max}}}""",
            r => r.Next(min, max + 1).ToString(CultureInfo.InvariantCulture) + (r.Next(4) == 0 ? ".0" : ""));
    }

    private ShapeOf Constant()
    {
        string[] values = ["true", "null", "\"fixed\"", "1.5", "[1,\"a\"]", "{\"k\":false}"];
        var value = values[_random.Next(values.Length)];
        return new ShapeOf($$"""{"const":{{value}}}""", _ => value);
    }

    private ShapeOf Object(int depth)
    {
        var count = _random.Next(0, 4);
        var names = Names.OrderBy(_ => _random.Next()).Take(count).ToArray();
        var children = names.Select(_ => Shape(depth)).ToArray();
        var required = names.Where(_ => _random.Next(2) == 0).ToArray();
        var closed = _random.Next(2) == 0;
        var pattern = _random.Next(3) == 0 ? Shape(depth) : null;
        var maxProperties = count + (pattern is null ? 0 : 2) + _random.Next(0, 2);
        var sb = new StringBuilder("{\"type\":\"object\",\"properties\":{");
        sb.Append(string.Join(",", names.Select((n, i) => Q(n) + ":" + children[i].Schema))).Append('}');
        if (required.Length > 0)
        {
            sb.Append(",\"required\":[").Append(string.Join(",", required.Select(Q))).Append(']');
        }

        if (pattern is not null)
        {
            sb.Append(",\"patternProperties\":{\"^p_\":").Append(pattern.Schema).Append('}');
        }

        if (closed)
        {
            sb.Append(",\"additionalProperties\":false");
        }

        if (_random.Next(2) == 0)
        {
            sb.Append(",\"maxProperties\":").Append(maxProperties);
        }

        sb.Append('}');
        return new ShapeOf(sb.ToString(), r =>
        {
            var members = new List<string>();
            for (var i = 0; i < names.Length; i++)
            {
                if (required.Contains(names[i]) || r.Next(2) == 0)
                {
                    members.Add(Q(names[i]) + ":" + children[i].Document(r));
                }
            }

            if (pattern is not null)
            {
                for (var i = r.Next(0, 3); i > 0; i--)
                {
                    members.Add(Q("p_" + i) + ":" + pattern.Document(r));
                }
            }

            members = members.OrderBy(_ => r.Next()).ToList();
            return "{" + string.Join(r.Next(2) == 0 ? "," : " , ", members) + "}";
        });
    }

    private ShapeOf Array(int depth)
    {
        var item = Shape(depth);
        var prefix = _random.Next(3) == 0 ? Shape(depth) : null;
        var max = _random.Next(1, 5);
        var unique = item.Schema.StartsWith("{\"enum\"", StringComparison.Ordinal) && prefix is null && _random.Next(2) == 0;
        var sb = new StringBuilder("{\"type\":\"array\",\"maxItems\":").Append(max);
        if (prefix is not null)
        {
            sb.Append(",\"prefixItems\":[").Append(prefix.Schema).Append(']');
        }

        sb.Append(",\"items\":").Append(item.Schema);
        if (unique)
        {
            sb.Append(",\"uniqueItems\":true");
        }

        sb.Append('}');
        return new ShapeOf(sb.ToString(), r =>
        {
            var n = r.Next(0, max + 1);
            var items = new List<string>();
            for (var i = 0; i < n; i++)
            {
                var value = i == 0 && prefix is not null ? prefix.Document(r) : item.Document(r);
                if (unique && items.Contains(value))
                {
                    continue;
                }

                items.Add(value);
            }

            return "[" + string.Join(",", items) + "]";
        });
    }

    private ShapeOf AnyOf(int depth)
    {
        var a = Shape(depth);
        var b = Shape(depth);
        return new ShapeOf($$"""{"anyOf":[{{a.Schema}},{{b.Schema}}]}""", r => r.Next(2) == 0 ? a.Document(r) : b.Document(r));
    }

    private ShapeOf Reference(int depth)
    {
        var target = Shape(depth);
        var name = "d" + _defCount++;
        if (_defs.Length > 0)
        {
            _defs.Append(',');
        }

        _defs.Append(Q(name)).Append(':').Append(target.Schema);
        var extra = _random.Next(2) == 0 ? ",\"allOf\":[{\"not\":{\"const\":\"never produced\"}}]" : "";
        return new ShapeOf($$"""{"$ref":"#/$defs/{{name}}"{{extra}}}""", target.Document);
    }

    private ShapeOf Conditional(int depth)
    {
        // if it is a string then it is not empty... expressed so that the generated documents satisfy it.
        var inner = Shape(depth);
        return new ShapeOf("{\"allOf\":[" + inner.Schema + "],\"if\":{\"type\":\"string\"},\"then\":{\"not\":{\"const\":\"forbidden\"}}}", inner.Document);
    }
}
