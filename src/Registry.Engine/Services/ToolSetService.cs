using Registry.Engine.Model;
using Registry.Engine.Schemas;
using Registry.Engine.Storage;
using Registry.Schemas;
using Registry.Schemas.Profiles;
using Registry.Schemas.Profiles.Tools;

namespace Registry.Engine.Services;

/// <summary>
/// Named tool sets: stored lists of subjects (at a version, the latest, or an alias) sent to a provider as the tools
/// of one request; checked against a profile as one request and exported in a provider's tools format. The members
/// are resolved when the set is read, so a set that names <c>latest</c> or an alias follows the subject.
/// </summary>
internal sealed class ToolSetService(RegistryContext context, Func<string, VersionSelector, CancellationToken, Task<SubjectVersion>> getVersion)
{
    private IToolSetStore Store => context.Store as IToolSetStore
        ?? throw new RegistryException(RegistryErrorCode.StoreError, "The store keeps no tool sets.");

    /// <summary>Creates or replaces a set after checking its name, its members and that each member resolves to a version now.</summary>
    public async Task<(ToolSetRecord Set, bool Created)> PutAsync(string name, IReadOnlyList<ToolSetMember> tools, string? by, CancellationToken cancellationToken)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(tools);
        if (tools.Count == 0 || tools.Count > ToolSetRules.MaxTools)
        {
            RegistryThrow.InvalidRequest($"A tool set has 1 to {ToolSetRules.MaxTools} tools; this one has {tools.Count}.");
        }

        for (var i = 0; i < tools.Count; i++)
        {
            var tool = tools[i];
            if (tool is null || string.IsNullOrEmpty(tool.Name) || tool.Name.Length > ToolSetRules.MaxTextLength)
            {
                RegistryThrow.InvalidRequest($"Tool {i}: a tool has a name of 1 to {ToolSetRules.MaxTextLength} characters.");
            }

            if (tool.Description is { Length: > ToolSetRules.MaxTextLength })
            {
                RegistryThrow.InvalidRequest($"Tool {i}: a description has at most {ToolSetRules.MaxTextLength} characters.");
            }

            if (SubjectName.Check(tool.Subject) is { } problem)
            {
                RegistryThrow.InvalidRequest($"Tool {i}: {problem}");
            }

            if (!VersionSelector.TryParse(tool.Version, out var selector))
            {
                RegistryThrow.Error(RegistryErrorCode.InvalidVersion, $"Tool {i}: '{Shorten(tool.Version)}' is not a version: a number from 1, 'latest' or '@alias'.");
            }

            // Refuses a set naming what does not exist, with the subject's, version's or alias's own 404.
            var version = await getVersion(tool.Subject, selector, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(version.Schema.SchemaType, "JSON", StringComparison.OrdinalIgnoreCase))
            {
                RegistryThrow.Error(RegistryErrorCode.UnsupportedSchemaType, $"Tool {i}: subject '{tool.Subject}' holds {version.Schema.SchemaType} schemas; a tool's input schema is JSON.");
            }
        }

        await context.RequireRegistryWritableAsync("tool sets", cancellationToken).ConfigureAwait(false);
        var set = new ToolSetRecord(name, [.. tools], context.Time.GetUtcNow(), by);
        var created = await Store.PutToolSetAsync(set, cancellationToken).ConfigureAwait(false);
        return (set, created);
    }

    public async Task<ToolSetRecord> GetAsync(string name, CancellationToken cancellationToken)
    {
        CheckName(name);
        var set = await Store.GetToolSetAsync(name, cancellationToken).ConfigureAwait(false);
        if (set is null)
        {
            NotFound(name);
        }

        return set;
    }

    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) => Store.ListToolSetsAsync(cancellationToken);

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        CheckName(name);
        await context.RequireRegistryWritableAsync("tool sets", cancellationToken).ConfigureAwait(false);
        if (!await Store.DeleteToolSetAsync(name, cancellationToken).ConfigureAwait(false))
        {
            NotFound(name);
        }
    }

    /// <summary>The set checked as one request against each profile named (every profile when none is).</summary>
    public async Task<(ToolSetRecord Set, IReadOnlyList<ToolSetReport> Reports)> CheckAsync(string name, IReadOnlyList<string> profileNames, CancellationToken cancellationToken)
    {
        var profiles = new List<Profile>();
        foreach (var profileName in profileNames)
        {
            profiles.Add(ProfileService.Resolve(profileName));
        }

        if (profiles.Count == 0)
        {
            profiles.AddRange(ProviderProfiles.All);
        }

        var set = await GetAsync(name, cancellationToken).ConfigureAwait(false);
        var (tools, resolver) = await ResolveAsync(set, cancellationToken).ConfigureAwait(false);
        var reports = new List<ToolSetReport>(profiles.Count);
        using var slot = await context.Work.EnterAsync(cancellationToken).ConfigureAwait(false);
        var options = new ProfileLintOptions { BaseUri = ReferenceResolver.BaseUri };
        foreach (var profile in profiles)
        {
            reports.Add(ToolSetChecker.Check(tools, profile, resolver, options, cancellationToken));
        }

        return (set, reports);
    }

    /// <summary>The set in a provider's tools format; with <paramref name="transformed"/>, each strict tool's schema in the strict form of the format's profile.</summary>
    public async Task<byte[]> ExportAsync(string name, string? formatName, bool transformed, CancellationToken cancellationToken)
    {
        if (!ToolSetExporter.TryParseFormat(formatName, out var format))
        {
            RegistryThrow.InvalidRequest($"Unknown format '{Shorten(formatName ?? string.Empty)}': the formats are openai, anthropic, gemini and mcp.");
        }

        var set = await GetAsync(name, cancellationToken).ConfigureAwait(false);
        var (tools, resolver) = await ResolveAsync(set, cancellationToken).ConfigureAwait(false);
        if (!transformed)
        {
            return ToolSetExporter.Export(tools, format);
        }

        using var slot = await context.Work.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return ToolSetExporter.ExportTransformed(tools, format, resolver, new ProfileTransformOptions { Lint = new ProfileLintOptions { BaseUri = ReferenceResolver.BaseUri } }, cancellationToken).Json;
        }
        catch (ArgumentException e)
        {
            RegistryThrow.InvalidSchema(e.Message);
            return null!;
        }
    }

    /// <summary>
    /// The members at their current versions, and one resolver over all their references. Two members that give the
    /// same reference name to different versions cannot share a resolver: refused, naming both.
    /// </summary>
    private async Task<(List<ToolDefinition> Tools, ReferenceResolver Resolver)> ResolveAsync(ToolSetRecord set, CancellationToken cancellationToken)
    {
        var tools = new List<ToolDefinition>(set.Tools.Count);
        var references = new List<SchemaReference>();
        var byName = new Dictionary<string, (SchemaReference Reference, string Tool)>(StringComparer.Ordinal);
        foreach (var member in set.Tools)
        {
            var version = await getVersion(member.Subject, VersionSelector.Parse(member.Version), cancellationToken).ConfigureAwait(false);
            tools.Add(new ToolDefinition(member.Name, member.Description, RegistryContext.DocumentSchemaOf(version.Schema), member.Strict));
            foreach (var reference in version.Schema.References)
            {
                if (byName.TryGetValue(reference.Name, out var seen))
                {
                    if (seen.Reference.Subject != reference.Subject || seen.Reference.Version != reference.Version)
                    {
                        RegistryThrow.InvalidRequest(
                            $"Tools '{seen.Tool}' and '{member.Name}' give the reference name '{reference.Name}' to different schemas; a set is checked as one request and needs one meaning per name.");
                    }

                    continue;
                }

                byName[reference.Name] = (reference, member.Name);
                references.Add(reference);
            }
        }

        var resolver = await context.LoadReferencesAsync(references, requireLive: false, cancellationToken).ConfigureAwait(false);
        return (tools, resolver);
    }

    private static void CheckName(string name)
    {
        if (ToolSetRules.Check(name) is { } problem)
        {
            RegistryThrow.InvalidRequest(problem);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void NotFound(string name) =>
        throw new RegistryException(RegistryErrorCode.ToolSetNotFound, $"There is no tool set '{name}'.");

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
