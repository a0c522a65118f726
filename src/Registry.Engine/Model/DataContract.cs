namespace Registry.Engine.Model;

/// <summary>
/// A version's data contract, as Confluent's clients send it: metadata (tags per path, key-values, sensitive names)
/// and a rule set. The registry keeps it and never executes the rules (clients do). It is part of a schema's identity:
/// the same schema with another contract is another schema id. Immutable once registered. Build one through
/// <see cref="Services.ContractRules.Normalize(DataContract)"/>, which sorts what Confluent keeps sorted, fills
/// Confluent's defaults and drops what is empty, so equal contracts have equal canonical JSON.
/// </summary>
public sealed record DataContract
{
    /// <summary>Metadata, or null.</summary>
    public ContractMetadata? Metadata { get; init; }

    /// <summary>Rules, or null.</summary>
    public ContractRuleSet? RuleSet { get; init; }

    /// <summary>True when neither metadata nor rules are set.</summary>
    public bool IsEmpty => (Metadata is null || Metadata.IsEmpty) && (RuleSet is null || RuleSet.IsEmpty);

    /// <summary>The value of metadata property <paramref name="key"/>, or null.</summary>
    public string? Property(string key) => Metadata?.Properties.TryGetValue(key, out var value) == true ? value : null;
}

/// <summary>Confluent metadata: tags by path, key-values and sensitive property names.</summary>
public sealed record ContractMetadata
{
    /// <summary>Tags by path (e.g. <c>$.ssn</c> → <c>PII</c>); keys and each tag list sorted.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Tags { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Key-values.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>Names of sensitive properties.</summary>
    public IReadOnlyList<string> Sensitive { get; init; } = [];

    /// <summary>True when nothing is set.</summary>
    public bool IsEmpty => Tags.Count == 0 && Properties.Count == 0 && Sensitive.Count == 0;
}

/// <summary>Confluent's data-contract rules, by phase, in the order given.</summary>
public sealed record ContractRuleSet
{
    /// <summary>Rules applied when reading or writing with another version (UPGRADE, DOWNGRADE, UPDOWN).</summary>
    public IReadOnlyList<ContractRule> MigrationRules { get; init; } = [];

    /// <summary>Rules applied to messages (WRITE, READ, WRITEREAD).</summary>
    public IReadOnlyList<ContractRule> DomainRules { get; init; } = [];

    /// <summary>Rules applied to encoded bytes (WRITE, READ, WRITEREAD).</summary>
    public IReadOnlyList<ContractRule> EncodingRules { get; init; } = [];

    /// <summary>Where the rules run (Confluent's <c>enableAt</c>), as sent; null when not given.</summary>
    public string? EnableAt { get; init; }

    /// <summary>True when there is no rule.</summary>
    public bool IsEmpty => MigrationRules.Count == 0 && DomainRules.Count == 0 && EncodingRules.Count == 0 && EnableAt is null;
}

/// <summary>One rule, with every field Confluent defines kept as sent.</summary>
public sealed record ContractRule
{
    /// <summary>The rule's name, unique in its rule set.</summary>
    public required string Name { get; init; }

    /// <summary>Description.</summary>
    public string? Doc { get; init; }

    /// <summary><c>TRANSFORM</c> (the default) or <c>CONDITION</c>.</summary>
    public string Kind { get; init; } = "TRANSFORM";

    /// <summary><c>WRITEREAD</c> (the default), <c>WRITE</c>, <c>READ</c>, <c>UPGRADE</c>, <c>DOWNGRADE</c> or <c>UPDOWN</c>.</summary>
    public string Mode { get; init; } = "WRITEREAD";

    /// <summary>The executor, e.g. <c>CEL</c>, <c>CEL_FIELD</c>, <c>JSONATA</c>, <c>ENCRYPT</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Tags the rule applies to, sorted.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Parameters.</summary>
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    /// <summary>The expression.</summary>
    public string? Expr { get; init; }

    /// <summary>Action on success.</summary>
    public string? OnSuccess { get; init; }

    /// <summary>Action on failure.</summary>
    public string? OnFailure { get; init; }

    /// <summary>True when the rule is switched off.</summary>
    public bool Disabled { get; init; }
}

/// <summary>
/// Confluent's contract settings of a scope (<c>PUT /config</c>): stored and returned; applied at registration
/// (normalize, default and override metadata and rule sets, compatibility group). A null member is not set at that
/// scope and falls back to the registry-wide setting.
/// </summary>
public sealed record ContractConfig
{
    /// <summary>Nothing set.</summary>
    public static ContractConfig Empty { get; } = new();

    /// <summary>Store new versions in canonical form, as <c>normalize=true</c> on each request would.</summary>
    public bool? Normalize { get; init; }

    /// <summary>Confluent's reserved-field validation switch; kept and returned (JSON Schema has no reserved fields to check).</summary>
    public bool? ValidateFields { get; init; }

    /// <summary>A metadata property name: compatibility is checked only against versions with the same value of it.</summary>
    public string? CompatibilityGroup { get; init; }

    /// <summary>Metadata used when a registration brings none (and the previous version has none).</summary>
    public ContractMetadata? DefaultMetadata { get; init; }

    /// <summary>Metadata merged over every registration's.</summary>
    public ContractMetadata? OverrideMetadata { get; init; }

    /// <summary>Rules used when a registration brings none (and the previous version has none).</summary>
    public ContractRuleSet? DefaultRuleSet { get; init; }

    /// <summary>Rules merged over every registration's (same name: the override's rule replaces it).</summary>
    public ContractRuleSet? OverrideRuleSet { get; init; }

    /// <summary>True when nothing is set.</summary>
    public bool IsEmpty => Normalize is null && ValidateFields is null && CompatibilityGroup is null && DefaultMetadata is null
        && OverrideMetadata is null && DefaultRuleSet is null && OverrideRuleSet is null;
}
