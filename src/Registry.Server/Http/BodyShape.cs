using System.Globalization;
using System.Text;

namespace Registry.Server.Http;

/// <summary>What a field of a request body must hold.</summary>
internal enum FieldKind
{
    /// <summary>A JSON string.</summary>
    String,

    /// <summary>A JSON integer that fits 32 bits.</summary>
    Integer,

    /// <summary>A JSON integer that fits 64 bits.</summary>
    Long,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>An array of strings.</summary>
    Strings,

    /// <summary>An object whose values are strings.</summary>
    StringMap,

    /// <summary>An object whose values are arrays of strings.</summary>
    StringListMap,

    /// <summary>A string holding an RFC 3339 date-time.</summary>
    DateTime,

    /// <summary>A JSON Schema as a JSON value (object or boolean), or a string holding one.</summary>
    Schema,

    /// <summary>A string holding a JSON Schema's text (the Confluent API's form).</summary>
    SchemaText,

    /// <summary>An object, checked against <see cref="BodyField.Shape"/>.</summary>
    Object,

    /// <summary>An array of objects, each checked against <see cref="BodyField.Shape"/>.</summary>
    Objects,

    /// <summary>An array of any values.</summary>
    Values,
}

/// <summary>What to do with a field a shape does not declare.</summary>
internal enum UnknownFields
{
    /// <summary>Refuse it, suggesting the declared name it resembles (the native API).</summary>
    Refuse,

    /// <summary>
    /// Ignore it, unless it is another spelling of a declared name (<c>schema_type</c> for <c>schemaType</c>), which is
    /// refused with the right name: clients send fields this registry has no use for, but a misspelt one would be
    /// silently lost (the Confluent API).
    /// </summary>
    RefuseMisspelt,
}

/// <summary>One field of a request body.</summary>
/// <param name="Name">The name on the wire.</param>
/// <param name="Kind">What it must hold.</param>
/// <param name="Hint">What the value means, said after the expected type: "a string (a subject name)".</param>
/// <param name="Required">True when the body must carry it (not null).</param>
/// <param name="Shape">For <see cref="FieldKind.Object"/> and <see cref="FieldKind.Objects"/>: the shape of the object(s).</param>
internal sealed record BodyField(string Name, FieldKind Kind, string? Hint = null, bool Required = false, BodyShape? Shape = null);

/// <summary>
/// The fields a JSON request body may carry, with their types, so that a wrong body is answered in the registry's
/// words: the field, what was expected, what came. A body is checked against its shape before it is deserialised, so
/// the serialiser's own messages (type names, paths, reader options) never reach a client.
/// </summary>
internal sealed class BodyShape
{
    public BodyShape(string what, UnknownFields unknown, params BodyField[] fields)
    {
        What = what;
        Unknown = unknown;
        Fields = fields;
    }

    /// <summary>What the body is, for messages: "a registration".</summary>
    public string What { get; }

    public UnknownFields Unknown { get; }

    public IReadOnlyList<BodyField> Fields { get; }

    /// <summary>Names people use for a field, mapped to its name here (<c>compatibility_level</c> → <c>compatibility</c>).</summary>
    public IReadOnlyDictionary<string, string> Aliases { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// True when the handler reports a missing required field itself, with its API's own error code (the Confluent
    /// API's 42201 for a missing schema); the check then leaves required fields to it.
    /// </summary>
    public bool MissingReportedByHandler { get; init; }

    /// <summary>"a JSON object with 'schema' (required), 'schema_type', 'references'".</summary>
    public string Summary()
    {
        var text = new StringBuilder("a JSON object with ");
        for (var i = 0; i < Fields.Count; i++)
        {
            if (i > 0)
            {
                text.Append(i == Fields.Count - 1 ? " and " : ", ");
            }

            text.Append('\'').Append(Fields[i].Name).Append('\'');
            if (Fields[i].Required)
            {
                text.Append(" (required)");
            }
        }

        return text.ToString();
    }

    public BodyField? Find(string name)
    {
        foreach (var field in Fields)
        {
            if (string.Equals(field.Name, name, StringComparison.Ordinal))
            {
                return field;
            }
        }

        return null;
    }

    /// <summary>
    /// The declared name an unknown one stands for: an alias, the same name in another case or separator style
    /// (<c>schemaType</c>, <c>schema_type</c>, <c>SchemaType</c>), or, with <paramref name="typos"/>, a name one or two
    /// letters away.
    /// </summary>
    public string? Suggest(string unknown, bool typos)
    {
        if (Aliases.TryGetValue(unknown, out var alias))
        {
            return alias;
        }

        var normalized = Normalize(unknown);
        foreach (var field in Fields)
        {
            if (Normalize(field.Name) == normalized)
            {
                return field.Name;
            }
        }

        if (Aliases.Count > 0)
        {
            foreach (var (known, target) in Aliases)
            {
                if (Normalize(known) == normalized)
                {
                    return target;
                }
            }
        }

        if (!typos || normalized.Length < 3)
        {
            return null;
        }

        string? best = null;
        var bestDistance = normalized.Length < 6 ? 1 : 2;
        foreach (var field in Fields)
        {
            var distance = Distance(normalized, Normalize(field.Name), bestDistance);
            if (distance <= bestDistance && (best is null || distance < bestDistance))
            {
                best = field.Name;
                bestDistance = distance;
            }
        }

        return best;
    }

    private static string Normalize(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (c is not ('_' or '-' or ' ' or '.'))
            {
                text.Append(char.ToLowerInvariant(c));
            }
        }

        return text.ToString();
    }

    /// <summary>Edit distance (Levenshtein), or more than <paramref name="limit"/> when it is more.</summary>
    private static int Distance(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit || a.Length > 64 || b.Length > 64)
        {
            return limit + 1;
        }

        Span<int> previous = stackalloc int[b.Length + 1];
        Span<int> current = stackalloc int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            current.CopyTo(previous);
        }

        return previous[b.Length];
    }

    /// <summary>What a field kind expects, for messages: "an integer", "a string (a subject name)".</summary>
    public static string Expected(BodyField field)
    {
        var expected = field.Kind switch
        {
            FieldKind.String => "a string",
            FieldKind.Integer or FieldKind.Long => "an integer",
            FieldKind.Boolean => "true or false",
            FieldKind.Strings => "an array of strings",
            FieldKind.StringMap => "an object whose values are strings",
            FieldKind.StringListMap => "an object whose values are arrays of strings",
            FieldKind.DateTime => "a date-time string (RFC 3339, e.g. \"2027-01-31T00:00:00Z\")",
            FieldKind.Schema => "a JSON Schema (an object or a boolean), or a string holding one",
            FieldKind.SchemaText => "a string",
            FieldKind.Object => "an object",
            FieldKind.Objects => "an array of objects",
            _ => "an array",
        };
        return field.Hint is null ? expected : string.Create(CultureInfo.InvariantCulture, $"{expected} ({field.Hint})");
    }
}
