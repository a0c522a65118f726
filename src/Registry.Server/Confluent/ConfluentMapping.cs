using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Registry.Engine.Model;
using Registry.Engine.Services;

namespace Registry.Server.Confluent;

/// <summary>Conversions from engine records to the Confluent API's bodies.</summary>
internal static class ConfluentMapping
{
    public static string Text(SchemaRecord schema) => Encoding.UTF8.GetString(schema.Content.Span);

    /// <summary>References as returned; null (omitted) when there are none, as Confluent omits empty lists.</summary>
    public static List<ConfluentReferenceResponse>? References(IReadOnlyList<SchemaReference> references)
    {
        if (references.Count == 0)
        {
            return null;
        }

        var list = new List<ConfluentReferenceResponse>(references.Count);
        foreach (var r in references)
        {
            list.Add(new ConfluentReferenceResponse(r.Name, r.Subject, r.Version));
        }

        return list;
    }

    /// <summary>The property that carries a version's lifecycle state, so that Confluent tools can see it.</summary>
    public const string StateProperty = MetadataRules.ReservedPrefix + "state";

    /// <summary>
    /// The version's metadata: its data contract's tags, properties and sensitive names, with its lifecycle state
    /// under <see cref="StateProperty"/> (Confluent has no field for it; properties are where its serializers and
    /// tools look for version facts).
    /// </summary>
    public static ConfluentMetadata Metadata(VersionRecord info)
    {
        var metadata = Metadata(info.Metadata.Contract?.Metadata) ?? new ConfluentMetadata();
        var properties = new SortedDictionary<string, string>(StringComparer.Ordinal) { [StateProperty] = Lifecycle.Name(info.State) };
        foreach (var (key, value) in metadata.Properties ?? new Dictionary<string, string>())
        {
            properties[key] = value;
        }

        metadata.Properties = new Dictionary<string, string>(properties, StringComparer.Ordinal);
        return metadata;
    }

    /// <summary>Contract metadata as Confluent writes it (sorted, empty members left out); null when there is none.</summary>
    public static ConfluentMetadata? Metadata(ContractMetadata? metadata)
    {
        if (metadata is null)
        {
            return null;
        }

        Dictionary<string, List<string>>? tags = null;
        if (metadata.Tags.Count > 0)
        {
            tags = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var (path, list) in metadata.Tags)
            {
                tags[path] = [.. list];
            }
        }

        return new ConfluentMetadata
        {
            Tags = tags,
            Properties = metadata.Properties.Count > 0 ? new Dictionary<string, string>(metadata.Properties, StringComparer.Ordinal) : null,
            Sensitive = metadata.Sensitive.Count > 0 ? [.. metadata.Sensitive] : null,
        };
    }

    /// <summary>A rule set as Confluent writes it; null when there is none.</summary>
    public static ConfluentRuleSet? RuleSet(ContractRuleSet? ruleSet)
    {
        if (ruleSet is null)
        {
            return null;
        }

        return new ConfluentRuleSet
        {
            MigrationRules = Rules(ruleSet.MigrationRules),
            DomainRules = Rules(ruleSet.DomainRules),
            EncodingRules = Rules(ruleSet.EncodingRules),
            EnableAt = ruleSet.EnableAt,
        };

        static List<ConfluentRule?>? Rules(IReadOnlyList<ContractRule> rules)
        {
            if (rules.Count == 0)
            {
                return null;
            }

            var list = new List<ConfluentRule?>(rules.Count);
            foreach (var r in rules)
            {
                list.Add(new ConfluentRule
                {
                    Name = r.Name,
                    Doc = r.Doc,
                    Kind = r.Kind,
                    Mode = r.Mode,
                    Type = r.Type,
                    Tags = r.Tags.Count > 0 ? [.. r.Tags] : null,
                    Params = r.Params.Count > 0 ? new Dictionary<string, string>(r.Params, StringComparer.Ordinal) : null,
                    Expr = r.Expr,
                    OnSuccess = r.OnSuccess,
                    OnFailure = r.OnFailure,
                    Disabled = r.Disabled,
                });
            }

            return list;
        }
    }

    /// <summary>
    /// The data contract a request carries, or null when it carries neither metadata nor a rule set. The registry's
    /// own <see cref="StateProperty"/>, as this API writes it in answers, is dropped, so that a version read back can
    /// be registered again as it is; any other <c>registry.</c> property is refused by the engine.
    /// </summary>
    public static DataContract? Contract(ConfluentMetadata? metadata, ConfluentRuleSet? ruleSet)
    {
        if (metadata is null && ruleSet is null)
        {
            return null;
        }

        return new DataContract { Metadata = Metadata(metadata), RuleSet = RuleSet(ruleSet) };
    }

    /// <summary>Request metadata in the engine's terms (see <see cref="Contract"/>).</summary>
    public static ContractMetadata? Metadata(ConfluentMetadata? metadata)
    {
        if (metadata is null)
        {
            return null;
        }

        var tags = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (path, list) in metadata.Tags ?? new Dictionary<string, List<string>>())
        {
            tags[path] = list ?? [];
        }

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in metadata.Properties ?? new Dictionary<string, string>())
        {
            if (key == StateProperty && Lifecycle.TryParse(value, out _))
            {
                continue;
            }

            properties[key] = value;
        }

        return new ContractMetadata { Tags = tags, Properties = properties, Sensitive = metadata.Sensitive ?? [] };
    }

    /// <summary>A request rule set in the engine's terms; a rule without a name or type is refused by the engine.</summary>
    public static ContractRuleSet? RuleSet(ConfluentRuleSet? ruleSet)
    {
        if (ruleSet is null)
        {
            return null;
        }

        return new ContractRuleSet
        {
            MigrationRules = Rules(ruleSet.MigrationRules),
            DomainRules = Rules(ruleSet.DomainRules),
            EncodingRules = Rules(ruleSet.EncodingRules),
            EnableAt = ruleSet.EnableAt,
        };

        static List<ContractRule> Rules(List<ConfluentRule?>? rules)
        {
            var list = new List<ContractRule>(rules?.Count ?? 0);
            foreach (var r in rules ?? [])
            {
                list.Add(r is null ? null! : new ContractRule
                {
                    Name = r.Name ?? string.Empty,
                    Doc = r.Doc,
                    Kind = r.Kind ?? string.Empty,
                    Mode = r.Mode ?? string.Empty,
                    Type = r.Type ?? string.Empty,
                    Tags = r.Tags ?? [],
                    Params = r.Params ?? new Dictionary<string, string>(),
                    Expr = r.Expr,
                    OnSuccess = r.OnSuccess,
                    OnFailure = r.OnFailure,
                    Disabled = r.Disabled ?? false,
                });
            }

            return list;
        }
    }

    public static ConfluentVersionResponse Version(VersionRecord info, SchemaRecord schema) => new()
    {
        Subject = info.Subject,
        Version = info.Version,
        Id = info.SchemaId,
        References = References(schema.References),
        Metadata = Metadata(info),
        RuleSet = RuleSet(info.Metadata.Contract?.RuleSet),
        Schema = Text(schema),
        Ts = info.CreatedAt.ToUnixTimeMilliseconds(),
        Deleted = info.IsDeleted,
    };

    public static ConfluentVersionResponse Version(SubjectVersion version) => Version(version.Info, version.Schema);
}

/// <summary>
/// The serialised body of <c>GET /schemas/ids/{id}</c>, kept beside the engine's cached record of the schema: a warm
/// read writes prepared bytes and allocates nothing. Keyed by the record instance, so an entry lives exactly as
/// long as the engine keeps that record (a hard delete evicts the record, and the bytes go with it). The data
/// contract in the body is fixed for an id (it is part of the id's identity), so a prepared body never goes stale.
/// </summary>
internal sealed class SchemaIdResponses
{
    private readonly ConditionalWeakTable<SchemaRecord, byte[]> _bodies = [];

    public bool TryGet(SchemaRecord schema, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? body) => _bodies.TryGetValue(schema, out body);

    public byte[] Add(SchemaRecord schema, DataContract? contract)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new ConfluentSchemaResponse
            {
                References = ConfluentMapping.References(schema.References),
                Metadata = ConfluentMapping.Metadata(contract?.Metadata),
                RuleSet = ConfluentMapping.RuleSet(contract?.RuleSet),
                Schema = ConfluentMapping.Text(schema),
            },
            ConfluentJsonContext.Wire.ConfluentSchemaResponse);
        return _bodies.GetValue(schema, _ => body);
    }
}
