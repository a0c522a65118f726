using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Schemas.Compatibility;

namespace Registry.Server.Confluent;

/// <summary>
/// Compatibility level and contract settings (<c>/config</c>) and mode (<c>/mode</c>), registry-wide and per subject. Field names follow
/// Confluent: GET and DELETE answer <c>compatibilityLevel</c>, PUT takes and answers <c>compatibility</c>. A subject
/// read without <c>defaultToGlobal=true</c> answers only what the subject sets itself (40408/40409 when nothing),
/// which kafkajs relies on to tell a first registration.
/// </summary>
internal sealed partial class ConfluentHandlers
{
    /// <summary>Index of the subject in <c>/config/{subject}</c> and <c>/mode/{subject}</c>.</summary>
    private const int ScopeSubjectSegment = 1;

    private const string LevelNames = "NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE";

    public async Task GetGlobalConfig(HttpContext context)
    {
        var effective = await registry.GetEffectiveConfigAsync(null, context.RequestAborted).ConfigureAwait(false);
        await WriteConfigAsync(context, effective.Compatibility, effective.Contract).ConfigureAwait(false);
    }

    public Task SetGlobalConfig(HttpContext context) => SetConfigAsync(context, null);

    /// <summary><c>DELETE /config</c>: back to the defaults (level and contract settings); answers what was in force.</summary>
    public async Task DeleteGlobalConfig(HttpContext context)
    {
        var effective = await registry.GetEffectiveConfigAsync(null, context.RequestAborted).ConfigureAwait(false);
        await registry.ClearCompatibilityAsync(null, contract: true, context.RequestAborted).ConfigureAwait(false);
        await WriteConfigAsync(context, effective.Compatibility, effective.Contract).ConfigureAwait(false);
    }

    public async Task GetSubjectConfig(HttpContext context)
    {
        var subject = ConfluentHttp.ReadSubject(context, ScopeSubjectSegment);
        if (ConfluentHttp.Flag(context, "defaultToGlobal"))
        {
            var effective = await registry.GetEffectiveConfigAsync(subject, context.RequestAborted).ConfigureAwait(false);
            await WriteConfigAsync(context, effective.Compatibility, effective.Contract).ConfigureAwait(false);
            return;
        }

        var stored = await registry.GetConfigAsync(subject, context.RequestAborted).ConfigureAwait(false);
        if (stored.Compatibility is null && stored.Contract is null)
        {
            ConfluentErrors.Throw(ConfluentErrors.SubjectCompatibilityNotConfigured, $"Subject '{subject}' does not have subject-level compatibility configured.");
        }

        await WriteConfigAsync(context, stored.Compatibility, stored.Contract).ConfigureAwait(false);
    }

    public Task SetSubjectConfig(HttpContext context) =>
        SetConfigAsync(context, ConfluentHttp.WriteSubject(context, ScopeSubjectSegment));

    /// <summary>
    /// <c>DELETE /config/{subject}</c>: the subject follows the registry's level and contract settings again; answers
    /// what it had set.
    /// </summary>
    public async Task DeleteSubjectConfig(HttpContext context)
    {
        var subject = ConfluentHttp.ReadSubject(context, ScopeSubjectSegment);
        var stored = await registry.GetConfigAsync(subject, context.RequestAborted).ConfigureAwait(false);
        if (stored.Compatibility is null && stored.Contract is null)
        {
            ConfluentErrors.Throw(ConfluentErrors.SubjectNotFound, $"Subject '{subject}' has no compatibility level of its own to delete.");
            return;
        }

        await registry.ClearCompatibilityAsync(subject, contract: true, context.RequestAborted).ConfigureAwait(false);
        await WriteConfigAsync(context, stored.Compatibility, stored.Contract).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>PUT /config[/{subject}]</c>: the level (<c>compatibility</c> or <c>compatibilityLevel</c>) and Confluent's
    /// contract settings. A member left out keeps its value; a member sent as null clears it. A body with neither a
    /// level nor a contract setting is 42203, as before contract settings existed.
    /// </summary>
    private async Task SetConfigAsync(HttpContext context, string? subject)
    {
        var (request, members) = await ConfluentHttp.ReadJsonWithMembersAsync(context, MaxBodyBytes, ConfluentBodies.Config, ConfluentJsonContext.Wire.ConfluentConfigRequest).ConfigureAwait(false);
        var given = request.Compatibility ?? request.CompatibilityLevel;
        if (request.Compatibility is not null && request.CompatibilityLevel is not null
            && !string.Equals(request.Compatibility, request.CompatibilityLevel, StringComparison.OrdinalIgnoreCase))
        {
            ConfluentErrors.Throw(ConfluentErrors.InvalidCompatibilityLevel,
                $"'compatibility' ({request.Compatibility}) and 'compatibilityLevel' ({request.CompatibilityLevel}) disagree; send one of them.");
        }

        var set = ContractSettings.None;
        set |= members.Contains("normalize") ? ContractSettings.Normalize : 0;
        set |= members.Contains("validateFields") ? ContractSettings.ValidateFields : 0;
        set |= members.Contains("compatibilityGroup") ? ContractSettings.CompatibilityGroup : 0;
        set |= members.Contains("defaultMetadata") ? ContractSettings.DefaultMetadata : 0;
        set |= members.Contains("overrideMetadata") ? ContractSettings.OverrideMetadata : 0;
        set |= members.Contains("defaultRuleSet") ? ContractSettings.DefaultRuleSet : 0;
        set |= members.Contains("overrideRuleSet") ? ContractSettings.OverrideRuleSet : 0;
        if (given is null && set == ContractSettings.None)
        {
            ConfluentErrors.Throw(ConfluentErrors.InvalidCompatibilityLevel,
                $"Missing field 'compatibility' (or 'compatibilityLevel'): one of {LevelNames} is required.");
        }

        CompatibilityLevel? level = null;
        if (given is not null)
        {
            if (!ConfigNames.TryParseLevel(given, out var parsed))
            {
                ConfluentErrors.Throw(ConfluentErrors.InvalidCompatibilityLevel,
                    $"Invalid compatibility level '{given}' in field '{(request.Compatibility is null ? "compatibilityLevel" : "compatibility")}'. Valid values are {LevelNames}.");
            }

            level = parsed;
        }

        var values = new ContractConfig
        {
            Normalize = request.Normalize,
            ValidateFields = request.ValidateFields,
            CompatibilityGroup = request.CompatibilityGroup,
            DefaultMetadata = ConfluentMapping.Metadata(request.DefaultMetadata),
            OverrideMetadata = ConfluentMapping.Metadata(request.OverrideMetadata),
            DefaultRuleSet = ConfluentMapping.RuleSet(request.DefaultRuleSet),
            OverrideRuleSet = ConfluentMapping.RuleSet(request.OverrideRuleSet),
        };
        var stored = await registry.SetContractSettingsAsync(subject, level, new ContractConfigChange(values, set), context.RequestAborted).ConfigureAwait(false);
        var contract = stored.Contract;
        await ConfluentHttp.WriteJsonAsync(context, new ConfluentConfigUpdateResponse(stored.Compatibility is { } l ? ConfigNames.Level(l) : null)
        {
            Normalize = contract?.Normalize,
            ValidateFields = contract?.ValidateFields,
            CompatibilityGroup = contract?.CompatibilityGroup,
            DefaultMetadata = ConfluentMapping.Metadata(contract?.DefaultMetadata),
            OverrideMetadata = ConfluentMapping.Metadata(contract?.OverrideMetadata),
            DefaultRuleSet = ConfluentMapping.RuleSet(contract?.DefaultRuleSet),
            OverrideRuleSet = ConfluentMapping.RuleSet(contract?.OverrideRuleSet),
        }, ConfluentJsonContext.Wire.ConfluentConfigUpdateResponse).ConfigureAwait(false);
    }

    private static Task WriteConfigAsync(HttpContext context, CompatibilityLevel? level, ContractConfig? contract) =>
        ConfluentHttp.WriteJsonAsync(context, new ConfluentConfigResponse(level is { } l ? ConfigNames.Level(l) : null)
        {
            Normalize = contract?.Normalize,
            ValidateFields = contract?.ValidateFields,
            CompatibilityGroup = contract?.CompatibilityGroup,
            DefaultMetadata = ConfluentMapping.Metadata(contract?.DefaultMetadata),
            OverrideMetadata = ConfluentMapping.Metadata(contract?.OverrideMetadata),
            DefaultRuleSet = ConfluentMapping.RuleSet(contract?.DefaultRuleSet),
            OverrideRuleSet = ConfluentMapping.RuleSet(contract?.OverrideRuleSet),
        }, ConfluentJsonContext.Wire.ConfluentConfigResponse);

    // ---- Mode ---------------------------------------------------------------------------------------------------

    public async Task GetGlobalMode(HttpContext context)
    {
        var effective = await registry.GetEffectiveConfigAsync(null, context.RequestAborted).ConfigureAwait(false);
        await WriteModeAsync(context, effective.Mode).ConfigureAwait(false);
    }

    public Task SetGlobalMode(HttpContext context) => SetModeAsync(context, null);

    /// <summary><c>DELETE /mode</c>: back to READWRITE; answers the mode that was in force.</summary>
    public async Task DeleteGlobalMode(HttpContext context)
    {
        var effective = await registry.GetEffectiveConfigAsync(null, context.RequestAborted).ConfigureAwait(false);
        await registry.ClearModeAsync(null, context.RequestAborted).ConfigureAwait(false);
        await WriteModeAsync(context, effective.Mode).ConfigureAwait(false);
    }

    public async Task GetSubjectMode(HttpContext context)
    {
        var subject = ConfluentHttp.ReadSubject(context, ScopeSubjectSegment);
        if (ConfluentHttp.Flag(context, "defaultToGlobal"))
        {
            var effective = await registry.GetEffectiveConfigAsync(subject, context.RequestAborted).ConfigureAwait(false);
            await WriteModeAsync(context, effective.Mode).ConfigureAwait(false);
            return;
        }

        var stored = await registry.GetConfigAsync(subject, context.RequestAborted).ConfigureAwait(false);
        var mode = stored.Mode ?? ConfluentErrors.Throw<RegistryMode>(ConfluentErrors.SubjectModeNotConfigured,
            $"Subject '{subject}' does not have subject-level mode configured.");
        await WriteModeAsync(context, mode).ConfigureAwait(false);
    }

    public Task SetSubjectMode(HttpContext context) =>
        SetModeAsync(context, ConfluentHttp.WriteSubject(context, ScopeSubjectSegment));

    public async Task DeleteSubjectMode(HttpContext context)
    {
        var subject = ConfluentHttp.ReadSubject(context, ScopeSubjectSegment);
        var removed = await registry.ClearModeAsync(subject, context.RequestAborted).ConfigureAwait(false);
        if (removed is not { } mode)
        {
            ConfluentErrors.Throw(ConfluentErrors.SubjectNotFound, $"Subject '{subject}' has no mode of its own to delete.");
            return;
        }

        await WriteModeAsync(context, mode).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>PUT /mode[/{subject}]?force=</c>. READWRITE, READONLY and IMPORT are supported; IMPORT where schemas exist
    /// needs <c>force=true</c> (42205 otherwise). Confluent's READONLY_OVERRIDE and FORWARD are refused with 42204.
    /// </summary>
    private async Task SetModeAsync(HttpContext context, string? subject)
    {
        var request = await ConfluentHttp.ReadJsonAsync(context, MaxBodyBytes, ConfluentBodies.Mode, ConfluentJsonContext.Wire.ConfluentMode).ConfigureAwait(false);
        if (!ConfigNames.TryParseMode(request.Mode, out var mode))
        {
            ConfluentErrors.Throw(ConfluentErrors.InvalidMode,
                request.Mode is { } named && (named.Equals("READONLY_OVERRIDE", StringComparison.OrdinalIgnoreCase) || named.Equals("FORWARD", StringComparison.OrdinalIgnoreCase))
                    ? $"Mode {named.ToUpperInvariant()} is not supported yet. Valid values are READWRITE, READONLY and IMPORT."
                    : request.Mode is null
                        ? "Missing field 'mode': one of READWRITE, READONLY and IMPORT is required."
                        : $"Invalid mode '{request.Mode}' in field 'mode'. Valid values are READWRITE, READONLY and IMPORT.");
        }

        var set = await registry.SetModeAsync(subject, mode, ConfluentHttp.Flag(context, "force"), context.RequestAborted).ConfigureAwait(false);
        await WriteModeAsync(context, set).ConfigureAwait(false);
    }

    private static Task WriteModeAsync(HttpContext context, RegistryMode mode) =>
        ConfluentHttp.WriteJsonAsync(context, new ConfluentMode { Mode = ConfigNames.Mode(mode) }, ConfluentJsonContext.Wire.ConfluentMode);
}
