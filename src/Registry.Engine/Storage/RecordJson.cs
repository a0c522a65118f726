using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Registry.Engine.Model;

namespace Registry.Engine.Storage;

/// <summary>
/// The JSON forms in which stores keep references, metadata and deprecation info in one column each. Written and
/// read by hand (no reflection), so every store and every cache tier uses the same bytes.
/// </summary>
public static class RecordJson
{
    /// <summary>References as <c>[{"name":..,"subject":..,"version":..}]</c>.</summary>
    public static string WriteReferences(IReadOnlyList<SchemaReference> references)
    {
        return Write(references, static (w, refs) =>
        {
            w.WriteStartArray();
            foreach (var r in refs)
            {
                w.WriteStartObject();
                w.WriteString("name", r.Name);
                w.WriteString("subject", r.Subject);
                w.WriteNumber("version", r.Version);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    /// <summary>Reads what <see cref="WriteReferences"/> wrote.</summary>
    public static IReadOnlyList<SchemaReference> ReadReferences(string? json)
    {
        if (string.IsNullOrEmpty(json) || json == "[]")
        {
            return [];
        }

        using var doc = JsonDocument.Parse(json);
        var list = new List<SchemaReference>(doc.RootElement.GetArrayLength());
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            list.Add(new SchemaReference(
                item.GetProperty("name").GetString()!,
                item.GetProperty("subject").GetString()!,
                item.GetProperty("version").GetInt32()));
        }

        return list;
    }

    /// <summary>
    /// Metadata as <c>{"description":..,"owner":..,"tags":[..],"properties":{..},"contract":{..}}</c>, or null when
    /// empty; <c>contract</c> is the data contract in <see cref="ContractJson"/>'s form.
    /// </summary>
    public static string? WriteMetadata(VersionMetadata metadata)
    {
        if (metadata.IsEmpty)
        {
            return null;
        }

        return Write(metadata, static (w, m) =>
        {
            w.WriteStartObject();
            if (m.Description is not null)
            {
                w.WriteString("description", m.Description);
            }

            if (m.Owner is not null)
            {
                w.WriteString("owner", m.Owner);
            }

            if (m.Tags.Count > 0)
            {
                w.WriteStartArray("tags");
                foreach (var tag in m.Tags)
                {
                    w.WriteStringValue(tag);
                }

                w.WriteEndArray();
            }

            if (m.Properties.Count > 0)
            {
                w.WriteStartObject("properties");
                foreach (var (key, value) in m.Properties)
                {
                    w.WriteString(key, value);
                }

                w.WriteEndObject();
            }

            if (m.Contract is { } contract)
            {
                w.WritePropertyName("contract");
                ContractJson.Write(w, contract);
            }

            w.WriteEndObject();
        });
    }

    /// <summary>Reads what <see cref="WriteMetadata"/> wrote.</summary>
    public static VersionMetadata ReadMetadata(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return VersionMetadata.Empty;
        }

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var tags = new List<string>();
        if (root.TryGetProperty("tags", out var tagArray))
        {
            foreach (var tag in tagArray.EnumerateArray())
            {
                tags.Add(tag.GetString()!);
            }
        }

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("properties", out var props))
        {
            foreach (var p in props.EnumerateObject())
            {
                properties[p.Name] = p.Value.GetString()!;
            }
        }

        return new VersionMetadata
        {
            Description = root.TryGetProperty("description", out var d) ? d.GetString() : null,
            Owner = root.TryGetProperty("owner", out var o) ? o.GetString() : null,
            Tags = tags,
            Properties = properties,
            Contract = root.TryGetProperty("contract", out var contract) && contract.ValueKind == JsonValueKind.Object ? ContractJson.ReadContract(contract) : null,
        };
    }

    /// <summary>Deprecation info as <c>{"reason":..,"sunset":"ISO 8601","replacement":..}</c>, or null.</summary>
    public static string? WriteDeprecation(Deprecation? deprecation)
    {
        if (deprecation is null)
        {
            return null;
        }

        return Write(deprecation, static (w, d) =>
        {
            w.WriteStartObject();
            if (d.Reason is not null)
            {
                w.WriteString("reason", d.Reason);
            }

            if (d.Sunset is { } sunset)
            {
                w.WriteString("sunset", sunset.ToString("O", CultureInfo.InvariantCulture));
            }

            if (d.Replacement is not null)
            {
                w.WriteString("replacement", d.Replacement);
            }

            w.WriteEndObject();
        });
    }

    /// <summary>Reads what <see cref="WriteDeprecation"/> wrote.</summary>
    public static Deprecation? ReadDeprecation(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        return new Deprecation
        {
            Reason = root.TryGetProperty("reason", out var r) ? r.GetString() : null,
            Sunset = root.TryGetProperty("sunset", out var s)
                ? DateTimeOffset.Parse(s.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
                : null,
            Replacement = root.TryGetProperty("replacement", out var p) ? p.GetString() : null,
        };
    }

    private static string Write<T>(T value, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer, value);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
