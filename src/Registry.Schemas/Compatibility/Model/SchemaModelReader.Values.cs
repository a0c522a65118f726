using Registry.Schemas.Loading;
using Registry.Schemas.Validation;
using Registry.Schemas.Validation.Json;

namespace Registry.Schemas.Compatibility.Model;

/// <summary>Reading keyword values from their tokens: subschemas, names, numbers and counts.</summary>
internal readonly ref partial struct SchemaModelReader
{
    private SchemaModel Child(string location, int token)
        => _graph.BuildChild(Document, token, location, _depth + 1);

    private SchemaModel Schema(string keyword, int token) => Child(_node.At(keyword), token);

    private NamedSchema[] Schemas(string keyword, int token)
    {
        if (Document.Kind(token) != JsonKind.Object)
        {
            throw Bad(keyword, "must be an object whose values are schemas");
        }

        var location = _node.At(keyword);
        var tokens = Document.Tape.Tokens;
        var result = new NamedSchema[tokens[token].Length];
        var member = token + 1;
        for (var m = 0; m < result.Length; m++)
        {
            var name = Document.String(member);
            result[m] = new NamedSchema(name, Child(JsonPointer.Append(location, name), member + 1));
            member = tokens[member + 1].Next;
        }

        return result;
    }

    private SchemaModel[] SchemaArray(string keyword, int token, bool allowEmpty)
    {
        var tokens = Document.Tape.Tokens;
        if (Document.Kind(token) != JsonKind.Array || (!allowEmpty && tokens[token].Length == 0))
        {
            throw Bad(keyword, allowEmpty ? "must be an array of schemas" : "must be a non-empty array of schemas");
        }

        var location = _node.At(keyword);
        var result = new SchemaModel[tokens[token].Length];
        var item = token + 1;
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Child(JsonPointer.Append(location, i), item);
            item = tokens[item].Next;
        }

        return result;
    }

    private NamedRequirement[] Requirements(string keyword, int token)
    {
        if (Document.Kind(token) != JsonKind.Object)
        {
            throw Bad(keyword, "must be an object whose values are arrays of property names");
        }

        var location = _node.At(keyword);
        var tokens = Document.Tape.Tokens;
        var result = new NamedRequirement[tokens[token].Length];
        var member = token + 1;
        for (var m = 0; m < result.Length; m++)
        {
            var name = Document.String(member);
            result[m] = new NamedRequirement(name, NamesAt(JsonPointer.Append(location, name), member + 1));
            member = tokens[member + 1].Next;
        }

        return result;
    }

    private string[] Names(string keyword, int token) => NamesAt(_node.At(keyword), token);

    private string[] NamesAt(string location, int token)
    {
        var tokens = Document.Tape.Tokens;
        if (Document.Kind(token) != JsonKind.Array)
        {
            throw new InvalidSchemaException(location, "must be an array of strings");
        }

        var names = new List<string>(tokens[token].Length);
        var item = token + 1;
        for (var i = 0; i < tokens[token].Length; i++)
        {
            if (Document.Kind(item) != JsonKind.String)
            {
                throw new InvalidSchemaException(location, "must be an array of strings");
            }

            var name = Document.String(item);
            if (!names.Contains(name))
            {
                names.Add(name);
            }

            item = tokens[item].Next;
        }

        return [.. names];
    }

    private int Array(string keyword, int token)
        => Document.Kind(token) == JsonKind.Array ? token : throw Bad(keyword, "must be an array");

    private string String(string keyword, int token)
        => Document.Kind(token) == JsonKind.String ? Document.String(token) : throw Bad(keyword, "must be a string");

    /// <summary>An annotation's text: a string as it is, any other value as its JSON.</summary>
    private string Text(int token)
        => Document.Kind(token) == JsonKind.String ? Document.String(token) : new JsonRef(Document, token).ToElement().GetRawText();

    private bool Boolean(string keyword, int token) => Document.Kind(token) switch
    {
        JsonKind.True => true,
        JsonKind.False => false,
        _ => throw Bad(keyword, "must be a boolean"),
    };

    private SchemaNumber Number(string keyword, int token)
        => Document.Kind(token) == JsonKind.Number ? SchemaNumber.From(new JsonRef(Document, token)) : throw Bad(keyword, "must be a number");

    private long Count(string keyword, int token)
    {
        if (Document.Kind(token) == JsonKind.Number)
        {
            var number = SchemaNumber.From(new JsonRef(Document, token));
            if (number.IsInteger && number.Value >= 0)
            {
                return number.Value >= long.MaxValue ? long.MaxValue : (long)number.Value;
            }
        }

        throw Bad(keyword, "must be a non-negative integer");
    }

    private InvalidSchemaException Bad(string keyword, string message) => new(_node.At(keyword), message);
}
