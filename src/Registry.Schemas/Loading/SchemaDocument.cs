using System.Text;
using Registry.Schemas.Validation.Json;

namespace Registry.Schemas.Loading;

/// <summary>A schema resource found while indexing: a document root or a subschema with an identifier.</summary>
internal sealed class ResourceInfo(SchemaDocument document, int token, string uri, Dialect dialect)
{
    public SchemaDocument Document { get; } = document;

    public int Token { get; } = token;

    public string Uri { get; } = uri;

    public Dialect Dialect { get; } = dialect;

    public List<(string Name, int Token)> DynamicAnchors { get; } = [];

    public bool RecursiveAnchor { get; set; }
}

/// <summary>What indexing learnt about one subschema position.</summary>
internal readonly record struct SchemaInfo(string BaseUri, Dialect Dialect, ResourceInfo Resource, bool IsResourceRoot);

/// <summary>
/// What indexing learnt, by token: a slot per token of the document (filled as subschemas are indexed) over a list of
/// the subschemas found, so a lookup is an array read and indexing a large document allocates two arrays.
/// </summary>
internal sealed class SchemaInfoTable
{
    private readonly List<SchemaInfo> _infos = [];
    private int[] _slots = [];

    public bool TryGetValue(int token, out SchemaInfo info)
    {
        var slot = (uint)token < (uint)_slots.Length ? _slots[token] : 0;
        info = slot > 0 ? _infos[slot - 1] : default;
        return slot > 0;
    }

    public SchemaInfo this[int token]
    {
        set
        {
            if (token >= _slots.Length)
            {
                System.Array.Resize(ref _slots, Math.Max(token + 1, _slots.Length * 2));
            }

            if (_slots[token] > 0)
            {
                _infos[_slots[token] - 1] = value;
                return;
            }

            _infos.Add(value);
            _slots[token] = _infos.Count;
        }
    }

    /// <summary>Room for a document of <paramref name="tokens"/> tokens, so that indexing it does not grow the table.</summary>
    public void Reserve(int tokens)
    {
        if (tokens > _slots.Length)
        {
            System.Array.Resize(ref _slots, tokens);
        }
    }
}

/// <summary>One parsed schema document (the root, a remote, or a bundled meta-schema) and its index.</summary>
internal sealed class SchemaDocument
{
    public SchemaDocument(string uri, JsonTape tape, string label)
    {
        Uri = uri;
        Tape = tape;
        Label = label;
    }

    /// <summary>The retrieval URI ("" for a root schema without one).</summary>
    public string Uri { get; }

    /// <summary>How errors name this document ("" for the root document).</summary>
    public string Label { get; }

    public JsonTape Tape { get; }

    public SchemaInfoTable Info { get; } = new();

    public List<ResourceInfo> Resources { get; } = [];

    public bool Indexed { get; set; }

    public ReadOnlySpan<byte> Bytes(int token) => Tape.Bytes(token);

    public string String(int token) => Encoding.UTF8.GetString(Tape.Bytes(token));

    public JsonKind Kind(int token) => Tape.Tokens[token].Kind;

    public int Property(int obj, string name)
        => Tape.Tokens[obj].Kind == JsonKind.Object ? FindProperty(obj, name) : -1;

    // Indexing looks up some twenty keywords per subschema, all ASCII: those are compared with the member names as
    // they are, without encoding the name (or zeroing a buffer for it) per lookup.
    private int FindProperty(int obj, string name)
    {
        if (!Ascii.IsValid(name))
        {
            return Tape.FindProperty(Tape.OwnedBytes, obj, Encoding.UTF8.GetBytes(name));
        }

        var tokens = Tape.Tokens;
        var count = tokens[obj].Length;
        var i = obj + 1;
        for (var m = 0; m < count; m++)
        {
            var member = Tape.Bytes(i);
            if (member.Length == name.Length && Ascii.Equals(member, name))
            {
                return i + 1;
            }

            i = tokens[i + 1].Next;
        }

        return -1;
    }

    /// <summary>The innermost resource whose subtree contains <paramref name="token"/>.</summary>
    public ResourceInfo? EnclosingResource(int token)
    {
        ResourceInfo? best = null;
        foreach (var r in Resources)
        {
            if (r.Token <= token && token < Tape.Tokens[r.Token].Next && (best is null || r.Token > best.Token))
            {
                best = r;
            }
        }

        return best;
    }

    /// <summary>The JSON pointer of a token (for keyword paths).</summary>
    public string PointerOf(int token)
    {
        var sb = new StringBuilder();
        var tokens = Tape.Tokens;
        var current = 0;
        while (current != token)
        {
            ref var t = ref tokens[current];
            var child = current + 1;
            var found = false;
            for (var m = 0; m < t.Length && !found; m++)
            {
                var value = t.Kind == JsonKind.Object ? child + 1 : child;
                if (token >= value && token < tokens[value].Next)
                {
                    sb.Append('/');
                    if (t.Kind == JsonKind.Object)
                    {
                        Validation.Evaluation.Evaluator.AppendPointerSegment(sb, String(child));
                    }
                    else
                    {
                        sb.Append(m);
                    }

                    current = value;
                    found = true;
                }

                child = tokens[value].Next;
            }

            if (!found)
            {
                break;
            }
        }

        return sb.ToString();
    }

    /// <summary>Follows a JSON pointer (already percent-decoded) from <paramref name="from"/>; -1 when it leads nowhere.</summary>
    public int Follow(int from, string pointer)
    {
        if (pointer.Length == 0)
        {
            return from;
        }

        if (pointer[0] != '/')
        {
            return -1;
        }

        var current = from;
        foreach (var raw in pointer[1..].Split('/'))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            ref var t = ref Tape.Tokens[current];
            if (t.Kind == JsonKind.Object)
            {
                current = FindProperty(current, segment);
                if (current < 0)
                {
                    return -1;
                }
            }
            else if (t.Kind == JsonKind.Array)
            {
                if (!int.TryParse(segment, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
                    || index >= t.Length || (segment.Length > 1 && segment[0] == '0'))
                {
                    return -1;
                }

                var child = current + 1;
                for (var i = 0; i < index; i++)
                {
                    child = Tape.Tokens[child].Next;
                }

                current = child;
            }
            else
            {
                return -1;
            }
        }

        return current;
    }
}
