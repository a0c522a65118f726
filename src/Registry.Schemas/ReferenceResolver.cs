using Registry.Schemas.Validation;

namespace Registry.Schemas;

/// <summary>
/// Serves the documents a schema references (transitively) to the compiler. A reference named <c>address.json</c>
/// is found at its URI resolved against <see cref="BaseUri"/> (where a schema without <c>$id</c> lives), and, for
/// schemas with an <c>$id</c> of their own, at any URI whose path ends with <c>/address.json</c>.
/// </summary>
public sealed class ReferenceResolver : ISchemaResolver
{
    /// <summary>The retrieval URI given to registered schemas; relative reference names resolve against it.</summary>
    public static readonly Uri BaseUri = new("https://registry.invalid/schemas/root");

    /// <summary>A resolver with no documents.</summary>
    public static readonly ReferenceResolver Empty = new([]);

    private readonly Dictionary<string, ReadOnlyMemory<byte>> _byUri = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, ReadOnlyMemory<byte>>> _byRelativeName = [];

    /// <summary>Creates a resolver over (reference name, schema content) pairs; the first of a repeated name wins.</summary>
    public ReferenceResolver(IReadOnlyList<KeyValuePair<string, ReadOnlyMemory<byte>>> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        foreach (var (name, content) in documents)
        {
            if (!Uri.TryCreate(BaseUri, name, out var absolute))
            {
                continue;
            }

            _byUri.TryAdd(WithoutFragment(absolute), content);
            if (!Uri.TryCreate(name, UriKind.Absolute, out _))
            {
                _byRelativeName.Add(new KeyValuePair<string, ReadOnlyMemory<byte>>("/" + name.TrimStart('/'), content));
            }
        }
    }

    /// <summary>Documents served.</summary>
    public int Count => _byUri.Count;

    /// <inheritdoc />
    public bool TryResolve(Uri documentUri, out ReadOnlyMemory<byte> utf8Schema)
    {
        ArgumentNullException.ThrowIfNull(documentUri);
        var key = WithoutFragment(documentUri);
        if (_byUri.TryGetValue(key, out utf8Schema))
        {
            return true;
        }

        foreach (var (suffix, content) in _byRelativeName)
        {
            if (key.EndsWith(suffix, StringComparison.Ordinal))
            {
                utf8Schema = content;
                return true;
            }
        }

        utf8Schema = default;
        return false;
    }

    private static string WithoutFragment(Uri uri)
    {
        if (!uri.IsAbsoluteUri)
        {
            return uri.OriginalString;
        }

        var text = uri.AbsoluteUri;
        var hash = text.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? text : text[..hash];
    }
}
