using System.Text;
using Registry.Engine.Model;
using Registry.Engine.Storage;

namespace Registry.Engine.Services;

/// <summary>
/// What a data contract (Confluent metadata and rule set) may hold, its normal form, and how registrations combine it
/// with the previous version's and the configured defaults and overrides, as Confluent does.
/// </summary>
public static class ContractRules
{
    /// <summary>Longest contract, as compact JSON, in bytes.</summary>
    public const int MaxContractBytes = 64 * 1024;

    /// <summary>Longest rule name, as in Confluent.</summary>
    public const int MaxRuleNameLength = 256;

    private static readonly string[] Kinds = ["TRANSFORM", "CONDITION"];
    private static readonly string[] MigrationModes = ["UPGRADE", "DOWNGRADE", "UPDOWN"];
    private static readonly string[] MessageModes = ["WRITE", "READ", "WRITEREAD"];

    /// <summary>
    /// The normal form of a contract (tags, properties, sensitive names, rule tags and params sorted; tag lists without
    /// duplicates; empty parts dropped), or null when nothing is set. Throws <see cref="RegistryErrorCode.InvalidRuleSet"/>
    /// for a rule Confluent would refuse and <see cref="RegistryErrorCode.InvalidRequest"/> for reserved property names
    /// or a contract over <see cref="MaxContractBytes"/>.
    /// </summary>
    public static DataContract? Normalize(DataContract? contract)
    {
        if (contract is null)
        {
            return null;
        }

        var metadata = Normalize(contract.Metadata);
        var ruleSet = Normalize(contract.RuleSet);
        if (metadata is null && ruleSet is null)
        {
            return null;
        }

        if (metadata is not null)
        {
            foreach (var key in metadata.Properties.Keys)
            {
                if (key.StartsWith(MetadataRules.ReservedPrefix, StringComparison.Ordinal))
                {
                    RegistryThrow.InvalidRequest($"Metadata property '{key}' is reserved: keys starting with '{MetadataRules.ReservedPrefix}' are written by the registry.");
                }
            }
        }

        var normal = new DataContract { Metadata = metadata, RuleSet = ruleSet };
        if (Encoding.UTF8.GetByteCount(ContractJson.ToJson(normal)) > MaxContractBytes)
        {
            RegistryThrow.InvalidRequest($"The metadata and rule set take more than {MaxContractBytes} bytes as JSON.");
        }

        return normal;
    }

    /// <summary>Normal form of metadata (see <see cref="Normalize(DataContract)"/>), null when empty.</summary>
    public static ContractMetadata? Normalize(ContractMetadata? metadata)
    {
        if (metadata is null || metadata.IsEmpty)
        {
            return null;
        }

        var tags = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (path, list) in metadata.Tags)
        {
            if (string.IsNullOrEmpty(path))
            {
                RegistryThrow.InvalidRequest("A metadata tag path is empty.");
            }

            tags[path] = SortedSet(list, "metadata tag");
        }

        var properties = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in metadata.Properties)
        {
            if (string.IsNullOrEmpty(key) || value is null)
            {
                RegistryThrow.InvalidRequest("A metadata property has an empty name or no value.");
            }

            properties[key] = value;
        }

        return new ContractMetadata { Tags = tags, Properties = properties, Sensitive = SortedSet(metadata.Sensitive, "sensitive name") };
    }

    /// <summary>Normal form of a rule set, null when empty; refuses (as Confluent does) what Confluent would.</summary>
    public static ContractRuleSet? Normalize(ContractRuleSet? ruleSet)
    {
        if (ruleSet is null || ruleSet.IsEmpty)
        {
            return null;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        return new ContractRuleSet
        {
            MigrationRules = Rules(ruleSet.MigrationRules, "Migration", MigrationModes, names),
            DomainRules = Rules(ruleSet.DomainRules, "Domain", MessageModes, names),
            EncodingRules = Rules(ruleSet.EncodingRules, "Encoding", MessageModes, names),
            EnableAt = ruleSet.EnableAt,
        };
    }

    /// <summary>
    /// The contract a registration stores, as Confluent decides it: the request's metadata, or else the previous
    /// version's, or else nothing; merged over the scope's default metadata and under its override metadata (key by
    /// key); the same for the rule set (rule by rule name). Null when the result is empty.
    /// </summary>
    public static DataContract? Effective(DataContract? requested, DataContract? previous, ContractConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var metadata = requested?.Metadata ?? previous?.Metadata;
        var ruleSet = requested?.RuleSet ?? previous?.RuleSet;
        metadata = Merge(Merge(config.DefaultMetadata, metadata), config.OverrideMetadata);
        ruleSet = Merge(Merge(config.DefaultRuleSet, ruleSet), config.OverrideRuleSet);
        return Normalize(new DataContract { Metadata = metadata, RuleSet = ruleSet });
    }

    /// <summary>Confluent's metadata merge: the newer side's tags, properties and sensitive names over the older's.</summary>
    public static ContractMetadata? Merge(ContractMetadata? older, ContractMetadata? newer)
    {
        if (older is null)
        {
            return newer;
        }

        if (newer is null)
        {
            return older;
        }

        var tags = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (k, v) in older.Tags)
        {
            tags[k] = v;
        }

        foreach (var (k, v) in newer.Tags)
        {
            tags[k] = v;
        }

        var properties = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in older.Properties)
        {
            properties[k] = v;
        }

        foreach (var (k, v) in newer.Properties)
        {
            properties[k] = v;
        }

        var sensitive = new SortedSet<string>(older.Sensitive, StringComparer.Ordinal);
        sensitive.UnionWith(newer.Sensitive);
        return new ContractMetadata { Tags = tags, Properties = properties, Sensitive = [.. sensitive] };
    }

    /// <summary>Confluent's rule-set merge: per phase, the older rules not named in the newer ones, then the newer ones.</summary>
    public static ContractRuleSet? Merge(ContractRuleSet? older, ContractRuleSet? newer)
    {
        if (older is null)
        {
            return newer;
        }

        if (newer is null)
        {
            return older;
        }

        return new ContractRuleSet
        {
            MigrationRules = Merge(older.MigrationRules, newer.MigrationRules),
            DomainRules = Merge(older.DomainRules, newer.DomainRules),
            EncodingRules = Merge(older.EncodingRules, newer.EncodingRules),
            EnableAt = newer.EnableAt ?? older.EnableAt,
        };
    }

    /// <summary>The contract settings after a partial update: each member given replaces the stored one.</summary>
    public static ContractConfig Normalize(ContractConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.CompatibilityGroup is { Length: 0 or > MetadataRules.MaxEntryLength })
        {
            RegistryThrow.InvalidRequest($"A compatibility group is a metadata property name of 1 to {MetadataRules.MaxEntryLength} characters.");
        }

        var normal = config with
        {
            DefaultMetadata = NormalizeSetting(config.DefaultMetadata),
            OverrideMetadata = NormalizeSetting(config.OverrideMetadata),
            DefaultRuleSet = NormalizeSetting(config.DefaultRuleSet),
            OverrideRuleSet = NormalizeSetting(config.OverrideRuleSet),
        };
        if (Encoding.UTF8.GetByteCount(ContractJson.ToJson(normal)) > MaxContractBytes * 4)
        {
            RegistryThrow.InvalidRequest($"The contract settings take more than {MaxContractBytes * 4} bytes as JSON.");
        }

        return normal;
    }

    // A setting given as an empty object stays set (it overrides the registry-wide one); only its content is normalized.
    private static ContractMetadata? NormalizeSetting(ContractMetadata? metadata) =>
        metadata is null ? null : Normalize(metadata) ?? new ContractMetadata();

    private static ContractRuleSet? NormalizeSetting(ContractRuleSet? ruleSet) =>
        ruleSet is null ? null : Normalize(ruleSet) ?? new ContractRuleSet();

    private static IReadOnlyList<ContractRule> Merge(IReadOnlyList<ContractRule> older, IReadOnlyList<ContractRule> newer)
    {
        if (older.Count == 0)
        {
            return newer;
        }

        if (newer.Count == 0)
        {
            return older;
        }

        var replaced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in newer)
        {
            replaced.Add(rule.Name);
        }

        var merged = new List<ContractRule>(older.Count + newer.Count);
        foreach (var rule in older)
        {
            if (!replaced.Contains(rule.Name))
            {
                merged.Add(rule);
            }
        }

        merged.AddRange(newer);
        return merged;
    }

    private static List<ContractRule> Rules(IReadOnlyList<ContractRule> rules, string phase, string[] modes, HashSet<string> names)
    {
        var list = new List<ContractRule>(rules.Count);
        foreach (var rule in rules)
        {
            if (rule is null)
            {
                RegistryThrow.Error(RegistryErrorCode.InvalidRuleSet, $"{phase} rules hold an empty entry.");
            }

            CheckName(rule.Name);
            if (!names.Add(rule.Name))
            {
                RegistryThrow.Error(RegistryErrorCode.InvalidRuleSet, $"Found rule with duplicate name '{rule.Name}'.");
            }

            if (string.IsNullOrEmpty(rule.Type))
            {
                RegistryThrow.Error(RegistryErrorCode.InvalidRuleSet, $"Rule '{rule.Name}' has no type (e.g. CEL, CEL_FIELD, JSONATA, ENCRYPT).");
            }

            var kind = string.IsNullOrEmpty(rule.Kind) ? "TRANSFORM" : rule.Kind;
            if (Array.IndexOf(Kinds, kind) < 0)
            {
                RegistryThrow.Error(RegistryErrorCode.InvalidRuleSet, $"Rule '{rule.Name}' has kind '{kind}'; a rule kind is TRANSFORM or CONDITION.");
            }

            var mode = string.IsNullOrEmpty(rule.Mode) ? "WRITEREAD" : rule.Mode;
            if (Array.IndexOf(modes, mode) < 0)
            {
                RegistryThrow.Error(RegistryErrorCode.InvalidRuleSet, $"Rule '{rule.Name}' has mode '{mode}'; {phase.ToLowerInvariant()} rules can only be {string.Join(", ", modes)}.");
            }

            if (mode is not ("WRITEREAD" or "UPDOWN") && (rule.OnSuccess?.Contains(',', StringComparison.Ordinal) == true || rule.OnFailure?.Contains(',', StringComparison.Ordinal) == true))
            {
                RegistryThrow.Error(RegistryErrorCode.InvalidRuleSet, $"Rule '{rule.Name}': multiple actions are valid only with WRITEREAD and UPDOWN.");
            }

            var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in rule.Params)
            {
                parameters[key] = value ?? RegistryThrow.Error<string>(RegistryErrorCode.InvalidRuleSet, $"Rule '{rule.Name}' has a parameter without a value.");
            }

            list.Add(rule with { Kind = kind, Mode = mode, Tags = SortedSet(rule.Tags, "rule tag"), Params = parameters });
        }

        return list;
    }

    private static void CheckName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            RegistryThrow.Error(RegistryErrorCode.InvalidRuleSet, "A rule has no name.");
        }

        if (name.Length > MaxRuleNameLength)
        {
            RegistryThrow.Error(RegistryErrorCode.InvalidRuleSet, $"Rule name '{name[..32]}...' is longer than {MaxRuleNameLength} characters.");
        }

        if (!(char.IsLetter(name[0]) || name[0] == '_'))
        {
            RegistryThrow.Error(RegistryErrorCode.InvalidRuleSet, $"Illegal initial character in rule name '{name}': a rule name starts with a letter or '_'.");
        }

        foreach (var c in name.AsSpan(1))
        {
            if (!(char.IsLetterOrDigit(c) || c is '_' or '-'))
            {
                RegistryThrow.Error(RegistryErrorCode.InvalidRuleSet, $"Illegal character in rule name '{name}': letters, digits, '_' and '-' only.");
            }
        }
    }

    private static string[] SortedSet(IReadOnlyList<string> values, string what)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value))
            {
                RegistryThrow.InvalidRequest($"A {what} is empty.");
            }

            set.Add(value);
        }

        return [.. set];
    }
}
