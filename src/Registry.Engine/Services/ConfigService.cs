using Registry.Engine.Model;
using Registry.Engine.Storage;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Engine.Services;

/// <summary>Compatibility level, policy and mode, per subject and registry-wide.</summary>
internal sealed class ConfigService(RegistryContext context)
{
    public Task<ConfigRecord> GetAsync(string? subject, CancellationToken cancellationToken)
    {
        ValidateScope(subject);
        return context.Store.GetConfigAsync(subject, cancellationToken);
    }

    public Task<EffectiveConfig> GetEffectiveAsync(string? subject, CancellationToken cancellationToken)
    {
        ValidateScope(subject);
        return context.GetEffectiveConfigAsync(subject, cancellationToken);
    }

    /// <summary>
    /// Sets a scope's level, policy and (subjects only) format assertion and default draft; null members are left as
    /// they are. The registry-wide format assertion and default draft are the server's settings, not stored ones.
    /// </summary>
    public async Task<ConfigRecord> SetCompatibilityAsync(
        string? subject, CompatibilityLevel? level, CompatibilityPolicy? policy, bool? formatAssertion, JsonSchemaDraft? defaultDraft, CancellationToken cancellationToken)
    {
        ValidateScope(subject);
        if (level is null && policy is null && formatAssertion is null && defaultDraft is null)
        {
            RegistryThrow.InvalidRequest(subject is null
                ? "Give a compatibility level, a policy, or both."
                : "Give a compatibility level, a policy, a format assertion, a default draft, or several.");
        }

        if (subject is null && formatAssertion is not null)
        {
            RegistryThrow.InvalidRequest(
                "Format assertion is set per subject; the registry-wide default is the server setting Registry:Engine:FormatAssertion.");
        }

        if (subject is null && defaultDraft is not null)
        {
            RegistryThrow.InvalidRequest(
                "The default draft is set per subject; the registry-wide default is the server setting Registry:Engine:DefaultDraft.");
        }

        await RequireWritableAsync(subject, cancellationToken).ConfigureAwait(false);
        var current = await context.Store.GetConfigAsync(subject, cancellationToken).ConfigureAwait(false);
        var updated = current with
        {
            Compatibility = level ?? current.Compatibility,
            Policy = policy ?? current.Policy,
            FormatAssertion = formatAssertion ?? current.FormatAssertion,
            DefaultDraft = defaultDraft ?? current.DefaultDraft,
        };
        await SaveAsync(subject, updated, cancellationToken).ConfigureAwait(false);
        return updated;
    }

    public async Task<ConfigRecord> ClearCompatibilityAsync(string? subject, bool contract, CancellationToken cancellationToken)
    {
        ValidateScope(subject);
        await RequireWritableAsync(subject, cancellationToken).ConfigureAwait(false);
        var current = await context.Store.GetConfigAsync(subject, cancellationToken).ConfigureAwait(false);
        await SaveAsync(subject, current with { Compatibility = null, Policy = null, FormatAssertion = null, DefaultDraft = null, Contract = contract ? null : current.Contract }, cancellationToken).ConfigureAwait(false);
        return current;
    }

    /// <summary>Sets the level (when given) and the contract settings <paramref name="change"/> names; the others stay.</summary>
    public async Task<ConfigRecord> SetContractAsync(string? subject, CompatibilityLevel? level, ContractConfigChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        ValidateScope(subject);
        var given = ContractRules.Normalize(change.Values);
        await RequireWritableAsync(subject, cancellationToken).ConfigureAwait(false);
        var current = await context.Store.GetConfigAsync(subject, cancellationToken).ConfigureAwait(false);
        var old = current.Contract ?? ContractConfig.Empty;
        var set = change.Set;
        var contract = new ContractConfig
        {
            Normalize = set.HasFlag(ContractSettings.Normalize) ? given.Normalize : old.Normalize,
            ValidateFields = set.HasFlag(ContractSettings.ValidateFields) ? given.ValidateFields : old.ValidateFields,
            CompatibilityGroup = set.HasFlag(ContractSettings.CompatibilityGroup) ? given.CompatibilityGroup : old.CompatibilityGroup,
            DefaultMetadata = set.HasFlag(ContractSettings.DefaultMetadata) ? given.DefaultMetadata : old.DefaultMetadata,
            OverrideMetadata = set.HasFlag(ContractSettings.OverrideMetadata) ? given.OverrideMetadata : old.OverrideMetadata,
            DefaultRuleSet = set.HasFlag(ContractSettings.DefaultRuleSet) ? given.DefaultRuleSet : old.DefaultRuleSet,
            OverrideRuleSet = set.HasFlag(ContractSettings.OverrideRuleSet) ? given.OverrideRuleSet : old.OverrideRuleSet,
        };
        var updated = current with
        {
            Compatibility = level ?? current.Compatibility,
            Contract = contract.IsEmpty ? null : contract,
        };
        await SaveAsync(subject, updated, cancellationToken).ConfigureAwait(false);
        return updated;
    }

    /// <summary>
    /// Sets the mode. IMPORT is refused on a subject that has versions (or, registry-wide, when any subject exists)
    /// unless <paramref name="force"/>: imported ids could collide with ids already given out.
    /// </summary>
    public async Task<RegistryMode> SetModeAsync(string? subject, RegistryMode mode, bool force, CancellationToken cancellationToken)
    {
        ValidateScope(subject);
        if (mode == RegistryMode.Import && !force)
        {
            var occupied = subject is null
                ? (await context.Store.ListSubjectsAsync(new SubjectQuery(null, DeletedFilter.Include, 0, 1), cancellationToken).ConfigureAwait(false)).Count > 0
                : (await context.Store.GetSubjectAsync(subject, cancellationToken).ConfigureAwait(false))?.Versions.Count > 0;
            if (occupied)
            {
                RegistryThrow.NotPermitted(subject is null
                    ? "The registry is not empty: IMPORT mode needs force=true."
                    : $"Subject '{subject}' is not empty: IMPORT mode needs force=true.");
            }
        }

        var current = await context.Store.GetConfigAsync(subject, cancellationToken).ConfigureAwait(false);
        await SaveAsync(subject, current with { Mode = mode }, cancellationToken).ConfigureAwait(false);
        return mode;
    }

    public async Task<RegistryMode?> ClearModeAsync(string? subject, CancellationToken cancellationToken)
    {
        ValidateScope(subject);
        var current = await context.Store.GetConfigAsync(subject, cancellationToken).ConfigureAwait(false);
        await SaveAsync(subject, current with { Mode = null }, cancellationToken).ConfigureAwait(false);
        return current.Mode;
    }

    /// <summary>
    /// A READONLY scope (the subject's mode, or the registry's when the subject sets none) refuses changes of its
    /// compatibility level and policy, as in Confluent. Its mode may always change: that is the way out of READONLY.
    /// </summary>
    private async Task RequireWritableAsync(string? subject, CancellationToken cancellationToken)
    {
        var effective = await context.GetEffectiveConfigAsync(subject, cancellationToken).ConfigureAwait(false);
        if (effective.Mode == RegistryMode.ReadOnly)
        {
            RegistryThrow.NotPermitted(subject is null
                ? "The registry is in READONLY mode: its compatibility settings cannot change."
                : $"Subject '{subject}' is in READONLY mode: its compatibility settings cannot change.");
        }
    }

    private async Task SaveAsync(string? subject, ConfigRecord config, CancellationToken cancellationToken)
    {
        await context.Store.SetConfigAsync(subject, config, cancellationToken).ConfigureAwait(false);
        context.Notify(RegistryChangeKind.Config, subject, []);
    }

    private static void ValidateScope(string? subject)
    {
        if (subject is not null)
        {
            SubjectName.Validate(subject);
        }
    }
}
