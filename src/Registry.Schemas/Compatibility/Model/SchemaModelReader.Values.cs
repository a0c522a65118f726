using System.Text.Json;
using Registry.Schemas.Loading;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Compatibility.Model;

/// <summary>Reading keyword values: subschemas (built in step with their tokens), names, numbers and counts.</summary>
internal readonly ref partial struct SchemaModelReader
{
    private SchemaModel Child(string location, JsonElement value, int token)
        => _graph.BuildChild(Document, token, value, location, _depth + 1);

    private SchemaModel Schema(string keyword, JsonElement value, int token) => Child(_node.At(keyword), value, token);

    private NamedSchema[] Schemas(string keyword, JsonElement value, int token)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Bad(keyword, "must be an object whose values are schemas");
        }

        var location = _node.At(keyword);
        var result = new List<NamedSchema>();
        var tokens = Document.Tape.Tokens;
        var member = token + 1;
        foreach (var entry in value.EnumerateObject())
        {
            result.Add(new NamedSchema(entry.Name, Child(JsonPointer.Append(location, entry.Name), entry.Value, member + 1)));
            member = tokens[member + 1].Next;
        }

        return [.. result];
    }

    private SchemaModel[] SchemaArray(string keyword, JsonElement value, int token, bool allowEmpty)
    {
        if (value.ValueKind != JsonValueKind.Array || (!allowEmpty && value.GetArrayLength() == 0))
        {
            throw Bad(keyword, allowEmpty ? "must be an array of schemas" : "must be a non-empty array of schemas");
        }

        var location = _node.At(keyword);
        var result = new SchemaModel[value.GetArrayLength()];
        var i = 0;
        var itemToken = token + 1;
        foreach (var item in value.EnumerateArray())
        {
            result[i] = Child(JsonPointer.Append(location, i), item, itemToken);
            itemToken = Document.Tape.Tokens[itemToken].Next;
            i++;
        }

        return result;
    }

    private NamedRequirement[] Requirements(string keyword, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Bad(keyword, "must be an object whose values are arrays of property names");
        }

        var location = _node.At(keyword);
        var result = new List<NamedRequirement>();
        foreach (var entry in value.EnumerateObject())
        {
            result.Add(new NamedRequirement(entry.Name, NamesAt(JsonPointer.Append(location, entry.Name), entry.Value)));
        }

        return [.. result];
    }

    private string[] Names(string keyword, JsonElement value) => NamesAt(_node.At(keyword), value);

    private static string[] NamesAt(string location, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidSchemaException(location, "must be an array of strings");
        }

        var names = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw new InvalidSchemaException(location, "must be an array of strings");
            }

            var name = item.GetString()!;
            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        return [.. names];
    }

    private JsonElement Array(string keyword, JsonElement value)
        => value.ValueKind == JsonValueKind.Array ? value : throw Bad(keyword, "must be an array");

    private string String(string keyword, JsonElement value)
        => value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Bad(keyword, "must be a string");

    private bool Boolean(string keyword, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Bad(keyword, "must be a boolean"),
    };

    private SchemaNumber Number(string keyword, JsonElement value)
        => value.ValueKind == JsonValueKind.Number ? SchemaNumber.From(value) : throw Bad(keyword, "must be a number");

    private long Count(string keyword, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            var number = SchemaNumber.From(value);
            if (number.IsInteger && number.Value >= 0)
            {
                return number.Value >= long.MaxValue ? long.MaxValue : (long)number.Value;
            }
        }

        throw Bad(keyword, "must be a non-negative integer");
    }

    private InvalidSchemaException Bad(string keyword, string message) => new(_node.At(keyword), message);
}
