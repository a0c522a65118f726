using System.Buffers;
using System.Text.Json;
using Registry.Engine.Model;

namespace Registry.Engine.Storage;

/// <summary>
/// The JSON form of data contracts and contract settings, in Confluent's member names: kept inside a version's
/// metadata column, in the config table, in backups, and hashed into a schema's identity. Written by hand (no
/// reflection) in one order, so equal (normalized) contracts give equal bytes.
/// </summary>
public static class ContractJson
{
    /// <summary>The contract as compact JSON, members in a fixed order, empty ones left out.</summary>
    public static string ToJson(DataContract contract) => Write(contract, static (w, c) => Write(w, c));

    /// <summary>The contract settings as compact JSON.</summary>
    public static string ToJson(ContractConfig config) => Write(config, static (w, c) => Write(w, c));

    /// <summary>Writes <paramref name="contract"/> as one object.</summary>
    public static void Write(Utf8JsonWriter w, DataContract contract)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(contract);
        w.WriteStartObject();
        if (contract.Metadata is { IsEmpty: false } metadata)
        {
            w.WritePropertyName("metadata");
            Write(w, metadata);
        }

        if (contract.RuleSet is { IsEmpty: false } ruleSet)
        {
            w.WritePropertyName("ruleSet");
            Write(w, ruleSet);
        }

        w.WriteEndObject();
    }

    /// <summary>Writes <paramref name="config"/> as one object.</summary>
    public static void Write(Utf8JsonWriter w, ContractConfig config)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(config);
        w.WriteStartObject();
        if (config.Normalize is { } normalize)
        {
            w.WriteBoolean("normalize", normalize);
        }

        if (config.ValidateFields is { } validateFields)
        {
            w.WriteBoolean("validateFields", validateFields);
        }

        if (config.CompatibilityGroup is { } group)
        {
            w.WriteString("compatibilityGroup", group);
        }

        WriteOptional(w, "defaultMetadata", config.DefaultMetadata);
        WriteOptional(w, "overrideMetadata", config.OverrideMetadata);
        WriteOptional(w, "defaultRuleSet", config.DefaultRuleSet);
        WriteOptional(w, "overrideRuleSet", config.OverrideRuleSet);
        w.WriteEndObject();
    }

    /// <summary>Writes metadata as <c>{"tags":{..},"properties":{..},"sensitive":[..]}</c> (empty members left out).</summary>
    public static void Write(Utf8JsonWriter w, ContractMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(metadata);
        w.WriteStartObject();
        if (metadata.Tags.Count > 0)
        {
            w.WriteStartObject("tags");
            foreach (var (path, tags) in metadata.Tags)
            {
                w.WritePropertyName(path);
                Strings(w, tags);
            }

            w.WriteEndObject();
        }

        if (metadata.Properties.Count > 0)
        {
            w.WritePropertyName("properties");
            Map(w, metadata.Properties);
        }

        if (metadata.Sensitive.Count > 0)
        {
            w.WritePropertyName("sensitive");
            Strings(w, metadata.Sensitive);
        }

        w.WriteEndObject();
    }

    /// <summary>Writes a rule set as <c>{"migrationRules":[..],"domainRules":[..],"encodingRules":[..],"enableAt":..}</c>.</summary>
    public static void Write(Utf8JsonWriter w, ContractRuleSet ruleSet)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(ruleSet);
        w.WriteStartObject();
        Rules(w, "migrationRules", ruleSet.MigrationRules);
        Rules(w, "domainRules", ruleSet.DomainRules);
        Rules(w, "encodingRules", ruleSet.EncodingRules);
        if (ruleSet.EnableAt is { } enableAt)
        {
            w.WriteString("enableAt", enableAt);
        }

        w.WriteEndObject();
    }

    /// <summary>Reads a contract written by <see cref="Write(Utf8JsonWriter, DataContract)"/>; throws <see cref="FormatException"/> when malformed.</summary>
    public static DataContract ReadContract(JsonElement e)
    {
        RequireObject(e, "a data contract");
        return new DataContract
        {
            Metadata = e.TryGetProperty("metadata", out var m) && m.ValueKind != JsonValueKind.Null ? ReadMetadata(m) : null,
            RuleSet = e.TryGetProperty("ruleSet", out var r) && r.ValueKind != JsonValueKind.Null ? ReadRuleSet(r) : null,
        };
    }

    /// <summary>Reads contract settings written by <see cref="Write(Utf8JsonWriter, ContractConfig)"/>.</summary>
    public static ContractConfig ReadConfig(JsonElement e)
    {
        RequireObject(e, "contract settings");
        return new ContractConfig
        {
            Normalize = Bool(e, "normalize"),
            ValidateFields = Bool(e, "validateFields"),
            CompatibilityGroup = Text(e, "compatibilityGroup"),
            DefaultMetadata = e.TryGetProperty("defaultMetadata", out var dm) && dm.ValueKind != JsonValueKind.Null ? ReadMetadata(dm) : null,
            OverrideMetadata = e.TryGetProperty("overrideMetadata", out var om) && om.ValueKind != JsonValueKind.Null ? ReadMetadata(om) : null,
            DefaultRuleSet = e.TryGetProperty("defaultRuleSet", out var dr) && dr.ValueKind != JsonValueKind.Null ? ReadRuleSet(dr) : null,
            OverrideRuleSet = e.TryGetProperty("overrideRuleSet", out var or) && or.ValueKind != JsonValueKind.Null ? ReadRuleSet(or) : null,
        };
    }

    /// <summary>Reads contract settings from their JSON text; null or empty text is no settings.</summary>
    public static ContractConfig? ReadConfig(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        using var doc = JsonDocument.Parse(json);
        var config = ReadConfig(doc.RootElement);
        return config.IsEmpty ? null : config;
    }

    /// <summary>Reads metadata.</summary>
    public static ContractMetadata ReadMetadata(JsonElement e)
    {
        RequireObject(e, "metadata");
        var tags = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (e.TryGetProperty("tags", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            RequireObject(t, "metadata tags");
            foreach (var path in t.EnumerateObject())
            {
                tags[path.Name] = StringList(path.Value, "a tag list");
            }
        }

        return new ContractMetadata
        {
            Tags = tags,
            Properties = e.TryGetProperty("properties", out var p) && p.ValueKind != JsonValueKind.Null ? StringMap(p, "metadata properties") : new Dictionary<string, string>(),
            Sensitive = e.TryGetProperty("sensitive", out var s) && s.ValueKind != JsonValueKind.Null ? StringList(s, "sensitive names") : [],
        };
    }

    /// <summary>Reads a rule set.</summary>
    public static ContractRuleSet ReadRuleSet(JsonElement e)
    {
        RequireObject(e, "a rule set");
        return new ContractRuleSet
        {
            MigrationRules = ReadRules(e, "migrationRules"),
            DomainRules = ReadRules(e, "domainRules"),
            EncodingRules = ReadRules(e, "encodingRules"),
            EnableAt = Text(e, "enableAt"),
        };
    }

    private static List<ContractRule> ReadRules(JsonElement e, string name)
    {
        var rules = new List<ContractRule>();
        if (!e.TryGetProperty(name, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return rules;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"'{name}' is not a list.");
        }

        foreach (var r in list.EnumerateArray())
        {
            RequireObject(r, "a rule");
            rules.Add(new ContractRule
            {
                Name = Text(r, "name") ?? throw new FormatException("A rule has no name."),
                Doc = Text(r, "doc"),
                Kind = Text(r, "kind") ?? "TRANSFORM",
                Mode = Text(r, "mode") ?? "WRITEREAD",
                Type = Text(r, "type") ?? throw new FormatException("A rule has no type."),
                Tags = r.TryGetProperty("tags", out var tags) && tags.ValueKind != JsonValueKind.Null ? StringList(tags, "rule tags") : [],
                Params = r.TryGetProperty("params", out var ps) && ps.ValueKind != JsonValueKind.Null ? StringMap(ps, "rule params") : new Dictionary<string, string>(),
                Expr = Text(r, "expr"),
                OnSuccess = Text(r, "onSuccess"),
                OnFailure = Text(r, "onFailure"),
                Disabled = Bool(r, "disabled") ?? false,
            });
        }

        return rules;
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, ContractMetadata? metadata)
    {
        if (metadata is not null)
        {
            w.WritePropertyName(name);
            Write(w, metadata);
        }
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, ContractRuleSet? ruleSet)
    {
        if (ruleSet is not null)
        {
            w.WritePropertyName(name);
            Write(w, ruleSet);
        }
    }

    private static void Rules(Utf8JsonWriter w, string name, IReadOnlyList<ContractRule> rules)
    {
        if (rules.Count == 0)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var rule in rules)
        {
            w.WriteStartObject();
            w.WriteString("name", rule.Name);
            if (rule.Doc is not null)
            {
                w.WriteString("doc", rule.Doc);
            }

            w.WriteString("kind", rule.Kind);
            w.WriteString("mode", rule.Mode);
            w.WriteString("type", rule.Type);
            if (rule.Tags.Count > 0)
            {
                w.WritePropertyName("tags");
                Strings(w, rule.Tags);
            }

            if (rule.Params.Count > 0)
            {
                w.WritePropertyName("params");
                Map(w, rule.Params);
            }

            if (rule.Expr is not null)
            {
                w.WriteString("expr", rule.Expr);
            }

            if (rule.OnSuccess is not null)
            {
                w.WriteString("onSuccess", rule.OnSuccess);
            }

            if (rule.OnFailure is not null)
            {
                w.WriteString("onFailure", rule.OnFailure);
            }

            if (rule.Disabled)
            {
                w.WriteBoolean("disabled", true);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Strings(Utf8JsonWriter w, IReadOnlyList<string> values)
    {
        w.WriteStartArray();
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static void Map(Utf8JsonWriter w, IReadOnlyDictionary<string, string> map)
    {
        w.WriteStartObject();
        foreach (var (key, value) in map)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
    }

    private static void RequireObject(JsonElement e, string what)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{what} is not an object.");
        }
    }

    private static string? Text(JsonElement e, string name) =>
        !e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString() : throw new FormatException($"'{name}' is not a string.");

    private static bool? Bool(JsonElement e, string name) =>
        !e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw new FormatException($"'{name}' is not true or false.");

    private static List<string> StringList(JsonElement e, string what)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{what} is not a list.");
        }

        var list = new List<string>(e.GetArrayLength());
        foreach (var item in e.EnumerateArray())
        {
            list.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new FormatException($"{what} holds a value that is not a string."));
        }

        return list;
    }

    private static SortedDictionary<string, string> StringMap(JsonElement e, string what)
    {
        RequireObject(e, what);
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw new FormatException($"{what} hold a value that is not a string.");
        }

        return map;
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
